import EmpirioLabsFFI
import Foundation

/// Every item of every page of a cursor-paged list, as an `AsyncSequence`: pages are fetched as
/// the iteration asks for items, and each iteration walks from the first page. `pages` gives
/// the pages themselves.
public struct Pager<T: JSONDecodable>: AsyncSequence, Sendable {
    public typealias Element = T
    let open: @Sendable () throws -> NativePager

    public struct AsyncIterator: AsyncIteratorProtocol {
        let open: @Sendable () throws -> NativePager
        var pager: NativePager?

        public mutating func next() async throws -> T? {
            if pager == nil { pager = try open() }
            let p = pager!
            guard let item = try await cancellable({ try await p.nextItem(cancel: $0) }) else { return nil }
            return T(json: parseObject(item), meta: nil)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(open: open, pager: nil)
    }

    /// Every page as the gateway sent it, each with its meta.
    public var pages: AsyncThrowingStream<ApiObject, Error> {
        let open = self.open
        return pump(close: {}) { continuation in
            let p = try open()
            while let page = try await cancellable({ try await p.nextPage(cancel: $0) }) {
                continuation.yield(ApiObject(json: parseObject(page.body), meta: page.meta.map(ResponseMeta.init)))
            }
        }
    }
}
