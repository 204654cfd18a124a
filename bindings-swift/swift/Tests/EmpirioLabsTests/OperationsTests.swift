import XCTest
@testable import EmpirioLabs

/// What the operation table needs to exist: an agent task, a job, a GPU instance, a hosted agent.
struct State {
    let task, job, gpu, agent: String

    static func make() async throws -> State {
        let m = Mock.shared
        let slow = ["x-mock-job-ms": "60000"]
        let task = try await m.raw("POST", "/v1/agents/run", ["model": "manus", "input": "memo", "stream": false], headers: slow.merging(["x-mock-max-wait-ms": "0"]) { _, n in n })
        let job = try await m.raw("POST", "/v1/videos/generations", ["model": "seedance-2-0-pro", "prompt": "boat", "duration": 5], headers: slow)
        let fast = ["x-mock-job-ms": "0"]
        let gpu = try await m.raw("POST", "/v1/gpu/instances", ["gpu_slug": "rtx-4090", "mode": "model", "hf_id": "Qwen/Qwen2.5-7B-Instruct", "name": "qwen-7b", "disk_gb": 150], headers: fast)
        let agent = try await m.raw("POST", "/v1/hosted-agents/instances", ["agent_type": "openclaw", "name": "OpenClaw", "plan_slug": "hosted-agent-basic", "default_model": "qwen3-7-plus"], headers: fast)
        let agentId = agent.obj("instance")?.str("id") ?? ""
        let base = "/v1/hosted-agents/instances/\(agentId)"
        _ = try await m.raw("POST", "\(base)/integrations", ["kind": "telegram", "secret": "123456:telegram-bot-token"])
        _ = try await m.raw("POST", "\(base)/skills", ["slug": "clawhub:web-search"])
        _ = try await m.raw("POST", "\(base)/mcp", ["name": "linear", "url": "https://mcp.linear.app/mcp", "transport": "streamable-http"])
        return State(task: task.str("task_id") ?? "", job: job.str("job_id") ?? "", gpu: gpu.obj("instance")?.str("id") ?? "", agent: agentId)
    }
}

typealias Row = (call: (EmpirioLabs, State) async throws -> Any, path: [String: String])

private let wav = Upload.bytes(Data((0..<64000).map { UInt8($0 % 251) }), filename: "meeting.wav", contentType: "audio/wav")
private let gpuBody: JSONObject = ["gpu_slug": "rtx-4090", "mode": "model", "hf_id": "Qwen/Qwen2.5-7B-Instruct", "name": "qwen-7b", "disk_gb": 150]

/// operationId -> its call through the Swift surface; `{task}` etc. in the path name a `State` field.
let OPS: [String: Row] = [
    "listModels": ({ c, _ in try await c.models.list() }, [:]),
    "retrieveModel": ({ c, _ in try await c.models.retrieve("wan2-7-image") }, ["model_id": "wan2-7-image"]),
    "createChatCompletion": ({ c, _ in try await c.chat.completions.create(CHAT.merging(["temperature": 0.7]) { _, n in n }) }, [:]),
    "createCompletion": ({ c, _ in try await c.completions.create(["model": "qwen3-5-9b", "prompt": "Write one sentence.", "max_tokens": 64]) }, [:]),
    "createResponse": ({ c, _ in try await c.responses.create(["model": "deepseek-v4-pro", "instructions": "Be brief.", "input": "Vector clocks?"]) }, [:]),
    "createMessage": ({ c, _ in try await c.messages.create(["model": "deepseek-v4-pro", "max_tokens": 1024, "messages": MSGS]) }, [:]),
    "createEmbeddings": ({ c, _ in try await c.embeddings.create(["model": "text-embedding-v4", "input": ["one", "two"]]) }, [:]),
    "createReranks": ({ c, _ in try await c.reranks.create(["model": "qwen3-rerank", "query": "rerank?", "documents": ["a", "b", "c"], "top_n": 2]) }, [:]),
    "createImage": ({ c, _ in try await c.images.generate(["model": "wan2-7-image", "prompt": "A glass cathedral", "aspect_ratio": "16:9"]) }, [:]),
    "createVideo": ({ c, _ in try await c.videos.generate(["model": "seedance-2-0-pro", "prompt": "Rain at dusk", "duration": 8]) }, [:]),
    "listGenerationTemplates": ({ c, _ in try await c.templates.list() }, [:]),
    "getGenerationTemplate": ({ c, _ in try await c.templates.retrieve("studio-product-shot") }, ["slug": "studio-product-shot"]),
    "listImageTemplates": ({ c, _ in try await c.images.templates.list() }, [:]),
    "getImageTemplate": ({ c, _ in try await c.images.templates.retrieve("background-swap") }, ["slug": "background-swap"]),
    "listVideoTemplates": ({ c, _ in try await c.videos.templates.list(["category": "viral"]) }, [:]),
    "getVideoTemplate": ({ c, _ in try await c.videos.templates.retrieve("baseball-stadium") }, ["slug": "baseball-stadium"]),
    "create3DGeneration": ({ c, _ in try await c.threeD.generate(["model": "trellis-2-4b", "image_url": "https://example.com/p.png", "seed": 42]) }, [:]),
    "createSpeech": ({ c, _ in try await c.audio.speech.create(["model": "gemini-2-5-flash-tts", "input": "Hello.", "voice": "Charon", "output_format": "WAV"]) }, [:]),
    "createSpeechStream": ({ c, _ in try await collect(c.audio.speech.stream(["model": "tts-1-5-mini", "input": "Hello.", "voice": "Sarah", "output_format": "PCM"])) }, [:]),
    "listVoices": ({ c, _ in try await c.voices.list() }, [:]),
    "createAudioGeneration": ({ c, _ in try await c.audio.generations.create(["model": "stable-audio-2-5", "prompt": "Lo-fi", "duration": 60]) }, [:]),
    "createTranscription": ({ c, _ in try await c.audio.transcriptions.create(file: wav, params: ["model": "openai-whisper-1"]) }, [:]),
    "createSearch": ({ c, _ in try await c.search.create(["model": "tavily-search", "query": "CRDT papers", "search_depth": "advanced"]) }, [:]),
    "createResearch": ({ c, _ in try await c.research.create(["model": "tavily-research", "query": "Fed sentiment"]) }, [:]),
    "createAnswer": ({ c, _ in try await c.answer.create(["model": "exa-answer", "query": "Last US eclipse?"]) }, [:]),
    "runAgent": ({ c, _ in try await collect(c.agents.run(["model": "manus", "input": "Write a memo."])) }, [:]),
    "getAgentTask": ({ c, s in try await c.agents.retrieve(s.task) }, ["task_id": "{task}"]),
    "listAgentMessages": ({ c, s in try await c.agents.messages(s.task) }, ["task_id": "{task}"]),
    "stopAgentTask": ({ c, s in try await c.agents.stop(s.task) }, ["task_id": "{task}"]),
    "analyzeImage": ({ c, _ in try await c.images.analyze(["model": "janus-pro-deepseek", "image_url": "https://example.com/p.jpg", "question": "Subject?"]) }, [:]),
    "createDetection": ({ c, _ in try await c.detect.create(["model": "gptzero", "input": "The quick brown fox.", "scan_type": "ai_detection"]) }, [:]),
    "retrieveAccountUsage": ({ c, _ in try await c.account.usage.retrieve() }, [:]),
    "listPlaygroundConversations": ({ c, _ in
        var it = c.playground.conversations.list(["limit": 10]).makeAsyncIterator()
        return try await it.next() as Any
    }, [:]),
    "retrievePlaygroundConversation": ({ c, _ in try await c.playground.conversations.retrieve("conv_0001") }, ["conversation_id": "conv_0001"]),
    "listJobs": ({ c, _ in try await c.jobs.list() }, [:]),
    "retrieveJob": ({ c, s in try await c.jobs.retrieve(s.job) }, ["job_id": "{job}"]),
    "cancelJob": ({ c, s in try await c.jobs.cancel(s.job) }, ["job_id": "{job}"]),
    "listGpuTypes": ({ c, _ in try await c.gpu.catalog.list() }, [:]),
    "getGpuType": ({ c, _ in try await c.gpu.catalog.retrieve("h100-nvl") }, ["slug": "h100-nvl"]),
    "listGpuInstances": ({ c, _ in try await c.gpu.instances.list() }, [:]),
    "deployGpuInstance": ({ c, _ in try await c.gpu.instances.create(gpuBody, options: FAST) }, [:]),
    "getGpuInstance": ({ c, s in try await c.gpu.instances.retrieve(s.gpu) }, ["instance_id": "{gpu}"]),
    "destroyGpuInstance": ({ c, s in try await c.gpu.instances.delete(s.gpu) }, ["instance_id": "{gpu}"]),
    "actionGpuInstance": ({ c, s in try await c.gpu.instances.stop(s.gpu) }, ["instance_id": "{gpu}", "action": "stop"]),
    "connectGpuInstance": ({ c, s in try await c.gpu.connect(s.gpu).chat.completions.create(["model": "Qwen/Qwen2.5-7B-Instruct", "messages": MSGS]) },
                           ["instance_id": "{gpu}", "path": "v1/chat/completions", "method": "POST"]),
    "hostedAgentsHealth": ({ c, _ in try await c.hostedAgents.health() }, [:]),
    "getHostedAgentsConfig": ({ c, _ in try await c.hostedAgents.config() }, [:]),
    "listHostedAgentInstances": ({ c, _ in try await c.hostedAgents.instances.list() }, [:]),
    "createHostedAgentInstance": ({ c, _ in try await c.hostedAgents.instances.create(["agent_type": "hermes", "name": "Hermes Helper"], options: FAST) }, [:]),
    "getHostedAgentInstance": ({ c, s in try await c.hostedAgents.instances.retrieve(s.agent) }, ["instance_id": "{agent}"]),
    "destroyHostedAgentInstance": ({ c, s in try await c.hostedAgents.instances.delete(s.agent) }, ["instance_id": "{agent}"]),
    "renameHostedAgentInstance": ({ c, s in try await c.hostedAgents.instances.rename(s.agent, name: "Support Bot") }, ["instance_id": "{agent}"]),
    "actionHostedAgentInstance": ({ c, s in try await c.hostedAgents.instances.restart(s.agent) }, ["instance_id": "{agent}", "action": "restart"]),
    "messageHostedAgentInstance": ({ c, s in try await c.hostedAgents.instances.message(s.agent, params: ["messages": MSGS]) }, ["instance_id": "{agent}"]),
    "listHostedAgentIntegrations": ({ c, s in try await c.hostedAgents.instances.integrations.list(s.agent) }, ["instance_id": "{agent}"]),
    "saveHostedAgentIntegration": ({ c, s in try await c.hostedAgents.instances.integrations.save(s.agent, params: [
        "kind": "telegram", "secret": "123456:telegram-bot-token", "config": ["allow_groups": false]]) }, ["instance_id": "{agent}"]),
    "disconnectHostedAgentIntegration": ({ c, s in try await c.hostedAgents.instances.integrations.disconnect(s.agent, kind: "telegram") },
                                         ["instance_id": "{agent}", "kind": "telegram"]),
    "setHostedAgentIntegrationBehavior": ({ c, s in try await c.hostedAgents.instances.integrations.setBehavior(s.agent, kind: "telegram",
        params: ["behavior": ["streaming": true, "reaction_level": "ack"]]) }, ["instance_id": "{agent}", "kind": "telegram"]),
    "setHostedAgentModel": ({ c, s in try await c.hostedAgents.instances.setModel(s.agent, params: ["provider": "empirio", "model": "deepseek-v4-pro"]) },
                            ["instance_id": "{agent}"]),
    "setHostedAgentAccess": ({ c, s in try await c.hostedAgents.instances.setAccess(s.agent, params: ["mode": "restricted", "kind": "telegram",
        "allow": ["telegram": ["123456"]]]) }, ["instance_id": "{agent}"]),
    "listHostedAgentSkills": ({ c, s in try await c.hostedAgents.instances.skills.list(s.agent) }, ["instance_id": "{agent}"]),
    "addHostedAgentSkill": ({ c, s in try await c.hostedAgents.instances.skills.add(s.agent, params: ["slug": "clawhub:github"]) }, ["instance_id": "{agent}"]),
    "removeHostedAgentSkill": ({ c, s in try await c.hostedAgents.instances.skills.remove(s.agent, slug: "clawhub:web-search") }, ["instance_id": "{agent}"]),
    "listHostedAgentMcp": ({ c, s in try await c.hostedAgents.instances.mcp.list(s.agent) }, ["instance_id": "{agent}"]),
    "addHostedAgentMcp": ({ c, s in try await c.hostedAgents.instances.mcp.add(s.agent, params: ["name": "notion", "url": "https://mcp.notion.com/mcp",
        "transport": "streamable-http"]) }, ["instance_id": "{agent}"]),
    "removeHostedAgentMcp": ({ c, s in try await c.hostedAgents.instances.mcp.remove(s.agent, name: "linear") }, ["instance_id": "{agent}"]),
]

private let bodyless: Set<String> = ["stopAgentTask", "actionGpuInstance", "actionHostedAgentInstance"]
private let expectedQuery: [String: [String: String]] = [
    "listVideoTemplates": ["category": "viral"], "listPlaygroundConversations": ["limit": "10"],
    "removeHostedAgentSkill": ["slug": "clawhub:web-search"], "removeHostedAgentMcp": ["name": "linear"],
]

/// Every operation of the gateway through the Swift surface: the mock's log must show its own method and path.
final class OperationsTests: XCTestCase {
    func testTheTableCoversEveryOperation() {
        let native = Set(operations().map { $0.id })
        XCTAssertEqual(native.count, 66)
        XCTAssertEqual(native.subtracting(OPS.keys), [], "operations without a row")
        XCTAssertEqual(Set(OPS.keys).subtracting(native), [], "rows that are not operations")
    }

    func testEveryOperationReachesItsMethodAndPath() async throws {
        let m = Mock.shared
        let table = Dictionary(uniqueKeysWithValues: operations().map { ($0.id, ($0.method, $0.path)) })
        for op in OPS.keys.sorted() {
            try await m.reset()
            let s = try await State.make()
            let seq = try await m.lastSeq()
            let client = try m.client()
            _ = try await OPS[op]!.call(client, s)
            var (method, path) = table[op]!
            var params = OPS[op]!.path
            if let override = params.removeValue(forKey: "method") { method = override }
            for (k, v) in params {
                let value = v.replacingOccurrences(of: "{task}", with: s.task).replacingOccurrences(of: "{job}", with: s.job)
                    .replacingOccurrences(of: "{gpu}", with: s.gpu).replacingOccurrences(of: "{agent}", with: s.agent)
                path = path.replacingOccurrences(of: "{\(k)}", with: value)
            }
            let own = try await m.since(seq).filter { $0.str("method") == method && $0.str("path") == path }
            XCTAssertFalse(own.isEmpty, "\(op): no \(method) \(path)")
            guard let first = own.first else { continue }
            XCTAssertLessThan(first.int("status") ?? 999, 300, "\(op)")
            let headers = first.obj("headers") ?? [:]
            if method == "GET" || method == "DELETE" || bodyless.contains(op) {
                XCTAssertTrue(first["body"]?.isNull ?? true, "\(op) sent a body")
                XCTAssertNil(headers["content-type"], "\(op) sent a content type")
            }
            for (k, v) in expectedQuery[op] ?? [:] {
                let q = first.obj("query")?[k]
                XCTAssertTrue(q == .string(v) || q?[0] == .string(v), "\(op) query \(k): \(String(describing: q))")
            }
            XCTAssertTrue(headers.str("user-agent")?.hasPrefix("empiriolabs-swift/") ?? false, "\(op): \(String(describing: headers["user-agent"]))")
        }
    }
}
