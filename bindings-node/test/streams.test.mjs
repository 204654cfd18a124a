// Every stream type of the gateway read to its end through the package, the helpers on a
// stream, and the ways a stream is closed early (each closes the connection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAT, HELLO, LONG, MSGS, collect, load, streamRecord, useMock } from './support.mjs';

const el = await load();
const m = useMock();
const client = () => new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url });
const SPEECH = { model: 'tts-1-5-mini', input: 'Hello there.', voice: 'Sarah', output_format: 'PCM', sample_rate: '24000' };

test('chat: every chunk, then the terminator; the request streams', async () => {
  const s = await client().chat.completions.create({ ...CHAT, stream: true });
  assert.ok(s instanceof el.Stream);
  assert.match(s.requestID, /^req_/);
  const chunks = await collect(s);
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  assert.equal(chunks.filter((c) => c.choices?.length).map((c) => c.choices[0].delta.content ?? '').join(''), HELLO);
  const entry = (await m.mock.requests({ path: '/v1/chat/completions' })).at(-1);
  assert.equal(entry.headers.accept, 'text/event-stream');
  assert.equal(entry.body.stream, true);
  assert.equal((await streamRecord(m.mock, '/v1/chat/completions', 'completed')).completed, true);
});

test('chat: multi-byte UTF-8 reads back exactly, in many batches and in one', async () => {
  const said = 'Grüße aus Köln — 日本語 🎉 ok';
  const body = { ...CHAT, messages: [{ role: 'user', content: said }], stream: true };
  for (const tokens of ['2000', undefined]) {
    const headers = tokens ? { 'x-mock-stream-tokens': tokens } : {};
    const s = await client().chat.completions.create(body, { headers });
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
    const reply = await client().chat.completions.create({ ...body, stream: false }, { headers });
    assert.equal(text, reply.choices[0].message.content);
    assert.ok(text.includes('日本語 🎉'), text.slice(0, 120));
  }
});

test('chat.completions.stream(): content events, the final completion, iteration', async () => {
  const s = client().chat.completions.stream(CHAT);
  assert.ok(s instanceof el.ChatCompletionStream);
  const deltas = [];
  let snapshot = '';
  let ended = false;
  s.on('content', (delta, snap) => {
    deltas.push(delta);
    snapshot = snap;
  });
  s.on('end', () => (ended = true));
  const final = await s.finalChatCompletion();
  assert.equal(final.object, 'chat.completion');
  assert.equal(final.choices[0].message.content, HELLO);
  assert.equal(deltas.join(''), HELLO);
  assert.equal(snapshot, HELLO);
  assert.equal(await s.finalContent(), HELLO);
  assert.equal((await s.finalMessage()).role, 'assistant');
  assert.ok(ended);
  const chunks = await collect(client().chat.completions.stream(CHAT));
  assert.ok(chunks.length > 1 && chunks.every((c) => c.object === 'chat.completion.chunk'));
});

test('chat.completions.stream(): content and tool-call delta/done events, as openai-node emits them', async () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
  const s = client().chat.completions.stream({ ...CHAT, tools });
  const deltas = [];
  const dones = [];
  s.on('tool_calls.function.arguments.delta', (e) => deltas.push(e));
  s.on('tool_calls.function.arguments.done', (e) => dones.push(e));
  const call = (await s.finalChatCompletion()).choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'get_weather');
  assert.ok(deltas.length > 1, 'the arguments arrive in pieces');
  assert.equal(deltas.map((d) => d.arguments_delta).join(''), call.function.arguments);
  assert.ok(deltas.every((d) => d.name === 'get_weather' && d.index === 0));
  assert.equal(deltas.at(-1).arguments, call.function.arguments);
  assert.deepEqual(dones, [{ name: 'get_weather', index: 0, arguments: call.function.arguments, parsed_arguments: JSON.parse(call.function.arguments) }]);

  const t = client().chat.completions.stream(CHAT);
  const pieces = [];
  const done = [];
  t.on('content.delta', (e) => pieces.push(e));
  t.on('content.done', (e) => done.push(e));
  assert.equal(await t.finalContent(), HELLO);
  assert.equal(pieces.map((e) => e.delta).join(''), HELLO);
  assert.equal(pieces.at(-1).snapshot, HELLO);
  assert.deepEqual(done, [{ content: HELLO, parsed: null }]);
});

test("messages.stream(): on('text' | 'message' | 'end'), finalMessage(), finalText()", async () => {
  const s = client().messages.stream({ model: 'deepseek-v4-pro', max_tokens: 100, messages: MSGS });
  assert.ok(s instanceof el.MessageStream);
  const seen = [];
  s.on('text', (delta) => seen.push(['text', delta]))
    .on('message', (m) => seen.push(['message', m.type]))
    .on('end', () => seen.push(['end']));
  const message = await s.finalMessage();
  assert.equal(message.content[0].text, HELLO);
  assert.equal(await s.finalText(), HELLO);
  assert.equal(seen.filter(([k]) => k === 'text').map(([, t]) => t).join(''), HELLO);
  assert.deepEqual(seen.slice(-2), [['message', 'message'], ['end']]);
  const events = await collect(client().messages.stream({ model: 'deepseek-v4-pro', max_tokens: 100, messages: MSGS }));
  assert.equal(events[0].type, 'message_start');
  assert.equal(events.at(-1).type, 'message_stop');
});

test("a helper stream's error reaches 'error' listeners and its final promises", async () => {
  const s = client().messages.stream({ model: 'deepseek-v4-pro', max_tokens: 100, messages: MSGS }, { headers: { 'x-mock-fault': 'stream_error_event' } });
  const errors = [];
  s.on('error', (e) => errors.push(e));
  await assert.rejects(s.finalMessage(), (e) => e instanceof el.StreamError && e.reason === 'error_event');
  assert.equal(errors.length, 1);
  const cut = client().chat.completions.stream(CHAT, { headers: { 'x-mock-fault': 'stream_cut' } });
  await assert.rejects(cut.finalChatCompletion(), (e) => e instanceof el.StreamError && e.reason === 'missing_terminator');
  const refused = client().chat.completions.stream({ model: 'no-such-model', messages: MSGS });
  await assert.rejects(refused.done(), el.NotFoundError);
});

test('abort() on a helper stream closes the connection', async () => {
  const s = client().chat.completions.stream(CHAT, { headers: LONG });
  let aborted = null;
  s.on('abort', (e) => (aborted = e));
  let n = 0;
  s.on('chunk', () => {
    if (++n === 3) s.abort();
  });
  await assert.rejects(s.done(), el.APIUserAbortError);
  assert.ok(aborted instanceof el.APIUserAbortError);
  assert.equal((await streamRecord(m.mock, '/v1/chat/completions')).client_closed, true);
});

test('responses.stream(): events by type, finalResponse()', async () => {
  const s = client().responses.stream({ model: 'deepseek-v4-pro', input: 'Hi' });
  assert.ok(s instanceof el.ResponseStream);
  const deltas = [];
  s.on('response.output_text.delta', (e) => deltas.push(e.delta));
  const final = await s.finalResponse();
  assert.equal(final.status, 'completed');
  assert.equal(deltas.join(''), HELLO);
});

test('completions', async () => {
  const chunks = await collect(await client().completions.create({ model: 'qwen3-5-9b', prompt: 'Hi', stream: true }));
  assert.equal(chunks.map((c) => c.choices?.[0]?.text ?? '').join(''), HELLO);
});

test('responses: created to completed', async () => {
  const events = await collect(await client().responses.create({ model: 'deepseek-v4-pro', input: 'Hi', stream: true }));
  assert.equal(events[0].type, 'response.created');
  assert.equal(events.at(-1).type, 'response.completed');
  assert.equal(events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join(''), HELLO);
  const final = await client().responses.stream({ model: 'deepseek-v4-pro', input: 'Hi' }).finalValue();
  assert.equal(final.object, 'response');
  assert.equal(final.status, 'completed');
});

test('messages: message_start to message_stop, with the Anthropic headers', async () => {
  const events = await collect(await client().messages.create({ model: 'deepseek-v4-pro', max_tokens: 100, messages: MSGS, stream: true }));
  assert.equal(events[0].type, 'message_start');
  assert.equal(events.at(-1).type, 'message_stop');
  const text = events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text).join('');
  assert.equal(text, HELLO);
  const entry = (await m.mock.requests({ path: '/v1/messages' })).at(-1);
  assert.equal(entry.headers['anthropic-version'], '2023-06-01');
  const message = await client().messages.stream({ model: 'deepseek-v4-pro', max_tokens: 100, messages: MSGS }).finalValue();
  assert.equal(message.type, 'message');
  assert.equal(message.content[0].text, HELLO);
  assert.equal(message.stop_reason, 'end_turn');
});

test('speech: audio chunks to audio.done', async () => {
  const events = await collect(await client().audio.speech.stream(SPEECH));
  assert.equal(events.at(-1).type, 'audio.done');
  const audio = Buffer.concat(events.filter((e) => e.type === 'audio.chunk').map((e) => Buffer.from(e.audio_b64, 'base64')));
  assert.ok(audio.length > 0);
  assert.equal(audio.length, Math.round(events.at(-1).duration_seconds * 24000 * 2));
});

test('answer: deltas, citations, answer.done', async () => {
  const events = await collect(await client().answer.create({ model: 'exa-answer', query: 'q', stream: true }));
  assert.equal(events.at(-1).type, 'answer.done');
  assert.ok(events.some((e) => e.type === 'answer.citations'));
  assert.match(await client().answer.stream({ model: 'exa-answer', query: 'q' }).finalText(), /You said: q$/);
});

test('agent runs: task.created to task.completed', async () => {
  const events = await collect(await client().agents.run({ model: 'manus', input: 'Write a memo.' }));
  assert.equal(events[0].type, 'task.created');
  assert.equal(events.at(-1).type, 'task.completed');
  assert.ok(events.some((e) => e.type === 'task.output.delta'));
  assert.equal((await m.mock.requests({ path: '/v1/agents/run' })).at(-1).headers.accept, 'text/event-stream');
});

test('a GPU instance service streams like an OpenAI server', async () => {
  const c = client();
  const { instance } = await c.gpu.instances.create(
    { gpu_slug: 'rtx-4090', mode: 'model', hf_id: 'Qwen/Qwen2.5-7B-Instruct', name: 'q', disk_gb: 150 },
    { headers: { 'x-mock-job-ms': '0' } },
  );
  const s = await c.gpu.connect(instance.id).request('POST', 'v1/chat/completions', { body: { model: 'Qwen/Qwen2.5-7B-Instruct', messages: MSGS, stream: true } });
  const chunks = await collect(s);
  assert.ok(chunks.length > 1);
  assert.ok(chunks.every((ch) => ch.object === 'chat.completion.chunk'));
});

test('break closes the connection', async () => {
  const s = await client().chat.completions.create({ ...CHAT, stream: true }, { headers: LONG });
  let n = 0;
  for await (const _ of s) if (++n === 2) break;
  const rec = await streamRecord(m.mock, '/v1/chat/completions');
  assert.equal(rec.client_closed, true);
  assert.ok(rec.events_sent < 200);
});

test('controller.abort(), close() and Symbol.asyncDispose close the connection; a closed stream yields nothing more', async () => {
  for (const how of ['abort', 'close', 'dispose']) {
    const s = await client().chat.completions.create({ ...CHAT, stream: true }, { headers: LONG });
    const it = s[Symbol.asyncIterator]();
    await it.next();
    if (how === 'abort') s.controller.abort();
    else if (how === 'dispose') await s[Symbol.asyncDispose]();
    else s.close();
    assert.deepEqual(await it.next(), { value: undefined, done: true });
    assert.equal((await streamRecord(m.mock, '/v1/chat/completions')).client_closed, true, how);
  }
});

test('a stream can be consumed once; tee() gives two that see every event', async () => {
  const s = await client().chat.completions.create({ ...CHAT, stream: true });
  const [a, b] = s.tee();
  const [ea, eb] = await Promise.all([collect(a), collect(b)]);
  assert.ok(ea.length > 1);
  assert.deepEqual(ea, eb);
  assert.throws(() => s[Symbol.asyncIterator](), /consumed/);
});

test('toReadableStream() gives JSON lines', async () => {
  const s = await client().chat.completions.create({ ...CHAT, stream: true });
  const text = Buffer.concat(await collect(s.toReadableStream())).toString();
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length > 1 && lines.every((c) => c.object === 'chat.completion.chunk'));
});

test('a stream cut without its terminator, or carrying an error event, throws a typed error', async () => {
  const cases = [
    ['stream_cut', 'missing_terminator'],
    ['stream_error_event', 'error_event'],
    ['stream_reset', 'interrupted'],
    ['malformed_sse', 'malformed_event'],
    ['partial_event_eof', 'missing_terminator'],
  ];
  for (const [fault, reason] of cases) {
    const s = await client().chat.completions.create({ ...CHAT, stream: true }, { headers: { 'x-mock-fault': fault, 'x-mock-fault-after': '3' } });
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of s) seen++;
      })(),
      (e) => e instanceof el.StreamError && e.reason === reason && e.status === 200 && /^req_/.test(e.requestID),
      fault,
    );
    assert.equal(seen, 3, fault);
  }
  // Anthropic's own error event, with its type.
  const s = await client().messages.create({ model: 'deepseek-v4-pro', max_tokens: 100, messages: MSGS, stream: true }, { headers: { 'x-mock-fault': 'stream_error_event' } });
  await assert.rejects(collect(s), (e) => e instanceof el.StreamError && e.reason === 'error_event' && typeof e.type === 'string');
});

test('a terminator without its blank line still ends the stream', async () => {
  const chunks = await collect(await client().chat.completions.create({ ...CHAT, stream: true }, { headers: { 'x-mock-fault': 'done_without_blank_line' } }));
  assert.equal(chunks.filter((c) => c.choices?.length).map((c) => c.choices[0].delta.content ?? '').join(''), HELLO);
});

test('silence past streamIdleTimeout is a timeout', async () => {
  const s = await client().chat.completions.create(
    { ...CHAT, stream: true },
    { streamIdleTimeout: 200, headers: { 'x-mock-fault': 'stall_stream', 'x-mock-fault-after': '2', 'x-mock-fault-delay-ms': '3000' } },
  );
  await assert.rejects(collect(s), (e) => e instanceof el.APIConnectionTimeoutError && e.timeoutKind === 'stream_idle');
});
