"""`EmpirioLabs` and `AsyncEmpirioLabs`: configuration, every namespace, and turning the native
layer's answers into typed objects, streams, job handles and pagers."""

from __future__ import annotations

import os
from typing import Any, Dict, Generic, Optional, Tuple, TypeVar

from . import _native
from . import _types as t
from ._errors import ConfigurationError, from_native
from ._headers import Headers
from ._jobs import AsyncJob, Job
from ._models import Page, make
from ._pagination import AsyncPager, SyncPager
from . import _resources as _r
from ._resource import as_query, native_options, split_params
from ._resources import NAMESPACES
from ._streaming import AsyncSpeechStream, AsyncStream, SpeechStream, Stream

__all__ = ["EmpirioLabs", "AsyncEmpirioLabs", "APIResponse", "Page"]

_SETTINGS = ("api_key", "base_url", "timeout", "connect_timeout", "stream_idle_timeout", "max_retries", "default_headers", "user_agent")

# The core's defaults (see the README's Rust section), reported by the client's properties.
DEFAULT_BASE_URL = "https://api.empiriolabs.ai"
DEFAULT_TIMEOUT = 600.0
DEFAULT_MAX_RETRIES = 2

R = TypeVar("R", covariant=True)


class APIResponse(Generic[R]):
    """The raw answer of a call made through `.with_raw_response`: `status_code`, `headers`
    (case-insensitive), `request_id`, and `parse()` for what the call returns."""

    def __init__(self, client: Any, out: Tuple[Any, ...], page: bool, speech: bool, operation: Optional[str] = None):
        self._client, self._out, self._page, self._speech, self._operation = client, out, page, speech, operation
        meta = out[2] or {}
        self.status_code: Optional[int] = meta.get("status")
        self.headers: Headers = Headers(meta.get("headers"))
        self.request_id: Optional[str] = meta.get("request_id")

    @property
    def operation(self) -> Optional[str]:
        return self._operation

    def parse(self) -> R:
        return self._client._shape(self._out, self._page, self._speech, self._operation)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"APIResponse(operation={self._operation!r}, status_code={self.status_code!r}, request_id={self.request_id!r})"


class _BaseClient:
    _is_async = False


    def __init__(self, *, api_key: Optional[str] = None, base_url: Optional[str] = None, timeout: Optional[float] = None,
                 max_retries: Optional[int] = None, default_headers: Optional[Dict[str, str]] = None,
                 connect_timeout: Optional[float] = None, stream_idle_timeout: Optional[float] = None,
                 user_agent: Optional[str] = None):
        # The key is resolved now so a pickled client carries it to the process that unpickles it.
        api_key = api_key if api_key is not None else os.environ.get("EMPIRIOLABS_API_KEY")
        base_url = base_url if base_url is not None else os.environ.get("EMPIRIOLABS_BASE_URL")
        self._settings: Dict[str, Any] = dict(api_key=api_key, base_url=base_url, timeout=timeout, connect_timeout=connect_timeout,
                              stream_idle_timeout=stream_idle_timeout, max_retries=max_retries,
                              default_headers=dict(default_headers or {}), user_agent=user_agent)
        # A `timeout` also bounds each wait for a stream's next event, unless that has its own.
        idle = stream_idle_timeout if stream_idle_timeout is not None else timeout
        self._closed = False
        try:
            self._native_client: Any = _native.Client(**{**self._settings, "api_key": api_key or "", "stream_idle_timeout": idle})
        except _native.NativeError as e:
            raise from_native(e) from None
        self._base_url = str(self._native_client.base_url)
        self._has_key = bool(self._native_client.has_api_key)
        for name, cls in NAMESPACES.items():
            setattr(self, name, cls(self))

    @property
    def _native(self) -> Any:
        if self._closed:
            raise ConfigurationError(f"this {type(self).__name__} is closed; create a new client (or use `with_options()` before closing)")
        return self._native_client

    @property
    def base_url(self) -> str:
        """The gateway's base URL (`EMPIRIOLABS_BASE_URL`, else https://api.empiriolabs.ai)."""
        return self._base_url

    @property
    def api_key(self) -> Optional[str]:
        """The API key the client sends (never shown by `repr`)."""
        key: Optional[str] = self._settings["api_key"]
        return key

    @property
    def timeout(self) -> float:
        """Seconds each attempt of a call may take (default 600); also the stream idle timeout
        unless `stream_idle_timeout` is set."""
        value = self._settings["timeout"]
        return float(value) if value is not None else DEFAULT_TIMEOUT

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried, where retrying is safe (default 2)."""
        value = self._settings["max_retries"]
        return int(value) if value is not None else DEFAULT_MAX_RETRIES

    @property
    def is_closed(self) -> bool:
        return self._closed

    def with_options(self, **overrides: Any) -> Any:
        """A copy of this client with some settings changed (`timeout`, `max_retries`, ...)."""
        unknown = set(overrides) - set(_SETTINGS)
        if unknown:
            raise TypeError(f"with_options() got unknown settings: {', '.join(sorted(unknown))}")
        return type(self)(**{**self._settings, **overrides})

    copy = with_options

    def __repr__(self) -> str:
        state = ", closed=True" if self._closed else ""
        return f"{type(self).__name__}(base_url={self.base_url!r}, has_api_key={self._has_key}{state})"

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self._settings))

    def _release(self) -> None:
        # Dropping the native client frees its connection pool once nothing else holds it.
        self._closed = True
        self._native_client = None

    def _options(self, options: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
        """A call's per-call options: its `timeout` also bounds each wait for a stream's next
        event, unless the call or the client sets `stream_idle_timeout`."""
        if options and options.get("timeout") is not None and options.get("stream_idle_timeout") is None \
                and self._settings["stream_idle_timeout"] is None:
            options = {**options, "stream_idle_timeout": options["timeout"]}
        return options

    def _shape(self, out: Tuple[Any, ...], page: bool, speech: bool, operation: Optional[str] = None) -> Any:
        kind, payload, meta = out
        if kind == "json":
            cls = t.RESPONSES.get(operation or "")
            return make(cls if cls is not None else Page if page else None, payload, meta)
        if kind in ("text", "bytes"):
            return payload
        if kind == "stream":
            events, final = t.EVENTS.get(operation or ""), t.FINALS.get(operation or "")
            if self._is_async:
                return (AsyncSpeechStream if speech else AsyncStream)(payload, meta, operation, events, final)
            return (SpeechStream if speech else Stream)(payload, meta, operation, events, final)
        return (AsyncJob if self._is_async else Job)(payload, meta, operation, t.RESPONSES.get(operation or ""))

    def _pager_native(self, op: str, params: Dict[str, Any]) -> Any:
        values, opts, q = split_params(dict(params))
        return self._native.pager(op, as_query(values, q), self._options(native_options(opts)))


def _rebuild(cls: type, settings: Dict[str, Any]) -> Any:
    return cls(**settings)


class EmpirioLabs(_BaseClient):
    """The blocking client. Every call releases the interpreter while it waits, and Ctrl-C
    interrupts it.

    >>> client = EmpirioLabs()  # EMPIRIOLABS_API_KEY, EMPIRIOLABS_BASE_URL  # doctest: +SKIP
    >>> r = client.chat.completions.create(model="deepseek-v4-pro", messages=[{"role": "user", "content": "Hi"}])  # doctest: +SKIP
    >>> r.choices[0].message.content  # doctest: +SKIP
    """

    # Declared for editors and type checkers; `__init__` builds one of each.
    account: _r.Account
    agents: _r.Agents
    answer: _r.Answer
    audio: _r.Audio
    chat: _r.Chat
    completions: _r.Completions
    detect: _r.Detect
    embeddings: _r.Embeddings
    gpu: _r.Gpu
    hosted_agents: _r.HostedAgents
    images: _r.Images
    jobs: _r.Jobs
    messages: _r.Messages
    models: _r.Models
    playground: _r.Playground
    reranks: _r.Reranks
    research: _r.Research
    responses: _r.Responses
    search: _r.Search
    templates: _r.Templates
    three_d: _r.ThreeD
    videos: _r.Videos
    voices: _r.Voices

    def _call(self, op: str, *, raw: bool = False, page: bool = False, speech: bool = False, **kw: Any) -> Any:
        kw["options"] = self._options(kw.get("options"))
        try:
            out = self._native.invoke(op, **kw)
        except _native.NativeError as e:
            raise from_native(e) from None
        return APIResponse(self, out, page, speech, op) if raw else self._shape(out, page, speech, op)

    def _and_wait(self, started: Any, wait: Dict[str, Any]) -> Any:
        return started.wait(**wait) if isinstance(started, Job) else started

    def _agent_wait(self, task_id: str, timeout: Optional[float], poll: float, max_poll: float) -> t.AgentTask:
        try:
            return make(t.AgentTask, self._native.agent_wait(task_id, timeout, poll, max_poll))  # type: ignore[no-any-return]
        except _native.NativeError as e:
            raise from_native(e) from None

    def _pager(self, op: str, params: Dict[str, Any]) -> SyncPager[Any]:
        return SyncPager(self._pager_native(op, params), op)

    def _job_handle(self, job_id: str) -> Job[Any]:
        return Job(_native.Job.attach(self._native, job_id))

    def download(self, url: str) -> bytes:
        """The bytes behind a generated output URL (signed for 7 days; no key is sent)."""
        try:
            return self._native.download(url)  # type: ignore[no-any-return]
        except _native.NativeError as e:
            raise from_native(e) from None

    def download_to(self, url: str, path: "str | os.PathLike[str]") -> int:
        """Saves a generated output URL to `path` in constant memory (the file is complete, or
        not there); returns the number of bytes written."""
        try:
            return self._native.download_to(url, os.fspath(path))  # type: ignore[no-any-return]
        except _native.NativeError as e:
            raise from_native(e) from None

    def close(self) -> None:
        """Releases the client's connections; calling it again does nothing. Streams and job
        handles already made keep working; a new call raises `ConfigurationError`."""
        self._release()

    def __enter__(self) -> "EmpirioLabs":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncEmpirioLabs(_BaseClient):
    """The asyncio client: the same namespaces, every call awaitable."""

    _is_async = True

    # Declared for editors and type checkers (the async classes of `_resources.pyi`).
    account: _r.AsyncAccount
    agents: _r.AsyncAgents
    answer: _r.AsyncAnswer
    audio: _r.AsyncAudio
    chat: _r.AsyncChat
    completions: _r.AsyncCompletions
    detect: _r.AsyncDetect
    embeddings: _r.AsyncEmbeddings
    gpu: _r.AsyncGpu
    hosted_agents: _r.AsyncHostedAgents
    images: _r.AsyncImages
    jobs: _r.AsyncJobs
    messages: _r.AsyncMessages
    models: _r.AsyncModels
    playground: _r.AsyncPlayground
    reranks: _r.AsyncReranks
    research: _r.AsyncResearch
    responses: _r.AsyncResponses
    search: _r.AsyncSearch
    templates: _r.AsyncTemplates
    three_d: _r.AsyncThreeD
    videos: _r.AsyncVideos
    voices: _r.AsyncVoices

    async def _call(self, op: str, *, raw: bool = False, page: bool = False, speech: bool = False, **kw: Any) -> Any:
        kw["options"] = self._options(kw.get("options"))
        try:
            out = await self._native.ainvoke(op, **kw)
        except _native.NativeError as e:
            raise from_native(e) from None
        return APIResponse(self, out, page, speech, op) if raw else self._shape(out, page, speech, op)

    async def _and_wait(self, started: Any, wait: Dict[str, Any]) -> Any:
        started = await started
        return await started.wait(**wait) if isinstance(started, AsyncJob) else started

    async def _agent_wait(self, task_id: str, timeout: Optional[float], poll: float, max_poll: float) -> t.AgentTask:
        try:
            return make(t.AgentTask, await self._native.aagent_wait(task_id, timeout, poll, max_poll))  # type: ignore[no-any-return]
        except _native.NativeError as e:
            raise from_native(e) from None

    def _pager(self, op: str, params: Dict[str, Any]) -> AsyncPager[Any]:
        return AsyncPager(self._pager_native(op, params), op)

    def _job_handle(self, job_id: str) -> AsyncJob[Any]:
        return AsyncJob(_native.Job.attach(self._native, job_id))

    async def download(self, url: str) -> bytes:
        try:
            return await self._native.adownload(url)  # type: ignore[no-any-return]
        except _native.NativeError as e:
            raise from_native(e) from None

    async def download_to(self, url: str, path: "str | os.PathLike[str]") -> int:
        try:
            return await self._native.adownload_to(url, os.fspath(path))  # type: ignore[no-any-return]
        except _native.NativeError as e:
            raise from_native(e) from None

    async def close(self) -> None:
        """Releases the client's connections (`await client.close()`); see `EmpirioLabs.close`."""
        self._release()

    async def __aenter__(self) -> "AsyncEmpirioLabs":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
