"""Streams: iterate chunks, iterate text only, or read to the final object. Leaving the `with`
block, calling `close()`, or dropping the stream closes the connection."""

from __future__ import annotations

import base64
from typing import Any, AsyncIterator, Iterator

from . import _native
from ._errors import APIError, from_native
from ._models import Obj, wrap


class _Base:
    def __init__(self, native: Any, meta: dict):
        self._native = native
        self.meta = meta

    @property
    def request_id(self) -> str | None:
        return self.meta.get("request_id")

    @property
    def headers(self) -> dict:
        return self.meta.get("headers", {})

    def close(self) -> None:
        """Closes the connection now; the gateway stops billing."""
        self._native.close()

    def _error(self, exc: BaseException) -> Exception:
        # A failure mid-stream comes after the 2xx headers; the core's error does not carry
        # their status and request id, so they come from the stream's own metadata.
        err = from_native(exc)
        if isinstance(err, APIError):
            if err.status_code is None:
                err.status_code = self.meta.get("status")
            if err.request_id is None:
                err.request_id = self.request_id
        return err


class Stream(_Base):
    """A streamed answer.

    >>> with client.chat.completions.create(model="deepseek-v4-pro", messages=msgs, stream=True) as stream:  # doctest: +SKIP
    ...     for text in stream.text_stream:
    ...         print(text, end="")
    """

    def __iter__(self) -> Iterator[Any]:
        nxt = self._native.next
        try:
            while True:
                event = nxt()
                if event is None:
                    return
                yield wrap(event)
        except _native.NativeError as e:
            raise self._error(e) from None

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def text_stream(self) -> Iterator[str]:
        """Only the text, whatever the stream's format."""
        nxt = self._native.next_text
        try:
            while True:
                text = nxt()
                if text is None:
                    return
                yield text
        except _native.NativeError as e:
            raise self._error(e) from None

    def _final(self) -> Obj:
        try:
            value = self._native.final_value()
        except _native.NativeError as e:
            raise self._error(e) from None
        if value is None:
            raise TypeError("this stream folds into no final object")
        return Obj(value, self.meta)

    def get_final_response(self) -> Obj:
        """Reads the rest and returns the final Responses object (of `response.completed`)."""
        return self._final()

    def get_final_completion(self) -> Obj:
        """Reads the rest and returns the whole chat completion (text and tool calls joined)."""
        return self._final()

    def get_final_message(self) -> Obj:
        """Reads the rest and returns the whole Anthropic message."""
        return self._final()

    def until_done(self) -> "Stream":
        for _ in self:
            pass
        return self


class SpeechStream(Stream):
    """Streamed speech: events, or the audio bytes with `iter_bytes()`; `done` holds the final
    `audio.done` event (URL, duration and usage) once the stream is read."""

    done: Any = None

    def __iter__(self) -> Iterator[Any]:
        for event in super().__iter__():
            if event.get("type") == "audio.done":
                self.done = event
            yield event

    def iter_bytes(self) -> Iterator[bytes]:
        for event in self:
            if event.get("type") == "audio.chunk":
                yield base64.b64decode(event["audio_b64"])


class AsyncStream(_Base):
    """The async form of `Stream`: `async for`, `async with`, `text_stream`."""

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._events()

    async def _events(self) -> AsyncIterator[Any]:
        try:
            while True:
                event = await self._native.anext()
                if event is None:
                    return
                yield wrap(event)
        except _native.NativeError as e:
            raise self._error(e) from None

    async def __aenter__(self) -> "AsyncStream":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    @property
    def text_stream(self) -> AsyncIterator[str]:
        async def gen() -> AsyncIterator[str]:
            try:
                while True:
                    text = await self._native.anext_text()
                    if text is None:
                        return
                    yield text
            except _native.NativeError as e:
                raise self._error(e) from None

        return gen()

    async def _final(self) -> Obj:
        try:
            value = await self._native.afinal_value()
        except _native.NativeError as e:
            raise self._error(e) from None
        if value is None:
            raise TypeError("this stream folds into no final object")
        return Obj(value, self.meta)

    async def get_final_response(self) -> Obj:
        return await self._final()

    async def get_final_completion(self) -> Obj:
        return await self._final()

    async def get_final_message(self) -> Obj:
        return await self._final()


class AsyncSpeechStream(AsyncStream):
    done: Any = None

    async def _events(self) -> AsyncIterator[Any]:
        async for event in super()._events():
            if event.get("type") == "audio.done":
                self.done = event
            yield event

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        async for event in self:
            if event.get("type") == "audio.chunk":
                yield base64.b64decode(event["audio_b64"])


class AsyncStreamContext:
    """What the async client's `messages.stream(...)` returns: `await` it for the stream, or
    `async with` it directly, as with the sync client's `with`."""

    def __init__(self, pending: Any):
        self._pending = pending
        self._stream: AsyncStream | None = None

    def __await__(self):
        return self._pending.__await__()

    async def __aenter__(self) -> AsyncStream:
        self._stream = await self._pending
        return self._stream

    async def __aexit__(self, *exc: Any) -> None:
        if self._stream is not None:
            self._stream.close()
