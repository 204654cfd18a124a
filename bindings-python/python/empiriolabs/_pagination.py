"""Lazy iteration over every page of a cursor-paged list.

`SyncPager[T]` and `AsyncPager[T]` are generic in the item type (`SyncPager[UsageEvent]`)."""

from __future__ import annotations

from typing import Any, AsyncIterator, Generic, Iterator, List, Optional, TypeVar

from . import _native
from . import _types as t
from ._errors import from_native
from ._models import CursorPage, Page, converter, make

T = TypeVar("T", covariant=True)


class _PagerBase(Generic[T]):
    def __init__(self, native: Any, operation: Optional[str] = None):
        self._native = native
        self._operation = operation or getattr(native, "operation", None)
        self._page_kind = t.PAGES.get(self._operation or "")
        self._conv = converter(t.ITEMS.get(self._operation or ""))
        self._pages_read = 0
        self._done = False

    @property
    def operation(self) -> Optional[str]:
        return self._operation

    def _page(self, got: Any) -> CursorPage[T]:
        page, meta = got
        self._pages_read += 1
        return make(self._page_kind or CursorPage, page, meta)  # type: ignore[no-any-return]

    def _items(self, page: CursorPage[T]) -> List[Any]:
        items = page._data.get(type(page)._items_key if isinstance(page, Page) else "data")
        return items if isinstance(items, list) else []

    def __repr__(self) -> str:
        state = "done" if self._done else "reading" if self._pages_read else "not started"
        return f"{type(self).__name__}(operation={self._operation!r}, pages_read={self._pages_read}, state={state!r})"


class SyncPager(_PagerBase[T]):
    """`for event in client.account.usage.list(limit=100)`: every item, fetched page by page."""

    def pages(self) -> Iterator[CursorPage[T]]:
        """Every page (with its `has_more`, `next_cursor` and `request_id`), fetched as iterated."""
        try:
            while True:
                got = self._native.next_page()
                if got is None:
                    self._done = True
                    return
                yield self._page(got)
        except _native.NativeError as e:
            raise from_native(e) from None

    def __iter__(self) -> Iterator[T]:
        conv = self._conv
        for page in self.pages():
            for item in self._items(page):
                yield conv(item)


class AsyncPager(_PagerBase[T]):
    """`async for event in client.account.usage.list(limit=100)`."""

    async def pages(self) -> AsyncIterator[CursorPage[T]]:
        try:
            while True:
                got = await self._native.anext_page()
                if got is None:
                    self._done = True
                    return
                yield self._page(got)
        except _native.NativeError as e:
            raise from_native(e) from None

    def __aiter__(self) -> AsyncIterator[T]:
        return self._all()

    async def _all(self) -> AsyncIterator[T]:
        conv = self._conv
        async for page in self.pages():
            for item in self._items(page):
                yield conv(item)
