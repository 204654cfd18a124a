import XCTest
@testable import EmpirioLabs

private let long = RequestOptions(extraHeaders: ["x-mock-stream-tokens": "200", "x-mock-delay-ms": "20"])

/// Streams of every flavour: typed events, text, final objects, and closing early by every route.
final class StreamsTests: XCTestCase {
    let m = Mock.shared

    override func setUp() async throws {
        try await m.reset()
    }

    func testAChatStreamIsAnAsyncSequenceOfTypedChunks() async throws {
        let c = try m.client()
        let chunks = try await collect(c.chat.completions.stream(CHAT))
        XCTAssertEqual(chunks.map { $0.choices.first?.delta.content ?? "" }.joined(), HELLO)
        XCTAssertEqual(chunks.map { $0.text ?? "" }.joined(), HELLO)
        let entry = try await m.requests("/v1/chat/completions").last!
        XCTAssertEqual(entry.obj("headers")?.str("accept"), "text/event-stream")
        XCTAssertEqual(entry.obj("body")?["stream"], .bool(true))
        let rec = try await m.streamRecord("/v1/chat/completions", want: "completed")
        XCTAssertEqual(rec?["completed"], .bool(true))
    }

    func testCreateWithStreamTrueIsTheFoldedCompletion() async throws {
        let c = try m.client()
        let r = try await c.chat.completions.create(CHAT.merging(["stream": true]) { _, n in n })
        XCTAssertEqual(r.choices.first?.message.content, HELLO)
        XCTAssertTrue(r.meta?.requestId?.hasPrefix("req_") ?? false)
    }

    func testBreakingOutOfTheLoopClosesTheConnection() async throws {
        let c = try m.client()
        var n = 0
        for try await _ in c.chat.completions.stream(CHAT, options: long) {
            n += 1
            if n == 3 { break }
        }
        let rec = try await m.streamRecord("/v1/chat/completions")
        XCTAssertEqual(rec?["client_closed"], .bool(true))
        XCTAssertLessThan(rec?["events_sent"]?.int ?? 999, 200)
    }

    func testCancellingTheTaskClosesTheConnection() async throws {
        let c = try m.client()
        let task = Task {
            try await collect(c.messages.stream(["model": "deepseek-v4-pro", "max_tokens": 1024, "messages": MSGS], options: long))
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        task.cancel()
        _ = await task.result
        let rec = try await m.streamRecord("/v1/messages")
        XCTAssertEqual(rec?["client_closed"], .bool(true))
    }

    func testMessagesStreamTypedEvents() async throws {
        let c = try m.client()
        let events = try await collect(c.messages.stream(["model": "deepseek-v4-pro", "max_tokens": 1024, "messages": MSGS]))
        XCTAssertEqual(events.first?.type, "message_start")
        XCTAssertEqual(events.last?.type, "message_stop")
        XCTAssertEqual(events.map { $0.text ?? "" }.joined(), HELLO)
        let folded = try await c.messages.create(["model": "deepseek-v4-pro", "max_tokens": 1024, "messages": MSGS])
        XCTAssertEqual(folded.text, HELLO)
    }

    func testEveryFlavour() async throws {
        let c = try m.client()
        let r = try await collect(c.responses.stream(["model": "deepseek-v4-pro", "input": "Hi"]))
        XCTAssertEqual(r.last?.type, "response.completed")
        let agent = try await collect(c.agents.run(["model": "manus", "input": "memo"]))
        XCTAssertTrue(agent.contains { $0.type == "task.completed" })
        let speech = try await collect(c.audio.speech.stream(["model": "tts-1-5-mini", "input": "Hello there.", "voice": "Sarah", "output_format": "PCM"]))
        XCTAssertTrue(speech.contains { $0.type == "audio.chunk" })
        XCTAssertEqual(speech.last?.type, "audio.done")
    }

    func testAnErrorEventIsAStreamErrorAfterTheEventsBeforeIt() async throws {
        let c = try m.client()
        let fault = RequestOptions(extraHeaders: ["x-mock-fault": "stream_error_event", "x-mock-fault-after": "2"])
        var seen = 0
        do {
            for try await _ in c.chat.completions.stream(CHAT, options: fault) { seen += 1 }
            XCTFail("the stream did not fail")
        } catch EmpirioLabsError.stream(let d) {
            XCTAssertEqual(seen, 2)
            XCTAssertEqual(d.reason, "error_event")
            XCTAssertEqual(d.status, 200)
        }
    }
}
