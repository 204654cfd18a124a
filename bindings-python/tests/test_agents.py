"""Agent tasks: streamed runs, accepted tasks with follow-ups, messages, stop and wait."""

from __future__ import annotations

import asyncio

import pytest

import empiriolabs as el
from support import last_seq, since

TASK = dict(model="manus", input="Research humanoid-robot startups and write a memo.")


def test_run_streams_task_events(client, mock):
    with client.agents.run(**TASK) as s:
        events = list(s)
    kinds = [e.type for e in events]
    assert kinds[0] == "task.created" and kinds[-1] == "task.completed"
    assert events[0].task_id.startswith("task_") and events[0].model == "manus"
    text = "".join(e.delta for e in events if e.type == "task.output.delta")
    assert text == "# Result\n\nCompleted: " + TASK["input"]
    entry = mock.requests("/v1/agents/run")[-1]
    assert entry["body"] == TASK and entry["headers"]["accept"] == "text/event-stream"


def test_run_without_stream_then_follow_up_messages_and_wait(client, mock):
    # The gateway holds a non-streaming run until the task ends or max_wait passes (50 ms here).
    held = {"x-mock-job-ms": "1500", "x-mock-max-wait-ms": "50"}
    task = client.agents.run(**TASK, stream=False, extra_headers=held)
    assert task.status in ("queued", "running") and task.poll_url == f"/v1/agents/{task.task_id}"
    assert client.agents.retrieve(task.task_id).status in ("queued", "running")
    up = client.agents.follow_up(task.task_id, model="manus", input="Add each lead investor.", extra_headers={"x-mock-max-wait-ms": "50"})
    assert up.task_id == task.task_id
    assert mock.requests("/v1/agents/run")[-1]["body"] == {"model": "manus", "input": "Add each lead investor.",
                                                          "task_id": task.task_id, "stream": False}
    done = client.agents.wait(task.task_id, timeout=10, poll_interval=0.05)
    assert done.status == "completed" and done.output.endswith("Follow-up: Add each lead investor.")
    assert done.artifacts[0].type == "document"
    messages = client.agents.messages(task.task_id)
    assert messages.object == "agent.messages" and messages.task_id == task.task_id
    contents = [m.content for m in messages.result.messages]
    assert contents[0] == TASK["input"] and "Add each lead investor." in contents


def test_follow_up_as_a_stream(client):
    task = client.agents.run(**TASK, stream=False, extra_headers={"x-mock-job-ms": "100"})
    kinds = [e.type for e in client.agents.follow_up(task.task_id, model="manus", input="More.", stream=True)]
    assert kinds[0] == "task.follow_up" and kinds[-1] == "task.completed"


def test_follow_up_needs_a_model_before_the_network(client, mock):
    seq = last_seq(mock)
    with pytest.raises(el.InvalidRequestError) as info:
        client.agents.follow_up("task_x", input="More.")
    assert info.value.param == "model" and since(mock, seq) == []


def test_stop_and_wait(client, mock):
    task = client.agents.run(**TASK, stream=False, extra_headers={"x-mock-job-ms": "60000", "x-mock-max-wait-ms": "50"})
    stopped = client.agents.stop(task.task_id)
    assert stopped.status == "stopped" and stopped.output.startswith("Partial work on:")
    assert mock.requests(f"/v1/agents/{task.task_id}/stop")[-1]["method"] == "POST"
    assert client.agents.wait(task.task_id, timeout=5).status == "stopped"
    with pytest.raises(el.ConflictError):
        client.agents.follow_up(task.task_id, model="manus", input="More.")


def test_wait_on_a_failed_task_and_a_deadline(client):
    failed = client.agents.run(**TASK, stream=False, extra_headers={"x-mock-job-outcome": "failed", "x-mock-job-ms": "100"})
    with pytest.raises(el.JobFailedError) as info:
        client.agents.wait(failed.task_id, timeout=5, poll_interval=0.05)
    assert info.value.code == "upstream_error"
    slow = client.agents.run(**TASK, stream=False, extra_headers={"x-mock-job-ms": "60000", "x-mock-max-wait-ms": "50"})
    with pytest.raises(el.JobTimeoutError):
        client.agents.wait(slow.task_id, timeout=0.3, poll_interval=0.05)
    assert client.agents.retrieve(slow.task_id).status == "queued"


def test_async_agents(aclient):
    async def go():
        s = await aclient.agents.run(**TASK)
        kinds = [e.type async for e in s]
        task = await aclient.agents.run(**TASK, stream=False, extra_headers={"x-mock-job-ms": "200"})
        await aclient.agents.follow_up(task.task_id, model="manus", input="More.")
        done = await aclient.agents.wait(task.task_id, timeout=10, poll_interval=0.05)
        messages = await aclient.agents.messages(task.task_id)
        slow = await aclient.agents.run(**TASK, stream=False, extra_headers={"x-mock-job-ms": "60000", "x-mock-max-wait-ms": "50"})
        stopped = await aclient.agents.stop(slow.task_id)
        return kinds, done, messages, stopped

    kinds, done, messages, stopped = asyncio.run(go())
    assert kinds[-1] == "task.completed" and done.status == "completed" and done.output.endswith("Follow-up: More.")
    assert messages.result.messages[-1] and stopped.status == "stopped"
