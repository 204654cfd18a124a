package ai.empiriolabs

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.runTest
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files

/** The client: settings, per-call options, bodies as maps or builders, uploads, raw JSON, the key kept out of sight. */
class ClientTest {
    @BeforeEach
    fun reset() = Mock.reset()

    private fun last(path: String) = Mock.requests(path).last()
    private fun JsonObject.headers() = this["headers"] as JsonObject
    private fun JsonObject.body() = this["body"] as JsonObject

    @Test
    fun `settings reach every call and the user agent names the binding`() = runTest {
        Mock.client(headers = mapOf("x-team" to "search")).use { c ->
            c.models.list()
            val h = last("/v1/models").headers()
            assertEquals("search", h.s("x-team"))
            assertTrue(h.s("user-agent")!!.startsWith("empiriolabs-kotlin/${EmpirioLabs.VERSION} (core "), h.s("user-agent"))
            assertEquals(Mock.url, c.baseUrl)
            assertTrue(c.hasApiKey)
        }
        Mock.client(authStyle = AuthStyle.X_API_KEY).use { c ->
            c.embeddings.create(mapOf("model" to "text-embedding-v4", "input" to "hi"))
            val auth = last("/v1/embeddings")["auth"] as JsonObject
            assertEquals("x-api-key", auth.s("scheme"))
            assertEquals("true", auth.s("valid"))
        }
    }

    @Test
    fun `withOptions changes the settings given and keeps the rest, leaving the original open`() = runTest {
        Mock.client(headers = mapOf("x-team" to "search"), authStyle = AuthStyle.X_API_KEY).use { c ->
            c.withOptions(defaultHeaders = mapOf("x-team" to "ranking"), maxRetries = 0).use { o ->
                o.embeddings.create(mapOf("model" to "text-embedding-v4", "input" to "hi"))
                val entry = last("/v1/embeddings")
                assertEquals("ranking", entry.headers().s("x-team"))
                val auth = entry["auth"] as JsonObject
                assertEquals("x-api-key", auth.s("scheme"), "the key and its header style are kept")
                assertEquals("true", auth.s("valid"))
                assertEquals(c.baseUrl, o.baseUrl)
                assertFalse(o.toString().contains(Mock.apiKey))
            }
            c.models.list()
            assertEquals("search", last("/v1/models").headers().s("x-team"))
        }
    }

    @Test
    fun `the key never appears in toString`() {
        val c = EmpirioLabs(apiKey = "sk-live-secret-123456", baseUrl = Mock.url)
        assertFalse(c.toString().contains("sk-live-secret-123456"))
        assertTrue(c.toString().contains("hasApiKey=true"))
        c.close()
        assertThrows<IllegalStateException> { c.baseUrl }
    }

    @Test
    fun `bodies as maps or builders carry any per-model parameter, and options adjust one call`() = runBlocking {
        Mock.client().use { c ->
            val r = c.chat.completions.create {
                this["model"] = "deepseek-v4-pro"
                this["messages"] = MSGS
                this["enable_thinking"] = true
                this["top_k"] = 20
            }
            assertEquals(HELLO, r.choices[0].message.content)
            assertTrue(r.raw.containsKey("object") && r.meta!!.status == 200)
            val body = last("/v1/chat/completions").body()
            assertEquals(JsonPrimitive(true), body["enable_thinking"])
            assertEquals(JsonPrimitive(20), body["top_k"])
            c.chat.completions.create(CHAT, RequestOptions(extraHeaders = mapOf("x-trace" to "1"), extraQuery = mapOf("debug" to true),
                extraBody = mapOf("seed" to 7)))
            val e = last("/v1/chat/completions")
            assertEquals("1", e.headers().s("x-trace"))
            assertEquals(JsonPrimitive(7), e.body()["seed"])
            assertEquals(listOf("true"), (e["query"] as JsonObject)["debug"].arr().map { it.text }.ifEmpty { listOf((e["query"] as JsonObject).s("debug")) })
        }
    }

    @Test
    fun `typed views keep unknown fields, and invoke reaches any operation`() = runBlocking {
        Mock.client().use { c ->
            val models = c.models.list()
            assertTrue(models.data.isNotEmpty() && models.raw["data"] != null)
            val m = c.models.retrieve(models.data.first().id)
            assertEquals(models.data.first().id, m.id)
            assertTrue(m.raw.keys.containsAll(setOf("id", "object")))
            when (val r = c.invoke("listVoices")) {
                is RawResult.Json -> assertTrue(r.value.containsKey("data"))
                else -> error("expected JSON, got $r")
            }
            val job = c.invoke("createVideo", body = mapOf("model" to "seedance-2-0-pro", "prompt" to "x", "duration" to 5))
            assertTrue(job is RawResult.Job)
        }
    }

    @Test
    fun `uploads from bytes and from a path, and a missing file fails before the network`() = runBlocking {
        Mock.client().use { c ->
            val data = ByteArray(64000) { (it % 251).toByte() }
            val g = c.audio.transcriptions.create(file = Upload.bytes("meeting.wav", data, "audio/wav"), params = mapOf("model" to "openai-whisper-1", "language" to "en"))
            assertTrue(g is Generation.Completed)
            val parts = (last("/v1/audio/transcriptions").body()["multipart"]).arr().map { it as JsonObject }
            val file = parts.first { it.s("name") == "file" }
            assertEquals("meeting.wav", file.s("filename"))
            assertEquals("64000", file.s("size"))
            assertEquals("en", parts.first { it.s("name") == "language" }.s("value"))
            val tmp = Files.createTempFile("clip", ".wav")
            Files.write(tmp, data)
            c.audio.transcriptions.create(file = Upload.path(tmp), params = mapOf("model" to "openai-whisper-1"))
            val fromPath = (last("/v1/audio/transcriptions").body()["multipart"]).arr().map { it as JsonObject }.first { it.s("name") == "file" }
            assertEquals(tmp.fileName.toString(), fromPath.s("filename"))
            assertEquals("audio/wav", fromPath.s("content_type"))
            Files.delete(tmp)
            Mock.reset()
            assertThrows<InvalidRequestException> { c.audio.transcriptions.create(file = Upload.path(tmp), params = mapOf("model" to "openai-whisper-1")) }
            assertTrue(Mock.requests().isEmpty())
        }
    }

    @Test
    fun `speech bytes, downloads and GPU connections`() = runBlocking {
        Mock.client().use { c ->
            val speech = c.audio.speech.create(mapOf("model" to "gemini-2-5-flash-tts", "input" to "Hello.", "voice" to "Charon", "output_format" to "WAV"))
            val url = speech.s("url") ?: ((speech["data"] as? kotlinx.serialization.json.JsonArray)?.get(0) as? JsonObject)?.s("url")
            if (url != null && url.startsWith(Mock.url)) {
                val bytes = c.download(url)
                assertTrue(bytes.isNotEmpty())
                val tmp = Files.createTempFile("speech", ".wav")
                assertEquals(bytes.size.toLong(), c.downloadTo(url, tmp))
                assertArrayEquals(bytes, Files.readAllBytes(tmp))
                Files.delete(tmp)
            }
            val gpu = c.gpu.instances.create(mapOf("gpu_slug" to "rtx-4090", "mode" to "model", "hf_id" to "Qwen/Qwen2.5-7B-Instruct", "name" to "q", "disk_gb" to 150), FAST)
            val id = (gpu["instance"] as JsonObject).s("id")!!
            val echo = c.gpu.connect(id).request("GET", "files/a%20b.txt?x=1")
            assertTrue(echo is RawResult.Json || echo is RawResult.Text, echo.toString())
            assertEquals("/v1/gpu/connect/$id/files/a%20b.txt", Mock.requests().last().s("path"))
            assertThrows<InvalidRequestException> { c.gpu.connect(id).request("GET", "a/../../v1/models") }
        }
    }
}
