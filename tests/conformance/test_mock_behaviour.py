"""Behaviour of the mock gateway itself: process lifecycle, route coverage against
openapi.yaml, stateful resources, the request log, and stream bookkeeping."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import threading
import time

import httpx
import pytest

from mock_process import MOCK_BIN, ROOT, spec_operations, start_mock, stop_mock


# ── Process lifecycle ────────────────────────────────────────────────────────

def test_ready_line_then_clean_exit_on_sigterm_and_sigint():
    for sig in (signal.SIGTERM, signal.SIGINT):
        m = start_mock()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", m.url)
        assert m.http.get("/__mock/health").json() == {"status": "ok"}
        m.proc.send_signal(sig)
        assert m.proc.wait(timeout=5) == 0


def test_exits_when_stdin_closes():
    m = start_mock()
    m.proc.stdin.close()
    assert m.proc.wait(timeout=5) == 0


def test_fixed_port_and_bad_flags():
    probe = start_mock()
    port = int(probe.url.rsplit(":", 1)[1])
    stop_mock(probe)
    m = start_mock("--port", str(port))
    assert m.url.endswith(f":{port}")
    stop_mock(m)
    bad = subprocess.run([str(MOCK_BIN), "--host", "0.0.0.0"], capture_output=True, text=True, timeout=10)
    assert bad.returncode == 2 and "loopback" in bad.stderr


# ── Coverage ─────────────────────────────────────────────────────────────────

def test_route_table_is_exactly_openapi(mock, spec):
    served = {(r["operation_id"], r["method"], r["path"]) for r in mock.http.get("/__mock/routes").json()["data"]}
    documented = set(spec_operations(spec))
    assert len(documented) == 66
    assert served == documented, f"missing: {documented - served}; extra: {served - documented}"


def test_public_endpoints_match_spec_security(mock, spec):
    public = {
        op["operationId"] for item in spec["paths"].values() for m, op in item.items()
        if isinstance(op, dict) and op.get("security") == []
    }
    served = {r["operation_id"] for r in mock.http.get("/__mock/routes").json()["data"] if r["public"]}
    assert served == public
    for path in ["/v1/models", "/v1/models/deepseek-v4-pro", "/v1/gpu/catalog", "/v1/gpu/catalog/rtx-4090", "/v1/hosted-agents/health"]:
        assert mock.http.get(path).status_code == 200, path
    assert mock.http.get("/v1/jobs").status_code == 401


def test_every_fault_is_documented_in_readme(mock):
    readme = (ROOT / "README.md").read_text()
    for f in mock.http.get("/__mock/faults").json()["data"]:
        assert f"`{f['name']}`" in readme, f"fault {f['name']} missing from README.md"


def test_unknown_routes_and_methods_use_the_envelope(mock):
    r = mock.http.get("/v1/nope", headers=mock.auth())
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_route"
    r = mock.http.put("/v1/chat/completions", headers=mock.auth())
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_paths_without_v1_prefix_are_served(mock):
    r = mock.http.get("/models")
    assert r.status_code == 200 and r.json()["object"] == "list"
    assert mock.requests()[-1]["path"] == "/models"


# ── Request log ──────────────────────────────────────────────────────────────

def test_request_log_records_everything_but_the_key(mock):
    mock.http.post("/v1/embeddings?trace=1&trace=2", headers=mock.auth(**{"x-api-key": mock.api_key, "x-custom": "yes"}),
                   json={"model": "text-embedding-v4", "input": "hi", "extra_param": 7})
    e = mock.requests("/v1/embeddings")[-1]
    assert e["method"] == "POST" and e["status"] == 200
    assert e["query"] == {"trace": ["1", "2"]}
    assert e["body"]["extra_param"] == 7
    assert e["headers"]["x-custom"] == "yes"
    assert e["headers"]["authorization"] == "Bearer [redacted]" and e["headers"]["x-api-key"] == "[redacted]"
    assert mock.api_key not in json.dumps(e)
    mock.http.delete("/__mock/requests")
    assert mock.requests() == []


def test_multipart_is_parsed_in_log_and_handler(mock):
    audio = bytes(range(256)) * 40
    r = mock.http.post("/v1/audio/transcriptions", headers=mock.auth(),
                       data={"model": "openai-whisper-1", "response_format": "verbose_json", "timestamp_granularities[]": "word"},
                       files={"file": ("clip.mp3", audio, "audio/mpeg")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "clip.mp3 (10240 bytes, audio/mpeg)" in body["text"] and body["words"]
    parts = {p["name"]: p for p in mock.requests("/v1/audio/transcriptions")[-1]["body"]["multipart"]}
    assert parts["file"]["size"] == 10240 and parts["file"]["filename"] == "clip.mp3"
    assert parts["model"]["value"] == "openai-whisper-1"


def test_long_audio_becomes_a_job(mock):
    r = mock.http.post("/v1/audio/transcriptions", headers=mock.auth(**{"x-mock-audio-seconds": "900"}),
                       json={"model": "deepgram-nova-3", "file_url": "https://example.com/long.wav", "diarize": True})
    job = r.json()
    assert job["status"] == "processing" and job["poll_url"] == f"/v1/jobs/{job['job_id']}"


# ── Streams ──────────────────────────────────────────────────────────────────

def test_stream_record_tells_a_client_that_hung_up(mock):
    body = {"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    with mock.http.stream("POST", "/v1/chat/completions", json=body,
                          headers=mock.auth(**{"x-mock-stream-tokens": "1000", "x-mock-delay-ms": "5"})) as r:
        lines = r.iter_lines()
        assert next(lines).startswith("data: ")
    deadline = time.time() + 5
    while time.time() < deadline:
        rec = mock.requests("/v1/chat/completions")[-1]["stream"]
        if rec and rec["client_closed"]:
            break
        time.sleep(0.05)
    assert rec["client_closed"] and not rec["completed"] and rec["events_sent"] < 1000

    with mock.http.stream("POST", "/v1/chat/completions", json=body, headers=mock.auth()) as r:
        r.read()
    time.sleep(0.1)
    rec = mock.requests("/v1/chat/completions")[-1]["stream"]
    assert rec["completed"] and not rec["client_closed"] and rec["events_sent"] == 9 + 4


def test_long_stream_length_is_controllable(mock):
    body = {"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "x"}], "stream": True}
    r = mock.http.post("/v1/chat/completions", json=body, headers=mock.auth(**{"x-mock-stream-tokens": "20000"}))
    events = [l for l in r.text.split("\n\n") if l.startswith("data: ")]
    assert len(events) == 20000 + 4 and events[-1] == "data: [DONE]"


def test_stream_faults_on_a_plain_request_are_refused(mock):
    r = mock.http.post("/v1/chat/completions", headers=mock.auth(**{"x-mock-fault": "stream_cut"}),
                       json={"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "x"}]})
    assert r.status_code == 400 and r.json()["error"]["code"] == "mock_fault_not_applicable"
    r = mock.http.get("/v1/models", headers={"x-mock-fault": "bogus"})
    assert r.status_code == 400 and "rate_limit" in r.json()["error"]["message"]


CHAT_STREAM = {"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "hi"}], "stream": True}


def test_terminator_without_its_blank_line(mock):
    """done_without_blank_line: the whole stream, the terminator ending in one newline."""
    r = mock.http.post("/v1/chat/completions", json=CHAT_STREAM, headers=mock.auth(**{"x-mock-fault": "done_without_blank_line"}))
    assert r.content.endswith(b"}\n\ndata: [DONE]\n") and r.content.count(b"data: ") == 9 + 4
    msg = {"model": "deepseek-v4-pro", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}], "stream": True}
    r = mock.http.post("/v1/messages", json=msg, headers=mock.auth(**{"x-mock-fault": "done_without_blank_line"}))
    assert r.content.endswith(b'}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n')
    r = mock.http.post("/v1/responses", json={"model": "deepseek-v4-pro", "input": "hi", "stream": True},
                       headers=mock.auth(**{"x-mock-fault": "done_without_blank_line"}))
    assert r.content.endswith(b'"type":"response.completed"}\n') and not r.content.endswith(b"\n\n")
    time.sleep(0.1)
    rec = mock.requests("/v1/chat/completions")[-1]["stream"]
    assert rec == {"events_sent": 13, "completed": True, "client_closed": False}


def test_partial_event_at_eof(mock):
    """partial_event_eof: K whole events, then one event's lines without the blank line."""
    r = mock.http.post("/v1/chat/completions", json=CHAT_STREAM,
                       headers=mock.auth(**{"x-mock-fault": "partial_event_eof", "x-mock-fault-after": "2"}))
    blocks = r.content.split(b"\n\n")
    assert len(blocks) == 3 and blocks[-1].startswith(b"data: {") and blocks[-1].endswith(b"}\n")
    assert b"\n" not in blocks[-1][:-1] and b"[DONE]" not in r.content
    # K at or past the end still leaves the terminator out: the unfinished event is never it.
    r = mock.http.post("/v1/chat/completions", json=CHAT_STREAM,
                       headers=mock.auth(**{"x-mock-fault": "partial_event_eof", "x-mock-fault-after": "99"}))
    assert r.content.count(b"\n\n") == 9 + 2 and b"[DONE]" not in r.content and r.content.endswith(b"}\n")


def test_body_faults_on_streams_honour_fault_after(mock):
    for fault, extra in (("invalid_json", {}), ("oversized_body", {"x-mock-fault-size": "1000"})):
        r = mock.http.post("/v1/chat/completions", json=CHAT_STREAM,
                           headers=mock.auth(**{"x-mock-fault": fault, "x-mock-fault-after": "3", **extra}))
        events = r.content.split(b"\n\n")
        assert all(json.loads(e[6:]) for e in events[:3]), fault
        broken = events[3]
        assert (broken == b'data: {"id": "broken", "choices": [') if fault == "invalid_json" else (len(broken) > 1000), fault
        assert r.content.endswith(b"data: [DONE]\n\n")


def test_html_faults_and_raw_retry_headers(mock):
    for fault, code in (("unavailable_html", 503), ("gateway_timeout", 504)):
        r = mock.http.post("/v1/chat/completions", headers=mock.auth(**{"x-mock-fault": fault, "x-mock-retry-after": "2"}),
                           json={"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "x"}]})
        assert r.status_code == code and r.headers["content-type"] == "text/html" and r.text.startswith("<html>")
        assert "retry-after" not in r.headers and "retry-after-ms" not in r.headers
    for value in ("1e20", "-5", "NaN", "", "soon", "inf"):
        r = mock.http.get("/v1/jobs", headers=mock.auth(**{"x-mock-fault": "rate_limit", "x-mock-retry-after-raw": value}))
        assert r.status_code == 429 and r.headers.get_list("retry-after") == [value] and "retry-after-ms" not in r.headers
        r = mock.http.get("/v1/jobs", headers=mock.auth(**{"x-mock-fault": "rate_limit_ms", "x-mock-retry-after-ms-raw": value}))
        assert r.status_code == 429 and r.headers.get_list("retry-after-ms") == [value] and "retry-after" not in r.headers
    r = mock.http.get("/v1/jobs", headers=mock.auth(**{"x-mock-fault": "unavailable", "x-mock-retry-after-raw": "soon"}))
    assert r.status_code == 503 and r.headers["retry-after"] == "soon" and r.json()["error"]["code"] == "service_unavailable"


def test_redirect_fault(mock):
    r = mock.http.get("/v1/jobs?limit=2&status=completed", headers=mock.auth(**{"x-mock-fault": "redirect"}))
    assert r.status_code == 307 and r.headers["location"] == "/v1/jobs?limit=2&status=completed"
    r = mock.http.get("/jobs", headers=mock.auth(**{"x-mock-fault": "redirect"}))
    assert r.headers["location"] == "/jobs"  # the path as received, before the /v1 rewrite
    to = "http://127.0.0.2:9/v1/jobs"
    r = mock.http.get("/v1/jobs", headers=mock.auth(**{"x-mock-fault": "redirect", "x-mock-redirect-to": to}))
    assert r.status_code == 307 and r.headers["location"] == to
    bad = mock.http.get("/v1/jobs", headers=mock.auth(**{"x-mock-fault": "redirect", "x-mock-redirect-to": "/v1/jobs"}))
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "x-mock-redirect-to"
    # Followed once with a count of 1: the second request succeeds.
    h = mock.auth(**{"x-mock-fault": "redirect", "x-mock-fault-count": "1"})
    with httpx.Client(base_url=mock.url, follow_redirects=True) as c:
        r = c.get("/v1/jobs", headers=h)
    assert r.status_code == 200 and [e["status"] for e in mock.requests("/v1/jobs")][-2:] == [307, 200]


def test_gpu_connect_keeps_the_raw_path_and_query(mock):
    h = mock.auth(**{"x-mock-job-ms": "0"})
    gid = mock.http.post("/v1/gpu/instances", headers=h, json={"gpu_slug": "rtx-4090", "mode": "model", "hf_id": "Qwen/Qwen2.5-7B-Instruct"}).json()["instance"]["id"]
    raw = f"/v1/gpu/connect/{gid}/v1/files/a%20b%2Fc.txt?limit=2&order=desc&q=a%20b"
    echo = mock.http.get(raw, headers=h).json()
    assert echo["path"] == "/v1/files/a%20b%2Fc.txt" and echo["query"] == "limit=2&order=desc&q=a%20b"
    e = mock.requests()[-1]
    assert e["path"] == f"/v1/gpu/connect/{gid}/v1/files/a%20b%2Fc.txt" and e["raw_query"] == "limit=2&order=desc&q=a%20b"
    assert e["query"] == {"limit": ["2"], "order": ["desc"], "q": ["a b"]}
    # Dot segments (which httpx would resolve away) sent verbatim: refused, naming `path`.
    for path in ("v1/../../account/usage", "v1/%2e%2E/x", "./x"):
        with socket.create_connection((mock.url.split("//")[1].split(":")[0], int(mock.url.rsplit(":", 1)[1]))) as sock:
            sock.sendall(f"GET /v1/gpu/connect/{gid}/{path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {mock.api_key}\r\n"
                         "Connection: close\r\n\r\n".encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400"), (path, head)
        err = json.loads(body)["error"]
        assert (err["type"], err["code"], err["param"]) == ("invalid_request_error", "invalid_path", "path")
        assert mock.requests()[-1]["path"] == f"/v1/gpu/connect/{gid}/{path}"


# ── Jobs ─────────────────────────────────────────────────────────────────────

def test_job_progress_rises_then_result_then_expiry(mock):
    r = mock.http.post("/v1/videos/generations", headers=mock.auth(**{"x-mock-job-ms": "800"}),
                       json={"model": "seedance-2-0-pro", "prompt": "a street", "duration": 8, "resolution": "1080p"})
    assert r.status_code == 202
    job_id = r.json()["job_id"]
    seen = []
    while True:
        j = mock.http.get(f"/v1/jobs/{job_id}", headers=mock.auth()).json()
        if j["status"] != "processing":
            break
        seen.append(j["progress"])
        time.sleep(0.1)
    assert len(seen) >= 3 and seen == sorted(seen) and 0 <= seen[0] < seen[-1] < 1
    assert j["status"] == "completed" and j["progress"] == 1.0 and j["completed_at"]
    assert j["result"]["data"][0]["url"].endswith(".mp4") or ".mp4?" in j["result"]["data"][0]["url"]
    assert j["result"]["usage"]["resolution"] == "1080p"
    listed = mock.http.get("/v1/jobs", params={"status": "completed"}, headers=mock.auth()).json()["data"]
    assert [x["job_id"] for x in listed] == [job_id]
    time.sleep(2.2)  # the session mock retains finished jobs for 2 s
    gone = mock.http.get(f"/v1/jobs/{job_id}", headers=mock.auth())
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "job_not_found"
    typo = mock.http.get("/v1/jobs/job_typo", headers=mock.auth())
    assert typo.status_code == 404 and typo.json()["error"] == {
        "message": typo.json()["error"]["message"], "type": "not_found_error", "code": "job_not_found", "param": "job_id"}


def test_failed_and_cancelled_jobs(mock):
    failing = mock.http.post("/v1/3d/generations", headers=mock.auth(**{"x-mock-job-ms": "50", "x-mock-job-outcome": "failed"}),
                             json={"model": "trellis-2-4b", "image_url": "https://example.com/p.png"}).json()
    slow = mock.http.post("/v1/research", headers=mock.auth(**{"x-mock-job-ms": "60000"}),
                          json={"model": "tavily-research", "query": "Fed sentiment"}).json()
    time.sleep(0.15)
    f = mock.http.get(f"/v1/jobs/{failing['job_id']}", headers=mock.auth()).json()
    assert f["status"] == "failed" and f["error"]["code"] == "upstream_error" and f["result"] is None
    c = mock.http.delete(f"/v1/jobs/{slow['job_id']}", headers=mock.auth()).json()
    assert c["status"] == "failed" and c["error"]["code"] == "cancelled"
    again = mock.http.delete(f"/v1/jobs/{slow['job_id']}", headers=mock.auth()).json()
    assert again == c  # cancelling a finished job is a no-op


def test_sync_image_falls_back_to_a_job_past_the_window(mock):
    r = mock.http.post("/v1/images/generations", headers=mock.auth(**{"x-mock-job-ms": "5000"}),
                       json={"model": "wan2-7-image", "prompt": "x", "sync": True})
    assert r.status_code == 200 and r.json()["status"] == "processing"
    quick = mock.http.post("/v1/images/generations", headers=mock.auth(**{"x-mock-job-ms": "10"}),
                           json={"model": "wan2-7-image", "prompt": "x", "sync": True, "aspect_ratio": "16:9"})
    assert quick.json()["data"][0]["url"]
    bad = mock.http.post("/v1/images/generations", headers=mock.auth(),
                         json={"model": "wan2-7-image", "prompt": "x", "aspect_ratio": "7:3"})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "aspect_ratio"
    assert bad.json()["error"]["message"].startswith("Aspect ratio '7:3' is not supported by this model. Allowed: 16:9")


# ── Agents, GPU Cloud, Hosted Agents ─────────────────────────────────────────

def test_agent_task_lifecycle(mock):
    h = mock.auth(**{"x-mock-job-ms": "600"})
    # x-mock-max-wait-ms: 0 answers a non-streaming run at once, with the task as it starts.
    r = mock.http.post("/v1/agents/run", headers={**h, "x-mock-max-wait-ms": "0"},
                       json={"model": "manus", "input": "Research robots", "stream": False})
    assert r.status_code == 202
    task_id = r.json()["task_id"]
    assert r.json()["status"] == "queued" and r.json()["poll_url"] == f"/v1/agents/{task_id}"
    statuses = []
    while not statuses or statuses[-1] not in {"completed", "failed", "stopped"}:
        statuses.append(mock.http.get(f"/v1/agents/{task_id}", headers=h).json()["status"])
        time.sleep(0.05)
    assert statuses[0] == "queued" and "running" in statuses and statuses[-1] == "completed"
    # A non-streaming follow-up blocks until the task has worked on it (600 ms).
    t0 = time.monotonic()
    follow = mock.http.post("/v1/agents/run", headers=h, json={"model": "manus", "input": "Add valuations", "task_id": task_id, "stream": False})
    assert time.monotonic() - t0 >= 0.55
    assert follow.status_code == 202 and follow.json()["task_id"] == task_id and follow.json()["status"] == "completed"
    assert follow.json()["output"].endswith("Follow-up: Add valuations")
    msgs = mock.http.get(f"/v1/agents/{task_id}/messages", headers=h).json()
    assert [m["content"] for m in msgs["result"]["messages"] if m["role"] == "user"] == ["Research robots", "Add valuations"]
    busy = mock.http.post("/v1/agents/run", headers={**h, "x-mock-max-wait-ms": "0"},
                          json={"model": "manus", "input": "More", "task_id": task_id, "stream": False})
    assert busy.json()["status"] == "running"
    stopped = mock.http.post(f"/v1/agents/{task_id}/stop", headers=h).json()
    assert stopped["status"] == "stopped" and stopped["usage"]["cost_usd"] > 0
    refused = mock.http.post("/v1/agents/run", headers=h, json={"model": "manus", "input": "more", "task_id": task_id})
    assert refused.status_code == 409


def test_non_streaming_run_blocks_until_the_task_ends_without_blocking_others(mock):
    h = mock.auth(**{"x-mock-job-ms": "800"})
    t0 = time.monotonic()
    r = mock.http.post("/v1/agents/run", headers=h, json={"model": "manus", "input": "Memo", "stream": False})
    elapsed = time.monotonic() - t0
    body = r.json()
    assert r.status_code == 202 and 0.75 <= elapsed < 3, elapsed
    assert body["status"] == "completed" and body["poll_url"] == f"/v1/agents/{body['task_id']}"
    assert body["output"] == "# Result\n\nCompleted: Memo" and body["usage"]["credits"] == 250 and body["artifacts"]
    failed = mock.http.post("/v1/agents/run", headers=mock.auth(**{"x-mock-job-ms": "50", "x-mock-job-outcome": "failed"}),
                            json={"model": "manus", "input": "Memo", "stream": False}).json()
    assert failed["status"] == "failed" and failed["error"]["code"] == "upstream_error"

    # max_wait_seconds (minimum 5) bounds the hold; meanwhile other requests, and a stop that
    # releases another held call, go through at once.
    long = mock.auth(**{"x-mock-job-ms": "60000"})
    started = mock.http.post("/v1/agents/run", headers={**long, "x-mock-max-wait-ms": "0"},
                             json={"model": "manus", "input": "Long", "stream": False}).json()
    results = {}

    def call(name, **kw):
        with httpx.Client(base_url=mock.url, timeout=30) as c:
            t = time.monotonic()
            results[name] = (c.post("/v1/agents/run", headers=long, **kw), time.monotonic() - t)

    waits = [
        threading.Thread(target=call, args=("max_wait",), kwargs={"json": {"model": "manus", "input": "x", "stream": False, "max_wait_seconds": 5}}),
        threading.Thread(target=call, args=("follow_up",), kwargs={"json": {"model": "manus", "input": "y", "stream": False, "task_id": started["task_id"]}}),
    ]
    for w in waits:
        w.start()
    time.sleep(0.3)
    for _ in range(10):
        t = time.monotonic()
        assert mock.http.get("/v1/models").status_code == 200 and time.monotonic() - t < 0.5
    assert "follow_up" not in results
    stop = time.monotonic()
    assert mock.http.post(f"/v1/agents/{started['task_id']}/stop", headers=long).json()["status"] == "stopped"
    waits[1].join(timeout=5)
    resp, _ = results["follow_up"]
    assert resp.status_code == 202 and resp.json()["status"] == "stopped" and time.monotonic() - stop < 1
    waits[0].join(timeout=10)
    resp, took = results["max_wait"]
    assert resp.status_code == 202 and resp.json()["status"] == "queued" and 4.9 <= took < 7, took
    too_short = mock.http.post("/v1/agents/run", headers=h, json={"model": "manus", "input": "x", "stream": False, "max_wait_seconds": 1})
    assert too_short.status_code == 400 and too_short.json()["error"]["param"] == "max_wait_seconds"


def test_agent_run_streams_until_completed(mock):
    r = mock.http.post("/v1/agents/run", headers=mock.auth(), json={"model": "manus", "input": "Memo"})
    events = [json.loads(l[6:]) for l in r.text.split("\n\n") if l.startswith("data: {")]
    assert events[0]["type"] == "task.created" and events[-1]["type"] == "task.completed"
    task_id = events[0]["task_id"]
    assert mock.http.get(f"/v1/agents/{task_id}", headers=mock.auth()).json()["status"] == "completed"


def test_gpu_instance_lifecycle_and_connect(mock):
    h = mock.auth(**{"x-mock-job-ms": "300"})
    inst = mock.http.post("/v1/gpu/instances", headers=h, json={"gpu_slug": "rtx-4090", "mode": "model", "hf_id": "Qwen/Qwen2.5-7B-Instruct"}).json()["instance"]
    assert inst["status"] == "provisioning"
    gid = inst["id"]
    early = mock.http.post(f"/v1/gpu/connect/{gid}/v1/chat/completions", headers=h, json={"messages": [{"role": "user", "content": "hi"}]})
    assert early.status_code == 502
    time.sleep(0.35)
    assert mock.http.get(f"/v1/gpu/instances/{gid}", headers=h).json()["instance"]["status"] == "running"
    chat = mock.http.post(f"/v1/gpu/connect/{gid}/v1/chat/completions", headers=h, json={"model": "x", "messages": [{"role": "user", "content": "hi"}]})
    assert chat.json()["model"] == "Qwen/Qwen2.5-7B-Instruct"
    echo = mock.http.put(f"/v1/gpu/connect/{gid}/api/kernels?x=1", headers=h, json={"a": 1}).json()
    assert echo == {"instance_id": gid, "method": "PUT", "path": "/api/kernels", "query": "x=1", "body": {"a": 1}}
    assert mock.http.post(f"/v1/gpu/instances/{gid}/stop", headers=h).json()["instance"]["status"] == "stopped"
    assert mock.http.post(f"/v1/gpu/instances/{gid}/explode", headers=h).status_code == 400
    assert mock.http.delete(f"/v1/gpu/instances/{gid}", headers=h).json()["instance"]["status"] == "destroyed"
    assert mock.http.get(f"/v1/gpu/instances/{gid}", headers=h).status_code == 404
    assert mock.http.post("/v1/gpu/instances", headers=h, json={"gpu_slug": "b200"}).status_code in (409, 422)
    assert mock.http.post("/v1/gpu/instances", headers=h, json={"gpu_slug": "rtx-4090", "hf_id": "x", "disk_gb": 50}).status_code == 422


def test_hosted_agents_keep_state_and_enforce_the_limit(mock):
    h = mock.auth(**{"x-mock-job-ms": "50"})
    ids = []
    for i in range(3):
        r = mock.http.post("/v1/hosted-agents/instances", headers=h, json={"agent_type": "openclaw", "name": f"a{i}"})
        assert r.status_code == 201
        ids.append(r.json()["instance"]["id"])
    over = mock.http.post("/v1/hosted-agents/instances", headers=h, json={"agent_type": "hermes"})
    assert over.status_code == 403
    a = ids[0]
    time.sleep(0.1)
    base = f"/v1/hosted-agents/instances/{a}"
    assert mock.http.patch(base, headers=h, json={"name": "Prod"}).json()["instance"]["name"] == "Prod"
    assert "replies" in mock.http.post(f"{base}/message", headers=h, json={"messages": [{"role": "user", "content": "ping"}]}).json()["content"]
    assert mock.http.post(f"{base}/integrations", headers=h, json={"kind": "telegram", "secret": "s3cret"}).status_code == 201
    listed = mock.http.get(f"{base}/integrations", headers=h).json()["integrations"]
    assert listed[0]["kind"] == "telegram" and "s3cret" not in json.dumps(listed)
    beh = mock.http.post(f"{base}/integrations/telegram/behavior", headers=h, json={"behavior": {"streaming": True}}).json()
    assert beh["channel_behavior"]["streaming"] is True and beh["channel_behavior"]["typing"] is True
    assert mock.http.post(f"{base}/skills", headers=h, json={"slug": "clawhub:web-search"}).json()["installed"] == ["clawhub:web-search"]
    assert mock.http.delete(f"{base}/skills", params={"slug": "clawhub:web-search"}, headers=h).json()["installed"] == []
    assert mock.http.post(f"{base}/mcp", headers=h, json={"name": "docs", "url": "https://mcp.example.com", "header_value": "tok"}).status_code == 200
    servers = mock.http.get(f"{base}/mcp", headers=h).json()["servers"]
    assert servers[0]["name"] == "docs" and "tok" not in json.dumps(servers)
    assert mock.http.delete(f"{base}/mcp", params={"name": "docs"}, headers=h).json()["servers"] == []
    assert mock.http.delete(f"{base}/integrations/telegram", headers=h).json()["connected"] is False
    assert mock.http.post(f"{base}/stop", headers=h).json()["instance"]["status"] == "stopped"
    assert mock.http.post(f"{base}/message", headers=h, json={"messages": [{"role": "user", "content": "x"}]}).status_code == 409
    assert mock.http.delete(base, headers=h).status_code == 200
    assert len(mock.http.get("/v1/hosted-agents/instances", headers=h).json()["instances"]) == 2


# ── Pagination ───────────────────────────────────────────────────────────────

@pytest.mark.parametrize("path,limit,total", [("/v1/account/usage", 100, 250), ("/v1/playground/conversations", 50, 120)])
def test_cursor_pagination_walks_every_item_once(mock, path, limit, total):
    ids, pages, params = [], 0, {"limit": limit}
    while True:
        page = mock.http.get(path, params=params, headers=mock.auth()).json()
        pages += 1
        ids += [x["id"] for x in page["data"]]
        if not page["has_more"]:
            assert page["next_cursor"] is None
            break
        params = {"limit": limit, "before": page["next_cursor"]}
    assert pages == 3 and len(ids) == total and len(set(ids)) == total


def test_usage_filters_and_bad_cursor(mock):
    page = mock.http.get("/v1/account/usage", params={"source": "gpu_cloud", "limit": 200}, headers=mock.auth()).json()
    assert page["data"] and {e["source"] for e in page["data"]} == {"gpu_cloud"}
    assert page["spend"]["gpu_cloud"] > 0 and page["summary"]["requests"] == len(page["data"])
    bad = mock.http.get("/v1/account/usage", params={"before": "yesterday"}, headers=mock.auth())
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "before"
    assert mock.http.get("/v1/account/usage", params={"limit": 500}, headers=mock.auth()).json()["error"]["param"] == "limit"


# ── Regressions ──────────────────────────────────────────────────────────────

def test_completions_honour_n(mock):
    r = mock.http.post("/v1/completions", headers=mock.auth(), json={"model": "qwen3-5-9b", "prompt": "x", "n": 3})
    assert [c["index"] for c in r.json()["choices"]] == [0, 1, 2]


def test_mock_control_errors_on_messages_use_the_anthropic_envelope(mock):
    body = {"model": "deepseek-v4-pro", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
    for headers in ({"x-mock-delay-ms": "soon"}, {"x-mock-fault": "stream_cut"}):
        r = mock.http.post("/v1/messages", headers=mock.auth(**headers), json=body)
        assert r.status_code == 400 and r.json()["type"] == "error", r.text
        assert r.json()["error"]["type"] == "invalid_request_error"


def test_integration_secret_is_optional_as_in_the_spec(mock):
    h = mock.auth(**{"x-mock-job-ms": "0"})
    a = mock.http.post("/v1/hosted-agents/instances", headers=h, json={"agent_type": "openclaw"}).json()["instance"]["id"]
    r = mock.http.post(f"/v1/hosted-agents/instances/{a}/integrations", headers=h, json={"kind": "slack"})
    assert r.status_code == 201 and r.json()["integration"]["kind"] == "slack"
