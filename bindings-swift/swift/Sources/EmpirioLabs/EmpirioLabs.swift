import EmpirioLabsFFI
import Foundation

/// Which header carries the API key.
public enum AuthStyle: Sendable {
    /// `Authorization: Bearer <key>` (on `/v1/messages` also `x-api-key`).
    case bearer
    /// `x-api-key: <key>` only, as Anthropic clients send it.
    case xApiKey
}

/// The client. Settings left unset come from `EMPIRIOLABS_API_KEY` and `EMPIRIOLABS_BASE_URL`
/// (default `https://api.empiriolabs.ai`) and the core's defaults: `timeout` 600 s per attempt,
/// `maxRetries` 2, connect 10 s, stream idle 300 s. Every operation is an `async throws` method
/// of a namespace, as in the other languages:
///
/// ```swift
/// let client = try EmpirioLabs()
/// let r = try await client.chat.completions.create(["model": "deepseek-v4-pro",
///     "messages": [["role": "user", "content": "Hello!"]]])
/// print(r.choices[0].message.content ?? "")
/// ```
///
/// The key never appears in `description` or in an error.
public final class EmpirioLabs: Sendable, CustomStringConvertible {
    let core: Core

    public init(apiKey: String? = nil, baseURL: String? = nil, timeout: TimeInterval? = nil, maxRetries: Int? = nil,
                defaultHeaders: [String: String] = [:], connectTimeout: TimeInterval? = nil, streamIdleTimeout: TimeInterval? = nil,
                userAgent: String? = nil, authStyle: AuthStyle = .bearer) throws {
        let settings = ClientSettings(
            apiKey: apiKey, baseUrl: baseURL, timeout: timeout, connectTimeout: connectTimeout, streamIdleTimeout: streamIdleTimeout,
            maxRetries: maxRetries.map { UInt32(max(0, $0)) },
            defaultHeaders: defaultHeaders.sorted { $0.key < $1.key }.map { NameValue(name: $0.key, value: $0.value) },
            userAgent: userAgent, authStyle: authStyle == .xApiKey ? .xApiKey : .bearer, retryBackoff: nil,
            binding: "swift", bindingVersion: EmpirioLabs.version)
        core = Core(try translating { try NativeClient(settings: settings) })
    }

    /// This package's version, as the user agent names it.
    public static let version: String = bindingVersion()

    /// The gateway this client talks to.
    public var baseURL: String { core.native.baseUrl() }

    /// Whether a key is set (public endpoints work without one).
    public var hasAPIKey: Bool { core.native.hasApiKey() }

    /// Calls any operation by its operationId, with the same validation, retries and errors as
    /// the namespaces; the answer as it came (JSON, text, bytes, a stream or a job). The body is
    /// sent exactly as given.
    public func invoke(_ operationId: String, path: [String: String] = [:], query: JSONObject = [:], body: JSONValue? = nil,
                       files: [String: Upload] = [:], method: String? = nil, options: RequestOptions = .default,
                       multipart: Bool = false) async throws -> RawResult {
        let call = Call(path: path.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, query: Call.queryPairs(query), body: body,
                        files: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, method: method, multipart: multipart)
        return try await core.outcome(operationId, call, options)
    }

    /// The bytes behind a generated output URL (signed for 7 days; no key is sent).
    public func download(_ url: String) async throws -> Data {
        let native = core.native
        return try await cancellable { try await native.download(url: url, cancel: $0) }
    }

    /// Saves a generated output URL to `path` in constant memory (complete, or not there); the byte count.
    public func download(_ url: String, to path: URL) async throws -> UInt64 {
        let native = core.native
        return try await cancellable { try await native.downloadTo(url: url, path: path.path, cancel: $0) }
    }

    public var description: String { "EmpirioLabs(baseURL: \(baseURL), hasAPIKey: \(hasAPIKey))" }
}
