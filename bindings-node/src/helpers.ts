/**
 * The methods of the surface table that cannot be generated, as base classes of the generated
 * namespace classes in `resources.ts` (`<Class>Helpers` for class `<Class>`): agent runs held or
 * started in the background, follow-ups and waits, and GPU connections.
 */

import type { APIPromise, RequestOptions } from './core';
import type { WaitOptions } from './jobs';
import { APIResource, type Params } from './resource';
import type { Stream } from './streaming';
import type * as T from './types';

/** A follow-up's parameters: a run's (the task id is the first argument). */
export type FollowUpParams = T.AgentsRunParams;

/** The gateway's shortest hold of a non-streaming agent run (its minimum `max_wait_seconds`). */
export const START_WAIT_SECONDS = 5;

export class AgentsHelpers extends APIResource {
  /**
   * Runs a task without streaming: the gateway holds the answer until the task ends or
   * `max_wait_seconds` (default 900) passes; the call's timeout is raised above that hold.
   */
  create(params: T.AgentsRunParams, options?: RequestOptions): APIPromise<T.AgentTaskAccepted> {
    return this._do('runAgent', { body: { ...params, stream: false } }, options);
  }

  /**
   * Starts a task in the background: the accepted task (`task_id`, `status`) as soon as the
   * gateway has given it an id (held at most `max_wait_seconds`, the gateway's minimum unless set).
   */
  start(params: T.AgentsRunParams, options?: RequestOptions): APIPromise<T.AgentTaskAccepted> {
    return this._do('runAgent', { body: { max_wait_seconds: START_WAIT_SECONDS, ...params, stream: false } }, options);
  }

  /** Sends a follow-up message to a running task (`runAgent` with its `task_id`); held unless `stream: true`. */
  followUp(taskId: string, params: FollowUpParams & { stream: true }, options?: RequestOptions): APIPromise<Stream<T.AgentStreamEvent>>;
  followUp(taskId: string, params: FollowUpParams, options?: RequestOptions): APIPromise<T.AgentTaskAccepted>;
  followUp(taskId: string, params: FollowUpParams, options?: RequestOptions): APIPromise<any> {
    return this._do('runAgent', { body: { ...params, task_id: taskId, stream: params.stream ?? false } }, options);
  }

  /** Polls until the task is `completed` or `stopped`; `failed` throws `JobFailedError`. The task's state. */
  wait(taskId: string, options: WaitOptions = {}): Promise<T.AgentTask> {
    return this._client._agentWait(taskId, options, this.wait);
  }
}

/** Calls the service running on one GPU instance, through `/v1/gpu/connect/{id}/...`. */
export class GpuConnection extends APIResource {
  readonly instanceId: string;
  /** `chat.completions.create(...)` against the model served on the instance (a vLLM server). */
  readonly chat: { completions: { create: (params: Params, options?: RequestOptions) => APIPromise<any> } };

  /** @internal */
  constructor(client: ConstructorParameters<typeof APIResource>[0], instanceId: string) {
    super(client);
    this.instanceId = instanceId;
    this.chat = { completions: { create: (params, options) => this.request('POST', 'v1/chat/completions', { body: params }, options) } };
  }

  /**
   * Any method and path on the instance's service: JSON, text, bytes or a `Stream`. The path
   * goes out as given (its `%`-escapes and `?query` kept; dot segments are refused).
   */
  request(method: string, path: string, init: { body?: unknown; query?: Record<string, unknown> } = {}, options?: RequestOptions): APIPromise<any> {
    return this._do(
      'connectGpuInstance',
      { path: { instance_id: this.instanceId, path: path.replace(/^\/+/, '') }, method: method.toUpperCase(), query: init.query, body: init.body as Params | undefined },
      options,
    );
  }
}

export class GpuHelpers extends APIResource {
  /** A connection to the service on GPU instance `instanceId`. */
  connect(instanceId: string): GpuConnection {
    return new GpuConnection(this._client, instanceId);
  }
}
