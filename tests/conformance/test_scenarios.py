"""Runs every shared scenario of tests/scenarios/ against the mock gateway with raw httpx, and
checks that the scenario files are well formed and cover the whole API and every mock fault."""

from __future__ import annotations

import re

import httpx
import pytest

from mock_process import spec_operations
from scenario_runner import (
    ERROR_KINDS, NON_IDEMPOTENT, SCENARIO_DIR, STREAM_FLAVOR, STREAM_REASONS, Runner, SseEvent, StreamFailure,
    build_path, check_local_refusal, check_outcome, check_request_log, classify, is_retryable, load_scenarios, match,
    operation_table, retry_delay, sse_events, substitute,
)

SCENARIOS = load_scenarios()
ALL = [s for _, s in SCENARIOS]
SUCCESS = {"json", "stream", "job", "text"}


@pytest.mark.parametrize("sc", ALL, ids=[s["id"] for s in ALL])
def test_scenario(mock, spec, sc):
    runner = Runner(mock.api_key, operation_table(spec), base_url=mock.url)
    # A fresh client per scenario: a fault that breaks a connection must not leak into the next.
    with httpx.Client(base_url=mock.url) as http:
        runner.setup(http, sc.get("setup", []))
        baseline = max((e["seq"] for e in mock.requests()), default=0)
        out = runner.run(http, sc)
    own = lambda: [e for e in mock.requests() if e["seq"] > baseline]  # noqa: E731
    resolved = substitute({k: v for k, v in sc.items() if k != "setup"}, runner.vars)
    if out.local:
        problems = check_local_refusal(resolved, out, own())
    else:
        problems = check_outcome(resolved, out) + check_request_log(resolved, out, own(), own)
    assert not problems, "\n".join(problems)


# ── Coverage ─────────────────────────────────────────────────────────────────

def test_every_operation_has_a_success_scenario(spec):
    ops = {op for op, _, _ in spec_operations(spec)}
    assert len(ops) == 66
    covered = {s["operation"] for s in ALL if s["expect"]["outcome"] in SUCCESS}
    assert ops - covered == set(), f"operations without a success scenario: {sorted(ops - covered)}"


def test_every_streaming_operation_has_a_stream_scenario():
    streamed = {s["operation"] for s in ALL if s["expect"]["outcome"] == "stream"}
    assert set(STREAM_FLAVOR) - streamed == set()


def test_every_mock_fault_has_a_scenario(mock):
    names = [f["name"] for f in mock.http.get("/__mock/faults").json()["data"]]
    used = {s.get("mock", {}).get("headers", {}).get("x-mock-fault") for s in ALL}
    for name in names:
        pattern = re.escape(name).replace(re.escape("<code>"), r"\d{3}")
        assert any(u and re.fullmatch(pattern, u) for u in used), f"no scenario uses the fault {name}"


def test_every_error_kind_and_stream_reason_is_exercised():
    errors = [s["expect"]["error"] for s in ALL if s["expect"]["outcome"] == "error"]
    assert ERROR_KINDS - {e["kind"] for e in errors} == set()
    assert STREAM_REASONS - {e.get("reason") for e in errors} == set()


def test_required_error_cases_are_covered():
    def some(pred):
        return any(pred(s, s["expect"].get("error", {})) for s in ALL)

    assert some(lambda s, e: e.get("code") == "missing_required_parameter" and e.get("param") and e["status"] == 400)
    assert some(lambda s, e: e.get("code") == "invalid_type" and e.get("param") and e["status"] == 400)
    assert some(lambda s, e: e.get("code") == "model_not_found" and e["status"] == 404 and s["operation"] != "retrieveModel")
    assert some(lambda s, e: e.get("kind") == "authentication" and s.get("client", {}).get("api_key", "") is None)
    assert some(lambda s, e: e.get("kind") == "authentication" and isinstance(s.get("client", {}).get("api_key"), str))
    assert some(lambda s, e: s["operation"] == "createMessage" and e.get("kind") == "authentication"
                and e.get("envelope") == "anthropic")
    assert some(lambda s, e: e.get("kind") == "job_failed"
                and s.get("mock", {}).get("headers", {}).get("x-mock-job-outcome") == "failed")
    assert some(lambda s, e: e.get("kind") == "job_expired" and s.get("consume", {}).get("wait_delay_ms", 0) > 2000)
    for op in ("retrieveAccountUsage", "listPlaygroundConversations"):
        assert any(s["operation"] == op and s.get("paginate", {}).get("expect_pages", 0) >= 3 for s in ALL), op


# ── Well-formedness ──────────────────────────────────────────────────────────

KEYS = {
    "scenario": {"id", "operation", "description", "may_fail_locally", "setup", "method", "path_params", "query", "body",
                 "multipart", "mock", "client", "consume", "paginate", "expect_request", "expect"},
    "setup": {"operation", "method", "path_params", "query", "body", "mock", "save", "wait_ms", "expect_status"},
    "client": {"max_retries", "timeout_ms", "stream_idle_timeout_ms", "api_key", "auth_header"},
    "consume": {"close_after_events", "wait_delay_ms", "wait_timeout_ms"},
    "paginate": {"cursor_param", "cursor_field", "has_more_field", "items_field", "id_field", "limit", "expect_pages",
                 "expect_items"},
    "expect_request": {"method", "path", "query", "headers", "body_subset", "body_absent", "multipart", "auth", "stream"},
    "expect": {"outcome", "status", "attempts", "min_elapsed_ms", "json_subset", "stream", "job", "text", "text_contains",
               "content_type", "error"},
    "stream": {"flavor", "terminated", "closed_early", "min_events", "events", "text", "audio_bytes", "event_types",
               "events_include"},
    "job": {"final_status", "accepted_subset"},
    "error": {"kind", "status", "type", "code", "param", "reason", "envelope", "events_before"},
}


def _path_regex(template: str) -> str:
    parts = re.split(r"(\{[^}]+\})", template)
    return "".join(".+" if p == "{path}" else "[^/]+" if p.startswith("{") else re.escape(p) for p in parts)


def test_scenario_ids_are_unique():
    ids = [s["id"] for s in ALL]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("sc", ALL, ids=[s["id"] for s in ALL])
def test_scenario_is_well_formed(spec, sc):
    table = operation_table(spec)
    assert set(sc) <= KEYS["scenario"] and {"id", "operation", "description", "expect_request", "expect"} <= set(sc)
    assert sc["operation"] in table
    for step in sc.get("setup", []):
        assert set(step) <= KEYS["setup"] and step["operation"] in table
        assert all(k.startswith("x-mock-") for k in step.get("mock", {}).get("headers", {}))
    for block in ("client", "consume", "paginate"):
        assert set(sc.get(block, {})) <= KEYS[block], block
    assert set(sc.get("mock", {})) <= {"headers"}
    assert all(k.startswith("x-mock-") for k in sc.get("mock", {}).get("headers", {}))
    assert "body" not in sc or "multipart" not in sc
    method, template = table[sc["operation"]]
    req, exp = sc["expect_request"], sc["expect"]
    assert set(req) <= KEYS["expect_request"] and req["method"] == sc.get("method", method)
    assert re.fullmatch(_path_regex(template), req["path"]), f"{req['path']} does not fit {template}"
    assert req.get("auth", "bearer") in {"bearer", "x-api-key", "invalid", "none"}
    assert set(exp) <= KEYS["expect"] and exp["outcome"] in SUCCESS | {"error"}
    assert set(exp.get("stream", {})) <= KEYS["stream"] and set(exp.get("job", {})) <= KEYS["job"]
    if exp["outcome"] == "stream":
        assert exp["stream"]["flavor"] == STREAM_FLAVOR[sc["operation"]]
    if exp["outcome"] == "error":
        e = exp["error"]
        assert set(e) <= KEYS["error"] and e["kind"] in ERROR_KINDS
        assert (e["kind"] == "stream") == ("reason" in e) and e.get("reason", "error_event") in STREAM_REASONS
    local = sc.get("may_fail_locally")
    assert local in (None, True, "config")
    if local is True:
        e = exp["error"]
        assert exp["outcome"] == "error" and e["kind"] == "bad_request" and (e.get("param") or e.get("envelope") == "anthropic")
    if local == "config":
        assert exp["outcome"] == "error" and exp["error"]["kind"] == "authentication" and sc["client"]["api_key"] is None


# ── The runner's own rules ───────────────────────────────────────────────────

def test_matcher_rejects_what_it_should():
    assert match({"a": 1}, {"a": 1, "b": 2}) == []
    assert match({"a": 1}, {"a": 2}) and match({"a": 1}, {}) and match([1], [1, 2]) and match(1, True)
    assert match({"a": {"$absent": True}}, {"a": None})
    assert match({"$type": "integer"}, 1.5) and match({"$type": "number"}, False)
    assert match({"$prefix": "job_"}, "task_1") and match({"$len": 2}, [1]) and match({"$gte": 1}, 0)
    assert match({"$each": {"x": 1}}, [{"x": 1}, {"x": 2}]) and match({"$some": 3}, [1, 2])
    assert match({"$some": 2, "$len": 2}, [1, 2]) == []


def test_sse_decoder():
    chunks = [b": keep-alive\r\n\r\nevent: x\r", b"\ndata: a\ndata: b\r\rdata: {\"n\":1}\n\n", b"data: unfinished"]
    assert list(sse_events(chunks)) == [SseEvent("x", "a\nb"), SseEvent(None, '{"n":1}')]
    with pytest.raises(StreamFailure) as big:
        list(sse_events([b"data: " + b"x" * (9 * 1024 * 1024)]))
    assert big.value.reason == "oversized_event"
    # At the end of the body: a pending event whose lines all arrived is yielded as incomplete;
    # a trailing line without its line ending is not.
    assert list(sse_events([b"data: {}\n\ndata: [DONE]\n"])) == [SseEvent(None, "{}"), SseEvent(None, "[DONE]", False)]
    assert list(sse_events([b"event: x\rdata: 1\r"])) == [SseEvent("x", "1", False)]
    assert list(sse_events([b"data: 1\n\ndata: [DONE]"])) == [SseEvent(None, "1")]
    assert classify("openai", SseEvent(None, "[DONE]"))[0] == "done"
    assert classify("openai", SseEvent(None, '{"error": {"code": "x"}}'))[0] == "error"
    assert classify("anthropic", SseEvent("message_stop", '{"type": "message_stop"}'))[0] == "last"
    assert classify("typed", SseEvent(None, '{"type": "audio.error"}'))[0] == "error"
    with pytest.raises(StreamFailure):
        classify("responses", SseEvent(None, "{broken"))


def test_retry_policy():
    assert is_retryable("listJobs", "GET", status=500) and is_retryable("listJobs", "GET", status=408)
    assert not is_retryable("listJobs", "GET", status=402) and not is_retryable("listJobs", "GET", status=404)
    assert is_retryable("createChatCompletion", "POST", status=429) and is_retryable("createChatCompletion", "POST", status=503)
    assert not is_retryable("createChatCompletion", "POST", status=500)
    assert not is_retryable("createChatCompletion", "POST", status=408)
    assert not is_retryable("createChatCompletion", "POST", sent=True) and is_retryable("createChatCompletion", "POST", sent=False)
    assert is_retryable("stopAgentTask", "POST", sent=True)
    assert not is_retryable("connectGpuInstance", "POST", status=502) and is_retryable("connectGpuInstance", "GET", status=502)
    # An HTML 503 (no envelope, no Retry-After) may come from an intermediary after the work was
    # accepted: billable calls do not retry it, idempotent ones do.
    assert not is_retryable("createChatCompletion", "POST", status=503, from_gateway=False)
    assert is_retryable("listJobs", "GET", status=503, from_gateway=False)
    assert not is_retryable("listJobs", "GET", status=307)


def _resp(**headers) -> httpx.Response:
    return httpx.Response(429, headers=headers)


def test_retry_header_values():
    backoff = retry_delay(None, 1)
    assert retry_delay(_resp(**{"retry-after": "2"}), 1) == 2 and retry_delay(_resp(**{"retry-after-ms": "250"}), 1) == 0.25
    # Over 60 s (also as a number in exponent form, or infinity): the error surfaces.
    for v in ("61", "1e20", "inf", "Infinity"):
        assert retry_delay(_resp(**{"retry-after": v}), 1) is None, v
    assert retry_delay(_resp(**{"retry-after-ms": "1e20"}), 1) is None
    # Unusable values are ignored: the backoff applies.
    for v in ("-5", "NaN", "", "soon", "-inf"):
        assert retry_delay(_resp(**{"retry-after": v}), 1) == backoff, v
        assert retry_delay(_resp(**{"retry-after-ms": v}), 1) == backoff, v
    # An unusable retry-after-ms leaves Retry-After in charge.
    assert retry_delay(_resp(**{"retry-after-ms": "soon", "retry-after": "1"}), 1) == 1


def test_connect_sub_path_keeps_escapes_and_refuses_dot_segments():
    t = "/v1/gpu/connect/{instance_id}/{path}"
    assert build_path(t, {"instance_id": "g 1", "path": "v1/files/a%20b.txt"}) == "/v1/gpu/connect/g%201/v1/files/a%20b.txt"
    assert build_path(t, {"instance_id": "g", "path": "a b/100%/x"}) == "/v1/gpu/connect/g/a%20b/100%25/x"
    for bad in ("v1/../../account/usage", "./x", "v1/%2E%2e/x", "a/.%2e"):
        with pytest.raises(Exception) as e:
            build_path(t, {"instance_id": "g", "path": bad})
        assert e.value.kind == "bad_request" and e.value.param == "path" and e.value.local


def test_non_idempotent_operations_exist(spec):
    assert NON_IDEMPOTENT - set(operation_table(spec)) == set()


def test_readme_states_the_same_non_idempotent_operations():
    readme = (SCENARIO_DIR / "README.md").read_text()
    bullet = readme.split("**Non-idempotent calls**", 1)[1].split("\n- ", 1)[0]
    named = set(re.findall(r"`([A-Za-z0-9]+)`", bullet)) - {"connectGpuInstance"}
    assert named == NON_IDEMPOTENT
