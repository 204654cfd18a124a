"""The Python quickstart: chat, a stream, a video job with a progress bar, an agent run and an
error, against whatever EMPIRIOLABS_BASE_URL points at.

    EMPIRIOLABS_API_KEY=... python bindings-python/examples/quickstart.py
"""

import asyncio

import empiriolabs
from empiriolabs import AsyncEmpirioLabs, EmpirioLabs

client = EmpirioLabs()
messages = [{"role": "user", "content": "Summarize CRDT consistency in 3 bullets."}]

r = client.chat.completions.create(model="deepseek-v4-pro", messages=messages)
print("chat:", r.choices[0].message.content, f"({r.usage.total_tokens} tokens, ${r.usage.cost_usd})")

print("stream: ", end="")
with client.chat.completions.create(model="deepseek-v4-pro", messages=messages, stream=True) as stream:
    for text in stream.text_stream:
        print(text, end="", flush=True)
print()

video = client.videos.generate_and_wait(model="seedance-2-0-pro", prompt="A dolly shot of a rainy street", duration=8, progress=True)
print("video:", video.data[0].url)

for event in client.agents.run(model="manus", input="Write a one-line memo about robots."):
    if event.type == "task.message":
        print("agent step:", event.message.content)

try:
    client.chat.completions.create(model="deepseek-v4-pro", messages=messages, extra_headers={"x-mock-fault": "insufficient_credits"})
except empiriolabs.InsufficientCreditsError as e:
    print(f"error: {type(e).__name__} {e.status_code} {e.code} (request {e.request_id})")


async def main():
    aclient = AsyncEmpirioLabs()
    answers = await asyncio.gather(*(aclient.chat.completions.create(model="deepseek-v4-pro", messages=[{"role": "user", "content": f"#{i}"}]) for i in range(3)))
    print("async:", [a.choices[0].message.content.split(": ")[-1] for a in answers])


asyncio.run(main())
