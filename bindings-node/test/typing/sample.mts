// Typical user code, type-checked by test/typing.test.mjs (tsc --noEmit against dist/*.d.ts):
// it must compile, and each `@ts-expect-error` line must be an error.
import EmpirioLabs, { APIError, Job, Stream, toFile, type ChatCompletion, type MessageStreamEvent } from 'empiriolabs';

const client = new EmpirioLabs({ apiKey: 'sk-x', timeout: 20_000, maxRetries: 1, defaultHeaders: { 'x-team': 'ml' } });

export async function main(): Promise<void> {
  const r = await client.chat.completions.create({ model: 'deepseek-v4-pro', messages: [{ role: 'user', content: 'Hi' }], enable_thinking: true });
  const text: string | null | undefined = r.choices[0]?.message.content;
  const tokens: number | undefined = r.usage?.total_tokens;
  const completion: ChatCompletion = r;
  console.log(text, tokens, completion.id);
  // @ts-expect-error a completion has no `choice`
  console.log(r.choice);

  const stream = await client.chat.completions.create({ model: 'deepseek-v4-pro', messages: [], stream: true });
  const s: Stream<unknown> = stream;
  for await (const chunk of stream) console.log(chunk.choices[0]?.delta.content);
  void s;

  const helper = client.messages.stream({ model: 'deepseek-v4-pro', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] });
  helper.on('text', (delta: string) => process.stdout.write(delta));
  const message = await helper.finalMessage();
  console.log(message.content, message.stop_reason);
  for await (const ev of await client.messages.create({ model: 'm', max_tokens: 1, messages: [], stream: true })) {
    const e: MessageStreamEvent = ev;
    if (e.type === 'content_block_delta') console.log(e.delta);
  }

  const job = await client.videos.generate({ model: 'seedance-2-0-pro', prompt: 'rain', duration: 8 });
  const j: Job = job;
  const video = await job.wait({ timeout: 60_000, onProgress: (state) => console.log(state.status, state.progress) });
  console.log(j.id, video.data);
  const done = await client.videos.generateAndWait({ model: 'seedance-2-0-pro', prompt: 'rain' }, { waitTimeout: 60_000 });
  console.log(done.data);

  for await (const event of client.account.usage.list({ limit: 100 })) console.log(event.id);
  const page = await client.playground.conversations.list({ limit: 10 });
  if (page.hasNextPage()) console.log((await page.getNextPage()).data.length);

  const t = await client.audio.transcriptions.create({ model: 'openai-whisper-1', file: await toFile(Buffer.from('x'), 'a.wav') });
  console.log(t);
  await client.hostedAgents.instances.rename('inst_1', 'Support Bot');
  await client.gpu.connect('gpu_1').chat.completions.create({ model: 'x', messages: [] });
  // @ts-expect-error `model` is required
  await client.embeddings.create({ input: 'x' });
  // @ts-expect-error the instance id is a string
  await client.hostedAgents.instances.retrieve(42);

  try {
    await client.models.retrieve('nope', { signal: AbortSignal.timeout(1000), headers: { 'x-trace': '1' } });
  } catch (e) {
    if (e instanceof APIError) console.log(e.status, e.code, e.requestID, e.headers?.get('x-request-id'));
  }
  const { data, response, request_id } = await client.models.list().withResponse();
  console.log(data, response.status, request_id);
}
