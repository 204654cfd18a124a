/**
 * Errors, named as in openai-node, plus the gateway's own (credits, streams, jobs). The core
 * reports every failure as one flat record whose `class` picks the error class here; there is no
 * status table in this package.
 */

/** The core's flat error info, as the addon serializes it into a native error's message. */
export interface NativeErrorInfo {
  class: string;
  kind?: string;
  status?: number | null;
  type?: string | null;
  code?: string | null;
  param?: string | null;
  message?: string;
  api_message?: string | null;
  request_id?: string | null;
  retryable?: boolean;
  headers?: [string, string][];
  body?: string | null;
  job_id?: string | null;
  reason?: string | null;
  timeout_kind?: string | null;
  line?: string | null;
  before_send?: boolean | null;
  waited?: number | null;
  last_status?: string | null;
}

/** The base of every error this package throws. */
export class EmpirioLabsError extends Error {
  override name = 'EmpirioLabsError';
}

/** The client cannot make the call as configured (for example, no API key for a keyed call). */
export class ConfigurationError extends EmpirioLabsError {
  override name = 'ConfigurationError';
}

/** An argument is invalid; thrown before any request is sent. `param` names it. */
export class InvalidRequestError extends EmpirioLabsError {
  override name = 'InvalidRequestError';
  readonly param: string | undefined;

  constructor(message: string, param?: string) {
    super(message);
    this.param = param;
  }
}

function parseBody(body: string | null | undefined): unknown {
  if (body == null) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** An error about a call, with what the gateway (or the stream or job) said about it. */
export class APIError extends EmpirioLabsError {
  override name = 'APIError';
  /** The HTTP status of the answer, where there was one. */
  readonly status: number | undefined;
  /** The answer's headers, where there was an answer. */
  readonly headers: Headers | undefined;
  /** The error object: the envelope's `error`, a stream's error event, or a job's `error`. */
  readonly error: unknown;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  /** The gateway's `x-request-id`. */
  readonly requestID: string | undefined;
  /** The error answer's body as received (parsed when it is JSON). */
  readonly body: unknown;
  /** Whether trying again may help. */
  readonly retryable: boolean;

  constructor(message: string, info: Partial<NativeErrorInfo> = {}) {
    super(message);
    this.status = info.status ?? undefined;
    this.headers = info.headers && info.headers.length ? new Headers(info.headers) : undefined;
    this.body = parseBody(info.body);
    const b = this.body as { error?: unknown } | undefined;
    this.error = b !== null && typeof b === 'object' && 'error' in b ? b.error : this.body;
    this.type = info.type ?? undefined;
    this.code = info.code ?? undefined;
    this.param = info.param ?? undefined;
    this.requestID = info.request_id ?? undefined;
    this.retryable = info.retryable ?? false;
  }
}

/** 400 */
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
/** 401 */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
/** 402: the workspace is out of prepaid credits. Never retried. */
export class InsufficientCreditsError extends APIError {
  override name = 'InsufficientCreditsError';
}
/** 403 */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
/** 404 */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
/** 409 */
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
/** 422 */
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
/** 429 */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
/** 5xx */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** No answer: the connection failed, or broke before the response. */
export class APIConnectionError extends APIError {
  override name = 'APIConnectionError';
  /** The request never left this machine (so a retry cannot repeat billable work). */
  readonly beforeSend: boolean | undefined;

  constructor(message: string, info: Partial<NativeErrorInfo> = {}) {
    super(message, info);
    this.beforeSend = info.before_send ?? undefined;
  }
}

/** A timeout passed: `timeoutKind` is `connect`, `request` or `stream_idle`. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
  readonly timeoutKind: string | undefined;

  constructor(message: string, info: Partial<NativeErrorInfo> = {}) {
    super(message, info);
    this.timeoutKind = info.timeout_kind ?? undefined;
  }
}

/** The call was aborted (its `signal`, or `abort()`); its connection is closed. */
export class APIUserAbortError extends APIError {
  override name = 'APIUserAbortError';

  constructor(message = 'Request was aborted.', info: Partial<NativeErrorInfo> = {}) {
    super(message, info);
  }
}

/**
 * A stream failed after it started: `reason` is `error_event`, `missing_terminator`,
 * `interrupted`, `malformed_event` or `oversized_event`; `line` holds the offending data.
 */
export class StreamError extends APIError {
  override name = 'StreamError';
  readonly reason: string | undefined;
  readonly line: string | undefined;

  constructor(message: string, info: Partial<NativeErrorInfo> = {}) {
    super(message, info);
    this.reason = info.reason ?? undefined;
    this.line = info.line ?? undefined;
  }
}

/** A successful answer could not be decoded. */
export class APIResponseValidationError extends APIError {
  override name = 'APIResponseValidationError';
}

/** The job (or agent task) ended `failed`; `error` is the gateway's error object. */
export class JobFailedError extends APIError {
  override name = 'JobFailedError';
  readonly jobID: string | undefined;

  constructor(message: string, info: Partial<NativeErrorInfo> = {}) {
    super(message, info);
    this.jobID = info.job_id ?? undefined;
  }
}

/** The job is gone: finished jobs are kept for one hour, then answer 404. */
export class JobExpiredError extends NotFoundError {
  override name = 'JobExpiredError';
  readonly jobID: string | undefined;

  constructor(message: string, info: Partial<NativeErrorInfo> = {}) {
    super(message, { status: 404, ...info });
    this.jobID = info.job_id ?? undefined;
  }
}

/** `wait()` gave up at its deadline; the job keeps running and its handle stays usable. */
export class JobTimeoutError extends APIError {
  override name = 'JobTimeoutError';
  readonly jobID: string | undefined;
  /** Seconds waited. */
  readonly waited: number | undefined;
  readonly lastStatus: string | undefined;

  constructor(message: string, info: Partial<NativeErrorInfo> = {}) {
    super(message, info);
    this.jobID = info.job_id ?? undefined;
    this.waited = info.waited ?? undefined;
    this.lastStatus = info.last_status ?? undefined;
  }
}

type ErrorClass = new (message: string, info: Partial<NativeErrorInfo>) => Error;

/** The core's error classes (the same names in every language) to this package's. */
const BY_CLASS: Record<string, ErrorClass> = {
  BadRequest: BadRequestError,
  Authentication: AuthenticationError,
  InsufficientCredits: InsufficientCreditsError,
  PermissionDenied: PermissionDeniedError,
  NotFound: NotFoundError,
  Conflict: ConflictError,
  UnprocessableEntity: UnprocessableEntityError,
  RateLimit: RateLimitError,
  InternalServer: InternalServerError,
  ApiStatus: APIError,
  Connection: APIConnectionError,
  Timeout: APIConnectionTimeoutError,
  Stream: StreamError,
  JobFailed: JobFailedError,
  JobExpired: JobExpiredError,
  JobTimeout: JobTimeoutError,
  InvalidRequest: class extends InvalidRequestError {
    constructor(message: string, info: Partial<NativeErrorInfo>) {
      super(message, info.param ?? undefined);
    }
  },
  Configuration: ConfigurationError,
  Cancelled: APIUserAbortError,
  Decode: APIResponseValidationError,
};

/** The classes of `BY_CLASS`, for the test that holds them to the core's list. */
export const errorClassNames = (): string[] => Object.keys(BY_CLASS);

/** Where a call was made, for the stack of an error it ends in. */
export interface CallSite {
  stack?: string;
}

/** Captures the caller's stack now (formatted only if the call fails). */
export function callSite(above: Function): CallSite {
  const site: CallSite = {};
  Error.captureStackTrace(site, above);
  return site;
}

/**
 * The package's error for what the addon threw: its message is the core's flat error info as
 * JSON. Anything else (a bug, a type error in an argument) is returned unchanged. With `site`,
 * the stack is the call site's, so it points at the line that made the call.
 */
export function fromNative(e: unknown, site?: CallSite): unknown {
  if (!(e instanceof Error) || e.message.charCodeAt(0) !== 123 /* { */) return e;
  let info: NativeErrorInfo;
  try {
    info = JSON.parse(e.message);
  } catch {
    return e;
  }
  if (typeof info.class !== 'string') return e;
  const cls = BY_CLASS[info.class] ?? APIError;
  const err = new cls(info.message ?? '', info);
  if (site?.stack !== undefined) {
    const frames = site.stack.slice(site.stack.indexOf('\n') + 1);
    Object.defineProperty(err, 'stack', { value: `${err.name}: ${err.message}\n${frames}`, writable: true, configurable: true });
  }
  return err;
}
