/**
 * Upload inputs: a path, a Buffer, a Uint8Array or ArrayBuffer, a Blob or File, an
 * `fs.ReadStream` (or any async iterable of bytes), a fetch `Response`, or `toFile(bytes, name,
 * { type })`. A path is read by the core before the request, so a missing file fails before the
 * network; the MIME type, when not given, is guessed by the core from the file name.
 */

import { basename } from 'node:path';
import type { NativeFile } from './native/index';

/** A file in memory with its name and MIME type, as `toFile` makes it. */
export class FileLike {
  readonly name: string;
  readonly type: string | undefined;
  readonly data: Buffer;

  constructor(data: Buffer, name: string, type?: string) {
    this.data = data;
    this.name = name;
    this.type = type || undefined;
  }

  get size(): number {
    return this.data.length;
  }
}

export type Uploadable =
  | string
  | FileLike
  | Buffer
  | Uint8Array
  | ArrayBuffer
  | Blob
  | Response
  | AsyncIterable<Uint8Array | string>;

function isBlob(v: unknown): v is Blob {
  return typeof Blob !== 'undefined' && v instanceof Blob;
}

function nameOf(v: unknown): string | undefined {
  const n = (v as { name?: unknown; path?: unknown })?.name ?? (v as { path?: unknown })?.path;
  return typeof n === 'string' && n ? basename(n) : undefined;
}

async function bytesOf(v: Exclude<Uploadable, string | FileLike>): Promise<Buffer> {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (isBlob(v) || (typeof Response !== 'undefined' && v instanceof Response)) return Buffer.from(await (v as Blob).arrayBuffer());
  if (v != null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const parts: Buffer[] = [];
    for await (const c of v as AsyncIterable<Uint8Array | string>) parts.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
    return Buffer.concat(parts);
  }
  throw new TypeError('an upload must be a path, Buffer, Uint8Array, ArrayBuffer, Blob, File, Response, fs.ReadStream, or toFile(...)');
}

/** A named file from bytes, a Blob, a stream or a `Response` (openai-node's `toFile`). */
export async function toFile(value: Exclude<Uploadable, string> | PromiseLike<Exclude<Uploadable, string>>, name?: string | null, options: { type?: string } = {}): Promise<FileLike> {
  const v = await value;
  if (v instanceof FileLike) return new FileLike(v.data, name ?? v.name, options.type ?? v.type);
  const type = options.type ?? (isBlob(v) ? v.type : undefined);
  return new FileLike(await bytesOf(v), name ?? nameOf(v) ?? 'upload', type);
}

/** The addon's form of an upload in field `field`. */
export async function toNativeFile(field: string, v: Uploadable): Promise<NativeFile> {
  if (typeof v === 'string') return { name: field, path: v };
  if (v instanceof FileLike) return { name: field, filename: v.name, contentType: v.type, data: v.data };
  const f = await toFile(v);
  return { name: field, filename: f.name, contentType: f.type, data: f.data };
}
