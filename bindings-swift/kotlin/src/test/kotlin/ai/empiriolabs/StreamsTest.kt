package ai.empiriolabs

import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

private val LONG = RequestOptions(extraHeaders = mapOf("x-mock-stream-tokens" to "200", "x-mock-delay-ms" to "20"))
private const val CHAT_PATH = "/v1/chat/completions"

private fun JsonObject?.flag(k: String) = (this?.get(k) as? JsonPrimitive)?.content == "true"
private fun JsonObject?.count(k: String) = (this?.get(k) as? JsonPrimitive)?.long ?: -1

/** Streams of every flavour: typed events, text, final objects, and closing early by every route. */
class StreamsTest {
    private val client = Mock.client()

    @BeforeEach
    fun reset() = Mock.reset()

    @Test
    fun `a chat stream is a cold flow of typed chunks`() = runTest {
        val flow = client.chat.completions.stream(CHAT)
        assertTrue(Mock.requests(CHAT_PATH).isEmpty(), "a flow makes no call until it is collected")
        val chunks = flow.toList()
        assertEquals(HELLO, chunks.joinToString("") { it.choices.firstOrNull()?.delta?.content ?: "" })
        assertEquals(HELLO, chunks.joinToString("") { it.text ?: "" })
        assertEquals("stop", chunks.last { it.choices.isNotEmpty() }.choices[0].finishReason)
        val entry = Mock.requests(CHAT_PATH).last()
        assertEquals("text/event-stream", (entry["headers"] as JsonObject).s("accept"))
        assertEquals(JsonPrimitive(true), (entry["body"] as JsonObject)["stream"])
        assertTrue(Mock.streamRecord(CHAT_PATH, "completed").flag("completed"))
        // Collected again, the flow makes the call again.
        flow.collect()
        assertEquals(2, Mock.requests(CHAT_PATH).size)
    }

    @Test
    fun `the native threads that wake suspended reads stay attached to the JVM, as named daemons`() = runBlocking {
        repeat(3) { client.chat.completions.stream(CHAT).collect() }
        val attached = Thread.getAllStackTraces().keys.filter { it.name == "empiriolabs-io" }
        assertTrue(attached.isNotEmpty(), "no runtime thread stayed attached: JNA attaches and detaches one per wake")
        assertTrue(attached.all { it.isDaemon }, "an attached runtime thread must not keep the JVM alive")
    }

    @Test
    fun `chunks typed from the core's parse equal chunks typed from their JSON, tool calls and usage too`() = runBlocking {
        val tools = listOf(mapOf("type" to "function", "function" to mapOf("name" to "get_weather",
            "parameters" to mapOf("type" to "object", "properties" to mapOf("city" to mapOf("type" to "string"))))))
        for (body in listOf(CHAT, CHAT + ("tools" to tools) + ("stream_options" to mapOf("include_usage" to true)))) {
            val r = client.invoke("createChatCompletion", body = body + ("stream" to true)) as RawResult.Stream
            val events = r.stream.use { s -> generateSequence { runBlocking { s.next() } }.toList() }
            assertTrue(events.isNotEmpty() && events.all { it.chunk != null }, "every chunk came parsed by the core")
            for (ev in events) {
                val fromCore = ChatCompletionChunk.fromEvent(ev)
                // The same event without the core's fields: typed from its JSON text.
                val fromJson = ChatCompletionChunk.fromEvent(StreamEvent(ev.event, ev.type, ev.data, ev.text))
                assertEquals(fromJson, fromCore)
                assertEquals(fromJson.raw, fromCore.raw)
                fromCore.choices.forEach { c -> assertEquals(ev.data.objects("choices")[c.index].obj("delta"), c.delta.raw) }
            }
            if ("tools" in body) {
                val calls = events.flatMap { e -> ChatCompletionChunk.fromEvent(e).choices.flatMap { it.delta.toolCalls } }
                assertEquals("get_weather", calls.first().function?.name)
                assertTrue(calls.joinToString("") { it.function?.arguments ?: "" }.startsWith("{"))
                assertTrue(events.any { ChatCompletionChunk.fromEvent(it).usage?.totalTokens != null }, "the usage chunk")
            }
        }
    }

    @Test
    fun `text, the final completion, and create with stream true`() = runBlocking {
        assertEquals(HELLO, client.chat.completions.stream(CHAT).text().toList().joinToString(""))
        val final = client.chat.completions.stream(CHAT).final()!!
        assertEquals("chat.completion", final.s("object"))
        val folded = client.chat.completions.create(CHAT + ("stream" to true))
        assertEquals(HELLO, folded.choices[0].message.content)
        assertTrue(folded.meta!!.requestId!!.startsWith("req_"))
        client.chat.completions.stream(CHAT).open().use { s ->
            assertTrue(s.meta.requestId!!.startsWith("req_"))
            assertEquals("openai", s.flavor)
            assertEquals(HELLO, s.finalValue()!!.let { ChatCompletion.fromJson(it) }.choices[0].message.content)
        }
    }

    @Test
    fun `take(n) closes the connection`() = runBlocking {
        val got = client.chat.completions.stream(CHAT, options = LONG).take(3).toList()
        assertEquals(3, got.size)
        val rec = Mock.streamRecord(CHAT_PATH)
        assertTrue(rec.flag("client_closed"), "the mock saw the client close: $rec")
        assertTrue(rec.count("events_sent") < 200, "$rec")
    }

    @Test
    fun `a timeout around the collector closes the connection`() = runBlocking {
        var n = 0
        val done = withTimeoutOrNull(300) { client.chat.completions.stream(CHAT, options = LONG).collect { n++ } }
        assertNull(done)
        assertTrue(n in 1..199, "$n events before the timeout")
        assertTrue(Mock.streamRecord(CHAT_PATH).flag("client_closed"))
    }

    @Test
    fun `cancelling the collecting coroutine closes the connection`() = runBlocking {
        val job = async { client.messages.stream(mapOf("model" to "deepseek-v4-pro", "max_tokens" to 1024, "messages" to MSGS), options = LONG).toList() }
        delay(300)
        job.cancelAndJoin()
        assertTrue(Mock.streamRecord("/v1/messages").flag("client_closed"))
    }

    @Test
    fun `close ends a stream mid-read and later reads are over`() = runBlocking {
        val s = client.chat.completions.stream(CHAT, options = LONG).open()
        assertTrue(s.next() != null)
        s.close()
        s.close()
        assertNull(s.next())
        assertTrue(Mock.streamRecord(CHAT_PATH).flag("client_closed"))
    }

    @Test
    fun `messages stream typed events`() = runBlocking {
        val events = client.messages.stream(mapOf("model" to "deepseek-v4-pro", "max_tokens" to 1024, "messages" to MSGS)).toList()
        assertEquals("message_start", events.first().type)
        assertEquals("message_stop", events.last().type)
        assertEquals("deepseek-v4-pro", events.first().message!!.model)
        assertEquals(HELLO, events.joinToString("") { it.text ?: "" })
        val entry = Mock.requests("/v1/messages").last()
        assertEquals("2023-06-01", (entry["headers"] as JsonObject).s("anthropic-version"))
        val folded = client.messages.create(mapOf("model" to "deepseek-v4-pro", "max_tokens" to 1024, "messages" to MSGS))
        assertEquals(HELLO, folded.text)
    }

    @Test
    fun `responses, completions, answers, agents and speech stream`() = runBlocking {
        val r = client.responses.stream(mapOf("model" to "deepseek-v4-pro", "input" to "Hi")).toList()
        assertEquals("response.completed", r.last().type)
        assertEquals(HELLO, client.completions.stream(mapOf("model" to "qwen3-5-9b", "prompt" to "Hi")).toList().joinToString("") { it.choices.firstOrNull()?.text ?: "" })
        assertTrue(client.answer.stream(mapOf("model" to "exa-answer", "query" to "Eclipse?")).toList().isNotEmpty())
        val agent = client.agents.run(mapOf("model" to "manus", "input" to "memo")).toList()
        assertTrue(agent.any { it.type == "task.completed" }, agent.map { it.type }.toString())
        val speech = client.audio.speech.stream(mapOf("model" to "tts-1-5-mini", "input" to "Hello there.", "voice" to "Sarah", "output_format" to "PCM")).toList()
        assertTrue(speech.any { it.type == "audio.chunk" } && speech.last().type == "audio.done", speech.map { it.type }.toString())
    }

    @Test
    fun `a stream's error event is a StreamException with the events before it`() = runBlocking {
        val fault = RequestOptions(extraHeaders = mapOf("x-mock-fault" to "stream_error_event", "x-mock-fault-after" to "2"))
        val seen = mutableListOf<ChatCompletionChunk>()
        val e = assertThrows<StreamException> { client.chat.completions.stream(CHAT, options = fault).collect { seen.add(it) } }
        assertEquals(2, seen.size)
        assertEquals("error_event", e.reason)
        assertEquals(200, e.status)
        assertTrue(e.requestId!!.startsWith("req_"))
        // A failed stream keeps its error.
        val s = client.chat.completions.stream(CHAT, options = fault).open()
        assertThrows<StreamException> { s.finalValue() }
        assertThrows<StreamException> { s.next() }
        s.close()
    }

    @Test
    fun `first() reads one event and closes`() = runBlocking {
        val chunk = client.chat.completions.stream(CHAT, options = LONG).first()
        assertTrue(chunk.id.isNotEmpty())
        assertTrue(Mock.streamRecord(CHAT_PATH).flag("client_closed"))
    }
}
