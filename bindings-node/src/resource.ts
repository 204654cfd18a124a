/** What every generated namespace class builds on: a handle to its client and the call forms. */

import type { EmpirioLabs } from './client';
import type { APIPromise, CallSpec, RequestOptions } from './core';
import { Job, type WaitOptions } from './jobs';
import type { PagePromise } from './pagination';

/** An operation's parameters: its body fields (or, for reads, its query), per-model ones included. */
export type Params = Record<string, any>;

/** The options of a `*AndWait` call: the request's, plus the wait's `waitTimeout` and `onProgress`. */
export interface AndWaitOptions extends RequestOptions {
  /** The wait's deadline in milliseconds (`JobTimeoutError` after it; the job keeps running). */
  waitTimeout?: number;
  onProgress?: WaitOptions['onProgress'];
  pollInterval?: number;
  maxPollInterval?: number;
}

const WAIT_KEYS = ['waitTimeout', 'onProgress', 'pollInterval', 'maxPollInterval'] as const;

export class APIResource {
  /** @internal */
  protected readonly _client: EmpirioLabs;

  constructor(client: EmpirioLabs) {
    this._client = client;
  }

  /** @internal */
  protected _do(op: string, spec: CallSpec, options?: RequestOptions): APIPromise<any> {
    return this._client._call(op, spec, options, this._do);
  }

  /** @internal */
  protected _pages(op: string, spec: CallSpec, options?: RequestOptions): PagePromise<any> {
    return this._client._pages(op, spec, options, this._pages);
  }

  /** @internal Creates with `start`, then waits for the job (an inline answer is returned as it is). */
  protected async _andWait(start: (options: RequestOptions | undefined) => PromiseLike<unknown>, options: AndWaitOptions | undefined): Promise<any> {
    const request: Record<string, unknown> = { ...options };
    for (const k of WAIT_KEYS) delete request[k];
    const started = await start(options ? (request as RequestOptions) : undefined);
    if (!(started instanceof Job)) return started;
    return started.wait({
      timeout: options?.waitTimeout,
      onProgress: options?.onProgress,
      pollInterval: options?.pollInterval,
      maxPollInterval: options?.maxPollInterval,
      signal: options?.signal,
    });
  }
}
