/**
 * What every call shares: per-request options, the promise a call returns (`APIPromise`, with
 * `.withResponse()` and `.asResponse()`), and the translation of the addon's answers. The
 * addon does the work; this module only moves values across and maps errors.
 */

import type { NativeFile, NativeJob, NativeStream } from './native/index';
import { NativeToken } from './native/index';
import { APIUserAbortError, fromNative, type CallSite } from './errors';

/** Settings for one call, as in openai-node. Durations are milliseconds. */
export interface RequestOptions {
  /** Bounds each attempt (connect, headers and, for a whole answer, its body); default 600000. */
  timeout?: number;
  /** Bounds each wait for a stream's next event (default 300000). */
  streamIdleTimeout?: number;
  maxRetries?: number;
  /** Aborts the call, or the stream it opened, with `APIUserAbortError`. */
  signal?: AbortSignal | null;
  /** Extra headers (they replace the client's defaults of the same name). */
  headers?: HeadersLike;
  /** Extra query parameters. */
  query?: Record<string, unknown>;
  /** Extra body fields, merged into the JSON body. */
  body?: Record<string, unknown>;
}

export type HeadersLike = Record<string, string | null | undefined> | Headers | Iterable<readonly [string, string]>;

/** Status, headers and request id of an answer. */
export interface ResponseMeta {
  status: number;
  headers: [string, string][];
  request_id: string | null;
}

/** A call as the generated resources describe it. */
export interface CallSpec {
  path?: Record<string, string>;
  query?: Record<string, unknown>;
  body?: Record<string, unknown> | null;
  method?: string;
  /** Body fields that hold uploads (sent as multipart). */
  files?: readonly string[];
}

/** What the addon answered: `[kind, payload, metaJson]`. */
export type NativeAnswer = [string, string | Buffer | NativeStream | NativeJob, string];

/** An answer, with what is needed to shape it. */
export interface RawAnswer {
  kind: string;
  payload: string | Buffer | NativeStream | NativeJob;
  metaJson: string;
  /** Ends the call's abort listener; streams keep it until they end. */
  release: () => void;
  token: NativeToken | null;
  /** Anything else the shaping needs (a page's `hasNextPage`). */
  extra?: unknown;
}

export function headerPairs(h: HeadersLike | undefined): [string, string][] {
  if (h == null) return [];
  const out: [string, string][] = [];
  if (typeof (h as Headers).forEach === 'function' && typeof (h as Headers).get === 'function') {
    (h as Headers).forEach((v, k) => out.push([k, v]));
  } else if (Symbol.iterator in (h as object)) {
    for (const [k, v] of h as Iterable<readonly [string, string]>) out.push([k, String(v)]);
  } else {
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
      if (v != null) out.push([k, String(v)]);
    }
  }
  return out;
}

function queryText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** Query parameters as pairs: `undefined` and `null` are left out, an array repeats its name. */
export function queryPairs(q: Record<string, unknown> | undefined, out: [string, string][] = []): [string, string][] {
  if (q == null) return out;
  for (const [k, v] of Object.entries(q)) {
    if (v == null) continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x != null) out.push([k, queryText(x)]);
    } else {
      out.push([k, queryText(v)]);
    }
  }
  return out;
}

const OPTION_KEYS = new Set(['timeout', 'streamIdleTimeout', 'maxRetries', 'signal', 'headers', 'query', 'body']);

/** The addon's JSON arguments for a call. */
export function argsJson(spec: CallSpec, options: RequestOptions | undefined, body: unknown): string {
  const o = options ?? {};
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.has(k)) throw new TypeError(`unknown request option \`${k}\` (known: ${[...OPTION_KEYS].join(', ')})`);
  }
  return JSON.stringify({
    path: spec.path ? Object.entries(spec.path) : [],
    query: queryPairs(spec.query),
    body: body ?? null,
    method: spec.method ?? null,
    options: {
      timeout: o.timeout ?? null,
      streamIdleTimeout: o.streamIdleTimeout ?? null,
      maxRetries: o.maxRetries ?? null,
      headers: headerPairs(o.headers),
      query: queryPairs(o.query),
      extraBody: o.body ?? {},
    },
  });
}

/**
 * Ties a call to `signal`: an aborted signal throws `APIUserAbortError` at once; otherwise one
 * `abort` listener trips a fresh token, until `release()` (called when the call settles, or
 * when the stream it opened ends). With `want`, a token is made even without a signal.
 */
export function abortLink(signal: AbortSignal | null | undefined, want = false): { token: NativeToken | null; release: () => void } {
  if (signal == null) return { token: want ? new NativeToken() : null, release: noop };
  if (signal.aborted) throw new APIUserAbortError();
  const token = new NativeToken();
  const onAbort = () => token.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  let released = false;
  return {
    token,
    release: () => {
      if (!released) {
        released = true;
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

export const noop = () => {};

/** Parses the meta of an answer. */
export function parseMeta(metaJson: string): ResponseMeta {
  const m = JSON.parse(metaJson || '{}');
  return { status: m.status ?? 0, headers: m.headers ?? [], request_id: m.request_id ?? null };
}

/** Sends a call through the addon. */
export function invoke(
  native: { invoke(op: string, args: string, files?: NativeFile[] | null, token?: NativeToken | null): Promise<NativeAnswer> },
  op: string,
  args: string,
  files: NativeFile[] | null,
  signal: AbortSignal | null | undefined,
  site: CallSite,
): Promise<RawAnswer> {
  let link;
  try {
    link = abortLink(signal);
  } catch (e) {
    return Promise.reject(e);
  }
  const { token, release } = link;
  return native.invoke(op, args, files, token).then(
    (a) => {
      if (a[0] !== 'stream') release();
      return { kind: a[0], payload: a[1], metaJson: a[2], release, token };
    },
    (e) => {
      release();
      throw fromNative(e, site);
    },
  );
}

const SSE_DATA = Buffer.from('data: ');
const SSE_END = Buffer.from('\n\n');

/** The web `Response` of an answer, for `asResponse()`. */
function toResponse(raw: RawAnswer): Response {
  const meta = parseMeta(raw.metaJson);
  const init = { status: meta.status || 200, headers: meta.headers };
  const p = raw.payload;
  if (typeof p === 'string' || Buffer.isBuffer(p)) return new Response(p, init);
  if (raw.kind === 'job') return new Response((p as NativeJob).snapshot(), init);
  // A stream's events, re-encoded as server-sent events.
  const s = p as NativeStream;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      try {
        const batch = await s.nextBatch(256);
        if (batch === null) {
          raw.release();
          c.close();
          return;
        }
        const [bytes, ends] = batch;
        const parts: Buffer[] = [];
        let at = 0;
        for (const e of ends) {
          parts.push(SSE_DATA, bytes.subarray(at, e), SSE_END);
          at = e;
        }
        c.enqueue(Buffer.concat(parts));
      } catch (e) {
        raw.release();
        c.error(fromNative(e));
      }
    },
    cancel() {
      s.close();
      raw.release();
    },
  });
  return new Response(body, init);
}

/**
 * The promise a call returns: await it for the shaped answer, or ask for the answer with its
 * response (`withResponse()`) or for the response alone (`asResponse()`). The request starts
 * at once; shaping happens when the answer is first asked for.
 */
export class APIPromise<T> extends Promise<T> {
  #raw: Promise<RawAnswer>;
  #shape: (raw: RawAnswer) => T;
  #shaped: Promise<T> | undefined;

  constructor(raw: Promise<RawAnswer>, shape: (raw: RawAnswer) => T) {
    super((resolve) => resolve(null as T));
    this.#raw = raw;
    this.#shape = shape;
  }

  #value(): Promise<T> {
    return (this.#shaped ??= this.#raw.then(this.#shape));
  }

  /** The web `Response` (status, headers, body) without shaping the answer. */
  asResponse(): Promise<Response> {
    return this.#raw.then(toResponse);
  }

  /** The shaped answer with its `Response` and request id. */
  async withResponse(): Promise<{ data: T; response: Response; request_id: string | null }> {
    const raw = await this.#raw;
    const data = await this.#value();
    const meta = parseMeta(raw.metaJson);
    const response = new Response(null, { status: meta.status || 200, headers: meta.headers });
    return { data, response, request_id: meta.request_id };
  }

  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#value().then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#value().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#value().finally(onfinally);
  }
}
