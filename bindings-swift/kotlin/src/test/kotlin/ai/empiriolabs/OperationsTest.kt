package ai.empiriolabs

import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory

val MSGS = listOf(mapOf("role" to "user", "content" to "Hi"))
val CHAT = mapOf("model" to "deepseek-v4-pro", "messages" to MSGS)
const val HELLO = "Hello from the EmpirioLabs mock gateway. You said: Hi"
val FAST = RequestOptions(extraHeaders = mapOf("x-mock-job-ms" to "0"))

private fun obj(vararg pairs: Pair<String, Any?>): JsonObject = toJsonElement(mapOf(*pairs)) as JsonObject

/** What the operation table needs to exist: an agent task, a job, a GPU instance, a hosted agent. */
class State {
    val task: String
    val job: String
    val gpu: String
    val agent: String

    init {
        val slow = mapOf("x-mock-job-ms" to "60000")
        task = Mock.raw("POST", "/v1/agents/run", obj("model" to "manus", "input" to "memo", "stream" to false), slow + ("x-mock-max-wait-ms" to "0")).s("task_id")!!
        job = Mock.raw("POST", "/v1/videos/generations", obj("model" to "seedance-2-0-pro", "prompt" to "boat", "duration" to 5), slow).s("job_id")!!
        val fast = mapOf("x-mock-job-ms" to "0")
        gpu = (Mock.raw("POST", "/v1/gpu/instances", obj("gpu_slug" to "rtx-4090", "mode" to "model", "hf_id" to "Qwen/Qwen2.5-7B-Instruct",
            "name" to "qwen-7b", "disk_gb" to 150), fast)["instance"] as JsonObject).s("id")!!
        agent = (Mock.raw("POST", "/v1/hosted-agents/instances", obj("agent_type" to "openclaw", "name" to "OpenClaw",
            "plan_slug" to "hosted-agent-basic", "default_model" to "qwen3-7-plus"), fast)["instance"] as JsonObject).s("id")!!
        val base = "/v1/hosted-agents/instances/$agent"
        Mock.raw("POST", "$base/integrations", obj("kind" to "telegram", "secret" to "123456:telegram-bot-token"))
        Mock.raw("POST", "$base/skills", obj("slug" to "clawhub:web-search"))
        Mock.raw("POST", "$base/mcp", obj("name" to "linear", "url" to "https://mcp.linear.app/mcp", "transport" to "streamable-http"))
    }
}

/** One row of the operation table: the call through the public surface, and the path it must reach. */
class Row(val call: suspend (EmpirioLabs, State) -> Any?, val path: Map<String, String> = emptyMap())

private val WAV = Upload.bytes("meeting.wav", ByteArray(64000) { (it % 251).toByte() }, "audio/wav")
private val GPU = mapOf("gpu_slug" to "rtx-4090", "mode" to "model", "hf_id" to "Qwen/Qwen2.5-7B-Instruct", "name" to "qwen-7b", "disk_gb" to 150)
private val AGENT = mapOf("agent_type" to "hermes", "name" to "Hermes Helper")

/** operationId -> its call; `{task}` etc. in the path name a [State] field. */
val OPS: Map<String, Row> = mapOf(
    "listModels" to Row({ c, _ -> c.models.list() }),
    "retrieveModel" to Row({ c, _ -> c.models.retrieve("wan2-7-image") }, mapOf("model_id" to "wan2-7-image")),
    "createChatCompletion" to Row({ c, _ -> c.chat.completions.create(CHAT + ("temperature" to 0.7)) }),
    "createCompletion" to Row({ c, _ -> c.completions.create(mapOf("model" to "qwen3-5-9b", "prompt" to "Write one sentence.", "max_tokens" to 64)) }),
    "createResponse" to Row({ c, _ -> c.responses.create(mapOf("model" to "deepseek-v4-pro", "instructions" to "Be brief.", "input" to "Vector clocks?")) }),
    "createMessage" to Row({ c, _ -> c.messages.create(mapOf("model" to "deepseek-v4-pro", "max_tokens" to 1024, "messages" to MSGS)) }),
    "createEmbeddings" to Row({ c, _ -> c.embeddings.create(mapOf("model" to "text-embedding-v4", "input" to listOf("one", "two"))) }),
    "createReranks" to Row({ c, _ -> c.reranks.create(mapOf("model" to "qwen3-rerank", "query" to "rerank?", "documents" to listOf("a", "b", "c"), "top_n" to 2)) }),
    "createImage" to Row({ c, _ -> c.images.generate(mapOf("model" to "wan2-7-image", "prompt" to "A glass cathedral", "aspect_ratio" to "16:9")) }),
    "createVideo" to Row({ c, _ -> c.videos.generate(mapOf("model" to "seedance-2-0-pro", "prompt" to "Rain at dusk", "duration" to 8)) }),
    "listGenerationTemplates" to Row({ c, _ -> c.templates.list() }),
    "getGenerationTemplate" to Row({ c, _ -> c.templates.retrieve("studio-product-shot") }, mapOf("slug" to "studio-product-shot")),
    "listImageTemplates" to Row({ c, _ -> c.images.templates.list() }),
    "getImageTemplate" to Row({ c, _ -> c.images.templates.retrieve("background-swap") }, mapOf("slug" to "background-swap")),
    "listVideoTemplates" to Row({ c, _ -> c.videos.templates.list(mapOf("category" to "viral")) }),
    "getVideoTemplate" to Row({ c, _ -> c.videos.templates.retrieve("baseball-stadium") }, mapOf("slug" to "baseball-stadium")),
    "create3DGeneration" to Row({ c, _ -> c.threeD.generate(mapOf("model" to "trellis-2-4b", "image_url" to "https://example.com/p.png", "seed" to 42)) }),
    "createSpeech" to Row({ c, _ -> c.audio.speech.create(mapOf("model" to "gemini-2-5-flash-tts", "input" to "Hello.", "voice" to "Charon", "output_format" to "WAV")) }),
    "createSpeechStream" to Row({ c, _ -> c.audio.speech.stream(mapOf("model" to "tts-1-5-mini", "input" to "Hello.", "voice" to "Sarah", "output_format" to "PCM")).toList() }),
    "listVoices" to Row({ c, _ -> c.voices.list() }),
    "createAudioGeneration" to Row({ c, _ -> c.audio.generations.create(mapOf("model" to "stable-audio-2-5", "prompt" to "Lo-fi", "duration" to 60)) }),
    "createTranscription" to Row({ c, _ -> c.audio.transcriptions.create(file = WAV, params = mapOf("model" to "openai-whisper-1")) }),
    "createSearch" to Row({ c, _ -> c.search.create(mapOf("model" to "tavily-search", "query" to "CRDT papers", "search_depth" to "advanced")) }),
    "createResearch" to Row({ c, _ -> c.research.create(mapOf("model" to "tavily-research", "query" to "Fed sentiment")) }),
    "createAnswer" to Row({ c, _ -> c.answer.create(mapOf("model" to "exa-answer", "query" to "Last US eclipse?")) }),
    "runAgent" to Row({ c, _ -> c.agents.run(mapOf("model" to "manus", "input" to "Write a memo.")).toList() }),
    "getAgentTask" to Row({ c, s -> c.agents.retrieve(s.task) }, mapOf("task_id" to "{task}")),
    "listAgentMessages" to Row({ c, s -> c.agents.messages(s.task) }, mapOf("task_id" to "{task}")),
    "stopAgentTask" to Row({ c, s -> c.agents.stop(s.task) }, mapOf("task_id" to "{task}")),
    "analyzeImage" to Row({ c, _ -> c.images.analyze(mapOf("model" to "janus-pro-deepseek", "image_url" to "https://example.com/p.jpg", "question" to "Subject?")) }),
    "createDetection" to Row({ c, _ -> c.detect.create(mapOf("model" to "gptzero", "input" to "The quick brown fox.", "scan_type" to "ai_detection")) }),
    "retrieveAccountUsage" to Row({ c, _ -> c.account.usage.retrieve() }),
    "listPlaygroundConversations" to Row({ c, _ -> c.playground.conversations.list(mapOf("limit" to 10)).first() }),
    "retrievePlaygroundConversation" to Row({ c, _ -> c.playground.conversations.retrieve("conv_0001") }, mapOf("conversation_id" to "conv_0001")),
    "listJobs" to Row({ c, _ -> c.jobs.list() }),
    "retrieveJob" to Row({ c, s -> c.jobs.retrieve(s.job) }, mapOf("job_id" to "{job}")),
    "cancelJob" to Row({ c, s -> c.jobs.cancel(s.job) }, mapOf("job_id" to "{job}")),
    "listGpuTypes" to Row({ c, _ -> c.gpu.catalog.list() }),
    "getGpuType" to Row({ c, _ -> c.gpu.catalog.retrieve("h100-nvl") }, mapOf("slug" to "h100-nvl")),
    "listGpuInstances" to Row({ c, _ -> c.gpu.instances.list() }),
    "deployGpuInstance" to Row({ c, _ -> c.gpu.instances.create(GPU, FAST) }),
    "getGpuInstance" to Row({ c, s -> c.gpu.instances.retrieve(s.gpu) }, mapOf("instance_id" to "{gpu}")),
    "destroyGpuInstance" to Row({ c, s -> c.gpu.instances.delete(s.gpu) }, mapOf("instance_id" to "{gpu}")),
    "actionGpuInstance" to Row({ c, s -> c.gpu.instances.stop(s.gpu) }, mapOf("instance_id" to "{gpu}", "action" to "stop")),
    "connectGpuInstance" to Row({ c, s -> c.gpu.connect(s.gpu).chat.completions.create(mapOf("model" to "Qwen/Qwen2.5-7B-Instruct", "messages" to MSGS)) },
        mapOf("instance_id" to "{gpu}", "path" to "v1/chat/completions", "method" to "POST")),
    "hostedAgentsHealth" to Row({ c, _ -> c.hostedAgents.health() }),
    "getHostedAgentsConfig" to Row({ c, _ -> c.hostedAgents.config() }),
    "listHostedAgentInstances" to Row({ c, _ -> c.hostedAgents.instances.list() }),
    "createHostedAgentInstance" to Row({ c, _ -> c.hostedAgents.instances.create(AGENT, FAST) }),
    "getHostedAgentInstance" to Row({ c, s -> c.hostedAgents.instances.retrieve(s.agent) }, mapOf("instance_id" to "{agent}")),
    "destroyHostedAgentInstance" to Row({ c, s -> c.hostedAgents.instances.delete(s.agent) }, mapOf("instance_id" to "{agent}")),
    "renameHostedAgentInstance" to Row({ c, s -> c.hostedAgents.instances.rename(s.agent, "Support Bot") }, mapOf("instance_id" to "{agent}")),
    "actionHostedAgentInstance" to Row({ c, s -> c.hostedAgents.instances.restart(s.agent) }, mapOf("instance_id" to "{agent}", "action" to "restart")),
    "messageHostedAgentInstance" to Row({ c, s -> c.hostedAgents.instances.message(s.agent, mapOf("messages" to MSGS)) }, mapOf("instance_id" to "{agent}")),
    "listHostedAgentIntegrations" to Row({ c, s -> c.hostedAgents.instances.integrations.list(s.agent) }, mapOf("instance_id" to "{agent}")),
    "saveHostedAgentIntegration" to Row({ c, s -> c.hostedAgents.instances.integrations.save(s.agent) {
        this["kind"] = "telegram"; this["secret"] = "123456:telegram-bot-token"; this["config"] = mapOf("allow_groups" to false)
    } }, mapOf("instance_id" to "{agent}")),
    "disconnectHostedAgentIntegration" to Row({ c, s -> c.hostedAgents.instances.integrations.disconnect(s.agent, "telegram") },
        mapOf("instance_id" to "{agent}", "kind" to "telegram")),
    "setHostedAgentIntegrationBehavior" to Row({ c, s -> c.hostedAgents.instances.integrations.setBehavior(s.agent, "telegram",
        mapOf("behavior" to mapOf("streaming" to true, "reaction_level" to "ack"))) }, mapOf("instance_id" to "{agent}", "kind" to "telegram")),
    "setHostedAgentModel" to Row({ c, s -> c.hostedAgents.instances.setModel(s.agent, mapOf("provider" to "empirio", "model" to "deepseek-v4-pro")) },
        mapOf("instance_id" to "{agent}")),
    "setHostedAgentAccess" to Row({ c, s -> c.hostedAgents.instances.setAccess(s.agent, mapOf("mode" to "restricted", "kind" to "telegram",
        "allow" to mapOf("telegram" to listOf("123456")))) }, mapOf("instance_id" to "{agent}")),
    "listHostedAgentSkills" to Row({ c, s -> c.hostedAgents.instances.skills.list(s.agent) }, mapOf("instance_id" to "{agent}")),
    "addHostedAgentSkill" to Row({ c, s -> c.hostedAgents.instances.skills.add(s.agent, mapOf("slug" to "clawhub:github")) }, mapOf("instance_id" to "{agent}")),
    "removeHostedAgentSkill" to Row({ c, s -> c.hostedAgents.instances.skills.remove(s.agent, "clawhub:web-search") }, mapOf("instance_id" to "{agent}")),
    "listHostedAgentMcp" to Row({ c, s -> c.hostedAgents.instances.mcp.list(s.agent) }, mapOf("instance_id" to "{agent}")),
    "addHostedAgentMcp" to Row({ c, s -> c.hostedAgents.instances.mcp.add(s.agent, mapOf("name" to "notion", "url" to "https://mcp.notion.com/mcp",
        "transport" to "streamable-http")) }, mapOf("instance_id" to "{agent}")),
    "removeHostedAgentMcp" to Row({ c, s -> c.hostedAgents.instances.mcp.remove(s.agent, "linear") }, mapOf("instance_id" to "{agent}")),
)

/** POSTs that take no body, and must send none. */
private val BODYLESS = setOf("stopAgentTask", "actionGpuInstance", "actionHostedAgentInstance")

/** The query each call must carry, where the operation takes its arguments there. */
private val QUERY = mapOf(
    "listVideoTemplates" to mapOf("category" to "viral"), "listPlaygroundConversations" to mapOf("limit" to "10"),
    "removeHostedAgentSkill" to mapOf("slug" to "clawhub:web-search"), "removeHostedAgentMcp" to mapOf("name" to "linear"),
)

/** Every operation of the gateway through the Kotlin surface: the mock's log must show its own method and path. */
class OperationsTest {
    private val native = ai.empiriolabs.ffi.operations().associate { it.id to (it.method to it.path) }

    @Test
    fun `the table covers every operation`() {
        assertEquals(66, native.size)
        assertEquals(emptySet<String>(), native.keys - OPS.keys, "operations without a row")
        assertEquals(emptySet<String>(), OPS.keys - native.keys, "rows that are not operations")
    }

    private fun expected(op: String, s: State): Pair<String, String> {
        val (method, template) = native[op]!!
        val params = OPS[op]!!.path.toMutableMap()
        val m = params.remove("method") ?: method
        val values = params.mapValues { (_, v) -> v.replace("{task}", s.task).replace("{job}", s.job).replace("{gpu}", s.gpu).replace("{agent}", s.agent) }
        val path = Regex("""\{(\w+)\}""").replace(template) { values[it.groupValues[1]] ?: error("no value for ${it.value}") }
        return m to path
    }

    @TestFactory
    fun `every operation reaches its method and path`() = OPS.keys.sorted().map { op ->
        DynamicTest.dynamicTest(op) {
            Mock.reset()
            val s = State()
            val seq = Mock.lastSeq()
            val result = Mock.client().use { c -> runBlocking { OPS[op]!!.call(c, s) } }
            val (method, path) = expected(op, s)
            val own = Mock.since(seq).filter { it.s("method") == method && it.s("path") == path }
            assertTrue(own.isNotEmpty(), "$op: no $method $path in ${Mock.since(seq).map { it.s("method") + " " + it.s("path") }}")
            val first = own.first()
            assertTrue(first["status"]!!.jsonPrimitive.content.toInt() < 300, first.toString())
            val headers = first["headers"] as JsonObject
            if (method == "GET" || method == "DELETE" || op in BODYLESS) {
                assertTrue(first["body"] is kotlinx.serialization.json.JsonNull && "content-type" !in headers, first.toString())
            }
            for ((k, v) in QUERY[op] ?: emptyMap()) {
                val q = (first["query"] as JsonObject)[k]
                assertTrue(q == JsonPrimitive(v) || q.arr().firstOrNull() == JsonPrimitive(v), "$op query $k: $q")
            }
            assertTrue(headers.s("user-agent")!!.startsWith("empiriolabs-kotlin/"), headers.s("user-agent"))
            assertTrue(result != null)
        }
    }
}
