package ai.empiriolabs

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory

/**
 * Every scenario of tests/scenarios/ through the Kotlin package, one test each, one after
 * another on one mock (reset in between). `-Dempirio.scenario=<substring>` narrows the run.
 */
class ScenariosTest {
    @TestFactory
    fun `every scenario holds through the Kotlin package`(): List<DynamicTest> {
        val filter = System.getProperty("empirio.scenario") ?: ""
        val all = Scenarios.loadAll().filter { Scenarios.id(it).contains(filter) }
        assertTrue(all.isNotEmpty(), "no scenario matches $filter")
        return all.map { sc ->
            DynamicTest.dynamicTest(Scenarios.id(sc)) {
                val problems = runBlocking { Scenarios.run(sc) }
                assertTrue(problems.isEmpty(), "${Scenarios.id(sc)}\n    " + problems.joinToString("\n    "))
            }
        }
    }

    /** The runner can fail: passing scenarios with one expectation made wrong must each be reported. */
    @Test
    fun `a wrong expectation is reported`() = runBlocking {
        val all = Scenarios.loadAll().associateBy { Scenarios.id(it) }
        val mutations = listOf(
            Triple("chat.create.basic", listOf("expect", "json_subset", "object"), JsonPrimitive("chat.completion.chunk")) to "$.object",
            Triple("chat.create.basic", listOf("expect", "attempts"), JsonPrimitive(2)) to "attempts",
            Triple("chat.create.basic", listOf("expect_request", "auth"), JsonPrimitive("x-api-key")) to "auth",
            Triple("chat.create.stream", listOf("expect", "stream", "events"), JsonPrimitive(18)) to "stream.events",
            Triple("faults.rate_limit.exhausted", listOf("expect", "error", "code"), JsonPrimitive("other")) to "error.code",
            Triple("videos.create.t2v", listOf("expect", "job", "accepted_subset", "status"), JsonPrimitive("completed")) to "\$accepted.status",
        )
        for ((m, mentions) in mutations) {
            val (id, path, value) = m
            fun set(o: JsonObject, keys: List<String>): JsonObject =
                if (keys.size == 1) JsonObject(o + (keys[0] to value)) else JsonObject(o + (keys[0] to set(o[keys[0]] as JsonObject, keys.drop(1))))
            val sc = set(all[id] ?: error("no scenario $id"), path)
            val problems = Scenarios.run(sc)
            assertTrue(problems.any { mentions in it }, "$id with ${path.joinToString("/")} = $value: expected a problem naming $mentions, got $problems")
        }
    }
}
