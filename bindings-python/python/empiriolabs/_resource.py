"""What every generated namespace class builds on: splitting a call's keyword arguments into
its parameters and per-call options, and handing the call to the client."""

from __future__ import annotations

from typing import Any

OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries", "stream_idle_timeout")
WAIT_OPTIONS = ("wait_timeout", "progress", "on_progress")


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def split_params(params: dict) -> tuple[dict, dict, list]:
    """`(values, opts, query)`: a call's own arguments (`None` means not sent), its per-call
    options, and the pairs of `extra_query`."""
    opts = {k: params.pop(k) for k in OPTIONS if k in params}
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


def wait_args(params: dict) -> dict:
    """Takes a `*_and_wait` call's wait options out of `params`: `wait_timeout` is the job's deadline."""
    return {k[5:] if k.startswith("wait_") else k: params.pop(k) for k in WAIT_OPTIONS if k in params}


class Resource:
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

    def _stream_context(self, out: Any):
        """A stream helper's answer: on the async client a context to `async with` or await."""
        from ._streaming import AsyncStreamContext

        return AsyncStreamContext(out) if self._client._is_async and not self._raw else out

    def _and_wait(self, started: Any, wait: dict):
        return self._client._and_wait(started, wait)
