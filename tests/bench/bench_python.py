"""Benchmark of the Python package against the official `openai` package and raw `httpx` with
hand-written SSE parsing, in one run against the same local mock gateway (release build).

    make bench-python            # or: python tests/bench/bench_python.py --rounds 3

Each measurement runs in a fresh subprocess (so import time and peak RSS are its own), and
every workload is repeated `--rounds` times; the table shows medians and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

MSGS = [{"role": "user", "content": "Summarize CRDT consistency in three bullets."}]
MODEL = "deepseek-v4-pro"

# ── Workloads, run inside a child process ────────────────────────────────────


def _ours(url, key, async_=False):
    import empiriolabs

    cls = empiriolabs.AsyncEmpirioLabs if async_ else empiriolabs.EmpirioLabs
    return cls(api_key=key, base_url=url, max_retries=0)


def _openai(url, key, async_=False):
    import openai

    cls = openai.AsyncOpenAI if async_ else openai.OpenAI
    return cls(api_key=key, base_url=url + "/v1", max_retries=0)


def _httpx(url, key, async_=False):
    import httpx

    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    cls = httpx.AsyncClient if async_ else httpx.Client
    return cls(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120, limits=limits)


def _parse_sse(lines):
    """The minimal correct SSE parse a careful hand-written client does: data lines to JSON."""
    for line in lines:
        if line.startswith("data: "):
            data = line[6:]
            if data == "[DONE]":
                return
            yield json.loads(data)


def sequential(client_kind, url, key, n=1000):
    if client_kind == "httpx":
        c = _httpx(url, key)
        t = time.perf_counter()
        for _ in range(n):
            r = c.post("/v1/chat/completions", json={"model": MODEL, "messages": MSGS})
            r.raise_for_status()
            r.json()["choices"][0]["message"]["content"]
    else:
        c = (_ours if client_kind == "ours" else _openai)(url, key)
        t = time.perf_counter()
        for _ in range(n):
            c.chat.completions.create(model=MODEL, messages=MSGS).choices[0].message.content
    return {"seconds": time.perf_counter() - t}


def concurrent(client_kind, url, key, n=1000):
    import asyncio

    async def run():
        if client_kind == "httpx":
            c = _httpx(url, key, async_=True)

            async def one():
                r = await c.post("/v1/chat/completions", json={"model": MODEL, "messages": MSGS})
                r.raise_for_status()
                return r.json()["choices"][0]["message"]["content"]
        else:
            c = (_ours if client_kind == "ours" else _openai)(url, key, async_=True)

            async def one():
                r = await c.chat.completions.create(model=MODEL, messages=MSGS)
                return r.choices[0].message.content

        t = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        return time.perf_counter() - t

    return {"seconds": asyncio.run(run())}


def _anthropic(url, key, async_=False):
    import anthropic

    cls = anthropic.AsyncAnthropic if async_ else anthropic.Anthropic
    return cls(api_key=key, base_url=url, max_retries=0)


def _chat_text(chunk):
    """A chunk's text, read the way the openai README reads it (the usage chunk has no choices)."""
    return (chunk.choices[0].delta.content or "") if chunk.choices else ""


def _message_text(event):
    """An Anthropic event's text, read the way the anthropic README reads it."""
    return event.delta.text if event.type == "content_block_delta" and event.delta.type == "text_delta" else ""


def _raw_chat_text(data):
    choices = data["choices"]
    return (choices[0]["delta"].get("content") or "") if choices else ""


def _raw_message_text(data):
    return data["delta"]["text"] if data["type"] == "content_block_delta" and data["delta"]["type"] == "text_delta" else ""


def _request(shape, chunks):
    """(path, body, headers) of one streamed request of `chunks` pieces in `shape`."""
    headers = {"x-mock-stream-tokens": str(chunks)}
    if shape == "anthropic":
        return "/v1/messages", {"model": MODEL, "max_tokens": chunks * 4, "messages": MSGS, "stream": True}, headers
    return "/v1/chat/completions", {"model": MODEL, "messages": MSGS, "stream": True}, headers


def _digest(text):
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


def one_stream(client_kind, url, key, chunks=100_000, mode="read", shape="openai", async_=False):
    """One long stream, read as users read it: `mode` is `read` (each chunk's text, joined),
    `count` (chunks counted, nothing read) or `text` (this package's `text_stream`)."""
    import asyncio

    path, body, headers = _request(shape, chunks)
    raw_text = _raw_message_text if shape == "anthropic" else _raw_chat_text
    sdk_text = _message_text if shape == "anthropic" else _chat_text

    def sdk(async_):
        if client_kind == "ours":
            return _ours(url, key, async_)
        return (_anthropic if shape == "anthropic" else _openai)(url, key, async_)

    def call(c):
        api = c.messages if shape == "anthropic" else c.chat.completions
        return api.create(**body, extra_headers=headers)

    def consume(events):
        parts, n = [], 0
        if mode == "count":
            for _ in events:
                n += 1
            return n, ""
        for ev in events:
            n += 1
            parts.append(sdk_text(ev))
        return n, "".join(parts)

    async def aconsume(events):
        parts, n = [], 0
        if mode == "text":
            async for piece in events.text_stream:
                parts.append(piece)
            return len(parts), "".join(parts)
        async for ev in events:
            n += 1
            if mode == "read":
                parts.append(sdk_text(ev))
        return n, "".join(parts)

    cpu, t = time.process_time(), time.perf_counter()
    if client_kind == "httpx":
        if async_:
            async def run():
                c = _httpx(url, key, async_=True)
                parts, n = [], 0
                async with c.stream("POST", path, json=body, headers=headers) as r:
                    async for line in r.aiter_lines():
                        if line.startswith("data: ") and line != "data: [DONE]":
                            n += 1
                            data = json.loads(line[6:])
                            if mode != "count":
                                parts.append(raw_text(data))
                return n, "".join(parts)
            n, text = asyncio.run(run())
        else:
            c = _httpx(url, key)
            parts, n = [], 0
            with c.stream("POST", path, json=body, headers=headers) as r:
                for data in _parse_sse(r.iter_lines()):
                    n += 1
                    if mode != "count":
                        parts.append(raw_text(data))
            text = "".join(parts)
    elif async_:
        async def run():
            stream = await call(sdk(True))
            return await aconsume(stream)
        n, text = asyncio.run(run())
    else:
        stream = call(sdk(False))
        if mode == "text":
            parts = list(stream.text_stream)
            n, text = len(parts), "".join(parts)
        else:
            n, text = consume(stream)
    elapsed = time.perf_counter() - t
    if mode != "text":
        assert n >= chunks, f"{client_kind} saw {n} chunks"
    assert mode == "count" or len(text) > chunks, f"{client_kind} read {len(text)} characters"
    return {"chunks_per_s": chunks / elapsed, "cpu_seconds": time.process_time() - cpu, "text": _digest(text) if mode != "count" else ""}


def many_streams(client_kind, url, key, streams=1000, chunks=100):
    """`streams` concurrent streams, each chunk's text read and joined."""
    import asyncio
    import resource

    path, body, headers = _request("openai", chunks)

    async def run():
        if client_kind == "httpx":
            c = _httpx(url, key, async_=True)

            async def one():
                parts = []
                async with c.stream("POST", path, json=body, headers=headers) as r:
                    async for line in r.aiter_lines():
                        if line.startswith("data: ") and line != "data: [DONE]":
                            parts.append(_raw_chat_text(json.loads(line[6:])))
                return "".join(parts)
        else:
            c = (_ours if client_kind == "ours" else _openai)(url, key, async_=True)

            async def one():
                parts = []
                stream = await c.chat.completions.create(**body, extra_headers=headers)
                async for chunk in stream:
                    parts.append(_chat_text(chunk))
                return "".join(parts)

        t = time.perf_counter()
        texts = await asyncio.gather(*(one() for _ in range(streams)))
        assert min(len(x) for x in texts) > chunks
        return time.perf_counter() - t, _digest(texts[0])

    seconds, digest = asyncio.run(run())
    return {"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "text": digest}


def field_reads(client_kind, url, key, n=200_000):
    """Five nested fields of one chat completion, read `n` times: this package's object (or
    openai's) against the same reads on the plain dict (`httpx`)."""
    if client_kind == "httpx":
        r = _httpx(url, key).post("/v1/chat/completions", json={"model": MODEL, "messages": MSGS}).json()
        t = time.perf_counter()
        for _ in range(n):
            c = r["choices"][0]
            (c["message"]["content"], c["message"]["role"], c["finish_reason"], r["usage"]["total_tokens"], r["model"])
    else:
        r = (_ours if client_kind == "ours" else _openai)(url, key).chat.completions.create(model=MODEL, messages=MSGS)
        t = time.perf_counter()
        for _ in range(n):
            c = r.choices[0]
            (c.message.content, c.message.role, c.finish_reason, r.usage.total_tokens, r.model)
    return {"ns_per_read": (time.perf_counter() - t) / n * 1e9}


def construct(client_kind, url, key, n=200):
    make = {"ours": _ours, "openai": _openai, "httpx": _httpx}[client_kind]
    make(url, key)
    t = time.perf_counter()
    for _ in range(n):
        make(url, key)
    return {"us_per_client": (time.perf_counter() - t) / n * 1e6}


WORKLOADS = {"sequential": sequential, "concurrent": concurrent, "one_stream": one_stream, "many_streams": many_streams, "construct": construct,
             "field_reads": field_reads}

# ── Orchestration ────────────────────────────────────────────────────────────


def child(args):
    # `one_stream:read:anthropic:async` passes mode, shape and async_ to `one_stream`.
    name, *opts = args.workload.split(":")
    kwargs = dict(zip(("mode", "shape", "async_"), opts))
    if "async_" in kwargs:
        kwargs["async_"] = kwargs["async_"] == "async"
    out = WORKLOADS[name](args.client, args.url, args.key, **kwargs)
    print(json.dumps(out))


def run_child(workload, client_kind, url, key):
    cmd = [sys.executable, __file__, "--child", workload, client_kind, url, key]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if res.returncode != 0:
        raise RuntimeError(f"{workload}/{client_kind} failed (exit {res.returncode}):\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def import_time(module):
    base = [sys.executable, "-c", "pass"]
    cmd = [sys.executable, "-c", f"import {module}"]

    def t(c):
        s = time.perf_counter()
        subprocess.run(c, check=True)
        return time.perf_counter() - s

    return max(0.0, statistics.median(t(cmd) for _ in range(5)) - statistics.median(t(base) for _ in range(5)))


def start_mock(binary):
    proc = subprocess.Popen([binary, "--exit-on-stdin-close", "--log-limit", "100"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready = json.loads(proc.stdout.readline())
    return proc, ready["url"], ready["api_key"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--mock", default=os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "empirio-mock"))
    ap.add_argument("--child", nargs=4, metavar=("WORKLOAD", "CLIENT", "URL", "KEY"))
    args = ap.parse_args()
    if args.child:
        args.workload, args.client, args.url, args.key = args.child
        return child(args)

    proc, url, key = start_mock(args.mock)
    try:
        med = {}

        seen_text = {}

        def measure(workload, client_kind, field):
            runs = [run_child(workload, client_kind, url, key) for _ in range(args.rounds)]
            seen_text[(workload, client_kind)] = runs[-1].get("text")
            for f, v in runs[0].items():
                if isinstance(v, (int, float)):
                    med[(workload, client_kind, f)] = statistics.median(r[f] for r in runs)
            return med[(workload, client_kind, field)]

        rows = []
        texts = {}

        def trio(label, workload, field, better, sdk="openai"):
            rows.append((label, *(measure(workload, k, field) for k in ("ours", sdk, "httpx")), better))

        imp = {m: import_time(m) for m in ("empiriolabs", "openai", "httpx")}
        rows.append(("import time (ms)", imp["empiriolabs"] * 1e3, imp["openai"] * 1e3, imp["httpx"] * 1e3, "lower"))
        trio("client construction (µs)", "construct", "us_per_client", "lower")
        trio("1000 sequential chat requests (s)", "sequential", "seconds", "lower")
        trio("1000 concurrent chat requests, async (s)", "concurrent", "seconds", "lower")
        trio("5 nested field reads of a completion (ns)", "field_reads", "ns_per_read", "lower")
        for shape, sdk, what in (("openai", "openai", "delta.content"), ("anthropic", "anthropic", "delta.text")):
            for sync in ("sync", "async"):
                w = f"one_stream:read:{shape}:{sync}"
                trio(f"{shape} stream, 100k chunks, {what}, {sync} (chunks/s)", w, "chunks_per_s", "higher", sdk)
                rows.append(("  client CPU for that stream (s)", *(med[(w, k, "cpu_seconds")] for k in ("ours", sdk, "httpx")), "lower"))
                texts[w] = {k: seen_text[(w, k)] for k in ("ours", sdk, "httpx")}
        w = "one_stream:count:openai:sync"
        trio("openai stream, 100k chunks, COUNTED ONLY, sync (chunks/s)", w, "chunks_per_s", "higher")
        w = "one_stream:text:openai:sync"
        rows.append(("openai stream, 100k chunks, text_stream, sync (chunks/s)", measure(w, "ours", "chunks_per_s"),
                     med[("one_stream:read:openai:sync", "openai", "chunks_per_s")], med[("one_stream:read:openai:sync", "httpx", "chunks_per_s")], "higher"))
        trio("1000 concurrent streams × 100 chunks, read (s)", "many_streams", "seconds", "lower")
        rows.append(("  peak RSS for those streams (MB)", *(med[("many_streams", k, "peak_rss_mb")] for k in ("ours", "openai", "httpx")), "lower"))
        texts["many_streams"] = {k: seen_text[("many_streams", k)] for k in ("ours", "openai", "httpx")}
        for w, by in texts.items():
            assert len(set(by.values())) == 1, f"{w}: the clients read different text: {by}"
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)

    print(f"\nPython SDK benchmark: medians of {args.rounds} rounds, one mock gateway (release build)\n")
    print("Every stream row reads each chunk's text as the SDK's README does and joins it; the")
    print("joined texts of the three clients are checked equal. 'sdk' is openai, or anthropic for")
    print("the anthropic rows; the text_stream row compares against the others' field reads.\n")
    print(f"{'workload':<62}{'empiriolabs':>13}{'sdk':>13}{'raw httpx':>13}{'ours/sdk':>10}{'ours/httpx':>12}")
    for name, ours, oai, hx, better in rows:
        print(f"{name:<62}{ours:>13.3f}{oai:>13.3f}{hx:>13.3f}{ours / oai:>10.3f}{ours / hx:>12.3f}")
    print("\n(ratios < 1 are better for time, memory and CPU; > 1 for chunks/s)")


if __name__ == "__main__":
    main()
