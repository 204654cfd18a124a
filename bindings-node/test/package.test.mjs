// The package as a whole: ESM and CommonJS give the same classes, the user agent names the
// binding, the versions agree, it works in worker_threads, and a process with open streams and
// jobs exits promptly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CHAT, ROOT, load, useMock } from './support.mjs';

const PKG = path.join(ROOT, 'bindings-node');
const el = await load();
const m = useMock();
const require = createRequire(import.meta.url);

test('ESM and CommonJS load the same classes, each defined once', async () => {
  const cjs = require(PKG);
  assert.equal(cjs.EmpirioLabs, el.EmpirioLabs);
  assert.equal(cjs.APIError, el.APIError);
  assert.equal(cjs.default, el.default);
  assert.equal(el.default, el.EmpirioLabs);
  const named = Object.keys(cjs).filter((k) => k !== 'default' && k !== '__esModule').sort();
  const esm = Object.keys(el).filter((k) => k !== 'default').sort();
  assert.deepEqual(esm, named);
  const mod = await import('empiriolabs').catch(() => null);
  if (mod) assert.equal(mod.EmpirioLabs, el.EmpirioLabs);
});

test('the package and the addon have one version, and the user agent names the binding', async () => {
  const pkg = JSON.parse(readFileSync(path.join(PKG, 'package.json'), 'utf8'));
  const cargo = readFileSync(path.join(PKG, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
  assert.equal(pkg.version, cargo);
  assert.equal(el.VERSION, pkg.version);
  const c = new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url });
  await c.models.list();
  const entry = (await m.mock.requests({ path: '/v1/models' })).at(-1);
  assert.match(entry.headers['user-agent'], new RegExp(`^empiriolabs-node/${pkg.version.replace(/\./g, '\\.')} \\(core `));
});

test('client options: env vars, default headers and query, per-call options', async () => {
  const saved = { key: process.env.EMPIRIOLABS_API_KEY, url: process.env.EMPIRIOLABS_BASE_URL };
  process.env.EMPIRIOLABS_API_KEY = m.mock.apiKey;
  process.env.EMPIRIOLABS_BASE_URL = m.mock.url;
  try {
    const c = new el.EmpirioLabs({ defaultHeaders: { 'x-team': 'ml' }, defaultQuery: { region: 'eu' }, maxRetries: 0, timeout: 5000 });
    assert.equal(c.baseURL, m.mock.url);
    assert.equal(c.hasApiKey, true);
    await c.embeddings.create({ model: 'text-embedding-v4', input: 'x' }, { headers: { 'x-trace': 't' }, query: { q: '1' }, body: { dimensions: 8 } });
    const entry = (await m.mock.requests({ path: '/v1/embeddings' })).at(-1);
    assert.equal(entry.headers['x-team'], 'ml');
    assert.equal(entry.headers['x-trace'], 't');
    assert.deepEqual(entry.query, { region: ['eu'], q: ['1'] });
    assert.equal(entry.body.dimensions, 8);
    assert.equal(entry.auth.valid, true);
    const copy = c.withOptions({ maxRetries: 1 });
    assert.equal(copy.maxRetries, 1);
    assert.equal(copy.hasApiKey, true);
    await assert.rejects(c.models.list({ bogus: 1 }), TypeError);
  } finally {
    for (const [k, v] of [['EMPIRIOLABS_API_KEY', saved.key], ['EMPIRIOLABS_BASE_URL', saved.url]]) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('withResponse() and asResponse()', async () => {
  const c = new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url });
  const { data, response, request_id } = await c.chat.completions.create(CHAT).withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-request-id'), request_id);
  assert.equal(data._request_id, request_id);
  const res = await c.models.list().asResponse();
  assert.ok(res instanceof Response);
  assert.equal(res.status, 200);
  assert.ok((await res.json()).data.length > 0);
  const streamed = await c.chat.completions.create({ ...CHAT, stream: true }).asResponse();
  assert.match(await streamed.text(), /^data: \{/);
});

test('download(url) gives the bytes, download(url, path) saves them; no key goes to the URL', async () => {
  const c = new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url });
  const url = `${m.mock.url}/v1/gpu/catalog/rtx-4090`;
  const data = await c.download(url);
  assert.ok(Buffer.isBuffer(data) && data.includes('RTX 4090'));
  const dir = mkdtempSync(path.join(tmpdir(), 'empiriolabs-dl-'));
  const target = path.join(dir, 'out.json');
  assert.equal(await c.download(url, target), data.length);
  assert.deepEqual(readFileSync(target), data);
  assert.equal(await c.downloadTo(url, target), data.length);
  await assert.rejects(c.download(`${m.mock.url}/v1/gpu/catalog/none`), el.NotFoundError);
  await assert.rejects(c.download(`${m.mock.url}/v1/gpu/catalog/none`, path.join(dir, 'none.json')), el.NotFoundError);
  assert.ok(!existsSync(path.join(dir, 'none.json')));
  assert.ok(!('authorization' in (await m.mock.requests({ path: '/v1/gpu/catalog/rtx-4090' })).at(-1).headers));
});

test('the client works in worker_threads', async () => {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { EmpirioLabs } = require(workerData.pkg);
    (async () => {
      const c = new EmpirioLabs({ apiKey: workerData.key, baseURL: workerData.url });
      const r = await c.chat.completions.create(workerData.chat);
      let n = 0;
      for await (const _ of await c.chat.completions.create({ ...workerData.chat, stream: true })) n++;
      parentPort.postMessage({ text: r.choices[0].message.content, chunks: n });
    })().catch((e) => parentPort.postMessage({ error: String(e) }));
  `;
  const results = await Promise.all(
    [0, 1].map(
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: { pkg: PKG, key: m.mock.apiKey, url: m.mock.url, chat: CHAT } });
          w.once('message', (msg) => w.terminate().then(() => resolve(msg)));
          w.once('error', reject);
        }),
    ),
  );
  for (const r of results) {
    assert.equal(r.error, undefined);
    assert.match(r.text, /You said: Hi/);
    assert.ok(r.chunks > 1);
  }
});

test('a process with an open stream and an unawaited job exits promptly', () => {
  const code = `
    const { EmpirioLabs } = require(${JSON.stringify(PKG)});
    (async () => {
      const c = new EmpirioLabs({ apiKey: ${JSON.stringify(m.mock.apiKey)}, baseURL: ${JSON.stringify(m.mock.url)} });
      const s = await c.chat.completions.create({ model: 'deepseek-v4-pro', messages: [{ role: 'user', content: 'Hi' }], stream: true },
        { headers: { 'x-mock-stream-tokens': '100000', 'x-mock-delay-ms': '50' } });
      const it = s[Symbol.asyncIterator]();
      await it.next();
      const job = await c.videos.generate({ model: 'seedance-2-0-pro', prompt: 'x', duration: 5 }, { headers: { 'x-mock-job-ms': '60000' } });
      console.log('open', job.status);
    })();
  `;
  const t = Date.now();
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 15_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /open processing/);
  assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms`);
});
