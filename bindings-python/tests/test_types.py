"""Typed answers: every response, stream event, job result and pager item comes back in its
generated class; a declared field the JSON omits reads as `None`; the loops openai-python users
write work unchanged."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

import empiriolabs as el
from empiriolabs import _models, types
from support import CHAT, HELLO, MSGS

TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
WEATHER = [{"role": "user", "content": "What is the weather in Paris?"}]


def test_the_chunk_loop_every_openai_user_writes(client):
    text, chunks = "", []
    for chunk in client.chat.completions.create(**CHAT, stream=True):
        chunks.append(chunk)
        if chunk.choices:  # the last chunk carries only `usage`, with no choices
            text += chunk.choices[0].delta.content or ""
    assert text == HELLO
    assert all(isinstance(c, types.ChatCompletionChunk) for c in chunks)
    finish = [c for c in chunks if c.choices and c.choices[0].finish_reason][-1]
    assert finish.choices[0].delta.to_dict() == {} and finish.choices[0].delta.content is None
    assert finish.choices[0].delta.tool_calls is None and finish.choices[0].delta.role is None
    # `usage` is declared: absent on every chunk but the last, which has it.
    assert all(c.usage is None for c in chunks[:-1]) and chunks[-1].usage.total_tokens > 0
    assert chunks[-1].choices == [] and not chunks[-1].choices


def test_tool_calls_read_as_none_or_a_list(client):
    plain = client.chat.completions.create(**CHAT).choices[0].message
    assert isinstance(plain, types.ChatCompletionMessage) and plain.tool_calls is None
    if plain.tool_calls:
        raise AssertionError("no tool calls")
    called = client.chat.completions.create(model="mistral-small-4", messages=WEATHER, tools=TOOLS).choices[0]
    assert called.finish_reason == "tool_calls" and called.message.content is None
    assert called.message.tool_calls and isinstance(called.message.tool_calls[0], types.ToolCall)
    assert json.loads(called.message.tool_calls[0].function.arguments) == {"city": "Paris"}
    deltas = [c.choices[0].delta for c in client.chat.completions.create(model="mistral-small-4", messages=WEATHER, tools=TOOLS,
                                                                         stream=True) if c.choices]
    parts = [d.tool_calls[0].function.arguments or "" for d in deltas if d.tool_calls]
    assert json.loads("".join(parts)) == {"city": "Paris"}


def test_every_kind_of_answer_is_typed(client):
    r = client.chat.completions.create(**CHAT)
    assert isinstance(r, types.ChatCompletion) and isinstance(r, el.Obj)
    assert isinstance(r.choices[0], types.Choice) and isinstance(r.usage, types.Usage) and r.usage.cost_usd > 0
    m = client.messages.create(model="deepseek-v4-pro", max_tokens=100, messages=MSGS)
    assert isinstance(m, types.Message) and isinstance(m.content[0], types.TextBlock) and m.content[0].text == HELLO
    e = client.embeddings.create(model="text-embedding-v4", input=["a", "b"])
    assert isinstance(e, types.CreateEmbeddingResponse) and isinstance(e.data[1], types.Embedding)
    assert isinstance(e.data[0].embedding, list) and len(e.data[0].embedding) == 256 and isinstance(e.data[0].embedding[0], float)
    models = client.models.list()
    assert isinstance(models, types.ModelList) and isinstance(models, el.Page)
    assert all(isinstance(m, types.Model) for m in models) and isinstance(models.data[0], types.Model)
    usage = next(iter(client.account.usage.list(limit=5)))
    assert isinstance(usage, types.UsageEvent) and isinstance(usage.cost, types.UsageEventCost)
    page = next(client.account.usage.list(limit=5).pages())
    assert isinstance(page, types.AccountUsageResponse) and page.has_more is True
    video = client.videos.generate_and_wait(model="seedance-2-0-pro", prompt="x", duration=5, wait_timeout=10,
                                            extra_headers={"x-mock-job-ms": "50"})
    assert isinstance(video, types.VideoResult) and isinstance(video.data[0], types.Video) and video.data[0].duration == 5
    gpu = client.gpu.instances.list()
    assert isinstance(gpu, types.GpuInstanceList) and list(gpu) == list(gpu.instances)


def test_stream_events_are_told_apart_by_type(client):
    events = list(client.messages.create(model="deepseek-v4-pro", max_tokens=100, messages=MSGS, stream=True))
    kinds = {type(e) for e in events}
    assert {types.MessageStartEvent, types.ContentBlockStartEvent, types.ContentBlockDeltaEvent, types.MessageDeltaEvent,
            types.MessageStopEvent, types.PingEvent} <= kinds
    text = "".join(e.delta.text for e in events if e.type == "content_block_delta" and e.delta.type == "text_delta")
    assert text == HELLO and isinstance(events[0].message, types.Message)
    responses = list(client.responses.create(model="deepseek-v4-pro", input="Hi", stream=True))
    assert isinstance(responses[0], types.ResponseCreatedEvent) and isinstance(responses[-1].response, types.Response)
    assert "".join(e.delta for e in responses if isinstance(e, types.ResponseTextDeltaEvent)) == HELLO
    agent = list(client.agents.run(model="manus", input="memo"))
    assert isinstance(agent[0], types.AgentTaskStartedEvent) and isinstance(agent[-1], types.AgentTaskEndedEvent)
    speech = list(client.audio.speech.stream(model="tts-1-5-mini", input="Hello there.", voice="Sarah"))
    assert isinstance(speech[0], types.SpeechChunkEvent) and isinstance(speech[-1], types.SpeechDoneEvent)


def test_final_objects_and_waits_are_typed(client):
    s = client.chat.completions.create(**CHAT, stream=True)
    assert isinstance(s.get_final_completion(), types.ChatCompletion)
    with client.messages.stream(model="deepseek-v4-pro", max_tokens=100, messages=MSGS) as m:
        assert m.get_final_text() == HELLO
    with client.messages.stream(model="deepseek-v4-pro", max_tokens=100, messages=MSGS) as m:
        assert isinstance(m.get_final_message(), types.Message)
    task = client.agents.run(model="manus", input="memo", stream=False, extra_headers={"x-mock-job-ms": "100"})
    assert isinstance(task, types.AgentTaskAccepted) and task.poll_url
    assert isinstance(client.agents.wait(task.task_id, timeout=10, poll_interval=0.05), types.AgentTask)
    job = client.videos.generate(model="seedance-2-0-pro", prompt="x", duration=5, extra_headers={"x-mock-job-ms": "60000"})
    state = job.refresh()
    assert isinstance(state, types.Job) and state.result is None and state.error is None and state.completed_at is None
    assert isinstance(job.cancel().error, types.ErrorObject)


def test_absent_declared_fields_read_as_none():
    c = types.ChatCompletionChunk({"id": "x", "choices": [{"index": 0, "delta": {}}]})
    assert c.usage is None and c.model is None and c.choices[0].delta.content is None and c.choices[0].finish_reason is None
    assert "usage" not in c and "id" in c and c["id"] == "x" and c.get("usage") is None and c.get("usage", 1) == 1
    with pytest.raises(KeyError):
        c["usage"]
    # An undeclared name still raises, and the message lists the fields, declared ones too.
    with pytest.raises(AttributeError, match=r"ChatCompletionChunk has no field 'absent'; fields: id, choices, .*usage"):
        c.absent
    assert "usage" in dir(c) and "absent" not in dir(c)
    # Fields the gateway sends beyond the declared ones stay reachable.
    extra = types.ChatCompletion({"choices": [], "x_gateway": {"region": "eu"}})
    assert extra.x_gateway.region == "eu"
    # Plain Obj keeps raising for any absent name.
    with pytest.raises(AttributeError, match="no field 'usage'"):
        el.Obj({"id": "x"}).usage


def test_typed_objects_convert_compare_and_pickle():
    data = {"id": "m", "type": "message", "content": [{"type": "text", "text": "hi"}], "usage": {"input_tokens": 1}}
    m = types.Message(data, {"request_id": "req_1"})
    assert m == data and m == types.Message(json.loads(json.dumps(data))) and m.to_dict() == data
    assert json.loads(m.to_json()) == data and m.request_id == "req_1"
    for back in (pickle.loads(pickle.dumps(m)), copy.deepcopy(m)):
        assert type(back) is types.Message and back == m and back.request_id == "req_1"
        assert isinstance(back.content[0], types.TextBlock) and back.stop_reason is None
    assert pickle.loads(pickle.dumps(m.content))[0].text == "hi"
    with pytest.raises(AttributeError, match="read-only"):
        m.id = "other"  # type: ignore[misc]


def test_declared_fields_win_over_the_dict_helpers():
    class Listing(_models.Obj):
        __slots__ = ()

    _models.bind(Listing, {"items": _models.list_of(types.Usage), "keys": _models.RAW, "get": _models.RAW})
    lst = Listing({"items": [{"total_tokens": 3}], "keys": ["a"], "n": 1})
    assert lst.items[0].total_tokens == 3 and isinstance(lst.items[0], types.Usage) and lst.keys == ["a"] and lst.get is None
    # The helpers stay reachable through the class, and item access is untouched.
    assert dict(_models.Obj.items(lst))["n"] == 1 and set(_models.Obj.keys(lst)) == {"items", "keys", "n"}
    assert lst["items"] == [{"total_tokens": 3}] and lst.to_dict()["keys"] == ["a"]
    # `request_id` is a field of usage events: the event's own, not the call's.
    e = types.UsageEvent({"id": "1", "request_id": "req_event"}, {"request_id": "req_call"})
    assert e.request_id == "req_event" and types.UsageEvent({"id": "2"}, {"request_id": "req_call"}).request_id is None


def test_lists_are_views_not_copies():
    data = {"choices": [{"index": i, "message": {"content": str(i)}} for i in range(3)]}
    r = types.ChatCompletion(data)
    assert r.choices._items is data["choices"], "the list is not copied"
    assert len(r.choices) == 3 and r.choices[-1].message.content == "2" and [c.index for c in r.choices] == [0, 1, 2]
    assert isinstance(r.choices[:2], list) and isinstance(r.choices[:2][0], types.Choice)
    assert r.choices == data["choices"] and r.choices[0] in r.choices
    with pytest.raises(TypeError):
        r.choices[0] = None  # type: ignore[index]
    assert isinstance(el.Obj({"a": [{"b": 1}]}).a[0], el.Obj)
