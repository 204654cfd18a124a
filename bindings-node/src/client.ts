/**
 * `EmpirioLabs`: configuration, every namespace of the surface table, and the shaping of the
 * addon's answers into objects, streams, job handles and pages.
 */

import { inspect } from 'node:util';
import { NativeClient } from './native/index';
import type { NativeFile, NativeJob, NativeStream } from './native/index';
import { abortLink, APIPromise, argsJson, headerPairs, invoke, parseMeta, queryPairs, type CallSpec, type HeadersLike, type RawAnswer, type RequestOptions } from './core';
import { callSite, fromNative, type CallSite } from './errors';
import { Job, nativeWait, type WaitOptions } from './jobs';
import { fetchPage, Page, PagePromise } from './pagination';
import { NAMESPACES, type Namespaces } from './resources';
import { Stream } from './streaming';
import { toNativeFile, type Uploadable } from './uploads';

export interface ClientOptions {
  /** Defaults to `process.env.EMPIRIOLABS_API_KEY`. Public endpoints work without one. */
  apiKey?: string | null;
  /** Defaults to `process.env.EMPIRIOLABS_BASE_URL`, else `https://api.empiriolabs.ai`. */
  baseURL?: string | null;
  /** Milliseconds each attempt of a call may take (default 600000, 10 minutes). */
  timeout?: number;
  /** Milliseconds to connect (default 10000). */
  connectTimeout?: number;
  /** Milliseconds a stream may stay silent (default 300000). */
  streamIdleTimeout?: number;
  /** Retries of a failed call, where retrying is safe (default 2). */
  maxRetries?: number;
  defaultHeaders?: HeadersLike;
  defaultQuery?: Record<string, string | number | boolean | null | undefined>;
  /** Replaces the user agent (default `empiriolabs-node/<version> (core <version>; <os>)`). */
  userAgent?: string;
  /** Which header carries the key: `authorization` (`Bearer <key>`, the default) or `x-api-key`. */
  authHeader?: 'authorization' | 'x-api-key';
  /** The first and longest waits of the retry backoff, in ms (defaults 500 and 8000). */
  retryBackoff?: { initial: number; max: number };
}

function readEnv(name: string): string | undefined {
  const v = typeof process !== 'undefined' ? process.env[name]?.trim() : undefined;
  return v ? v : undefined;
}

/** The settings of each client, kept out of the object so the key never shows in it. */
const SETTINGS = new WeakMap<EmpirioLabs, ClientOptions>();

function shape(raw: RawAnswer): any {
  switch (raw.kind) {
    case 'json': {
      const v = JSON.parse(raw.payload as string);
      if (v !== null && typeof v === 'object') {
        const metaJson = raw.metaJson;
        Object.defineProperty(v, '_request_id', { get: () => parseMeta(metaJson).request_id, enumerable: false, configurable: true });
      }
      return v;
    }
    case 'stream':
      return new Stream(raw.payload as NativeStream, raw.metaJson, raw.release);
    case 'job':
      return new Job(raw.payload as NativeJob, raw.metaJson);
    default:
      // `text` (a string) or `bytes` (a Buffer).
      return raw.payload;
  }
}

export interface EmpirioLabs extends Namespaces {}

export class EmpirioLabs {
  /** Where calls go. */
  readonly baseURL: string;
  readonly timeout: number | undefined;
  readonly maxRetries: number | undefined;
  #native: NativeClient;

  constructor(options: ClientOptions = {}) {
    const settings: ClientOptions = {
      ...options,
      apiKey: options.apiKey !== undefined ? options.apiKey : readEnv('EMPIRIOLABS_API_KEY'),
      baseURL: options.baseURL != null ? options.baseURL : readEnv('EMPIRIOLABS_BASE_URL'),
    };
    const defaultQuery = queryPairs(settings.defaultQuery as Record<string, unknown> | undefined);
    try {
      this.#native = new NativeClient(
        JSON.stringify({
          apiKey: settings.apiKey ?? '',
          baseURL: settings.baseURL ?? null,
          timeout: settings.timeout ?? null,
          connectTimeout: settings.connectTimeout ?? null,
          streamIdleTimeout: settings.streamIdleTimeout ?? null,
          maxRetries: settings.maxRetries ?? null,
          defaultHeaders: headerPairs(settings.defaultHeaders),
          defaultQuery,
          userAgent: settings.userAgent ?? null,
          authHeader: settings.authHeader ?? null,
          retryBackoff: settings.retryBackoff ?? null,
        }),
      );
    } catch (e) {
      throw fromNative(e, callSite(EmpirioLabs));
    }
    SETTINGS.set(this, settings);
    this.baseURL = this.#native.baseURL;
    this.timeout = settings.timeout;
    this.maxRetries = settings.maxRetries;
  }

  /** Whether the client has an API key (the key itself is never shown). */
  get hasApiKey(): boolean {
    return this.#native.hasApiKey;
  }

  /** A copy of this client with some settings changed. */
  withOptions(overrides: ClientOptions): EmpirioLabs {
    return new EmpirioLabs({ ...SETTINGS.get(this), ...overrides });
  }

  /**
   * A generated output URL (signed, valid 7 days; no key is sent): its bytes, or with `path`,
   * saved there in constant memory (the file is complete, or not there) and its byte count.
   */
  download(url: string, options?: { signal?: AbortSignal | null }): Promise<Buffer>;
  download(url: string, path: string, options?: { signal?: AbortSignal | null }): Promise<number>;
  async download(url: string, pathOrOptions?: string | { signal?: AbortSignal | null }, maybeOptions?: { signal?: AbortSignal | null }): Promise<Buffer | number> {
    const site = callSite(this.download);
    const path = typeof pathOrOptions === 'string' ? pathOrOptions : undefined;
    const options = (typeof pathOrOptions === 'string' ? maybeOptions : pathOrOptions) ?? {};
    const { token, release } = abortLink(options.signal);
    try {
      return path === undefined ? await this.#native.download(url, token) : await this.#native.downloadTo(url, path, token);
    } catch (e) {
      throw fromNative(e, site);
    } finally {
      release();
    }
  }

  /** `download(url, path)`. */
  downloadTo(url: string, path: string, options: { signal?: AbortSignal | null } = {}): Promise<number> {
    return this.download(url, path, options);
  }

  /** @internal One call of operation `op`; `above` is the frame the error stack starts under. */
  _call(op: string, spec: CallSpec, options: RequestOptions | undefined, above: Function): APIPromise<any> {
    const site = callSite(above);
    let raw: Promise<RawAnswer>;
    try {
      let body: Record<string, unknown> | null | undefined = spec.body;
      let uploads: Promise<NativeFile[]> | null = null;
      if (spec.files && body) {
        const rest: Record<string, unknown> = { ...body };
        const found: Promise<NativeFile>[] = [];
        for (const f of spec.files) {
          if (rest[f] != null) found.push(toNativeFile(f, rest[f] as Uploadable));
          delete rest[f];
        }
        body = rest;
        if (found.length) uploads = Promise.all(found);
      }
      const args = argsJson(spec, options, body);
      raw = uploads
        ? uploads.then((files) => invoke(this.#native, op, args, files, options?.signal, site))
        : invoke(this.#native, op, args, null, options?.signal, site);
    } catch (e) {
      raw = Promise.reject(e);
    }
    return new APIPromise(raw, shape);
  }

  /** @internal A list walked page by page. */
  _pages(op: string, spec: CallSpec, options: RequestOptions | undefined, above: Function): PagePromise<any> {
    const site: CallSite = callSite(above);
    let raw: Promise<RawAnswer>;
    let pager: ReturnType<NativeClient['pager']> | undefined;
    try {
      const { signal, ...rest } = options ?? {};
      pager = this.#native.pager(op, argsJson(spec, rest, null));
      raw = fetchPage(pager, signal, above).then((r) => r ?? Promise.reject(new Error('the list gave no page')));
    } catch (e) {
      raw = Promise.reject(fromNative(e, site));
    }
    return new PagePromise(raw, (r) => new Page(pager!, r, options?.signal));
  }

  /** @internal A handle for an existing job. */
  _job(jobId: string): Job {
    return new Job(this.#native.job(jobId));
  }

  /** @internal Waits for an agent task to end. */
  _agentWait(taskId: string, options: WaitOptions, above: Function): Promise<any> {
    return nativeWait((o, cb, t) => this.#native.agentWait(taskId, o, cb, t), options, above);
  }

  toJSON(): Record<string, unknown> {
    return { baseURL: this.baseURL, hasApiKey: this.hasApiKey, timeout: this.timeout, maxRetries: this.maxRetries };
  }

  [inspect.custom](): string {
    return `EmpirioLabs ${inspect(this.toJSON())}`;
  }
}

// Each namespace is made on first use and kept on the client, so a client costs its settings
// and its connection pool, not the 40-odd namespace objects it may never touch.
for (const [name, Ns] of Object.entries(NAMESPACES)) {
  Object.defineProperty(EmpirioLabs.prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: EmpirioLabs) {
      const ns = new Ns(this);
      Object.defineProperty(this, name, { value: ns, enumerable: false, writable: false, configurable: true });
      return ns;
    },
  });
}
