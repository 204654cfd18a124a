/**
 * The stream helpers of openai-node and @anthropic-ai/sdk: `chat.completions.stream()` gives a
 * `ChatCompletionStream`, `messages.stream()` a `MessageStream`, `responses.stream()` a
 * `ResponseStream`, the other `stream()` helpers a `StreamHelper`. Each is returned at once (the
 * request starts then), reads its stream as it arrives, emits events to listeners (`on`,
 * `once`, `off`, `emitted`), and can also be iterated (`for await`) and awaited for the final
 * value the core folds the stream into. The text of each event is the core's reading of it.
 */

import { APIUserAbortError } from './errors';
import type { Stream } from './streaming';

type Listener = (...args: any[]) => void;

/** A stream's events as they arrive, with listeners and the folded final value. */
export class StreamHelper<Item = any, Final = any> implements AsyncIterable<Item> {
  #listeners = new Map<string, { fn: Listener; once: boolean }[]>();
  #queue: Item[] = [];
  #waiting: { resolve: (r: IteratorResult<Item>) => void; reject: (e: unknown) => void }[] = [];
  #stream: Stream<Item> | undefined;
  #ended = false;
  #aborted = false;
  #error: unknown = undefined;
  #text = '';
  #final: Promise<Final>;
  #awaited = false;
  #controller: AbortController | undefined;

  /** @internal */
  constructor(start: PromiseLike<Stream<Item>>) {
    this.#final = this.#run(start);
    // Failures reach listeners and whoever awaits; an unobserved one is reported in #fail.
    this.#final.catch(() => {});
  }

  /** The names an event is also emitted under, by the SDK this helper copies. @internal */
  protected _names(): { event: string[]; text: string[]; final: string[] } {
    return { event: [], text: [], final: [] };
  }

  /** @internal The final events of a stream folded into `final`. */
  protected _emitFinal(final: Final): void {
    for (const n of ['final', ...this._names().final]) this._emit(n, final);
  }

  async #run(start: PromiseLike<Stream<Item>>): Promise<Final> {
    try {
      const stream = await start;
      this.#stream = stream;
      if (this.#aborted) stream.close();
      this._emit('connect');
      const names = this._names();
      for await (const [item, text] of stream._withText()) {
        this.#push(item);
        this._emitEvent(item);
        for (const n of ['event', ...names.event]) this._emit(n, item, this);
        if (text) {
          this.#text += text;
          for (const n of ['text', ...names.text]) this._emit(n, text, this.#text);
        }
      }
      if (this.#aborted) throw new APIUserAbortError();
      const final = (await stream._folded()) as Final;
      this._emitFinal(final);
      this.#end();
      return final;
    } catch (e) {
      this.#fail(this.#aborted && !(e instanceof APIUserAbortError) ? new APIUserAbortError() : e);
      throw this.#error;
    }
  }

  /** @internal Per-event emissions of a subclass (`ResponseStream` names each event by its type). */
  protected _emitEvent(_item: Item): void {}

  #push(item: Item): void {
    const w = this.#waiting.shift();
    if (w) w.resolve({ value: item, done: false });
    else this.#queue.push(item);
  }

  #end(): void {
    this.#ended = true;
    for (const w of this.#waiting.splice(0)) w.resolve({ value: undefined, done: true });
    this._emit('end');
  }

  #fail(e: unknown): void {
    this.#error = e;
    this.#ended = true;
    for (const w of this.#waiting.splice(0)) w.reject(e);
    if (e instanceof APIUserAbortError) this._emit('abort', e);
    const heard = (this.#listeners.get('error')?.length ?? 0) > 0;
    this._emit('error', e);
    this._emit('end');
    if (!heard && !this.#awaited) Promise.reject(e); // nobody listens: an unhandled rejection, as in the SDKs this copies
  }

  /** @internal */
  protected _emit(event: string, ...args: unknown[]): void {
    const ls = this.#listeners.get(event);
    if (!ls?.length) return;
    this.#listeners.set(event, ls.filter((l) => !l.once));
    for (const l of ls) l.fn(...args);
  }

  /** Calls `listener` on each `event`: `connect`, `event`, `text` (delta, snapshot), `final`, `error`, `abort`, `end`, and the SDK's own names. */
  on(event: string, listener: Listener): this {
    const ls = this.#listeners.get(event) ?? [];
    ls.push({ fn: listener, once: false });
    this.#listeners.set(event, ls);
    return this;
  }

  once(event: string, listener: Listener): this {
    const ls = this.#listeners.get(event) ?? [];
    ls.push({ fn: listener, once: true });
    this.#listeners.set(event, ls);
    return this;
  }

  off(event: string, listener: Listener): this {
    const ls = this.#listeners.get(event);
    if (ls) this.#listeners.set(event, ls.filter((l) => l.fn !== listener));
    return this;
  }

  /** The arguments of the next `event` (or of `error`, which rejects). */
  emitted(event: string): Promise<any> {
    this.#awaited = true;
    return new Promise((resolve, reject) => {
      if (event !== 'error') this.once('error', reject);
      this.once(event, (...args: unknown[]) => resolve(args.length > 1 ? args : args[0]));
    });
  }

  /** Resolves when the stream has ended (rejects with its error). */
  async done(): Promise<void> {
    this.#awaited = true;
    await this.#final;
  }

  /** What the stream folds into: the completion, message, response, answer or last event. */
  finalValue(): Promise<Final> {
    this.#awaited = true;
    return this.#final;
  }

  /** All the text the stream carried. */
  async finalText(): Promise<string> {
    await this.done();
    return this.#text;
  }

  /** Closes the connection; listeners get `abort`, awaiting callers an `APIUserAbortError`. */
  abort(): void {
    this.#aborted = true;
    this.#stream?.close();
  }

  get controller(): AbortController {
    if (this.#controller === undefined) {
      const c = new AbortController();
      c.signal.addEventListener('abort', () => this.abort(), { once: true });
      this.#controller = c;
    }
    return this.#controller;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Every event, as it arrives (the helper buffers what arrives before it is asked for). */
  [Symbol.asyncIterator](): AsyncIterator<Item> {
    this.#awaited = true;
    return {
      next: () => {
        if (this.#queue.length) return Promise.resolve({ value: this.#queue.shift()!, done: false });
        if (this.#error !== undefined) return Promise.reject(this.#error);
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
      },
      return: () => {
        this.abort();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#ended) this.abort();
  }
}

/** What `ChatCompletionStream` knows of one choice so far, for its `*.delta` / `*.done` events. */
interface ChoiceSoFar {
  content: string | null;
  refusal: string | null;
  /** Tool calls by their `index`: the function's name and its arguments so far. */
  tools: Map<number, { name: string; arguments: string }>;
  /** The tool call whose arguments are arriving (its `done` comes when another starts or the choice ends). */
  open: number | null;
  done: boolean;
}

function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * `chat.completions.stream()`, as openai-node's. Events: `chunk`, `content` (delta, snapshot),
 * `content.delta` / `content.done`, `refusal.delta` / `refusal.done`,
 * `tool_calls.function.arguments.delta` / `tool_calls.function.arguments.done` (with `name`,
 * `index`, `arguments` so far and, when done, `parsed_arguments`), `finalChatCompletion`,
 * `finalContent`, `finalMessage`. (`parsed_arguments` of a delta is the arguments so far when
 * they already parse as JSON, else `null`: no partial-JSON guesses.)
 *
 * ```ts
 * client.chat.completions.stream({ model, messages, tools })
 *   .on('tool_calls.function.arguments.done', (call) => run(call.name, call.parsed_arguments));
 * ```
 */
export class ChatCompletionStream<Chunk = any, Completion = any> extends StreamHelper<Chunk, Completion> {
  #choices = new Map<number, ChoiceSoFar>();

  protected override _names() {
    return { event: ['chunk'], text: ['content'], final: ['finalChatCompletion'] };
  }

  protected override _emitEvent(chunk: Chunk): void {
    const choices = (chunk as { choices?: any[] })?.choices;
    if (!Array.isArray(choices)) return;
    for (const choice of choices) {
      const index = typeof choice?.index === 'number' ? choice.index : 0;
      let so = this.#choices.get(index);
      if (!so) this.#choices.set(index, (so = { content: null, refusal: null, tools: new Map(), open: null, done: false }));
      if (so.done) continue;
      const delta = choice?.delta ?? {};
      if (typeof delta.content === 'string' && delta.content) {
        so.content = (so.content ?? '') + delta.content;
        this._emit('content.delta', { delta: delta.content, snapshot: so.content, parsed: null });
      }
      if (typeof delta.refusal === 'string' && delta.refusal) {
        so.refusal = (so.refusal ?? '') + delta.refusal;
        this._emit('refusal.delta', { delta: delta.refusal, snapshot: so.refusal });
      }
      for (const call of Array.isArray(delta.tool_calls) ? delta.tool_calls : []) {
        const at = typeof call?.index === 'number' ? call.index : 0;
        if (so.open !== null && so.open !== at) this.#toolDone(so, so.open);
        let tool = so.tools.get(at);
        if (!tool) so.tools.set(at, (tool = { name: '', arguments: '' }));
        so.open = at;
        if (typeof call?.function?.name === 'string') tool.name ||= call.function.name;
        const piece = typeof call?.function?.arguments === 'string' ? call.function.arguments : '';
        tool.arguments += piece;
        this._emit('tool_calls.function.arguments.delta', {
          name: tool.name,
          index: at,
          arguments: tool.arguments,
          parsed_arguments: parsedOrNull(tool.arguments),
          arguments_delta: piece,
        });
      }
      if (choice?.finish_reason) this.#choiceDone(so);
    }
  }

  #toolDone(so: ChoiceSoFar, at: number): void {
    const tool = so.tools.get(at)!;
    so.open = null;
    this._emit('tool_calls.function.arguments.done', { name: tool.name, index: at, arguments: tool.arguments, parsed_arguments: parsedOrNull(tool.arguments) });
  }

  #choiceDone(so: ChoiceSoFar): void {
    so.done = true;
    if (so.content !== null) this._emit('content.done', { content: so.content, parsed: null });
    if (so.refusal !== null) this._emit('refusal.done', { refusal: so.refusal });
    if (so.open !== null) this.#toolDone(so, so.open);
  }

  protected override _emitFinal(final: Completion): void {
    // A stream whose choices carried no finish_reason still closes what it opened.
    for (const so of this.#choices.values()) if (!so.done) this.#choiceDone(so);
    super._emitFinal(final);
    const message = (final as any)?.choices?.[0]?.message;
    this._emit('finalMessage', message);
    this._emit('finalContent', message?.content ?? null);
  }

  finalChatCompletion(): Promise<Completion> {
    return this.finalValue();
  }

  /** The assistant message of the first choice. */
  async finalMessage(): Promise<any> {
    return (await this.finalValue() as any)?.choices?.[0]?.message;
  }

  async finalContent(): Promise<string | null> {
    return (await this.finalMessage())?.content ?? null;
  }
}

/** `messages.stream()`, as @anthropic-ai/sdk's: `streamEvent`, `text` (delta, snapshot), `message`, `finalMessage`. */
export class MessageStream<Event = any, Message = any> extends StreamHelper<Event, Message> {
  protected override _names() {
    return { event: ['streamEvent'], text: [], final: ['message', 'finalMessage'] };
  }

  finalMessage(): Promise<Message> {
    return this.finalValue();
  }
}

/** `responses.stream()`, as openai-node's: each event is also emitted under its `type`; `finalResponse()`. */
export class ResponseStream<Event = any, Response = any> extends StreamHelper<Event, Response> {
  protected override _emitEvent(item: Event): void {
    const type = (item as { type?: unknown })?.type;
    if (typeof type === 'string') this._emit(type, item);
  }

  finalResponse(): Promise<Response> {
    return this.finalValue();
  }
}

