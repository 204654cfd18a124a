"""Exceptions, named as in openai-python, plus the gateway's own (credits, streams, jobs)."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ._headers import Headers


class EmpirioLabsError(Exception):
    """Base of every exception this package raises; `message` is its text."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class ConfigurationError(EmpirioLabsError):
    """The client cannot make the call as configured (for example, no API key, or it is closed)."""


class InvalidRequestError(EmpirioLabsError, ValueError):
    """An argument is invalid; raised before any request is sent. `param` names it and `code`
    says what is wrong (`missing_required_parameter`, `invalid_value`, ...), as the gateway
    would; `status_code`, `request_id` and `body` are `None`, as no request was made."""

    status_code: Optional[int] = None
    type: Optional[str] = "invalid_request_error"
    request_id: Optional[str] = None
    body: Any = None

    def __init__(self, message: str, param: Optional[str] = None, code: Optional[str] = None):
        super().__init__(message)
        self.param = param
        self.code = code
        self.headers = Headers()

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.param, self.code))


class APIError(EmpirioLabsError):
    """An error about a call: carries status, type, code, param, message, request_id and body."""

    def __init__(self, message: str, *, status_code: Optional[int] = None, type: Optional[str] = None, code: Optional[str] = None,
                 param: Optional[str] = None, request_id: Optional[str] = None, body: Any = None,
                 headers: Optional[Mapping[str, str]] = None):
        super().__init__(message)
        self.status_code = status_code
        self.type = type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.body = body
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)

    @property
    def status(self) -> Optional[int]:
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


class APIUserAbortError(APIError):
    """The call was cancelled; its connection is closed."""


# The core's error classes, the same names in every language, to this package's exceptions.
_BY_CLASS: dict[str, type[EmpirioLabsError]] = {
    "BadRequest": BadRequestError, "Authentication": AuthenticationError, "InsufficientCredits": InsufficientCreditsError,
    "PermissionDenied": PermissionDeniedError, "NotFound": NotFoundError, "Conflict": ConflictError,
    "UnprocessableEntity": UnprocessableEntityError, "RateLimit": RateLimitError, "InternalServer": InternalServerError,
    "ApiStatus": APIStatusError, "Connection": APIConnectionError, "Timeout": APITimeoutError, "Stream": StreamError,
    "JobFailed": JobFailedError, "JobExpired": JobExpiredError, "JobTimeout": JobTimeoutError,
    "InvalidRequest": InvalidRequestError, "Configuration": ConfigurationError, "Cancelled": APIUserAbortError,
    "Decode": APIResponseValidationError,
}

# Fields copied onto the exception as attributes, where the error has them.
_EXTRA = ("reason", "line", "job_id", "last_status", "waited", "timeout_kind", "before_send", "retryable")


def from_native(exc: BaseException) -> EmpirioLabsError:
    """The exception for a `_native.NativeError`."""
    f: Dict[str, Any] = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {"class": "ApiStatus", "message": str(exc)}
    cls: Any = _BY_CLASS.get(f.get("class", ""), APIError)
    message = f.get("message", "")
    if cls is ConfigurationError:
        return ConfigurationError(message)
    if cls is InvalidRequestError:
        # The gateway's codes for what it would have answered.
        code = f.get("code") or ("missing_required_parameter" if "is required" in message else "invalid_value")
        return InvalidRequestError(message, param=f.get("param"), code=code)
    body = f.get("body")
    e: APIError = cls(message, status_code=f.get("status"), type=f.get("type"), code=f.get("code"), param=f.get("param"),
            request_id=f.get("request_id"), headers=f.get("headers"), body=_parse(body) if body is not None else None)
    for name in _EXTRA:
        if f.get(name) is not None:
            setattr(e, name, f[name])
    if cls is JobFailedError:
        setattr(e, "error", e.body)
    return e


def _parse(body: Any) -> Any:
    import json

    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body
