// Benchmark of the Node package against openai-node and raw fetch with hand-written SSE parsing,
// in one run against the same local mock gateway (release builds).
//
//     make bench-node            # or: node tests/bench/node/bench.mjs --rounds 3
//
// Each measurement runs in a fresh child process (so import time and peak RSS are its own),
// and every workload is repeated `--rounds` times; the table shows medians and ratios. Every
// stream case reads each chunk's text as the README shows (`chunk.choices[0]?.delta?.content`)
// and checks that every client read the same text.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import path from 'node:path';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..', '..');
const PKG = path.join(ROOT, 'bindings-node');
const require = createRequire(import.meta.url);
const MSGS = [{ role: 'user', content: 'Summarize CRDT consistency in three bullets.' }];
const MODEL = 'deepseek-v4-pro';
const CLIENTS = ['ours', 'openai', 'fetch'];

// ── Workloads, run inside a child process ────────────────────────────────────

function client(kind, url, key) {
  if (kind === 'ours') {
    const { EmpirioLabs } = require(PKG);
    return new EmpirioLabs({ apiKey: key, baseURL: url, maxRetries: 0 });
  }
  if (kind === 'openai') {
    const { OpenAI } = require('openai');
    return new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 });
  }
  return { url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } };
}

async function chat(kind, c) {
  if (kind === 'fetch') {
    const r = await fetch(`${c.url}/v1/chat/completions`, { method: 'POST', headers: c.headers, body: JSON.stringify({ model: MODEL, messages: MSGS }) });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return (await r.json()).choices[0].message.content;
  }
  return (await c.chat.completions.create({ model: MODEL, messages: MSGS })).choices[0].message.content;
}

/** The minimal correct SSE parse a careful hand-written client does: data lines to JSON. */
async function* fetchSse(c, headers) {
  const r = await fetch(`${c.url}/v1/chat/completions`, { method: 'POST', headers: { ...c.headers, ...headers }, body: JSON.stringify({ model: MODEL, messages: MSGS, stream: true }) });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  const dec = new TextDecoder();
  let buf = '';
  for await (const piece of r.body) {
    buf += dec.decode(piece, { stream: true });
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (line.startsWith('data: ')) {
        const data = line.slice(6);
        if (data === '[DONE]') return;
        yield JSON.parse(data);
      }
    }
  }
}

/** One stream's chunks, each read as the README reads it (`chunk.choices[0]?.delta?.content`),
 * and their text joined: counting chunks without reading them measures nothing a user does. */
async function readStream(kind, c, headers) {
  let n = 0;
  let text = '';
  const chunks = kind === 'fetch' ? fetchSse(c, headers) : await c.chat.completions.create({ model: MODEL, messages: MSGS, stream: true }, { headers });
  for await (const chunk of chunks) {
    n++;
    text += chunk.choices[0]?.delta?.content || '';
  }
  return { n, text };
}

const digest = (text) => createHash('sha256').update(text).digest('hex').slice(0, 16);

const WORKLOADS = {
  async construct(kind, url, key, n = 200) {
    client(kind, url, key);
    const t = performance.now();
    for (let i = 0; i < n; i++) client(kind, url, key);
    return { us_per_client: ((performance.now() - t) / n) * 1e3 };
  },
  async sequential(kind, url, key, n = 1000) {
    const c = client(kind, url, key);
    await chat(kind, c);
    const t = performance.now();
    for (let i = 0; i < n; i++) await chat(kind, c);
    return { seconds: (performance.now() - t) / 1e3 };
  },
  async concurrent(kind, url, key, n = 1000) {
    const c = client(kind, url, key);
    await chat(kind, c);
    const t = performance.now();
    await Promise.all(Array.from({ length: n }, () => chat(kind, c)));
    return { seconds: (performance.now() - t) / 1e3 };
  },
  async one_stream(kind, url, key, chunks = 100_000) {
    const c = client(kind, url, key);
    const cpu = process.cpuUsage();
    const t = performance.now();
    const { n, text } = await readStream(kind, c, { 'x-mock-stream-tokens': String(chunks) });
    const elapsed = (performance.now() - t) / 1e3;
    if (n < chunks || text.length <= chunks) throw new Error(`${kind} saw ${n} chunks, ${text.length} characters`);
    const used = process.cpuUsage(cpu);
    return { chunks_per_s: chunks / elapsed, cpu_seconds: (used.user + used.system) / 1e6, text: digest(text) };
  },
  async many_streams(kind, url, key, streams = 1000, chunks = 100) {
    const c = client(kind, url, key);
    const t = performance.now();
    const got = await Promise.all(Array.from({ length: streams }, () => readStream(kind, c, { 'x-mock-stream-tokens': String(chunks) })));
    const seconds = (performance.now() - t) / 1e3;
    if (got.some((g) => g.n < chunks || g.text !== got[0].text)) throw new Error(`${kind}: a stream ended early or read other text`);
    return { seconds, peak_rss_mb: process.resourceUsage().maxRSS / 1024, text: digest(got[0].text) };
  },
};

// ── Orchestration ────────────────────────────────────────────────────────────

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runChild(workload, kind, url, key) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', workload, kind, url, key], { encoding: 'utf8', timeout: 900_000, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${workload}/${kind} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

function importTime(code) {
  const t = (args) => {
    const s = performance.now();
    spawnSync(process.execPath, args, { stdio: 'ignore', cwd: HERE });
    return performance.now() - s;
  };
  const runs = (args) => median(Array.from({ length: 5 }, () => t(args)));
  return Math.max(0, runs(['-e', code]) - runs(['-e', '']));
}

function startMock(binary) {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ['--exit-on-stdin-close', '--log-limit', '100'], { stdio: ['pipe', 'pipe', 'inherit'] });
    proc.once('error', reject);
    createInterface({ input: proc.stdout }).once('line', (line) => resolve({ proc, ...JSON.parse(line) }));
  });
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const [, workload, kind, url, key] = argv;
    console.log(JSON.stringify(await WORKLOADS[workload](kind, url, key)));
    return;
  }
  const rounds = Number(argv[argv.indexOf('--rounds') + 1] || 3) || 3;
  const mockBin = argv.includes('--mock') ? argv[argv.indexOf('--mock') + 1] : path.join(ROOT, 'target', 'release', 'empirio-mock');
  const mock = await startMock(mockBin);
  const med = new Map();
  const measure = (workload, kind, field) => {
    const k = `${workload}/${kind}`;
    if (!med.has(k)) {
      const outs = Array.from({ length: rounds }, () => runChild(workload, kind, mock.url, mock.api_key));
      med.set(k, Object.fromEntries(Object.keys(outs[0]).map((f) => [f, f === 'text' ? outs[0].text : median(outs.map((o) => o[f]))])));
    }
    return med.get(k)[field];
  };
  const rows = [];
  try {
    rows.push(['import time (ms)', importTime(`require(${JSON.stringify(PKG)})`), importTime("require('openai')"), 0, 'lower']);
    const row = (name, workload, field, better) => rows.push([name, ...CLIENTS.map((k) => measure(workload, k, field)), better]);
    row('client construction (µs)', 'construct', 'us_per_client', 'lower');
    row('1000 sequential chat requests (s)', 'sequential', 'seconds', 'lower');
    row('1000 concurrent chat requests (s)', 'concurrent', 'seconds', 'lower');
    row('one stream of 100,000 chunks (chunks/s)', 'one_stream', 'chunks_per_s', 'higher');
    row('  process CPU for that stream (s)', 'one_stream', 'cpu_seconds', 'lower');
    row('1000 concurrent streams × 100 chunks (s)', 'many_streams', 'seconds', 'lower');
    row('  peak RSS for those streams (MB)', 'many_streams', 'peak_rss_mb', 'lower');
    // Every client read the same text, chunk by chunk.
    for (const w of ['one_stream', 'many_streams']) {
      const texts = new Set(CLIENTS.map((k) => measure(w, k, 'text')));
      if (texts.size !== 1) throw new Error(`${w}: the clients read different text (${[...texts].join(', ')})`);
    }
  } finally {
    mock.proc.stdin.end();
  }
  const f = (x, w) => (Number.isFinite(x) ? x.toFixed(3) : '-').padStart(w);
  console.log(`\nNode SDK benchmark (Node ${process.versions.node}, openai ${openaiVersion()}): medians of ${rounds} rounds, one mock gateway (release builds)\n`);
  console.log(`${'workload'.padEnd(44)}${'empiriolabs'.padStart(13)}${'openai'.padStart(13)}${'raw fetch'.padStart(13)}${'ours/openai'.padStart(13)}${'ours/fetch'.padStart(12)}`);
  for (const [name, ours, oai, raw] of rows) {
    console.log(`${name.padEnd(44)}${f(ours, 13)}${f(oai, 13)}${f(raw, 13)}${f(ours / oai, 13)}${f(raw ? ours / raw : NaN, 12)}`);
  }
  console.log('\n(ratios < 1 are better for time, memory and CPU; > 1 for chunks/s; import time of raw fetch is 0: it is built in)');
}

function openaiVersion() {
  try {
    return JSON.parse(require('node:fs').readFileSync(path.join(HERE, 'node_modules', 'openai', 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

await main();
