"""The methods of the surface table that cannot be generated, as mixins of the generated
namespace classes in `_resources.py` (`<Class>Helpers` for class `<Class>`): uploads, the
Anthropic-style message stream context, agent follow-ups and waits, and GPU connections."""

from __future__ import annotations

from typing import Any

from ._files import FileInput, to_part
from ._resource import Resource, wait_args

# The gateway's shortest hold of a non-streaming agent run (its minimum `max_wait_seconds`).
START_WAIT_SECONDS = 5


class AudioTranscriptionsHelpers:
    def create(self: Any, *, file: FileInput | None = None, **params: Any):
        """`POST /v1/audio/transcriptions`: an upload (`file`: a path, bytes, a file object or a
        `(name, bytes, type)` tuple) or a public `file_url`; long audio comes back as a `Job`."""
        files = [to_part("file", file)] if file is not None else None
        if files is None and "file_url" not in params:
            raise TypeError("transcriptions.create() needs `file` (an upload) or `file_url`")
        return self._do("createTranscription", params, files=files)

    def create_and_wait(self: Any, **params: Any):
        """`create`, then waits for its job (`wait_timeout`, `on_progress`, `progress`): the transcript."""
        wait = wait_args(params)
        return self._and_wait(self.create(**params), wait)


class AgentsHelpers:
    def create(self: Any, **params: Any):
        """Runs a task without streaming: the gateway holds the answer until the task ends or
        `max_wait_seconds` (default 900) passes; the call's timeout is raised above that."""
        return self._do("runAgent", {**params, "stream": False})

    def start(self: Any, **params: Any):
        """Starts a task in the background: the accepted task (`task_id`, `status`) as soon as the
        gateway has given it an id (held at most `max_wait_seconds`, the gateway's minimum unless set)."""
        return self._do("runAgent", {"max_wait_seconds": START_WAIT_SECONDS, **params, "stream": False})

    def follow_up(self: Any, task_id: str, **params: Any):
        """Sends a follow-up message to a running task (`runAgent` with its `task_id`)."""
        return self._do("runAgent", {**params, "task_id": task_id, "stream": params.get("stream", False)})

    def wait(self: Any, task_id: str, timeout: float | None = None, *, poll_interval: float = 0.5, max_poll_interval: float = 5.0):
        """Polls until the task is `completed` or `stopped`; `failed` raises `JobFailedError`."""
        return self._client._agent_wait(task_id, timeout, poll_interval, max_poll_interval)


class GpuConnection(Resource):
    """Calls the service running on one GPU instance, through `/v1/gpu/connect/{id}/...`."""

    def __init__(self, client: Any, raw: bool = False, instance_id: str = ""):
        super().__init__(client, raw)
        self.instance_id = instance_id

    @property
    def with_raw_response(self):
        return GpuConnection(self._client, True, self.instance_id)

    def request(self, method: str, path: str, *, json: Any = None, **params: Any):
        """Any method and path (arguments: a GET's query, else the JSON body); JSON, text, bytes
        or a `Stream`. The path goes out as given (its `%`-escapes and `?query` kept)."""
        if json is not None and not isinstance(json, dict):
            raise TypeError(f"request(json=...) takes a JSON object (a dict), got {type(json).__name__}")
        method = method.upper()
        path_params = {"instance_id": self.instance_id, "path": path.lstrip("/")}
        if method in ("GET", "HEAD", "DELETE") and json is None:
            return self._do("connectGpuInstance", params, path=path_params, query=True, method=method)
        return self._do("connectGpuInstance", {**(json or {}), **params}, path=path_params, method=method)

    @property
    def chat(self):
        """`chat.completions.create(...)` against the model served on the instance."""
        conn = self

        class _Completions:
            def create(self, **params: Any):
                return conn.request("POST", "v1/chat/completions", json=params)

        class _Chat:
            completions = _Completions()

        return _Chat()


class GpuHelpers:
    def connect(self: Any, instance_id: str) -> GpuConnection:
        """A connection to the service on GPU instance `instance_id`."""
        return GpuConnection(self._client, self._raw, instance_id)
