import Foundation

/// Calls the service running on one GPU instance, through `/v1/gpu/connect/{id}/...`: any
/// method and path (its `%`-escapes and `?query` kept as given).
public struct GpuConnection: Sendable {
    let core: Core
    public let instanceId: String

    /// Sends `method` `path` to the instance: `json` as the body, or for a GET, HEAD or DELETE
    /// without one, `params` as the query. The answer as it came: JSON, text, bytes or a stream.
    public func request(_ method: String, _ path: String, json: JSONObject? = nil, params: JSONObject = [:],
                        options: RequestOptions = .default) async throws -> RawResult {
        let m = method.uppercased()
        let trimmed = String(path.drop { $0 == "/" })
        let at = [("instance_id", instanceId), ("path", trimmed)]
        let call = json == nil && ["GET", "HEAD", "DELETE"].contains(m)
            ? Call.inQuery(path: at, params: params, method: m)
            : Call.inBody(path: at, params: (json ?? [:]).merging(params) { _, new in new }, method: m)
        return try await core.outcome("connectGpuInstance", call, options)
    }

    /// `chat.completions.create(...)` against the model served on the instance.
    public var chat: Chat { Chat(connection: self) }

    public struct Chat: Sendable {
        let connection: GpuConnection
        public var completions: Completions { Completions(connection: connection) }
    }

    public struct Completions: Sendable {
        let connection: GpuConnection

        public func create(_ params: JSONObject, options: RequestOptions = .default) async throws -> RawResult {
            try await connection.request("POST", "v1/chat/completions", json: params, options: options)
        }
    }
}
