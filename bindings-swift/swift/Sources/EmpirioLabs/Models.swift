import EmpirioLabsFFI
import Foundation

/// Status, headers and request id of an answer.
public struct ResponseMeta: Sendable, Hashable {
    public let status: Int
    public let headers: [Header]
    public let requestId: String?

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    init(_ m: EmpirioLabsFFI.ResponseMeta) {
        status = Int(m.status)
        headers = m.headers.map { Header(name: $0.name, value: $0.value) }
        requestId = m.requestId
    }
}

/// A typed view decoded from a JSON answer (each typed struct conforms).
public protocol JSONDecodable: Sendable {
    init(json: JSONObject, meta: ResponseMeta?)
}

/// A typed view decoded from a stream event.
public protocol EventDecodable: Sendable {
    init(event: StreamEvent)
}

/// A JSON answer the SDK has no typed view for: `obj["data"]`, `obj.raw`, `obj.meta`.
public struct ApiObject: JSONDecodable, EventDecodable, Hashable {
    public let raw: JSONObject
    public let meta: ResponseMeta?

    public init(json: JSONObject, meta: ResponseMeta?) {
        raw = json
        self.meta = meta
    }

    public init(event: StreamEvent) {
        self.init(json: event.data, meta: nil)
    }

    public subscript(key: String) -> JSONValue? { raw[key] }
    public var requestId: String? { meta?.requestId }
    public var jsonText: String { raw.jsonText }
}

/// One event of any stream: its SSE `event:` name, its type, its JSON data and the text it adds.
public struct StreamEvent: EventDecodable, Hashable {
    public let event: String?
    /// The `event:` name, else the data's `type`.
    public let type: String?
    public let data: JSONObject
    /// The text this event adds (a chat delta, an Anthropic `text_delta`, …), if any.
    public let text: String?

    public init(event: StreamEvent) {
        self = event
    }

    init(_ e: EmpirioLabsFFI.StreamEvent) {
        event = e.event
        type = e.kind
        data = parseObject(String(decoding: e.data, as: UTF8.self))
        text = e.text ?? e.chunk?.choices.first?.content
    }
}

/// Token counts and the amount billed.
public struct Usage: Sendable, Hashable {
    public let promptTokens, completionTokens, totalTokens, inputTokens, outputTokens: Int64?
    public let costUsd: Double?
    public let raw: JSONObject

    init?(_ o: JSONObject?) {
        guard let o else { return nil }
        promptTokens = o.int("prompt_tokens")
        completionTokens = o.int("completion_tokens")
        totalTokens = o.int("total_tokens")
        inputTokens = o.int("input_tokens")
        outputTokens = o.int("output_tokens")
        costUsd = o.double("cost_usd")
        raw = o
    }
}

/// A chat message, or a chunk's delta.
public struct ChatMessage: Sendable, Hashable {
    public let role, content, reasoningContent, refusal: String?
    public let toolCalls: [JSONObject]
    public let raw: JSONObject

    init(_ o: JSONObject?) {
        let m = o ?? [:]
        role = m.str("role")
        content = m.str("content")
        reasoningContent = m.str("reasoning_content")
        refusal = m.str("refusal")
        toolCalls = m.objects("tool_calls")
        raw = m
    }
}

public struct ChatChoice: Sendable, Hashable {
    public let index: Int
    public let message: ChatMessage
    public let finishReason: String?
}

/// `POST /v1/chat/completions`.
public struct ChatCompletion: JSONDecodable, Hashable {
    public let id: String
    public let model: String
    public let created: Int64?
    public let choices: [ChatChoice]
    public let usage: Usage?
    public let raw: JSONObject
    public let meta: ResponseMeta?

    public init(json: JSONObject, meta: ResponseMeta?) {
        id = json.str("id") ?? ""
        model = json.str("model") ?? ""
        created = json.int("created")
        choices = json.objects("choices").map { ChatChoice(index: Int($0.int("index") ?? 0), message: ChatMessage($0.obj("message")), finishReason: $0.str("finish_reason")) }
        usage = Usage(json.obj("usage"))
        raw = json
        self.meta = meta
    }
}

public struct ChunkChoice: Sendable, Hashable {
    public let index: Int
    public let delta: ChatMessage
    public let finishReason: String?
}

/// One streamed `chat.completion.chunk`; `text` is the text it adds.
public struct ChatCompletionChunk: EventDecodable, Hashable {
    public let id: String
    public let model: String
    public let choices: [ChunkChoice]
    public let usage: Usage?
    public let text: String?
    public let raw: JSONObject

    public init(event: StreamEvent) {
        let d = event.data
        id = d.str("id") ?? ""
        model = d.str("model") ?? ""
        choices = d.objects("choices").map { ChunkChoice(index: Int($0.int("index") ?? 0), delta: ChatMessage($0.obj("delta")), finishReason: $0.str("finish_reason")) }
        usage = Usage(d.obj("usage"))
        text = event.text
        raw = d
    }
}

public struct CompletionChoice: Sendable, Hashable {
    public let index: Int
    public let text: String
    public let finishReason: String?
}

/// `POST /v1/completions`, and each of its chunks.
public struct Completion: JSONDecodable, EventDecodable, Hashable {
    public let id: String
    public let model: String
    public let choices: [CompletionChoice]
    public let usage: Usage?
    public let raw: JSONObject
    public let meta: ResponseMeta?

    public init(json: JSONObject, meta: ResponseMeta?) {
        id = json.str("id") ?? ""
        model = json.str("model") ?? ""
        choices = json.objects("choices").map { CompletionChoice(index: Int($0.int("index") ?? 0), text: $0.str("text") ?? "", finishReason: $0.str("finish_reason")) }
        usage = Usage(json.obj("usage"))
        raw = json
        self.meta = meta
    }

    public init(event: StreamEvent) {
        self.init(json: event.data, meta: nil)
    }
}

/// One block of an Anthropic message: `text`, `thinking`, `tool_use`, …
public struct ContentBlock: Sendable, Hashable {
    public let type: String
    public let text, thinking, id, name: String?
    public let input: JSONValue?
    public let raw: JSONObject

    init(_ o: JSONObject) {
        type = o.str("type") ?? ""
        text = o.str("text")
        thinking = o.str("thinking")
        id = o.str("id")
        name = o.str("name")
        input = o["input"]
        raw = o
    }
}

/// `POST /v1/messages` (Anthropic).
public struct Message: JSONDecodable, Hashable {
    public let id, role, model: String
    public let content: [ContentBlock]
    public let stopReason: String?
    public let usage: Usage?
    public let raw: JSONObject
    public let meta: ResponseMeta?

    /// The text of every `text` block, joined.
    public var text: String { content.filter { $0.type == "text" }.map { $0.text ?? "" }.joined() }

    public init(json: JSONObject, meta: ResponseMeta?) {
        id = json.str("id") ?? ""
        role = json.str("role") ?? ""
        model = json.str("model") ?? ""
        content = json.objects("content").map(ContentBlock.init)
        stopReason = json.str("stop_reason")
        usage = Usage(json.obj("usage"))
        raw = json
        self.meta = meta
    }
}

/// An Anthropic Messages stream event (`message_start`, `content_block_delta`, …, `message_stop`).
public struct MessageStreamEvent: EventDecodable, Hashable {
    public let type: String
    public let index: Int?
    public let delta: JSONObject?
    public let message: Message?
    public let contentBlock: ContentBlock?
    public let usage: Usage?
    public let text: String?
    public let raw: JSONObject

    public init(event: StreamEvent) {
        let d = event.data
        type = event.type ?? ""
        index = d.int("index").map { Int($0) }
        delta = d.obj("delta")
        message = d.obj("message").map { Message(json: $0, meta: nil) }
        contentBlock = d.obj("content_block").map(ContentBlock.init)
        usage = Usage(d.obj("usage"))
        text = event.text
        raw = d
    }
}

/// The state of an async job (`GET /v1/jobs/{id}`).
public struct JobState: JSONDecodable, Hashable {
    public let jobId, status: String
    public let progress: Double?
    public let createdAt, completedAt: String?
    public let result, error: JSONObject?
    public let raw: JSONObject
    public let meta: ResponseMeta?

    public init(json: JSONObject, meta: ResponseMeta?) {
        jobId = json.str("job_id") ?? json.str("id") ?? ""
        status = json.str("status") ?? ""
        progress = json.double("progress")
        createdAt = json.str("created_at")
        completedAt = json.str("completed_at")
        result = json.obj("result")
        error = json.obj("error")
        raw = json
        self.meta = meta
    }
}

/// An agent task (`GET /v1/agents/{task_id}`, and what `agents.wait` returns).
public struct AgentTask: JSONDecodable, Hashable {
    public let taskId, status: String
    public let model, output: String?
    public let artifacts: [JSONObject]
    public let usage: Usage?
    public let error: JSONValue?
    public let raw: JSONObject
    public let meta: ResponseMeta?

    public init(json: JSONObject, meta: ResponseMeta?) {
        taskId = json.str("task_id") ?? json.str("id") ?? ""
        status = json.str("status") ?? ""
        model = json.str("model")
        output = json.str("output")
        artifacts = json.objects("artifacts")
        usage = Usage(json.obj("usage"))
        error = json["error"]
        raw = json
        self.meta = meta
    }
}

/// One event of `GET /v1/account/usage`.
public struct UsageEvent: JSONDecodable, Hashable {
    public let id: String
    public let createdAt, model, endpoint, status, requestId: String?
    public let statusCode, latencyMs: Int64?
    public let tokens, cost: JSONObject?
    public let raw: JSONObject

    /// The amount billed (`cost.amount`), where given.
    public var amount: Double? { cost?.double("amount") }

    public init(json: JSONObject, meta: ResponseMeta?) {
        id = json.str("id") ?? ""
        createdAt = json.str("created_at")
        model = json.str("model")
        endpoint = json.str("endpoint")
        status = json.str("status")
        requestId = json.str("request_id")
        statusCode = json.int("status_code")
        latencyMs = json.int("latency_ms")
        tokens = json.obj("tokens")
        cost = json.obj("cost")
        raw = json
    }
}

/// A catalog model (`GET /v1/models`), with its parameter table on `retrieve`.
public struct Model: JSONDecodable, Hashable {
    public let id: String
    public let ownedBy, description, type: String?
    public let contextWindow: Int64?
    public let inputModalities, outputModalities: [String]
    public let parameters: [JSONObject]?
    public let raw: JSONObject
    public let meta: ResponseMeta?

    public init(json: JSONObject, meta: ResponseMeta?) {
        id = json.str("id") ?? ""
        ownedBy = json.str("owned_by")
        description = json.str("description")
        type = json.str("type")
        contextWindow = json.int("context_window")
        inputModalities = json.strings("input_modalities")
        outputModalities = json.strings("output_modalities")
        parameters = json["parameters"]?.array?.compactMap { $0.object }
        raw = json
        self.meta = meta
    }
}

/// `GET /v1/models`: every model of the catalog.
public struct ModelList: JSONDecodable, Hashable {
    public let data: [Model]
    public let raw: JSONObject
    public let meta: ResponseMeta?

    public init(json: JSONObject, meta: ResponseMeta?) {
        data = json.objects("data").map { Model(json: $0, meta: nil) }
        raw = json
        self.meta = meta
    }
}
