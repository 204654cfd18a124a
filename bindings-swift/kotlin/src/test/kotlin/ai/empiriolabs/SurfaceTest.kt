package ai.empiriolabs

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.lang.reflect.Modifier

/**
 * The Kotlin surface is the surface table's: every place and helper of spec/surface.toml is a
 * method of its namespace, spelled as the table's [naming] rules say, and no public namespace
 * method is missing from the table.
 */
class SurfaceTest {
    private fun camel(s: String) = s.split("_").mapIndexed { i, w -> if (i == 0) w else w.replaceFirstChar(Char::uppercase) }.joinToString("")

    /** The table (`-Dempirio.surface.table=<file>` points the test at another, to see it fail). */
    private val table = System.getProperty("empirio.surface.table")?.let { java.io.File(it) } ?: REPO.resolve("spec/surface.toml").toFile()

    /** Every `place = "..."` of the table (operations and helpers), spelled in Kotlin. */
    private fun tablePlaces(): Map<String, Set<String>> {
        val text = table.readText()
        val places = Regex("""place\s*=\s*"([a-z0-9_.]+)"""").findAll(text).map { it.groupValues[1] }.toSet()
        val out = sortedMapOf<String, MutableSet<String>>()
        for (p in places) {
            val ns = p.substringBeforeLast('.').split('.').joinToString(".") { camel(it) }
            out.getOrPut(ns) { sortedSetOf() }.add(camel(p.substringAfterLast('.')))
        }
        // Every prefix of a namespace is a namespace too (`hostedAgents` holds `instances`).
        for (ns in out.keys.toList()) {
            val parts = ns.split('.')
            for (i in 1 until parts.size) out.getOrPut(parts.take(i).joinToString(".")) { sortedSetOf() }
        }
        return out
    }

    /** Namespace path -> public methods, walked from the client's properties by reflection. */
    private fun kotlinSurface(client: EmpirioLabs): Map<String, Set<String>> {
        val out = sortedMapOf<String, MutableSet<String>>()
        fun walk(path: String, ns: Any) {
            val methods = out.getOrPut(path) { sortedSetOf() }
            for (m in ns.javaClass.declaredMethods) {
                if (!Modifier.isPublic(m.modifiers) || m.isSynthetic) continue
                // Kotlin mangles the names of functions taking value classes (`wait-8Mi8wO0`).
                val name = m.name.substringBefore('-').removeSuffix("\$default")
                if (name.startsWith("get") && m.parameterCount == 0) {
                    val child = m.invoke(ns)
                    if (child != null && child.javaClass.`package`?.name == "ai.empiriolabs" && child.javaClass.declaredMethods.any { it.name != "toString" }) {
                        val prop = name.removePrefix("get").replaceFirstChar(Char::lowercase)
                        walk("$path.$prop", child)
                        continue
                    }
                }
                methods.add(name)
            }
        }
        for (getter in Namespaces::class.java.declaredMethods.filter { it.name.startsWith("get") && it.parameterCount == 0 }) {
            walk(getter.name.removePrefix("get").replaceFirstChar(Char::lowercase), getter.invoke(client))
        }
        return out
    }

    @Test
    fun `the Kotlin surface is the table`() {
        Mock.client().use { client ->
            val want = tablePlaces()
            val got = kotlinSurface(client)
            assertEquals(want.keys, got.keys, "namespaces differ")
            val problems = want.keys.filter { want[it] != got[it] }.map { ns ->
                "$ns: missing ${want[ns]!! - got[ns]!!}, not in the table ${got[ns]!! - want[ns]!!}"
            }
            assertTrue(problems.isEmpty(), problems.joinToString("\n"))
        }
    }

    @Test
    fun `every operation of the core is in the table`() {
        val ops = ai.empiriolabs.ffi.operations()
        assertEquals(66, ops.size)
        val text = REPO.resolve("spec/surface.toml").toFile().readText()
        val missing = ops.map { it.id }.filter { "[ops.$it]" !in text }
        assertTrue(missing.isEmpty(), "operations without a table entry: $missing")
    }
}
