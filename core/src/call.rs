//! Executing an operation: validation before the network, the request, retries by class, and
//! the answer as JSON, a stream, a job or bytes.
//!
//! Timeouts mean one thing: `timeout` bounds each attempt whole (connect, headers and, for a
//! whole answer, the body); a retry starts a fresh attempt clock. A stream's attempt ends at
//! its headers, and each wait for its next event is bounded by the stream idle timeout.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::{timeout_at, Instant};

use crate::client::{AuthStyle, Client};
use crate::error::{ApiError, Error, Result, TimeoutKind};
use crate::job::Job;
use crate::operations::{self, BodyKind, Headers, Operation, ResponseKind, Retry, StreamFlavor};
use crate::options::CancellationToken;
use crate::retry;
use crate::stream::EventStream;

/// The version header Anthropic clients send on `/v1/messages`.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

pub use crate::args::{CallArgs, Payload};

/// How much longer than the gateway's own hold a held answer may take to arrive.
const HELD_ANSWER_MARGIN: Duration = Duration::from_secs(30);

/// Status, headers and request id of an answer.
#[derive(Clone, Debug)]
pub struct ResponseMeta {
    pub status: u16,
    pub headers: HeaderMap,
    pub request_id: Option<String>,
}

impl ResponseMeta {
    pub(crate) fn of(resp: &reqwest::Response) -> ResponseMeta {
        let headers = resp.headers().clone();
        let request_id = headers.get("x-request-id").or_else(|| headers.get("request-id")).and_then(|v| v.to_str().ok()).map(str::to_string);
        ResponseMeta { status: resp.status().as_u16(), headers, request_id }
    }

    /// The `content-type` header, or `""`.
    pub fn content_type(&self) -> &str {
        self.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Headers as name/value pairs, repeated names kept (for bindings).
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        self.headers.iter().map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect()
    }
}

/// A whole, successful answer.
#[derive(Clone, Debug)]
pub struct ApiResponse {
    pub meta: ResponseMeta,
    pub body: Bytes,
}

impl ApiResponse {
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_slice(&self.body).map_err(|e| Error::decode_answer(format!("the body is not the expected JSON: {e}"), &self.body, &self.meta))
    }

    pub fn value(&self) -> Result<Value> {
        self.json()
    }

    pub fn content_type(&self) -> &str {
        self.meta.content_type()
    }

    /// Whether the content type says the body is text (so a binding may hand out a string).
    ///
    /// ```
    /// assert!(empiriolabs::call::is_textual("text/vtt; charset=utf-8") && empiriolabs::call::is_textual("application/json"));
    /// assert!(!empiriolabs::call::is_textual("image/png") && !empiriolabs::call::is_textual(""));
    /// ```
    pub fn is_textual(&self) -> bool {
        is_textual(self.content_type())
    }

    /// The body as text, lossily; for bodies that [`ApiResponse::is_textual`].
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Whether a content type names text.
pub fn is_textual(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("+json")
        || essence.ends_with("+xml")
        || matches!(essence.as_str(), "application/json" | "application/xml" | "application/javascript" | "application/x-ndjson" | "application/x-www-form-urlencoded")
}

/// The answer to [`Client::invoke`], by what the operation returned.
#[derive(Debug)]
pub enum Outcome {
    Json(ApiResponse),
    Stream(EventStream),
    Job(Job),
    /// A 2xx body that is neither JSON nor a stream (subtitles, plain text, audio, a GPU
    /// service's bytes), with its content type; see [`ApiResponse::is_textual`].
    Bytes(ApiResponse),
}

/// A request ready to send (validated, URL built).
pub(crate) struct Prepared {
    pub op: &'static Operation,
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    pub headers: HeaderMap,
    pub body: Payload,
    pub flavor: Option<StreamFlavor>,
    pub timeout: Duration,
    pub idle: Duration,
    pub max_retries: u32,
    pub retry: Retry,
    pub cancel: Option<CancellationToken>,
}

/// How much of a successful answer an attempt reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    /// The whole body, whatever it is.
    Whole,
    /// The headers of a stream, else the whole body.
    Auto,
    /// The headers only (raw bodies, downloads).
    Head,
}

/// What an attempt got.
pub(crate) enum Got {
    Head(reqwest::Response),
    Whole(ApiResponse),
}

fn check_required(op: &Operation, args: &CallArgs) -> Result<()> {
    for name in op.path_params() {
        match args.path.iter().find(|(k, _)| k == name) {
            Some((_, v)) if !v.is_empty() => {}
            _ => return Err(Error::invalid(name, "is required (a path parameter)")),
        }
    }
    for name in op.required_query {
        if !args.query.iter().chain(&args.options.query).any(|(k, _)| k == name) {
            return Err(Error::invalid(*name, "is required (a query parameter)"));
        }
    }
    match &args.body {
        Payload::Json(Value::Object(m)) => {
            for f in op.required {
                if m.get(*f).is_none_or(Value::is_null) && !args.options.extra_body.contains_key(*f) {
                    return Err(Error::invalid(*f, "is required"));
                }
            }
        }
        Payload::Json(other) if op.body != BodyKind::Any => {
            return Err(Error::invalid("body", format!("must be a JSON object, not {}", kind_of(other))));
        }
        Payload::Multipart(parts) => {
            for f in op.required {
                if !parts.iter().any(|p| p.name == *f) {
                    return Err(Error::invalid(*f, "is required"));
                }
            }
        }
        Payload::None if !op.required.is_empty() && args.options.extra_body.is_empty() => {
            return Err(Error::invalid(op.required[0], "is required"));
        }
        _ => {}
    }
    Ok(())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A sub-path kept as given (GPU connect): its `/`s, `%`-escapes and `?query` go out as they
/// are. Dot segments are refused: the URL standard resolves them, which would send the call
/// (and the key) to another gateway path.
fn tail_path(name: &str, raw: &str) -> Result<String> {
    let tail = raw.trim_start_matches('/');
    let path = tail.split(['?', '#']).next().unwrap_or("");
    for seg in path.split('/') {
        let decoded = seg.to_ascii_lowercase().replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return Err(Error::invalid(name, format!("`{raw}` has a `{seg}` segment; give the service path without dot segments")));
        }
    }
    if tail.contains('#') {
        return Err(Error::invalid(name, format!("`{raw}` has a fragment (`#`), which is never sent")));
    }
    Ok(tail.to_string())
}

fn build_url(base: &str, op: &Operation, args: &CallArgs) -> Result<reqwest::Url> {
    let mut url = reqwest::Url::parse(base).map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
    let mut tail = None;
    {
        let mut segs = url.path_segments_mut().map_err(|_| Error::Config("the base URL cannot have paths".into()))?;
        segs.pop_if_empty();
        let template: Vec<&str> = op.path.trim_start_matches('/').split('/').collect();
        for (i, seg) in template.iter().enumerate() {
            match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                None => {
                    segs.push(seg);
                }
                Some(n) => {
                    let v = &args.path.iter().find(|(k, _)| k == n).expect("checked before").1;
                    if op.tail_path && i + 1 == template.len() {
                        tail = Some(tail_path(n, v)?);
                    } else {
                        segs.push(v);
                    }
                }
            }
        }
    }
    if let Some(t) = tail {
        let joined = format!("{}/{t}", url.as_str().trim_end_matches('/'));
        url = reqwest::Url::parse(&joined).map_err(|e| Error::invalid("path", format!("`{t}` does not make a valid URL: {e}")))?;
    }
    let query: Vec<&(String, String)> = args.query.iter().chain(&args.options.query).collect();
    if !query.is_empty() {
        let mut q = url.query_pairs_mut();
        for (k, v) in query {
            q.append_pair(k, v);
        }
    }
    Ok(url)
}

fn header_pair(what: &str, k: &str, v: &str) -> Result<(reqwest::header::HeaderName, HeaderValue)> {
    let name = reqwest::header::HeaderName::from_bytes(k.as_bytes()).map_err(|_| Error::invalid(what, format!("`{k}` is not a valid header name")))?;
    let value = HeaderValue::from_str(v).map_err(|_| Error::invalid(what, format!("the value of `{k}` is not a valid header value")))?;
    Ok((name, value))
}

impl Client {
    pub(crate) fn prepare(&self, op_id: &str, mut args: CallArgs) -> Result<Prepared> {
        let op = operations::find(op_id).ok_or_else(|| Error::invalid("operation", format!("`{op_id}` is not an operation of the gateway")))?;
        let inner = &self.inner;
        if !op.public && inner.config.api_key().is_none() {
            return Err(Error::Config(format!("no API key: pass an API key to the client, or set the {} environment variable", crate::config::ENV_API_KEY)));
        }
        check_required(op, &args)?;
        if !args.options.extra_body.is_empty() {
            let extra = std::mem::take(&mut args.options.extra_body);
            match &mut args.body {
                Payload::Json(Value::Object(m)) => m.extend(extra),
                Payload::None => args.body = Payload::Json(Value::Object(extra)),
                _ => return Err(Error::invalid("extra_body", "only applies to JSON bodies")),
            }
        }
        let url = build_url(inner.config.base_url(), op, &args)?;
        let flavor = op.stream_flavor(args.stream_flag());
        let mut headers = inner.headers.clone();
        if let Some(key) = inner.config.api_key() {
            let bad = || Error::Config("the API key has characters a header cannot carry".into());
            if inner.auth == AuthStyle::Bearer {
                headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| bad())?);
            }
            if inner.auth == AuthStyle::XApiKey || op.headers == Headers::Anthropic {
                headers.insert("x-api-key", HeaderValue::from_str(key).map_err(|_| bad())?);
            }
        }
        if op.headers == Headers::Anthropic && !headers.contains_key("anthropic-version") {
            headers.insert("anthropic-version", HeaderValue::from_static(ANTHROPIC_VERSION));
        }
        headers.insert(ACCEPT, HeaderValue::from_static(if flavor.is_some() { "text/event-stream" } else { "application/json" }));
        for (k, v) in &args.options.headers {
            let (name, value) = header_pair("headers", k, v)?;
            headers.insert(name, value);
        }
        let method = args.method.as_deref().unwrap_or(op.method).to_ascii_uppercase();
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| Error::invalid("method", format!("`{method}` is not an HTTP method")))?;
        let mut timeout = args.options.timeout.unwrap_or(inner.timeout);
        if let (Some((field, default)), None) = (op.holds_for, flavor) {
            let held = match &args.body {
                Payload::Json(v) => v.get(field).and_then(Value::as_f64).unwrap_or(default as f64),
                _ => default as f64,
            };
            timeout = timeout.max(Duration::from_secs_f64(held.clamp(0.0, 86_400.0)) + HELD_ANSWER_MARGIN);
        }
        Ok(Prepared {
            op,
            retry: op.retry_for(method.as_str()),
            method,
            url,
            headers,
            body: args.body,
            flavor,
            timeout,
            idle: args.options.stream_idle_timeout.unwrap_or(inner.stream_idle_timeout),
            max_retries: args.options.max_retries.unwrap_or(inner.max_retries),
            cancel: args.options.cancel,
        })
    }

    fn build(&self, p: &Prepared) -> Result<reqwest::RequestBuilder> {
        let mut rb = self.inner.http.request(p.method.clone(), p.url.clone()).headers(p.headers.clone());
        rb = match &p.body {
            Payload::None => rb,
            Payload::Json(v) => rb.header(CONTENT_TYPE, "application/json").body(serde_json::to_vec(v).map_err(|e| Error::invalid("body", e.to_string()))?),
            Payload::Multipart(parts) => rb.multipart(crate::upload::form(parts)?),
            Payload::Bytes { content_type, data } => {
                let rb = rb.body(data.clone());
                match content_type {
                    Some(ct) => rb.header(CONTENT_TYPE, ct),
                    None => rb,
                }
            }
        };
        Ok(rb)
    }

    /// Whether a successful answer is a stream to hand out rather than a body to read.
    fn is_stream(p: &Prepared, resp: &reqwest::Response) -> bool {
        let sse = resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("text/event-stream"));
        sse || (p.flavor.is_some() && p.op.response != ResponseKind::Raw)
    }

    /// One attempt, on its own clock: `p.timeout` bounds connect, headers and any body read.
    async fn attempt(&self, p: &Prepared, read: Read) -> Result<Got> {
        let deadline = Instant::now() + p.timeout;
        let resp = match timeout_at(deadline, self.build(p)?.send()).await {
            Err(_) => return Err(Error::Timeout { kind: TimeoutKind::Request, after: p.timeout }),
            Ok(Err(e)) => return Err(self.transport_error(e, p.timeout)),
            Ok(Ok(r)) => r,
        };
        if !resp.status().is_success() {
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            // The status is what matters; a body that does not arrive in time is left out.
            let body = timeout_at(deadline, resp.bytes()).await.ok().and_then(|b| b.ok()).unwrap_or_default();
            return Err(Error::from(ApiError::from_response(status, headers, &body)));
        }
        match read {
            Read::Head => Ok(Got::Head(resp)),
            Read::Auto if Client::is_stream(p, &resp) => Ok(Got::Head(resp)),
            _ => read_whole(resp, deadline, p.timeout).await.map(Got::Whole),
        }
    }

    /// The exchange with retries by the call's class, ended at once by its cancellation token.
    pub(crate) async fn exchange(&self, p: &Prepared, read: Read) -> Result<Got> {
        let run = self.retrying(p, read);
        match &p.cancel {
            None => run.await,
            Some(token) => tokio::select! {
                biased;
                _ = token.cancelled() => Err(Error::Cancelled),
                got = run => got,
            },
        }
    }

    async fn retrying(&self, p: &Prepared, read: Read) -> Result<Got> {
        let mut attempt = 0u32;
        loop {
            let err = match self.attempt(p, read).await {
                Ok(got) => return Ok(got),
                Err(e) => e,
            };
            if attempt >= p.max_retries || !retry::retryable(p.retry, &err) {
                return Err(err);
            }
            let wait = match &err {
                Error::Api(e) => match retry::retry_after(&e.headers) {
                    Some(d) if d > retry::MAX_RETRY_AFTER => return Err(err),
                    Some(d) => d,
                    None => self.inner.backoff.delay(attempt),
                },
                _ => self.inner.backoff.delay(attempt),
            };
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// The response headers of a successful call (the body unread), with retries.
    pub(crate) async fn send_head(&self, p: &Prepared) -> Result<reqwest::Response> {
        match self.exchange(p, Read::Head).await? {
            Got::Head(r) => Ok(r),
            Got::Whole(_) => unreachable!("Read::Head never reads the body"),
        }
    }

    /// Calls an operation by its operationId and reads the whole answer.
    ///
    /// ```no_run
    /// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
    /// use empiriolabs::CallArgs;
    /// use empiriolabs::operations::id;
    /// let r = client.call(id::RETRIEVE_JOB, CallArgs::new().path("job_id", "job_123")).await?;
    /// println!("{} {:?}", r.meta.status, r.value()?);
    /// # Ok(()) }
    /// ```
    pub async fn call(&self, op_id: &str, args: CallArgs) -> Result<ApiResponse> {
        let p = self.prepare(op_id, args)?;
        match self.exchange(&p, Read::Whole).await? {
            Got::Whole(r) => Ok(r),
            Got::Head(_) => unreachable!("Read::Whole always reads the body"),
        }
    }

    /// Calls an operation and returns what it produced: JSON, a stream, a job handle or bytes.
    pub async fn invoke(&self, op_id: &str, args: CallArgs) -> Result<Outcome> {
        let p = self.prepare(op_id, args)?;
        let whole = match self.exchange(&p, Read::Auto).await? {
            Got::Head(resp) => {
                let flavor = p.flavor.unwrap_or(StreamFlavor::OpenAi);
                return Ok(Outcome::Stream(EventStream::new(resp, flavor, p.op.fold, p.idle, p.cancel.clone())));
            }
            Got::Whole(w) => w,
        };
        if !whole.content_type().starts_with("application/json") {
            return Ok(Outcome::Bytes(whole));
        }
        if matches!(p.op.response, ResponseKind::Job | ResponseKind::JsonOrJob) {
            let v: Value = whole.value()?;
            if v.get("job_id").is_some() && v.get("poll_url").is_some() {
                return Ok(Outcome::Job(Job::accepted(self.clone(), v, whole.meta)?));
            }
            if p.op.response == ResponseKind::Job {
                return Err(Error::decode_answer("expected a job envelope (`job_id`, `poll_url`)", &whole.body, &whole.meta));
            }
        }
        Ok(Outcome::Json(whole))
    }

    /// Calls an operation that streams and returns the stream.
    pub async fn stream(&self, op_id: &str, args: CallArgs) -> Result<EventStream> {
        match self.invoke(op_id, args).await? {
            Outcome::Stream(s) => Ok(s),
            _ => Err(Error::invalid("stream", "this call did not answer with a stream; set `\"stream\": true`")),
        }
    }

    fn transport_error(&self, e: reqwest::Error, timeout: Duration) -> Error {
        let before_send = e.is_connect();
        if e.is_timeout() {
            return if before_send {
                Error::Timeout { kind: TimeoutKind::Connect, after: self.inner.connect_timeout }
            } else {
                Error::Timeout { kind: TimeoutKind::Request, after: timeout }
            };
        }
        Error::Connection { message: crate::redact::url(&error_chain(&e)), before_send }
    }
}

/// An error with its sources, `a: b: c`.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    message
}

async fn read_whole(resp: reqwest::Response, deadline: Instant, timeout: Duration) -> Result<ApiResponse> {
    let meta = ResponseMeta::of(&resp);
    let body = match timeout_at(deadline, resp.bytes()).await {
        Err(_) => return Err(Error::Timeout { kind: TimeoutKind::Request, after: timeout }),
        Ok(Err(e)) => return Err(Error::Connection { message: format!("the connection broke while reading the response body: {e}"), before_send: false }),
        Ok(Ok(b)) => b,
    };
    let r = ApiResponse { meta, body };
    if r.content_type().starts_with("application/json") {
        // Fail here, not later, so a truncated body is a decode error with its snippet.
        serde_json::from_slice::<serde::de::IgnoredAny>(&r.body).map_err(|e| Error::decode_answer(format!("the body is not valid JSON: {e}"), &r.body, &r.meta))?;
    }
    Ok(r)
}
