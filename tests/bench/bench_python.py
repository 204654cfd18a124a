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


def one_stream(client_kind, url, key, chunks=100_000):
    headers = {"x-mock-stream-tokens": str(chunks)}
    cpu, t = time.process_time(), time.perf_counter()
    n = 0
    if client_kind == "httpx":
        c = _httpx(url, key)
        with c.stream("POST", "/v1/chat/completions", json={"model": MODEL, "messages": MSGS, "stream": True}, headers=headers) as r:
            for chunk in _parse_sse(r.iter_lines()):
                n += 1
    else:
        c = (_ours if client_kind == "ours" else _openai)(url, key)
        stream = c.chat.completions.create(model=MODEL, messages=MSGS, stream=True, extra_headers=headers)
        for chunk in stream:
            n += 1
    elapsed = time.perf_counter() - t
    assert n >= chunks, f"{client_kind} saw {n} chunks"
    return {"chunks_per_s": n / elapsed, "cpu_seconds": time.process_time() - cpu}


def many_streams(client_kind, url, key, streams=1000, chunks=100):
    import asyncio
    import resource

    headers = {"x-mock-stream-tokens": str(chunks)}

    async def run():
        if client_kind == "httpx":
            c = _httpx(url, key, async_=True)

            async def one():
                n = 0
                async with c.stream("POST", "/v1/chat/completions", json={"model": MODEL, "messages": MSGS, "stream": True}, headers=headers) as r:
                    async for line in r.aiter_lines():
                        if line.startswith("data: ") and line != "data: [DONE]":
                            json.loads(line[6:])
                            n += 1
                return n
        else:
            c = (_ours if client_kind == "ours" else _openai)(url, key, async_=True)

            async def one():
                n = 0
                stream = await c.chat.completions.create(model=MODEL, messages=MSGS, stream=True, extra_headers=headers)
                async for _ in stream:
                    n += 1
                return n

        t = time.perf_counter()
        counts = await asyncio.gather(*(one() for _ in range(streams)))
        assert min(counts) >= chunks
        return time.perf_counter() - t

    seconds = asyncio.run(run())
    return {"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def construct(client_kind, url, key, n=200):
    make = {"ours": _ours, "openai": _openai, "httpx": _httpx}[client_kind]
    make(url, key)
    t = time.perf_counter()
    for _ in range(n):
        make(url, key)
    return {"us_per_client": (time.perf_counter() - t) / n * 1e6}


WORKLOADS = {"sequential": sequential, "concurrent": concurrent, "one_stream": one_stream, "many_streams": many_streams, "construct": construct}

# ── Orchestration ────────────────────────────────────────────────────────────


def child(args):
    out = WORKLOADS[args.workload](args.client, args.url, args.key)
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

        def measure(workload, client_kind, field):
            vals = [run_child(workload, client_kind, url, key)[field] for _ in range(args.rounds)]
            med[(workload, client_kind, field)] = statistics.median(vals)
            return med[(workload, client_kind, field)]

        rows = []
        imp = {m: import_time(m) for m in ("empiriolabs", "openai", "httpx")}
        rows.append(("import time (ms)", imp["empiriolabs"] * 1e3, imp["openai"] * 1e3, imp["httpx"] * 1e3, "lower"))
        rows.append(("client construction (µs)", *(measure("construct", k, "us_per_client") for k in ("ours", "openai", "httpx")), "lower"))
        rows.append(("1000 sequential chat requests (s)", *(measure("sequential", k, "seconds") for k in ("ours", "openai", "httpx")), "lower"))
        rows.append(("1000 concurrent chat requests, async (s)", *(measure("concurrent", k, "seconds") for k in ("ours", "openai", "httpx")), "lower"))
        rows.append(("one stream of 100,000 chunks (chunks/s)", *(measure("one_stream", k, "chunks_per_s") for k in ("ours", "openai", "httpx")), "higher"))
        rows.append(("  client CPU for that stream (s)", *(med[("one_stream", k, "cpu_seconds")] if ("one_stream", k, "cpu_seconds") in med else measure("one_stream", k, "cpu_seconds") for k in ("ours", "openai", "httpx")), "lower"))
        rows.append(("1000 concurrent streams × 100 chunks (s)", *(measure("many_streams", k, "seconds") for k in ("ours", "openai", "httpx")), "lower"))
        rows.append(("  peak RSS for those streams (MB)", *(med[("many_streams", k, "peak_rss_mb")] if ("many_streams", k, "peak_rss_mb") in med else measure("many_streams", k, "peak_rss_mb") for k in ("ours", "openai", "httpx")), "lower"))
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)

    print(f"\nPython SDK benchmark: medians of {args.rounds} rounds, one mock gateway (release build)\n")
    print(f"{'workload':<44}{'empiriolabs':>13}{'openai':>13}{'raw httpx':>13}{'ours/openai':>13}{'ours/httpx':>12}")
    for name, ours, oai, hx, better in rows:
        print(f"{name:<44}{ours:>13.3f}{oai:>13.3f}{hx:>13.3f}{ours / oai:>13.3f}{ours / hx:>12.3f}")
    print("\n(ratios < 1 are better for time, memory and CPU; > 1 for chunks/s)")


if __name__ == "__main__":
    main()
