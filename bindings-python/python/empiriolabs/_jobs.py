"""Job handles: `wait()` polls adaptively (honouring Retry-After) to the finished result;
`refresh()`, `cancel()`, and `progress=True` for a progress bar."""

from __future__ import annotations

from typing import Any, Callable

from . import _native
from ._errors import from_native
from ._models import Obj, wrap
from ._progress import progress_bar


class _JobBase:
    def __init__(self, native: Any, meta: dict | None = None):
        self._native = native
        self.meta = meta or {}

    @property
    def id(self) -> str:
        return self._native.id

    @property
    def status(self) -> str:
        """The last known status (`processing`, `completed`, `failed`)."""
        return self._native.status

    @property
    def progress(self) -> float | None:
        return self._native.progress

    @property
    def result(self) -> Any:
        """The result once completed (the synchronous endpoint's shape), else `None`."""
        return wrap(self._native.snapshot().get("result"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, status={self.status!r}, progress={self.progress!r})"

    def _callbacks(self, on_progress: Callable[[Any], None] | None, progress: bool):
        close = None
        callback = None
        if progress:
            callback, close = progress_bar(f"job {self.id}")
        if on_progress is not None:
            user, bar = on_progress, callback

            def callback(state: dict) -> None:
                if bar:
                    bar(state)
                user(Obj(state))

        return callback, close


class Job(_JobBase):
    """A running async generation.

    >>> job = client.videos.generate(model="seedance-2-0-pro", prompt="rain")  # doctest: +SKIP
    >>> video = job.wait(timeout=1800, progress=True)  # doctest: +SKIP
    """

    def refresh(self) -> Obj:
        try:
            return Obj(self._native.refresh())
        except _native.NativeError as e:
            raise from_native(e) from None

    def wait(self, timeout: float | None = None, *, on_progress: Callable[[Any], None] | None = None, progress: bool = False,
             poll_interval: float = 0.5, max_poll_interval: float = 5.0) -> Any:
        """Polls until the job finishes and returns its result. `JobFailedError`,
        `JobExpiredError`, or `JobTimeoutError` after `timeout` seconds (the job keeps running)."""
        callback, close = self._callbacks(on_progress, progress)
        ok = False
        try:
            result = self._native.wait(timeout, poll_interval, max_poll_interval, callback)
            ok = True
            return wrap(result)
        except _native.NativeError as e:
            raise from_native(e) from None
        finally:
            if close:
                close(ok)

    def cancel(self) -> Obj:
        try:
            return Obj(self._native.cancel())
        except _native.NativeError as e:
            raise from_native(e) from None


class AsyncJob(_JobBase):
    async def refresh(self) -> Obj:
        try:
            return Obj(await self._native.arefresh())
        except _native.NativeError as e:
            raise from_native(e) from None

    async def wait(self, timeout: float | None = None, *, on_progress: Callable[[Any], None] | None = None, progress: bool = False,
                   poll_interval: float = 0.5, max_poll_interval: float = 5.0) -> Any:
        callback, close = self._callbacks(on_progress, progress)
        ok = False
        try:
            result = await self._native.await_result(timeout, poll_interval, max_poll_interval, callback)
            ok = True
            return wrap(result)
        except _native.NativeError as e:
            raise from_native(e) from None
        finally:
            if close:
                close(ok)

    async def cancel(self) -> Obj:
        try:
            return Obj(await self._native.acancel())
        except _native.NativeError as e:
            raise from_native(e) from None
