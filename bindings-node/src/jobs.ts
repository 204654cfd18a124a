/**
 * Job handles for async generations (videos, images, 3D, research, long transcriptions and
 * audio): `wait({ timeout, onProgress })`, `refresh()`, `cancel()`. The polling, its deadline
 * and the expiry rule are the core's.
 */

import type { NativeJob } from './native/index';
import { abortLink, parseMeta, type ResponseMeta } from './core';
import { callSite, fromNative } from './errors';

/** A job's state, as `GET /v1/jobs/{job_id}` gives it. */
export interface JobState {
  job_id?: string;
  id?: string;
  status: string;
  progress?: number | null;
  result?: any;
  error?: any;
  [key: string]: any;
}

export interface WaitOptions {
  /** Give up after this many milliseconds with `JobTimeoutError` (the job keeps running). */
  timeout?: number;
  /** The first pause between polls (default 500 ms); each pause is 1.5× the last. */
  pollInterval?: number;
  /** The longest pause between polls (default 5000 ms). */
  maxPollInterval?: number;
  /** Called with the job's state after every poll while it runs. If it throws, the wait ends with that error. */
  onProgress?: (state: JobState) => void;
  /** Ends the wait (not the job) with `APIUserAbortError`. */
  signal?: AbortSignal | null;
}

/** Runs a native wait with `opts`: progress parsed for the callback, a throwing callback or the signal ending it. */
export function nativeWait(start: (optionsJson: string, onProgress: ((s: string) => void) | null, token: import('./native/index').NativeToken | null) => Promise<string>, opts: WaitOptions, above: Function): Promise<any> {
  const site = callSite(above);
  const { onProgress, signal, timeout, pollInterval, maxPollInterval } = opts;
  let link;
  try {
    link = abortLink(signal, onProgress != null);
  } catch (e) {
    return Promise.reject(e);
  }
  const { token, release } = link;
  let thrown: { e: unknown } | null = null;
  const cb = onProgress
    ? (s: string) => {
        if (thrown) return;
        try {
          onProgress(JSON.parse(s));
        } catch (e) {
          thrown = { e };
          token?.cancel();
        }
      }
    : null;
  return start(JSON.stringify({ timeout, pollInterval, maxPollInterval }), cb, token).then(
    (v) => {
      release();
      return JSON.parse(v);
    },
    (e) => {
      release();
      throw thrown ? thrown.e : fromNative(e, site);
    },
  );
}

export class Job<Result = any> {
  #native: NativeJob;
  #metaJson: string | null;

  /** @internal */
  constructor(native: NativeJob, metaJson: string | null = null) {
    this.#native = native;
    this.#metaJson = metaJson;
  }

  get id(): string {
    return this.#native.id;
  }

  /** The last known status: `processing`, `completed`, `failed`, … */
  get status(): string {
    return this.#native.status;
  }

  /** The last known progress, 0 to 1, where the gateway reports it. */
  get progress(): number | null {
    return this.#native.progress;
  }

  /** Status, headers and request id of the call that created the job (none for `jobs.handle`). */
  get meta(): ResponseMeta | null {
    const m = this.#metaJson ?? this.#native.createdMeta();
    return m ? parseMeta(m) : null;
  }

  get requestID(): string | null {
    return this.meta?.request_id ?? null;
  }

  /** The last known state, without a request. */
  snapshot(): JobState {
    return JSON.parse(this.#native.snapshot());
  }

  /** Fetches the current state. */
  async refresh(): Promise<JobState> {
    const site = callSite(this.refresh);
    try {
      return JSON.parse(await this.#native.refresh());
    } catch (e) {
      throw fromNative(e, site);
    }
  }

  /**
   * Polls until the job finishes and returns its result. A failed job throws `JobFailedError`,
   * a job past its retention `JobExpiredError`, a passed `timeout` `JobTimeoutError`.
   */
  wait(options: WaitOptions = {}): Promise<Result> {
    return nativeWait((o, cb, t) => this.#native.wait(o, cb, t), options, this.wait);
  }

  /** Best-effort cancel; a finished job is left as it is. The job's state. */
  async cancel(): Promise<JobState> {
    const site = callSite(this.cancel);
    try {
      return JSON.parse(await this.#native.cancel());
    } catch (e) {
      throw fromNative(e, site);
    }
  }

  toJSON(): JobState {
    return this.snapshot();
  }
}
