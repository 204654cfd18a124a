"""openai-python manners: closing clients, readable settings, case-insensitive headers, a call's
timeout bounding stream idle, `wait_timeout` and the progress object of waits, final text of
message streams, informative reprs, and errors whose fields and messages are whole."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

import empiriolabs as el
from empiriolabs import types
from support import CHAT, HELLO, MSGS

STALL = {"x-mock-fault": "stall_stream", "x-mock-fault-after": "2", "x-mock-fault-delay-ms": "1500"}
VIDEO = dict(model="seedance-2-0-pro", prompt="A paper boat", duration=5)
FAST_POLL = dict(poll_interval=0.05, max_poll_interval=0.1)


def test_close_and_context_managers(mock):
    with el.EmpirioLabs(api_key=mock.api_key, base_url=mock.url) as c:
        assert c.models.list().object == "list" and not c.is_closed
        s = c.chat.completions.create(**CHAT, stream=True)
    assert c.is_closed and "closed=True" in repr(c)
    assert "".join(s.text_stream) == HELLO, "a stream opened before close keeps working"
    with pytest.raises(el.ConfigurationError, match="closed"):
        c.models.list()
    c.close()  # again: nothing happens
    assert c.base_url == mock.url and c.with_options().models.list().object == "list"

    async def go():
        async with el.AsyncEmpirioLabs(api_key=mock.api_key, base_url=mock.url) as a:
            r = await a.chat.completions.create(**CHAT)
        closed = a.is_closed
        b = el.AsyncEmpirioLabs(api_key=mock.api_key, base_url=mock.url)
        await b.close()
        try:
            await b.models.list()
        except el.ConfigurationError as e:
            return r, closed, e

    r, closed, err = asyncio.run(go())
    assert r.choices[0].message.content == HELLO and closed and "closed" in str(err)


def test_settings_are_readable_and_the_key_stays_out_of_repr(mock):
    c = el.EmpirioLabs(api_key="sk-empirio-secret", base_url=mock.url, timeout=12.5, max_retries=4)
    assert (c.base_url, c.timeout, c.max_retries, c.api_key) == (mock.url, 12.5, 4, "sk-empirio-secret")
    assert "sk-empirio-secret" not in repr(c) and "has_api_key=True" in repr(c)
    d = el.AsyncEmpirioLabs(api_key="k", base_url=mock.url)
    assert (d.timeout, d.max_retries) == (600.0, 2)


def test_headers_are_case_insensitive_everywhere(client):
    raw = client.chat.completions.with_raw_response.create(**CHAT)
    rid = raw.request_id
    assert raw.headers.get("X-Request-ID") == raw.headers["x-request-id"] == rid and "Content-Type" in raw.headers
    assert isinstance(raw.headers, el.Headers) and raw.headers == {"X-REQUEST-ID": rid, **dict(raw.headers)}
    with client.chat.completions.create(**CHAT, stream=True) as s:
        assert s.headers.get("Content-Type").startswith("text/event-stream") and s.headers["X-Request-Id"] == s.request_id
    with pytest.raises(el.RateLimitError) as info:
        client.chat.completions.create(**CHAT, max_retries=0, extra_headers={"x-mock-fault": "rate_limit"})
    assert info.value.headers.get("Retry-After") == "1" and info.value.headers.get("X-Request-ID") == info.value.request_id


def test_a_calls_timeout_bounds_each_wait_for_the_next_event(client, mock):
    start = time.monotonic()
    with pytest.raises(el.APITimeoutError) as info:
        list(client.chat.completions.create(**CHAT, stream=True, timeout=0.3, extra_headers=STALL))
    assert info.value.timeout_kind == "stream_idle" and time.monotonic() - start < 1.4
    # Its own stream_idle_timeout wins: the stall is sat out.
    s = client.chat.completions.create(**CHAT, stream=True, timeout=0.3, stream_idle_timeout=5, extra_headers=STALL)
    assert "".join(s.text_stream) == HELLO
    # The client's timeout does the same for every call.
    strict = el.EmpirioLabs(api_key=mock.api_key, base_url=mock.url, timeout=0.3)
    with pytest.raises(el.APITimeoutError):
        list(strict.chat.completions.create(**CHAT, stream=True, extra_headers=STALL))
    patient = el.EmpirioLabs(api_key=mock.api_key, base_url=mock.url, timeout=0.3, stream_idle_timeout=5)
    assert "".join(patient.chat.completions.create(**CHAT, stream=True, extra_headers=STALL).text_stream) == HELLO


def test_wait_timeout_and_the_progress_object(client):
    start = time.monotonic()
    with pytest.raises(el.JobTimeoutError) as info:
        client.videos.generate_and_wait(**VIDEO, wait_timeout=0.3, extra_headers={"x-mock-job-ms": "60000"})
    assert time.monotonic() - start < 2 and info.value.last_status == "processing"
    seen: list[el.JobProgress] = []
    video = client.videos.generate_and_wait(**VIDEO, wait_timeout=10, on_progress=seen.append, extra_headers={"x-mock-job-ms": "400"})
    assert video.data[0].duration == 5 and seen
    p = seen[-1]
    assert isinstance(p, el.JobProgress) and p.id.startswith("job_") and p.status in ("processing", "completed")
    assert isinstance(p.progress, float) and 0 <= p.progress <= 1 and p.job_id == p.id
    assert isinstance(p.raw, types.Job) and p.raw.job_id == p.id and p.raw.to_dict() == p.to_dict()
    assert repr(p).startswith(f"JobProgress(id='{p.id}', status=")


def test_message_streams_give_their_final_text(aclient):
    async def go():
        async with aclient.messages.stream(model="deepseek-v4-pro", max_tokens=100, messages=MSGS) as m:
            return await m.get_final_text()

    assert asyncio.run(go()) == HELLO


def test_reprs_show_the_operation_and_state(client):
    s = client.chat.completions.create(**CHAT, stream=True)
    assert repr(s).startswith("Stream(operation='createChatCompletion', state='open', status=200, request_id='req_")
    s.until_done()
    assert "state='finished'" in repr(s)
    c = client.chat.completions.create(**CHAT, stream=True)
    c.close()
    assert "state='closed'" in repr(c)
    job = client.videos.generate(**VIDEO, extra_headers={"x-mock-job-ms": "60000"})
    assert repr(job) == f"Job(id='{job.id}', status='processing', progress=None, operation='createVideo')"
    pager = client.account.usage.list(limit=100)
    assert repr(pager) == "SyncPager(operation='retrieveAccountUsage', pages_read=0, state='not started')"
    next(iter(pager))
    assert "pages_read=1" in repr(pager)
    raw = client.chat.completions.with_raw_response.create(**CHAT)
    assert repr(raw).startswith("APIResponse(operation='createChatCompletion', status_code=200")


def test_invalid_request_errors_carry_message_and_code(client):
    with pytest.raises(el.InvalidRequestError) as info:
        client.chat.completions.create(model="deepseek-v4-pro")
    e = info.value
    assert (e.param, e.code, e.type) == ("messages", "missing_required_parameter", "invalid_request_error")
    assert e.message == str(e) and "messages" in e.message and isinstance(e, ValueError)
    assert (e.status_code, e.request_id, e.body) == (None, None, None) and len(e.headers) == 0
    with pytest.raises(el.InvalidRequestError) as info:
        client.gpu.connect("gpu_x").request("GET", "v1/../account")
    assert info.value.code == "invalid_value" and info.value.param == "path"
    with pytest.raises(el.ConfigurationError) as cfg:
        el.EmpirioLabs(api_key="", base_url=client.base_url).jobs.list()
    assert cfg.value.message == str(cfg.value)


def _repeats(text: str, size: int = 24) -> str | None:
    """A stretch of `size` characters that appears twice, if any."""
    for i in range(len(text) - size):
        piece = text[i:i + size]
        if text.find(piece, i + 1) >= 0:
            return piece
    return None


def test_no_message_repeats_itself(client, mock):
    errors: list[Exception] = []

    def catch(f) -> None:
        try:
            f()
        except el.EmpirioLabsError as e:
            errors.append(e)

    for fault in ("rate_limit", "insufficient_credits", "server_error", "bad_gateway", "unavailable_html", "unavailable",
                  "request_timeout", "http_400", "http_404"):
        catch(lambda: client.chat.completions.create(**CHAT, max_retries=0, extra_headers={"x-mock-fault": fault}))
    for fault in ("stream_cut", "stream_reset", "stream_error_event", "malformed_sse"):
        catch(lambda: list(client.chat.completions.create(**CHAT, stream=True, extra_headers={"x-mock-fault": fault, "x-mock-fault-after": "2"})))
    catch(lambda: client.chat.completions.create(model="nope", messages=MSGS))
    catch(lambda: client.chat.completions.create(model="deepseek-v4-pro"))
    catch(lambda: client.chat.completions.create(**CHAT, timeout=0.2, extra_headers={"x-mock-fault": "slow_first_byte", "x-mock-fault-delay-ms": "800"}))
    catch(lambda: client.videos.generate(**VIDEO, extra_headers={"x-mock-job-outcome": "failed"}).wait(timeout=5, **FAST_POLL))
    catch(lambda: client.videos.generate(**VIDEO, extra_headers={"x-mock-job-ms": "60000"}).wait(timeout=0.2, **FAST_POLL))
    catch(lambda: client.jobs.retrieve("job_unknown"))
    catch(lambda: el.EmpirioLabs(api_key="sk-empirio-wrong", base_url=mock.url).jobs.list())
    assert len(errors) == 20
    for e in errors:
        text = str(e)
        assert text and e.message == text, (type(e).__name__, text, e.message)
        assert _repeats(re.sub(r"\[request id: [^\]]+\]", "", text)) is None, (type(e).__name__, text)
