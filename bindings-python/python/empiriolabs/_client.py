"""`EmpirioLabs` and `AsyncEmpirioLabs`: configuration, every namespace, and turning the native
layer's answers into objects, streams, job handles and pagers."""

from __future__ import annotations

import os
from typing import Any

from . import _native
from ._errors import from_native
from ._jobs import AsyncJob, Job
from ._models import Obj, wrap
from ._pagination import AsyncPager, SyncPager
from . import _resources as _r
from ._resource import as_query, native_options, split_params
from ._resources import NAMESPACES
from ._streaming import AsyncSpeechStream, AsyncStream, SpeechStream, Stream

_SETTINGS = ("api_key", "base_url", "timeout", "connect_timeout", "stream_idle_timeout", "max_retries", "default_headers", "user_agent")


class Page(Obj):
    """A list answer: iterating it yields its `data` items."""

    __slots__ = ()

    def __iter__(self):
        return iter(wrap(self._data.get("data", [])))


class APIResponse:
    """The raw answer of a call made through `.with_raw_response`."""

    def __init__(self, client: Any, out: tuple, page: bool, speech: bool):
        self._client, self._out, self._page, self._speech = client, out, page, speech
        meta = out[2] or {}
        self.status_code: int | None = meta.get("status")
        self.headers: dict = meta.get("headers", {})
        self.request_id: str | None = meta.get("request_id")

    def parse(self) -> Any:
        return self._client._shape(self._out, self._page, self._speech)


class _BaseClient:
    _is_async = False

    # Declared for editors and type checkers; `__init__` builds one of each.
    chat: _r.Chat
    completions: _r.Completions
    responses: _r.Responses
    messages: _r.Messages
    embeddings: _r.Embeddings
    reranks: _r.Reranks
    models: _r.Models
    images: _r.Images
    videos: _r.Videos
    templates: _r.Templates
    three_d: _r.ThreeD
    audio: _r.Audio
    voices: _r.Voices
    search: _r.Search
    research: _r.Research
    answer: _r.Answer
    detect: _r.Detect
    agents: _r.Agents
    account: _r.Account
    playground: _r.Playground
    jobs: _r.Jobs
    gpu: _r.Gpu
    hosted_agents: _r.HostedAgents

    def __init__(self, *, api_key: str | None = None, base_url: str | None = None, timeout: float | None = None,
                 max_retries: int | None = None, default_headers: dict[str, str] | None = None,
                 connect_timeout: float | None = None, stream_idle_timeout: float | None = None, user_agent: str | None = None):
        # The key is resolved now so a pickled client carries it to the process that unpickles it.
        api_key = api_key if api_key is not None else os.environ.get("EMPIRIOLABS_API_KEY")
        base_url = base_url if base_url is not None else os.environ.get("EMPIRIOLABS_BASE_URL")
        self._settings = dict(api_key=api_key, base_url=base_url, timeout=timeout, connect_timeout=connect_timeout,
                              stream_idle_timeout=stream_idle_timeout, max_retries=max_retries,
                              default_headers=dict(default_headers or {}), user_agent=user_agent)
        try:
            self._native = _native.Client(**{**self._settings, "api_key": api_key or ""})
        except _native.NativeError as e:
            raise from_native(e) from None
        for name, cls in NAMESPACES.items():
            setattr(self, name, cls(self))

    @property
    def base_url(self) -> str:
        return self._native.base_url

    def with_options(self, **overrides: Any):
        """A copy of this client with some settings changed (`timeout`, `max_retries`, …)."""
        unknown = set(overrides) - set(_SETTINGS)
        if unknown:
            raise TypeError(f"with_options() got unknown settings: {', '.join(sorted(unknown))}")
        return type(self)(**{**self._settings, **overrides})

    copy = with_options

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, has_api_key={self._native.has_api_key})"

    def __reduce__(self):
        return (_rebuild, (type(self), self._settings))

    def _shape(self, out: tuple, page: bool, speech: bool) -> Any:
        kind, payload, meta = out
        if kind == "json":
            if isinstance(payload, dict):
                return (Page if page else Obj)(payload, meta)
            return wrap(payload)
        if kind in ("text", "bytes"):
            return payload
        if kind == "stream":
            if self._is_async:
                return (AsyncSpeechStream if speech else AsyncStream)(payload, meta)
            return (SpeechStream if speech else Stream)(payload, meta)
        return (AsyncJob if self._is_async else Job)(payload, meta)


def _rebuild(cls: type, settings: dict):
    return cls(**settings)


class EmpirioLabs(_BaseClient):
    """The blocking client. Every call releases the interpreter while it waits, and Ctrl-C
    interrupts it.

    >>> client = EmpirioLabs()  # EMPIRIOLABS_API_KEY, EMPIRIOLABS_BASE_URL  # doctest: +SKIP
    >>> r = client.chat.completions.create(model="deepseek-v4-pro", messages=[{"role": "user", "content": "Hi"}])  # doctest: +SKIP
    >>> r.choices[0].message.content  # doctest: +SKIP
    """

    def _call(self, op: str, *, raw: bool = False, page: bool = False, speech: bool = False, **kw: Any) -> Any:
        try:
            out = self._native.invoke(op, **kw)
        except _native.NativeError as e:
            raise from_native(e) from None
        return APIResponse(self, out, page, speech) if raw else self._shape(out, page, speech)

    def _and_wait(self, started: Any, wait: dict) -> Any:
        return started.wait(**wait) if isinstance(started, Job) else started

    def _agent_wait(self, task_id: str, timeout, poll, max_poll) -> Obj:
        try:
            return Obj(self._native.agent_wait(task_id, timeout, poll, max_poll))
        except _native.NativeError as e:
            raise from_native(e) from None

    def _pager(self, op: str, params: dict) -> SyncPager:
        return SyncPager(self._native.pager(op, *_pager_args(params)))

    def _job_handle(self, job_id: str) -> Job:
        return Job(_native.Job.attach(self._native, job_id))

    def download(self, url: str) -> bytes:
        """The bytes behind a generated output URL (signed for 7 days; no key is sent)."""
        try:
            return self._native.download(url)
        except _native.NativeError as e:
            raise from_native(e) from None

    def download_to(self, url: str, path: "str | os.PathLike[str]") -> int:
        """Saves a generated output URL to `path` in constant memory (the file is complete, or
        not there); returns the number of bytes written."""
        try:
            return self._native.download_to(url, os.fspath(path))
        except _native.NativeError as e:
            raise from_native(e) from None

    def __enter__(self) -> "EmpirioLabs":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


class AsyncEmpirioLabs(_BaseClient):
    """The asyncio client: the same namespaces, every call awaitable."""

    _is_async = True

    async def _call(self, op: str, *, raw: bool = False, page: bool = False, speech: bool = False, **kw: Any) -> Any:
        try:
            out = await self._native.ainvoke(op, **kw)
        except _native.NativeError as e:
            raise from_native(e) from None
        return APIResponse(self, out, page, speech) if raw else self._shape(out, page, speech)

    async def _and_wait(self, started: Any, wait: dict) -> Any:
        started = await started
        return await started.wait(**wait) if isinstance(started, AsyncJob) else started

    async def _agent_wait(self, task_id: str, timeout, poll, max_poll) -> Obj:
        try:
            return Obj(await self._native.aagent_wait(task_id, timeout, poll, max_poll))
        except _native.NativeError as e:
            raise from_native(e) from None

    def _pager(self, op: str, params: dict) -> AsyncPager:
        return AsyncPager(self._native.pager(op, *_pager_args(params)))

    def _job_handle(self, job_id: str) -> AsyncJob:
        return AsyncJob(_native.Job.attach(self._native, job_id))

    async def download(self, url: str) -> bytes:
        try:
            return await self._native.adownload(url)
        except _native.NativeError as e:
            raise from_native(e) from None

    async def download_to(self, url: str, path: "str | os.PathLike[str]") -> int:
        try:
            return await self._native.adownload_to(url, os.fspath(path))
        except _native.NativeError as e:
            raise from_native(e) from None

    async def __aenter__(self) -> "AsyncEmpirioLabs":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        return None


def _pager_args(params: dict) -> tuple[list, dict]:
    """`(query, options)` for a pager: per-call options apply to every page, not the query."""
    values, opts, q = split_params(dict(params))
    return as_query(values, q), native_options(opts)
