import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import EmpirioLabs

/// The repository's root (this file is bindings-swift/swift/Tests/EmpirioLabsTests/Mock.swift).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../..").standardizedFileURL

/// The mock gateway, started once for the whole test run with the scenario clocks (jobs take
/// 300 ms and expire 2 s after they finish); it exits when its stdin closes with this process.
final class Mock: @unchecked Sendable {
    static let shared = Mock()

    let url: String
    let apiKey: String
    let host: String
    let port: Int
    private let process = Process()
    private let stdin = Pipe()

    private init() {
        let bin = ProcessInfo.processInfo.environment["EMPIRIO_MOCK_BIN"] ?? repoRoot.appendingPathComponent("target/debug/empirio-mock").path
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["--exit-on-stdin-close", "--job-ms", "300", "--job-retention-secs", "2", "--sync-window-ms", "1000"]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = stdin
        do { try process.run() } catch { fatalError("cannot start the mock gateway at \(bin): \(error); run `cargo build -p empirio-mock`") }
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0a]) { break }
            line.append(byte)
        }
        guard case .object(let ready)? = try? JSONValue.parse(String(decoding: line, as: UTF8.self)) else {
            fatalError("the mock gateway exited before it was ready")
        }
        url = ready["url"]?.string ?? ""
        apiKey = ready["api_key"]?.string ?? ""
        let u = URL(string: url)!
        host = u.host ?? "127.0.0.1"
        port = u.port ?? 0
    }

    func send(_ method: String, _ pathAndQuery: String, body: String? = nil, headers: [String: String] = [:]) async throws -> (Int, String) {
        var r = URLRequest(url: URL(string: url + pathAndQuery)!)
        r.httpMethod = method
        r.timeoutInterval = 30
        if let body {
            r.httpBody = Data(body.utf8)
            r.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: r)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    func reset() async throws {
        _ = try await send("POST", "/__mock/reset")
    }

    /// The request log (optionally one path / method).
    func requests(_ path: String? = nil, method: String? = nil) async throws -> [JSONObject] {
        var q: [String] = []
        if let path { q.append("path=" + (path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? path)) }
        if let method { q.append("method=\(method)") }
        let (_, body) = try await send("GET", "/__mock/requests" + (q.isEmpty ? "" : "?" + q.joined(separator: "&")))
        return (try JSONValue.parse(body))["data"]?.array?.compactMap { $0.object } ?? []
    }

    func lastSeq() async throws -> Int64 {
        try await requests().compactMap { $0["seq"]?.int }.max() ?? 0
    }

    func since(_ seq: Int64, path: String? = nil) async throws -> [JSONObject] {
        try await requests(path).filter { ($0["seq"]?.int ?? 0) > seq }
    }

    /// The last stream record for `path` once `want` is set (written just after the last byte).
    func streamRecord(_ path: String, want: String = "client_closed") async throws -> JSONObject? {
        let deadline = Date().addingTimeInterval(2)
        while true {
            let rec = try await requests(path).last?["stream"]?.object
            if rec?[want]?.bool == true || Date() > deadline { return rec }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    /// A plain authenticated call, for setup that is not under test.
    func raw(_ method: String, _ path: String, _ body: JSONValue? = nil, headers: [String: String] = [:]) async throws -> JSONObject {
        let (status, text) = try await send(method, path, body: body?.jsonText, headers: ["authorization": "Bearer \(apiKey)"].merging(headers) { _, n in n })
        precondition(status < 300, "\(method) \(path): \(status) \(text)")
        return (try JSONValue.parse(text)).object ?? [:]
    }

    func client(maxRetries: Int? = 2, timeout: TimeInterval? = nil, apiKey: String? = nil, headers: [String: String] = [:],
                streamIdleTimeout: TimeInterval? = nil, authStyle: AuthStyle = .bearer) throws -> EmpirioLabs {
        try EmpirioLabs(apiKey: apiKey ?? self.apiKey, baseURL: url, timeout: timeout, maxRetries: maxRetries, defaultHeaders: headers,
                        streamIdleTimeout: streamIdleTimeout, authStyle: authStyle)
    }
}

let MSGS: JSONValue = [["role": "user", "content": "Hi"]]
let CHAT: JSONObject = ["model": "deepseek-v4-pro", "messages": MSGS]
let HELLO = "Hello from the EmpirioLabs mock gateway. You said: Hi"
let FAST = RequestOptions(extraHeaders: ["x-mock-job-ms": "0"])

func collect<E>(_ s: AsyncThrowingStream<E, Error>) async throws -> [E] {
    var out: [E] = []
    for try await e in s { out.append(e) }
    return out
}
