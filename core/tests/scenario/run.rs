//! Making a scenario's calls the way a user of the crate would: a client built from the
//! scenario's `client` settings, `CallArgs` from its inputs, `Client::invoke`, then reading the
//! stream, waiting on the job or walking the pages through the public handles. What the caller
//! saw is recorded in the README's vocabulary as `Seen`.

use std::time::{Duration, Instant};

use empiriolabs::operations::StreamFlavor;
use empiriolabs::upload::Part;
use empiriolabs::{AuthStyle, CallArgs, Client, Error, EventStream, Job, Outcome, RequestOptions, WaitOptions};
use serde_json::{json, Map, Value};

use super::plain;
use crate::common::Mock;

/// The reference runner's per-attempt timeout when a scenario sets none; it also bounds a
/// stream's silence then, so a core that hangs fails the scenario instead of the whole run.
const DEFAULT_TIMEOUT_MS: u64 = 10_000;
const DEFAULT_JOB_WAIT_MS: u64 = 10_000;
/// Polls of a job wait: short, so job scenarios take about as long as the mock's jobs.
const JOB_POLL: Duration = Duration::from_millis(100);

/// What the caller observed.
#[derive(Debug, Default)]
pub struct Seen {
    /// `json`, `stream`, `job`, `text` or `error`.
    pub outcome: &'static str,
    /// The status the caller can read: of the answer, the stream, the job's create call, or
    /// the error.
    pub status: Option<u16>,
    pub elapsed: Duration,
    pub json: Option<Value>,
    pub text: String,
    pub content_type: String,
    pub stream: Option<StreamSeen>,
    pub job: Option<JobSeen>,
    pub pages: Vec<Value>,
    pub error: Option<CallError>,
}

#[derive(Debug, Default)]
pub struct StreamSeen {
    pub flavor: &'static str,
    /// (type, data) of every event delivered.
    pub events: Vec<(Option<String>, Value)>,
    pub terminated: bool,
    pub closed_early: bool,
    pub text: String,
    pub audio_bytes: usize,
}

#[derive(Debug)]
pub struct JobSeen {
    pub id: String,
    pub accepted: Value,
    pub final_status: String,
}

/// A core error in the README's vocabulary.
#[derive(Debug, Default)]
pub struct CallError {
    pub kind: &'static str,
    pub status: Option<u16>,
    pub r#type: Option<String>,
    pub code: Option<String>,
    pub param: Option<String>,
    pub reason: Option<&'static str>,
    pub envelope: Option<&'static str>,
    pub events_before: Option<usize>,
    pub request_id: Option<String>,
    /// Raised before the network (`Error::InvalidRequest`).
    pub local: bool,
    /// The core's own message, for failure reports.
    pub message: String,
}

impl CallError {
    /// The fields `expect.error` can name, as JSON.
    pub fn fields(&self) -> Map<String, Value> {
        let all = json!({
            "kind": self.kind, "status": self.status, "type": self.r#type, "code": self.code, "param": self.param,
            "reason": self.reason, "envelope": self.envelope, "events_before": self.events_before,
        });
        all.as_object().unwrap().iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

/// The one mapping from the core's `Error` to the scenario error kinds, from its flat
/// [`empiriolabs::ErrorInfo`] as every binding reads it. `config` has no scenario kind on
/// purpose: a scenario never expects the core to refuse its configuration.
pub fn classify(err: &Error) -> CallError {
    let i = err.info();
    let kind = match i.class {
        "BadRequest" => "bad_request",
        "Authentication" => "authentication",
        "InsufficientCredits" => "insufficient_credits",
        "PermissionDenied" => "permission_denied",
        "NotFound" => "not_found",
        "Conflict" => "conflict",
        "UnprocessableEntity" => "unprocessable",
        "RateLimit" => "rate_limit",
        "InternalServer" => "internal_server",
        "ApiStatus" => "api_error",
        "Connection" => "connection",
        "Timeout" | "JobTimeout" => "timeout",
        "Stream" => "stream",
        "JobFailed" => "job_failed",
        "JobExpired" => "job_expired",
        "Decode" => "decode",
        "InvalidRequest" => "bad_request",
        "Configuration" => "config",
        other => other,
    };
    CallError {
        kind,
        status: i.status,
        request_id: i.request_id,
        message: i.message,
        r#type: i.error_type,
        code: i.code,
        param: i.param,
        reason: i.stream_kind,
        envelope: (i.kind == "api").then(|| envelope_of(i.body.as_deref().unwrap_or(""))),
        local: i.kind == "invalid_request",
        ..Default::default()
    }
}

/// `openai` for `{"error": {...}}`, `anthropic` for `{"type": "error", "error": {...}}`,
/// `none` for anything else (a proxy's HTML page, an empty body).
fn envelope_of(body: &str) -> &'static str {
    match serde_json::from_str::<Value>(body) {
        Ok(v) if v.get("error").is_some_and(Value::is_object) => {
            if v.get("type").and_then(Value::as_str) == Some("error") {
                "anthropic"
            } else {
                "openai"
            }
        }
        _ => "none",
    }
}

fn flavor_name(f: StreamFlavor) -> &'static str {
    match f {
        StreamFlavor::OpenAi => "openai",
        StreamFlavor::Anthropic => "anthropic",
        StreamFlavor::Responses => "responses",
        StreamFlavor::Typed => "typed",
    }
}

fn millis(v: Option<&Value>, default: u64) -> Duration {
    Duration::from_millis(v.and_then(Value::as_u64).unwrap_or(default))
}

fn entries(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    v.and_then(Value::as_object).into_iter().flatten()
}

/// A client with the scenario's `client` settings.
fn client_for(mock: &Mock, settings: Option<&Value>) -> Result<Client, String> {
    let get = |k: &str| settings.and_then(|s| s.get(k));
    let retries = get("max_retries").map_or(Some(2), Value::as_u64).ok_or("client.max_retries must be a count")?;
    let mut b = mock
        .builder()
        .max_retries(retries as u32)
        .timeout(millis(get("timeout_ms"), DEFAULT_TIMEOUT_MS))
        .stream_idle_timeout(millis(get("stream_idle_timeout_ms"), DEFAULT_TIMEOUT_MS));
    match get("api_key") {
        None => {}
        // An explicit empty key is "no key": the builder then also ignores EMPIRIOLABS_API_KEY.
        Some(Value::Null) => b = b.api_key(""),
        Some(Value::String(k)) => b = b.api_key(k.as_str()),
        Some(other) => return Err(format!("client.api_key must be a string or null, not {other}")),
    }
    match get("auth_header").map(|v| v.as_str()) {
        None | Some(Some("authorization")) => {}
        Some(Some("x-api-key")) => b = b.auth_style(AuthStyle::XApiKey),
        Some(other) => return Err(format!("client.auth_header {other:?} is not a choice")),
    }
    b.build().map_err(|e| format!("building the client: {e}"))
}

/// The mock's control headers, as per-call headers.
fn mock_headers(call: &Value) -> RequestOptions {
    entries(call.pointer("/mock/headers")).fold(RequestOptions::new(), |o, (k, v)| o.header(k, plain(v)))
}

/// `CallArgs` from a call's `path_params`, `query`, `body` or `multipart`, `method` and `mock`.
fn call_args(call: &Value) -> CallArgs {
    let mut args = CallArgs::new().options(mock_headers(call));
    for (k, v) in entries(call.get("path_params")) {
        args = args.path(k, plain(v));
    }
    for (k, v) in entries(call.get("query")) {
        for v in v.as_array().map_or(std::slice::from_ref(v), Vec::as_slice) {
            args = args.query(k, plain(v));
        }
    }
    if let Some(body) = call.get("body") {
        args = args.json(body.clone());
    }
    if let Some(form) = call.get("multipart") {
        args = args.multipart(parts(form));
    }
    if let Some(m) = call.get("method").and_then(Value::as_str) {
        args = args.method(m);
    }
    args
}

/// Text fields first (a list repeats the field), then files of `size` bytes where byte i is i mod 251.
fn parts(form: &Value) -> Vec<Part> {
    let mut out = Vec::new();
    for (name, value) in entries(form.get("fields")) {
        for v in value.as_array().map_or(std::slice::from_ref(value), Vec::as_slice) {
            out.push(Part::text(name, plain(v)));
        }
    }
    for (name, f) in entries(form.get("files")) {
        let size = f["size"].as_u64().unwrap_or(0) as usize;
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        out.push(Part::bytes(name, f["filename"].as_str().unwrap_or("upload"), data, f["content_type"].as_str()));
    }
    out
}

/// Runs the setup steps: plain calls with one attempt each, binding their `save`s into `vars`.
pub async fn setup(mock: &Mock, steps: &[Value], vars: &mut Map<String, Value>) -> Result<(), String> {
    let client = client_for(mock, None)?;
    for (n, step) in steps.iter().enumerate() {
        let step = super::substitute(step, vars)?;
        let op = step["operation"].as_str().ok_or("a step without `operation`")?;
        let at = format!("step {} ({op})", n + 1);
        let mut args = call_args(&step);
        args.options.max_retries = Some(0);
        let (status, body) = match client.call(op, args).await {
            Ok(r) => (r.meta.status, r.value().map_err(|e| format!("{at}: {e}"))?),
            Err(Error::Api(e)) => (e.status, serde_json::from_str(&e.body).unwrap_or(Value::Null)),
            Err(e) => return Err(format!("{at}: {e}")),
        };
        let ok = match step.get("expect_status").and_then(Value::as_u64) {
            Some(want) => u64::from(status) == want,
            None => (200..300).contains(&status),
        };
        if !ok {
            return Err(format!("{at}: HTTP {status} {}", super::matcher::short(&body)));
        }
        for (name, pointer) in entries(step.get("save")) {
            let pointer = pointer.as_str().unwrap_or_default();
            let value = body.pointer(pointer).ok_or_else(|| format!("{at}: the answer has nothing at {pointer}"))?;
            vars.insert(name.clone(), value.clone());
        }
        if let Some(ms) = step.get("wait_ms").and_then(Value::as_u64) {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
    }
    Ok(())
}

/// The scenario's own call, consumed as `consume` says.
pub async fn execute(mock: &Mock, sc: &Value) -> Result<Seen, String> {
    let client = client_for(mock, sc.get("client"))?;
    let op = sc["operation"].as_str().ok_or("a scenario without `operation`")?;
    let consume = sc.get("consume").cloned().unwrap_or(Value::Null);
    let started = Instant::now();
    let mut seen = match sc.get("paginate") {
        Some(p) => paginate(&client, op, sc, p).await?,
        None => match client.invoke(op, call_args(sc)).await {
            Err(e) => failed(classify(&e), None),
            Ok(Outcome::Json(r)) => match r.value() {
                Ok(v) => Seen { outcome: "json", status: Some(r.meta.status), json: Some(v), ..Default::default() },
                Err(e) => failed(classify(&e), Some(r.meta.status)),
            },
            Ok(Outcome::Bytes(r)) => Seen { outcome: "text", status: Some(r.meta.status), content_type: r.content_type().to_string(), text: r.text(), ..Default::default() },
            Ok(Outcome::Stream(s)) => read_stream(s, consume["close_after_events"].as_u64()).await,
            Ok(Outcome::Job(job)) => wait_job(job, &consume).await,
        },
    };
    seen.elapsed = started.elapsed();
    Ok(seen)
}

fn failed(error: CallError, status: Option<u16>) -> Seen {
    Seen { outcome: "error", status: status.or(error.status), error: Some(error), ..Default::default() }
}

async fn read_stream(s: EventStream, limit: Option<u64>) -> Seen {
    let meta = s.meta().clone();
    let mut st = StreamSeen { flavor: flavor_name(s.flavor()), ..Default::default() };
    let mut error = None;
    loop {
        match s.next().await {
            None => {
                st.terminated = true;
                break;
            }
            Some(Ok(ev)) => {
                let kind = ev.kind().map(str::to_string);
                st.text.push_str(&event_text(st.flavor, kind.as_deref(), ev.data()));
                if kind.as_deref() == Some("audio.chunk") {
                    st.audio_bytes += ev.data()["audio_b64"].as_str().map_or(0, base64_len);
                }
                st.events.push((kind, ev.data().clone()));
                if limit.is_some_and(|n| st.events.len() as u64 >= n) {
                    s.close();
                    st.closed_early = true;
                    break;
                }
            }
            Some(Err(e)) => {
                let mut ce = classify(&e);
                ce.events_before = Some(st.events.len());
                // A stream error comes after the 2xx headers the caller already holds on the stream.
                if ce.kind == "stream" {
                    ce.status = ce.status.or(Some(meta.status));
                    ce.request_id = ce.request_id.or_else(|| meta.request_id.clone());
                }
                error = Some(ce);
                break;
            }
        }
    }
    let outcome = if error.is_some() { "error" } else { "stream" };
    Seen { outcome, status: Some(meta.status), stream: Some(st), error, ..Default::default() }
}

/// The text an event carries, by flavor: chat/completions deltas, Anthropic `text_delta`s,
/// Responses `output_text` deltas, typed `*.delta` events.
fn event_text(flavor: &str, kind: Option<&str>, data: &Value) -> String {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    match (flavor, kind) {
        ("openai", _) => {
            let choice = &data["choices"][0];
            if choice.get("delta").is_some() {
                s(choice["delta"].get("content"))
            } else {
                s(choice.get("text"))
            }
        }
        ("anthropic", Some("content_block_delta")) if data["delta"]["type"] == "text_delta" => s(data["delta"].get("text")),
        ("responses", Some("response.output_text.delta")) => s(data.get("delta")),
        ("typed", Some(k)) if k.ends_with(".delta") => s(data.get("delta")),
        _ => String::new(),
    }
}

/// The decoded size of standard base64 text (the audio scenarios count bytes, not content).
fn base64_len(b64: &str) -> usize {
    let body = b64.trim_end_matches('=');
    body.len() * 3 / 4
}

async fn wait_job(job: Job, consume: &Value) -> Seen {
    let status = job.created_meta().map(|m| m.status);
    let accepted = job.snapshot();
    tokio::time::sleep(millis(consume.get("wait_delay_ms"), 0)).await;
    let opts = WaitOptions::new().timeout(millis(consume.get("wait_timeout_ms"), DEFAULT_JOB_WAIT_MS)).poll(JOB_POLL, JOB_POLL);
    let result = job.wait(opts).await;
    let seen_job = Some(JobSeen { id: job.id().to_string(), accepted, final_status: job.status() });
    match result {
        Ok(v) => Seen { outcome: "job", status, json: Some(v), job: seen_job, ..Default::default() },
        Err(e) => Seen { job: seen_job, ..failed(classify(&e), status) },
    }
}

/// Walks a cursor-paged list with the core's `Pager`, which follows `before` / `next_cursor`
/// / `has_more` / `data`.
async fn paginate(client: &Client, op: &str, sc: &Value, p: &Value) -> Result<Seen, String> {
    for (key, core) in [("cursor_param", "before"), ("cursor_field", "next_cursor"), ("has_more_field", "has_more"), ("items_field", "data")] {
        match p.get(key).and_then(Value::as_str) {
            Some(named) if named != core => return Err(format!("paginate: the core's Pager walks `{core}`, the scenario's {key} is `{named}`")),
            _ => {}
        }
    }
    let mut query = sc.get("query").cloned().unwrap_or_else(|| json!({}));
    query["limit"] = p["limit"].clone();
    let opts = mock_headers(sc);
    let pager = match op {
        "retrieveAccountUsage" => client.account().usage().options(opts).list(query),
        "listPlaygroundConversations" => client.playground().conversations().options(opts).list(query),
        other => return Err(format!("paginate: the core has no Pager for {other}")),
    };
    let pager = match pager {
        Ok(p) => p,
        Err(e) => return Ok(failed(classify(&e), None)),
    };
    let mut pages = Vec::new();
    while let Some(page) = pager.next_page().await {
        match page {
            Ok(v) => pages.push(v),
            Err(e) => return Ok(Seen { pages, ..failed(classify(&e), None) }),
        }
        if pages.len() > 100 {
            return Err("paginate: the Pager is still going after 100 pages".into());
        }
    }
    let status = pager.last_meta().await.map(|m| m.status);
    Ok(Seen { outcome: "json", status, json: pages.last().cloned(), pages, ..Default::default() })
}
