import XCTest
@testable import EmpirioLabs

/// The client: settings, per-call options, any per-model parameter, uploads, the key kept out of sight.
final class ClientTests: XCTestCase {
    let m = Mock.shared

    override func setUp() async throws {
        try await m.reset()
    }

    func testSettingsReachEveryCallAndTheUserAgentNamesTheBinding() async throws {
        let c = try m.client(headers: ["x-team": "search"])
        _ = try await c.models.list()
        let h = try await m.requests("/v1/models").last?.obj("headers") ?? [:]
        XCTAssertEqual(h.str("x-team"), "search")
        XCTAssertTrue(h.str("user-agent")?.hasPrefix("empiriolabs-swift/\(EmpirioLabs.version) (core ") ?? false)
        XCTAssertEqual(c.baseURL, m.url)
    }

    func testTheKeyNeverAppearsInTheDescription() throws {
        let c = try EmpirioLabs(apiKey: "sk-live-secret-123456", baseURL: m.url)
        XCTAssertFalse(String(describing: c).contains("sk-live-secret-123456"))
        XCTAssertTrue(String(describing: c).contains("hasAPIKey: true"))
    }

    func testPerModelParametersAndPerCallOptions() async throws {
        let c = try m.client()
        let r = try await c.chat.completions.create(CHAT.merging(["enable_thinking": true, "top_k": 20]) { _, n in n },
                                                    options: RequestOptions(extraHeaders: ["x-trace": "1"], extraBody: ["seed": 7]))
        XCTAssertEqual(r.choices.first?.message.content, HELLO)
        let e = try await m.requests("/v1/chat/completions").last!
        XCTAssertEqual(e.obj("body")?["enable_thinking"], .bool(true))
        XCTAssertEqual(e.obj("body")?["seed"], .int(7))
        XCTAssertEqual(e.obj("headers")?.str("x-trace"), "1")
    }

    func testUploadsFromBytesAndFromAFile() async throws {
        let c = try m.client()
        let data = Data((0..<64000).map { UInt8($0 % 251) })
        _ = try await c.audio.transcriptions.create(file: .bytes(data, filename: "meeting.wav", contentType: "audio/wav"), params: ["model": "openai-whisper-1"])
        let parts = try await m.requests("/v1/audio/transcriptions").last?.obj("body")?["multipart"]?.array?.compactMap { $0.object } ?? []
        let file = parts.first { $0.str("name") == "file" }
        XCTAssertEqual(file?.str("filename"), "meeting.wav")
        XCTAssertEqual(file?.int("size"), 64000)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("clip.wav")
        try data.write(to: url)
        _ = try await c.audio.transcriptions.create(file: .file(url), params: ["model": "openai-whisper-1"])
        try FileManager.default.removeItem(at: url)
        do {
            _ = try await c.audio.transcriptions.create(file: .file(url), params: ["model": "openai-whisper-1"])
            XCTFail("a missing file was sent")
        } catch EmpirioLabsError.invalidRequest {
        }
    }

    func testInvokeReachesAnyOperation() async throws {
        let c = try m.client()
        guard case .json(let voices) = try await c.invoke("listVoices") else { return XCTFail("not JSON") }
        XCTAssertNotNil(voices["data"])
        guard case .job = try await c.invoke("createVideo", body: ["model": "seedance-2-0-pro", "prompt": "x", "duration": 5]) else { return XCTFail("not a job") }
    }
}
