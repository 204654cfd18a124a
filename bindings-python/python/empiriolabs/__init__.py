"""Official Python SDK for the EmpirioLabs AI gateway.

>>> from empiriolabs import EmpirioLabs
>>> client = EmpirioLabs()  # doctest: +SKIP
"""

import atexit as _atexit
import os as _os

from . import _native as _native, types as types
from ._client import APIResponse, AsyncEmpirioLabs, EmpirioLabs
from ._errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    APIUserAbortError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    EmpirioLabsError,
    InsufficientCreditsError,
    InternalServerError,
    InvalidRequestError,
    JobExpiredError,
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StreamError,
    UnprocessableEntityError,
)
from ._headers import Headers
from ._jobs import AsyncJob, Job, JobProgress
from ._models import Obj, ObjList, Page
from ._pagination import AsyncPager, SyncPager
from ._streaming import AsyncSpeechStream, AsyncStream, AsyncStreamContext, SpeechStream, Stream

__version__ = _native.__version__

# A forked child must not use the parent's I/O threads or pooled connections.
if hasattr(_os, "register_at_fork"):
    _os.register_at_fork(after_in_child=_native.reset_after_fork)
# The I/O threads stop before the interpreter finalizes, so none of them can touch it after.
_atexit.register(_native.shutdown)

__all__ = [
    "EmpirioLabs", "AsyncEmpirioLabs", "APIResponse", "Page", "Obj", "ObjList", "Headers", "Stream", "AsyncStream", "SpeechStream",
    "AsyncSpeechStream", "AsyncStreamContext", "Job", "AsyncJob", "JobProgress", "SyncPager", "AsyncPager", "types",
    "EmpirioLabsError", "ConfigurationError", "InvalidRequestError", "APIError", "APIStatusError", "BadRequestError",
    "AuthenticationError", "InsufficientCreditsError", "PermissionDeniedError", "NotFoundError", "ConflictError",
    "UnprocessableEntityError", "RateLimitError", "InternalServerError", "APIConnectionError", "APITimeoutError",
    "StreamError", "APIResponseValidationError", "JobFailedError", "JobExpiredError", "JobTimeoutError", "APIUserAbortError",
]
