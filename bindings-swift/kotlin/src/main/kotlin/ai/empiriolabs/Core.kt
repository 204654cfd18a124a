package ai.empiriolabs

import ai.empiriolabs.ffi.CallInput
import ai.empiriolabs.ffi.CallOptions
import ai.empiriolabs.ffi.CancelHandle
import ai.empiriolabs.ffi.FilePart
import ai.empiriolabs.ffi.NameValue
import ai.empiriolabs.ffi.NativeClient
import ai.empiriolabs.ffi.Outcome
import ai.empiriolabs.ffi.WaitSettings
import kotlinx.coroutines.CancellationException
import kotlinx.serialization.json.JsonObject
import java.nio.file.Path
import kotlin.time.Duration
import kotlin.time.toJavaDuration

/**
 * Settings for one call, over the client's: a per-attempt [timeout], [maxRetries], the longest
 * silence inside a stream, and extra headers, query parameters and body fields (for per-model
 * parameters this SDK has no name for).
 */
data class RequestOptions(
    val timeout: Duration? = null,
    val maxRetries: Int? = null,
    val streamIdleTimeout: Duration? = null,
    val extraHeaders: Map<String, String> = emptyMap(),
    val extraQuery: Map<String, Any?> = emptyMap(),
    val extraBody: Map<String, Any?> = emptyMap(),
) {
    companion object {
        val DEFAULT = RequestOptions()
    }
}

/** A file to upload: bytes in memory, or a path the core reads before any request is sent. */
class Upload private constructor(
    internal val filename: String?,
    internal val contentType: String?,
    internal val data: ByteArray?,
    internal val path: String?,
) {
    override fun toString() = "Upload(filename=$filename, contentType=$contentType, ${data?.let { "${it.size} bytes" } ?: "path=$path"})"

    companion object {
        /** Bytes in memory; without [contentType] it is guessed from [filename]. */
        fun bytes(filename: String, data: ByteArray, contentType: String? = null) = Upload(filename, contentType, data, null)

        /** A file on disk, read when the call is made (a missing file fails before the network). */
        fun path(path: Path, contentType: String? = null) = Upload(path.fileName?.toString(), contentType, null, path.toString())

        fun file(file: java.io.File, contentType: String? = null) = path(file.toPath(), contentType)
    }

    internal fun part(field: String) = FilePart(field, filename, contentType, data, path)
}

/** What one call sends; built by the generated namespaces from a method's arguments. */
internal class Call(
    val path: List<Pair<String, String>> = emptyList(),
    val query: List<Pair<String, String>> = emptyList(),
    val body: kotlinx.serialization.json.JsonElement? = null,
    val files: List<Pair<String, Upload>> = emptyList(),
    val method: String? = null,
    /** The body's fields as `multipart/form-data` even without files. */
    val multipart: Boolean = false,
) {
    companion object {
        private fun present(params: Map<String, Any?>) = params.filterValues { it != null }

        /** Arguments as query pairs (a list repeats the parameter; `null` is not sent). */
        fun queryPairs(params: Map<String, Any?>): List<Pair<String, String>> = present(params).flatMap { (k, v) ->
            when (v) {
                is Iterable<*> -> v.map { k to queryText(it) }
                is Array<*> -> v.map { k to queryText(it) }
                else -> listOf(k to queryText(v))
            }
        }

        /** A call whose arguments go in the query (reads and deletes). */
        fun query(path: List<Pair<String, String>> = emptyList(), params: Map<String, Any?> = emptyMap(), method: String? = null) =
            Call(path = path, query = queryPairs(params), method = method)

        /**
         * A call whose arguments are the JSON body (no arguments: no body), with required query
         * parameters in [query].
         */
        fun body(
            path: List<Pair<String, String>> = emptyList(),
            params: Map<String, Any?> = emptyMap(),
            query: Map<String, Any?> = emptyMap(),
            files: List<Pair<String, Upload?>> = emptyList(),
            method: String? = null,
        ): Call {
            val fields = present(params)
            val body = if (fields.isEmpty()) null else toJsonElement(fields, "body") as JsonObject
            return Call(path, queryPairs(query), body, files.mapNotNull { (k, u) -> u?.let { k to it } }, method)
        }
    }
}

private fun pairs(p: List<Pair<String, String>>) = p.map { NameValue(it.first, it.second) }

internal fun waitSettings(timeout: Duration?, pollInterval: Duration?, maxPollInterval: Duration?) =
    WaitSettings(timeout?.toJavaDuration(), pollInterval?.toJavaDuration(), maxPollInterval?.toJavaDuration())

/**
 * Runs a native call with a cancellation handle: a cancelled coroutine cancels the handle,
 * which trips the core's cancellation token (ending the request and closing its connection).
 */
internal suspend inline fun <T> cancellable(crossinline block: suspend (CancelHandle) -> T): T {
    val handle = CancelHandle()
    try {
        return native { block(handle) }
    } catch (e: CancellationException) {
        handle.cancel()
        throw e
    } finally {
        // Only this reference goes; a stream the call opened keeps the core's token.
        handle.destroy()
    }
}

/** The transport behind every namespace: the native client and the shapes of its answers. */
internal class Core(val native: NativeClient) {
    fun options(o: RequestOptions, cancel: CancelHandle?) = CallOptions(
        timeout = o.timeout?.toJavaDuration(),
        streamIdleTimeout = o.streamIdleTimeout?.toJavaDuration(),
        maxRetries = o.maxRetries?.also { require(it >= 0) { "maxRetries must not be negative" } }?.toUInt(),
        headers = o.extraHeaders.map { NameValue(it.key, it.value) },
        query = pairs(Call.queryPairs(o.extraQuery)),
        extraBody = if (o.extraBody.isEmpty()) null else toJsonElement(o.extraBody, "extraBody").toString(),
        cancel = cancel,
    )

    suspend fun outcome(op: String, call: Call, o: RequestOptions): RawResult = cancellable { h ->
        val input = CallInput(
            path = pairs(call.path), query = pairs(call.query), body = call.body?.toString(),
            files = call.files.map { (field, u) -> u.part(field) }, multipart = call.multipart, method = call.method, options = options(o, h),
        )
        RawResult.of(native.invoke(op, input))
    }

    /** A JSON answer as [type]; a streamed answer (`stream: true` in the body) as what it folds into. */
    suspend fun <T> json(op: String, call: Call, o: RequestOptions, type: JsonType<T>): T = when (val r = outcome(op, call, o)) {
        is RawResult.Json -> type.fromJson(r.value.raw, r.value.meta)
        is RawResult.Stream -> r.stream.use { s -> type.fromJson(s.finalValue() ?: JsonObject(emptyMap()), s.meta) }
        is RawResult.Job -> type.fromJson(r.job.snapshot.raw, r.job.createdMeta)
        is RawResult.Text -> type.fromJson(JsonObject(mapOf("text" to kotlinx.serialization.json.JsonPrimitive(r.text))), r.meta)
        is RawResult.Bytes -> throw ResponseValidationException(ErrorDetails("Decode", status = r.meta.status, requestId = r.meta.requestId,
            message = "expected JSON, got ${r.data.size} bytes of ${r.contentType}"))
    }

    fun <E> stream(op: String, call: Call, o: RequestOptions, type: EventType<E>): StreamFlow<E> = StreamFlow {
        when (val r = outcome(op, call, o)) {
            is RawResult.Stream -> r.stream.typed(type)
            else -> throw ResponseValidationException(ErrorDetails("Decode", message = "`$op` did not answer with a stream"))
        }
    }

    suspend fun job(op: String, call: Call, o: RequestOptions): JobHandle = when (val r = outcome(op, call, o)) {
        is RawResult.Job -> r.job
        else -> throw ResponseValidationException(ErrorDetails("Decode", message = "`$op` did not answer with a job"))
    }

    suspend fun generation(op: String, call: Call, o: RequestOptions): Generation = when (val r = outcome(op, call, o)) {
        is RawResult.Job -> Generation.Pending(r.job)
        is RawResult.Json -> Generation.Completed(r.value)
        else -> throw ResponseValidationException(ErrorDetails("Decode", message = "`$op` answered neither JSON nor a job"))
    }

    fun <T> pager(op: String, params: Map<String, Any?>, o: RequestOptions, type: JsonType<T>): Pager<T> =
        Pager({ native { native.pager(op, pairs(Call.queryPairs(params)), options(o, null)) } }, type)

    fun handle(jobId: String) = JobHandle(native.job(jobId))

    suspend fun agentWait(taskId: String, timeout: Duration?, pollInterval: Duration?, maxPollInterval: Duration?, onProgress: ((JobProgress) -> Unit)?): AgentTask =
        cancellable { h ->
            AgentTask.fromJson(parseObject(native.agentWait(taskId, waitSettings(timeout, pollInterval, maxPollInterval), onProgress?.let(::Listener), h)))
        }

    /** The gateway's shortest hold of a non-streaming agent run, which `agents.start` asks for. */
    val startWaitSeconds: Long by lazy { ai.empiriolabs.ffi.startWaitSeconds().toLong() }
}

/** What a call produced, as the operation answered it (see [EmpirioLabs.invoke]). */
sealed class RawResult {
    /** A JSON answer. */
    data class Json(val value: ApiObject) : RawResult()
    /** A 2xx body that is text but not JSON (subtitles, plain text). */
    data class Text(val text: String, val contentType: String, val meta: ResponseMeta) : RawResult()
    /** A 2xx body of bytes (audio, a service's bytes). */
    class Bytes(val data: ByteArray, val contentType: String, val meta: ResponseMeta) : RawResult()
    /** A stream of events; close it (or collect it) to end the connection. */
    data class Stream(val stream: EventStream<StreamEvent>) : RawResult()
    /** A job handle. */
    data class Job(val job: JobHandle) : RawResult()

    internal companion object {
        fun of(o: Outcome): RawResult = when (o) {
            is Outcome.Json -> Json(ApiObject(parseObject(o.body), ResponseMeta.of(o.meta)))
            is Outcome.Text -> Text(o.text, o.contentType, ResponseMeta.of(o.meta))
            is Outcome.Bytes -> Bytes(o.data, o.contentType, ResponseMeta.of(o.meta))
            is Outcome.Stream -> Stream(EventStream(o.stream, StreamEvent, ResponseMeta.of(o.meta), o.flavor))
            is Outcome.Job -> Job(JobHandle(o.job))
        }
    }
}
