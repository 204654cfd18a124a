package ai.empiriolabs

import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.runTest
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** Cursor pagination as cold flows of items and of pages. */
class PaginationTest {
    private val client = Mock.client()

    @BeforeEach
    fun reset() = Mock.reset()

    @Test
    fun `every usage event of every page`() = runTest {
        val events = client.account.usage.list(mapOf("limit" to 100)).toList()
        assertEquals(250, events.size)
        assertEquals(250, events.map { it.id }.toSet().size)
        assertTrue(events.all { it.raw.containsKey("cost") })
        val requests = Mock.requests("/v1/account/usage")
        assertEquals(3, requests.size)
        assertEquals(listOf("100"), (requests[0]["query"] as JsonObject)["limit"].arr().map { it.text })
        assertTrue((requests[1]["query"] as JsonObject).containsKey("before"), "the second page carries the cursor")
    }

    @Test
    fun `pages, and a walk that stops early fetches no more`() = runBlocking {
        val pages = client.playground.conversations.list(mapOf("limit" to 50)).pages().toList()
        assertEquals(3, pages.size)
        assertEquals(120, pages.sumOf { (it["data"] as JsonArray).size })
        assertTrue(pages.all { it.meta!!.status == 200 })
        Mock.reset()
        val first = client.playground.conversations.list(mapOf("limit" to 50)).take(5).toList()
        assertEquals(5, first.size)
        assertEquals(1, Mock.requests("/v1/playground/conversations").size)
        // Each collection walks from the first page again.
        val pager = client.account.usage.list(mapOf("limit" to 200))
        assertEquals(pager.toList().size, pager.toList().size)
    }
}
