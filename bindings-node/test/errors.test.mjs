// Every fault of the mock's catalog mapped to its error class, with the fields of openai-node's
// errors; errors raised before the network; stacks from the call site; no key anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CHAT, ROOT, collect, load, useMock } from './support.mjs';

const el = await load();
const m = useMock();
const client = (o = {}) => new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url, maxRetries: 0, ...o });
const EMBED = { model: 'text-embedding-v4', input: 'hi' };

// fault -> [the error class, its status] for a whole (non-streaming) call.
const STATUS_FAULTS = {
  rate_limit: [el.RateLimitError, 429],
  rate_limit_ms: [el.RateLimitError, 429],
  rate_limit_date: [el.RateLimitError, 429],
  insufficient_credits: [el.InsufficientCreditsError, 402],
  server_error: [el.InternalServerError, 500],
  bad_gateway: [el.InternalServerError, 502],
  unavailable: [el.InternalServerError, 503],
  unavailable_html: [el.InternalServerError, 503],
  gateway_timeout: [el.InternalServerError, 504],
  request_timeout: [el.APIError, 408],
};
const HTTP = {
  400: el.BadRequestError,
  401: el.AuthenticationError,
  403: el.PermissionDeniedError,
  404: el.NotFoundError,
  405: el.APIError,
  409: el.ConflictError,
  422: el.UnprocessableEntityError,
  429: el.RateLimitError,
  500: el.InternalServerError,
  503: el.InternalServerError,
};
// Faults that only apply to streams, and the `reason` of the StreamError they raise.
const STREAM_FAULTS = {
  stream_cut: 'missing_terminator',
  stream_reset: 'interrupted',
  stream_error_event: 'error_event',
  malformed_sse: 'malformed_event',
  partial_event_eof: 'missing_terminator',
};
// Everything else the catalog names, tested one by one below.
const OTHERS = ['http_<code>', 'redirect', 'connection_close', 'slow_first_byte', 'invalid_json', 'oversized_body', 'stall_stream', 'done_without_blank_line'];

test('every fault of the catalog is covered here', async () => {
  const names = (await (await fetch(`${m.mock.url}/__mock/faults`)).json()).data.map((f) => f.name);
  const covered = new Set([...Object.keys(STATUS_FAULTS), ...Object.keys(STREAM_FAULTS), ...OTHERS]);
  assert.deepEqual(names.filter((n) => !covered.has(n)), []);
});

test('status faults map to their classes, with openai-node fields', async () => {
  for (const [fault, [cls, status]] of Object.entries(STATUS_FAULTS)) {
    const e = await client().embeddings.create(EMBED, { headers: { 'x-mock-fault': fault } }).then(() => null, (e) => e);
    assert.ok(e instanceof cls, `${fault}: ${e?.name}`);
    assert.ok(e instanceof el.APIError && e instanceof el.EmpirioLabsError && e instanceof Error);
    assert.equal(e.status, status, fault);
    assert.match(e.requestID, /^req_/, fault);
    assert.ok(e.headers instanceof Headers && e.headers.get('x-request-id') === e.requestID, fault);
    if (!fault.endsWith('_html') && fault !== 'bad_gateway' && fault !== 'gateway_timeout') {
      assert.equal(typeof e.code, 'string', fault);
      assert.equal(typeof e.error?.message, 'string', fault);
    }
  }
});

test('http_<code> maps each status to its class', async () => {
  for (const [code, cls] of Object.entries(HTTP)) {
    const e = await client().models.list({ headers: { 'x-mock-fault': `http_${code}` } }).then(() => null, (e) => e);
    assert.ok(e instanceof cls && e.status === Number(code), `${code}: ${e?.name}`);
    if (cls === el.APIError) assert.equal(e.constructor, el.APIError);
  }
});

test('the Retry-After of a rate limit is honoured, then the call succeeds', async () => {
  const t = Date.now();
  const r = await client({ maxRetries: 1 }).embeddings.create(EMBED, { headers: { 'x-mock-fault': 'rate_limit_ms', 'x-mock-fault-count': '1', 'x-mock-retry-after': '1' } });
  assert.ok(r.data.length > 0 && Date.now() - t >= 900);
});

test('a redirect to another origin is an APIError with the 3xx status', async () => {
  const e = await client()
    .models.list({ headers: { 'x-mock-fault': 'redirect', 'x-mock-redirect-to': `http://127.0.0.2:${new URL(m.mock.url).port}/v1/models` } })
    .then(() => null, (e) => e);
  assert.ok(e instanceof el.APIError && e.status === 307, e?.name);
});

test('connection faults and timeouts', async () => {
  const closed = await client().models.list({ headers: { 'x-mock-fault': 'connection_close' } }).then(() => null, (e) => e);
  assert.ok(closed instanceof el.APIConnectionError, closed?.name);
  const slow = await client()
    .models.list({ timeout: 200, headers: { 'x-mock-fault': 'slow_first_byte', 'x-mock-fault-delay-ms': '2000' } })
    .then(() => null, (e) => e);
  assert.ok(slow instanceof el.APIConnectionTimeoutError && slow instanceof el.APIConnectionError, slow?.name);
  assert.equal(slow.timeoutKind, 'request');
  const refused = await new el.EmpirioLabs({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:9', maxRetries: 0 }).models.list().then(() => null, (e) => e);
  assert.ok(refused instanceof el.APIConnectionError && refused.beforeSend === true, refused?.name);
});

test('a body that is not the JSON it claims is an APIResponseValidationError; an oversized one is read whole', async () => {
  const e = await client().models.list({ headers: { 'x-mock-fault': 'invalid_json' } }).then(() => null, (e) => e);
  assert.ok(e instanceof el.APIResponseValidationError && e.status === 200, e?.name);
  const big = await client().models.list({ headers: { 'x-mock-fault': 'oversized_body', 'x-mock-fault-size': '3000000' } });
  assert.ok(Array.isArray(big.data));
});

test('stream faults are StreamErrors with their reason; a stall is an idle timeout', async () => {
  for (const [fault, reason] of Object.entries(STREAM_FAULTS)) {
    const s = await client().chat.completions.create({ ...CHAT, stream: true }, { headers: { 'x-mock-fault': fault } });
    await assert.rejects(collect(s), (e) => e instanceof el.StreamError && e.reason === reason, fault);
  }
  const big = await client().chat.completions.create({ ...CHAT, stream: true }, { headers: { 'x-mock-fault': 'oversized_body', 'x-mock-fault-size': String(9 * 1024 * 1024) } });
  await assert.rejects(collect(big), (e) => e instanceof el.StreamError && e.reason === 'oversized_event');
  const stall = await client().chat.completions.create(
    { ...CHAT, stream: true },
    { streamIdleTimeout: 150, headers: { 'x-mock-fault': 'stall_stream', 'x-mock-fault-delay-ms': '2000' } },
  );
  await assert.rejects(collect(stall), (e) => e instanceof el.APIConnectionTimeoutError && e.timeoutKind === 'stream_idle');
  const fine = await client().chat.completions.create({ ...CHAT, stream: true }, { headers: { 'x-mock-fault': 'done_without_blank_line' } });
  assert.ok((await collect(fine)).length > 1);
});

test('a stream fault on a whole call, and validation, are caught by the gateway as 400s', async () => {
  const e = await client().models.list({ headers: { 'x-mock-fault': 'stream_cut' } }).then(() => null, (e) => e);
  assert.ok(e instanceof el.BadRequestError && e.code === 'mock_fault_not_applicable', e?.name);
  const bad = await client().chat.completions.create({ model: 'deepseek-v4-pro', messages: 'nope' }).then(() => null, (e) => e);
  assert.ok(bad instanceof el.BadRequestError && bad.param === 'messages', bad?.name);
  const unknown = await client().chat.completions.create({ ...CHAT, model: 'no-such-model' }).then(() => null, (e) => e);
  assert.ok(unknown instanceof el.NotFoundError && unknown.code === 'model_not_found', unknown?.name);
});

test('the Anthropic envelope on /v1/messages', async () => {
  const e = await client({ apiKey: 'sk-wrong' }).messages.create({ model: 'deepseek-v4-pro', max_tokens: 10, messages: CHAT.messages }).then(() => null, (e) => e);
  assert.ok(e instanceof el.AuthenticationError && e.status === 401);
  assert.equal(e.body.type, 'error');
  assert.equal(typeof e.error.message, 'string');
});

test('a missing required field is an InvalidRequestError before the network', async () => {
  const seq = await m.mock.lastSeq();
  const e = await client().chat.completions.create({ model: 'deepseek-v4-pro' }).then(() => null, (e) => e);
  assert.ok(e instanceof el.InvalidRequestError && e.param === 'messages', e?.name);
  assert.deepEqual(await m.mock.since(seq), []);
});

test('a keyed call without a key is a ConfigurationError naming the variable; public calls work', async () => {
  const saved = process.env.EMPIRIOLABS_API_KEY;
  delete process.env.EMPIRIOLABS_API_KEY;
  try {
    const c = new el.EmpirioLabs({ baseURL: m.mock.url });
    assert.equal(c.hasApiKey, false);
    const e = await c.embeddings.create(EMBED).then(() => null, (e) => e);
    assert.ok(e instanceof el.ConfigurationError && /EMPIRIOLABS_API_KEY/.test(e.message), e?.name);
    assert.ok((await c.models.list()).data.length > 0);
  } finally {
    if (saved !== undefined) process.env.EMPIRIOLABS_API_KEY = saved;
  }
});

test("an error's stack starts at the call site", async () => {
  const e = await client().embeddings.create(EMBED, { headers: { 'x-mock-fault': 'insufficient_credits' } }).then(() => null, (e) => e);
  const frames = e.stack.split('\n');
  assert.match(frames[0], /^InsufficientCreditsError: /);
  assert.ok(frames.some((f) => f.includes('errors.test.mjs')), e.stack);
});

test('the key is never in an error, its stack, the client or its JSON', async () => {
  const key = m.mock.apiKey;
  const c = client();
  for (const fault of ['insufficient_credits', 'connection_close', 'redirect']) {
    const e = await c.models.list({ headers: { 'x-mock-fault': fault, 'x-mock-redirect-to': 'http://127.0.0.2:1/x' } }).then(() => null, (e) => e);
    assert.ok(e, fault);
    assert.ok(![e.message, e.stack, inspect(e, { depth: 5 }), JSON.stringify(e)].some((t) => t.includes(key)), fault);
  }
  assert.ok(!inspect(c, { depth: 10, showHidden: true }).includes(key));
  assert.ok(!JSON.stringify(c).includes(key));
  assert.ok(!inspect(c.chat.completions, { depth: 4 }).includes(key));
});

test('every class of the core has its error class here', () => {
  const native = createRequire(import.meta.url)(path.join(ROOT, 'bindings-node', 'dist', 'native', 'index.js'));
  const { errorClassNames } = createRequire(import.meta.url)(path.join(ROOT, 'bindings-node', 'dist', 'errors.js'));
  assert.deepEqual(native.errorClasses().sort(), errorClassNames().sort());
});
