"""Every mock fault maps to its exception class, with the fields the gateway sent."""

from __future__ import annotations

import asyncio
import pickle
import time

import pytest

import empiriolabs as el
from support import CHAT, MSGS, since, last_seq

STATUS_FAULTS = [
    ("rate_limit", el.RateLimitError, 429, "rate_limit_error", "rate_limit_exceeded"),
    ("insufficient_credits", el.InsufficientCreditsError, 402, "insufficient_credits", "insufficient_credits"),
    ("server_error", el.InternalServerError, 500, "server_error", "internal_error"),
    ("bad_gateway", el.InternalServerError, 502, None, None),
    ("unavailable_html", el.InternalServerError, 503, None, None),
    ("gateway_timeout", el.InternalServerError, 504, None, None),
    ("unavailable", el.InternalServerError, 503, "service_unavailable", "service_unavailable"),
    ("request_timeout", el.APIStatusError, 408, "timeout_error", "request_timeout"),
    ("http_400", el.BadRequestError, 400, "invalid_request_error", "mock_fault"),
    ("http_401", el.AuthenticationError, 401, "authentication_error", "mock_fault"),
    ("http_403", el.PermissionDeniedError, 403, "permission_error", "mock_fault"),
    ("http_404", el.NotFoundError, 404, "not_found_error", "mock_fault"),
    ("http_409", el.ConflictError, 409, "conflict_error", "mock_fault"),
    ("http_422", el.UnprocessableEntityError, 422, "invalid_request_error", "mock_fault"),
    ("http_418", el.APIStatusError, 418, "server_error", "mock_fault"),
]
# (fault, reason, events before it), each striking after x-mock-fault-after events.
STREAM_FAULTS = [("stream_cut", "missing_terminator", 3), ("stream_reset", "interrupted", 3), ("stream_error_event", "error_event", 3),
                 ("malformed_sse", "malformed_event", 3), ("invalid_json", "malformed_event", 3),
                 ("oversized_body", "oversized_event", 3), ("partial_event_eof", "missing_terminator", 3)]


def fault(name: str, **more: str) -> dict:
    return {"extra_headers": {"x-mock-fault": name, **more}}


def test_every_mock_fault_is_covered(mock):
    names = {f["name"] for f in mock.http.get("/__mock/faults").json()["data"]}
    covered = {f for f, *_ in STATUS_FAULTS} | {f for f, _, _ in STREAM_FAULTS} | {
        "rate_limit_ms", "rate_limit_date", "connection_close", "slow_first_byte", "stall_stream", "http_<code>",
        "redirect", "done_without_blank_line"}
    assert names - covered == set()


def test_html_5xx_is_not_retried_for_billable_calls(client, mock):
    with pytest.raises(el.InternalServerError) as info:
        client.chat.completions.create(**CHAT, **fault("unavailable_html"))
    assert len(mock.requests("/v1/chat/completions")) == 1, "the work may have been accepted upstream"
    assert "HTTP 503: HTTP 503" not in str(info.value)
    assert len(client.voices.list(**fault("unavailable_html", **{"x-mock-fault-count": "1"})).data) == 8
    assert [e["status"] for e in mock.requests("/v1/voices")] == [503, 200]


def test_redirects_stay_on_their_origin(client, mock):
    assert client.jobs.list(**fault("redirect", **{"x-mock-fault-count": "1"})).object == "list"
    assert [e["status"] for e in mock.requests("/v1/jobs", "GET")] == [307, 200]
    port = mock.url.rsplit(":", 1)[1]
    with pytest.raises(el.APIStatusError) as info:
        client.jobs.list(**fault("redirect", **{"x-mock-redirect-to": f"http://127.0.0.2:{port}/v1/jobs"}))
    assert info.value.status_code == 307 and not isinstance(info.value, el.APIConnectionError)


def test_a_terminator_without_its_blank_line_ends_the_stream(client):
    whole = "".join(client.chat.completions.create(**CHAT, stream=True).text_stream)
    s = client.chat.completions.create(**CHAT, stream=True, **fault("done_without_blank_line"))
    assert "".join(s.text_stream) == whole


@pytest.mark.parametrize("name,cls,status,type_,code", STATUS_FAULTS, ids=[f[0] for f in STATUS_FAULTS])
def test_status_fault(name, cls, status, type_, code, client, mock):
    with pytest.raises(cls) as info:
        client.chat.completions.create(**CHAT, max_retries=0, **fault(name))
    e = info.value
    assert type(e) is cls and isinstance(e, el.APIStatusError) and isinstance(e, el.EmpirioLabsError)
    assert (e.status_code, e.status, e.type, e.code) == (status, status, type_, code)
    assert e.param is None and e.message and e.message in str(e)
    entry = mock.requests("/v1/chat/completions")[-1]
    assert entry["status"] == status
    assert e.request_id and e.request_id.startswith("req_") and e.request_id in str(e)
    assert e.headers["x-request-id"] == e.request_id
    if type_:
        assert e.body["error"]["type"] == type_ and e.body["error"]["message"] in e.message
    else:
        assert isinstance(e.body, (dict, str)) and e.body


def test_bad_gateway_keeps_the_html_body(client):
    with pytest.raises(el.InternalServerError) as info:
        client.search.create(model="tavily-search", query="q", **fault("bad_gateway"))
    assert info.value.status_code == 502 and "<html>" in info.value.body and info.value.type is None


def test_rate_limit_then_success_is_retried(client, mock):
    r = client.chat.completions.create(**CHAT, **fault("rate_limit", **{"x-mock-fault-count": "1", "x-mock-retry-after": "0"}))
    assert r.object == "chat.completion"
    assert [e["status"] for e in mock.requests("/v1/chat/completions")] == [429, 200]


# An HTTP date has whole seconds, so "2" is what guarantees at least one second of waiting.
@pytest.mark.parametrize("name,wait", [("rate_limit_ms", "1"), ("rate_limit_date", "2")])
def test_retry_after_forms_are_honoured(name, wait, client, mock):
    start = time.monotonic()
    r = client.embeddings.create(model="text-embedding-v4", input=["a"],
                                 **fault(name, **{"x-mock-fault-count": "1", "x-mock-retry-after": wait}))
    assert len(r.data) == 1 and time.monotonic() - start >= 0.9
    assert [e["status"] for e in mock.requests("/v1/embeddings")] == [429, 200]


def test_rate_limit_exhausts_retries(client, mock):
    with pytest.raises(el.RateLimitError):
        client.jobs.list(max_retries=1, **fault("rate_limit", **{"x-mock-retry-after": "0"}))
    assert len(mock.requests("/v1/jobs", "GET")) == 2


def test_insufficient_credits_is_never_retried(client, mock):
    with pytest.raises(el.InsufficientCreditsError) as info:
        client.chat.completions.create(**CHAT, max_retries=5, **fault("insufficient_credits"))
    assert info.value.status_code == 402 and len(mock.requests("/v1/chat/completions")) == 1
    with pytest.raises(el.InsufficientCreditsError) as info:
        client.messages.create(model="deepseek-v4-pro", max_tokens=10, messages=MSGS, **fault("insufficient_credits"))
    assert info.value.type == "billing_error" and info.value.body["type"] == "error"
    assert len(mock.requests("/v1/messages")) == 1


def test_server_error_on_a_read_recovers(client, mock):
    assert len(client.voices.list(**fault("server_error", **{"x-mock-fault-count": "1"})).data) == 8
    assert [e["status"] for e in mock.requests("/v1/voices")] == [500, 200]


def test_connection_close(client, mock):
    with pytest.raises(el.APIConnectionError) as info:
        client.chat.completions.create(**CHAT, **fault("connection_close"))
    e = info.value
    assert type(e) is el.APIConnectionError and e.status_code is None and e.request_id is None
    assert len(mock.requests("/v1/chat/completions")) == 1, "a sent POST is not repeated"
    assert client.models.list(**fault("connection_close", **{"x-mock-fault-count": "1"})).object == "list"


def test_slow_first_byte_times_out(client, mock):
    start = time.monotonic()
    with pytest.raises(el.APITimeoutError) as info:
        client.chat.completions.create(**CHAT, timeout=0.3, **fault("slow_first_byte", **{"x-mock-fault-delay-ms": "3000"}))
    assert time.monotonic() - start < 1.5
    e = info.value
    assert e.timeout_kind == "request" and isinstance(e, el.APIConnectionError) and "300ms" in str(e)
    r = client.chat.completions.create(**CHAT, timeout=2, **fault("slow_first_byte", **{"x-mock-fault-delay-ms": "200"}))
    assert r.object == "chat.completion"


def test_invalid_json_and_oversized_body(client):
    with pytest.raises(el.APIResponseValidationError) as info:
        client.models.list(**fault("invalid_json"))
    e = info.value
    assert e.status_code == 200 and e.request_id.startswith("req_") and e.body.startswith('{"')
    r = client.detect.create(model="gptzero", input="text", **fault("oversized_body", **{"x-mock-fault-size": "4194304"}))
    assert r.model == "gptzero" and len(r.padding) == 4194304


@pytest.mark.parametrize("name,reason,before", STREAM_FAULTS, ids=[f[0] for f in STREAM_FAULTS])
def test_stream_faults(name, reason, before, client, mock):
    s = client.chat.completions.create(**CHAT, stream=True, **fault(name, **{"x-mock-fault-after": "3"}))
    got = []
    with pytest.raises(el.StreamError) as info:
        for chunk in s:
            got.append(chunk)
    e = info.value
    assert e.reason == reason
    assert len(got) == before
    assert e.status_code == 200 and e.request_id == s.request_id and e.request_id.startswith("req_")
    if reason == "error_event":
        assert (e.type, e.code) == ("server_error", "stream_error") and e.body["message"] in str(e)
    if reason in ("malformed_event", "oversized_event"):
        assert e.line
    assert mock.requests("/v1/chat/completions")[0]["headers"]["x-mock-fault"] == name
    assert len([e for e in mock.requests("/v1/chat/completions") if "x-mock-fault" in e["headers"]]) == 1, "never retried"


@pytest.mark.parametrize("name", ["malformed_sse", "stream_error_event"])
def test_no_events_after_a_stream_error(name, client):
    s = client.chat.completions.create(**CHAT, stream=True, **fault(name, **{"x-mock-fault-after": "2"}))
    with pytest.raises(el.StreamError) as first:
        list(s)
    # The stream is over: what the connection had already delivered must not trickle out
    # afterwards; every later read raises the same error, before any event.
    got = []
    with pytest.raises(el.StreamError) as again:
        for chunk in s:
            got.append(chunk)
    assert got == [] and (again.value.reason, str(again.value)) == (first.value.reason, str(first.value))


@pytest.mark.parametrize("name", ["malformed_sse", "stream_error_event"])
def test_final_object_after_a_stream_error_raises_again(name, client):
    s = client.chat.completions.create(**CHAT, stream=True, **fault(name, **{"x-mock-fault-after": "2"}))
    with pytest.raises(el.StreamError):
        s.get_final_completion()
    # Never a silent short answer: asking again must not return what was accumulated before the failure.
    with pytest.raises(el.StreamError):
        s.get_final_completion()


def test_stream_error_event_in_other_flavours(client):
    err = fault("stream_error_event")
    cases = {
        "anthropic": (lambda: client.messages.create(model="deepseek-v4-pro", max_tokens=100, messages=MSGS, stream=True, **err),
                      "type", "overloaded_error"),
        "responses": (lambda: client.responses.create(model="deepseek-v4-pro", input="Hi", stream=True, **err), "code", "server_error"),
        "speech": (lambda: client.audio.speech.stream(model="tts-1-5-mini", input="Hello there.", voice="Sarah", **err),
                   "code", "stream_error"),
        "answer": (lambda: client.answer.create(model="exa-answer", query="q", stream=True, **err), "code", "stream_error"),
        "agents": (lambda: client.agents.run(model="manus", input="memo", **err), "code", "stream_error"),
    }
    for name, (make, field, value) in cases.items():
        s = make()
        with pytest.raises(el.StreamError) as info:
            list(s)
        e = info.value
        assert e.reason == "error_event" and getattr(e, field) == value, name
        assert e.request_id == s.request_id and e.status_code == 200, name


def test_stall_stream_idle_timeout(client):
    s = client.chat.completions.create(**CHAT, stream=True, stream_idle_timeout=0.3,
                                       **fault("stall_stream", **{"x-mock-fault-after": "3", "x-mock-fault-delay-ms": "3000"}))
    start = time.monotonic()
    with pytest.raises(el.APITimeoutError) as info:
        list(s)
    assert time.monotonic() - start < 1.5
    assert info.value.timeout_kind == "stream_idle" and info.value.request_id == s.request_id


def test_gateway_validation_and_local_validation(client, mock):
    with pytest.raises(el.BadRequestError) as info:
        client.chat.completions.create(**CHAT, temperature="hot")
    assert (info.value.param, info.value.code) == ("temperature", "invalid_type")
    with pytest.raises(el.NotFoundError) as info:
        client.models.retrieve("no-such-model")
    assert info.value.code == "model_not_found" and info.value.param == "model_id"
    seq = last_seq(mock)
    with pytest.raises(el.InvalidRequestError) as info:
        client.chat.completions.create(model="deepseek-v4-pro")
    assert info.value.param == "messages" and since(mock, seq) == []


def test_no_key_fails_before_the_network_except_public_calls(mock, monkeypatch):
    monkeypatch.delenv("EMPIRIOLABS_API_KEY", raising=False)
    c = el.EmpirioLabs(base_url=mock.url)
    with pytest.raises(el.ConfigurationError) as info:
        c.chat.completions.create(**CHAT)
    assert "EMPIRIOLABS_API_KEY" in str(info.value) and mock.requests("/v1/chat/completions") == []
    assert c.gpu.catalog.list().object == "list"
    with pytest.raises(el.AuthenticationError) as info:
        el.EmpirioLabs(api_key="sk-empirio-wrong", base_url=mock.url).jobs.list()
    assert info.value.code == "invalid_api_key" and "sk-empirio-wrong" not in str(info.value)


def test_errors_pickle_with_their_fields(client):
    # Errors cross process boundaries (multiprocessing, Dask) with everything they carry.
    caught = []
    for call in (lambda: client.chat.completions.create(**CHAT, **fault("http_409")),
                 lambda: list(client.chat.completions.create(**CHAT, stream=True, **fault("stream_cut"))),
                 lambda: client.chat.completions.create(**CHAT, timeout=0.2, **fault("slow_first_byte", **{"x-mock-fault-delay-ms": "600"})),
                 lambda: client.chat.completions.create(model="deepseek-v4-pro")):
        with pytest.raises(el.EmpirioLabsError) as info:
            call()
        caught.append(info.value)
    for e in caught:
        back = pickle.loads(pickle.dumps(e))
        assert type(back) is type(e) and str(back) == str(e) and vars(back) == vars(e)


def test_async_errors(aclient, mock):
    async def go():
        out = {}
        for name in ("http_409", "insufficient_credits", "connection_close"):
            try:
                await aclient.chat.completions.create(**CHAT, max_retries=0, **fault(name))
            except el.APIError as e:
                out[name] = e
        try:
            await aclient.chat.completions.create(**CHAT, timeout=0.3, **fault("slow_first_byte"))
        except el.APITimeoutError as e:
            out["timeout"] = e
        s = await aclient.chat.completions.create(**CHAT, stream=True, **fault("stream_cut", **{"x-mock-fault-after": "2"}))
        try:
            async for _ in s:
                pass
        except el.StreamError as e:
            out["stream"] = e
        r = await aclient.chat.completions.create(**CHAT, **fault("rate_limit", **{"x-mock-fault-count": "1", "x-mock-retry-after": "0"}))
        return out, r

    out, r = asyncio.run(go())
    assert type(out["http_409"]) is el.ConflictError and out["http_409"].request_id.startswith("req_")
    assert type(out["insufficient_credits"]) is el.InsufficientCreditsError
    assert type(out["connection_close"]) is el.APIConnectionError
    assert out["timeout"].timeout_kind == "request"
    assert out["stream"].reason == "missing_terminator" and out["stream"].status_code == 200
    assert r.object == "chat.completion"
