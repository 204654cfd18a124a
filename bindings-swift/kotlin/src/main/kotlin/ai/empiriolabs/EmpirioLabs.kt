package ai.empiriolabs

import ai.empiriolabs.ffi.ClientSettings
import ai.empiriolabs.ffi.NameValue
import ai.empiriolabs.ffi.NativeClient
import java.io.Closeable
import java.nio.file.Path
import kotlin.time.Duration
import kotlin.time.toJavaDuration

/** Which header carries the API key. */
enum class AuthStyle {
    /** `Authorization: Bearer <key>` (on `/v1/messages` also `x-api-key`). */
    BEARER,
    /** `x-api-key: <key>` only, as Anthropic clients send it. */
    X_API_KEY,
}

/**
 * The client. Settings left unset come from `EMPIRIOLABS_API_KEY` and `EMPIRIOLABS_BASE_URL`
 * (default `https://api.empiriolabs.ai`) and the core's defaults: [timeout] 600 s per attempt,
 * [maxRetries] 2, connect 10 s, stream idle 300 s. Every operation of the gateway is a
 * `suspend` method of a namespace, as in the other languages:
 *
 * ```kotlin
 * EmpirioLabs().use { client ->
 *     val r = client.chat.completions.create(mapOf("model" to "deepseek-v4-pro",
 *         "messages" to listOf(mapOf("role" to "user", "content" to "Hello!"))))
 *     println(r.choices[0].message.content)
 * }
 * ```
 *
 * The key never appears in [toString] or in an exception.
 */
class EmpirioLabs private constructor(internal val core: Core, private val settings: Settings) : Namespaces(core), Closeable {
    private constructor(settings: Settings) : this(settings.connect(), settings)

    constructor(
        apiKey: String? = null,
        baseUrl: String? = null,
        timeout: Duration? = null,
        maxRetries: Int? = null,
        defaultHeaders: Map<String, String> = emptyMap(),
        connectTimeout: Duration? = null,
        streamIdleTimeout: Duration? = null,
        userAgent: String? = null,
        authStyle: AuthStyle = AuthStyle.BEARER,
    ) : this(Settings(apiKey, baseUrl, timeout, maxRetries, defaultHeaders, connectTimeout, streamIdleTimeout, userAgent, authStyle, null))

    /**
     * A new client with the settings given here changed and every other one as this client's,
     * as `withOptions` / `with_options` are in the other languages. It has its own connection
     * pool: close it when done (closing it leaves this client open).
     *
     * ```kotlin
     * client.withOptions(timeout = 5.seconds, maxRetries = 0).use { fast -> fast.models.list() }
     * ```
     */
    fun withOptions(
        apiKey: String? = settings.apiKey,
        baseUrl: String? = settings.baseUrl,
        timeout: Duration? = settings.timeout,
        maxRetries: Int? = settings.maxRetries,
        defaultHeaders: Map<String, String> = settings.defaultHeaders,
        connectTimeout: Duration? = settings.connectTimeout,
        streamIdleTimeout: Duration? = settings.streamIdleTimeout,
        userAgent: String? = settings.userAgent,
        authStyle: AuthStyle = settings.authStyle,
    ): EmpirioLabs = EmpirioLabs(Settings(apiKey, baseUrl, timeout, maxRetries, defaultHeaders, connectTimeout, streamIdleTimeout, userAgent, authStyle, settings.retryBackoff))

    /** The gateway this client talks to. */
    val baseUrl: String get() = core.native.baseUrl()

    /** Whether a key is set (public endpoints work without one). */
    val hasApiKey: Boolean get() = core.native.hasApiKey()

    /**
     * Calls any operation by its operationId, with the same validation, retries and errors as
     * the namespaces: the answer as it came (JSON, text, bytes, a stream or a job). The body
     * (any JSON value, with [files] or [multipart] an object of form fields) is sent exactly as given.
     */
    suspend fun invoke(
        operationId: String,
        path: Map<String, String> = emptyMap(),
        query: Map<String, Any?> = emptyMap(),
        body: Any? = null,
        files: Map<String, Upload> = emptyMap(),
        method: String? = null,
        options: RequestOptions = RequestOptions.DEFAULT,
        multipart: Boolean = false,
    ): RawResult {
        // Sent exactly as given: an empty object is a body, a `null` field is sent as null.
        val json = body?.let { toJsonElement(it, "body") }
        return core.outcome(operationId, Call(path.toList(), Call.queryPairs(query), json, files.toList(), method, multipart), options)
    }

    /** The bytes behind a generated output URL (signed for 7 days; no key is sent). */
    suspend fun download(url: String): ByteArray = cancellable { core.native.download(url, it) }

    /** Saves a generated output URL to [path] in constant memory (complete, or not there); the byte count. */
    suspend fun downloadTo(url: String, path: Path): Long = cancellable { core.native.downloadTo(url, path.toString(), it) }.toLong()

    /** Releases the connection pool; the client cannot be used afterwards. */
    override fun close() {
        core.native.destroy()
    }

    override fun toString() = "EmpirioLabs(baseUrl=$baseUrl, hasApiKey=$hasApiKey)"

    companion object {
        /** This package's version, as the user agent names it. */
        val VERSION: String by lazy { ai.empiriolabs.ffi.bindingVersion() }

        /** A client whose retries wait [retryBackoff] (first, longest) instead of 0.5 s and 8 s: for tests. */
        internal fun withBackoff(
            retryBackoff: Pair<Duration, Duration>, apiKey: String?, baseUrl: String?, timeout: Duration?, maxRetries: Int?,
            streamIdleTimeout: Duration?, authStyle: AuthStyle,
        ) = EmpirioLabs(Settings(apiKey, baseUrl, timeout, maxRetries, emptyMap(), null, streamIdleTimeout, null, authStyle, retryBackoff))
    }

    /** What a client was made with, kept for [withOptions] (the key too: never printed). */
    private class Settings(
        val apiKey: String?, val baseUrl: String?, val timeout: Duration?, val maxRetries: Int?, val defaultHeaders: Map<String, String>,
        val connectTimeout: Duration?, val streamIdleTimeout: Duration?, val userAgent: String?, val authStyle: AuthStyle,
        val retryBackoff: Pair<Duration, Duration>?,
    ) {
        override fun toString() = "Settings(baseUrl=$baseUrl)"

        fun connect(): Core {
            require(maxRetries == null || maxRetries >= 0) { "maxRetries must not be negative" }
            val settings = ClientSettings(
                apiKey = apiKey, baseUrl = baseUrl, timeout = timeout?.toJavaDuration(), connectTimeout = connectTimeout?.toJavaDuration(),
                streamIdleTimeout = streamIdleTimeout?.toJavaDuration(), maxRetries = maxRetries?.toUInt(),
                defaultHeaders = defaultHeaders.map { NameValue(it.key, it.value) }, userAgent = userAgent,
                authStyle = if (authStyle == AuthStyle.X_API_KEY) ai.empiriolabs.ffi.AuthStyle.X_API_KEY else ai.empiriolabs.ffi.AuthStyle.BEARER,
                retryBackoff = retryBackoff?.let { ai.empiriolabs.ffi.Backoff(it.first.toJavaDuration(), it.second.toJavaDuration()) },
                binding = "kotlin", bindingVersion = VERSION,
            )
            NativeThreads.keepAttached
            return Core(native { NativeClient(settings) })
        }
    }
}
