"""The types of the gateway's answers, for annotations and `isinstance` checks:
`from empiriolabs.types import ChatCompletion, ChatCompletionChunk, MessageStreamEvent`.

They are generated from the spec into `empiriolabs._types` (see that module); the job state
model is `Job` here, while `empiriolabs.Job` is the handle of a running job."""

from ._types import *  # noqa: F401,F403
from ._types import __all__  # noqa: F401
