package ai.empiriolabs

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject

/** Status, headers and request id of an answer. */
data class ResponseMeta(val status: Int, val headers: List<Pair<String, String>>, val requestId: String?) {
    /** The first value of header [name] (case-insensitive). */
    fun header(name: String): String? = headers.firstOrNull { it.first.equals(name, ignoreCase = true) }?.second

    internal companion object {
        fun of(m: ai.empiriolabs.ffi.ResponseMeta) = ResponseMeta(m.status.toInt(), m.headers.map { it.name to it.value }, m.requestId)
    }
}

/** Every response keeps the JSON it came in, so fields this SDK does not name are never lost. */
interface HasRaw {
    /** The JSON object as received. */
    val raw: JsonObject
}

/**
 * A JSON object parsed when first read. A streamed chat chunk's typed fields come already parsed
 * by the core, so its `raw` (and the `raw` of its parts) is only parsed if something reads it.
 * Two are equal when their JSON is.
 *
 * One object per view, with no closure: a chunk makes three of them, so they are kept small.
 */
class RawJson private constructor(
    /** JSON text to parse, UTF-8. */
    private val text: ByteArray?,
    /** Or a part of this one: the object at [key], or element [index] of the array at [key]. */
    private val parent: RawJson?,
    private val key: String?,
    private val index: Int,
    given: JsonObject?,
) {
    // Two threads may both parse; either result is the same immutable object.
    @Volatile private var parsed: JsonObject? = given

    /** The JSON object. */
    val value: JsonObject get() = parsed ?: compute().also { parsed = it }

    private fun compute(): JsonObject = when {
        text != null -> parseObject(text.decodeToString())
        index < 0 -> parent!!.value.obj(key!!) ?: JsonObject(emptyMap())
        else -> parent!!.value.objects(key!!)[index]
    }

    override fun equals(other: Any?): Boolean = other is RawJson && other.value == value
    override fun hashCode(): Int = value.hashCode()
    override fun toString(): String = value.toString()

    internal companion object {
        fun of(o: JsonObject) = RawJson(null, null, null, -1, o)
        fun text(utf8: ByteArray) = RawJson(utf8, null, null, -1, null)
        /** The object at [key] of [parent] (empty when absent). */
        fun field(parent: RawJson, key: String) = RawJson(null, parent, key, -1, null)
        /** Element [i] of the array of objects at [key] of [parent]. */
        fun element(parent: RawJson, key: String, i: Int) = RawJson(null, parent, key, i, null)
    }
}

/** Decodes a JSON answer into a typed view (each typed class's companion is one). */
interface JsonType<out T> {
    fun fromJson(raw: JsonObject, meta: ResponseMeta? = null): T
}

/** Decodes a stream event into a typed view. */
interface EventType<out E> {
    fun fromEvent(event: StreamEvent): E
}

/**
 * A JSON answer the SDK has no typed view for: `obj["data"]`, `obj.raw`, `obj.meta`, `obj.toJson()`.
 */
class ApiObject(override val raw: JsonObject, val meta: ResponseMeta? = null) : HasRaw, Map<String, JsonElement> by raw {
    val requestId: String? get() = meta?.requestId

    /** Field [key] as a string, number, boolean, object or array, or `null` when absent or of another type. */
    fun string(key: String): String? = raw.str(key)
    fun long(key: String): Long? = raw.long(key)
    fun double(key: String): Double? = raw.double(key)
    fun boolean(key: String): Boolean? = raw.bool(key)
    fun obj(key: String): JsonObject? = raw.obj(key)
    fun array(key: String): JsonArray? = raw.arr(key)

    fun toJson(): String = raw.toString()

    override fun toString(): String = raw.toString()
    override fun equals(other: Any?): Boolean = other is ApiObject && other.raw == raw
    override fun hashCode(): Int = raw.hashCode()

    companion object : JsonType<ApiObject>, EventType<ApiObject> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = ApiObject(raw, meta)
        override fun fromEvent(event: StreamEvent) = ApiObject(event.data)
    }
}

/** One event of any stream: its SSE `event:` name, its type, its JSON data and the text it adds. */
data class StreamEvent internal constructor(
    val event: String?,
    /** The `event:` name, else the data's `type`. */
    val type: String?,
    internal val json: RawJson,
    /** The text this event adds (a chat delta, an Anthropic `text_delta`, …), if any. */
    val text: String?,
    /** A chat chunk's fields as the core parsed them. */
    internal val chunk: ai.empiriolabs.ffi.ChunkFields? = null,
) : HasRaw {
    constructor(event: String?, type: String?, data: JsonObject, text: String?) : this(event, type, RawJson.of(data), text)

    /** The event's JSON data (parsed when first read). */
    val data: JsonObject get() = json.value
    override val raw: JsonObject get() = data

    companion object : EventType<StreamEvent> {
        override fun fromEvent(event: StreamEvent) = event
        internal fun of(e: ai.empiriolabs.ffi.StreamEvent) =
            StreamEvent(e.event, e.kind, RawJson.text(e.data), e.text ?: e.chunk?.choices?.firstOrNull()?.content, e.chunk)
    }
}

/** Token counts and the amount billed. */
data class Usage(
    val promptTokens: Long?, val completionTokens: Long?, val totalTokens: Long?,
    val inputTokens: Long?, val outputTokens: Long?, val costUsd: Double?,
    private val json: RawJson,
) : HasRaw {
    override val raw: JsonObject get() = json.value

    companion object {
        fun of(o: JsonObject?) = o?.let {
            Usage(it.long("prompt_tokens"), it.long("completion_tokens"), it.long("total_tokens"),
                it.long("input_tokens"), it.long("output_tokens"), it.double("cost_usd"), RawJson.of(it))
        }

        internal fun of(u: ai.empiriolabs.ffi.UsageFields, json: RawJson) = Usage(u.promptTokens?.toLong(), u.completionTokens?.toLong(),
            u.totalTokens?.toLong(), u.inputTokens?.toLong(), u.outputTokens?.toLong(), u.costUsd, json)
    }
}

data class FunctionCall(val name: String?, val arguments: String?)

data class ToolCall(val index: Int?, val id: String?, val type: String?, val function: FunctionCall?, private val json: RawJson) : HasRaw {
    override val raw: JsonObject get() = json.value

    companion object {
        fun of(o: JsonObject) = ToolCall(o.int("index"), o.str("id"), o.str("type"),
            o.obj("function")?.let { FunctionCall(it.str("name"), it.str("arguments")) }, RawJson.of(o))

        internal fun of(t: ai.empiriolabs.ffi.ToolCallFields, json: RawJson) = ToolCall(t.index?.toInt(), t.id, t.kind,
            if (t.name != null || t.arguments != null) FunctionCall(t.name, t.arguments) else null, json)
    }
}

/** A chat message, or a chunk's delta. */
data class ChatMessage(
    val role: String?, val content: String?, val reasoningContent: String?, val toolCalls: List<ToolCall>,
    val refusal: String?, private val json: RawJson,
) : HasRaw {
    override val raw: JsonObject get() = json.value

    companion object {
        fun of(o: JsonObject?): ChatMessage {
            val m = o ?: JsonObject(emptyMap())
            return ChatMessage(m.str("role"), m.str("content"), m.str("reasoning_content"), m.objects("tool_calls").map(ToolCall::of), m.str("refusal"), RawJson.of(m))
        }
    }
}

data class ChatChoice(val index: Int, val message: ChatMessage, val finishReason: String?, override val raw: JsonObject) : HasRaw

/** `POST /v1/chat/completions`. */
data class ChatCompletion(
    val id: String, val created: Long?, val model: String, val choices: List<ChatChoice>, val usage: Usage?,
    override val raw: JsonObject, val meta: ResponseMeta? = null,
) : HasRaw {
    companion object : JsonType<ChatCompletion> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = ChatCompletion(
            raw.str("id") ?: "", raw.long("created"), raw.str("model") ?: "",
            raw.objects("choices").map { ChatChoice(it.int("index") ?: 0, ChatMessage.of(it.obj("message")), it.str("finish_reason"), it) },
            Usage.of(raw.obj("usage")), raw, meta,
        )
    }
}

data class ChunkChoice(val index: Int, val delta: ChatMessage, val finishReason: String?, private val json: RawJson) : HasRaw {
    override val raw: JsonObject get() = json.value
}

/**
 * One streamed `chat.completion.chunk`; [text] is the text it adds. Its fields come as the core
 * parsed them; [raw] (and each part's) is parsed only when read.
 */
data class ChatCompletionChunk(
    val id: String, val created: Long?, val model: String, val choices: List<ChunkChoice>, val usage: Usage?,
    val text: String?, private val json: RawJson,
) : HasRaw {
    override val raw: JsonObject get() = json.value

    companion object : EventType<ChatCompletionChunk> {
        override fun fromEvent(event: StreamEvent): ChatCompletionChunk {
            val f = event.chunk ?: return fromData(event)
            val root = event.json
            val choices = f.choices.mapIndexed { i, c ->
                val choice = RawJson.element(root, "choices", i)
                val delta = RawJson.field(choice, "delta")
                val calls = if (c.toolCalls.isEmpty()) emptyList() else c.toolCalls.mapIndexed { k, t -> ToolCall.of(t, RawJson.element(delta, "tool_calls", k)) }
                ChunkChoice(c.index.toInt(), ChatMessage(c.role, c.content, c.reasoningContent, calls, c.refusal, delta), c.finishReason, choice)
            }
            val usage = f.usage?.let { Usage.of(it, RawJson.field(root, "usage")) }
            return ChatCompletionChunk(f.id, f.created, f.model, choices, usage, event.text, root)
        }

        /** A chunk the core could not read as one (a field of another type): from its JSON. */
        private fun fromData(event: StreamEvent): ChatCompletionChunk {
            val d = event.data
            return ChatCompletionChunk(
                d.str("id") ?: "", d.long("created"), d.str("model") ?: "",
                d.objects("choices").map { ChunkChoice(it.int("index") ?: 0, ChatMessage.of(it.obj("delta")), it.str("finish_reason"), RawJson.of(it)) },
                Usage.of(d.obj("usage")), event.text, RawJson.of(d),
            )
        }
    }
}

data class CompletionChoice(val index: Int, val text: String, val finishReason: String?)

/** `POST /v1/completions`, and each of its chunks. */
data class Completion(
    val id: String, val model: String, val choices: List<CompletionChoice>, val usage: Usage?,
    override val raw: JsonObject, val meta: ResponseMeta? = null,
) : HasRaw {
    companion object : JsonType<Completion>, EventType<Completion> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = Completion(
            raw.str("id") ?: "", raw.str("model") ?: "",
            raw.objects("choices").map { CompletionChoice(it.int("index") ?: 0, it.str("text") ?: "", it.str("finish_reason")) },
            Usage.of(raw.obj("usage")), raw, meta,
        )
        override fun fromEvent(event: StreamEvent) = fromJson(event.data)
    }
}

/** One block of an Anthropic message: `text`, `thinking`, `tool_use`, … */
data class ContentBlock(val type: String, val text: String?, val thinking: String?, val id: String?, val name: String?, val input: JsonElement?, override val raw: JsonObject) : HasRaw {
    companion object {
        fun of(o: JsonObject) = ContentBlock(o.str("type") ?: "", o.str("text"), o.str("thinking"), o.str("id"), o.str("name"), o["input"], o)
    }
}

/** `POST /v1/messages` (Anthropic). */
data class Message(
    val id: String, val role: String, val model: String, val content: List<ContentBlock>, val stopReason: String?,
    val usage: Usage?, override val raw: JsonObject, val meta: ResponseMeta? = null,
) : HasRaw {
    /** The text of every `text` block, joined. */
    val text: String get() = content.filter { it.type == "text" }.joinToString("") { it.text ?: "" }

    companion object : JsonType<Message> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = Message(
            raw.str("id") ?: "", raw.str("role") ?: "", raw.str("model") ?: "", raw.objects("content").map(ContentBlock::of),
            raw.str("stop_reason"), Usage.of(raw.obj("usage")), raw, meta,
        )
    }
}

/** An Anthropic Messages stream event (`message_start`, `content_block_delta`, …, `message_stop`). */
data class MessageStreamEvent(
    val type: String, val index: Int?, val delta: JsonObject?, val message: Message?, val contentBlock: ContentBlock?,
    val usage: Usage?, val text: String?, override val raw: JsonObject,
) : HasRaw {
    companion object : EventType<MessageStreamEvent> {
        override fun fromEvent(event: StreamEvent): MessageStreamEvent {
            val d = event.data
            return MessageStreamEvent(event.type ?: "", d.int("index"), d.obj("delta"), d.obj("message")?.let { Message.fromJson(it) },
                d.obj("content_block")?.let(ContentBlock::of), Usage.of(d.obj("usage")), event.text, d)
        }
    }
}

/** The state of an async job (`GET /v1/jobs/{id}`). */
data class JobState(
    val jobId: String, val status: String, val progress: Double?, val createdAt: String?, val completedAt: String?,
    val result: JsonObject?, val error: JsonObject?, override val raw: JsonObject, val meta: ResponseMeta? = null,
) : HasRaw {
    companion object : JsonType<JobState> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = JobState(
            raw.str("job_id") ?: raw.str("id") ?: "", raw.str("status") ?: "", raw.double("progress"), raw.str("created_at"),
            raw.str("completed_at"), raw.obj("result"), raw.obj("error"), raw, meta,
        )
    }
}

/** An agent task (`GET /v1/agents/{task_id}`, and what `agents.wait` returns). */
data class AgentTask(
    val taskId: String, val status: String, val model: String?, val output: String?, val artifacts: List<JsonObject>,
    val usage: Usage?, val error: JsonElement?, override val raw: JsonObject, val meta: ResponseMeta? = null,
) : HasRaw {
    companion object : JsonType<AgentTask> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = AgentTask(
            raw.str("task_id") ?: raw.str("id") ?: "", raw.str("status") ?: "", raw.str("model"), raw.str("output"),
            raw.objects("artifacts"), Usage.of(raw.obj("usage")), raw["error"], raw, meta,
        )
    }
}

/** One event of `GET /v1/account/usage`. */
data class UsageEvent(
    val id: String, val createdAt: String?, val model: String?, val endpoint: String?, val status: String?,
    val statusCode: Int?, val requestId: String?, val latencyMs: Long?, val tokens: JsonObject?, val cost: JsonObject?,
    override val raw: JsonObject,
) : HasRaw {
    /** The amount billed (`cost.amount`), where given. */
    val amount: Double? get() = cost?.double("amount")

    companion object : JsonType<UsageEvent> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = UsageEvent(
            raw.str("id") ?: "", raw.str("created_at"), raw.str("model"), raw.str("endpoint"), raw.str("status"),
            raw.int("status_code"), raw.str("request_id"), raw.long("latency_ms"), raw.obj("tokens"), raw.obj("cost"), raw,
        )
    }
}

/** A catalog model (`GET /v1/models`), with its parameter table on `retrieve`. */
data class Model(
    val id: String, val ownedBy: String?, val description: String?, val type: String?, val contextWindow: Long?,
    val inputModalities: List<String>, val outputModalities: List<String>, val parameters: List<JsonObject>?,
    override val raw: JsonObject, val meta: ResponseMeta? = null,
) : HasRaw {
    companion object : JsonType<Model> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = Model(
            raw.str("id") ?: "", raw.str("owned_by"), raw.str("description"), raw.str("type"), raw.long("context_window"),
            raw.strings("input_modalities"), raw.strings("output_modalities"), raw.arr("parameters")?.filterIsInstance<JsonObject>(), raw, meta,
        )
    }
}

/** `GET /v1/models`: every model of the catalog. */
data class ModelList(val data: List<Model>, override val raw: JsonObject, val meta: ResponseMeta? = null) : HasRaw, Iterable<Model> {
    override fun iterator() = data.iterator()

    companion object : JsonType<ModelList> {
        override fun fromJson(raw: JsonObject, meta: ResponseMeta?) = ModelList(raw.objects("data").map { Model.fromJson(it) }, raw, meta)
    }
}

internal fun JsonArray?.orEmpty(): JsonArray = this ?: JsonArray(emptyList())
