"""Cursor pagination: every item, fetched lazily page by page, sync and async."""

from __future__ import annotations

import asyncio
import itertools

import pytest

import empiriolabs as el

USAGE, CONVERSATIONS = "/v1/account/usage", "/v1/playground/conversations"


def test_usage_pages_lazily(client, mock):
    pager = client.account.usage.list(limit=100)
    assert mock.requests(USAGE) == [], "nothing is fetched before iteration"
    it = iter(pager)
    first = next(it)
    assert isinstance(first, el.Obj) and len(mock.requests(USAGE)) == 1
    rest = list(itertools.islice(it, 99))
    assert len(mock.requests(USAGE)) == 1, "the first page serves 100 items"
    second_page_first = next(it)
    assert len(mock.requests(USAGE)) == 2
    items = [first, *rest, second_page_first, *it]
    assert len(items) == 250 and len({e.id for e in items}) == 250
    log = mock.requests(USAGE)
    assert len(log) == 3 and "before" not in log[0]["query"]
    assert all(e["query"]["limit"] == ["100"] for e in log)
    assert all(e["query"]["before"] for e in log[1:]), "later pages carry the cursor"


def test_pages_carry_their_metadata(client, mock):
    pages = list(client.playground.conversations.list(limit=50).pages())
    assert [len(p.data) for p in pages] == [50, 50, 20]
    assert [p.has_more for p in pages] == [True, True, False]
    assert all(p.request_id.startswith("req_") for p in pages)
    log = mock.requests(CONVERSATIONS)
    assert [e["query"].get("before") for e in log[1:]] == [[pages[0].next_cursor], [pages[1].next_cursor]]


def test_conversations_all_items(client, mock):
    ids = [c.id for c in client.playground.conversations.list(limit=50)]
    assert len(ids) == len(set(ids)) == 120 and len(mock.requests(CONVERSATIONS)) == 3


def test_per_call_options_apply_to_every_page(client, mock):
    items = list(client.account.usage.list(limit=100, extra_headers={"x-trace": "t1"}, extra_query={"team": "ml"},
                                           timeout=5, max_retries=0))
    assert len(items) == 250
    log = mock.requests(USAGE)
    assert len(log) == 3
    for e in log:
        assert e["headers"]["x-trace"] == "t1" and e["query"]["team"] == ["ml"]
        assert set(e["query"]) <= {"limit", "before", "team"}, "options are not query parameters"
    with pytest.raises(el.InternalServerError):
        next(iter(client.playground.conversations.list(max_retries=0, extra_headers={"x-mock-fault": "server_error"})))
    assert len(mock.requests(CONVERSATIONS)) == 1


def test_async_pagination(aclient, mock):
    async def go():
        pager = aclient.account.usage.list(limit=100)
        seen_after_first = None
        n = 0
        async for _ in pager:
            n += 1
            if n == 1:
                seen_after_first = len(mock.requests(USAGE))
        conv = [c.id async for c in aclient.playground.conversations.list(limit=50)]
        pages = [p async for p in aclient.playground.conversations.list(limit=50).pages()]
        return n, seen_after_first, conv, pages

    n, seen_after_first, conv, pages = asyncio.run(go())
    assert n == 250 and seen_after_first == 1 and len(mock.requests(USAGE)) == 3
    assert len(set(conv)) == 120 and [len(p.data) for p in pages] == [50, 50, 20]
