"""The official OpenAI and Anthropic Python SDKs, unmodified and in strict response-validation
mode, against the mock gateway: every response must parse into their types."""

from __future__ import annotations

import math

import anthropic
import openai
import pytest


@pytest.fixture
def oai(mock):
    # As the API reference shows: base_url is the bare host.
    with openai.OpenAI(base_url=mock.url, api_key=mock.api_key, _strict_response_validation=True, max_retries=0) as c:
        yield c


@pytest.fixture
def anthropic_client(mock):
    with anthropic.Anthropic(base_url=mock.url, api_key=mock.api_key, _strict_response_validation=True, max_retries=0) as c:
        yield c


def test_chat_create(oai, mock):
    raw = oai.chat.completions.with_raw_response.create(
        model="deepseek-v4-pro", messages=[{"role": "user", "content": "Summarize CRDTs"}], temperature=0.7
    )
    r = raw.parse()
    assert r.object == "chat.completion"
    assert r.choices[0].message.role == "assistant"
    assert "You said: Summarize CRDTs" in r.choices[0].message.content
    assert r.choices[0].finish_reason == "stop"
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens
    assert r.usage.model_extra["cost_usd"] > 0
    assert raw.headers["x-request-id"].startswith("req_")
    sent = mock.requests("/chat/completions")[-1]
    assert sent["body"]["temperature"] == 0.7 and sent["auth"] == {"scheme": "bearer", "valid": True}


def test_chat_stream_with_usage(oai):
    stream = oai.chat.completions.create(
        model="deepseek-v4-pro",
        messages=[{"role": "user", "content": "Hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello from the EmpirioLabs mock gateway. You said: Hi"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == 9


def test_chat_tool_call_round_trip(oai):
    tools = [{"type": "function", "function": {"name": "get_weather", "parameters": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
    msgs = [{"role": "user", "content": "What is the weather in Paris?"}]
    r = oai.chat.completions.create(model="mistral-small-4", messages=msgs, tools=tools, tool_choice="auto")
    call = r.choices[0].message.tool_calls[0]
    assert r.choices[0].finish_reason == "tool_calls" and call.function.name == "get_weather"
    assert call.function.arguments == '{"city":"Paris"}'

    streamed = oai.chat.completions.create(model="mistral-small-4", messages=msgs, tools=tools, stream=True)
    args = "".join(
        tc.function.arguments or "" for c in streamed if c.choices for tc in (c.choices[0].delta.tool_calls or [])
    )
    assert args == '{"city":"Paris"}'

    msgs += [r.choices[0].message.model_dump(exclude_none=True), {"role": "tool", "tool_call_id": call.id, "content": "18C"}]
    final = oai.chat.completions.create(model="mistral-small-4", messages=msgs, tools=tools)
    assert final.choices[0].message.tool_calls is None and final.choices[0].finish_reason == "stop"


@pytest.fixture
def lenient(mock):
    """For wire shapes that OpenAI itself sends but the SDK's strict mode rejects: legacy
    completion chunks (`finish_reason: null`) and base64 embeddings (decoded after validation)."""
    with openai.OpenAI(base_url=mock.url, api_key=mock.api_key, max_retries=0) as c:
        yield c


def test_completions_create_and_stream(oai, lenient):
    r = oai.completions.create(model="qwen3-5-9b", prompt="Write one launch sentence.", max_tokens=4)
    assert r.object == "text_completion" and r.choices[0].text == "Hello from the EmpirioLabs"
    assert r.choices[0].finish_reason == "length"
    chunks = list(lenient.completions.create(model="qwen3-5-9b", prompt="x", max_tokens=3, stream=True))
    assert "".join(c.choices[0].text for c in chunks if c.choices) == "Hello from the"
    assert chunks[-1].usage.completion_tokens == 3


def test_responses_create_and_stream(oai):
    r = oai.responses.create(model="deepseek-v4-pro", input="Tell me about CRDTs")
    assert r.status == "completed" and "Tell me about CRDTs" in r.output_text
    events = list(oai.responses.create(model="deepseek-v4-pro", input="Hi", stream=True))
    kinds = [e.type for e in events]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == events[-1].response.output_text
    assert [e.sequence_number for e in events] == list(range(len(events)))


def test_embeddings_default_base64_and_float(oai, lenient):
    r = lenient.embeddings.create(model="text-embedding-v4", input=["Sentence one.", "Sentence two."])
    assert [d.index for d in r.data] == [0, 1]
    v = r.data[0].embedding
    assert len(v) == 256 and math.isclose(math.sqrt(sum(x * x for x in v)), 1.0, rel_tol=1e-4)
    f = oai.embeddings.create(model="text-embedding-v4", input="Sentence one.", encoding_format="float", dimensions=8)
    assert len(f.data[0].embedding) == 8
    again = oai.embeddings.create(model="text-embedding-v4", input="Sentence one.", encoding_format="float", dimensions=8)
    assert f.data[0].embedding == again.data[0].embedding


def test_images_generate_sync_and_b64(oai):
    r = oai.images.generate(model="wan2-7-image", prompt="A glass cathedral", extra_body={"sync": True, "num_images": 2})
    assert len(r.data) == 2 and r.data[0].url.startswith("https://media.empiriolabs.ai/")
    b = oai.images.generate(model="wan2-7-image", prompt="x", response_format="b64_json", extra_body={"sync": True})
    assert b.data[0].b64_json.startswith("iVBOR")


def test_models_list_and_retrieve(oai):
    ids = [m.id for m in oai.models.list()]
    assert "deepseek-v4-pro" in ids and "manus" in ids
    m = oai.models.retrieve("wan2-7-image")
    assert m.owned_by == "alibaba" and m.model_extra["parameters"][0]["name"] == "prompt"


def test_transcription_upload(oai):
    audio = bytes(range(256)) * 250
    r = oai.audio.transcriptions.create(model="openai-whisper-1", file=("meeting.wav", audio, "audio/wav"))
    assert "meeting.wav (64000 bytes, audio/wav)" in r.text


def test_openai_errors_map_to_sdk_exceptions(mock):
    bad = openai.OpenAI(base_url=mock.url, api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as e:
        bad.chat.completions.create(model="deepseek-v4-pro", messages=[])
    assert e.value.code == "invalid_api_key"
    good = openai.OpenAI(base_url=mock.url + "/v1", api_key=mock.api_key, max_retries=0)
    with pytest.raises(openai.BadRequestError) as e:
        good.chat.completions.create(model="deepseek-v4-pro", messages=[{"role": "robot", "content": "x"}])
    assert e.value.param == "messages[0].role"
    with pytest.raises(openai.NotFoundError) as e:
        good.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert e.value.code == "model_not_found"
    with pytest.raises(openai.RateLimitError) as e:
        good.chat.completions.create(model="deepseek-v4-pro", messages=[{"role": "user", "content": "x"}],
                                     extra_headers={"x-mock-fault": "rate_limit"})
    assert e.value.response.headers["retry-after"] == "1"


def test_openai_retries_a_rate_limit_once(mock):
    c = openai.OpenAI(base_url=mock.url, api_key=mock.api_key, max_retries=2)
    r = c.chat.completions.create(model="deepseek-v4-pro", messages=[{"role": "user", "content": "x"}],
                                  extra_headers={"x-mock-fault": "rate_limit", "x-mock-fault-count": "1", "x-mock-retry-after": "0"})
    assert r.choices[0].message.content
    assert [e["status"] for e in mock.requests("/chat/completions")] == [429, 200]


def test_messages_create(anthropic_client, mock):
    m = anthropic_client.messages.create(model="deepseek-v4-pro", max_tokens=1024, messages=[{"role": "user", "content": "Hi!"}])
    assert m.type == "message" and m.stop_reason == "end_turn"
    assert m.content[0].type == "text" and m.content[0].text.endswith("You said: Hi!")
    assert m.usage.output_tokens == 9
    sent = mock.requests("/v1/messages")[-1]
    assert sent["headers"]["anthropic-version"] and sent["auth"]["valid"]


def test_messages_stream_text(anthropic_client):
    with anthropic_client.messages.stream(model="deepseek-v4-pro", max_tokens=1024, messages=[{"role": "user", "content": "Hi!"}]) as s:
        text = "".join(s.text_stream)
        final = s.get_final_message()
    assert text == final.content[0].text == "Hello from the EmpirioLabs mock gateway. You said: Hi!"
    assert final.stop_reason == "end_turn" and final.usage.output_tokens == 9


def test_messages_thinking_and_tool_use_stream(anthropic_client):
    tools = [{"name": "get_weather", "description": "Weather", "input_schema": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    with anthropic_client.messages.stream(model="deepseek-v4-pro", max_tokens=1024, tools=tools,
                                thinking={"type": "enabled", "budget_tokens": 1024},
                                messages=[{"role": "user", "content": "Weather in Paris?"}]) as s:
        final = s.get_final_message()
    kinds = [b.type for b in final.content]
    assert kinds == ["thinking", "text", "tool_use"]
    assert final.content[0].thinking.startswith("Let me think") and final.content[0].signature
    assert final.content[2].input == {"city": "Paris"} and final.stop_reason == "tool_use"


def test_anthropic_errors_use_its_envelope(mock):
    c = anthropic.Anthropic(base_url=mock.url, api_key="wrong", max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as e:
        c.messages.create(model="deepseek-v4-pro", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert e.value.body["type"] == "error" and e.value.body["error"]["type"] == "authentication_error"
    good = anthropic.Anthropic(base_url=mock.url, api_key=mock.api_key, max_retries=0)
    with pytest.raises(anthropic.BadRequestError) as e:
        good.messages.create(model="deepseek-v4-pro", max_tokens=0, messages=[{"role": "user", "content": "x"}])
    assert "max_tokens" in e.value.body["error"]["message"]
    with pytest.raises(anthropic.APIStatusError) as e:
        with good.messages.stream(model="deepseek-v4-pro", max_tokens=50, messages=[{"role": "user", "content": "x"}],
                                  extra_headers={"x-mock-fault": "stream_error_event"}) as s:
            list(s.text_stream)
    assert "Overloaded" in str(e.value)
