// Every operation of the gateway, called through the package's public surface: the mock's log
// must show the operation's own method and path, a 2xx, no body where none belongs, and the
// query the operation takes its arguments in.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MSGS, ROOT, load, useMock } from './support.mjs';

const el = await load();
const native = createRequire(import.meta.url)(path.join(ROOT, 'bindings-node', 'dist', 'native', 'index.js'));
const m = useMock();
const WAV = () => el.toFile(Buffer.from(Array.from({ length: 64000 }, (_, i) => i % 251)), 'meeting.wav', { type: 'audio/wav' });
const GPU = { gpu_slug: 'rtx-4090', mode: 'model', hf_id: 'Qwen/Qwen2.5-7B-Instruct', name: 'qwen-7b', disk_gb: 150 };
const AGENT = { agent_type: 'hermes', name: 'Hermes Helper' };
const FAST = { headers: { 'x-mock-job-ms': '0' } };
const CHAT = { model: 'deepseek-v4-pro', messages: MSGS, temperature: 0.7 };

async function raw(method, p, body, headers = {}) {
  const r = await fetch(m.mock.url + p, {
    method,
    headers: { authorization: `Bearer ${m.mock.apiKey}`, 'content-type': 'application/json', ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.status < 300, text);
  return JSON.parse(text);
}

/** Everything the table needs to exist: an agent task, a job, a GPU instance, a hosted agent with an integration, a skill and an MCP server. */
async function state() {
  const slow = { 'x-mock-job-ms': '60000' };
  const s = {};
  s.task = (await raw('POST', '/v1/agents/run', { model: 'manus', input: 'memo', stream: false }, { ...slow, 'x-mock-max-wait-ms': '0' })).task_id;
  s.job = (await raw('POST', '/v1/videos/generations', { model: 'seedance-2-0-pro', prompt: 'boat', duration: 5 }, slow)).job_id;
  s.gpu = (await raw('POST', '/v1/gpu/instances', GPU, { 'x-mock-job-ms': '0' })).instance.id;
  s.agent = (await raw('POST', '/v1/hosted-agents/instances', { agent_type: 'openclaw', name: 'OpenClaw', plan_slug: 'hosted-agent-basic', default_model: 'qwen3-7-plus' }, { 'x-mock-job-ms': '0' })).instance.id;
  const base = `/v1/hosted-agents/instances/${s.agent}`;
  await raw('POST', `${base}/integrations`, { kind: 'telegram', secret: '123456:telegram-bot-token' });
  await raw('POST', `${base}/skills`, { slug: 'clawhub:web-search' });
  await raw('POST', `${base}/mcp`, { name: 'linear', url: 'https://mcp.linear.app/mcp', transport: 'streamable-http' });
  return s;
}

// operationId -> [call(client, state), path parameters ("{task}" names a state field)].
const OPS = {
  listModels: [(c) => c.models.list(), {}],
  retrieveModel: [(c) => c.models.retrieve('wan2-7-image'), { model_id: 'wan2-7-image' }],
  createChatCompletion: [(c) => c.chat.completions.create(CHAT), {}],
  createCompletion: [(c) => c.completions.create({ model: 'qwen3-5-9b', prompt: 'Write one sentence.', max_tokens: 64 }), {}],
  createResponse: [(c) => c.responses.create({ model: 'deepseek-v4-pro', instructions: 'Be brief.', input: 'Vector clocks?' }), {}],
  createMessage: [(c) => c.messages.create({ model: 'deepseek-v4-pro', max_tokens: 1024, messages: MSGS }), {}],
  createEmbeddings: [(c) => c.embeddings.create({ model: 'text-embedding-v4', input: ['one', 'two'] }), {}],
  createReranks: [(c) => c.reranks.create({ model: 'qwen3-rerank', query: 'rerank?', documents: ['a', 'b', 'c'], top_n: 2 }), {}],
  createImage: [(c) => c.images.generate({ model: 'wan2-7-image', prompt: 'A glass cathedral', aspect_ratio: '16:9' }), {}],
  createVideo: [(c) => c.videos.generate({ model: 'seedance-2-0-pro', prompt: 'Rain at dusk', duration: 8 }), {}],
  listGenerationTemplates: [(c) => c.templates.list(), {}],
  getGenerationTemplate: [(c) => c.templates.retrieve('studio-product-shot'), { slug: 'studio-product-shot' }],
  listImageTemplates: [(c) => c.images.templates.list(), {}],
  getImageTemplate: [(c) => c.images.templates.retrieve('background-swap'), { slug: 'background-swap' }],
  listVideoTemplates: [(c) => c.videos.templates.list({ category: 'viral' }), {}],
  getVideoTemplate: [(c) => c.videos.templates.retrieve('baseball-stadium'), { slug: 'baseball-stadium' }],
  create3DGeneration: [(c) => c.threeD.generate({ model: 'trellis-2-4b', image_url: 'https://example.com/p.png', seed: 42 }), {}],
  createSpeech: [(c) => c.audio.speech.create({ model: 'gemini-2-5-flash-tts', input: 'Hello.', voice: 'Charon', output_format: 'WAV' }), {}],
  createSpeechStream: [(c) => c.audio.speech.stream({ model: 'tts-1-5-mini', input: 'Hello.', voice: 'Sarah', output_format: 'PCM' }), {}],
  listVoices: [(c) => c.voices.list(), {}],
  createAudioGeneration: [(c) => c.audio.generations.create({ model: 'stable-audio-2-5', prompt: 'Lo-fi', duration: 60 }), {}],
  createTranscription: [async (c) => c.audio.transcriptions.create({ file: await WAV(), model: 'openai-whisper-1' }), {}],
  createSearch: [(c) => c.search.create({ model: 'tavily-search', query: 'CRDT papers', search_depth: 'advanced' }), {}],
  createResearch: [(c) => c.research.create({ model: 'tavily-research', query: 'Fed sentiment' }), {}],
  createAnswer: [(c) => c.answer.create({ model: 'exa-answer', query: 'Last US eclipse?' }), {}],
  runAgent: [(c) => c.agents.run({ model: 'manus', input: 'Write a memo.' }), {}],
  getAgentTask: [(c, s) => c.agents.retrieve(s.task), { task_id: '{task}' }],
  listAgentMessages: [(c, s) => c.agents.messages(s.task), { task_id: '{task}' }],
  stopAgentTask: [(c, s) => c.agents.stop(s.task), { task_id: '{task}' }],
  analyzeImage: [(c) => c.images.analyze({ model: 'janus-pro-deepseek', image_url: 'https://example.com/p.jpg', question: 'Subject?' }), {}],
  createDetection: [(c) => c.detect.create({ model: 'gptzero', input: 'The quick brown fox.', scan_type: 'ai_detection' }), {}],
  retrieveAccountUsage: [(c) => c.account.usage.retrieve(), {}],
  listPlaygroundConversations: [(c) => c.playground.conversations.list({ limit: 10 }), {}],
  retrievePlaygroundConversation: [(c) => c.playground.conversations.retrieve('conv_0001'), { conversation_id: 'conv_0001' }],
  listJobs: [(c) => c.jobs.list(), {}],
  retrieveJob: [(c, s) => c.jobs.retrieve(s.job), { job_id: '{job}' }],
  cancelJob: [(c, s) => c.jobs.cancel(s.job), { job_id: '{job}' }],
  listGpuTypes: [(c) => c.gpu.catalog.list(), {}],
  getGpuType: [(c) => c.gpu.catalog.retrieve('h100-nvl'), { slug: 'h100-nvl' }],
  listGpuInstances: [(c) => c.gpu.instances.list(), {}],
  deployGpuInstance: [(c) => c.gpu.instances.create(GPU, FAST), {}],
  getGpuInstance: [(c, s) => c.gpu.instances.retrieve(s.gpu), { instance_id: '{gpu}' }],
  destroyGpuInstance: [(c, s) => c.gpu.instances.delete(s.gpu), { instance_id: '{gpu}' }],
  actionGpuInstance: [(c, s) => c.gpu.instances.stop(s.gpu), { instance_id: '{gpu}', action: 'stop' }],
  // The one operation that takes any method: a POST to the vLLM server on the instance.
  connectGpuInstance: [(c, s) => c.gpu.connect(s.gpu).chat.completions.create({ model: 'Qwen/Qwen2.5-7B-Instruct', messages: MSGS }), { instance_id: '{gpu}', path: 'v1/chat/completions', method: 'POST' }],
  hostedAgentsHealth: [(c) => c.hostedAgents.health(), {}],
  getHostedAgentsConfig: [(c) => c.hostedAgents.config(), {}],
  listHostedAgentInstances: [(c) => c.hostedAgents.instances.list(), {}],
  createHostedAgentInstance: [(c) => c.hostedAgents.instances.create(AGENT, FAST), {}],
  getHostedAgentInstance: [(c, s) => c.hostedAgents.instances.retrieve(s.agent), { instance_id: '{agent}' }],
  destroyHostedAgentInstance: [(c, s) => c.hostedAgents.instances.delete(s.agent), { instance_id: '{agent}' }],
  renameHostedAgentInstance: [(c, s) => c.hostedAgents.instances.rename(s.agent, 'Support Bot'), { instance_id: '{agent}' }],
  actionHostedAgentInstance: [(c, s) => c.hostedAgents.instances.restart(s.agent), { instance_id: '{agent}', action: 'restart' }],
  messageHostedAgentInstance: [(c, s) => c.hostedAgents.instances.message(s.agent, { messages: MSGS }), { instance_id: '{agent}' }],
  listHostedAgentIntegrations: [(c, s) => c.hostedAgents.instances.integrations.list(s.agent), { instance_id: '{agent}' }],
  saveHostedAgentIntegration: [(c, s) => c.hostedAgents.instances.integrations.save(s.agent, { kind: 'telegram', secret: '123456:telegram-bot-token', config: { allow_groups: false } }), { instance_id: '{agent}' }],
  disconnectHostedAgentIntegration: [(c, s) => c.hostedAgents.instances.integrations.disconnect(s.agent, 'telegram'), { instance_id: '{agent}', kind: 'telegram' }],
  setHostedAgentIntegrationBehavior: [(c, s) => c.hostedAgents.instances.integrations.setBehavior(s.agent, 'telegram', { behavior: { streaming: true, reaction_level: 'ack' } }), { instance_id: '{agent}', kind: 'telegram' }],
  setHostedAgentModel: [(c, s) => c.hostedAgents.instances.setModel(s.agent, { provider: 'empirio', model: 'deepseek-v4-pro' }), { instance_id: '{agent}' }],
  setHostedAgentAccess: [(c, s) => c.hostedAgents.instances.setAccess(s.agent, { mode: 'restricted', kind: 'telegram', allow: { telegram: ['123456'] } }), { instance_id: '{agent}' }],
  listHostedAgentSkills: [(c, s) => c.hostedAgents.instances.skills.list(s.agent), { instance_id: '{agent}' }],
  addHostedAgentSkill: [(c, s) => c.hostedAgents.instances.skills.add(s.agent, { slug: 'clawhub:github' }), { instance_id: '{agent}' }],
  removeHostedAgentSkill: [(c, s) => c.hostedAgents.instances.skills.remove(s.agent, 'clawhub:web-search'), { instance_id: '{agent}' }],
  listHostedAgentMcp: [(c, s) => c.hostedAgents.instances.mcp.list(s.agent), { instance_id: '{agent}' }],
  addHostedAgentMcp: [(c, s) => c.hostedAgents.instances.mcp.add(s.agent, { name: 'notion', url: 'https://mcp.notion.com/mcp', transport: 'streamable-http' }), { instance_id: '{agent}' }],
  removeHostedAgentMcp: [(c, s) => c.hostedAgents.instances.mcp.remove(s.agent, 'linear'), { instance_id: '{agent}' }],
};

const NATIVE = Object.fromEntries(native.operations().map(([id, method, p]) => [id, [method, p]]));
// POSTs that take no body, and must send none.
const BODYLESS = new Set(['stopAgentTask', 'actionGpuInstance', 'actionHostedAgentInstance']);
// The query each call must carry, where the operation takes its arguments there.
const QUERY = { listVideoTemplates: { category: 'viral' }, listPlaygroundConversations: { limit: '10' }, removeHostedAgentSkill: { slug: 'clawhub:web-search' }, removeHostedAgentMcp: { name: 'linear' } };

test('the table below covers every operation', () => {
  assert.equal(Object.keys(NATIVE).length, 66);
  assert.deepEqual(Object.keys(NATIVE).filter((op) => !(op in OPS)), []);
  assert.deepEqual(Object.keys(OPS).filter((op) => !(op in NATIVE)), []);
});

async function consume(result) {
  if (result instanceof el.Stream) {
    const out = [];
    for await (const e of result) out.push(e);
    return out;
  }
  if (result instanceof el.Page) return result.data;
  return result;
}

const client = () => new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url });
beforeEach(() => m.mock.reset());

for (const op of Object.keys(OPS).sort()) {
  test(op, async () => {
    const s = await state();
    const seq = await m.mock.lastSeq();
    const result = await consume(await OPS[op][0](client(), s));
    assert.ok(result != null);
    const params = { ...OPS[op][1] };
    let [method, template] = NATIVE[op];
    if (params.method) {
      method = params.method;
      delete params.method;
    }
    const values = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.replace(/\{(\w+)\}/g, (_, n) => s[n])]));
    const want = template.replace(/\{(\w+)\}/g, (_, n) => values[n]);
    const own = (await m.mock.since(seq)).filter((e) => e.method === method && e.path === want);
    assert.ok(own.length, `${op}: no ${method} ${want}`);
    assert.ok(own[0].status < 300, JSON.stringify(own[0]));
    if (method === 'GET' || method === 'DELETE' || BODYLESS.has(op)) {
      assert.equal(own[0].body, null);
      assert.ok(!('content-type' in own[0].headers));
    }
    for (const [k, v] of Object.entries(QUERY[op] ?? {})) assert.deepEqual(own[0].query[k], [v]);
  });
}
