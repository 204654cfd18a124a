package ai.empiriolabs

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import java.io.File
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration

/** The repository's root, from the build (or the working directory's parents). */
val REPO: Path = (System.getProperty("empirio.repo.root")?.let { Paths.get(it) }
    ?: generateSequence(Paths.get("").toAbsolutePath()) { it.parent }.first { it.resolve("spec/surface.toml").toFile().exists() })
    .toAbsolutePath().normalize()

/**
 * The mock gateway, started once for the whole test run with the scenario clocks (jobs take
 * 300 ms and expire 2 s after they finish) and stopped when the JVM exits (it also exits when
 * its stdin closes, so a killed test run never leaves it behind).
 */
object Mock {
    private val bin = System.getProperty("empirio.mock.bin")?.let(::File) ?: REPO.resolve("target/debug/empirio-mock").toFile()
    private val proc: Process
    val url: String
    val apiKey: String
    val host: String
    val port: Int
    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    init {
        check(bin.exists()) { "mock gateway binary not found at $bin; run `cargo build -p empirio-mock` first" }
        proc = ProcessBuilder(bin.path, "--exit-on-stdin-close", "--job-ms", "300", "--job-retention-secs", "2", "--sync-window-ms", "1000")
            .redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val line = proc.inputStream.bufferedReader().readLine() ?: error("the mock gateway exited before it was ready")
        val ready = Json.parseToJsonElement(line).jsonObject
        url = ready["url"]!!.jsonPrimitive.content
        apiKey = ready["api_key"]!!.jsonPrimitive.content
        val u = URI(url)
        host = u.host
        port = u.port
        Runtime.getRuntime().addShutdownHook(Thread { proc.destroy() })
    }

    private fun send(method: String, path: String, body: String? = null, headers: Map<String, String> = emptyMap()): HttpResponse<String> {
        val b = HttpRequest.newBuilder(URI(url + path)).timeout(Duration.ofSeconds(30))
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
        if (body != null) b.header("content-type", "application/json")
        headers.forEach { (k, v) -> b.header(k, v) }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString())
    }

    fun reset() {
        check(send("POST", "/__mock/reset").statusCode() < 300)
    }

    /** The request log (optionally one path / method). */
    fun requests(path: String? = null, method: String? = null): List<JsonObject> {
        val q = listOfNotNull(path?.let { "path=" + URLEncoder.encode(it, Charsets.UTF_8) }, method?.let { "method=$it" }).joinToString("&")
        val r = send("GET", "/__mock/requests" + if (q.isEmpty()) "" else "?$q")
        return Json.parseToJsonElement(r.body()).jsonObject["data"]!!.jsonArray.map { it.jsonObject }
    }

    fun lastSeq(): Long = requests().maxOfOrNull { it["seq"]!!.jsonPrimitive.long } ?: 0

    fun since(seq: Long, path: String? = null): List<JsonObject> = requests(path).filter { it["seq"]!!.jsonPrimitive.long > seq }

    /** The last stream record for [path] once [want] is set (the mock writes it just after the last byte). */
    fun streamRecord(path: String, want: String = "client_closed", timeoutMs: Long = 2000): JsonObject? {
        val deadline = System.currentTimeMillis() + timeoutMs
        while (true) {
            val rec = requests(path).lastOrNull()?.get("stream") as? JsonObject
            if ((rec?.get(want) as? JsonPrimitive)?.content == "true" || System.currentTimeMillis() > deadline) return rec
            Thread.sleep(50)
        }
    }

    /** A plain authenticated call, for setup that is not under test. */
    fun raw(method: String, path: String, body: JsonElement? = null, headers: Map<String, String> = emptyMap()): JsonObject {
        val r = send(method, path, body?.toString(), mapOf("authorization" to "Bearer $apiKey") + headers)
        check(r.statusCode() < 300) { "$method $path: ${r.statusCode()} ${r.body()}" }
        return Json.parseToJsonElement(r.body()).jsonObject
    }

    /** A plain call returning status and body, for scenario setup. */
    fun rawCall(method: String, pathAndQuery: String, body: String?, headers: Map<String, String>): Pair<Int, String> {
        val r = send(method, pathAndQuery, body, headers)
        return r.statusCode() to r.body()
    }

    fun client(
        maxRetries: Int? = 2,
        timeout: kotlin.time.Duration? = null,
        apiKey: String? = this.apiKey,
        headers: Map<String, String> = emptyMap(),
        streamIdleTimeout: kotlin.time.Duration? = null,
        authStyle: AuthStyle = AuthStyle.BEARER,
    ) = EmpirioLabs(apiKey = apiKey, baseUrl = url, maxRetries = maxRetries, timeout = timeout, defaultHeaders = headers,
        streamIdleTimeout = streamIdleTimeout, authStyle = authStyle)
}

fun JsonObject.s(key: String): String? = (this[key] as? JsonPrimitive)?.content
fun ApiObject.s(key: String): String? = raw.s(key)
fun JsonElement?.arr(): JsonArray = this as? JsonArray ?: JsonArray(emptyList())
