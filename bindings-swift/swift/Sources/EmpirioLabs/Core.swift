import EmpirioLabsFFI
import Foundation

/// Settings for one call, over the client's: a per-attempt `timeout`, `maxRetries`, the longest
/// silence inside a stream, and extra headers, query parameters and body fields.
public struct RequestOptions: Sendable {
    public var timeout: TimeInterval?
    public var maxRetries: Int?
    public var streamIdleTimeout: TimeInterval?
    public var extraHeaders: [String: String]
    public var extraQuery: JSONObject
    public var extraBody: JSONObject

    public init(timeout: TimeInterval? = nil, maxRetries: Int? = nil, streamIdleTimeout: TimeInterval? = nil,
                extraHeaders: [String: String] = [:], extraQuery: JSONObject = [:], extraBody: JSONObject = [:]) {
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.streamIdleTimeout = streamIdleTimeout
        self.extraHeaders = extraHeaders
        self.extraQuery = extraQuery
        self.extraBody = extraBody
    }

    public static let `default` = RequestOptions()
}

/// A file to upload: bytes in memory, or a file the core reads before any request is sent.
public struct Upload: Sendable {
    let filename: String?
    let contentType: String?
    let data: Data?
    let path: String?

    /// Bytes in memory; without `contentType` it is guessed from `filename`.
    public static func bytes(_ data: Data, filename: String, contentType: String? = nil) -> Upload {
        Upload(filename: filename, contentType: contentType, data: data, path: nil)
    }

    /// A file on disk, read when the call is made (a missing file fails before the network).
    public static func file(_ url: URL, contentType: String? = nil) -> Upload {
        Upload(filename: url.lastPathComponent, contentType: contentType, data: nil, path: url.path)
    }

    func part(_ field: String) -> FilePart {
        FilePart(name: field, filename: filename, contentType: contentType, data: data, path: path)
    }
}

/// What one call sends; built by the generated namespaces from a method's arguments.
struct Call: Sendable {
    var path: [(String, String)] = []
    var query: [(String, String)] = []
    var body: JSONValue? = nil
    var files: [(String, Upload)] = []
    var method: String? = nil
    var multipart: Bool = false

    /// Arguments as query pairs (an array repeats the parameter; `null` is not sent).
    static func queryPairs(_ params: JSONObject) -> [(String, String)] {
        params.sorted { $0.key < $1.key }.flatMap { (k, v) -> [(String, String)] in
            switch v {
            case .null: return []
            case .array(let items): return items.map { (k, queryText($0)) }
            default: return [(k, queryText(v))]
            }
        }
    }

    /// A call whose arguments go in the query (reads and deletes).
    static func inQuery(path: [(String, String)], params: JSONObject, method: String? = nil) -> Call {
        Call(path: path, query: queryPairs(params), method: method)
    }

    /// A call whose arguments are the JSON body (no arguments: no body).
    static func inBody(path: [(String, String)], params: JSONObject, query: JSONObject = [:], files: [(String, Upload?)] = [],
                     method: String? = nil) -> Call {
        let fields = params.filter { !$0.value.isNull }
        return Call(path: path, query: queryPairs(query), body: fields.isEmpty ? nil : .object(fields),
                    files: files.compactMap { f in f.1.map { (f.0, $0) } }, method: method)
    }
}

private func pairs(_ p: [(String, String)]) -> [NameValue] {
    p.map { NameValue(name: $0.0, value: $0.1) }
}

/// Runs a native call with a cancellation handle: cancelling the calling `Task` cancels the
/// handle, which trips the core's cancellation token (ending the request and closing its
/// connection). Native errors become `EmpirioLabsError`; a cancelled task throws `CancellationError`.
func cancellable<T: Sendable>(_ body: @Sendable (CancelHandle) async throws -> T) async throws -> T {
    let handle = CancelHandle()
    do {
        return try await withTaskCancellationHandler {
            try await body(handle)
        } onCancel: {
            handle.cancel()
        }
    } catch let e as NativeError {
        let mapped = EmpirioLabsError(e)
        if case .cancelled = mapped, Task.isCancelled { throw CancellationError() }
        throw mapped
    }
}

/// Runs a native call that cannot wait, turning its error into `EmpirioLabsError`.
func translating<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as NativeError {
        throw EmpirioLabsError(e)
    }
}

/// What a call produced, as the operation answered it (see `EmpirioLabs.invoke`).
public enum RawResult: Sendable {
    case json(ApiObject)
    case text(String, contentType: String, meta: ResponseMeta)
    case bytes(Data, contentType: String, meta: ResponseMeta)
    case stream(EventStream<StreamEvent>)
    case job(JobHandle)

    init(_ o: Outcome) {
        switch o {
        case let .json(body, meta): self = .json(ApiObject(json: parseObject(body), meta: ResponseMeta(meta)))
        case let .text(text, contentType, meta): self = .text(text, contentType: contentType, meta: ResponseMeta(meta))
        case let .bytes(data, contentType, meta): self = .bytes(data, contentType: contentType, meta: ResponseMeta(meta))
        case let .stream(stream, meta, flavor): self = .stream(EventStream(stream, meta: ResponseMeta(meta), flavor: flavor))
        case let .job(job): self = .job(JobHandle(job))
        }
    }
}

/// The transport behind every namespace: the native client and the shapes of its answers.
final class Core: Sendable {
    let native: NativeClient

    init(_ native: NativeClient) {
        self.native = native
    }

    func options(_ o: RequestOptions, _ cancel: CancelHandle?) -> CallOptions {
        CallOptions(
            timeout: o.timeout, streamIdleTimeout: o.streamIdleTimeout, maxRetries: o.maxRetries.map { UInt32(max(0, $0)) },
            headers: o.extraHeaders.sorted { $0.key < $1.key }.map { NameValue(name: $0.key, value: $0.value) },
            query: pairs(Call.queryPairs(o.extraQuery)), extraBody: o.extraBody.isEmpty ? nil : o.extraBody.jsonText, cancel: cancel)
    }

    func outcome(_ op: String, _ call: Call, _ o: RequestOptions) async throws -> RawResult {
        try await cancellable { h in
            let input = CallInput(
                path: pairs(call.path), query: pairs(call.query), body: call.body?.jsonText, files: call.files.map { $0.1.part($0.0) },
                multipart: call.multipart, method: call.method, options: self.options(o, h))
            return RawResult(try await self.native.invoke(opId: op, input: input))
        }
    }

    /// A JSON answer as `T`; a streamed answer (`stream: true` in the body) as what it folds into.
    func json<T: JSONDecodable>(_ op: String, _ call: Call, _ o: RequestOptions, as _: T.Type) async throws -> T {
        switch try await outcome(op, call, o) {
        case .json(let v): return T(json: v.raw, meta: v.meta)
        case .stream(let s):
            defer { s.close() }
            return T(json: try await s.finalValue() ?? [:], meta: s.meta)
        case .job(let j): return T(json: j.snapshot.raw, meta: j.createdMeta)
        case let .text(text, _, meta): return T(json: ["text": .string(text)], meta: meta)
        case let .bytes(data, contentType, meta):
            throw EmpirioLabsError.local("Decode", "expected JSON, got \(data.count) bytes of \(contentType) (status \(meta.status))")
        }
    }

    /// The call's events, as they arrive. Ending the iteration early (`break`, a cancelled
    /// task, dropping the sequence) closes the connection.
    func stream<E: EventDecodable>(_ op: String, _ call: Call, _ o: RequestOptions, as _: E.Type) -> AsyncThrowingStream<E, Error> {
        let opened = OpenedStream()
        return pump(close: { opened.close() }) { continuation in
            guard case .stream(let s) = try await self.outcome(op, call, o) else {
                throw EmpirioLabsError.local("Decode", "`\(op)` did not answer with a stream")
            }
            opened.set(s)
            while true {
                let batch = try await s.nextBatch()
                if batch.isEmpty { break }
                for ev in batch { continuation.yield(E(event: ev)) }
            }
        }
    }

    func job(_ op: String, _ call: Call, _ o: RequestOptions) async throws -> JobHandle {
        guard case .job(let j) = try await outcome(op, call, o) else {
            throw EmpirioLabsError.local("Decode", "`\(op)` did not answer with a job")
        }
        return j
    }

    func generation(_ op: String, _ call: Call, _ o: RequestOptions) async throws -> Generation {
        switch try await outcome(op, call, o) {
        case .job(let j): return .pending(j)
        case .json(let v): return .completed(v)
        default: throw EmpirioLabsError.local("Decode", "`\(op)` answered neither JSON nor a job")
        }
    }

    func pager<T: JSONDecodable>(_ op: String, _ params: JSONObject, _ o: RequestOptions, as _: T.Type) -> Pager<T> {
        Pager(open: { try translating { try self.native.pager(opId: op, query: pairs(Call.queryPairs(params)), options: self.options(o, nil)) } })
    }

    func handle(_ jobId: String) -> JobHandle {
        JobHandle(native.job(jobId: jobId))
    }

    func agentWait(_ taskId: String, timeout: TimeInterval?, pollInterval: TimeInterval?, maxPollInterval: TimeInterval?,
                   onProgress: (@Sendable (JobProgress) -> Void)?) async throws -> AgentTask {
        let settings = WaitSettings(timeout: timeout, pollInitial: pollInterval, pollMax: maxPollInterval)
        let text = try await cancellable { h in
            try await self.native.agentWait(taskId: taskId, wait: settings, listener: onProgress.map(Listener.init), cancel: h)
        }
        return AgentTask(json: parseObject(text), meta: nil)
    }

    /// What `agents.start` asks for: the gateway's shortest hold of a non-streaming run.
    var startDefaults: JSONObject { ["max_wait_seconds": .int(Int64(startWaitSeconds()))] }
}

/// The stream a cold `AsyncThrowingStream` opened, so its termination can close it.
final class OpenedStream: @unchecked Sendable {
    private let lock = NSLock()
    private var stream: EventStream<StreamEvent>?
    private var closed = false

    func set(_ s: EventStream<StreamEvent>) {
        lock.lock()
        let already = closed
        stream = s
        lock.unlock()
        if already { s.close() }
    }

    func close() {
        lock.lock()
        closed = true
        let s = stream
        lock.unlock()
        s?.close()
    }
}
