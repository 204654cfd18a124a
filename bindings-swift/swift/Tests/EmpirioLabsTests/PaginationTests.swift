import XCTest
@testable import EmpirioLabs

final class PaginationTests: XCTestCase {
    let m = Mock.shared

    override func setUp() async throws {
        try await m.reset()
    }

    func testEveryUsageEventOfEveryPage() async throws {
        let c = try m.client()
        var ids: [String] = []
        for try await e in c.account.usage.list(["limit": 100]) { ids.append(e.id) }
        XCTAssertEqual(ids.count, 250)
        XCTAssertEqual(Set(ids).count, 250)
        let requests = try await m.requests("/v1/account/usage")
        XCTAssertEqual(requests.count, 3)
        XCTAssertNotNil(requests[1].obj("query")?["before"])
    }

    func testPagesAndAWalkThatStopsEarly() async throws {
        let c = try m.client()
        let pages = try await collect(c.playground.conversations.list(["limit": 50]).pages)
        XCTAssertEqual(pages.count, 3)
        XCTAssertEqual(pages.map { $0["data"]?.array?.count ?? 0 }.reduce(0, +), 120)
        try await m.reset()
        var n = 0
        for try await _ in c.playground.conversations.list(["limit": 50]) {
            n += 1
            if n == 5 { break }
        }
        let requests = try await m.requests("/v1/playground/conversations")
        XCTAssertEqual(requests.count, 1)
    }
}
