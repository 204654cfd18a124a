// Cursor pages: `for await` over every item, lazily; hasNextPage / getNextPage / iterPages;
// per-call options on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, useMock } from './support.mjs';

const el = await load();
const m = useMock();
const client = () => new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url });
const USAGE = '/v1/account/usage';
const CONVERSATIONS = '/v1/playground/conversations';

test('for await walks every item of every page, fetching as it goes', async () => {
  await m.mock.reset();
  const list = client().account.usage.list({ limit: 100 });
  const ids = [];
  for await (const ev of list) {
    ids.push(ev.id);
    if (ids.length === 100) assert.equal((await m.mock.requests({ path: USAGE })).length, 1, 'the first page serves 100 items');
  }
  assert.equal(ids.length, 250);
  assert.equal(new Set(ids).size, 250);
  const log = await m.mock.requests({ path: USAGE });
  assert.equal(log.length, 3);
  assert.ok(!('before' in log[0].query));
  assert.ok(log.every((e) => e.query.limit[0] === '100'));
  assert.ok(log.slice(1).every((e) => e.query.before?.length === 1));
});

test('a page knows what follows; getNextPage and iterPages', async () => {
  await m.mock.reset();
  const first = await client().playground.conversations.list({ limit: 50 });
  assert.ok(first instanceof el.Page);
  assert.equal(first.data.length, 50);
  assert.equal(first.has_more, true);
  assert.equal(first.hasNextPage(), true);
  assert.match(first.meta().request_id, /^req_/);
  const second = await first.getNextPage();
  assert.equal(second, await first.getNextPage(), 'the same page every time it is asked for');
  const sizes = [];
  for await (const page of first.iterPages()) sizes.push(page.data.length);
  assert.deepEqual(sizes, [50, 50, 20]);
  const log = await m.mock.requests({ path: CONVERSATIONS });
  assert.equal(log.length, 3);
  assert.deepEqual(log[1].query.before, [first.next_cursor]);
  const last = await (await first.getNextPage()).getNextPage();
  assert.equal(last.hasNextPage(), false);
  await assert.rejects(last.getNextPage(), el.EmpirioLabsError);
});

test('per-call options apply to every page, and are not query parameters', async () => {
  await m.mock.reset();
  const items = [];
  for await (const ev of client().account.usage.list({ limit: 100 }, { headers: { 'x-trace': 't1' }, query: { team: 'ml' }, timeout: 5000, maxRetries: 0 })) items.push(ev);
  assert.equal(items.length, 250);
  const log = await m.mock.requests({ path: USAGE });
  assert.equal(log.length, 3);
  for (const e of log) {
    assert.equal(e.headers['x-trace'], 't1');
    assert.deepEqual(e.query.team, ['ml']);
    assert.ok(Object.keys(e.query).every((k) => ['limit', 'before', 'team'].includes(k)));
  }
  await assert.rejects(client().playground.conversations.list({}, { maxRetries: 0, headers: { 'x-mock-fault': 'server_error' } }), el.InternalServerError);
});

test('a list is aborted by its signal', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(client().account.usage.list({}, { signal: ac.signal }), el.APIUserAbortError);
});
