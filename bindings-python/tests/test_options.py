"""Client settings and per-call options: with_options, with_raw_response, extra_headers,
extra_query, extra_body, timeout and max_retries, each checked in the mock's request log."""

from __future__ import annotations

import asyncio

import pytest

import empiriolabs as el
from support import CHAT

SERVER_ERROR = {"x-mock-fault": "server_error"}


def test_extra_headers_query_and_body(client, mock):
    client.chat.completions.create(**CHAT, extra_headers={"x-trace": "abc"}, extra_query={"debug": True},
                                   extra_body={"thinking_mode": True, "seed": 7})
    entry = mock.requests("/v1/chat/completions")[-1]
    assert entry["headers"]["x-trace"] == "abc"
    assert entry["query"] == {"debug": ["true"]}
    assert entry["body"]["thinking_mode"] is True and entry["body"]["seed"] == 7 and entry["body"]["model"] == "deepseek-v4-pro"
    client.videos.templates.list(category="viral", extra_query={"page": 2})
    assert mock.requests("/v1/videos/templates")[-1]["query"] == {"category": ["viral"], "page": ["2"]}


def test_per_model_parameters_pass_through(client, mock):
    client.images.generate(model="wan2-7-image", prompt="x", thinking_mode=True, aspect_ratio="16:9", sync=True)
    assert mock.requests("/v1/images/generations")[-1]["body"] == {
        "model": "wan2-7-image", "prompt": "x", "thinking_mode": True, "aspect_ratio": "16:9", "sync": True}
    # None means "not sent", so optional arguments can be forwarded as they are.
    client.chat.completions.create(**CHAT, temperature=None)
    assert "temperature" not in mock.requests("/v1/chat/completions")[-1]["body"]


def test_per_call_max_retries(client, mock):
    with pytest.raises(el.InternalServerError):
        client.voices.list(max_retries=0, extra_headers=SERVER_ERROR)
    assert len(mock.requests("/v1/voices")) == 1
    with pytest.raises(el.InternalServerError):
        client.gpu.catalog.retrieve("h100-nvl", max_retries=1, extra_headers=SERVER_ERROR)
    assert len(mock.requests("/v1/gpu/catalog/h100-nvl")) == 2


def test_per_call_timeout(client, mock):
    slow = {"x-mock-fault": "slow_first_byte", "x-mock-fault-delay-ms": "800"}
    with pytest.raises(el.APITimeoutError):
        client.chat.completions.create(**CHAT, timeout=0.2, extra_headers=slow)
    assert client.chat.completions.create(**CHAT, timeout=5, extra_headers=slow).object == "chat.completion"


def test_with_options_copies_and_keeps_the_original(client, mock):
    strict = client.with_options(max_retries=0, timeout=0.3, default_headers={"x-team": "research"})
    assert type(strict) is el.EmpirioLabs and strict is not client and strict.base_url == client.base_url
    with pytest.raises(el.InternalServerError):
        strict.voices.list(extra_headers={**SERVER_ERROR, "x-mock-fault-count": "1"})
    assert len(mock.requests("/v1/voices")) == 1
    assert mock.requests("/v1/voices")[-1]["headers"]["x-team"] == "research"
    with pytest.raises(el.APITimeoutError):
        strict.chat.completions.create(**CHAT, extra_headers={"x-mock-fault": "slow_first_byte", "x-mock-fault-delay-ms": "800"})
    # The original keeps retrying, and sends no team header.
    mock.reset()
    assert len(client.voices.list(extra_headers={**SERVER_ERROR, "x-mock-fault-count": "1"}).data) == 8
    assert len(mock.requests("/v1/voices")) == 2 and "x-team" not in mock.requests("/v1/voices")[-1]["headers"]
    assert client.copy(user_agent="my-app/1.0").voices.list().object == "list"
    assert mock.requests("/v1/voices")[-1]["headers"]["user-agent"].startswith("my-app/1.0")
    with pytest.raises(TypeError, match="bogus"):
        client.with_options(bogus=1)


def test_with_raw_response(client):
    raw = client.chat.completions.with_raw_response.create(**CHAT)
    assert isinstance(raw, el.APIResponse) and raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.request_id.startswith("req_") and raw.headers["x-request-id"] == raw.request_id
    parsed = raw.parse()
    assert isinstance(parsed, el.Obj) and parsed.object == "chat.completion" and parsed.request_id == raw.request_id
    assert isinstance(client.models.with_raw_response.list().parse(), el.Page)
    job = client.videos.with_raw_response.generate(model="seedance-2-0-pro", prompt="x", duration=5)
    assert job.status_code == 202 and isinstance(job.parse(), el.Job)
    speech = client.audio.speech.with_raw_response.stream(model="tts-1-5-mini", input="Hello there.", voice="Sarah")
    assert speech.headers["content-type"].startswith("text/event-stream")
    s = speech.parse()
    assert isinstance(s, el.SpeechStream) and b"".join(s.iter_bytes()) and s.done.type == "audio.done"
    # Reaching a namespace through a raw one stays raw.
    assert isinstance(client.chat.with_raw_response.completions.create(**CHAT), el.APIResponse)
    assert isinstance(client.gpu.with_raw_response.catalog.list(), el.APIResponse)


def test_async_options_and_raw(aclient, mock):
    async def go():
        raw = await aclient.chat.completions.with_raw_response.create(**CHAT, extra_headers={"x-trace": "z"})
        strict = aclient.with_options(max_retries=0)
        try:
            await strict.voices.list(extra_headers=SERVER_ERROR)
        except el.InternalServerError as e:
            err = e
        return raw, strict, err

    raw, strict, err = asyncio.run(go())
    assert raw.status_code == 200 and raw.parse().object == "chat.completion"
    assert type(strict) is el.AsyncEmpirioLabs and err.status_code == 500
    assert mock.requests("/v1/chat/completions")[-1]["headers"]["x-trace"] == "z"
    assert len(mock.requests("/v1/voices")) == 1


def test_gpu_connect_passthrough(client, mock):
    gpu = client.gpu.instances.create(gpu_slug="rtx-4090", mode="model", hf_id="Qwen/Qwen2.5-7B-Instruct", name="q",
                                      disk_gb=150, extra_headers={"x-mock-job-ms": "0"}).instance.id
    conn = client.gpu.connect(gpu)
    base = f"/v1/gpu/connect/{gpu}"
    # A GET's arguments are its query, as for a JupyterLab listing.
    conn.request("GET", "lab/api/contents", type="directory")
    entry = mock.requests(f"{base}/lab/api/contents")[-1]
    assert (entry["method"], entry["query"], entry["body"]) == ("GET", {"type": ["directory"]}, None)
    assert conn.request("GET", "/v1/models").data[0].id == "Qwen/Qwen2.5-7B-Instruct"
    r = conn.request("POST", "v1/chat/completions", json={"model": "Qwen/Qwen2.5-7B-Instruct"}, messages=[{"role": "user", "content": "Hi"}])
    assert r.choices[0].message.content.endswith("You said: Hi")
    assert mock.requests(f"{base}/v1/chat/completions")[-1]["body"]["messages"][0]["content"] == "Hi"
    with conn.chat.completions.create(model="Qwen/Qwen2.5-7B-Instruct", messages=[{"role": "user", "content": "Hi"}], stream=True) as s:
        assert "".join(s.text_stream).endswith("You said: Hi")
    with pytest.raises(TypeError, match="dict"):
        conn.request("POST", "v1/embeddings", json=["not", "an", "object"])
    # A binary body comes back as the exact bytes; a percent-escape in the path goes out as given.
    data = conn.request("GET", "files/weights%20v2.bin")
    assert isinstance(data, bytes) and data == bytes(range(256)) * 2
    assert mock.requests()[-1]["path"] == f"{base}/files/weights%20v2.bin"
    with pytest.raises(el.InvalidRequestError) as info:
        conn.request("GET", "v1/../../account/usage")
    assert info.value.param == "path"
