"""The namespaces of both clients. A method returns the value on `EmpirioLabs` and an awaitable
on `AsyncEmpirioLabs`. Keyword arguments are the operation's parameters (any per-model one
included); `extra_headers`, `extra_query`, `extra_body`, `timeout`, `max_retries` and
`stream_idle_timeout` adjust one call."""

from __future__ import annotations

from typing import Any

from ._files import FileInput, to_part
from ._streaming import AsyncStreamContext

_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries", "stream_idle_timeout")


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def split_params(params: dict) -> tuple[dict, dict, list]:
    """`(values, opts, query)`: a call's own arguments (`None` means not sent), its per-call
    options, and the pairs of `extra_query`."""
    opts = {k: params.pop(k) for k in _OPTIONS if k in params}
    values = {k: v for k, v in params.items() if v is not None}
    return values, opts, [(k, _text(v)) for k, v in (opts.pop("extra_query", None) or {}).items()]


def as_query(values: dict, q: list) -> list:
    """Arguments as query pairs after `q`; a list or tuple repeats the parameter."""
    for k, v in values.items():
        q.extend((k, _text(x)) for x in v) if isinstance(v, (list, tuple)) else q.append((k, _text(v)))
    return q


def native_options(opts: dict) -> dict:
    return {
        "timeout": opts.get("timeout"),
        "max_retries": opts.get("max_retries"),
        "stream_idle_timeout": opts.get("stream_idle_timeout"),
        "headers": opts.get("extra_headers") or None,
    }


class _Resource:
    def __init__(self, client: Any, raw: bool = False):
        self._client = client
        self._raw = raw

    @property
    def with_raw_response(self):
        """The same methods, answering `APIResponse` (status, headers, request id, `parse()`)."""
        return type(self)(self._client, raw=True)

    def _do(self, op: str, params: dict, *, path: dict | None = None, query: bool = False, files: list | None = None,
            method: str | None = None, page: bool = False, speech: bool = False):
        values, opts, q = split_params(params)
        body = None
        if query:
            as_query(values, q)
        else:
            extra = opts.pop("extra_body", None)
            # No arguments means no body: a stop, action or DELETE is sent without one.
            if values or extra:
                body = {**values, **(extra or {})}
        return self._client._call(op, path=path, query=q or None, body=body, files=files, method=method,
                                  options=native_options(opts), raw=self._raw, page=page, speech=speech)

    def _sub(self, cls):
        return cls(self._client, self._raw)


# ── Text ─────────────────────────────────────────────────────────────────────

class ChatCompletions(_Resource):
    def create(self, **params: Any):
        """`POST /v1/chat/completions`; with `stream=True`, a `Stream` of chunks."""
        return self._do("createChatCompletion", params)


class Chat(_Resource):
    @property
    def completions(self) -> ChatCompletions:
        return self._sub(ChatCompletions)


class Completions(_Resource):
    def create(self, **params: Any):
        return self._do("createCompletion", params)


class Responses(_Resource):
    def create(self, **params: Any):
        return self._do("createResponse", params)


class Messages(_Resource):
    def create(self, **params: Any):
        """`POST /v1/messages` (Anthropic); with `stream=True`, a `Stream` of events."""
        return self._do("createMessage", params)

    def stream(self, **params: Any):
        """A message stream, for `with client.messages.stream(...) as s:` (async client: `async with`)."""
        out = self._do("createMessage", {**params, "stream": True})
        return AsyncStreamContext(out) if self._client._is_async and not self._raw else out


class Embeddings(_Resource):
    def create(self, **params: Any):
        return self._do("createEmbeddings", params)


class Reranks(_Resource):
    def create(self, **params: Any):
        return self._do("createReranks", params)


class Models(_Resource):
    def list(self, **params: Any):
        return self._do("listModels", params, query=True, page=True)

    def retrieve(self, model_id: str, **params: Any):
        return self._do("retrieveModel", params, path={"model_id": model_id}, query=True)


# ── Media ────────────────────────────────────────────────────────────────────

class ImageTemplates(_Resource):
    def list(self, **params: Any):
        return self._do("listImageTemplates", params, query=True, page=True)

    def retrieve(self, slug: str, **params: Any):
        return self._do("getImageTemplate", params, path={"slug": slug}, query=True)


class VideoTemplates(_Resource):
    def list(self, **params: Any):
        return self._do("listVideoTemplates", params, query=True, page=True)

    def retrieve(self, slug: str, **params: Any):
        return self._do("getVideoTemplate", params, path={"slug": slug}, query=True)


class Templates(_Resource):
    def list(self, **params: Any):
        return self._do("listGenerationTemplates", params, query=True, page=True)

    def retrieve(self, slug: str, **params: Any):
        return self._do("getGenerationTemplate", params, path={"slug": slug}, query=True)


class _Waits(_Resource):
    def _and_wait(self, started: Any, wait: dict):
        return self._client._and_wait(started, wait)


def _wait_args(params: dict) -> dict:
    return {k[5:] if k.startswith("wait_") else k: params.pop(k) for k in ("wait_timeout", "progress", "on_progress") if k in params}


class Images(_Waits):
    def generate(self, **params: Any):
        """The finished images (`sync=True`) or a `Job` to wait on."""
        return self._do("createImage", params)

    def generate_and_wait(self, **params: Any):
        wait = _wait_args(params)
        return self._and_wait(self.generate(**params), wait)

    def analyze(self, **params: Any):
        return self._do("analyzeImage", params)

    @property
    def templates(self) -> ImageTemplates:
        return self._sub(ImageTemplates)


class Videos(_Waits):
    def generate(self, **params: Any):
        """Starts a video job and returns its `Job`."""
        return self._do("createVideo", params)

    def generate_and_wait(self, **params: Any):
        wait = _wait_args(params)
        return self._and_wait(self.generate(**params), wait)

    @property
    def templates(self) -> VideoTemplates:
        return self._sub(VideoTemplates)


class ThreeD(_Waits):
    def generate(self, **params: Any):
        return self._do("create3DGeneration", params)

    def generate_and_wait(self, **params: Any):
        wait = _wait_args(params)
        return self._and_wait(self.generate(**params), wait)


class Speech(_Resource):
    def create(self, **params: Any):
        return self._do("createSpeech", params)

    def stream(self, **params: Any):
        """`POST /v1/audio/speech:stream`: a `SpeechStream` (events, `iter_bytes()`, `done`)."""
        return self._do("createSpeechStream", params, speech=True)


class AudioGenerations(_Waits):
    def create(self, **params: Any):
        return self._do("createAudioGeneration", params)

    def create_and_wait(self, **params: Any):
        wait = _wait_args(params)
        return self._and_wait(self.create(**params), wait)


class Transcriptions(_Waits):
    def create(self, *, file: FileInput | None = None, **params: Any):
        """Transcribes an upload (`file`: path, bytes, file object or `(name, bytes, mime)`) or
        a public `file_url`; long audio comes back as a `Job`."""
        files = [to_part("file", file)] if file is not None else None
        if files is None and "file_url" not in params:
            raise TypeError("transcriptions.create() needs `file` (an upload) or `file_url`")
        return self._do("createTranscription", params, files=files)

    def create_and_wait(self, **params: Any):
        wait = _wait_args(params)
        return self._and_wait(self.create(**params), wait)


class Audio(_Resource):
    @property
    def speech(self) -> Speech:
        return self._sub(Speech)

    @property
    def generations(self) -> AudioGenerations:
        return self._sub(AudioGenerations)

    @property
    def transcriptions(self) -> Transcriptions:
        return self._sub(Transcriptions)


class Voices(_Resource):
    def list(self, **params: Any):
        return self._do("listVoices", params, query=True, page=True)


# ── Search, agents, detection ────────────────────────────────────────────────

class Search(_Resource):
    def create(self, **params: Any):
        return self._do("createSearch", params)


class Research(_Waits):
    def create(self, **params: Any):
        return self._do("createResearch", params)

    def create_and_wait(self, **params: Any):
        wait = _wait_args(params)
        return self._and_wait(self.create(**params), wait)


class Answer(_Resource):
    def create(self, **params: Any):
        return self._do("createAnswer", params)


class Detect(_Resource):
    def create(self, **params: Any):
        return self._do("createDetection", params)


class Agents(_Resource):
    def run(self, **params: Any):
        """Runs an agent task: a `Stream` of `task.*` events by default, or (`stream=False`) the
        accepted task (`task_id`, `status`, `poll_url`)."""
        return self._do("runAgent", params)

    def follow_up(self, task_id: str, **params: Any):
        return self._do("runAgent", {**params, "task_id": task_id, "stream": params.get("stream", False)})

    def retrieve(self, task_id: str, **params: Any):
        return self._do("getAgentTask", params, path={"task_id": task_id}, query=True)

    def messages(self, task_id: str, **params: Any):
        return self._do("listAgentMessages", params, path={"task_id": task_id}, query=True)

    def stop(self, task_id: str, **params: Any):
        return self._do("stopAgentTask", params, path={"task_id": task_id})

    def wait(self, task_id: str, timeout: float | None = None, *, poll_interval: float = 0.5, max_poll_interval: float = 5.0):
        """Polls until the task is `completed` or `stopped`; `failed` raises `JobFailedError`."""
        return self._client._agent_wait(task_id, timeout, poll_interval, max_poll_interval)


# ── Account, playground, jobs ────────────────────────────────────────────────

class Usage(_Resource):
    def list(self, **params: Any):
        """Every usage event, page by page (`for` / `async for`)."""
        return self._client._pager("retrieveAccountUsage", params)

    def retrieve(self, **params: Any):
        """One page: balance, summary, spend and events."""
        return self._do("retrieveAccountUsage", params, query=True)


class Account(_Resource):
    @property
    def usage(self) -> Usage:
        return self._sub(Usage)


class Conversations(_Resource):
    def list(self, **params: Any):
        return self._client._pager("listPlaygroundConversations", params)

    def retrieve(self, conversation_id: str, **params: Any):
        return self._do("retrievePlaygroundConversation", params, path={"conversation_id": conversation_id}, query=True)


class Playground(_Resource):
    @property
    def conversations(self) -> Conversations:
        return self._sub(Conversations)


class Jobs(_Resource):
    def list(self, **params: Any):
        return self._do("listJobs", params, query=True, page=True)

    def retrieve(self, job_id: str, **params: Any):
        return self._do("retrieveJob", params, path={"job_id": job_id}, query=True)

    def cancel(self, job_id: str, **params: Any):
        return self._do("cancelJob", params, path={"job_id": job_id})

    def handle(self, job_id: str):
        """A `Job` handle for an existing job id (to `wait()` on)."""
        return self._client._job_handle(job_id)


# ── GPU Cloud ────────────────────────────────────────────────────────────────

class GpuCatalog(_Resource):
    def list(self, **params: Any):
        return self._do("listGpuTypes", params, query=True, page=True)

    def retrieve(self, slug: str, **params: Any):
        return self._do("getGpuType", params, path={"slug": slug}, query=True)


class GpuInstances(_Resource):
    def list(self, **params: Any):
        return self._do("listGpuInstances", params, query=True)

    def create(self, **params: Any):
        return self._do("deployGpuInstance", params)

    def retrieve(self, instance_id: str, **params: Any):
        return self._do("getGpuInstance", params, path={"instance_id": instance_id}, query=True)

    def delete(self, instance_id: str, **params: Any):
        return self._do("destroyGpuInstance", params, path={"instance_id": instance_id})

    def action(self, instance_id: str, action: str, **params: Any):
        """`stop`, `start` or `refresh`."""
        return self._do("actionGpuInstance", params, path={"instance_id": instance_id, "action": action})

    def stop(self, instance_id: str, **params: Any):
        return self.action(instance_id, "stop", **params)

    def start(self, instance_id: str, **params: Any):
        return self.action(instance_id, "start", **params)

    def refresh(self, instance_id: str, **params: Any):
        return self.action(instance_id, "refresh", **params)


class GpuConnection(_Resource):
    """Calls the service running on one GPU instance, through `/v1/gpu/connect/{id}/...`."""

    def __init__(self, client: Any, raw: bool = False, instance_id: str = ""):
        super().__init__(client, raw)
        self.instance_id = instance_id

    @property
    def with_raw_response(self):
        return GpuConnection(self._client, True, self.instance_id)

    def request(self, method: str, path: str, *, json: Any = None, **params: Any):
        """Any method and path (arguments: a GET's query, else the JSON body); JSON, text or a `Stream`."""
        if json is not None and not isinstance(json, dict):
            raise TypeError(f"request(json=...) takes a JSON object (a dict), got {type(json).__name__}")
        method = method.upper()
        path_params = {"instance_id": self.instance_id, "path": path.lstrip("/")}
        if method in ("GET", "HEAD", "DELETE") and json is None:
            return self._do("connectGpuInstance", params, path=path_params, query=True, method=method)
        return self._do("connectGpuInstance", {**(json or {}), **params}, path=path_params, method=method)

    @property
    def chat(self):
        conn = self

        class _Completions:
            def create(self, **params: Any):
                return conn.request("POST", "v1/chat/completions", json=params)

        class _Chat:
            completions = _Completions()

        return _Chat()


class Gpu(_Resource):
    @property
    def catalog(self) -> GpuCatalog:
        return self._sub(GpuCatalog)

    @property
    def instances(self) -> GpuInstances:
        return self._sub(GpuInstances)

    def connect(self, instance_id: str) -> GpuConnection:
        return GpuConnection(self._client, self._raw, instance_id)


# ── Hosted Agents ────────────────────────────────────────────────────────────

class _OnInstance(_Resource):
    def _on(self, op: str, instance_id: str, params: dict, **kw: Any):
        path = {"instance_id": instance_id, **kw.pop("path", {})}
        return self._do(op, params, path=path, **kw)


class Integrations(_OnInstance):
    def list(self, instance_id: str, **params: Any):
        return self._on("listHostedAgentIntegrations", instance_id, params, query=True)

    def save(self, instance_id: str, **params: Any):
        return self._on("saveHostedAgentIntegration", instance_id, params)

    def disconnect(self, instance_id: str, kind: str, **params: Any):
        return self._on("disconnectHostedAgentIntegration", instance_id, params, path={"kind": kind})

    def set_behavior(self, instance_id: str, kind: str, **params: Any):
        return self._on("setHostedAgentIntegrationBehavior", instance_id, params, path={"kind": kind})


class Skills(_OnInstance):
    def list(self, instance_id: str, **params: Any):
        return self._on("listHostedAgentSkills", instance_id, params, query=True)

    def add(self, instance_id: str, **params: Any):
        return self._on("addHostedAgentSkill", instance_id, params)

    def remove(self, instance_id: str, slug: str, **params: Any):
        return self._on("removeHostedAgentSkill", instance_id, {**params, "slug": slug}, query=True)


class Mcp(_OnInstance):
    def list(self, instance_id: str, **params: Any):
        return self._on("listHostedAgentMcp", instance_id, params, query=True)

    def add(self, instance_id: str, **params: Any):
        return self._on("addHostedAgentMcp", instance_id, params)

    def remove(self, instance_id: str, name: str, **params: Any):
        return self._on("removeHostedAgentMcp", instance_id, {**params, "name": name}, query=True)


class AgentInstances(_OnInstance):
    def list(self, **params: Any):
        return self._do("listHostedAgentInstances", params, query=True)

    def create(self, **params: Any):
        return self._do("createHostedAgentInstance", params)

    def retrieve(self, instance_id: str, **params: Any):
        return self._on("getHostedAgentInstance", instance_id, params, query=True)

    def delete(self, instance_id: str, **params: Any):
        return self._on("destroyHostedAgentInstance", instance_id, params)

    def rename(self, instance_id: str, name: str, **params: Any):
        return self._on("renameHostedAgentInstance", instance_id, {**params, "name": name})

    def action(self, instance_id: str, action: str, **params: Any):
        """`start`, `stop`, `restart` or `refresh`."""
        return self._on("actionHostedAgentInstance", instance_id, params, path={"action": action})

    def start(self, instance_id: str, **params: Any):
        return self.action(instance_id, "start", **params)

    def stop(self, instance_id: str, **params: Any):
        return self.action(instance_id, "stop", **params)

    def restart(self, instance_id: str, **params: Any):
        return self.action(instance_id, "restart", **params)

    def message(self, instance_id: str, **params: Any):
        return self._on("messageHostedAgentInstance", instance_id, params)

    def set_model(self, instance_id: str, **params: Any):
        return self._on("setHostedAgentModel", instance_id, params)

    def set_access(self, instance_id: str, **params: Any):
        return self._on("setHostedAgentAccess", instance_id, params)

    @property
    def integrations(self) -> Integrations:
        return self._sub(Integrations)

    @property
    def skills(self) -> Skills:
        return self._sub(Skills)

    @property
    def mcp(self) -> Mcp:
        return self._sub(Mcp)


class HostedAgents(_Resource):
    def health(self, **params: Any):
        return self._do("hostedAgentsHealth", params, query=True)

    def config(self, **params: Any):
        return self._do("getHostedAgentsConfig", params, query=True)

    @property
    def instances(self) -> AgentInstances:
        return self._sub(AgentInstances)


NAMESPACES = {
    "chat": Chat, "completions": Completions, "responses": Responses, "messages": Messages, "embeddings": Embeddings,
    "reranks": Reranks, "models": Models, "images": Images, "videos": Videos, "templates": Templates, "three_d": ThreeD,
    "audio": Audio, "voices": Voices, "search": Search, "research": Research, "answer": Answer, "detect": Detect,
    "agents": Agents, "account": Account, "playground": Playground, "jobs": Jobs, "gpu": Gpu, "hosted_agents": HostedAgents,
}
