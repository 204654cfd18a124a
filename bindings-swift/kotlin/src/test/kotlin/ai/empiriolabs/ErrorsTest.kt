package ai.empiriolabs

import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import kotlin.reflect.KClass
import kotlin.time.Duration.Companion.milliseconds

private fun fault(name: String, vararg more: Pair<String, String>) = RequestOptions(extraHeaders = mapOf("x-mock-fault" to name, *more))
private val EMBED = mapOf("model" to "text-embedding-v4", "input" to "hi")

/** Every fault of the mock, through the Kotlin surface, mapped to its exception with its fields. */
class ErrorsTest {
    private val client = Mock.client(maxRetries = 0, timeout = 5000.milliseconds, streamIdleTimeout = 500.milliseconds)

    @BeforeEach
    fun reset() = Mock.reset()

    private class Case(val fault: String, val type: KClass<out EmpirioLabsException>, val status: Int?, val stream: Boolean = false,
                       val headers: Map<String, String> = emptyMap(), val check: (EmpirioLabsException) -> Unit = {})

    private val cases = listOf(
        Case("rate_limit", RateLimitException::class, 429) { assertEquals("1", it.header("retry-after")) },
        Case("rate_limit_ms", RateLimitException::class, 429),
        Case("insufficient_credits", InsufficientCreditsException::class, 402) { assertEquals("insufficient_credits", it.code) },
        Case("server_error", InternalServerException::class, 500),
        Case("bad_gateway", InternalServerException::class, 502) { assertTrue(it.body!!.contains("<html", ignoreCase = true)) },
        Case("unavailable", InternalServerException::class, 503),
        Case("unavailable_html", InternalServerException::class, 503),
        Case("gateway_timeout", InternalServerException::class, 504),
        Case("request_timeout", OtherStatusException::class, 408),
        Case("http_400", BadRequestException::class, 400),
        Case("http_401", AuthenticationException::class, 401),
        Case("http_403", PermissionDeniedException::class, 403),
        Case("http_404", NotFoundException::class, 404),
        Case("http_405", OtherStatusException::class, 405),
        Case("http_409", ConflictException::class, 409),
        Case("http_422", UnprocessableEntityException::class, 422),
        Case("redirect", OtherStatusException::class, 307, headers = mapOf("x-mock-redirect-to" to "http://127.0.0.2:${Mock.port}/v1/embeddings")),
        Case("connection_close", ApiConnectionException::class, null) { assertFalse(it is ApiTimeoutException) },
        Case("slow_first_byte", ApiTimeoutException::class, null, headers = mapOf("x-mock-fault-delay-ms" to "8000")) {
            assertEquals("request", (it as ApiTimeoutException).timeoutKind)
        },
        Case("invalid_json", ResponseValidationException::class, 200),
        Case("stream_cut", StreamException::class, 200, stream = true) { assertEquals("missing_terminator", (it as StreamException).reason) },
        Case("stream_reset", StreamException::class, 200, stream = true) { assertEquals("interrupted", (it as StreamException).reason) },
        Case("stream_error_event", StreamException::class, 200, stream = true) { assertEquals("error_event", (it as StreamException).reason) },
        Case("malformed_sse", StreamException::class, 200, stream = true) {
            assertEquals("malformed_event", (it as StreamException).reason)
            assertTrue(it.line != null)
        },
        Case("partial_event_eof", StreamException::class, 200, stream = true) { assertEquals("missing_terminator", (it as StreamException).reason) },
        Case("stall_stream", ApiTimeoutException::class, null, stream = true) { assertEquals("stream_idle", (it as ApiTimeoutException).timeoutKind) },
        Case("oversized_body", StreamException::class, 200, stream = true, headers = mapOf("x-mock-fault-size" to "9000000")) {
            assertEquals("oversized_event", (it as StreamException).reason)
        },
    )

    @TestFactory
    fun `every fault maps to its exception`() = cases.map { c ->
        DynamicTest.dynamicTest(c.fault + if (c.stream) " (stream)" else "") {
            Mock.reset()
            val opts = fault(c.fault, *c.headers.toList().toTypedArray())
            val e = assertThrows<EmpirioLabsException> {
                runBlocking {
                    if (c.stream) client.chat.completions.stream(CHAT, options = opts).collect() else client.embeddings.create(EMBED, opts)
                }
            }
            assertTrue(c.type.isInstance(e), "${c.fault}: expected ${c.type.simpleName}, got ${e::class.simpleName}: ${e.message}")
            assertEquals(c.status, e.status, "${c.fault}: status")
            if (c.status != null) assertTrue(e.requestId?.startsWith("req_") == true, "${c.fault}: request id ${e.requestId}")
            if (e is ApiStatusException && e.status!! >= 400 && c.fault !in setOf("bad_gateway", "unavailable_html", "gateway_timeout")) {
                assertTrue(e.type != null && e.details.apiMessage != null, "${c.fault}: envelope fields ${e.details}")
            }
            c.check(e)
            assertFalse(e.toString().contains(Mock.apiKey) || e.stackTraceToString().contains(Mock.apiKey), "the key leaked into ${c.fault}'s exception")
        }
    }

    @Test
    fun `a bad request names its param`() = runBlocking {
        val e = assertThrows<BadRequestException> { client.embeddings.create(mapOf("model" to "text-embedding-v4", "input" to 5)) }
        assertEquals(400, e.status)
        assertEquals("input", e.param)
        val body = e.bodyJson as JsonObject
        assertTrue(body.containsKey("error"))
    }

    @Test
    fun `an unknown model is a 404 with its code`() = runBlocking {
        val e = assertThrows<NotFoundException> { client.chat.completions.create(mapOf("model" to "no-such-model", "messages" to MSGS)) }
        assertEquals("model_not_found", e.code)
    }

    @Test
    fun `a missing required field fails before the network`() = runBlocking {
        val e = assertThrows<InvalidRequestException> { client.chat.completions.create(mapOf("messages" to MSGS)) }
        assertEquals("model", e.param)
        assertTrue(Mock.requests().isEmpty())
        assertThrows<InvalidRequestException> { client.invoke("noSuchOperation") }
        assertThrows<InvalidRequestException> { client.chat.completions.create(mapOf("model" to "m", "messages" to Any())) }
    }

    @Test
    fun `no key is a configuration error naming the variable, and a wrong key a 401`() = runBlocking {
        Mock.client(apiKey = "").use { anon ->
            val e = assertThrows<ConfigurationException> { anon.chat.completions.create(CHAT) }
            assertTrue(e.message!!.contains("EMPIRIOLABS_API_KEY"))
            assertTrue(anon.models.list().data.isNotEmpty(), "public endpoints need no key")
        }
        Mock.client(apiKey = "sk-wrong-key-123").use { bad ->
            val e = assertThrows<AuthenticationException> { bad.chat.completions.create(CHAT) }
            assertFalse(e.toString().contains("sk-wrong-key-123") || e.details.toString().contains("sk-wrong-key-123"))
        }
    }

    @Test
    fun `retries follow the core's policy`() = runBlocking {
        Mock.client(maxRetries = 2).use { c ->
            val r = c.embeddings.create(EMBED, fault("rate_limit_ms", "x-mock-fault-count" to "1"))
            assertEquals(200, r.meta!!.status)
            assertEquals(2, Mock.requests("/v1/embeddings").size)
            Mock.reset()
            assertThrows<InsufficientCreditsException> { c.embeddings.create(EMBED, fault("insufficient_credits")) }
            assertEquals(1, Mock.requests("/v1/embeddings").size, "402 is never retried")
        }
    }

    @Test
    fun `a failed job is a JobFailedException with the gateway's error`() = runBlocking {
        val job = client.videos.generate(mapOf("model" to "seedance-2-0-pro", "prompt" to "x", "duration" to 5),
            RequestOptions(extraHeaders = mapOf("x-mock-job-outcome" to "failed")))
        val e = assertThrows<JobFailedException> { job.wait(pollInterval = 100.milliseconds) }
        assertEquals(job.id, e.jobId)
        assertTrue(e.code != null && e.error is JsonObject, e.details.toString())
        assertEquals("failed", job.status)
    }

    @Test
    fun `the hierarchy is sealed and exhaustive`() {
        fun name(e: EmpirioLabsException): String = when (e) {
            is ConfigurationException -> "config"
            is InvalidRequestException -> "invalid"
            is ApiStatusException -> "status"
            is ApiConnectionException -> "connection"
            is StreamException -> "stream"
            is ResponseValidationException -> "decode"
            is JobFailedException -> "job_failed"
            is JobTimeoutException -> "job_timeout"
            is UserAbortException -> "cancelled"
        }
        assertEquals("status", name(BY_CLASS["RateLimit"]!!(ErrorDetails("RateLimit", message = "m"))))
        assertEquals(ai.empiriolabs.ffi.errorClasses().toSet(), BY_CLASS.keys, "every class of the core has an exception")
    }
}
