// The mock gateway for a test file: started before its tests, stopped after them, reset
// between tests that ask for it. Tests load the built package from dist/ (run `npm test`, which
// compiles the TypeScript first).
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { after, before } from 'node:test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MOCK_BIN = process.env.EMPIRIO_MOCK_BIN ?? path.join(ROOT, 'target', 'debug', 'empirio-mock');
// Fast clocks, as every suite runs the mock: jobs finish in 300 ms and expire 2 s later.
export const MOCK_ARGS = ['--job-ms', '300', '--job-retention-secs', '2', '--sync-window-ms', '1000'];

export const CHAT = { model: 'deepseek-v4-pro', messages: [{ role: 'user', content: 'Hi' }] };
export const MSGS = [{ role: 'user', content: 'Hi' }];

export class Mock {
  constructor(proc, ready) {
    this.proc = proc;
    this.url = ready.url;
    this.apiKey = ready.api_key;
  }

  async requests(query = {}) {
    const q = new URLSearchParams(query).toString();
    const r = await fetch(`${this.url}/__mock/requests${q ? `?${q}` : ''}`);
    return (await r.json()).data;
  }

  async lastSeq() {
    const log = await this.requests();
    return log.length ? log[log.length - 1].seq : 0;
  }

  /** Log entries after `seq`, optionally for one path. */
  async since(seq, filter = {}) {
    return (await this.requests(filter)).filter((e) => e.seq > seq);
  }

  async reset() {
    await fetch(`${this.url}/__mock/reset`, { method: 'POST' });
  }

  /** Polls the log until `pred(entries)` holds (the mock writes a stream's record when it drops the body). */
  async waitFor(pred, filter = {}, ms = 3000) {
    const end = Date.now() + ms;
    for (;;) {
      const log = await this.requests(filter);
      if (pred(log)) return log;
      if (Date.now() > end) return log;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export function startMock(...extra) {
  return new Promise((resolve, reject) => {
    const proc = spawn(MOCK_BIN, ['--exit-on-stdin-close', ...MOCK_ARGS, ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
    proc.on('error', (e) => reject(new Error(`cannot start the mock gateway at ${MOCK_BIN} (build it with \`cargo build -p empirio-mock\`): ${e.message}`)));
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', (line) => {
      lines.close();
      resolve(new Mock(proc, JSON.parse(line)));
    });
    proc.once('exit', (code) => reject(new Error(`the mock gateway exited before it was ready (code ${code})`)));
  });
}

/** A mock for this test file: `const m = useMock()`, then `m.mock` inside tests. */
export function useMock(...extra) {
  const holder = { mock: null };
  before(async () => {
    holder.mock = await startMock(...extra);
  });
  after(() => {
    holder.mock?.proc.stdin.end();
    holder.mock?.proc.kill();
  });
  return holder;
}

export async function load() {
  return import(path.join(ROOT, 'bindings-node', 'dist', 'index.mjs'));
}

export const HELLO = 'Hello from the EmpirioLabs mock gateway. You said: Hi';
export const LONG = { 'x-mock-stream-tokens': '200', 'x-mock-delay-ms': '20' };

/** The last logged stream record for `path`, once its `want` field is true. */
export async function streamRecord(mock, path, want = 'client_closed') {
  const log = await mock.waitFor((l) => l.length && l[l.length - 1].stream?.[want], { path });
  return log.length ? log[log.length - 1].stream : null;
}

export async function collect(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}
