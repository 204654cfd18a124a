import EmpirioLabsFFI
import Foundation

/// A job's or agent task's state after a poll, as a progress callback receives it.
public struct JobProgress: Sendable, Hashable {
    public let id: String
    public let status: String
    public let progress: Double?
    public let raw: JSONObject
}

/// Hands the core's progress updates to a Swift closure (called on an SDK thread).
final class Listener: ProgressListener, @unchecked Sendable {
    private let f: @Sendable (JobProgress) -> Void

    init(_ f: @escaping @Sendable (JobProgress) -> Void) {
        self.f = f
    }

    func onProgress(update: ProgressUpdate) {
        f(JobProgress(id: update.id, status: update.status, progress: update.progress, raw: parseObject(update.raw)))
    }
}

/// A handle to an async job (videos, 3D, research, long transcriptions and audio): `refresh()`,
/// `wait()` with a deadline and progress, `cancel()`. Cancelling the `Task` of a `wait()` leaves
/// the job running and the handle usable.
public final class JobHandle: Sendable, CustomStringConvertible {
    let native: NativeJob
    public let id: String

    init(_ native: NativeJob) {
        self.native = native
        id = native.id()
    }

    /// The last known status (`processing`, `completed`, `failed`, …).
    public var status: String { native.status() }
    /// 0.0 to 1.0, where the gateway reports it.
    public var progress: Double? { native.progress() }
    /// The last known state.
    public var snapshot: JobState { JobState(json: parseObject(native.snapshot()), meta: nil) }
    /// The result once completed.
    public var result: ApiObject? { native.result().map { ApiObject(json: parseObject($0), meta: nil) } }
    /// Status, headers and request id of the call that created the job.
    public var createdMeta: ResponseMeta? { native.createdMeta().map(ResponseMeta.init) }

    /// Fetches the current state.
    public func refresh() async throws -> JobState {
        let native = self.native
        return JobState(json: parseObject(try await cancellable { try await native.refresh(cancel: $0) }), meta: nil)
    }

    /// Polls until the job finishes and returns its result: `.jobFailed` if it failed,
    /// `.jobTimeout` once `timeout` passes (the job keeps running).
    public func wait(timeout: TimeInterval? = nil, pollInterval: TimeInterval? = nil, maxPollInterval: TimeInterval? = nil,
                     onProgress: (@Sendable (JobProgress) -> Void)? = nil) async throws -> ApiObject {
        let native = self.native
        let settings = WaitSettings(timeout: timeout, pollInitial: pollInterval, pollMax: maxPollInterval)
        let text = try await cancellable { try await native.wait(wait: settings, listener: onProgress.map(Listener.init), cancel: $0) }
        return ApiObject(json: parseObject(text), meta: nil)
    }

    /// Best-effort cancel of the job (`DELETE /v1/jobs/{id}`).
    public func cancel() async throws -> JobState {
        let native = self.native
        return JobState(json: parseObject(try await cancellable { try await native.cancel(cancel: $0) }), meta: nil)
    }

    public var description: String { "JobHandle(id: \(id), status: \(status))" }
}

/// What an endpoint that may finish inline or as a job returned (images, transcriptions, audio).
public enum Generation: Sendable {
    case completed(ApiObject)
    case pending(JobHandle)

    /// The finished result either way.
    public func result(timeout: TimeInterval? = nil, onProgress: (@Sendable (JobProgress) -> Void)? = nil) async throws -> ApiObject {
        switch self {
        case .completed(let r): return r
        case .pending(let j): return try await j.wait(timeout: timeout, onProgress: onProgress)
        }
    }

    /// The job, if the work went on in the background.
    public var job: JobHandle? {
        if case .pending(let j) = self { return j }
        return nil
    }
}
