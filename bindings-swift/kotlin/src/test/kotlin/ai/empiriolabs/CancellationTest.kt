package ai.empiriolabs

import ai.empiriolabs.ffi.CallInput
import ai.empiriolabs.ffi.CallOptions
import ai.empiriolabs.ffi.CancelHandle
import ai.empiriolabs.ffi.NativeException
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Cancellation reaches the core's cancellation token, from a cancelled coroutine or a cancelled handle. */
class CancellationTest {
    private val client = Mock.client()

    @BeforeEach
    fun reset() = Mock.reset()

    @Test
    fun `a cancelled coroutine ends a held call at once`() = runBlocking {
        val started = System.nanoTime()
        val r = withTimeoutOrNull(300) {
            client.agents.create(mapOf("model" to "manus", "input" to "memo"), RequestOptions(extraHeaders = mapOf("x-mock-job-ms" to "60000")))
        }
        assertNull(r)
        val ms = (System.nanoTime() - started) / 1_000_000
        assertTrue(ms < 2000, "the call ended $ms ms after it started")
        // The client is as usable as before.
        assertTrue(client.models.list().data.isNotEmpty())
    }

    @Test
    fun `a cancelled handle is the core's Cancelled error`() = runBlocking {
        val handle = CancelHandle().also { it.cancel() }
        val options = CallOptions(null, null, null, emptyList(), emptyList(), null, handle)
        val e = assertThrows<NativeException.Failed> {
            runBlocking { client.core.native.invoke("listModels", CallInput(emptyList(), emptyList(), null, emptyList(), false, null, options)) }
        }
        assertEquals("Cancelled", e.errorClass)
        assertTrue(e.toSdk() is UserAbortException)
    }
}
