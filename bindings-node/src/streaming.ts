/**
 * Streams: `for await (const chunk of stream)` over the addon's batches of decoded events.
 * `break`, `return()`, `close()`, `controller.abort()` or the call's `signal` closes the
 * connection; a stream cut without its terminator, or carrying an error event, throws a
 * `StreamError`. A stream can be consumed once (`tee()` splits it).
 */

import type { NativeStream } from './native/index';
import { callSite, EmpirioLabsError, fromNative, type CallSite } from './errors';
import { noop, parseMeta, type ResponseMeta } from './core';

/** Events fetched per crossing of the addon boundary, at most. */
const BATCH = 512;

/** A batch as the addon hands it over: the events' JSON texts back to back, and where each ends. */
type Batch = [Buffer, number[]];

const EMPTY: Buffer = Buffer.alloc(0);

/** One event's text as a batch of one. */
function packed(text: string): Batch {
  const b = Buffer.from(text);
  return [b, [b.length]];
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export class Stream<Item = any> implements AsyncIterable<Item> {
  #native: NativeStream;
  #metaJson: string;
  #meta: ResponseMeta | undefined;
  #release: () => void;
  #consumed = false;
  #finished = false;
  #controller: AbortController | undefined;

  /** @internal */
  constructor(native: NativeStream, metaJson: string, release: () => void) {
    this.#native = native;
    this.#metaJson = metaJson;
    this.#release = release;
  }

  /** Status, headers and request id of the response the stream came in. */
  get meta(): ResponseMeta {
    return (this.#meta ??= parseMeta(this.#metaJson));
  }

  get requestID(): string | null {
    return this.meta.request_id;
  }

  /** The stream's wire convention: `openai`, `anthropic`, `responses` or `typed`. */
  get flavor(): string {
    return this.#native.flavor;
  }

  /** Aborting it closes the stream (as in openai-node). */
  get controller(): AbortController {
    if (this.#controller === undefined) {
      const c = new AbortController();
      c.signal.addEventListener('abort', () => this.close(), { once: true });
      this.#controller = c;
    }
    return this.#controller;
  }

  /** Closes the connection now; a pending read ends. */
  close(): void {
    this.#finish();
  }

  #finish(): void {
    if (!this.#finished) {
      this.#finished = true;
      this.#native.close();
      this.#release();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Item> {
    if (this.#consumed) {
      throw new EmpirioLabsError('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    }
    this.#consumed = true;
    const native = this.#native;
    const site: CallSite = callSite(this[Symbol.asyncIterator]);
    // The batch being read: the events' JSON texts back to back, and where each ends.
    let bytes = EMPTY;
    let ends: number[] = [];
    let i = 0;
    let at = 0;
    let ended = false;
    // The next batch is asked for as soon as one arrives, so the core decodes it while this
    // thread reads the last one; a failure waits in it until the reader gets there. A batch
    // stays bytes off the JavaScript heap: each event becomes a string, and then an object,
    // only when the reader reaches it.
    let ahead: Promise<Batch | null> | null = null;
    const ask = () => {
      const p = native.nextBatch(BATCH);
      p.catch(noop);
      return p;
    };
    const end = () => {
      ended = true;
      ahead = null;
      bytes = EMPTY;
      this.#finish();
    };
    const take = (): IteratorResult<Item> => {
      const e = ends[i++]!;
      const value = JSON.parse(bytes.toString('utf8', at, e));
      at = e;
      if (i === ends.length) bytes = EMPTY;
      return { value, done: false };
    };
    return {
      next: (): Promise<IteratorResult<Item>> => {
        if (i < ends.length) return Promise.resolve(take());
        if (ended || this.#finished) return Promise.resolve(DONE);
        const got = ahead ?? ask();
        ahead = null;
        return got.then(
          (b) => {
            if (b === null) {
              end();
              return DONE;
            }
            [bytes, ends] = b;
            i = 0;
            at = 0;
            if (!this.#finished) ahead = ask();
            return take();
          },
          (e) => {
            end();
            throw fromNative(e, site);
          },
        );
      },
      return: (): Promise<IteratorResult<Item>> => {
        end();
        return Promise.resolve(DONE);
      },
    };
  }

  /** @internal Every event with the text it adds (the core's reading of it), for the stream helpers. */
  async *_withText(): AsyncGenerator<[Item, string | null]> {
    if (this.#consumed) throw new EmpirioLabsError('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    this.#consumed = true;
    const site = callSite(this._withText);
    const ask = () => {
      const p = this.#native.nextBatchWithText(BATCH);
      p.catch(noop);
      return p;
    };
    try {
      let ahead = ask();
      for (;;) {
        let got;
        try {
          got = await ahead;
        } catch (e) {
          throw fromNative(e, site);
        }
        if (got === null) return;
        ahead = ask();
        const [bytes, ends, texts] = got;
        let at = 0;
        for (let i = 0; i < ends.length; i++) {
          yield [JSON.parse(bytes.toString('utf8', at, ends[i])), texts[i] ?? null];
          at = ends[i]!;
        }
      }
    } finally {
      this.#finish();
    }
  }

  /** @internal What the stream folded into, once it was read to its end. */
  async _folded(): Promise<any> {
    const v = await this.#native.finalValue().catch((e) => {
      throw fromNative(e);
    });
    return v === null ? null : JSON.parse(v);
  }

  /**
   * Reads what is left and returns what the stream folds into: the chat completion,
   * completion, response, message, answer, speech or last agent-task event (`null` for
   * streams that fold into nothing). A failed stream throws its error.
   */
  async finalValue(): Promise<any> {
    if (this.#consumed) throw new EmpirioLabsError('The stream was already consumed.');
    this.#consumed = true;
    const site = callSite(this.finalValue);
    try {
      const v = await this.#native.finalValue();
      return v === null ? null : JSON.parse(v);
    } catch (e) {
      throw fromNative(e, site);
    } finally {
      this.#finish();
    }
  }

  /** Splits the stream into two that each see every event (read at the pace of the faster). */
  tee(): [Stream<Item>, Stream<Item>] {
    const it = this[Symbol.asyncIterator]();
    const queues: IteratorResult<Item>[][] = [[], []];
    let pending: Promise<void> | null = null;
    let failure: { e: unknown } | null = null;
    const closed = [false, false];
    const pull = () =>
      (pending ??= it.next().then(
        (r) => {
          queues[0]!.push(r);
          queues[1]!.push(r);
          pending = null;
        },
        (e) => {
          failure = { e };
          pending = null;
        },
      ));
    const side = (n: 0 | 1): Stream<Item> => {
      const q = queues[n]!;
      const fake = {
        nextBatch: async (): Promise<Batch | null> => {
          while (q.length === 0) {
            if (failure) throw failure.e;
            await pull();
          }
          const r = q.shift()!;
          return r.done ? null : packed(JSON.stringify(r.value));
        },
        finalValue: async () => null,
        close: () => {
          closed[n] = true;
          q.length = 0;
          if (closed[0] && closed[1]) it.return?.();
        },
      } as unknown as NativeStream;
      return new Stream<Item>(fake, this.#metaJson, () => {});
    };
    return [side(0), side(1)];
  }

  /**
   * The events as a byte stream of JSON lines (one event a line), as openai-node's
   * `toReadableStream()`; cancelling it closes the connection.
   */
  toReadableStream(): ReadableStream<Uint8Array> {
    const it = this[Symbol.asyncIterator]();
    const enc = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      async pull(c) {
        try {
          const r = await it.next();
          if (r.done) c.close();
          else c.enqueue(enc.encode(JSON.stringify(r.value) + '\n'));
        } catch (e) {
          c.error(e);
        }
      },
      async cancel() {
        await it.return?.();
      },
    });
  }

  /** `await using stream = await client.chat.completions.create({..., stream: true})` closes it at scope end. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
