"""Exceptions, named as in openai-python, plus the gateway's own (credits, streams, jobs)."""

from __future__ import annotations

from typing import Any


class EmpirioLabsError(Exception):
    """Base of every exception this package raises."""


class ConfigurationError(EmpirioLabsError):
    """The client cannot make the call as configured (for example, no API key)."""


class InvalidRequestError(EmpirioLabsError, ValueError):
    """An argument is invalid; raised before any request is sent. `param` names it."""

    def __init__(self, message: str, param: str | None = None):
        super().__init__(message)
        self.param = param


class APIError(EmpirioLabsError):
    """An error about a call: carries status, type, code, param, message, request_id and body."""

    def __init__(self, message: str, *, status_code: int | None = None, type: str | None = None, code: str | None = None,
                 param: str | None = None, request_id: str | None = None, body: Any = None, headers: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.type = type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.body = body
        self.headers = headers or {}

    @property
    def status(self) -> int | None:
        return self.status_code


class APIStatusError(APIError):
    """The gateway answered with an error status."""


class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class InsufficientCreditsError(APIStatusError):
    """402: the workspace is out of prepaid credits. Never retried."""


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


class APIConnectionError(APIError):
    """No answer: the connection failed or broke before the response."""


class APITimeoutError(APIConnectionError):
    """A timeout passed: `timeout_kind` is `connect`, `request` or `stream_idle`."""


class StreamError(APIError):
    """A stream failed after it started: `reason` is `error_event`, `missing_terminator`,
    `interrupted`, `malformed_event` or `oversized_event`; `line` holds the offending data."""


class APIResponseValidationError(APIError):
    """A successful answer could not be decoded."""


class JobFailedError(APIError):
    """The job ended `failed`; `error` is the gateway's error object."""


class JobExpiredError(NotFoundError):
    """The job is gone: finished jobs are kept for one hour, then answer 404."""


class JobTimeoutError(APIError, TimeoutError):
    """`wait()` gave up; the job keeps running and its handle stays usable."""


_BY_STATUS = {400: BadRequestError, 401: AuthenticationError, 402: InsufficientCreditsError, 403: PermissionDeniedError,
              404: NotFoundError, 409: ConflictError, 422: UnprocessableEntityError, 429: RateLimitError}


def from_native(exc: BaseException) -> EmpirioLabsError:
    """The exception for a `_native.NativeError`."""
    f: dict = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {"kind": "api", "message": str(exc)}
    kind, message = f.get("kind"), f.get("message", "")
    if kind == "config":
        return ConfigurationError(message)
    if kind == "invalid_request":
        return InvalidRequestError(message, param=f.get("field"))
    common = dict(status_code=f.get("status"), type=f.get("type"), code=f.get("code"), param=f.get("param"),
                  request_id=f.get("request_id"), headers=f.get("headers"))
    if kind == "api":
        status = f.get("status") or 0
        cls = _BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
        return cls(message, body=_parse(f.get("body")), **common)
    if kind == "connection":
        e = APIConnectionError(message, **common)
        e.before_send = f.get("before_send")
        return e
    if kind == "timeout":
        e = APITimeoutError(message, **common)
        e.timeout_kind = f.get("timeout_kind")
        return e
    if kind == "stream":
        e = StreamError(message, body=f.get("error"), **common)
        e.reason, e.line = f.get("reason"), f.get("line")
        return e
    if kind == "job_failed":
        e = JobFailedError(message, body=f.get("error"), **common)
        e.job_id, e.error = f.get("job_id"), f.get("error")
        return e
    if kind == "job_expired":
        e = JobExpiredError(message, **common)
        e.job_id = f.get("job_id")
        return e
    if kind == "job_wait_timeout":
        e = JobTimeoutError(message, **common)
        e.job_id, e.last_status, e.waited = f.get("job_id"), f.get("last_status"), f.get("waited")
        return e
    if kind == "decode":
        return APIResponseValidationError(message, body=f.get("body"), **common)
    return APIError(message, **common)


def _parse(body: Any) -> Any:
    import json

    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body
