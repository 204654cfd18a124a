// Cancellation: a call's `signal` ends it (or the stream it opened) with APIUserAbortError and
// closes the connection; an aborted signal rejects at once; each call adds one listener and
// removes it when it settles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { CHAT, LONG, load, streamRecord, useMock } from './support.mjs';

const el = await load();
const m = useMock();
const client = () => new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url, maxRetries: 0 });

test('an already-aborted signal rejects at once, without a request', async () => {
  const seq = await m.mock.lastSeq();
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(client().chat.completions.create(CHAT, { signal: ac.signal }), el.APIUserAbortError);
  assert.deepEqual(await m.mock.since(seq), []);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('aborting a pending call rejects it and closes its connection', async () => {
  const ac = new AbortController();
  const p = client().chat.completions.create(CHAT, { signal: ac.signal, headers: { 'x-mock-fault': 'slow_first_byte', 'x-mock-fault-delay-ms': '5000' } });
  assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
  setTimeout(() => ac.abort(), 100);
  const t = Date.now();
  await assert.rejects(p, (e) => e instanceof el.APIUserAbortError && e instanceof el.APIError);
  assert.ok(Date.now() - t < 4000);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('a settled call leaves no listener behind, for many calls on one signal', async () => {
  const ac = new AbortController();
  const c = client();
  await Promise.all(Array.from({ length: 50 }, () => c.models.list({ signal: ac.signal })));
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  await c.models.list({ signal: ac.signal, headers: { 'x-mock-fault': 'http_500' } }).catch(() => {});
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test("aborting a stream mid-way throws APIUserAbortError and the mock logs client_closed", async () => {
  const ac = new AbortController();
  const s = await client().chat.completions.create({ ...CHAT, stream: true }, { signal: ac.signal, headers: LONG });
  // The listener stays while the stream is open.
  assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
  let n = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of s) if (++n === 3) ac.abort();
    })(),
    el.APIUserAbortError,
  );
  assert.equal(n, 3);
  const rec = await streamRecord(m.mock, '/v1/chat/completions');
  assert.equal(rec.client_closed, true);
  assert.ok(rec.events_sent < 200);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('a stream read to its end removes its listener', async () => {
  const ac = new AbortController();
  const s = await client().chat.completions.create({ ...CHAT, stream: true }, { signal: ac.signal });
  for await (const _ of s);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});

test('a job wait ends on abort; the job keeps running', async () => {
  const c = client();
  const job = await c.videos.generate({ model: 'seedance-2-0-pro', prompt: 'x', duration: 8 }, { headers: { 'x-mock-job-ms': '5000' } });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  await assert.rejects(job.wait({ signal: ac.signal }), el.APIUserAbortError);
  assert.equal((await job.refresh()).status, 'processing');
});

test('AbortSignal.timeout works as a signal', async () => {
  await assert.rejects(
    client().models.list({ signal: AbortSignal.timeout(100), headers: { 'x-mock-fault': 'slow_first_byte', 'x-mock-fault-delay-ms': '3000' } }),
    el.APIUserAbortError,
  );
});
