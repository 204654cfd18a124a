"""Every operation of the gateway, called through the public surface of both clients: the mock's
log must show the operation's own method and path."""

from __future__ import annotations

import asyncio
import inspect
import re

import pytest
import yaml

import empiriolabs
from empiriolabs import _native
from empiriolabs._pagination import AsyncPager, SyncPager
from support import CHAT, MSGS, State, last_seq, since
from mock_process import SPEC, spec_operations

WAV = ("meeting.wav", bytes(i % 251 for i in range(64000)), "audio/wav")
GPU = {"gpu_slug": "rtx-4090", "mode": "model", "hf_id": "Qwen/Qwen2.5-7B-Instruct", "name": "qwen-7b", "disk_gb": 150}
AGENT = {"agent_type": "hermes", "name": "Hermes Helper"}
FAST = {"x-mock-job-ms": "0"}

# operationId -> (call(client, state), path parameters; "{task}" etc. name a `State` attribute).
OPS = {
    "listModels": (lambda c, s: c.models.list(), {}),
    "retrieveModel": (lambda c, s: c.models.retrieve("wan2-7-image"), {"model_id": "wan2-7-image"}),
    "createChatCompletion": (lambda c, s: c.chat.completions.create(**CHAT, temperature=0.7), {}),
    "createCompletion": (lambda c, s: c.completions.create(model="qwen3-5-9b", prompt="Write one sentence.", max_tokens=64), {}),
    "createResponse": (lambda c, s: c.responses.create(model="deepseek-v4-pro", instructions="Be brief.", input="Vector clocks?"), {}),
    "createMessage": (lambda c, s: c.messages.create(model="deepseek-v4-pro", max_tokens=1024, messages=MSGS), {}),
    "createEmbeddings": (lambda c, s: c.embeddings.create(model="text-embedding-v4", input=["one", "two"]), {}),
    "createReranks": (lambda c, s: c.reranks.create(model="qwen3-rerank", query="rerank?", documents=["a", "b", "c"], top_n=2), {}),
    "createImage": (lambda c, s: c.images.generate(model="wan2-7-image", prompt="A glass cathedral", aspect_ratio="16:9"), {}),
    "createVideo": (lambda c, s: c.videos.generate(model="seedance-2-0-pro", prompt="Rain at dusk", duration=8), {}),
    "listGenerationTemplates": (lambda c, s: c.templates.list(), {}),
    "getGenerationTemplate": (lambda c, s: c.templates.retrieve("studio-product-shot"), {"slug": "studio-product-shot"}),
    "listImageTemplates": (lambda c, s: c.images.templates.list(), {}),
    "getImageTemplate": (lambda c, s: c.images.templates.retrieve("background-swap"), {"slug": "background-swap"}),
    "listVideoTemplates": (lambda c, s: c.videos.templates.list(category="viral"), {}),
    "getVideoTemplate": (lambda c, s: c.videos.templates.retrieve("baseball-stadium"), {"slug": "baseball-stadium"}),
    "create3DGeneration": (lambda c, s: c.three_d.generate(model="trellis-2-4b", image_url="https://example.com/p.png", seed=42), {}),
    "createSpeech": (lambda c, s: c.audio.speech.create(model="gemini-2-5-flash-tts", input="Hello.", voice="Charon",
                                                        output_format="WAV"), {}),
    "createSpeechStream": (lambda c, s: c.audio.speech.stream(model="tts-1-5-mini", input="Hello.", voice="Sarah",
                                                              output_format="PCM"), {}),
    "listVoices": (lambda c, s: c.voices.list(), {}),
    "createAudioGeneration": (lambda c, s: c.audio.generations.create(model="stable-audio-2-5", prompt="Lo-fi", duration=60), {}),
    "createTranscription": (lambda c, s: c.audio.transcriptions.create(file=WAV, model="openai-whisper-1"), {}),
    "createSearch": (lambda c, s: c.search.create(model="tavily-search", query="CRDT papers", search_depth="advanced"), {}),
    "createResearch": (lambda c, s: c.research.create(model="tavily-research", query="Fed sentiment"), {}),
    "createAnswer": (lambda c, s: c.answer.create(model="exa-answer", query="Last US eclipse?"), {}),
    "runAgent": (lambda c, s: c.agents.run(model="manus", input="Write a memo."), {}),
    "getAgentTask": (lambda c, s: c.agents.retrieve(s.task), {"task_id": "{task}"}),
    "listAgentMessages": (lambda c, s: c.agents.messages(s.task), {"task_id": "{task}"}),
    "stopAgentTask": (lambda c, s: c.agents.stop(s.task), {"task_id": "{task}"}),
    "analyzeImage": (lambda c, s: c.images.analyze(model="janus-pro-deepseek", image_url="https://example.com/p.jpg",
                                                   question="Subject?"), {}),
    "createDetection": (lambda c, s: c.detect.create(model="gptzero", input="The quick brown fox.", scan_type="ai_detection"), {}),
    "retrieveAccountUsage": (lambda c, s: c.account.usage.retrieve(), {}),
    "listPlaygroundConversations": (lambda c, s: c.playground.conversations.list(limit=10), {}),
    "retrievePlaygroundConversation": (lambda c, s: c.playground.conversations.retrieve("conv_0001"), {"conversation_id": "conv_0001"}),
    "listJobs": (lambda c, s: c.jobs.list(), {}),
    "retrieveJob": (lambda c, s: c.jobs.retrieve(s.job), {"job_id": "{job}"}),
    "cancelJob": (lambda c, s: c.jobs.cancel(s.job), {"job_id": "{job}"}),
    "listGpuTypes": (lambda c, s: c.gpu.catalog.list(), {}),
    "getGpuType": (lambda c, s: c.gpu.catalog.retrieve("h100-nvl"), {"slug": "h100-nvl"}),
    "listGpuInstances": (lambda c, s: c.gpu.instances.list(), {}),
    "deployGpuInstance": (lambda c, s: c.gpu.instances.create(**GPU, extra_headers=FAST), {}),
    "getGpuInstance": (lambda c, s: c.gpu.instances.retrieve(s.gpu), {"instance_id": "{gpu}"}),
    "destroyGpuInstance": (lambda c, s: c.gpu.instances.delete(s.gpu), {"instance_id": "{gpu}"}),
    "actionGpuInstance": (lambda c, s: c.gpu.instances.stop(s.gpu), {"instance_id": "{gpu}", "action": "stop"}),
    # The one operation that takes any method: a POST to the vLLM server on the instance.
    "connectGpuInstance": (lambda c, s: c.gpu.connect(s.gpu).chat.completions.create(model="Qwen/Qwen2.5-7B-Instruct", messages=MSGS),
                           {"instance_id": "{gpu}", "path": "v1/chat/completions", "method": "POST"}),
    "hostedAgentsHealth": (lambda c, s: c.hosted_agents.health(), {}),
    "getHostedAgentsConfig": (lambda c, s: c.hosted_agents.config(), {}),
    "listHostedAgentInstances": (lambda c, s: c.hosted_agents.instances.list(), {}),
    "createHostedAgentInstance": (lambda c, s: c.hosted_agents.instances.create(**AGENT, extra_headers=FAST), {}),
    "getHostedAgentInstance": (lambda c, s: c.hosted_agents.instances.retrieve(s.agent), {"instance_id": "{agent}"}),
    "destroyHostedAgentInstance": (lambda c, s: c.hosted_agents.instances.delete(s.agent), {"instance_id": "{agent}"}),
    "renameHostedAgentInstance": (lambda c, s: c.hosted_agents.instances.rename(s.agent, "Support Bot"), {"instance_id": "{agent}"}),
    "actionHostedAgentInstance": (lambda c, s: c.hosted_agents.instances.restart(s.agent), {"instance_id": "{agent}", "action": "restart"}),
    "messageHostedAgentInstance": (lambda c, s: c.hosted_agents.instances.message(s.agent, messages=MSGS), {"instance_id": "{agent}"}),
    "listHostedAgentIntegrations": (lambda c, s: c.hosted_agents.instances.integrations.list(s.agent), {"instance_id": "{agent}"}),
    "saveHostedAgentIntegration": (lambda c, s: c.hosted_agents.instances.integrations.save(
        s.agent, kind="telegram", secret="123456:telegram-bot-token", config={"allow_groups": False}), {"instance_id": "{agent}"}),
    "disconnectHostedAgentIntegration": (lambda c, s: c.hosted_agents.instances.integrations.disconnect(s.agent, "telegram"),
                                         {"instance_id": "{agent}", "kind": "telegram"}),
    "setHostedAgentIntegrationBehavior": (lambda c, s: c.hosted_agents.instances.integrations.set_behavior(
        s.agent, "telegram", behavior={"streaming": True, "reaction_level": "ack"}), {"instance_id": "{agent}", "kind": "telegram"}),
    "setHostedAgentModel": (lambda c, s: c.hosted_agents.instances.set_model(s.agent, provider="empirio", model="deepseek-v4-pro"),
                            {"instance_id": "{agent}"}),
    "setHostedAgentAccess": (lambda c, s: c.hosted_agents.instances.set_access(
        s.agent, mode="restricted", kind="telegram", allow={"telegram": ["123456"]}), {"instance_id": "{agent}"}),
    "listHostedAgentSkills": (lambda c, s: c.hosted_agents.instances.skills.list(s.agent), {"instance_id": "{agent}"}),
    "addHostedAgentSkill": (lambda c, s: c.hosted_agents.instances.skills.add(s.agent, slug="clawhub:github"), {"instance_id": "{agent}"}),
    "removeHostedAgentSkill": (lambda c, s: c.hosted_agents.instances.skills.remove(s.agent, "clawhub:web-search"),
                               {"instance_id": "{agent}"}),
    "listHostedAgentMcp": (lambda c, s: c.hosted_agents.instances.mcp.list(s.agent), {"instance_id": "{agent}"}),
    "addHostedAgentMcp": (lambda c, s: c.hosted_agents.instances.mcp.add(s.agent, name="notion", url="https://mcp.notion.com/mcp",
                                                                          transport="streamable-http"), {"instance_id": "{agent}"}),
    "removeHostedAgentMcp": (lambda c, s: c.hosted_agents.instances.mcp.remove(s.agent, "linear"), {"instance_id": "{agent}"}),
}

NATIVE = {op: (method, path) for op, method, path in _native.operations()}
# POSTs that take no body, and must send none.
BODYLESS = {"stopAgentTask", "actionGpuInstance", "actionHostedAgentInstance"}
# The query each call must carry, where the operation takes its arguments there.
QUERY = {"listVideoTemplates": {"category": "viral"}, "listPlaygroundConversations": {"limit": "10"},
         "removeHostedAgentSkill": {"slug": "clawhub:web-search"}, "removeHostedAgentMcp": {"name": "linear"}}


def test_the_table_covers_every_operation():
    with open(SPEC) as f:
        spec = {op for op, _, _ in spec_operations(yaml.safe_load(f))}
    assert len(NATIVE) == 66 and set(NATIVE) == spec
    assert sorted(set(NATIVE) - set(OPS)) == [], "operations without an entry in OPS"
    assert sorted(set(OPS) - set(NATIVE)) == [], "entries in OPS that are not operations"


def expected(op: str, state: State) -> tuple[str, str]:
    method, template = NATIVE[op]
    params = dict(OPS[op][1])
    method = params.pop("method", method)
    values = {k: v.format(**vars(state)) for k, v in params.items()}
    path = re.sub(r"\{(\w+)\}", lambda m: values.pop(m.group(1)), template)
    assert not values, f"unused path parameters {values}"
    return method, path


def check_log(mock, op: str, state: State, seq: int, result) -> None:
    method, path = expected(op, state)
    own = [e for e in since(mock, seq) if (e["method"], e["path"]) == (method, path)]
    assert own, f"{op}: no {method} {path} in {[(e['method'], e['path']) for e in since(mock, seq)]}"
    assert own[0]["status"] < 300, own[0]
    if method in ("GET", "DELETE") or op in BODYLESS:
        assert own[0]["body"] is None and "content-type" not in own[0]["headers"], own[0]
    for k, v in QUERY.get(op, {}).items():
        assert own[0]["query"].get(k) in (v, [v]), own[0]["query"]
    assert result is not None


def consume(result):
    if isinstance(result, SyncPager):
        return next(iter(result))
    if isinstance(result, empiriolabs.Stream):
        return [e for e in result]
    return result


async def aconsume(result):
    if inspect.isawaitable(result):
        result = await result
    if isinstance(result, AsyncPager):
        async for item in result:
            return item
    if isinstance(result, empiriolabs.AsyncStream):
        return [e async for e in result]
    return result


@pytest.mark.parametrize("op", sorted(OPS))
def test_operation_sync(op, mock, client):
    state = State(mock)
    seq = last_seq(mock)
    result = consume(OPS[op][0](client, state))
    check_log(mock, op, state, seq, result)


@pytest.mark.parametrize("op", sorted(OPS))
def test_operation_async(op, mock, aclient):
    state = State(mock)
    seq = last_seq(mock)
    result = asyncio.run(aconsume(OPS[op][0](aclient, state)))
    assert not inspect.isawaitable(result)
    check_log(mock, op, state, seq, result)
