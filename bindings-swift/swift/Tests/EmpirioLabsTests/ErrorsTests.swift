import XCTest
@testable import EmpirioLabs

private let embed: JSONObject = ["model": "text-embedding-v4", "input": "hi"]

/// Every fault of the mock mapped to its error case, with its fields; the key kept out of sight.
final class ErrorsTests: XCTestCase {
    let m = Mock.shared

    override func setUp() async throws {
        try await m.reset()
    }

    private func caseName(_ e: EmpirioLabsError) -> String {
        String(describing: Mirror(reflecting: e).children.first?.label ?? "")
    }

    func testEveryFaultMapsToItsCase() async throws {
        let c = try m.client(maxRetries: 0, timeout: 5, streamIdleTimeout: 0.5)
        let cases: [(String, String, Int?, Bool, [String: String])] = [
            ("rate_limit", "rateLimit", 429, false, [:]), ("insufficient_credits", "insufficientCredits", 402, false, [:]),
            ("server_error", "internalServer", 500, false, [:]), ("bad_gateway", "internalServer", 502, false, [:]),
            ("unavailable", "internalServer", 503, false, [:]), ("request_timeout", "apiStatus", 408, false, [:]),
            ("http_400", "badRequest", 400, false, [:]), ("http_401", "authentication", 401, false, [:]),
            ("http_403", "permissionDenied", 403, false, [:]), ("http_404", "notFound", 404, false, [:]),
            ("http_409", "conflict", 409, false, [:]), ("http_422", "unprocessableEntity", 422, false, [:]),
            ("redirect", "apiStatus", 307, false, ["x-mock-redirect-to": "http://127.0.0.2:\(m.port)/v1/embeddings"]),
            ("connection_close", "connection", nil, false, [:]),
            ("slow_first_byte", "timeout", nil, false, ["x-mock-fault-delay-ms": "8000"]),
            ("invalid_json", "decode", 200, false, [:]),
            ("stream_cut", "stream", 200, true, [:]), ("stream_reset", "stream", 200, true, [:]),
            ("stream_error_event", "stream", 200, true, [:]), ("malformed_sse", "stream", 200, true, [:]),
            ("stall_stream", "timeout", nil, true, [:]),
        ]
        for (fault, want, status, stream, more) in cases {
            try await m.reset()
            let opts = RequestOptions(extraHeaders: ["x-mock-fault": fault].merging(more) { _, n in n })
            do {
                if stream {
                    _ = try await collect(c.chat.completions.stream(CHAT, options: opts))
                } else {
                    _ = try await c.embeddings.create(embed, options: opts)
                }
                XCTFail("\(fault): no error")
            } catch let e as EmpirioLabsError {
                XCTAssertEqual(caseName(e), want, "\(fault): \(e)")
                XCTAssertEqual(e.status, status, "\(fault): status")
                if status != nil { XCTAssertTrue(e.requestId?.hasPrefix("req_") ?? false, "\(fault): request id") }
                XCTAssertFalse(String(describing: e).contains(m.apiKey) || String(reflecting: e).contains(m.apiKey))
            }
        }
    }

    func testMissingFieldsFailBeforeTheNetworkAndABadKeyIsA401() async throws {
        let c = try m.client()
        do {
            _ = try await c.chat.completions.create(["messages": MSGS])
            XCTFail("no error")
        } catch EmpirioLabsError.invalidRequest(let d) {
            XCTAssertEqual(d.param, "model")
        }
        let logged = try await m.requests()
        XCTAssertTrue(logged.isEmpty)
        let anon = try m.client(apiKey: "")
        do {
            _ = try await anon.chat.completions.create(CHAT)
            XCTFail("no error")
        } catch EmpirioLabsError.configuration(let d) {
            XCTAssertTrue(d.message.contains("EMPIRIOLABS_API_KEY"))
        }
        let bad = try m.client(apiKey: "sk-wrong-key-123")
        do {
            _ = try await bad.chat.completions.create(CHAT)
            XCTFail("no error")
        } catch EmpirioLabsError.authentication(let d) {
            XCTAssertFalse(String(reflecting: d).contains("sk-wrong-key-123"))
        }
    }

    func testEveryClassOfTheCoreHasACase() {
        XCTAssertEqual(Set(errorClasses()), Set(EmpirioLabsError.byClass.keys))
    }
}
