/**
 * `empiriolabs`: the Node SDK for the EmpirioLabs AI gateway.
 *
 * ```ts
 * import EmpirioLabs from 'empiriolabs';
 * const client = new EmpirioLabs(); // EMPIRIOLABS_API_KEY, EMPIRIOLABS_BASE_URL
 * const r = await client.chat.completions.create({ model: 'deepseek-v4-pro', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */

// First: anywhere but Node.js, Bun and Deno, the import fails here with a clear message.
import './runtime';
import { EmpirioLabs } from './client';
import * as native from './native/index';

export { EmpirioLabs, type ClientOptions } from './client';
export { APIPromise, type RequestOptions, type ResponseMeta } from './core';
export {
  EmpirioLabsError,
  ConfigurationError,
  InvalidRequestError,
  APIError,
  BadRequestError,
  AuthenticationError,
  InsufficientCreditsError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  StreamError,
  APIResponseValidationError,
  JobFailedError,
  JobExpiredError,
  JobTimeoutError,
} from './errors';
export { Job, type JobState, type WaitOptions } from './jobs';
export { Page, PagePromise } from './pagination';
export { Stream } from './streaming';
export { ChatCompletionStream, MessageStream, ResponseStream, StreamHelper } from './stream-helpers';
export { FileLike, toFile, type Uploadable } from './uploads';
export { GpuConnection } from './helpers';
export type { AndWaitOptions, Params } from './resource';
export type * from './types';

/** The package's version. */
export const VERSION: string = native.version();

export default EmpirioLabs;
