package ai.empiriolabs

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.io.File

/** Run in a child JVM by [EnvTest]: a client with no settings, one call, what it saw. */
object EnvProbe {
    @JvmStatic
    fun main(args: Array<String>) {
        EmpirioLabs().use { c ->
            val models = runBlocking { c.models.list() }
            println("${c.baseUrl} ${c.hasApiKey} ${models.data.isNotEmpty()}")
        }
    }
}

/** `EmpirioLabs()` reads EMPIRIOLABS_API_KEY and EMPIRIOLABS_BASE_URL, as every language does. */
class EnvTest {
    @Test
    fun `a client without settings reads the environment`() {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val pb = ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "ai.empiriolabs.EnvProbe")
        pb.environment()["EMPIRIOLABS_BASE_URL"] = Mock.url
        pb.environment()["EMPIRIOLABS_API_KEY"] = Mock.apiKey
        pb.redirectErrorStream(true)
        val p = pb.start()
        val out = p.inputStream.bufferedReader().readText().trim()
        assertEquals(0, p.waitFor(), out)
        assertEquals("${Mock.url} true true", out.lines().last())
    }
}
