import EmpirioLabsFFI
import Foundation

/// How many events one native read may hand over at once.
private let batchSize: UInt32 = 256

/// An `AsyncThrowingStream` fed by `produce` on a task of its own: it finishes when `produce`
/// returns or throws, and however its iteration ends (`break`, a cancelled task, the sequence
/// dropped) the task is cancelled and `close` runs, closing the native stream.
func pump<T>(close: @escaping @Sendable () -> Void,
             _ produce: @escaping @Sendable (AsyncThrowingStream<T, Error>.Continuation) async throws -> Void) -> AsyncThrowingStream<T, Error> {
    AsyncThrowingStream { continuation in
        let task = Task {
            do {
                try await produce(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
            close()
        }
        continuation.onTermination = { _ in
            task.cancel()
            close()
        }
    }
}

/// An open stream of events. Read it with `next()`, `nextText()` or `events`; `finalValue()`
/// reads the rest and returns what the stream folds into. `close()` ends the connection at once,
/// even while another task waits in a read. A stream that failed throws the same error on every
/// later read.
public final class EventStream<E: EventDecodable>: @unchecked Sendable {
    let native: NativeStream
    private let lock = NSLock()
    private var closed = false

    /// Status, headers and request id of the response the stream came in.
    public let meta: ResponseMeta
    /// The wire convention: `openai`, `anthropic`, `responses` or `typed`.
    public let flavor: String

    init(_ native: NativeStream, meta: ResponseMeta, flavor: String) {
        self.native = native
        self.meta = meta
        self.flavor = flavor
    }

    private var isClosed: Bool {
        lock.lock()
        defer { lock.unlock() }
        return closed
    }

    /// The next event; `nil` after the last one or after `close()`.
    public func next() async throws -> E? {
        if isClosed { return nil }
        let native = self.native
        return try await cancellable { try await native.next(cancel: $0) }.map { E(event: StreamEvent($0)) }
    }

    /// At least one event and every further one that has already arrived; empty at the end.
    public func nextBatch() async throws -> [E] {
        if isClosed { return [] }
        let native = self.native
        return try await cancellable { try await native.nextBatch(max: batchSize, cancel: $0) }.map { E(event: StreamEvent($0)) }
    }

    /// The next non-empty piece of text, skipping other events; `nil` at the end.
    public func nextText() async throws -> String? {
        if isClosed { return nil }
        let native = self.native
        return try await cancellable { try await native.nextText(cancel: $0) }
    }

    /// Reads what is left and returns what the stream folds into (the completion, message, …).
    public func finalValue() async throws -> JSONObject? {
        if isClosed { return nil }
        let native = self.native
        return try await cancellable { try await native.finalValue(cancel: $0) }.map(parseObject)
    }

    /// This stream's events; the connection closes when the iteration ends, however it ends.
    public var events: AsyncThrowingStream<E, Error> {
        pump(close: { self.close() }) { continuation in
            while true {
                let batch = try await self.nextBatch()
                if batch.isEmpty { break }
                for ev in batch { continuation.yield(ev) }
            }
        }
    }

    /// Its text deltas; closes like `events`.
    public var text: AsyncThrowingStream<String, Error> {
        pump(close: { self.close() }) { continuation in
            while let t = try await self.nextText() { continuation.yield(t) }
        }
    }

    /// Closes the connection now (idempotent); the gateway stops the work.
    public func close() {
        lock.lock()
        let first = !closed
        closed = true
        lock.unlock()
        if first { native.closeConnection() }
    }

    deinit {
        native.closeConnection()
    }
}
