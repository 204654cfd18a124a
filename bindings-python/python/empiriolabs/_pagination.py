"""Lazy iteration over every page of a cursor-paged list."""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator

from . import _native
from ._errors import from_native
from ._models import Obj, wrap


class SyncPager:
    """`for event in client.account.usage.list(limit=100)`: every item, fetched page by page."""

    def __init__(self, native: Any):
        self._native = native

    def pages(self) -> Iterator[Obj]:
        try:
            while True:
                got = self._native.next_page()
                if got is None:
                    return
                page, meta = got
                yield Obj(page, meta)
        except _native.NativeError as e:
            raise from_native(e) from None

    def __iter__(self) -> Iterator[Any]:
        for page in self.pages():
            for item in page["data"]:
                yield wrap(item)


class AsyncPager:
    """`async for event in client.account.usage.list(limit=100)`."""

    def __init__(self, native: Any):
        self._native = native

    async def pages(self) -> AsyncIterator[Obj]:
        try:
            while True:
                got = await self._native.anext_page()
                if got is None:
                    return
                page, meta = got
                yield Obj(page, meta)
        except _native.NativeError as e:
            raise from_native(e) from None

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._items()

    async def _items(self) -> AsyncIterator[Any]:
        async for page in self.pages():
            for item in page["data"]:
                yield wrap(item)
