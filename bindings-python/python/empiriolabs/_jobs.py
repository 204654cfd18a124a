"""Job handles: `wait()` polls adaptively (honouring Retry-After) to the finished result;
`refresh()`, `cancel()`, and `progress=True` for a progress bar.

`Job[R]` and `AsyncJob[R]` are generic in the result type (`Job[VideoResult]`)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Generic, Optional, Tuple, TypeVar

from . import _native
from . import _types as t
from ._errors import from_native
from ._models import make
from ._progress import progress_bar

R = TypeVar("R", covariant=True)


class JobProgress(t.Job):
    """What `on_progress` receives after each poll of a job: `id`, `status` (`processing`,
    `completed`, `failed`), `progress` (0.0 to 1.0, where the gateway reports it) and `raw`, the
    whole state as the gateway sent it (the fields of `jobs.retrieve`'s answer, such as
    `job_id`, `created_at` and `error`, read on the progress object itself too)."""

    __slots__ = ()

    @property
    def id(self) -> str:
        """The job's id."""
        got = self._data.get("job_id") or self._data.get("task_id") or (self._meta or {}).get("id")
        return str(got or "")

    @property
    def raw(self) -> t.Job:
        """The state as the gateway sent it, as a `Job` object (`to_dict()` for a dict)."""
        return make(t.Job, self._data)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"JobProgress(id={self.id!r}, status={self.status!r}, progress={self.progress!r})"


OnProgress = Callable[[JobProgress], Any]


class _JobBase(Generic[R]):
    def __init__(self, native: Any, meta: Optional[Dict[str, Any]] = None, operation: Optional[str] = None, result: Any = None):
        self._native = native
        self.meta: Dict[str, Any] = meta or {}
        self._operation = operation
        self._result_kind = result

    @property
    def id(self) -> str:
        return str(self._native.id)

    @property
    def status(self) -> str:
        """The last known status (`processing`, `completed`, `failed`)."""
        return str(self._native.status)

    @property
    def progress(self) -> Optional[float]:
        """The last known progress, 0.0 to 1.0, where the gateway reports it."""
        return self._native.progress  # type: ignore[no-any-return]

    @property
    def operation(self) -> Optional[str]:
        """The operationId that started the job (`None` for a handle made from an id)."""
        return self._operation

    @property
    def result(self) -> Optional[R]:
        """The result once completed (the synchronous endpoint's shape), else `None`."""
        value = self._native.snapshot().get("result")
        got: Optional[R] = None if value is None else make(self._result_kind, value)
        return got

    def __repr__(self) -> str:
        op = f", operation={self._operation!r}" if self._operation else ""
        return f"{type(self).__name__}(id={self.id!r}, status={self.status!r}, progress={self.progress!r}{op})"

    def _callbacks(self, on_progress: Optional[OnProgress], progress: bool) -> Tuple[Any, Any]:
        close = None
        callback = None
        if progress:
            callback, close = progress_bar(f"job {self.id}")
        if on_progress is not None:
            user, bar, meta = on_progress, callback, {"id": self.id}

            def callback(state: Dict[str, Any]) -> None:
                if bar:
                    bar(state)
                user(make(JobProgress, state, meta))

        return callback, close

    def _state(self, value: Any) -> t.Job:
        return make(t.Job, value)  # type: ignore[no-any-return]


class Job(_JobBase[R]):
    """A running async generation.

    >>> job = client.videos.generate(model="seedance-2-0-pro", prompt="rain")  # doctest: +SKIP
    >>> video = job.wait(timeout=1800, progress=True)  # doctest: +SKIP
    """

    def refresh(self) -> t.Job:
        """Polls once and returns the job's state."""
        try:
            return self._state(self._native.refresh())
        except _native.NativeError as e:
            raise from_native(e) from None

    def wait(self, timeout: Optional[float] = None, *, on_progress: Optional[OnProgress] = None, progress: bool = False,
             poll_interval: float = 0.5, max_poll_interval: float = 5.0) -> R:
        """Polls until the job finishes and returns its result. `timeout` is a deadline for the
        whole wait: past it, `JobTimeoutError` (the job keeps running, the handle stays usable).
        `JobFailedError` when it fails, `JobExpiredError` once the gateway has forgotten it.
        `on_progress(JobProgress)` is called after each poll; `progress=True` draws a bar."""
        callback, close = self._callbacks(on_progress, progress)
        ok = False
        try:
            result = self._native.wait(timeout, poll_interval, max_poll_interval, callback)
            ok = True
            return make(self._result_kind, result)  # type: ignore[no-any-return]
        except _native.NativeError as e:
            raise from_native(e) from None
        finally:
            if close:
                close(ok)

    def cancel(self) -> t.Job:
        """Asks the gateway to cancel the job (best effort) and returns its state."""
        try:
            return self._state(self._native.cancel())
        except _native.NativeError as e:
            raise from_native(e) from None


class AsyncJob(_JobBase[R]):
    """The async form of `Job`: `await job.wait(...)`, `await job.refresh()`, `await job.cancel()`."""

    async def refresh(self) -> t.Job:
        try:
            return self._state(await self._native.arefresh())
        except _native.NativeError as e:
            raise from_native(e) from None

    async def wait(self, timeout: Optional[float] = None, *, on_progress: Optional[OnProgress] = None, progress: bool = False,
                   poll_interval: float = 0.5, max_poll_interval: float = 5.0) -> R:
        callback, close = self._callbacks(on_progress, progress)
        ok = False
        try:
            result = await self._native.await_result(timeout, poll_interval, max_poll_interval, callback)
            ok = True
            return make(self._result_kind, result)  # type: ignore[no-any-return]
        except _native.NativeError as e:
            raise from_native(e) from None
        finally:
            if close:
                close(ok)

    async def cancel(self) -> t.Job:
        try:
            return self._state(await self._native.acancel())
        except _native.NativeError as e:
            raise from_native(e) from None
