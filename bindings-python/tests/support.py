"""Helpers shared by the package's tests: the request log, setup state, and subprocess scripts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

MSGS = [{"role": "user", "content": "Hi"}]
CHAT = dict(model="deepseek-v4-pro", messages=MSGS)
HELLO = "Hello from the EmpirioLabs mock gateway. You said: Hi"


def last_seq(mock) -> int:
    return max((e["seq"] for e in mock.requests()), default=0)


def since(mock, seq: int, path: str | None = None) -> list[dict]:
    return [e for e in mock.requests(path) if e["seq"] > seq]


def stream_record(mock, path: str, want: str = "client_closed", timeout: float = 2.0) -> dict | None:
    """The last logged stream record for `path` once `want` is set; the mock writes it when it
    drops the body, just after the last byte, so it may lag the client by a moment."""
    deadline = time.monotonic() + timeout
    while True:
        entries = mock.requests(path)
        rec = entries[-1]["stream"] if entries else None
        if (rec and rec.get(want)) or time.monotonic() > deadline:
            return rec
        time.sleep(0.05)


def raw(mock, method: str, path: str, body: dict | None = None, **headers: str) -> dict:
    """A plain HTTP call to the mock, for setup that is not under test."""
    r = mock.http.request(method, path, json=body, headers=mock.auth(**headers))
    assert r.status_code < 300, r.text
    return r.json()


class State:
    """Everything the operation table needs to exist: an agent task, a job, a GPU instance and a
    hosted agent with an integration, a skill and an MCP server."""

    def __init__(self, mock):
        fast = {"x-mock-job-ms": "0"}
        slow = {"x-mock-job-ms": "60000"}
        # The gateway holds a non-streaming run; the mock answers at once when told to.
        self.task = raw(mock, "POST", "/v1/agents/run", {"model": "manus", "input": "memo", "stream": False}, **slow,
                        **{"x-mock-max-wait-ms": "0"})["task_id"]
        self.job = raw(mock, "POST", "/v1/videos/generations", {"model": "seedance-2-0-pro", "prompt": "boat", "duration": 5},
                       **slow)["job_id"]
        gpu = {"gpu_slug": "rtx-4090", "mode": "model", "hf_id": "Qwen/Qwen2.5-7B-Instruct", "name": "qwen-7b", "disk_gb": 150}
        self.gpu = raw(mock, "POST", "/v1/gpu/instances", gpu, **fast)["instance"]["id"]
        agent = {"agent_type": "openclaw", "name": "OpenClaw", "plan_slug": "hosted-agent-basic", "default_model": "qwen3-7-plus"}
        self.agent = raw(mock, "POST", "/v1/hosted-agents/instances", agent, **fast)["instance"]["id"]
        base = f"/v1/hosted-agents/instances/{self.agent}"
        raw(mock, "POST", f"{base}/integrations", {"kind": "telegram", "secret": "123456:telegram-bot-token"})
        raw(mock, "POST", f"{base}/skills", {"slug": "clawhub:web-search"})
        raw(mock, "POST", f"{base}/mcp", {"name": "linear", "url": "https://mcp.linear.app/mcp", "transport": "streamable-http"})


def _env(mock, env: dict | None) -> dict:
    full = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    if mock is not None:
        full.update(EMPIRIOLABS_BASE_URL=mock.url, EMPIRIOLABS_API_KEY=mock.api_key)
    return full


def write_script(tmp_path: Path, code: str, name: str = "script.py") -> Path:
    """A script file rather than `-c`, so that spawned worker processes can import its functions."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return path


def run_script(path: Path, mock=None, timeout: float = 30, env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs a script with the mock's URL and key in the environment."""
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=timeout, env=_env(mock, env),
                          cwd=path.parent)


def spawn_script(path: Path, mock=None, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(mock, env), cwd=path.parent)
