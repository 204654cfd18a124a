// `make bench-kotlin`: this package against the official openai-java in one run, against the
// same local mock gateway (release builds). Each measurement runs in a fresh JVM (so its
// start-up and peak RSS are its own), after a warm-up pass of the same workload at a tenth of
// its size in that JVM; every workload runs `-Dbench.rounds` times (default 3) and the table
// shows medians and ratios. Both clients keep their defaults (openai-java's OkHttp dispatcher
// runs at most 64 requests at a time; ours has no such cap). Every stream case reads each
// chunk's text as the README shows (`chunk.choices.firstOrNull()?.delta?.content`) and joins
// it; the joined texts of both clients are checked equal.
package ai.empiriolabs.bench

import ai.empiriolabs.EmpirioLabs
import ai.empiriolabs.RequestOptions
import com.openai.client.OpenAIClient
import com.openai.client.okhttp.OpenAIOkHttpClient
import com.openai.core.http.AsyncStreamResponse
import com.openai.models.chat.completions.ChatCompletionChunk
import com.openai.models.chat.completions.ChatCompletionCreateParams
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.io.File
import java.util.Optional
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicLong

private const val MODEL = "deepseek-v4-pro"
private const val PROMPT = "Summarize CRDT consistency in three bullets."
private val MSGS = listOf(mapOf("role" to "user", "content" to PROMPT))

private fun ours(url: String, key: String, headers: Map<String, String> = emptyMap()) =
    EmpirioLabs(apiKey = key, baseUrl = url, maxRetries = 0, defaultHeaders = headers)

private fun openai(url: String, key: String, headers: Map<String, String> = emptyMap()): OpenAIClient =
    OpenAIOkHttpClient.builder().baseUrl("$url/v1").apiKey(key).maxRetries(0).apply { headers.forEach { (k, v) -> putHeader(k, v) } }.build()

private fun params() = ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(PROMPT).build()

/** One workload at scale `n`, timed; returns what it measured. */
private fun workload(name: String, client: String, url: String, key: String, scale: Double): Map<String, Double> {
    fun n(base: Int) = (base * scale).toInt().coerceAtLeast(1)
    return when (name) {
        "sequential" -> {
            val count = n(1000)
            val s = if (client == "ours") ours(url, key).use { c ->
                timed { runBlocking { repeat(count) { c.chat.completions.create(mapOf("model" to MODEL, "messages" to MSGS)) } } }
            } else openai(url, key).let { c ->
                timed { repeat(count) { c.chat().completions().create(params()) } }.also { c.close() }
            }
            mapOf("seconds" to s)
        }
        "concurrent" -> {
            val count = n(1000)
            val s = if (client == "ours") ours(url, key).use { c ->
                timed { runBlocking(Dispatchers.Default) { coroutineScope { (1..count).map { async { c.chat.completions.create(mapOf("model" to MODEL, "messages" to MSGS)) } }.awaitAll() } } }
            } else openai(url, key).let { c ->
                timed { CompletableFuture.allOf(*Array(count) { c.async().chat().completions().create(params()) }).join() }.also { c.close() }
            }
            mapOf("seconds" to s)
        }
        "one_stream" -> {
            val chunks = n(100_000)
            val h = mapOf("x-mock-stream-tokens" to chunks.toString())
            var seen = 0L
            val text = StringBuilder()
            val s = if (client == "ours") ours(url, key, h).use { c ->
                timed {
                    runBlocking {
                        c.chat.completions.stream(mapOf("model" to MODEL, "messages" to MSGS)).collect {
                            seen++
                            text.append(it.choices.firstOrNull()?.delta?.content ?: "")
                        }
                    }
                }
            } else openai(url, key, h).let { c ->
                timed {
                    c.chat().completions().createStreaming(params()).use { r ->
                        r.stream().forEach {
                            seen++
                            text.append(openaiText(it))
                        }
                    }
                }.also { c.close() }
            }
            check(seen >= chunks && text.length > chunks) { "$client saw $seen chunks, ${text.length} characters" }
            mapOf("chunks_per_s" to chunks / s, "text_hash" to text.toString().hashCode().toDouble())
        }
        "many_streams" -> {
            val streams = n(1000)
            val h = mapOf("x-mock-stream-tokens" to "100")
            val total = AtomicLong()
            val texts = Array(streams) { StringBuilder() }
            val s = if (client == "ours") ours(url, key, h).use { c ->
                timed {
                    runBlocking(Dispatchers.Default) {
                        (0 until streams).map { i ->
                            async {
                                c.chat.completions.stream(mapOf("model" to MODEL, "messages" to MSGS)).collect {
                                    total.incrementAndGet()
                                    texts[i].append(it.choices.firstOrNull()?.delta?.content ?: "")
                                }
                            }
                        }.awaitAll()
                    }
                }
            } else openai(url, key, h).let { c ->
                timed {
                    val done = (0 until streams).map { i ->
                        val r = c.async().chat().completions().createStreaming(params())
                        r.subscribe(object : AsyncStreamResponse.Handler<ChatCompletionChunk> {
                            override fun onNext(value: ChatCompletionChunk) {
                                total.incrementAndGet()
                                texts[i].append(openaiText(value)) // one stream's chunks come in order, one at a time
                            }

                            override fun onComplete(error: Optional<Throwable>) {}
                        })
                        r.onCompleteFuture()
                    }
                    CompletableFuture.allOf(*done.toTypedArray()).join()
                }.also { c.close() }
            }
            check(total.get() >= streams * 100L) { "$client saw ${total.get()} chunks" }
            val first = texts[0].toString()
            check(first.length > 100 && texts.all { it.toString() == first }) { "$client: a stream read other text" }
            mapOf("seconds" to s, "text_hash" to first.hashCode().toDouble())
        }
        "construct" -> {
            val count = n(200)
            val s = if (client == "ours") timed { repeat(count) { ours(url, key).close() } } else timed { repeat(count) { openai(url, key).close() } }
            mapOf("us_per_client" to s / count * 1e6)
        }
        else -> error("no workload $name")
    }
}

/** A chunk's text, read the way openai-java's README reads it. */
private fun openaiText(chunk: ChatCompletionChunk): String = chunk.choices().firstOrNull()?.delta()?.content()?.orElse("") ?: ""

private inline fun timed(block: () -> Unit): Double {
    val t = System.nanoTime()
    block()
    return (System.nanoTime() - t) / 1e9
}

private fun peakRssMb(): Double =
    File("/proc/self/status").takeIf { it.exists() }?.readLines()?.firstOrNull { it.startsWith("VmHWM:") }
        ?.split(Regex("\\s+"))?.getOrNull(1)?.toDoubleOrNull()?.div(1024) ?: Double.NaN

private fun child(name: String, client: String, url: String, key: String) {
    workload(name, client, url, key, 0.1) // warm-up: JIT, pools, the native library
    val out = workload(name, client, url, key, 1.0) + ("peak_rss_mb" to peakRssMb())
    println(out.entries.joinToString(",", "{", "}") { "\"${it.key}\":${it.value}" })
}

private fun runChild(name: String, client: String, url: String, key: String): Map<String, Double> {
    val java = File(System.getProperty("java.home"), "bin/java").path
    val p = ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "ai.empiriolabs.bench.BenchKt", "child", name, client, url, key)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start()
    val line = p.inputStream.bufferedReader().readLines().last()
    check(p.waitFor() == 0) { "$name/$client failed" }
    return Json.parseToJsonElement(line).jsonObject.mapValues { it.value.jsonPrimitive.content.toDouble() }
}

fun main(args: Array<String>) {
    if (args.firstOrNull() == "child") return child(args[1], args[2], args[3], args[4])
    val bin = System.getProperty("empirio.mock.bin") ?: "target/release/empirio-mock"
    val mock = ProcessBuilder(bin, "--exit-on-stdin-close", "--log-limit", "1000").redirectError(ProcessBuilder.Redirect.INHERIT).start()
    try {
        val ready = Json.parseToJsonElement(mock.inputStream.bufferedReader().readLine()).jsonObject
        val url = ready["url"]!!.jsonPrimitive.content
        val key = ready["api_key"]!!.jsonPrimitive.content
        val rounds = System.getProperty("bench.rounds")?.toInt() ?: 3
        val rows = listOf(
            Triple("construct", "us_per_client", "client construction, µs"),
            Triple("sequential", "seconds", "1000 sequential chat requests, s"),
            Triple("concurrent", "seconds", "1000 concurrent chat requests, s"),
            Triple("one_stream", "chunks_per_s", "one 100,000-chunk stream, chunks/s"),
            Triple("many_streams", "seconds", "1000 concurrent 100-chunk streams, s"),
        )
        println("%-40s %14s %14s %8s   %s".format("workload (median of $rounds)", "ours", "openai-java", "ratio", "peak RSS MB ours / openai-java"))
        val only = System.getProperty("bench.only")?.split(",")
        for ((name, field, label) in rows.filter { only == null || it.first in only }) {
            val got = listOf("ours", "openai").associateWith { c -> (1..rounds).map { runChild(name, c, url, key) } }
            fun median(c: String, f: String) = got[c]!!.map { it[f]!! }.sorted()[rounds / 2]
            // Every stream case read the same text in every round, whichever the client.
            val hashes = got.values.flatten().mapNotNull { it["text_hash"] }.toSet()
            check(hashes.size <= 1) { "$name: the clients read different text" }
            val o = median("ours", field)
            val a = median("openai", field)
            val ratio = if (field == "chunks_per_s") o / a else a / o
            println("%-40s %14.3f %14.3f %7.1fx   %.0f / %.0f".format(label, o, a, ratio, median("ours", "peak_rss_mb"), median("openai", "peak_rss_mb")))
        }
        println("(ratio: how many times better ours is; peak RSS of the measuring JVM)")
    } finally {
        mock.destroy()
    }
}
