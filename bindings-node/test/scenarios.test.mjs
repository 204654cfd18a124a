// The shared scenarios of tests/scenarios/, every one run through the package against the mock
// gateway (EMPIRIO_SCENARIO=<substring> narrows the run). They run one after another, the mock
// reset in between, and one test reports every failing scenario.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, useMock } from './support.mjs';
import { loadAll, run, subset } from './scenario-runner.mjs';

const el = await load();
const m = useMock();

// Scenarios the package cannot pass yet, each for a reason outside it. An entry that starts to
// pass fails the test, so the list only ever shrinks.
const KNOWN_GAPS = {
  // A form without its file: the core requires neither `file` nor `file_url` of a body that may
  // be multipart or JSON, so the package sends the fields as JSON and the gateway names
  // `file_url`; the scenario allows refusing it locally, naming `file`, which is the core's to do.
  'transcriptions.create.missing_file': 'the core does not require `file` (or `file_url`) before the network',
};

test('every shared scenario holds through the package', { timeout: 600_000 }, async (t) => {
  const filter = process.env.EMPIRIO_SCENARIO ?? '';
  const scenarios = loadAll().filter((sc) => sc.id.includes(filter));
  assert.ok(scenarios.length > 0, `no scenario matches ${filter}`);
  const failures = [];
  const closed = [];
  for (const sc of scenarios) {
    const problems = await run(el, m.mock, sc);
    if (sc.id in KNOWN_GAPS) {
      if (problems.length) t.diagnostic(`known gap ${sc.id}: ${KNOWN_GAPS[sc.id]}`);
      else closed.push(sc.id);
    } else if (problems.length) {
      failures.push(`${sc.id}\n    ${problems.join('\n    ')}`);
    }
  }
  t.diagnostic(`${scenarios.length} scenarios run, ${failures.length} failed`);
  assert.deepEqual(closed, [], 'these scenarios pass now: remove them from KNOWN_GAPS');
  assert.equal(failures.length, 0, `${failures.length} of ${scenarios.length} scenarios failed:\n${failures.join('\n')}`);
});

test('the runner can fail: a wrong expectation is reported, naming what differs', async () => {
  const all = loadAll();
  const find = (id) => structuredClone(all.find((sc) => sc.id === id));
  const mutations = [
    ['chat.create.basic', ['expect', 'json_subset', 'object'], 'chat.completion.chunk', '$.object'],
    ['chat.create.basic', ['expect', 'attempts'], 2, 'attempts'],
    ['chat.create.basic', ['expect_request', 'headers', 'content-type'], 'text/plain', 'header content-type'],
    ['chat.create.basic', ['expect_request', 'auth'], 'x-api-key', 'auth'],
    ['chat.create.stream', ['expect', 'stream', 'events'], 18, 'stream.events'],
    ['faults.rate_limit.exhausted', ['expect', 'error', 'code'], 'other', 'error.code'],
    ['videos.create.t2v', ['expect', 'job', 'accepted_subset', 'status'], 'completed', '$accepted.status'],
  ];
  for (const [id, where, value, mentions] of mutations) {
    const sc = find(id);
    assert.ok(sc, id);
    let slot = sc;
    for (const k of where.slice(0, -1)) slot = slot[k];
    slot[where.at(-1)] = value;
    const problems = await run(el, m.mock, sc);
    assert.ok(problems.some((p) => p.includes(mentions)), `${id} with ${where.join('.')} = ${value}: expected a problem naming ${mentions}, got ${JSON.stringify(problems)}`);
  }
});

test('the matcher rejects what it should', () => {
  const holds = (e, a) => subset(e, a).length === 0;
  assert.ok(holds({ a: 1 }, { a: 1.0, b: 2 }));
  assert.ok(!holds({ a: 1 }, { a: 2 }) && !holds({ a: 1 }, {}));
  assert.ok(!holds([1], [1, 2]) && !holds(1, true));
  assert.ok(!holds({ a: { $absent: true } }, { a: null }));
  assert.ok(!holds({ $type: 'integer' }, 1.5) && !holds({ $type: 'number' }, false));
  assert.ok(!holds({ $prefix: 'job_' }, 'task_1') && !holds({ $len: 2 }, [1]));
  assert.ok(!holds({ $gte: 1 }, 0) && !holds({ $some: 3 }, [1, 2]));
  assert.ok(!holds({ $each: { x: 1 } }, [{ x: 1 }, { x: 2 }]));
  assert.ok(holds({ $some: 2, $len: 2 }, [1, 2]));
  assert.ok(!holds({ $bogus: 1 }, 1));
});
