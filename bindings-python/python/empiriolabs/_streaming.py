"""Streams: iterate events (each in its class), iterate text only, or read to the final object.
Leaving the `with` block, calling `close()`, or dropping the stream closes the connection.

`Stream[E]` and `AsyncStream[E]` are generic in their event type (`Stream[ChatCompletionChunk]`,
`Stream[MessageStreamEvent]`, ...), so type checkers know what iterating one yields and which
`get_final_*` it has."""

from __future__ import annotations

import base64
from typing import Any, AsyncIterator, Dict, Generator, Generic, Iterator, Optional, TypeVar, overload

from . import _native
from . import _types as t
from ._errors import APIError, from_native
from ._headers import Headers
from ._models import converter, make, native_plan

E = TypeVar("E", covariant=True)


def _as_is(event: Any) -> Any:
    return event


class _Base(Generic[E]):
    def __init__(self, native: Any, meta: Optional[Dict[str, Any]] = None, operation: Optional[str] = None, events: Any = None,
                 final: Any = None):
        self._native = native
        self.meta: Dict[str, Any] = meta or {}
        self._operation = operation
        self._conv = converter(events)
        # Events of a class (or a union of classes) are built natively, their fields kept.
        plan = native_plan(events) if events is not None else None
        if plan is not None:
            native.set_plan(plan)
            self._conv = _as_is
        self._final_kind = final
        self._state = "open"
        self._headers: Optional[Headers] = None

    @property
    def request_id(self) -> Optional[str]:
        return self.meta.get("request_id")

    @property
    def status_code(self) -> Optional[int]:
        return self.meta.get("status")

    @property
    def headers(self) -> Headers:
        """The response headers (case-insensitive: `headers.get("X-Request-ID")`)."""
        if self._headers is None:
            self._headers = Headers(self.meta.get("headers"))
        return self._headers

    @property
    def operation(self) -> Optional[str]:
        """The operationId of the call that opened the stream."""
        return self._operation

    def close(self) -> None:
        """Closes the connection now; the gateway stops billing."""
        self._native.close()
        if self._state == "open":
            self._state = "closed"

    def _error(self, exc: BaseException) -> Exception:
        # A failure mid-stream comes after the 2xx headers; the core's error does not carry
        # their status and request id, so they come from the stream's own metadata.
        self._state = "failed"
        err = from_native(exc)
        if isinstance(err, APIError):
            if err.status_code is None:
                err.status_code = self.meta.get("status")
            if err.request_id is None:
                err.request_id = self.request_id
        return err

    def _done(self) -> None:
        if self._state == "open":
            self._state = "finished"

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(operation={self._operation!r}, state={self._state!r}, "
                f"status={self.status_code!r}, request_id={self.request_id!r})")


class Stream(_Base[E]):
    """A streamed answer.

    >>> with client.chat.completions.create(model="deepseek-v4-pro", messages=msgs, stream=True) as stream:  # doctest: +SKIP
    ...     for text in stream.text_stream:
    ...         print(text, end="")
    """

    def __iter__(self) -> Iterator[E]:
        if self._conv is _as_is:  # built natively: iterated natively, no Python code per event
            return self._native.events(self._error, self._done)  # type: ignore[no-any-return]
        return self._converted()

    def _converted(self) -> Iterator[E]:
        nxt = self._native.next
        conv = self._conv
        try:
            while True:
                event = nxt()
                if event is None:
                    self._done()
                    return
                yield conv(event)
        except _native.NativeError as e:
            raise self._error(e) from None

    def __enter__(self) -> "Stream[E]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def text_stream(self) -> Iterator[str]:
        """Only the text, whatever the stream's format."""
        texts = self._native.next_texts  # what has arrived, in one call
        try:
            while True:
                batch = texts()
                if not batch:
                    self._done()
                    return
                yield from batch
        except _native.NativeError as e:
            raise self._error(e) from None

    def _final(self) -> Any:
        try:
            value = self._native.final_value()
        except _native.NativeError as e:
            raise self._error(e) from None
        self._done()
        if value is None:
            raise TypeError("this stream folds into no final object")
        return make(self._final_kind, value, self.meta)

    def get_final_response(self: "Stream[t.ResponseStreamEvent]") -> t.Response:
        """Reads the rest and returns the final Responses object (of `response.completed`)."""
        return self._final()  # type: ignore[no-any-return]

    @overload
    def get_final_completion(self: "Stream[t.ChatCompletionChunk]") -> t.ChatCompletion: ...
    @overload
    def get_final_completion(self: "Stream[t.Completion]") -> t.Completion: ...

    def get_final_completion(self) -> Any:
        """Reads the rest and returns the whole completion (text and tool calls joined)."""
        return self._final()

    def get_final_message(self: "Stream[t.MessageStreamEvent]") -> t.Message:
        """Reads the rest and returns the whole Anthropic-style message."""
        return self._final()  # type: ignore[no-any-return]

    def get_final_text(self: "Stream[t.MessageStreamEvent]") -> str:
        """Reads the rest and returns the message's text: its text blocks, joined."""
        return _text_of(self.get_final_message())

    def until_done(self) -> "Stream[E]":
        """Reads the stream to its end (the events are dropped)."""
        for _ in self:
            pass
        return self


def _text_of(message: Any) -> str:
    return "".join(b["text"] for b in message["content"] or [] if b.get("type") == "text" and isinstance(b.get("text"), str))


class SpeechStream(Stream[t.SpeechStreamEvent]):
    """Streamed speech: events, or the audio bytes with `iter_bytes()`; `done` holds the final
    `audio.done` event (URL, duration and usage) once the stream is read."""

    done: Optional[t.SpeechDoneEvent] = None

    def __iter__(self) -> Iterator[t.SpeechStreamEvent]:
        for event in super().__iter__():
            if event.type == "audio.done":
                self.done = event
            yield event

    def iter_bytes(self) -> Iterator[bytes]:
        """The audio, chunk by chunk, as it arrives."""
        for event in self:
            if event.type == "audio.chunk":
                yield base64.b64decode(event["audio_b64"])


class AsyncStream(_Base[E]):
    """The async form of `Stream`: `async for`, `async with`, `text_stream`."""

    def __aiter__(self) -> AsyncIterator[E]:
        return self._events()

    async def _events(self) -> AsyncIterator[E]:
        conv = self._conv
        native = self._native
        # Events already received are taken without a future; only a real wait awaits one.
        now = native.next_now
        try:
            while True:
                event = now()
                if event is ...:
                    event = await native.anext()
                if event is None:
                    self._done()
                    return
                yield conv(event)
        except _native.NativeError as e:
            raise self._error(e) from None

    async def __aenter__(self) -> "AsyncStream[E]":
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
                        self._done()
                        return
                    yield text
            except _native.NativeError as e:
                raise self._error(e) from None

        return gen()

    async def _final(self) -> Any:
        try:
            value = await self._native.afinal_value()
        except _native.NativeError as e:
            raise self._error(e) from None
        self._done()
        if value is None:
            raise TypeError("this stream folds into no final object")
        return make(self._final_kind, value, self.meta)

    async def get_final_response(self: "AsyncStream[t.ResponseStreamEvent]") -> t.Response:
        return await self._final()  # type: ignore[no-any-return]

    @overload
    async def get_final_completion(self: "AsyncStream[t.ChatCompletionChunk]") -> t.ChatCompletion: ...
    @overload
    async def get_final_completion(self: "AsyncStream[t.Completion]") -> t.Completion: ...

    async def get_final_completion(self) -> Any:
        return await self._final()

    async def get_final_message(self: "AsyncStream[t.MessageStreamEvent]") -> t.Message:
        return await self._final()  # type: ignore[no-any-return]

    async def get_final_text(self: "AsyncStream[t.MessageStreamEvent]") -> str:
        return _text_of(await self.get_final_message())

    async def until_done(self) -> "AsyncStream[E]":
        async for _ in self:
            pass
        return self


class AsyncSpeechStream(AsyncStream[t.SpeechStreamEvent]):
    done: Optional[t.SpeechDoneEvent] = None

    async def _events(self) -> AsyncIterator[t.SpeechStreamEvent]:
        async for event in super()._events():
            if event.type == "audio.done":
                self.done = event
            yield event

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        async for event in self:
            if event.type == "audio.chunk":
                yield base64.b64decode(event["audio_b64"])


class AsyncStreamContext(Generic[E]):
    """What the async client's `*.stream(...)` returns: `await` it for the stream, or
    `async with` it directly, as with the sync client's `with`."""

    def __init__(self, pending: Any):
        self._pending = pending
        self._stream: Optional[AsyncStream[E]] = None

    def __await__(self) -> Generator[Any, None, AsyncStream[E]]:
        return self._pending.__await__()  # type: ignore[no-any-return]

    async def __aenter__(self) -> AsyncStream[E]:
        self._stream = await self._pending
        return self._stream

    async def __aexit__(self, *exc: Any) -> None:
        if self._stream is not None:
            self._stream.close()

