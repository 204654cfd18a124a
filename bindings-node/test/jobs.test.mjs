// Job handles (wait with progress and a deadline, refresh, cancel, *AndWait, handles by id) and
// agent tasks (held runs, follow-ups, stop, wait).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, useMock } from './support.mjs';

const el = await load();
const m = useMock();
const client = () => new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url });
const VIDEO = { model: 'seedance-2-0-pro', prompt: 'Rain at dusk', duration: 5 };
const FAST = { pollInterval: 50, maxPollInterval: 100 };
const jobMs = (ms) => ({ headers: { 'x-mock-job-ms': String(ms) } });
const TASK = { model: 'manus', input: 'Find three seed rounds.' };
const WAV = () => el.toFile(Buffer.from(Array.from({ length: 6400 }, (_, i) => i % 251)), 'meeting.wav', { type: 'audio/wav' });

test('wait reports rising progress and returns the result', async () => {
  const job = await client().videos.generate(VIDEO, jobMs(800));
  assert.ok(job instanceof el.Job);
  assert.match(job.id, /^job_/);
  assert.equal(job.status, 'processing');
  assert.equal(job.meta.status, 202);
  assert.match(job.requestID, /^req_/);
  const seen = [];
  const video = await job.wait({ timeout: 10_000, onProgress: (s) => seen.push(s), ...FAST });
  const progress = seen.map((s) => s.progress);
  assert.ok(progress.length >= 3, String(progress));
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
  assert.ok(seen.every((s) => s.job_id === job.id));
  assert.match(video.data[0].url, /^https:\/\//);
  assert.equal(job.status, 'completed');
  const polls = await m.mock.requests({ path: `/v1/jobs/${job.id}` });
  assert.ok(polls.length >= 3 && polls.every((p) => p.method === 'GET' && p.auth.valid));
});

test('a throwing onProgress ends the wait with its error', async () => {
  const job = await client().videos.generate(VIDEO, jobMs(2000));
  const boom = new Error('boom');
  await assert.rejects(job.wait({ onProgress: () => { throw boom; }, ...FAST }), (e) => e === boom);
});

test('refresh and cancel; a cancelled job fails its wait', async () => {
  const job = await client().research.create({ model: 'tavily-research', query: 'Fed sentiment' }, jobMs(60_000));
  const state = await job.refresh();
  assert.equal(state.job_id, job.id);
  assert.equal(state.status, 'processing');
  const cancelled = await job.cancel();
  assert.equal(cancelled.status, 'failed');
  assert.equal(cancelled.error.code, 'cancelled');
  await assert.rejects(job.wait({ timeout: 5000, ...FAST }), (e) => e instanceof el.JobFailedError && e.jobID === job.id && e.code === 'cancelled' && e.type === 'job_cancelled');
});

test('a failed job, an expired job, and an unknown id', async () => {
  const c = client();
  const failed = await c.videos.generate(VIDEO, { headers: { 'x-mock-job-outcome': 'failed' } });
  await assert.rejects(failed.wait(FAST), (e) => e instanceof el.JobFailedError && !(e instanceof el.JobExpiredError) && e.code === 'upstream_error');
  const done = await c.videos.generate(VIDEO, jobMs(0));
  await new Promise((r) => setTimeout(r, 2300)); // the mock keeps finished jobs for 2 s
  await assert.rejects(done.wait(FAST), (e) => e instanceof el.JobExpiredError && e instanceof el.NotFoundError && e.status === 404 && e.jobID === done.id);
  await assert.rejects(c.jobs.retrieve('job_unknown'), (e) => e instanceof el.NotFoundError && !(e instanceof el.JobExpiredError) && e.code === 'job_not_found');
});

test('a wait past its deadline is a JobTimeoutError and leaves the handle usable', async () => {
  const job = await client().videos.generate(VIDEO, jobMs(2500));
  const t = Date.now();
  await assert.rejects(job.wait({ timeout: 300, ...FAST }), (e) => e instanceof el.JobTimeoutError && e.jobID === job.id && e.lastStatus === 'processing' && e.waited >= 0.3);
  assert.ok(Date.now() - t < 2000, "the deadline holds to within a poll, not the job's 2.5 s");
  assert.equal((await job.wait({ timeout: 10_000, ...FAST })).data[0].duration, 5);
});

test('*AndWait helpers, inline answers passing straight through', async () => {
  const c = client();
  const quick = { headers: { 'x-mock-job-ms': '100' }, waitTimeout: 10_000 };
  assert.match((await c.images.generateAndWait({ model: 'wan2-7-image', prompt: 'A glass cathedral' }, quick)).data[0].url, /\/0\.png\?/);
  assert.ok((await c.images.generateAndWait({ model: 'wan2-7-image', prompt: 'x', sync: true })).data[0].url);
  assert.equal((await c.videos.generateAndWait(VIDEO, quick)).data[0].content_type, 'video/mp4');
  assert.equal((await c.threeD.generateAndWait({ model: 'trellis-2-4b', image_url: 'https://example.com/p.png' }, quick)).data[0].content_type, 'model/gltf-binary');
  assert.match((await c.research.createAndWait({ model: 'tavily-research', query: 'q' }, quick)).citations[0].url, /^https:/);
  assert.equal((await c.audio.generations.createAndWait({ model: 'stable-audio-2-5', prompt: 'Lo-fi', duration: 120 }, quick)).data[0].duration, 120);
  const seen = [];
  const long = await c.audio.transcriptions.createAndWait(
    { file: await WAV(), model: 'openai-whisper-1' },
    { onProgress: (s) => seen.push(s), headers: { 'x-mock-audio-seconds': '900', 'x-mock-job-ms': '100' } },
  );
  assert.equal(long.duration, 900);
  assert.ok(seen.length > 0);
  const short = await c.audio.transcriptions.createAndWait({ file: await WAV(), model: 'openai-whisper-1' });
  assert.ok(short.text.startsWith('Transcript of meeting.wav') && short.duration < 300);
});

test('a handle for an existing job', async () => {
  const c = client();
  const id = (await c.videos.generate(VIDEO)).id;
  const h = c.jobs.handle(id);
  assert.ok(h instanceof el.Job && h.id === id && h.meta === null);
  assert.equal((await h.wait({ timeout: 10_000, ...FAST })).data[0].duration, 5);
  assert.equal((await c.jobs.retrieve(id)).status, 'completed');
  assert.ok((await c.jobs.list()).data.some((j) => j.job_id === id));
});

test('agents: a held run, a follow-up, messages, wait', async () => {
  const c = client();
  const task = await c.agents.run({ ...TASK, stream: false }, { headers: { 'x-mock-job-ms': '1500', 'x-mock-max-wait-ms': '50' } });
  assert.ok(['queued', 'running'].includes(task.status));
  const up = await c.agents.followUp(task.task_id, { model: 'manus', input: 'Add each lead investor.' }, { headers: { 'x-mock-max-wait-ms': '50' } });
  assert.equal(up.task_id, task.task_id);
  assert.deepEqual((await m.mock.requests({ path: '/v1/agents/run' })).at(-1).body, { model: 'manus', input: 'Add each lead investor.', task_id: task.task_id, stream: false });
  const done = await c.agents.wait(task.task_id, { timeout: 10_000, pollInterval: 50 });
  assert.equal(done.status, 'completed');
  assert.ok(done.output.endsWith('Follow-up: Add each lead investor.'));
  const messages = await c.agents.messages(task.task_id);
  assert.equal(messages.object, 'agent.messages');
  const started = await c.agents.start(TASK, { headers: { 'x-mock-job-ms': '100' } });
  assert.match(started.task_id, /^task_/);
  const held = await c.agents.create(TASK, { headers: { 'x-mock-job-ms': '100' } });
  assert.equal(held.status, 'completed');
});

test('agents: a follow-up as a stream; stop; a failed task; a deadline', async () => {
  const c = client();
  const task = await c.agents.run({ ...TASK, stream: false }, { headers: { 'x-mock-job-ms': '100' } });
  const kinds = [];
  for await (const e of await c.agents.followUp(task.task_id, { model: 'manus', input: 'More.', stream: true })) kinds.push(e.type);
  assert.equal(kinds[0], 'task.follow_up');
  assert.equal(kinds.at(-1), 'task.completed');
  const long = await c.agents.run({ ...TASK, stream: false }, { headers: { 'x-mock-job-ms': '60000', 'x-mock-max-wait-ms': '50' } });
  assert.equal((await c.agents.stop(long.task_id)).status, 'stopped');
  assert.equal((await c.agents.wait(long.task_id, { timeout: 5000 })).status, 'stopped');
  await assert.rejects(c.agents.followUp(long.task_id, { model: 'manus', input: 'More.' }), el.ConflictError);
  const failed = await c.agents.run({ ...TASK, stream: false }, { headers: { 'x-mock-job-outcome': 'failed', 'x-mock-job-ms': '100' } });
  await assert.rejects(c.agents.wait(failed.task_id, { timeout: 5000, pollInterval: 50 }), (e) => e instanceof el.JobFailedError && e.code === 'upstream_error');
  const slow = await c.agents.run({ ...TASK, stream: false }, { headers: { 'x-mock-job-ms': '60000', 'x-mock-max-wait-ms': '50' } });
  await assert.rejects(c.agents.wait(slow.task_id, { timeout: 300, pollInterval: 50 }), el.JobTimeoutError);
  const seq = await m.mock.lastSeq();
  await assert.rejects(c.agents.followUp('task_x', { input: 'More.' }), (e) => e instanceof el.InvalidRequestError && e.param === 'model');
  assert.deepEqual(await m.mock.since(seq), []);
});
