// The Node quickstart: chat, a stream, a video job with progress, an agent run, a list walked
// page by page, an aborted call and an error, against whatever EMPIRIOLABS_BASE_URL points at.
//
//     EMPIRIOLABS_API_KEY=... node bindings-node/examples/quickstart.mjs
import EmpirioLabs, { APIUserAbortError, InsufficientCreditsError } from '../dist/index.mjs';

const client = new EmpirioLabs(); // EMPIRIOLABS_API_KEY, EMPIRIOLABS_BASE_URL
const messages = [{ role: 'user', content: 'Summarize CRDT consistency in 3 bullets.' }];

const r = await client.chat.completions.create({ model: 'deepseek-v4-pro', messages });
console.log('chat:', r.choices[0].message.content, `(${r.usage.total_tokens} tokens, request ${r._request_id})`);

process.stdout.write('stream: ');
const stream = await client.chat.completions.create({ model: 'deepseek-v4-pro', messages, stream: true });
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
}
console.log();

const video = await client.videos.generateAndWait(
  { model: 'seedance-2-0-pro', prompt: 'A dolly shot of a rainy street', duration: 8 },
  { onProgress: (job) => console.log(`  video ${job.status} ${Math.round((job.progress ?? 0) * 100)}%`) },
);
console.log('video:', video.data[0].url);

for await (const event of await client.agents.run({ model: 'manus', input: 'Write a one-line memo about robots.' })) {
  if (event.type === 'task.message') console.log('agent step:', event.message.content);
}

let spent = 0;
let events = 0;
for await (const event of client.account.usage.list({ limit: 100 })) {
  spent += event.cost?.amount ?? 0;
  events += 1;
}
console.log(`usage: ${events} events, ${spent.toFixed(2)} spent`);

const controller = new AbortController();
setTimeout(() => controller.abort(), 100);
try {
  await client.chat.completions.create({ model: 'deepseek-v4-pro', messages }, { signal: controller.signal, headers: { 'x-mock-fault': 'slow_first_byte' } });
} catch (e) {
  if (e instanceof APIUserAbortError) console.log('aborted:', e.message);
  else throw e;
}

try {
  await client.chat.completions.create({ model: 'deepseek-v4-pro', messages }, { headers: { 'x-mock-fault': 'insufficient_credits' } });
} catch (e) {
  if (!(e instanceof InsufficientCreditsError)) throw e;
  console.log(`error: ${e.name} ${e.status} ${e.code} (request ${e.requestID})`);
}

const answers = await Promise.all([0, 1, 2].map((i) => client.chat.completions.create({ model: 'deepseek-v4-pro', messages: [{ role: 'user', content: `#${i}` }] })));
console.log('concurrent:', answers.map((a) => a.choices[0].message.content.split(': ').at(-1)));
