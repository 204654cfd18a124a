//! `NativeClient`: the core client built from the foreign side's settings, and one entry point
//! for every operation.

use std::sync::Arc;
use std::time::Duration;

use empiriolabs::upload::Part;
use empiriolabs::{CallArgs, Error, RequestOptions};
use serde_json::Value;

use crate::error::NativeError;
use crate::job::{wait_options, NativeJob, ProgressListener, WaitSettings};
use crate::pager::NativePager;
use crate::runtime::{run, token, CancelHandle};
use crate::stream::{flavor_name, NativeStream};

/// A name and a value (headers, query and path parameters), order kept.
#[derive(uniffi::Record, Clone, Debug)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

impl From<(String, String)> for NameValue {
    fn from((name, value): (String, String)) -> NameValue {
        NameValue { name, value }
    }
}

fn pairs(p: Vec<NameValue>) -> Vec<(String, String)> {
    p.into_iter().map(|p| (p.name, p.value)).collect()
}

/// Which header carries the key.
#[derive(uniffi::Enum, Clone, Copy, Debug, Default)]
pub enum AuthStyle {
    #[default]
    Bearer,
    XApiKey,
}

/// The client's settings; anything unset comes from the environment or the core's defaults.
#[derive(uniffi::Record, Clone, Debug)]
pub struct ClientSettings {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    pub stream_idle_timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub default_headers: Vec<NameValue>,
    pub user_agent: Option<String>,
    pub auth_style: AuthStyle,
    /// The first and longest waits of the retry backoff (defaults 0.5 s and 8 s).
    pub retry_backoff: Option<Backoff>,
    /// The language package (`kotlin`, `swift`) and its version, for the user agent.
    pub binding: String,
    pub binding_version: String,
}

/// The first and longest waits of the exponential retry backoff.
#[derive(uniffi::Record, Clone, Copy, Debug)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

/// Status, headers and request id of an answer.
#[derive(uniffi::Record, Clone, Debug)]
pub struct ResponseMeta {
    pub status: u16,
    pub headers: Vec<NameValue>,
    pub request_id: Option<String>,
}

impl From<&empiriolabs::ResponseMeta> for ResponseMeta {
    fn from(m: &empiriolabs::ResponseMeta) -> ResponseMeta {
        ResponseMeta { status: m.status, headers: m.header_pairs().into_iter().map(NameValue::from).collect(), request_id: m.request_id.clone() }
    }
}

/// A file to upload: its bytes, or a path the core reads before any request.
#[derive(uniffi::Record, Clone, Debug)]
pub struct FilePart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Option<Vec<u8>>,
    pub path: Option<String>,
}

/// Per-call options.
#[derive(uniffi::Record, Clone, Default)]
pub struct CallOptions {
    pub timeout: Option<Duration>,
    pub stream_idle_timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub headers: Vec<NameValue>,
    /// Extra query pairs, after the call's own.
    pub query: Vec<NameValue>,
    /// A JSON object (as text) whose fields are merged into the JSON body.
    pub extra_body: Option<String>,
    /// Cancelling it ends the call, or the stream it opened.
    pub cancel: Option<Arc<CancelHandle>>,
}

/// What one call sends: path parameters, query, a JSON body (as text), files and options.
#[derive(uniffi::Record, Clone, Default)]
pub struct CallInput {
    pub path: Vec<NameValue>,
    pub query: Vec<NameValue>,
    pub body: Option<String>,
    pub files: Vec<FilePart>,
    /// Send the body's fields as `multipart/form-data` even without files (with files it always is).
    pub multipart: bool,
    /// Overrides the operation's method (GPU connect takes any).
    pub method: Option<String>,
    pub options: CallOptions,
}

/// What a call produced, by what the operation answered.
#[derive(uniffi::Enum)]
pub enum Outcome {
    /// A JSON answer, as its text.
    Json { body: String, meta: ResponseMeta },
    /// A 2xx body that is text but not JSON (subtitles, plain text).
    Text { text: String, content_type: String, meta: ResponseMeta },
    /// A 2xx body of bytes (audio, a GPU service's bytes).
    Bytes { data: Vec<u8>, content_type: String, meta: ResponseMeta },
    /// A stream, with its response's meta and its wire convention (so no call is needed for them).
    Stream { stream: Arc<NativeStream>, meta: ResponseMeta, flavor: String },
    Job { job: Arc<NativeJob> },
}

pub(crate) fn request_options(o: CallOptions, token: empiriolabs::CancellationToken) -> Result<RequestOptions, Error> {
    let mut r = RequestOptions::new().cancel_token(token);
    match body_json(o.extra_body)? {
        None => {}
        Some(Value::Object(m)) => r.extra_body = m,
        Some(_) => return Err(invalid("extra_body", "must be a JSON object".into())),
    }
    r.timeout = o.timeout;
    r.stream_idle_timeout = o.stream_idle_timeout;
    r.max_retries = o.max_retries;
    r.headers = pairs(o.headers);
    r.query = pairs(o.query);
    Ok(r)
}

fn invalid(field: &str, message: String) -> Error {
    Error::InvalidRequest { field: field.to_string(), message }
}

fn body_json(body: Option<String>) -> Result<Option<Value>, Error> {
    body.map(|b| serde_json::from_str(&b).map_err(|e| invalid("body", format!("is not valid JSON: {e}")))).transpose()
}

async fn parts(files: Vec<FilePart>) -> Result<Vec<Part>, Error> {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        out.push(match (f.data, f.path) {
            (Some(data), _) => Part::bytes(f.name, f.filename.unwrap_or_else(|| "upload".into()), data, f.content_type.as_deref()),
            (None, Some(path)) => Part::path(f.name, path, f.content_type.as_deref()).await?,
            (None, None) => return Err(invalid(&f.name, "a file needs its bytes or a path".into())),
        });
    }
    Ok(out)
}

async fn call_args(input: CallInput, token: empiriolabs::CancellationToken) -> Result<CallArgs, Error> {
    let files = parts(input.files).await?;
    let body = body_json(input.body)?;
    let form = input.multipart && files.is_empty();
    let args = CallArgs::assemble(pairs(input.path), pairs(input.query), if form { None } else { body.clone() }, files, input.method, request_options(input.options, token)?)?;
    Ok(match (form, body) {
        (true, Some(Value::Object(fields))) => args.multipart(empiriolabs::upload::fields(fields)),
        (true, None) => args.multipart(Vec::new()),
        (true, Some(_)) => return Err(invalid("body", "must be an object of fields for a multipart body".into())),
        (false, _) => args,
    })
}

fn outcome(out: empiriolabs::Outcome) -> Outcome {
    match out {
        empiriolabs::Outcome::Json(r) => Outcome::Json { body: String::from_utf8_lossy(&r.body).into_owned(), meta: (&r.meta).into() },
        empiriolabs::Outcome::Bytes(r) if r.is_textual() => Outcome::Text { text: r.text(), content_type: r.content_type().to_string(), meta: (&r.meta).into() },
        empiriolabs::Outcome::Bytes(r) => Outcome::Bytes { content_type: r.content_type().to_string(), meta: (&r.meta).into(), data: r.body.to_vec() },
        empiriolabs::Outcome::Stream(s) => {
            let (meta, flavor) = (s.meta().into(), flavor_name(s.flavor()).to_string());
            Outcome::Stream { stream: Arc::new(NativeStream::from(s)), meta, flavor }
        }
        empiriolabs::Outcome::Job(j) => Outcome::Job { job: Arc::new(NativeJob::from(j)) },
    }
}

/// A handle to the gateway; cheap to share between threads.
#[derive(uniffi::Object)]
pub struct NativeClient {
    inner: empiriolabs::Client,
}

impl std::fmt::Debug for NativeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

#[uniffi::export]
impl NativeClient {
    #[uniffi::constructor]
    pub fn new(settings: ClientSettings) -> Result<Arc<NativeClient>, NativeError> {
        let s = settings;
        let mut b = empiriolabs::Client::builder().binding(s.binding, s.binding_version);
        if let Some(k) = s.api_key {
            b = b.api_key(k);
        }
        if let Some(u) = s.base_url {
            b = b.base_url(u);
        }
        if let Some(t) = s.timeout {
            b = b.timeout(t);
        }
        if let Some(t) = s.connect_timeout {
            b = b.connect_timeout(t);
        }
        if let Some(t) = s.stream_idle_timeout {
            b = b.stream_idle_timeout(t);
        }
        if let Some(n) = s.max_retries {
            b = b.max_retries(n);
        }
        for p in s.default_headers {
            b = b.default_header(p.name, p.value);
        }
        if let Some(r) = s.retry_backoff {
            b = b.retry_backoff(r.initial, r.max);
        }
        if let Some(ua) = s.user_agent {
            b = b.user_agent(ua);
        }
        b = b.auth_style(match s.auth_style {
            AuthStyle::Bearer => empiriolabs::AuthStyle::Bearer,
            AuthStyle::XApiKey => empiriolabs::AuthStyle::XApiKey,
        });
        // Building the HTTP client registers timers and DNS with the runtime it is used on.
        let _ctx = crate::runtime::runtime().enter();
        Ok(Arc::new(NativeClient { inner: b.build()? }))
    }

    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    pub fn has_api_key(&self) -> bool {
        self.inner.config().api_key().is_some()
    }

    /// Calls operation `op_id` and returns what it produced.
    pub async fn invoke(&self, op_id: String, input: CallInput) -> Result<Outcome, NativeError> {
        let core = self.inner.clone();
        let token = token(&input.options.cancel);
        run(token.clone(), async move {
            let args = call_args(input, token).await?;
            core.invoke(&op_id, args).await.map(outcome)
        })
        .await
    }

    /// A lazy walk over the pages of a cursor-paged operation.
    pub fn pager(&self, op_id: String, query: Vec<NameValue>, options: CallOptions) -> Result<Arc<NativePager>, NativeError> {
        let op = empiriolabs::operations::find(&op_id).ok_or_else(|| invalid("operation", format!("`{op_id}` is not an operation of the gateway")))?;
        let args = CallArgs::assemble(Vec::new(), pairs(query), None, Vec::new(), None, request_options(options, empiriolabs::CancellationToken::new())?)?;
        Ok(Arc::new(NativePager::from(empiriolabs::Pager::new(self.inner.clone(), op.id, args))))
    }

    /// A handle for a job created elsewhere.
    pub fn job(&self, job_id: String) -> Arc<NativeJob> {
        Arc::new(NativeJob::from(empiriolabs::Job::attach(&self.inner, job_id)))
    }

    /// Waits for agent task `task_id` to end; its state as JSON text.
    pub async fn agent_wait(&self, task_id: String, wait: WaitSettings, listener: Option<Box<dyn ProgressListener>>, cancel: Option<Arc<CancelHandle>>) -> Result<String, NativeError> {
        let core = self.inner.clone();
        let opts = wait_options(wait, listener);
        run(token(&cancel), async move {
            let state = core.agents().wait(&task_id, opts).await?;
            Ok(serde_json::to_value(state).unwrap_or_default().to_string())
        })
        .await
    }

    /// The bytes behind a generated output URL (no key is sent).
    pub async fn download(&self, url: String, cancel: Option<Arc<CancelHandle>>) -> Result<Vec<u8>, NativeError> {
        let core = self.inner.clone();
        run(token(&cancel), async move { core.download(&url).await.map(|b| b.to_vec()) }).await
    }

    /// Saves an output URL to `path` in constant memory (whole, or not at all); the byte count.
    pub async fn download_to(&self, url: String, path: String, cancel: Option<Arc<CancelHandle>>) -> Result<u64, NativeError> {
        let core = self.inner.clone();
        run(token(&cancel), async move { core.download_to(&url, &path).await }).await
    }
}
