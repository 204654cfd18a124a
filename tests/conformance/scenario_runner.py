"""Reference runner for the shared scenario files in tests/scenarios/.

It plays a compliant SDK with raw httpx: resolves each operation from openapi.yaml, follows the
retry policy of tests/scenarios/README.md, waits on jobs, parses SSE streams strictly, and
reports what happened as an `Outcome`; `check_outcome` compares it with the scenario's `expect`
and `check_request_log` compares the mock's request log with its `expect_request`."""

from __future__ import annotations

import base64
import email.utils
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"

DEFAULT_MAX_RETRIES = 2
DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_JOB_TIMEOUT_MS = 10_000
JOB_POLL_MS = 100
# The runner backs off briefly when the gateway gives no Retry-After; scenarios assert attempt
# counts, not backoff lengths (except `min_elapsed_ms`, which only Retry-After drives).
BACKOFF_MS = 20
RETRY_AFTER_CAP_S = 60
# Same-origin redirects followed per attempt before the 3xx surfaces as an error.
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_EVENT_BYTES = 8 * 1024 * 1024
ANTHROPIC_VERSION = "2023-06-01"

# POSTs that start billable work or are not safe to repeat: only 429, 503 and connection
# failures before the request was sent are retried. Everything else is idempotent.
NON_IDEMPOTENT = frozenset({
    "createChatCompletion", "createCompletion", "createResponse", "createMessage", "createEmbeddings",
    "createReranks", "createImage", "createVideo", "create3DGeneration", "createSpeech", "createSpeechStream",
    "createAudioGeneration", "createTranscription", "createSearch", "createResearch", "createAnswer", "runAgent",
    "analyzeImage", "createDetection", "deployGpuInstance", "createHostedAgentInstance",
    "messageHostedAgentInstance", "addHostedAgentMcp",
})

# The wire convention of each streaming operation.
STREAM_FLAVOR = {
    "createChatCompletion": "openai", "createCompletion": "openai", "connectGpuInstance": "openai",
    "createMessage": "anthropic", "createResponse": "responses",
    "createSpeechStream": "typed", "createAnswer": "typed", "runAgent": "typed",
}

STATUS_KIND = {400: "bad_request", 401: "authentication", 402: "insufficient_credits", 403: "permission_denied",
               404: "not_found", 409: "conflict", 422: "unprocessable", 429: "rate_limit"}

ERROR_KINDS = {*STATUS_KIND.values(), "internal_server", "api_error", "connection", "timeout", "stream", "decode",
               "job_failed", "job_expired"}
STREAM_REASONS = {"error_event", "missing_terminator", "interrupted", "malformed_event", "oversized_event"}


def kind_for_status(status: int) -> str:
    if status >= 500:
        return "internal_server"
    return STATUS_KIND.get(status, "api_error")


def is_retryable(op: str, method: str, *, status: int | None = None, sent: bool = True, from_gateway: bool = True) -> bool:
    """The retry policy: `status` for an HTTP error, else a connection failure or timeout.
    `from_gateway`: the error response carried the gateway's JSON error envelope or a
    Retry-After / retry-after-ms header. A non-idempotent call retries a 503 only then: an HTML
    503 may come from an intermediary after the gateway accepted the work."""
    non_idempotent = op in NON_IDEMPOTENT or (op == "connectGpuInstance" and method in {"POST", "PATCH"})
    if status is not None:
        if status == 402 or status in REDIRECT_STATUSES:
            return False
        if non_idempotent:
            return status == 429 or (status == 503 and from_gateway)
        return status in (408, 429) or status >= 500
    return not sent or not non_idempotent


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    """Scheme, host and port (default ports filled in) are equal."""
    default = {"http": 80, "https": 443}
    return (a.scheme, a.host.lower(), a.port or default.get(a.scheme)) == (
        b.scheme, b.host.lower(), b.port or default.get(b.scheme))


# ── Loading ──────────────────────────────────────────────────────────────────

def load_scenarios(directory: Path = SCENARIO_DIR) -> list[tuple[str, dict]]:
    """(file name, scenario) for every scenario of every file, in file order."""
    out = []
    for path in sorted(directory.glob("*.json")):
        doc = json.loads(path.read_text())
        assert set(doc) == {"scenarios"}, f"{path.name}: the top level holds only `scenarios`"
        out.extend((path.name, s) for s in doc["scenarios"])
    return out


def operation_table(spec: dict) -> dict[str, tuple[str, str]]:
    """operationId → (METHOD, path template)."""
    table = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                table[op["operationId"]] = (method.upper(), path)
    return table


# ── Placeholders ─────────────────────────────────────────────────────────────

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(value, variables: dict):
    """Replaces `${name}` in every string; a string that is exactly one placeholder takes the
    variable's own JSON type."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            return variables[whole.group(1)]
        return PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), value)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


def json_pointer(doc, pointer: str):
    if pointer == "":
        return doc
    for token in pointer.lstrip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        doc = doc[int(token)] if isinstance(doc, list) else doc[token]
    return doc


PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def quote_sub_path(value: str) -> str:
    """connectGpuInstance's `path`: inserted with its `/`s and its percent-escapes as given
    (`%20` stays `%20`, never `%2520`); every other character outside the unreserved set is
    percent-encoded."""
    out, at = [], 0
    for m in PERCENT_ESCAPE.finditer(value):
        out += [quote(value[at:m.start()], safe="/"), m.group(0)]
        at = m.end()
    out.append(quote(value[at:], safe="/"))
    return "".join(out)


def is_dot_segment(segment: str) -> bool:
    """`.` or `..`, also spelled with `%2e` (URL parsers resolve those too)."""
    return segment.lower().replace("%2e", ".") in (".", "..")


def build_path(template: str, params: dict) -> str:
    def fill(m):
        name = m.group(1)
        value = str(params[name])
        if name != "path":
            return quote(value, safe="")
        # connectGpuInstance's `path` is a sub-path on the instance, not one segment. A dot
        # segment would be resolved away by the URL parser and climb out of the instance.
        if any(is_dot_segment(seg) for seg in value.split("/")):
            err = CallError("bad_request", f"the service path {value!r} has a `.` or `..` segment")
            err.param, err.local, err.attempts = "path", True, 0
            raise err
        return quote_sub_path(value)
    path = re.sub(r"\{([^}]+)\}", fill, template)
    assert "{" not in path, f"unfilled path parameter in {path}"
    return path


def file_bytes(size: int) -> bytes:
    """The documented upload pattern: byte i is i mod 251."""
    return bytes(i % 251 for i in range(size))


def encode_multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """multipart/form-data: text fields first (a list repeats the field), then files."""
    boundary = "empirio-scenario-7f3a9c"
    out = bytearray()
    for name, value in fields.items():
        for v in value if isinstance(value, list) else [value]:
            out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{query_value(v)}\r\n'.encode()
    for name, f in files.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{f["filename"]}"\r\n'
                f'Content-Type: {f["content_type"]}\r\n\r\n').encode()
        out += file_bytes(f["size"]) + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def query_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# ── Matching ─────────────────────────────────────────────────────────────────

TYPES = {"string": str, "number": (int, float), "integer": int, "boolean": bool, "array": list, "object": dict,
         "null": type(None)}


def _is_matcher(exp) -> bool:
    return isinstance(exp, dict) and bool(exp) and all(k.startswith("$") for k in exp)


def match(exp, act, where: str = "$") -> list[str]:
    """Recursive subset match; returns the mismatches (empty when `act` satisfies `exp`)."""
    if _is_matcher(exp):
        return _match_ops(exp, act, where)
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            return [f"{where}: expected an object, got {json.dumps(act)[:120]}"]
        errs = []
        for k, v in exp.items():
            if v == {"$absent": True}:
                if k in act:
                    errs.append(f"{where}.{k}: expected absent, got {json.dumps(act[k])[:120]}")
            elif k not in act:
                errs.append(f"{where}.{k}: missing")
            else:
                errs += match(v, act[k], f"{where}.{k}")
        return errs
    if isinstance(exp, list):
        if not isinstance(act, list):
            return [f"{where}: expected an array, got {json.dumps(act)[:120]}"]
        if len(exp) != len(act):
            return [f"{where}: expected {len(exp)} items, got {len(act)}"]
        return [e for i, (x, y) in enumerate(zip(exp, act)) for e in match(x, y, f"{where}[{i}]")]
    same_kind = isinstance(exp, bool) == isinstance(act, bool)
    if same_kind and exp == act and (isinstance(exp, (int, float)) or type(exp) is type(act)):
        return []
    return [f"{where}: expected {json.dumps(exp)}, got {json.dumps(act)[:200]}"]


def _match_ops(ops: dict, act, where: str) -> list[str]:
    errs = []
    for op, arg in ops.items():
        if op == "$type":
            ok = isinstance(act, TYPES[arg]) and not (arg in ("number", "integer") and isinstance(act, bool))
            if arg == "integer" and isinstance(act, float):
                ok = act.is_integer()
            if not ok:
                errs.append(f"{where}: expected {arg}, got {json.dumps(act)[:120]}")
        elif op == "$prefix":
            if not (isinstance(act, str) and act.startswith(arg)):
                errs.append(f"{where}: expected a string starting {arg!r}, got {json.dumps(act)[:120]}")
        elif op == "$contains":
            if not (isinstance(act, str) and arg in act):
                errs.append(f"{where}: expected a string containing {arg!r}, got {json.dumps(act)[:120]}")
        elif op in ("$len", "$min_len"):
            n = len(act) if isinstance(act, (str, list, dict)) else None
            if n is None or (n != arg if op == "$len" else n < arg):
                errs.append(f"{where}: expected {op[1:]} {arg}, got {n}")
        elif op in ("$gte", "$lte"):
            num = isinstance(act, (int, float)) and not isinstance(act, bool)
            if not num or (act < arg if op == "$gte" else act > arg):
                errs.append(f"{where}: expected {op[1:]} {arg}, got {json.dumps(act)}")
        elif op == "$each":
            if not isinstance(act, list):
                errs.append(f"{where}: expected an array")
            else:
                errs += [e for i, x in enumerate(act) for e in match(arg, x, f"{where}[{i}]")]
        elif op == "$some":
            if not isinstance(act, list) or not any(not match(arg, x) for x in act):
                errs.append(f"{where}: no item matches {json.dumps(arg)[:200]}")
        else:
            raise ValueError(f"{where}: unknown matcher {op}")
    return errs


# ── SSE ──────────────────────────────────────────────────────────────────────

@dataclass
class SseEvent:
    event: str | None
    data: str
    # False for the event pending when the body ended: its lines arrived, its blank line did not.
    complete: bool = True


class StreamFailure(Exception):
    def __init__(self, reason: str, message: str, payload=None):
        super().__init__(message)
        self.reason = reason
        self.payload = payload


def sse_events(chunks):
    """Decodes an SSE byte stream into events: any line ending, comments and unknown fields
    ignored, multi-line data joined with \n. When the body ends, a trailing line without its
    line ending is dropped, and an event whose lines all arrived but whose blank line did not is
    yielded last with `complete=False` (the caller decides: only a terminator counts). Raises
    oversized_event as soon as one event passes MAX_EVENT_BYTES."""
    buf = bytearray()
    scan = 0
    name: str | None = None
    data: list[str] = []
    size = 0

    def field(line_bytes: bytes):
        """Applies one line; returns the event a blank line dispatches, else None."""
        nonlocal name, data, size
        try:
            line = line_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise StreamFailure("malformed_event", "an SSE line is not UTF-8") from None
        if line == "":
            ev = SseEvent(name, "\n".join(data)) if data else None
            name, data, size = None, [], 0
            return ev
        if line.startswith(":"):
            return None
        key, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if key == "event":
            name = value
        elif key == "data":
            data.append(value)
            size += len(value)
        return None

    for chunk in chunks:
        buf += chunk
        while True:
            hits = [i for i in (buf.find(b"\n", scan), buf.find(b"\r", scan)) if i >= 0]
            if not hits:
                scan = len(buf)
                break
            i = min(hits)
            if buf[i] == 0x0D:
                if i + 1 == len(buf):
                    scan = i  # maybe the first half of \r\n: wait for the next byte
                    break
                end = i + 2 if buf[i + 1] == 0x0A else i + 1
            else:
                end = i + 1
            line = bytes(buf[:i])
            del buf[:end]
            scan = 0
            ev = field(line)
            if ev is not None:
                yield ev
        if size + len(buf) > MAX_EVENT_BYTES:
            raise StreamFailure("oversized_event", f"an SSE event is larger than {MAX_EVENT_BYTES} bytes")
    if buf.endswith(b"\r"):
        ev = field(bytes(buf[:-1]))  # a final bare \r is a whole line ending
        if ev is not None:
            yield ev
    if data:
        yield SseEvent(name, "\n".join(data), complete=False)


def classify(flavor: str, ev: SseEvent):
    """('done' | 'error' | 'event' | 'last', payload): how a flavor reads one SSE event."""
    if ev.data == "[DONE]":
        if flavor in ("openai", "typed"):
            return "done", None
        raise StreamFailure("malformed_event", f"[DONE] is not part of the {flavor} stream format")
    try:
        payload = json.loads(ev.data)
    except ValueError:
        raise StreamFailure("malformed_event", f"event data is not JSON: {ev.data[:80]!r}") from None
    if not isinstance(payload, dict):
        raise StreamFailure("malformed_event", "event data is not a JSON object")
    kind = ev.event or payload.get("type")
    if flavor == "openai" and "error" in payload and "choices" not in payload:
        return "error", payload
    if flavor in ("anthropic", "responses") and kind in ("error", "response.failed"):
        return "error", payload
    if flavor == "typed" and isinstance(kind, str) and (kind == "error" or kind.endswith(".error")):
        return "error", payload
    if (flavor == "anthropic" and kind == "message_stop") or (
            flavor == "responses" and kind in ("response.completed", "response.incomplete")):
        return "last", payload
    return "event", payload


def event_type(ev: SseEvent, payload) -> str | None:
    if ev.event:
        return ev.event
    t = payload.get("type") if isinstance(payload, dict) else None
    return t if isinstance(t, str) else None


def event_text(flavor: str, etype: str | None, payload: dict) -> str:
    if flavor == "openai":
        choices = payload.get("choices") or []
        c = choices[0] if choices else {}
        if "delta" in c:
            return c["delta"].get("content") or ""
        return c.get("text") or ""
    if flavor == "anthropic" and etype == "content_block_delta":
        d = payload.get("delta", {})
        return d.get("text", "") if d.get("type") == "text_delta" else ""
    if flavor == "responses" and etype == "response.output_text.delta":
        return payload.get("delta", "")
    if flavor == "typed" and etype and etype.endswith(".delta") and isinstance(payload.get("delta"), str):
        return payload["delta"]
    return ""


# ── Running ──────────────────────────────────────────────────────────────────

class CallError(Exception):
    """A failed call, in the vocabulary of the README."""

    def __init__(self, kind: str, message: str, *, status=None, body=None, headers=None, reason=None,
                 events_before=None, job=None):
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.reason = reason
        self.events_before = events_before
        self.attempts = 1
        self.local = False  # refused before the network
        self.request_id = (headers or {}).get("x-request-id")
        self.envelope, self.type, self.code, self.param = None, None, None, None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            err = body["error"]
            self.envelope = "anthropic" if body.get("type") == "error" else "openai"
            self.type, self.code, self.param = err.get("type"), err.get("code"), err.get("param")
        elif body is not None:
            self.envelope = "none"
        if job is not None:
            err = job.get("error") or {}
            self.type, self.code = err.get("type"), err.get("code")

    def as_dict(self) -> dict:
        d = {"kind": self.kind, "status": self.status, "type": self.type, "code": self.code, "param": self.param,
             "reason": self.reason, "envelope": self.envelope, "events_before": self.events_before}
        return {k: v for k, v in d.items() if v is not None}


@dataclass
class Outcome:
    kind: str
    attempts: int
    elapsed_ms: float
    status: int | None = None
    json: object = None
    text: str | None = None
    content_type: str | None = None
    error: CallError | None = None
    events: list = field(default_factory=list)  # (type, payload)
    terminated: bool = False
    closed_early: bool = False
    stream_text: str = ""
    audio_bytes: int = 0
    job_id: str | None = None
    job_final_status: str | None = None
    accepted: dict | None = None
    pages: list = field(default_factory=list)
    local: bool = False  # the call was refused before the network


# A retry header's number: decimal, with optional sign, fraction and exponent, or infinity.
# `NaN` is not a number here.
RETRY_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf(?:inity)?", re.IGNORECASE)
IGNORE = object()


def _retry_seconds(raw: str, unit_s: float):
    """A retry header's wait in seconds; None: over the cap, so the error surfaces; IGNORE: a
    value that cannot be used (not a number, negative), so the SDK's own backoff applies."""
    v = raw.strip()
    if not RETRY_NUMBER.fullmatch(v):
        return IGNORE
    s = float(v) * unit_s
    if s < 0:
        return IGNORE
    return s if s <= RETRY_AFTER_CAP_S else None


def retry_delay(resp: httpx.Response | None, attempt: int) -> float | None:
    """Seconds to wait before the next attempt; None when the gateway asks for more than
    RETRY_AFTER_CAP_S. `retry-after-ms`, then `Retry-After` (seconds or an HTTP date); a value
    that cannot be used is ignored, falling back to the backoff."""
    if resp is not None:
        ms = resp.headers.get("retry-after-ms")
        if ms is not None:
            s = _retry_seconds(ms, 0.001)
            if s is not IGNORE:
                return s
        ra = resp.headers.get("retry-after")
        if ra is not None:
            s = _retry_seconds(ra, 1.0)
            if s is IGNORE:
                try:
                    when = email.utils.parsedate_to_datetime(ra)
                    s = max(when.timestamp() - time.time(), 0.0)
                    s = s if s <= RETRY_AFTER_CAP_S else None
                except (TypeError, ValueError, IndexError, OverflowError):
                    s = IGNORE
            if s is not IGNORE:
                return s
    return BACKOFF_MS / 1000 * 2 ** (attempt - 1)


class Runner:
    def __init__(self, api_key: str, ops: dict[str, tuple[str, str]], base_url: str | None = None):
        self.api_key = api_key
        self.ops = ops
        self.vars: dict = {}
        if base_url is not None:
            # Built-in placeholders: the mock's origin, for scenarios that name URLs.
            url = httpx.URL(base_url)
            self.vars.update(mock_url=str(url).rstrip("/"), mock_host=url.host, mock_port=url.port)

    # One HTTP call with the retry policy; returns the open response (2xx) and the attempt count.
    def _send(self, http: httpx.Client, op: str, method: str, url: str, *, headers: dict, params: dict, content,
              client: dict, stream_call: bool):
        max_retries = client.get("max_retries", DEFAULT_MAX_RETRIES)
        timeout_s = client.get("timeout_ms", DEFAULT_TIMEOUT_MS) / 1000
        attempt = 0  # tries under the retry policy
        sent_requests = 0  # every request sent, followed redirects included: the `attempts` count
        while True:
            attempt += 1
            req = http.build_request(method, url, headers=headers, params=params, content=content,
                                     timeout=httpx.Timeout(timeout_s))
            try:
                count = [1]
                try:
                    resp = self._send_following(http, req, timeout_s, count)
                finally:
                    sent_requests += count[0]
            except httpx.ConnectError as e:
                err, sent, resp = CallError("connection", str(e)), False, None
            except httpx.ConnectTimeout as e:
                err, sent, resp = CallError("timeout", str(e)), False, None
            except httpx.TimeoutException as e:
                err, sent, resp = CallError("timeout", str(e)), True, None
            except httpx.TransportError as e:
                err, sent, resp = CallError("connection", str(e)), True, None
            else:
                if resp.status_code < 300:
                    if stream_call and "stream_idle_timeout_ms" in client:
                        # Read timeouts apply per read; after the headers they bound the gaps.
                        resp.request.extensions["timeout"]["read"] = client["stream_idle_timeout_ms"] / 1000
                    return resp, sent_requests
                try:
                    raw = resp.read()
                finally:
                    resp.close()
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode("utf-8", "replace")
                err = CallError(kind_for_status(resp.status_code), f"HTTP {resp.status_code}",
                                status=resp.status_code, body=body, headers=resp.headers)
                from_gateway = err.envelope in ("openai", "anthropic") or any(
                    h in resp.headers for h in ("retry-after", "retry-after-ms"))
                if attempt <= max_retries and is_retryable(op, method, status=resp.status_code,
                                                           from_gateway=from_gateway):
                    delay = retry_delay(resp, attempt)
                    if delay is not None:
                        time.sleep(delay)
                        continue
                err.attempts = sent_requests
                raise err
            if attempt <= max_retries and is_retryable(op, method, sent=sent):
                time.sleep(retry_delay(None, attempt))
                continue
            err.attempts = sent_requests
            raise err

    @staticmethod
    def _send_following(http: httpx.Client, req: httpx.Request, timeout_s: float, count: list[int]) -> httpx.Response:
        """Follows 3xx answers whose Location is on the same origin (scheme, host, port), up to
        MAX_REDIRECTS, re-sending the credentials only there. 307/308 repeat the method and body;
        301/302/303 turn anything but GET/HEAD into a body-less GET. Returns the final response
        (a 3xx that was not followed is returned as is, to surface as an API error); `count[0]`
        counts the requests sent."""
        resp = http.send(req, stream=True)
        hops = 0
        while resp.status_code in REDIRECT_STATUSES and "location" in resp.headers and hops < MAX_REDIRECTS:
            target = req.url.join(resp.headers["location"])
            if not same_origin(req.url, target):
                break
            resp.close()
            method, content, headers = req.method, req.content, dict(req.headers)
            if resp.status_code in (301, 302, 303) and method not in ("GET", "HEAD"):
                method, content = "GET", None
                headers = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}
            headers.pop("host", None)
            headers.pop("content-length", None)
            req = http.build_request(method, target, headers=headers, content=content, timeout=httpx.Timeout(timeout_s))
            hops += 1
            count[0] += 1
            resp = http.send(req, stream=True)
        return resp

    def request(self, http: httpx.Client, op: str, *, method=None, path_params=None, query=None, body=None,
                multipart=None, mock_headers=None, client=None, stream_call=False):
        spec_method, template = self.ops[op]
        method = method or spec_method
        client = client or {}
        headers = {"accept": "text/event-stream" if stream_call else "application/json"}
        key = client.get("api_key", self.api_key)
        if key is not None:
            if client.get("auth_header", "authorization") == "x-api-key":
                headers["x-api-key"] = key
            else:
                headers["authorization"] = f"Bearer {key}"
        if op == "createMessage":
            headers["anthropic-version"] = ANTHROPIC_VERSION
        headers.update(mock_headers or {})
        content = None
        if multipart is not None:
            content, headers["content-type"] = encode_multipart(multipart.get("fields", {}), multipart.get("files", {}))
        elif body is not None:
            headers["content-type"] = "application/json"
            content = json.dumps(body).encode()
        params = {k: query_value(v) for k, v in (query or {}).items()}
        url = build_path(template, path_params or {})
        return self._send(http, op, method, url, headers=headers, params=params, content=content, client=client,
                          stream_call=stream_call)

    def setup(self, http: httpx.Client, steps: list[dict]):
        for step in steps:
            step = substitute(step, self.vars)
            stream_call = _streams(step["operation"], step.get("body"))
            assert not stream_call, "setup steps are plain JSON calls"
            resp, _ = self.request(http, step["operation"], method=step.get("method"),
                                   path_params=step.get("path_params"), query=step.get("query"),
                                   body=step.get("body"), mock_headers=step.get("mock", {}).get("headers"),
                                   client={"max_retries": 0})
            payload = _json_of(resp)
            want = step.get("expect_status")
            assert want is None or resp.status_code == want, f"setup {step['operation']}: HTTP {resp.status_code}"
            for name, pointer in step.get("save", {}).items():
                self.vars[name] = json_pointer(payload, pointer)
            if step.get("wait_ms"):
                time.sleep(step["wait_ms"] / 1000)

    def run(self, http: httpx.Client, sc: dict) -> Outcome:
        """The scenario's own call, after `setup` has filled the variables."""
        sc = substitute({k: v for k, v in sc.items() if k != "setup"}, self.vars)
        op = sc["operation"]
        client = sc.get("client", {})
        consume = sc.get("consume", {})
        stream_call = _streams(op, sc.get("body"))
        call = dict(method=sc.get("method"), path_params=sc.get("path_params"), query=sc.get("query"),
                    body=sc.get("body"), multipart=sc.get("multipart"),
                    mock_headers=sc.get("mock", {}).get("headers"), client=client, stream_call=stream_call)
        start = time.monotonic()
        elapsed = lambda: (time.monotonic() - start) * 1000  # noqa: E731
        if "paginate" in sc:
            return self._paginate(http, op, sc, call, start)
        try:
            resp, attempts = self.request(http, op, **call)
        except CallError as e:
            return Outcome("error", e.attempts, elapsed(), status=e.status, error=e, local=e.local)
        try:
            ctype = resp.headers.get("content-type", "")
            if ctype.startswith("text/event-stream"):
                out = self._read_stream(resp, STREAM_FLAVOR.get(op, "typed"), consume)
                out.attempts, out.elapsed_ms, out.status = attempts, elapsed(), resp.status_code
                return out
            raw = _read_body(resp, client)
        except CallError as e:
            return Outcome("error", attempts, elapsed(), status=resp.status_code, error=e)
        finally:
            resp.close()
        if not ctype.startswith("application/json"):
            return Outcome("text", attempts, elapsed(), status=resp.status_code, text=raw.decode("utf-8"),
                           content_type=ctype)
        try:
            payload = json.loads(raw)
        except ValueError as e:
            err = CallError("decode", f"2xx body is not JSON: {e}", status=resp.status_code, headers=resp.headers)
            return Outcome("error", attempts, elapsed(), status=resp.status_code, error=err)
        if isinstance(payload, dict) and "job_id" in payload and "poll_url" in payload:
            return self._wait_job(http, payload, consume, attempts, start, resp.status_code)
        return Outcome("json", attempts, elapsed(), status=resp.status_code, json=payload)

    def _read_stream(self, resp: httpx.Response, flavor: str, consume: dict) -> Outcome:
        out = Outcome("stream", 0, 0)
        limit = consume.get("close_after_events")
        try:
            for ev in sse_events(resp.iter_raw()):
                if not ev.complete:
                    # The body ended before this event's blank line: only a terminator counts
                    # (a normal end); anything else is not delivered.
                    try:
                        what, payload = classify(flavor, ev)
                    except StreamFailure:
                        break
                    if what not in ("done", "last"):
                        break
                what, payload = classify(flavor, ev)
                if what == "done":
                    out.terminated = True
                    break
                if what == "error":
                    raise StreamFailure("error_event", json.dumps(payload)[:200], payload)
                etype = event_type(ev, payload)
                out.events.append((etype, payload))
                out.stream_text += event_text(flavor, etype, payload)
                if etype == "audio.chunk":
                    out.audio_bytes += len(base64.b64decode(payload["audio_b64"]))
                if what == "last":
                    out.terminated = True
                    break
                if limit is not None and len(out.events) >= limit:
                    out.closed_early = True
                    return out
            if not out.terminated:
                raise StreamFailure("missing_terminator", "the stream ended without its terminator")
        except StreamFailure as f:
            err = CallError("stream", str(f), status=resp.status_code, headers=resp.headers, reason=f.reason,
                            events_before=len(out.events))
            if f.payload is not None:
                inner = f.payload.get("error") if isinstance(f.payload.get("error"), dict) else f.payload
                err.type, err.code = inner.get("type"), inner.get("code")
            return Outcome("error", 0, 0, error=err)
        except httpx.TimeoutException as e:
            return Outcome("error", 0, 0, error=CallError("timeout", f"stream idle: {e}", events_before=len(out.events)))
        except httpx.TransportError as e:
            err = CallError("stream", str(e), status=resp.status_code, headers=resp.headers, reason="interrupted",
                            events_before=len(out.events))
            return Outcome("error", 0, 0, error=err)
        return out

    def _wait_job(self, http, accepted: dict, consume: dict, attempts: int, start: float, status: int) -> Outcome:
        job_id = accepted["job_id"]
        time.sleep(consume.get("wait_delay_ms", 0) / 1000)
        deadline = time.monotonic() + consume.get("wait_timeout_ms", DEFAULT_JOB_TIMEOUT_MS) / 1000
        elapsed = lambda: (time.monotonic() - start) * 1000  # noqa: E731
        while True:
            try:
                resp, _ = self.request(http, "retrieveJob", path_params={"job_id": job_id})
            except CallError as e:
                if e.status == 404:
                    expired = CallError("job_expired", f"job {job_id} is gone: its retention passed", status=404)
                    expired.request_id = e.request_id
                    e = expired
                return Outcome("error", attempts, elapsed(), status=status, error=e, job_id=job_id, accepted=accepted)
            job = _json_of(resp)
            if job["status"] == "completed":
                return Outcome("job", attempts, elapsed(), status=status, json=job["result"], job_id=job_id,
                               job_final_status="completed", accepted=accepted)
            if job["status"] == "failed":
                err = CallError("job_failed", (job.get("error") or {}).get("message", "job failed"), job=job)
                return Outcome("error", attempts, elapsed(), status=status, error=err, job_id=job_id,
                               job_final_status="failed", accepted=accepted)
            if time.monotonic() > deadline:
                err = CallError("timeout", f"job {job_id} still {job['status']} at the wait deadline")
                return Outcome("error", attempts, elapsed(), status=status, error=err, job_id=job_id, accepted=accepted)
            time.sleep(JOB_POLL_MS / 1000)

    def _paginate(self, http, op, sc, call, start) -> Outcome:
        p = sc["paginate"]
        query = dict(call.pop("query") or {})
        query["limit"] = p["limit"]
        pages, attempts = [], 0
        while True:
            resp, n = self.request(http, op, query=query, **call)
            attempts += n
            page = _json_of(resp)
            pages.append(page)
            if not page[p.get("has_more_field", "has_more")]:
                break
            assert len(pages) < 100, "pagination does not end"
            query[p.get("cursor_param", "before")] = page[p.get("cursor_field", "next_cursor")]
        out = Outcome("json", attempts, (time.monotonic() - start) * 1000, status=resp.status_code, json=pages[-1])
        out.pages = pages
        return out


def _streams(op: str, body) -> bool:
    """Whether a call asks for SSE: the stream-only operation, `stream: true`, or runAgent, which
    streams unless told `stream: false`."""
    body = body if isinstance(body, dict) else {}
    if op == "createSpeechStream":
        return True
    if op == "runAgent":
        return body.get("stream", True) is not False
    return body.get("stream") is True


def _json_of(resp: httpx.Response):
    try:
        return json.loads(resp.read())
    finally:
        resp.close()


def _read_body(resp: httpx.Response, client: dict) -> bytes:
    budget = client.get("timeout_ms", DEFAULT_TIMEOUT_MS) / 1000
    start = time.monotonic()
    chunks = []
    try:
        for chunk in resp.iter_raw():
            chunks.append(chunk)
            if time.monotonic() - start > budget:
                raise CallError("timeout", "the response body did not arrive within timeout_ms")
    except httpx.TimeoutException as e:
        raise CallError("timeout", str(e)) from None
    except httpx.TransportError as e:
        raise CallError("connection", f"the body broke off: {e}") from None
    return b"".join(chunks)


# ── Checking ─────────────────────────────────────────────────────────────────

def _subsequence(want: list, have: list) -> bool:
    it = iter(have)
    return all(any(w == h for h in it) for w in want)


def check_outcome(sc: dict, out: Outcome) -> list[str]:
    """Mismatches between what happened and the scenario's `expect`."""
    exp = sc["expect"]
    what = out.error.as_dict() if out.error else {"status": out.status}
    if out.kind != exp["outcome"]:
        return [f"outcome: expected {exp['outcome']}, got {out.kind} {what}"]
    errs = []
    if "status" in exp and out.status != exp["status"]:
        errs.append(f"status: expected {exp['status']}, got {out.status}")
    want_attempts = exp.get("attempts", sc["paginate"]["expect_pages"] if "paginate" in sc else 1)
    if out.attempts != want_attempts:
        errs.append(f"attempts: expected {want_attempts}, got {out.attempts}")
    if "min_elapsed_ms" in exp and out.elapsed_ms < exp["min_elapsed_ms"]:
        errs.append(f"elapsed: expected at least {exp['min_elapsed_ms']} ms, got {out.elapsed_ms:.0f} ms")
    if out.kind in ("json", "job") and "json_subset" in exp:
        errs += match(exp["json_subset"], out.json)
    if out.kind == "job":
        job = exp.get("job", {})
        if job.get("final_status", "completed") != out.job_final_status:
            errs.append(f"job: expected {job.get('final_status')}, got {out.job_final_status}")
        if "accepted_subset" in job:
            errs += match(job["accepted_subset"], out.accepted, "$accepted")
    if out.kind == "text":
        if "content_type" in exp and not out.content_type.startswith(exp["content_type"]):
            errs.append(f"content_type: expected {exp['content_type']}, got {out.content_type}")
        if "text" in exp and out.text != exp["text"]:
            errs.append(f"text: expected {exp['text']!r}, got {out.text!r}")
        for piece in exp.get("text_contains", []):
            if piece not in out.text:
                errs.append(f"text: {piece!r} not in {out.text[:200]!r}")
    if out.kind == "stream":
        st = exp.get("stream", {})
        flavor = STREAM_FLAVOR.get(sc["operation"])
        if "flavor" in st and st["flavor"] != flavor:
            errs.append(f"stream.flavor: the operation streams {flavor}, the scenario says {st['flavor']}")
        if st.get("closed_early", False) != out.closed_early:
            errs.append(f"stream.closed_early: expected {st.get('closed_early', False)}")
        want_terminated = st.get("terminated", not st.get("closed_early", False))
        if want_terminated != out.terminated:
            errs.append(f"stream.terminated: expected {want_terminated}, got {out.terminated}")
        if len(out.events) < st.get("min_events", 1):
            errs.append(f"stream.min_events: expected at least {st.get('min_events', 1)}, got {len(out.events)}")
        if "events" in st and len(out.events) != st["events"]:
            errs.append(f"stream.events: expected {st['events']}, got {len(out.events)}")
        if "text" in st and out.stream_text != st["text"]:
            errs.append(f"stream.text: expected {st['text']!r}, got {out.stream_text!r}")
        if "audio_bytes" in st and out.audio_bytes != st["audio_bytes"]:
            errs.append(f"stream.audio_bytes: expected {st['audio_bytes']}, got {out.audio_bytes}")
        types = [t for t, _ in out.events]
        if "event_types" in st and not _subsequence(st["event_types"], types):
            errs.append(f"stream.event_types: {st['event_types']} is not a subsequence of {types[:40]}")
        for want in st.get("events_include", []):
            if not any(not match(want, p) for _, p in out.events):
                errs.append(f"stream.events_include: no event matches {json.dumps(want)[:200]}")
    if out.kind == "error":
        e = exp["error"]
        got = out.error.as_dict()
        for k, v in e.items():
            if got.get(k) != v:
                errs.append(f"error.{k}: expected {v!r}, got {got.get(k)!r} ({got})")
        if out.error.status is not None and not out.error.request_id:
            errs.append("error: an HTTP error must carry the response's x-request-id")
        if e.get("kind") == "job_failed" and exp.get("job", {}).get("final_status", "failed") != out.job_final_status:
            errs.append(f"job: expected failed, got {out.job_final_status}")
    if "paginate" in sc:
        p = sc["paginate"]
        items = [i for page in out.pages for i in page[p.get("items_field", "data")]]
        if len(out.pages) != p["expect_pages"]:
            errs.append(f"paginate: expected {p['expect_pages']} pages, got {len(out.pages)}")
        if len(items) != p["expect_items"]:
            errs.append(f"paginate: expected {p['expect_items']} items, got {len(items)}")
        ids = [i.get(p.get("id_field", "id")) for i in items]
        if len(set(ids)) != len(ids):
            errs.append("paginate: an item appears on two pages")
    return errs


def check_local_refusal(sc: dict, out: Outcome, entries: list[dict]) -> list[str]:
    """A call the client refused before the network: the scenario must allow that, the error
    must be the expected kind and param, and nothing may have reached the mock."""
    if sc.get("may_fail_locally") is not True:
        return [f"the call was refused before the network, which the scenario does not allow: {out.error}"]
    e = sc["expect"]["error"]
    got = out.error.as_dict()
    errs = [f"error.{k}: expected {e[k]!r}, got {got.get(k)!r}" for k in ("kind", "param") if k in e and got.get(k) != e[k]]
    if entries:
        errs.append(f"a refused call reached the mock: {[(x['method'], x['path']) for x in entries]}")
    return errs


AUTH = {"bearer": {"scheme": "bearer", "valid": True}, "x-api-key": {"scheme": "x-api-key", "valid": True},
        "invalid": {"valid": False}, "none": {"scheme": None, "valid": False}}


def check_request_log(sc: dict, out: Outcome, entries: list[dict], refetch) -> list[str]:
    """Mismatches between `expect_request` and the mock's log of the scenario's own call.
    `entries` are the log entries after setup; `refetch()` reads them again (stream records are
    written when the server drops the body, just after the last byte)."""
    want = sc["expect_request"]
    mine = [e for e in entries if e["method"] == want["method"] and e["path"] == want["path"]]
    errs = []
    if len(mine) != out.attempts:
        return [f"request log: {len(mine)} {want['method']} {want['path']} requests, the client made {out.attempts}"]
    for n, e in enumerate(mine):
        at = f"request {n + 1}"
        for k, v in want.get("query", {}).items():
            exp_vals = [query_value(x) for x in v] if isinstance(v, list) else [query_value(v)]
            if e["query"].get(k) != exp_vals:
                errs.append(f"{at}: query {k}={e['query'].get(k)}, expected {exp_vals}")
        for k, v in want.get("headers", {}).items():
            got = e["headers"].get(k)
            if got is None or not (got == v or got.startswith(v + ";")):
                errs.append(f"{at}: header {k}: {got!r}, expected {v!r}")
        if "body_subset" in want:
            errs += [f"{at}: body {m}" for m in match(want["body_subset"], e["body"])]
        if want.get("body_absent") and e["body"] is not None:
            errs.append(f"{at}: expected no body, got {json.dumps(e['body'])[:120]}")
        if "multipart" in want:
            parts = {p["name"]: p for p in (e["body"] or {}).get("multipart", [])}
            for name, value in want["multipart"].get("fields", {}).items():
                if parts.get(name, {}).get("value") != query_value(value):
                    errs.append(f"{at}: multipart field {name}: {parts.get(name)}")
            for name, f in want["multipart"].get("files", {}).items():
                part = parts.get(name, {})
                if {k: part.get(k) for k in ("filename", "content_type", "size")} != f:
                    errs.append(f"{at}: multipart file {name}: {part}")
        auth = AUTH[want.get("auth", "bearer")]
        if any(e["auth"].get(k) != v for k, v in auth.items()):
            errs.append(f"{at}: auth {e['auth']}, expected {want.get('auth', 'bearer')}")
    last = mine[-1]
    if out.kind != "error" and last["status"] != out.status:
        errs.append(f"request log: last status {last['status']}, the client saw {out.status}")
    if out.error is not None and out.error.kind not in ("timeout", "connection", "job_failed", "job_expired"):
        if last["status"] != out.error.status:
            errs.append(f"request log: last status {last['status']}, the client saw {out.error.status}")
    if "stream" in want:
        deadline = time.monotonic() + 2
        while True:
            rec = [e for e in refetch() if e["seq"] == last["seq"]][0].get("stream")
            problems = match(want["stream"], rec, "$stream")
            if not problems or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        errs += [f"request log: {m}" for m in problems]
    if "paginate" in sc:
        p = sc["paginate"]
        cursor_param, cursor_field = p.get("cursor_param", "before"), p.get("cursor_field", "next_cursor")
        for n, e in enumerate(mine[1:], 1):
            if e["query"].get(cursor_param) != [out.pages[n - 1][cursor_field]]:
                errs.append(f"page {n + 1}: {cursor_param}={e['query'].get(cursor_param)}, expected the previous next_cursor")
    if out.job_id:
        polls = [e for e in entries if e["method"] == "GET" and e["path"] == f"/v1/jobs/{out.job_id}"]
        if not polls or any(not e["auth"]["valid"] for e in polls):
            errs.append(f"request log: the job {out.job_id} was not polled with the key")
    return errs
