//! What crosses from the TypeScript layer: the client's settings and each call's arguments, as
//! JSON (durations in milliseconds, as Node programs write them), and upload files as Buffers
//! or paths. Everything is handed to the core's own builders (`CallArgs::assemble`).

use std::time::Duration;

use empiriolabs::upload::Part;
use empiriolabs::{AuthStyle, CallArgs, ClientSettings, RequestOptions, WaitOptions};
use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::errors::invalid;

/// A duration from milliseconds; it must be a positive, finite number.
pub fn millis(name: &str, v: Option<f64>) -> napi::Result<Option<Duration>> {
    match v {
        None => Ok(None),
        Some(ms) if ms.is_finite() && ms > 0.0 => Ok(Some(Duration::from_secs_f64(ms / 1000.0))),
        Some(ms) => Err(invalid(name, format!("must be a positive number of milliseconds, got {ms}"))),
    }
}

fn parse<'a, T: Deserialize<'a>>(what: &str, json: &'a str) -> napi::Result<T> {
    serde_json::from_str(json).map_err(|e| invalid(what, format!("is not what the addon expects: {e}")))
}

/// The client's settings (`NativeClient`'s constructor), as the TypeScript layer names them
/// (durations in milliseconds), turned into the core's `ClientSettings` plus the default query
/// (which the core's client does not hold, so it is added to every call's query here).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    api_key: Option<String>,
    #[serde(rename = "baseURL")]
    base_url: Option<String>,
    timeout: Option<f64>,
    connect_timeout: Option<f64>,
    stream_idle_timeout: Option<f64>,
    max_retries: Option<u32>,
    default_headers: Vec<(String, String)>,
    default_query: Vec<(String, String)>,
    user_agent: Option<String>,
    /// `authorization` (the default: `Authorization: Bearer <key>`) or `x-api-key`.
    auth_header: Option<String>,
    /// `{initial, max}` in ms: the first and longest waits of the retry backoff.
    retry_backoff: Option<Backoff>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Backoff {
    initial: f64,
    max: f64,
}

/// What `NativeClient`'s constructor builds from: the core's settings, and what they lack.
pub struct ClientParts {
    pub settings: ClientSettings,
    pub default_query: Vec<(String, String)>,
    pub auth_style: AuthStyle,
    pub retry_backoff: Option<(Duration, Duration)>,
}

impl Settings {
    pub fn from_json(json: &str) -> napi::Result<ClientParts> {
        let s: Settings = parse("options", json)?;
        let secs = |name: &str, v: Option<f64>| millis(name, v).map(|d| d.map(|d| d.as_secs_f64()));
        let core = ClientSettings {
            api_key: s.api_key,
            base_url: s.base_url,
            timeout: secs("timeout", s.timeout)?,
            connect_timeout: secs("connectTimeout", s.connect_timeout)?,
            stream_idle_timeout: secs("streamIdleTimeout", s.stream_idle_timeout)?,
            max_retries: s.max_retries,
            default_headers: s.default_headers.into_iter().collect(),
            user_agent: s.user_agent,
        };
        let auth_style = match s.auth_header.as_deref() {
            None | Some("authorization") => AuthStyle::Bearer,
            Some("x-api-key") => AuthStyle::XApiKey,
            Some(other) => return Err(invalid("authHeader", format!("must be `authorization` or `x-api-key`, not `{other}`"))),
        };
        let retry_backoff = match s.retry_backoff {
            None => None,
            Some(b) => Some((millis("retryBackoff.initial", Some(b.initial))?.expect("given"), millis("retryBackoff.max", Some(b.max))?.expect("given"))),
        };
        Ok(ClientParts { settings: core, default_query: s.default_query, auth_style, retry_backoff })
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Options {
    timeout: Option<f64>,
    stream_idle_timeout: Option<f64>,
    max_retries: Option<u32>,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    extra_body: Map<String, Value>,
}

/// One call's arguments: path parameters, query pairs, the JSON body, an HTTP method (GPU
/// connect only) and per-call options.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Args {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<Value>,
    method: Option<String>,
    options: Options,
}

/// A file to upload: `data` (a Buffer) or `path` (read by the core before the request).
#[napi(object)]
pub struct NativeFile {
    /// The multipart field.
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Option<Buffer>,
    pub path: Option<String>,
}

/// A file part once the addon holds it (a Buffer's bytes are copied, so JS may reuse it).
pub enum FileSource {
    Ready(Part),
    Path { name: String, path: String, content_type: Option<String> },
}

impl FileSource {
    pub fn from_native(f: NativeFile) -> napi::Result<FileSource> {
        match (f.data, f.path) {
            (Some(data), _) => Ok(FileSource::Ready(Part::bytes(f.name, f.filename.unwrap_or_else(|| "upload".into()), data.to_vec(), f.content_type.as_deref()))),
            (None, Some(path)) => Ok(FileSource::Path { name: f.name, path, content_type: f.content_type }),
            (None, None) => Err(invalid(&f.name, "an upload needs `data` or `path`")),
        }
    }

    pub async fn part(self) -> empiriolabs::Result<Part> {
        match self {
            FileSource::Ready(p) => Ok(p),
            FileSource::Path { name, path, content_type } => Part::path(name, path, content_type.as_deref()).await,
        }
    }
}

/// The pieces of a call, parsed on the JS thread (so a malformed argument fails at once); the
/// files are read, and the call assembled, by [`Call::args`] on the runtime.
pub struct Call {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Option<Value>,
    method: Option<String>,
    options: RequestOptions,
    files: Vec<FileSource>,
}

impl Call {
    pub fn parse(json: &str, files: Option<Vec<NativeFile>>, default_query: &[(String, String)]) -> napi::Result<Call> {
        let a: Args = parse("arguments", json)?;
        let mut o = RequestOptions::new();
        if let Some(t) = millis("timeout", a.options.timeout)? {
            o = o.timeout(t);
        }
        if let Some(t) = millis("streamIdleTimeout", a.options.stream_idle_timeout)? {
            o = o.stream_idle_timeout(t);
        }
        if let Some(n) = a.options.max_retries {
            o = o.max_retries(n);
        }
        o.headers = a.options.headers;
        o.query = default_query.iter().cloned().chain(a.options.query).collect();
        o.extra_body = a.options.extra_body;
        let files = files.unwrap_or_default().into_iter().map(FileSource::from_native).collect::<napi::Result<Vec<_>>>()?;
        Ok(Call { path: a.path, query: a.query, body: a.body, method: a.method, options: o, files })
    }

    pub fn options_mut(&mut self) -> &mut RequestOptions {
        &mut self.options
    }

    /// The call's arguments, its files read first.
    pub async fn args(mut self) -> empiriolabs::Result<CallArgs> {
        let mut parts = Vec::with_capacity(self.files.len());
        for f in std::mem::take(&mut self.files) {
            parts.push(f.part().await?);
        }
        self.assemble(parts)
    }

    /// The arguments of a call without files (a list's).
    pub fn args_without_files(self) -> empiriolabs::Result<CallArgs> {
        self.assemble(Vec::new())
    }

    fn assemble(self, parts: Vec<Part>) -> empiriolabs::Result<CallArgs> {
        CallArgs::assemble(self.path, self.query, self.body, parts, self.method, self.options)
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Wait {
    timeout: Option<f64>,
    poll_interval: Option<f64>,
    max_poll_interval: Option<f64>,
}

/// How a job or agent task is waited on: `{timeout, pollInterval, maxPollInterval}` in ms.
pub fn wait_options(json: Option<&str>) -> napi::Result<WaitOptions> {
    let w: Wait = match json {
        Some(j) => parse("wait options", j)?,
        None => Wait::default(),
    };
    let mut opts = WaitOptions::new();
    let initial = millis("pollInterval", w.poll_interval)?.unwrap_or(opts.poll_initial);
    let max = millis("maxPollInterval", w.max_poll_interval)?.unwrap_or(opts.poll_max);
    opts = opts.poll(initial, max);
    if let Some(t) = millis("timeout", w.timeout)? {
        opts = opts.timeout(t);
    }
    Ok(opts)
}
