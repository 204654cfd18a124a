/**
 * Cursor pages (account usage, playground conversations): await a list for its first page, or
 * `for await` over it for every item of every page, fetched as iterated. The walk is the
 * core's (`Pager`); a page knows whether another follows.
 */

import type { NativePager } from './native/index';
import { abortLink, APIPromise, parseMeta, type RawAnswer, type ResponseMeta } from './core';
import { callSite, EmpirioLabsError, fromNative } from './errors';

/** The next page of `pager` as a raw answer (`extra`: whether another page follows), or `null`. */
export function fetchPage(pager: NativePager, signal: AbortSignal | null | undefined, above: Function): Promise<RawAnswer | null> {
  const site = callSite(above);
  let link;
  try {
    link = abortLink(signal);
  } catch (e) {
    return Promise.reject(e);
  }
  const { token, release } = link;
  return pager.nextPage(token).then(
    (got) => {
      release();
      return got === null ? null : { kind: 'page', payload: got[0], metaJson: got[1], release, token, extra: got[2] };
    },
    (e) => {
      release();
      throw fromNative(e, site);
    },
  );
}

export class Page<Item = any> implements AsyncIterable<Item> {
  /** This page's items. */
  data: Item[];
  [field: string]: unknown;
  #pager: NativePager;
  #signal: AbortSignal | null | undefined;
  #hasNext: boolean;
  #next: Promise<Page<Item>> | undefined;
  #metaJson: string;

  /** @internal */
  constructor(pager: NativePager, raw: RawAnswer, signal: AbortSignal | null | undefined) {
    const body = JSON.parse(raw.payload as string);
    Object.assign(this, body);
    this.data = Array.isArray(body?.data) ? body.data : [];
    this.#pager = pager;
    this.#signal = signal;
    this.#hasNext = raw.extra === true;
    this.#metaJson = raw.metaJson;
  }

  /** Status, headers and request id of this page's answer. */
  meta(): ResponseMeta {
    return parseMeta(this.#metaJson);
  }

  getPaginatedItems(): Item[] {
    return this.data;
  }

  hasNextPage(): boolean {
    return this.#hasNext;
  }

  /** The page after this one (the same promise every time it is asked for). */
  getNextPage(): Promise<Page<Item>> {
    if (!this.#hasNext) return Promise.reject(new EmpirioLabsError('No next page expected; check `hasNextPage()` first.'));
    return (this.#next ??= fetchPage(this.#pager, this.#signal, this.getNextPage).then((raw) => {
      if (raw === null) throw new EmpirioLabsError('The list ended before the page it announced.');
      return new Page<Item>(this.#pager, raw, this.#signal);
    }));
  }

  /** This page and every one after it. */
  async *iterPages(): AsyncGenerator<Page<Item>> {
    let page: Page<Item> = this;
    yield page;
    while (page.hasNextPage()) {
      page = await page.getNextPage();
      yield page;
    }
  }

  /** Every item of this page and the pages after it. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    for await (const page of this.iterPages()) {
      yield* page.data;
    }
  }
}

/** A list call: await it for the first page, or iterate it for every item. */
export class PagePromise<Item = any> extends APIPromise<Page<Item>> implements AsyncIterable<Item> {
  async *[Symbol.asyncIterator](): AsyncGenerator<Item> {
    const page = await this;
    yield* page;
  }
}
