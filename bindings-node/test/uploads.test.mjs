// Upload inputs: a path, a Buffer, a Uint8Array, an ArrayBuffer, a Blob, a File, an
// fs.ReadStream, a Response, toFile(bytes, name, { type }); fields ride along as multipart text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load, useMock } from './support.mjs';

const el = await load();
const m = useMock();
const client = () => new el.EmpirioLabs({ apiKey: m.mock.apiKey, baseURL: m.mock.url });
const DATA = Buffer.from(Array.from({ length: 6000 }, (_, i) => i % 251));
const WHISPER = 'openai-whisper-1';
const dir = mkdtempSync(path.join(tmpdir(), 'empiriolabs-node-'));
const WAV = path.join(dir, 'meeting.wav');
writeFileSync(WAV, DATA);

async function filePart() {
  const entry = (await m.mock.requests({ path: '/v1/audio/transcriptions' })).at(-1);
  const parts = Object.fromEntries(entry.body.multipart.map((p) => [p.name, p]));
  assert.equal(parts.model.value, WHISPER);
  return parts.file;
}

const INPUTS = [
  ['a path', () => WAV, 'meeting.wav', 'audio/wav'],
  ['a Buffer', () => DATA, 'upload', 'application/octet-stream'],
  ['a Uint8Array', () => new Uint8Array(DATA), 'upload', 'application/octet-stream'],
  ['an ArrayBuffer', () => DATA.buffer.slice(DATA.byteOffset, DATA.byteOffset + DATA.length), 'upload', 'application/octet-stream'],
  ['a Blob', () => new Blob([DATA], { type: 'audio/wav' }), 'upload', 'audio/wav'],
  ['a File', () => new File([DATA], 'call.mp3', { type: 'audio/mpeg' }), 'call.mp3', 'audio/mpeg'],
  ['an fs.ReadStream', () => createReadStream(WAV), 'meeting.wav', 'audio/wav'],
  ['a Response', () => new Response(DATA), 'upload', 'application/octet-stream'],
  ['toFile', () => el.toFile(DATA, 'call.ogg', { type: 'audio/ogg' }), 'call.ogg', 'audio/ogg'],
  ['toFile without a type', () => el.toFile(DATA, 'call.wav'), 'call.wav', 'audio/wav'],
];

for (const [what, value, filename, mime] of INPUTS) {
  test(`an upload from ${what}`, async () => {
    const r = await client().audio.transcriptions.create({ file: await value(), model: WHISPER });
    assert.ok(r.text.startsWith(`Transcript of ${filename} (${DATA.length} bytes`), r.text);
    const part = await filePart();
    assert.equal(part.filename, filename);
    assert.equal(part.size, DATA.length);
    assert.equal(part.content_type, mime);
  });
}

test('fields ride along as multipart text; file_url is JSON', async () => {
  await client().audio.transcriptions.create({ file: WAV, model: WHISPER, language: 'en', temperature: 0.2 });
  let entry = (await m.mock.requests({ path: '/v1/audio/transcriptions' })).at(-1);
  const fields = Object.fromEntries(entry.body.multipart.map((p) => [p.name, p.value]));
  assert.equal(fields.language, 'en');
  assert.equal(fields.temperature, '0.2');
  assert.match(entry.headers['content-type'], /^multipart\/form-data/);
  await client().audio.transcriptions.create({ file_url: 'https://example.com/a.mp3', model: WHISPER });
  entry = (await m.mock.requests({ path: '/v1/audio/transcriptions' })).at(-1);
  assert.deepEqual(entry.body, { file_url: 'https://example.com/a.mp3', model: WHISPER });
  assert.equal(entry.headers['content-type'], 'application/json');
});

test('a missing file or an unusable input fails before the network', async () => {
  const seq = await m.mock.lastSeq();
  const missing = path.join(dir, 'nope.wav');
  await assert.rejects(client().audio.transcriptions.create({ file: missing, model: WHISPER }), (e) => e instanceof el.InvalidRequestError && e.param === 'file' && e.message.includes(missing));
  await assert.rejects(client().audio.transcriptions.create({ file: 12345, model: WHISPER }), TypeError);
  assert.deepEqual(await m.mock.since(seq), []);
});
