package ai.empiriolabs

import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private val VIDEO = mapOf("model" to "seedance-2-0-pro", "prompt" to "Rain on a city street", "duration" to 8)
private fun jobMs(ms: Int) = RequestOptions(extraHeaders = mapOf("x-mock-job-ms" to ms.toString()))
private val POLL = 100.milliseconds

/** Jobs: waits with progress and deadlines, cancellation, expiry, inline-or-job answers, agent tasks. */
class JobsTest {
    private val client = Mock.client()

    @BeforeEach
    fun reset() = Mock.reset()

    @Test
    fun `generateAndWait reports progress and returns the result`() = runBlocking {
        val seen = Collections.synchronizedList(mutableListOf<JobProgress>())
        val result = client.videos.generateAndWait(VIDEO, jobMs(800), onProgress = { seen.add(it) })
        val url = ((result["data"] as JsonArray)[0] as JsonObject).s("url")
        assertTrue(url!!.startsWith("http"), result.toString())
        assertTrue(seen.isNotEmpty() && seen.all { it.status == "processing" }, seen.toString())
        assertTrue(seen.mapNotNull { it.progress }.zipWithNext().all { (a, b) -> a <= b })
    }

    @Test
    fun `a job handle refreshes, waits and keeps its state`() = runBlocking {
        val job = client.threeD.generate(mapOf("model" to "trellis-2-4b", "image_url" to "https://example.com/p.png"), jobMs(300))
        assertTrue(job.id.startsWith("job_") && job.status == "processing")
        assertEquals(202, job.createdMeta!!.status)
        assertEquals(job.id, job.refresh().jobId)
        val result = job.wait(pollInterval = POLL)
        assertEquals("completed", job.status)
        assertEquals(result, job.result)
        assertEquals("completed", client.jobs.retrieve(job.id).status)
        assertEquals("completed", client.jobs.handle(job.id).refresh().status)
    }

    @Test
    fun `a wait that times out leaves the job running and the handle usable`() = runBlocking {
        val job = client.videos.generate(VIDEO, jobMs(1500))
        val e = assertThrows<JobTimeoutException> { job.wait(timeout = 300.milliseconds, pollInterval = POLL) }
        assertEquals(job.id, e.jobId)
        assertEquals("processing", e.lastStatus)
        assertTrue(e.waited!! >= 300.milliseconds)
        assertEquals("processing", job.refresh().status)
        job.wait(timeout = 10.seconds, pollInterval = POLL)
        assertEquals("completed", job.status)
    }

    @Test
    fun `cancelling the waiting coroutine stops polling, leaves the job running and the handle usable`() = runBlocking {
        val job = client.videos.generate(VIDEO, jobMs(2000))
        val path = "/v1/jobs/${job.id}"
        val waiting = async { job.wait(pollInterval = POLL) }
        delay(400)
        waiting.cancelAndJoin()
        val polls = Mock.requests(path, "GET").size
        assertTrue(polls >= 1)
        delay(500)
        assertEquals(polls, Mock.requests(path, "GET").size, "no poll after the cancellation")
        assertEquals("processing", job.refresh().status)
        assertNull(withTimeoutOrNull(200) { job.wait(pollInterval = POLL) })
        job.wait(timeout = 10.seconds, pollInterval = POLL)
        assertEquals("completed", job.status)
    }

    @Test
    fun `cancel ends the job itself`() = runBlocking {
        val job = client.research.create(mapOf("model" to "tavily-research", "query" to "q"), jobMs(60000))
        val state = job.cancel()
        assertTrue(state.status in setOf("cancelled", "canceled", "failed"), state.raw.toString())
        assertEquals(1, Mock.requests("/v1/jobs/${job.id}", "DELETE").size)
    }

    @Test
    fun `a finished job expires after its retention, an unknown id is not found`() = runBlocking {
        val job = client.videos.generate(VIDEO, jobMs(0))
        job.wait(pollInterval = POLL)
        delay(2500)
        val e = assertThrows<JobExpiredException> { job.refresh() }
        assertEquals(404, e.status)
        val typo = assertThrows<NotFoundException> { client.jobs.handle("job_typo").refresh() }
        assertTrue(typo !is JobExpiredException && typo.code == "job_not_found")
    }

    @Test
    fun `inline or job answers are a Generation`() = runBlocking {
        val img = mapOf("model" to "wan2-7-image", "prompt" to "A glass cathedral")
        when (val g = client.images.generate(img + ("sync" to true))) {
            is Generation.Completed -> assertTrue(g.result.containsKey("data"))
            is Generation.Pending -> error("a sync image came back as a job")
        }
        val pending = client.images.generate(img, jobMs(300))
        assertTrue(pending is Generation.Pending, pending.toString())
        assertTrue(pending.await().containsKey("data"))
        assertTrue(client.images.generateAndWait(img, jobMs(300)).containsKey("data"))
        val long = client.audio.transcriptions.createAndWait(
            file = Upload.bytes("a.wav", ByteArray(1000), "audio/wav"), params = mapOf("model" to "openai-whisper-1"),
            options = RequestOptions(extraHeaders = mapOf("x-mock-audio-seconds" to "600", "x-mock-job-ms" to "300")),
        )
        assertTrue(long.containsKey("text"), long.toString())
    }

    @Test
    fun `agent tasks start, wait, follow up and stop`() = runBlocking {
        val started = client.agents.start(mapOf("model" to "manus", "input" to "memo"), RequestOptions(extraHeaders = mapOf("x-mock-max-wait-ms" to "0")))
        val id = started.s("task_id")!!
        assertEquals(5, (Mock.requests("/v1/agents/run").last()["body"] as JsonObject).s("max_wait_seconds")!!.toInt())
        val progress = mutableListOf<JobProgress>()
        val done = client.agents.wait(id, pollInterval = POLL, onProgress = { progress.add(it) })
        assertEquals("completed", done.status)
        assertEquals(id, done.taskId)
        val held = client.agents.create(mapOf("model" to "manus", "input" to "memo"))
        assertEquals("completed", held.s("status"))
        val follow = client.agents.followUp(id, mapOf("model" to "manus", "input" to "and more"), RequestOptions(extraHeaders = mapOf("x-mock-max-wait-ms" to "0")))
        assertEquals(id, follow.s("task_id"))
        assertEquals(id, client.agents.retrieve(id).taskId)
        assertTrue(client.agents.messages(id).isNotEmpty())
    }
}
