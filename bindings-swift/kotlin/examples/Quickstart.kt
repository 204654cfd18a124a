// `make demo` runs this against the mock gateway (EMPIRIOLABS_BASE_URL and EMPIRIOLABS_API_KEY
// set): a chat completion, a stream read as text, a video job with progress, and a page walk.
package ai.empiriolabs.examples

import ai.empiriolabs.EmpirioLabs
import ai.empiriolabs.RateLimitException
import ai.empiriolabs.RequestOptions
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking

fun main() {
    runBlocking { demo() }
}

private suspend fun demo() {
    EmpirioLabs().use { client ->
        val r = client.chat.completions.create {
            this["model"] = "deepseek-v4-pro"
            this["messages"] = listOf(mapOf("role" to "user", "content" to "Summarize CRDTs"))
            this["enable_thinking"] = true // any per-model parameter
        }
        println("chat: ${r.choices[0].message.content} (request ${r.meta?.requestId})")

        print("stream: ")
        client.chat.completions.stream(mapOf("model" to "deepseek-v4-pro", "messages" to listOf(mapOf("role" to "user", "content" to "Hi"))))
            .text().collect { print(it) }
        println()

        val video = client.videos.generateAndWait(
            mapOf("model" to "seedance-2-0-pro", "prompt" to "A dolly shot of a rainy street", "duration" to 8),
            onProgress = { println("  video ${it.status} ${((it.progress ?: 0.0) * 100).toInt()}%") },
        )
        println("video: ${video.array("data")?.firstOrNull()}")

        val events = client.account.usage.list(mapOf("limit" to 100)).take(3).toList()
        println("usage: ${events.map { "${it.id} ${it.amount}" }}")

        try {
            client.embeddings.create(mapOf("model" to "text-embedding-v4", "input" to "hi"),
                RequestOptions(maxRetries = 0, extraHeaders = mapOf("x-mock-fault" to "rate_limit")))
        } catch (e: RateLimitException) {
            println("rate limited: status ${e.status}, retry-after ${e.header("retry-after")}, request ${e.requestId}")
        }
    }
}
