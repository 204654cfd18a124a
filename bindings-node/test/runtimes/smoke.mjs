// The package under another JavaScript runtime (Bun, Deno): it loads, calls, streams, and
// fails with its own error classes. Run as `<runtime> smoke.mjs <mock binary>`; prints
// `ok <runtime>` and exits 0 when everything held.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EmpirioLabs, NotFoundError, StreamError } from '../../dist/index.mjs';

const runtime = typeof Bun !== 'undefined' ? `bun ${Bun.version}` : typeof Deno !== 'undefined' ? `deno ${Deno.version.deno}` : `node ${process.version}`;
const mockBin = process.argv[2];

function check(cond, what) {
  if (!cond) throw new Error(`${runtime}: ${what}`);
}

const proc = spawn(mockBin, ['--exit-on-stdin-close'], { stdio: ['pipe', 'pipe', 'inherit'] });
const ready = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: proc.stdout });
  lines.once('line', (line) => resolve(JSON.parse(line)));
  proc.once('error', reject);
});
try {
  const client = new EmpirioLabs({ apiKey: ready.api_key, baseURL: ready.url, maxRetries: 0 });
  const msgs = [{ role: 'user', content: 'Hi' }];

  const done = await client.chat.completions.create({ model: 'deepseek-v4-pro', messages: msgs });
  check(typeof done.choices[0].message.content === 'string' && done.choices[0].message.content.length > 0, 'a chat completion has text');

  let text = '';
  let chunks = 0;
  for await (const chunk of await client.chat.completions.create({ model: 'deepseek-v4-pro', messages: msgs, stream: true })) {
    chunks += 1;
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  check(chunks > 1 && text === done.choices[0].message.content, `the stream joins to the same text (${chunks} chunks: ${JSON.stringify(text)})`);

  const message = client.messages.stream({ model: 'deepseek-v4-pro', max_tokens: 64, messages: msgs });
  check((await message.finalText()).length > 0, 'messages.stream() has a final text');

  const missing = await client.models.retrieve('no-such-model').then(() => null, (e) => e);
  check(missing instanceof NotFoundError && missing.status === 404, `a 404 is a NotFoundError (got ${missing})`);

  const cut = await client.chat.completions.create({ model: 'deepseek-v4-pro', messages: msgs, stream: true }, { headers: { 'x-mock-fault': 'stream_cut' } });
  const broken = await (async () => {
    for await (const _ of cut);
  })().then(() => null, (e) => e);
  check(broken instanceof StreamError, `a cut stream rejects with StreamError (got ${broken})`);
  console.log(`ok ${runtime}`);
} finally {
  proc.stdin.end();
  proc.kill();
}
process.exit(0);
