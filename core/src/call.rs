//! Executing an operation: validation before the network, the request, retries by class, and
//! the answer as JSON, a stream, a job or text.

use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::{AuthStyle, Client};
use crate::error::{ApiError, Error, Result, TimeoutKind};
use crate::job::Job;
use crate::operations::{self, BodyKind, Operation, ResponseKind, StreamFlavor};
use crate::options::RequestOptions;
use crate::retry;
use crate::stream::EventStream;
use crate::upload::Part;

/// The version header Anthropic clients send on `/v1/messages`.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// A request body.
#[derive(Clone, Debug, Default)]
pub enum Payload {
    #[default]
    None,
    Json(Value),
    Multipart(Vec<Part>),
    Bytes { content_type: Option<String>, data: Bytes },
}

/// What a call sends: path parameters, query, body and per-call options.
///
/// ```
/// use empiriolabs::CallArgs;
/// use serde_json::json;
/// let args = CallArgs::new().path("job_id", "job_123").query("limit", "5").json(json!({"a": 1}));
/// ```
#[derive(Clone, Debug, Default)]
pub struct CallArgs {
    pub path: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub body: Payload,
    /// Overrides the operation's method (GPU connect takes any).
    pub method: Option<String>,
    pub options: RequestOptions,
}

impl CallArgs {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn path(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.path.push((name.into(), value.into()));
        self
    }

    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Payload::Json(body);
        self
    }

    pub fn multipart(mut self, parts: Vec<Part>) -> Self {
        self.body = Payload::Multipart(parts);
        self
    }

    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }
}

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
        self.meta.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The answer to [`Client::invoke`], by what the operation returned.
#[derive(Debug)]
pub enum Outcome {
    Json(ApiResponse),
    Stream(EventStream),
    Job(Job),
    /// A 2xx body that is neither JSON nor a stream (subtitles, plain text, a GPU service's page).
    Text(ApiResponse),
}

/// A request ready to send (validated, URL built).
pub(crate) struct Prepared {
    pub op: &'static Operation,
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    pub headers: HeaderMap,
    pub body: Payload,
    pub stream: bool,
    pub timeout: Duration,
    pub idle: Duration,
    pub max_retries: u32,
}

fn wants_stream(op: &Operation, body: &Payload) -> Option<StreamFlavor> {
    let flag = match body {
        Payload::Json(v) => v.get("stream").and_then(Value::as_bool),
        _ => None,
    };
    match op.response {
        ResponseKind::Stream(f) => Some(f),
        ResponseKind::JsonOrStream(f) if flag == Some(true) => Some(f),
        // A GPU service speaks OpenAI's convention when asked to stream.
        ResponseKind::Raw if flag == Some(true) => Some(StreamFlavor::OpenAi),
        ResponseKind::StreamByDefault(f) if flag != Some(false) => Some(f),
        _ => None,
    }
}

fn check_required(op: &Operation, args: &CallArgs) -> Result<()> {
    for name in op.path_params() {
        match args.path.iter().find(|(k, _)| k == name) {
            Some((_, v)) if !v.is_empty() => {}
            _ => return Err(Error::invalid(name, "is required (a path parameter)")),
        }
    }
    for name in operations::required_query(op.id) {
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

impl Client {
    pub(crate) fn prepare(&self, op_id: &str, mut args: CallArgs) -> Result<Prepared> {
        let op = operations::find(op_id).ok_or_else(|| Error::invalid("operation", format!("`{op_id}` is not an operation of the gateway")))?;
        let inner = &self.inner;
        if !op.public && inner.config.api_key().is_none() {
            return Err(Error::Config(format!(
                "no API key: set the {} environment variable or pass one to Client::builder().api_key(..)",
                crate::config::ENV_API_KEY
            )));
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

        let mut url = reqwest::Url::parse(inner.config.base_url()).map_err(|e| Error::Config(format!("invalid base URL: {e}")))?;
        {
            let mut segs = url.path_segments_mut().map_err(|_| Error::Config("the base URL cannot have paths".into()))?;
            segs.pop_if_empty();
            for seg in op.path.trim_start_matches('/').split('/') {
                let name = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
                match name {
                    None => {
                        segs.push(seg);
                    }
                    Some(n) => {
                        let v = &args.path.iter().find(|(k, _)| k == n).expect("checked above").1;
                        if op.id == "connectGpuInstance" && n == "path" {
                            // The service path keeps its own slashes.
                            segs.extend(v.trim_start_matches('/').split('/'));
                        } else {
                            segs.push(v);
                        }
                    }
                }
            }
        }
        let query: Vec<&(String, String)> = args.query.iter().chain(&args.options.query).collect();
        if !query.is_empty() {
            let mut q = url.query_pairs_mut();
            for (k, v) in query {
                q.append_pair(k, v);
            }
        }

        let flavor = wants_stream(op, &args.body);
        let mut headers = inner.headers.clone();
        if let Some(key) = inner.config.api_key() {
            let bad = || Error::Config("the API key has characters a header cannot carry".into());
            if inner.auth == AuthStyle::Bearer {
                headers.insert(AUTHORIZATION, HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| bad())?);
            }
            if inner.auth == AuthStyle::XApiKey || op.id == "createMessage" {
                headers.insert("x-api-key", HeaderValue::from_str(key).map_err(|_| bad())?);
            }
        }
        if op.id == "createMessage" && !headers.contains_key("anthropic-version") {
            headers.insert("anthropic-version", HeaderValue::from_static(ANTHROPIC_VERSION));
        }
        headers.insert(ACCEPT, HeaderValue::from_static(if flavor.is_some() { "text/event-stream" } else { "application/json" }));
        for (k, v) in &args.options.headers {
            let name = reqwest::header::HeaderName::from_bytes(k.as_bytes()).map_err(|_| Error::invalid("headers", format!("`{k}` is not a valid header name")))?;
            let value = HeaderValue::from_str(v).map_err(|_| Error::invalid("headers", format!("the value of `{k}` is not a valid header value")))?;
            headers.insert(name, value);
        }
        let method = args.method.as_deref().unwrap_or(op.method).to_ascii_uppercase();
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|_| Error::invalid("method", format!("`{method}` is not an HTTP method")))?;
        Ok(Prepared {
            op,
            method,
            url,
            headers,
            body: args.body,
            stream: flavor.is_some(),
            timeout: args.options.timeout.unwrap_or(inner.timeout),
            idle: args.options.stream_idle_timeout.unwrap_or(inner.stream_idle_timeout),
            max_retries: args.options.max_retries.unwrap_or(inner.max_retries),
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

    /// The HTTP exchange with retries; returns the first 2xx response (headers read, body not).
    pub(crate) async fn send(&self, p: &Prepared) -> Result<reqwest::Response> {
        let class = if p.op.id == "connectGpuInstance" && matches!(p.method.as_str(), "POST" | "PATCH") {
            operations::Retry::Unsafe
        } else {
            p.op.retry
        };
        let mut attempt = 0u32;
        loop {
            let started = Instant::now();
            let err = match tokio::time::timeout(p.timeout, self.build(p)?.send()).await {
                Err(_) => Error::Timeout { kind: TimeoutKind::Request, after: p.timeout },
                Ok(Err(e)) => transport_error(e, p.timeout),
                Ok(Ok(resp)) if resp.status().is_success() => return Ok(resp),
                Ok(Ok(resp)) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    let left = p.timeout.saturating_sub(started.elapsed());
                    let body = tokio::time::timeout(left, resp.bytes()).await.ok().and_then(|b| b.ok()).unwrap_or_default();
                    Error::from(ApiError::from_response(status, headers, &body))
                }
            };
            if attempt >= p.max_retries || !retry::retryable(class, &err) {
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

    /// Calls an operation by its operationId and reads the whole answer.
    ///
    /// ```no_run
    /// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
    /// use empiriolabs::CallArgs;
    /// let r = client.call("retrieveJob", CallArgs::new().path("job_id", "job_123")).await?;
    /// println!("{} {:?}", r.meta.status, r.value()?);
    /// # Ok(()) }
    /// ```
    pub async fn call(&self, op_id: &str, args: CallArgs) -> Result<ApiResponse> {
        let p = self.prepare(op_id, args)?;
        let started = Instant::now();
        let resp = self.send(&p).await?;
        read_whole(resp, p.timeout.saturating_sub(started.elapsed()).max(Duration::from_millis(1)), p.timeout).await
    }

    /// Calls an operation and returns what it produced: JSON, a stream, a job handle or text.
    pub async fn invoke(&self, op_id: &str, args: CallArgs) -> Result<Outcome> {
        let p = self.prepare(op_id, args)?;
        let started = Instant::now();
        let resp = self.send(&p).await?;
        let is_sse = resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("text/event-stream"));
        if is_sse || (p.stream && p.op.response != ResponseKind::Raw) {
            let flavor = match p.op.response {
                ResponseKind::Stream(f) | ResponseKind::JsonOrStream(f) | ResponseKind::StreamByDefault(f) => f,
                _ => StreamFlavor::OpenAi,
            };
            return Ok(Outcome::Stream(EventStream::new(resp, flavor, p.idle)));
        }
        let whole = read_whole(resp, p.timeout.saturating_sub(started.elapsed()).max(Duration::from_millis(1)), p.timeout).await?;
        if !whole.content_type().starts_with("application/json") {
            return Ok(Outcome::Text(whole));
        }
        if matches!(p.op.response, ResponseKind::Job | ResponseKind::JsonOrJob) {
            let v: Value = whole.value()?;
            if v.get("job_id").is_some() && v.get("poll_url").is_some() {
                return Ok(Outcome::Job(Job::accepted(self.clone(), v, whole.meta)?));
            }
            if p.op.response == ResponseKind::Job {
                return Err(Error::decode("expected a job envelope (`job_id`, `poll_url`)", &whole.body));
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
}

fn transport_error(e: reqwest::Error, timeout: Duration) -> Error {
    let before_send = e.is_connect();
    if e.is_timeout() {
        let kind = if before_send { TimeoutKind::Connect } else { TimeoutKind::Request };
        return Error::Timeout { kind, after: timeout };
    }
    let mut message = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        message.push_str(": ");
        message.push_str(&s.to_string());
        src = s.source();
    }
    Error::Connection { message, before_send }
}

async fn read_whole(resp: reqwest::Response, left: Duration, total: Duration) -> Result<ApiResponse> {
    let meta = ResponseMeta::of(&resp);
    let body = match tokio::time::timeout(left, resp.bytes()).await {
        Err(_) => return Err(Error::Timeout { kind: TimeoutKind::Request, after: total }),
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
