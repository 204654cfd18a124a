"""A first pass over the package: both clients, streams, jobs, errors and pagination."""

from __future__ import annotations

import asyncio

import pytest

import empiriolabs

MSGS = [{"role": "user", "content": "Hi"}]


def test_chat_stream_job_errors_pages(client, mock):
    r = client.chat.completions.create(model="deepseek-v4-pro", messages=MSGS, thinking_mode=True)
    assert r.choices[0].message.content.endswith("You said: Hi") and r.request_id.startswith("req_")
    assert mock.requests("/v1/chat/completions")[-1]["body"]["thinking_mode"] is True
    with client.chat.completions.create(model="deepseek-v4-pro", messages=MSGS, stream=True) as s:
        assert "".join(s.text_stream) == "Hello from the EmpirioLabs mock gateway. You said: Hi"
    assert client.videos.generate_and_wait(model="kling-o3", prompt="x", wait_timeout=10).data[0].url
    with pytest.raises(empiriolabs.NotFoundError) as e:
        client.chat.completions.create(model="nope", messages=MSGS)
    assert e.value.code == "model_not_found" and e.value.status_code == 404
    sent = len(mock.requests("/v1/chat/completions"))
    with pytest.raises(empiriolabs.InvalidRequestError) as e:
        client.chat.completions.create(model="deepseek-v4-pro")
    assert e.value.param == "messages" and isinstance(e.value, ValueError)
    assert len(mock.requests("/v1/chat/completions")) == sent, "caught before the network"
    assert sum(1 for _ in client.account.usage.list(limit=100)) == 250


def test_async_client(aclient):
    async def go():
        r = await aclient.chat.completions.create(model="deepseek-v4-pro", messages=MSGS)
        s = await aclient.chat.completions.create(model="deepseek-v4-pro", messages=MSGS, stream=True)
        text = "".join([t async for t in s.text_stream])
        n = 0
        async for _ in aclient.playground.conversations.list(limit=50):
            n += 1
        return r.choices[0].message.content, text, n

    content, text, n = asyncio.run(go())
    assert content == text and n == 120
