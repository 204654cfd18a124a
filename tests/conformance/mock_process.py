"""Starting and talking to the mock gateway binary, for every Python test suite."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
MOCK_BIN = Path(os.environ.get("EMPIRIO_MOCK_BIN", ROOT / "target" / "debug" / "empirio-mock"))

# Fast clocks for tests: jobs finish in 300 ms and expire 2 s later.
MOCK_ARGS = ["--job-ms", "300", "--job-retention-secs", "2", "--sync-window-ms", "1000"]


class Mock:
    """A running mock gateway: its URL, key, request log and reset."""

    def __init__(self, proc: subprocess.Popen, ready: dict):
        self.proc = proc
        self.url: str = ready["url"]
        self.api_key: str = ready["api_key"]
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def auth(self, **extra: str) -> dict:
        return {"Authorization": f"Bearer {self.api_key}", **extra}

    def requests(self, path: str | None = None, method: str | None = None) -> list[dict]:
        params = {k: v for k, v in {"path": path, "method": method}.items() if v}
        return self.http.get("/__mock/requests", params=params).json()["data"]

    def reset(self) -> None:
        self.http.post("/__mock/reset").raise_for_status()


def start_mock(*extra: str) -> Mock:
    if not MOCK_BIN.exists():
        pytest.exit(f"mock gateway binary not found at {MOCK_BIN}; run `cargo build -p empirio-mock` first", 2)
    proc = subprocess.Popen(
        [str(MOCK_BIN), "--exit-on-stdin-close", *MOCK_ARGS, *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"mock gateway exited before it was ready (code {proc.wait()})")
    return Mock(proc, json.loads(line))


def stop_mock(m: Mock) -> None:
    m.http.close()
    m.proc.terminate()
    m.proc.wait(timeout=10)



def spec_operations(spec: dict) -> list[tuple[str, str, str]]:
    """(operationId, METHOD, path) for every operation of openapi.yaml."""
    ops = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                ops.append((op["operationId"], method.upper(), path))
    return ops


@pytest.fixture(scope="session")
def mock_server():
    """One mock gateway for the whole session (import this fixture into a conftest)."""
    m = start_mock()
    yield m
    stop_mock(m)


@pytest.fixture
def mock(mock_server: Mock) -> Mock:
    """The session's mock, reset: no requests logged, no jobs, tasks or instances."""
    mock_server.reset()
    return mock_server
