"""Typical user code, as openai-python and anthropic-python users write it: this file must pass
`mypy --strict` (and pyright) with the package's types alone (bindings-python/tests/test_typing.py).
It is type-checked, not run."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import empiriolabs
from empiriolabs import AsyncEmpirioLabs, EmpirioLabs
from empiriolabs.types import ChatCompletion, ChatCompletionChunk, MessageStreamEvent, UsageEvent, VideoResult

client = EmpirioLabs(timeout=30, max_retries=1)
MESSAGES = [{"role": "user", "content": "Hello!"}]
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]


def chat() -> str:
    r: ChatCompletion = client.chat.completions.create(model="deepseek-v4-pro", messages=MESSAGES, enable_thinking=True)
    content: str | None = r.choices[0].message.content
    if r.usage is not None:
        print(r.usage.total_tokens, r.usage.cost_usd)
    print(r.request_id, r.id, r.choices[0].finish_reason)
    return content or ""


def chat_stream() -> str:
    text = ""
    with client.chat.completions.create(model="deepseek-v4-pro", messages=MESSAGES, stream=True, timeout=20) as stream:
        for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
            if chunk.usage:
                print(chunk.usage.completion_tokens)
    chunks: list[ChatCompletionChunk] = list(client.chat.completions.stream(model="deepseek-v4-pro", messages=MESSAGES))
    print(len(chunks), stream.headers.get("X-Request-ID"))
    for piece in client.chat.completions.create(model="deepseek-v4-pro", messages=MESSAGES, stream=True).text_stream:
        text += piece
    return text


def tool_calls() -> dict[str, object]:
    r = client.chat.completions.create(model="mistral-small-4", messages=MESSAGES, tools=TOOLS, tool_choice="auto")
    message = r.choices[0].message
    if message.tool_calls:
        call = message.tool_calls[0]
        args: dict[str, object] = json.loads(call.function.arguments)
        print(call.id, call.function.name)
        return args
    final = client.chat.completions.create(model="mistral-small-4", messages=MESSAGES, tools=TOOLS, stream=True).get_final_completion()
    return {"content": final.choices[0].message.content}


def messages() -> str:
    m = client.messages.create(model="deepseek-v4-pro", max_tokens=1024, messages=MESSAGES)
    block = m.content[0]
    if block.type == "text":
        print(block.text)
    print(m.usage.input_tokens, m.stop_reason)
    out = ""
    with client.messages.stream(model="deepseek-v4-pro", max_tokens=1024, messages=MESSAGES) as stream:
        for event in stream:
            if event.type == "content_block_delta" and event.delta.type == "text_delta":
                out += event.delta.text
        print(stream.get_final_message().id)
    events: list[MessageStreamEvent] = []
    for event in client.messages.create(model="deepseek-v4-pro", max_tokens=64, messages=MESSAGES, stream=True):
        events.append(event)
    with client.messages.stream(model="deepseek-v4-pro", max_tokens=64, messages=MESSAGES) as again:
        out += again.get_final_text()
    return out


def embeddings() -> list[list[float]]:
    r = client.embeddings.create(model="text-embedding-v4", input=["a", "b"])
    print(r.usage.prompt_tokens, r.model)
    return [d.embedding for d in r.data]


def video() -> str:
    def show(p: empiriolabs.JobProgress) -> None:
        print(p.id, p.status, p.progress, p.raw.job_id)

    v: VideoResult = client.videos.generate_and_wait(model="seedance-2-0-pro", prompt="A rainy street", duration=8,
                                                     wait_timeout=1800, on_progress=show)
    job = client.videos.generate(model="seedance-2-0-pro", prompt="A dolly shot")
    again: VideoResult = job.wait(timeout=600, on_progress=show, progress=True)
    state = job.refresh()
    print(state.status, state.progress, again.data[0].url, job.id, job.status)
    return v.data[0].url


def transcribe(path: str) -> str:
    short = client.audio.transcriptions.create_and_wait(file=("meeting.wav", b"RIFF", "audio/wav"), model="openai-whisper-1")
    with open(path, "rb") as f:
        answer = client.audio.transcriptions.create(file=f, model="openai-whisper-1", language="en")
    if isinstance(answer, empiriolabs.Job):
        print(answer.wait(timeout=600).text)
    subtitles = client.audio.transcriptions.create_and_wait(file=Path(path), model="openai-whisper-1", response_format="srt")
    print(subtitles if isinstance(subtitles, str) else subtitles.text)
    client.audio.transcriptions.create(file=b"RIFF", model="openai-whisper-1")
    client.audio.transcriptions.create(file_url="https://example.com/a.wav", model="deepgram-nova-3", diarize=True)
    return short.text


def usage() -> float:
    total = 0.0
    for event in client.account.usage.list(limit=100, source="api"):
        e: UsageEvent = event
        if e.cost and e.cost.amount is not None:
            total += e.cost.amount
    for page in client.account.usage.list(limit=100).pages():
        print(page.has_more, page.request_id)
    return total


def errors() -> None:
    try:
        client.chat.completions.create(model="nope", messages=MESSAGES)
    except empiriolabs.NotFoundError as e:
        print(e.status_code, e.code, e.message, e.request_id, e.headers.get("x-request-id"))
    except empiriolabs.RateLimitError as e:
        print(e.status_code, e.body)
    except empiriolabs.APIConnectionError as e:
        print(e.message)
    except empiriolabs.InvalidRequestError as e:
        print(e.param, e.code, e.message)
    except empiriolabs.APIError as e:
        print(e.type, e.param)
    try:
        client.videos.generate(model="seedance-2-0-pro", prompt="x").wait(timeout=5)
    except empiriolabs.JobTimeoutError as e:
        print(e.message)
    except empiriolabs.JobFailedError as e:
        print(e.code)


async def async_main() -> str:
    async with AsyncEmpirioLabs() as aclient:
        r = await aclient.chat.completions.create(model="deepseek-v4-pro", messages=MESSAGES)
        stream = await aclient.chat.completions.create(model="deepseek-v4-pro", messages=MESSAGES, stream=True)
        text = r.choices[0].message.content or ""
        async for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
        async with aclient.messages.stream(model="deepseek-v4-pro", max_tokens=64, messages=MESSAGES) as m:
            async for t in m.text_stream:
                text += t
        video = await aclient.videos.generate_and_wait(model="seedance-2-0-pro", prompt="rain", wait_timeout=600)
        async for event in aclient.account.usage.list(limit=100):
            print(event.id)
        raw = await aclient.chat.completions.with_raw_response.create(model="deepseek-v4-pro", messages=MESSAGES)
        parsed: ChatCompletion = raw.parse()
        print(raw.status_code, raw.headers.get("Content-Type"), parsed.id, video.data[0].url)
    await aclient.close()
    return text


def manners() -> None:
    with EmpirioLabs() as c:
        print(c.base_url, c.timeout, c.max_retries)
        raw = c.chat.completions.with_raw_response.create(model="deepseek-v4-pro", messages=MESSAGES)
        print(raw.headers.get("x-request-id"), raw.parse().choices[0].message.content)
    client.close()


if __name__ == "__main__":
    print(chat(), chat_stream(), tool_calls(), messages(), embeddings(), video(), transcribe("a.wav"), usage())
    errors()
    manners()
    print(asyncio.run(async_main()))
