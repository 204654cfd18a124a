"""Streams of every flavour: events, text, final objects, speech bytes, and closing early."""

from __future__ import annotations

import asyncio
import base64
import threading
import time

import pytest

import empiriolabs as el
from support import CHAT, HELLO, MSGS, stream_record

TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
WEATHER = [{"role": "user", "content": "What is the weather in Paris?"}]
SPEECH = dict(model="tts-1-5-mini", input="Hello there.", voice="Sarah", output_format="PCM", sample_rate="24000")
LONG = {"x-mock-stream-tokens": "200", "x-mock-delay-ms": "20"}


def test_chat_stream_events_and_request(client, mock):
    with client.chat.completions.create(**CHAT, stream=True) as s:
        assert isinstance(s, el.Stream) and s.request_id.startswith("req_")
        chunks = list(s)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    # The last chunk may carry only usage, with no choices.
    assert "".join(c.choices[0].delta.get("content") or "" for c in chunks if c.choices) == HELLO
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    entry = mock.requests("/v1/chat/completions")[-1]
    assert entry["headers"]["accept"] == "text/event-stream" and entry["body"]["stream"] is True
    assert stream_record(mock, "/v1/chat/completions", "completed")["completed"] is True


def test_chat_text_stream_and_final_completion(client):
    s = client.chat.completions.create(**CHAT, stream=True)
    first = next(iter(s.text_stream))
    final = s.get_final_completion()
    assert HELLO.startswith(first) and final.choices[0].message.content == HELLO
    assert final.object == "chat.completion" and final.usage.completion_tokens > 0 and final.request_id == s.request_id


def test_final_completion_joins_tool_calls(client, mock):
    s = client.chat.completions.create(model="mistral-small-4", messages=WEATHER, tools=TOOLS, tool_choice="auto", stream=True)
    final = s.get_final_completion()
    choice = final.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.id.startswith("call-") and call.type == "function"
    assert call.function.name == "get_weather" and call.function.arguments == '{"city":"Paris"}'
    assert mock.requests("/v1/chat/completions")[-1]["body"]["tools"] == TOOLS


def test_completions_stream(client):
    with client.completions.create(model="qwen3-5-9b", prompt="Hi", stream=True) as s:
        assert "".join(s.text_stream) == HELLO


def test_responses_stream(client):
    events = list(client.responses.create(model="deepseek-v4-pro", input="Hi", stream=True))
    kinds = [e.type for e in events]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == HELLO
    with client.responses.create(model="deepseek-v4-pro", input="Hi", stream=True) as s:
        assert "".join(s.text_stream) == HELLO
        final = s.get_final_response()
        assert final.status == "completed" and final.object == "response"


def test_messages_stream_context_manager(client, mock):
    with client.messages.stream(model="deepseek-v4-pro", max_tokens=100, messages=MSGS) as s:
        first = next(iter(s))
        message = s.get_final_message()
    assert first.type == "message_start"
    assert message.type == "message" and message.role == "assistant" and message.stop_reason == "end_turn"
    assert message.content[0].text == HELLO and message.usage.output_tokens > 0
    entry = mock.requests("/v1/messages")[-1]
    assert entry["body"]["stream"] is True and entry["headers"]["anthropic-version"] == "2023-06-01"
    with client.messages.create(model="deepseek-v4-pro", max_tokens=100, messages=MSGS, stream=True) as s:
        assert "".join(s.text_stream) == HELLO


def test_speech_stream_bytes_and_done(client, mock):
    events = list(client.audio.speech.stream(**SPEECH))
    expected = b"".join(base64.b64decode(e.audio_b64) for e in events if e.type == "audio.chunk")
    s = client.audio.speech.stream(**SPEECH)
    assert isinstance(s, el.SpeechStream) and s.done is None
    audio = b"".join(s.iter_bytes())
    assert audio == expected and len(audio) > 0
    assert s.done.type == "audio.done" and s.done.url.startswith("https://")
    # 16-bit mono PCM at 24 kHz: the bytes and the reported duration agree.
    assert len(audio) == round(s.done.duration_seconds * 24000 * 2)
    assert mock.requests("/v1/audio/speech:stream")[-1]["headers"]["accept"] == "text/event-stream"


def test_answer_stream(client):
    events = list(client.answer.create(model="exa-answer", query="q", stream=True))
    assert [e.type for e in events][-1] == "answer.done" and any(e.type == "answer.citations" for e in events)
    assert "".join(client.answer.create(model="exa-answer", query="q", stream=True).text_stream).endswith("You said: q")


def test_agent_run_stream(client, mock):
    with client.agents.run(model="manus", input="Write a memo.") as s:
        kinds = [e.type for e in s]
    assert kinds[0] == "task.created" and kinds[-1] == "task.completed" and "task.output.delta" in kinds
    assert mock.requests("/v1/agents/run")[-1]["headers"]["accept"] == "text/event-stream"
    assert "Completed: Write a memo." in "".join(client.agents.run(model="manus", input="Write a memo.").text_stream)


def test_closing_early_closes_the_connection(client, mock):
    with client.chat.completions.create(**CHAT, stream=True, extra_headers=LONG) as s:
        it = iter(s)
        next(it), next(it)
    rec = stream_record(mock, "/v1/chat/completions")
    assert rec["client_closed"] is True and rec["completed"] is False and rec["events_sent"] < 200


def test_a_closed_stream_yields_nothing_more(client):
    s = client.chat.completions.create(**CHAT, stream=True)
    next(iter(s))
    s.close()
    assert list(s) == [] and list(s.text_stream) == []


def test_close_from_another_thread_interrupts_a_pending_read(client, mock):
    # A "stop" button: one thread reads a slow stream, another closes it.
    s = client.chat.completions.create(**CHAT, stream=True, extra_headers={
        "x-mock-fault": "stall_stream", "x-mock-fault-after": "2", "x-mock-fault-delay-ms": "2500"})
    got, done = [], threading.Event()

    def read():
        try:
            for chunk in s:
                got.append(chunk)
        except el.EmpirioLabsError as e:
            got.append(e)
        done.set()

    threading.Thread(target=read, daemon=True).start()
    time.sleep(0.4)
    start = time.monotonic()
    s.close()
    closed_after = time.monotonic() - start
    assert done.wait(5)
    assert closed_after < 1.0, f"close() waited {closed_after:.1f} s for the pending read"
    assert len(got) <= 3, "no events after close"
    assert stream_record(mock, "/v1/chat/completions")["completed"] is False


def test_explicit_close_and_speech_close(client, mock):
    s = client.audio.speech.stream(**{**SPEECH, "input": "word " * 400}, extra_headers={"x-mock-delay-ms": "20"})
    next(s.iter_bytes())
    s.close()
    rec = stream_record(mock, "/v1/audio/speech:stream")
    assert rec["client_closed"] is True and rec["completed"] is False


def test_async_streams(aclient, mock):
    async def go():
        s = await aclient.chat.completions.create(**CHAT, stream=True)
        async with s:
            chunks = [c async for c in s]
        text = "".join(c.choices[0].delta.get("content") or "" for c in chunks if c.choices)
        s = await aclient.chat.completions.create(model="mistral-small-4", messages=WEATHER, tools=TOOLS, stream=True)
        final = await s.get_final_completion()
        # As with anthropic's client: `async with` straight on the call, or await it first.
        async with aclient.messages.stream(model="deepseek-v4-pro", max_tokens=100, messages=MSGS) as m:
            msg_text = "".join([t async for t in m.text_stream])
        m = await aclient.messages.stream(model="deepseek-v4-pro", max_tokens=100, messages=MSGS)
        message = await m.get_final_message()
        sp = await aclient.audio.speech.stream(**SPEECH)
        audio = b"".join([b async for b in sp.iter_bytes()])
        r = await aclient.responses.create(model="deepseek-v4-pro", input="Hi", stream=True)
        resp_text = "".join([t async for t in r.text_stream])
        a = await aclient.agents.run(model="manus", input="memo")
        agent = [e.type async for e in a]
        return text, final, msg_text, message, audio, sp.done, resp_text, agent

    text, final, msg_text, message, audio, done, resp_text, agent = asyncio.run(go())
    assert text == msg_text == resp_text == HELLO and message.content[0].text == HELLO
    assert final.choices[0].message.tool_calls[0].function.arguments == '{"city":"Paris"}'
    assert len(audio) == round(done.duration_seconds * 48000) > 0
    assert agent[-1] == "task.completed"


def test_async_close_early(aclient, mock):
    async def go():
        s = await aclient.chat.completions.create(**CHAT, stream=True, extra_headers=LONG)
        async with s:
            async for _ in s:
                break
        async with aclient.messages.stream(model="deepseek-v4-pro", max_tokens=500, messages=MSGS, extra_headers=LONG) as m:
            async for _ in m:
                break

    asyncio.run(go())
    for path in ("/v1/chat/completions", "/v1/messages"):
        rec = stream_record(mock, path)
        assert rec["client_closed"] is True and rec["completed"] is False, path


def test_every_stream_helper_is_a_context_on_the_async_client(aclient, client):
    async def go():
        async with aclient.chat.completions.stream(**CHAT) as s:
            text = "".join([t async for t in s.text_stream])
        awaited = await aclient.responses.stream(model="deepseek-v4-pro", input="Hi")
        final = await awaited.get_final_response()
        async with aclient.messages.stream(model="deepseek-v4-pro", max_tokens=100, messages=MSGS) as m:
            message = await m.get_final_message()
        return text, final, message

    text, final, message = asyncio.run(go())
    assert text == HELLO and final.status == "completed" and message.role == "assistant"
    with client.chat.completions.stream(**CHAT) as s:
        assert s.get_final_completion().choices[0].message.content == HELLO


def test_stream_events_are_built_natively_and_read_as_python_built_ones(client):
    """Events come with their declared fields already kept: they read, index, compare and
    serialize exactly as objects built in Python from the same dict."""
    from empiriolabs import _types as t
    from empiriolabs._models import converter

    with client.chat.completions.create(**CHAT, stream=True) as s:
        chunks = list(s)
    chunk = next(c for c in chunks if c.choices and c.choices[0].delta.content)
    assert type(chunk) is t.ChatCompletionChunk and type(chunk.choices[0]) is t.ChunkChoice
    assert "choices" in vars(chunk) and "delta" in vars(chunk.choices[0]), "kept, not wrapped on read"
    lazy = converter(t.ChatCompletionChunk)(chunk.to_dict())
    assert chunk == lazy and chunk.to_dict() == lazy.to_dict() and chunk["choices"][0]["delta"] == lazy["choices"][0]["delta"]
    assert chunk.choices[0].delta.content == lazy.choices[0].delta.content
    assert chunk.usage is None and chunk.choices[0].delta.tool_calls is None, "absent declared fields read as None"
    with pytest.raises(AttributeError, match="no field 'nope'"):
        chunk.nope
    with pytest.raises(TypeError, match="read-only"):
        chunk.choices.append(None)

    events = list(client.messages.create(model=CHAT["model"], max_tokens=64, messages=MSGS, stream=True))
    deltas = [e for e in events if e.type == "content_block_delta"]
    assert deltas and all(type(e) is t.ContentBlockDeltaEvent and type(e.delta) is t.TextDelta for e in deltas)
    assert type(events[0]) is t.MessageStartEvent and events[0].message.role == "assistant"


def _native_and_lazy(kind, data):
    """The object the native builder makes of `data`, and the one Python makes of it."""
    import json

    from empiriolabs._models import converter, native_plan

    return native_plan(kind).build(json.dumps(data)), converter(kind)(data)


def test_natively_built_objects_read_index_compare_and_pickle_as_python_built_ones():
    import copy
    import pickle

    from empiriolabs import _types as t
    from empiriolabs._models import Obj, ObjList

    data = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": {"content": "hi", "tool_calls": [{"index": 0, "function": {"name": "f"}}]},
                         "finish_reason": None, "logprobs": {"content": [{"token": "hi"}]}}],
            "extra_field": {"nested": [{"deep": 1}], "scalars": [1, 2]}}
    built, lazy = _native_and_lazy(t.ChatCompletionChunk, data)
    assert built == lazy and lazy == built and built.to_dict() == data == lazy.to_dict()
    assert built.to_json() == lazy.to_json() and repr(built) == repr(lazy)
    call = built.choices[0].delta.tool_calls[0]
    assert type(call) is type(lazy.choices[0].delta.tool_calls[0]) and call.function.name == "f"
    # Fields no class declares are wrapped as attribute access wraps them.
    assert type(built.extra_field) is Obj and type(built.extra_field.nested) is ObjList
    assert built.extra_field.nested[0].deep == 1 and built.extra_field.scalars == [1, 2]
    assert built.choices[0].logprobs.content[0].token == "hi"
    # Item access reaches the same values; absent declared fields stay absent from the JSON.
    assert built["choices"][0]["delta"]["content"] == "hi" and built.usage is None
    assert "usage" not in built and "usage" not in built.to_dict()
    assert list(built.keys()) == list(data) and built.get("model") == "m" and built.get("nope", 3) == 3
    for copied in (pickle.loads(pickle.dumps(built)), copy.deepcopy(built), copy.copy(built)):
        assert copied == built and copied.choices[0].delta.content == "hi"
    assert built.choices.to_list() == data["choices"] and built.choices == lazy.choices
    with pytest.raises(AttributeError, match="read-only"):
        built.id = "x"


def test_a_union_read_before_its_tag_and_keys_named_like_helpers_build_as_in_python():
    from empiriolabs import _types as t

    # `type` after the fields: the class is chosen at the end, the fields converted by it.
    late = {"index": 0, "delta": {"text": "a", "type": "text_delta"}, "type": "content_block_delta"}
    built, lazy = _native_and_lazy(t._MessageStreamEvent, late)
    assert type(built) is t.ContentBlockDeltaEvent and type(built.delta) is t.TextDelta
    assert built.delta.text == "a" and built == lazy and built.to_dict() == late
    assert list(built.to_dict()) == list(late), "key order kept"
    unknown, lazy_unknown = _native_and_lazy(t._MessageStreamEvent, {"type": "brand_new", "x": {"y": 1}})
    assert type(unknown) is type(lazy_unknown) and unknown.x.y == 1
    # An undeclared key named like a helper must not hide the helper.
    odd = {"type": "ping", "items": [1], "keys": "k", "to_dict": 5}
    built, lazy = _native_and_lazy(t._MessageStreamEvent, odd)
    assert list(built.items()) == list(lazy.items()) and built.to_dict() == odd and callable(built.keys)
    assert built["items"] == [1] and built.get("to_dict") == 5


def test_natively_built_events_read_each_their_own_values_when_fields_repeat_or_change():
    import json

    from empiriolabs import _types as t
    from empiriolabs._models import native_plan

    plan = native_plan(t.ChatCompletionChunk)
    # A repeating `id` is one string reused; a changing one, and a text that changes every
    # time (past the point where it is no longer compared), still read as sent.
    ids = ["a"] * 5 + ["b", "a", "b"] + ["c"] * 3
    events = [plan.build(json.dumps({"id": i, "choices": [{"index": 0, "delta": {"content": f"w{n}"}}]})) for n, i in enumerate(ids * 4)]
    assert [e.id for e in events] == ids * 4
    assert [e.choices[0].delta.content for e in events] == [f"w{n}" for n in range(len(ids) * 4)]
    assert events[0].id is events[1].id, "a repeated value is one string"
