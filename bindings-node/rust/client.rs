//! `NativeClient`: the core client, and one entry point for every operation.

use empiriolabs::{Outcome, ResponseMeta};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::json;

use crate::args::{wait_options, Call, NativeFile, Settings};
use crate::errors::{invalid, to_napi};
use crate::job::{progress_sink, NativeJob, ProgressFn};
use crate::pager::NativePager;
use crate::stream::NativeStream;
use crate::token::{unless_cancelled, NativeToken};

/// Status, headers (name/value pairs, repeats kept) and request id, as JSON.
pub fn meta_json(m: &ResponseMeta) -> String {
    json!({"status": m.status, "headers": m.header_pairs(), "request_id": m.request_id}).to_string()
}

/// The payload of an answer: JSON text, plain text, bytes, a stream or a job handle.
pub type Payload = Either4<String, Buffer, NativeStream, NativeJob>;

/// `[kind, payload, metaJson]`; kind is `json`, `text`, `bytes`, `stream` or `job`.
pub type Answer = (String, Payload, String);

fn answer(out: Outcome) -> Answer {
    match out {
        Outcome::Json(r) => {
            let meta = meta_json(&r.meta);
            // The core checked it is JSON; JSON.parse on the JS side is the only decode.
            ("json".into(), Either4::A(String::from_utf8_lossy(&r.body).into_owned()), meta)
        }
        Outcome::Bytes(r) if r.is_textual() => ("text".into(), Either4::A(r.text()), meta_json(&r.meta)),
        Outcome::Bytes(r) => {
            let meta = meta_json(&r.meta);
            ("bytes".into(), Either4::B(Buffer::from(r.body.to_vec())), meta)
        }
        Outcome::Stream(s) => {
            let meta = meta_json(s.meta());
            ("stream".into(), Either4::C(NativeStream::new(s)), meta)
        }
        Outcome::Job(j) => {
            let meta = j.created_meta().map(meta_json).unwrap_or_else(|| "{}".into());
            ("job".into(), Either4::D(NativeJob::from(j)), meta)
        }
    }
}

#[napi]
pub struct NativeClient {
    core: empiriolabs::Client,
    default_query: Vec<(String, String)>,
}

#[napi]
impl NativeClient {
    /// A client from its settings as JSON: `apiKey`, `baseURL`, `timeout`, `connectTimeout`,
    /// `streamIdleTimeout` (ms), `maxRetries`, `defaultHeaders` and `defaultQuery` (pairs),
    /// `userAgent`, `authHeader`, `retryBackoff` (`{initial, max}` ms). Unset values come from
    /// the environment or the core's defaults.
    #[napi(constructor)]
    pub fn new(options_json: String) -> Result<NativeClient> {
        let parts = Settings::from_json(&options_json)?;
        let mut b = parts.settings.builder().map_err(to_napi)?.auth_style(parts.auth_style);
        if let Some((initial, max)) = parts.retry_backoff {
            b = b.retry_backoff(initial, max);
        }
        let core = b.binding("node", env!("CARGO_PKG_VERSION")).build().map_err(to_napi)?;
        Ok(NativeClient { core, default_query: parts.default_query })
    }

    #[napi(getter, js_name = "baseURL")]
    pub fn base_url(&self) -> String {
        self.core.base_url().to_string()
    }

    #[napi(getter)]
    pub fn has_api_key(&self) -> bool {
        self.core.config().api_key().is_some()
    }

    /// Calls operation `opId` with its arguments as JSON (`path` and `query` pairs, `body`,
    /// `method`, `options`), uploading `files`; `token` cancels it, and the stream it opens.
    #[napi(ts_return_type = "Promise<[string, string | Buffer | NativeStream | NativeJob, string]>")]
    pub fn invoke<'env>(&self, env: &'env Env, op_id: String, args_json: String, files: Option<Vec<NativeFile>>, token: Option<&NativeToken>) -> Result<PromiseRaw<'env, Answer>> {
        let mut call = Call::parse(&args_json, files, &self.default_query)?;
        if let Some(t) = token {
            call.options_mut().cancel = Some(t.inner.clone());
        }
        let core = self.core.clone();
        env.spawn_future(async move {
            let args = call.args().await.map_err(to_napi)?;
            core.invoke(&op_id, args).await.map(answer).map_err(to_napi)
        })
    }

    /// A lazy walk over the pages of a cursor-paged operation (`argsJson` as for `invoke`).
    #[napi]
    pub fn pager(&self, op_id: String, args_json: String) -> Result<NativePager> {
        let op = empiriolabs::operations::find(&op_id).ok_or_else(|| invalid("operation", format!("`{op_id}` is not an operation of the gateway")))?;
        let call = Call::parse(&args_json, None, &self.default_query)?;
        let args = call.args_without_files().map_err(to_napi)?;
        Ok(NativePager::new(empiriolabs::Pager::new(self.core.clone(), op.id, args)))
    }

    /// A handle for job `jobId`, created elsewhere.
    #[napi]
    pub fn job(&self, job_id: String) -> NativeJob {
        NativeJob::from(empiriolabs::Job::attach(&self.core, job_id))
    }

    /// Waits for agent task `taskId` to end (`completed` or `stopped`; `failed` rejects); the
    /// task's state as JSON. `onProgress` gets each state as JSON and never keeps the process alive.
    #[napi(ts_args_type = "taskId: string, optionsJson?: string | undefined | null, onProgress?: ((state: string) => void) | undefined | null, token?: NativeToken | undefined | null")]
    pub fn agent_wait<'env>(&self, env: &'env Env, task_id: String, options_json: Option<String>, on_progress: Option<ProgressFn>, token: Option<&NativeToken>) -> Result<PromiseRaw<'env, String>> {
        let mut opts = wait_options(options_json.as_deref())?;
        if let Some(f) = on_progress {
            opts = opts.progress_sink(progress_sink(f));
        }
        let core = self.core.clone();
        let token = token.map(|t| t.inner.clone());
        env.spawn_future(async move {
            let state = unless_cancelled(token, core.agents().wait(&task_id, opts)).await.map_err(to_napi)?;
            serde_json::to_string(&state).map_err(|e| Error::from_reason(e.to_string()))
        })
    }

    /// The bytes behind a generated output URL (no key is sent).
    #[napi(ts_args_type = "url: string, token?: NativeToken | undefined | null")]
    pub fn download<'env>(&self, env: &'env Env, url: String, token: Option<&NativeToken>) -> Result<PromiseRaw<'env, Buffer>> {
        let core = self.core.clone();
        let token = token.map(|t| t.inner.clone());
        env.spawn_future(async move { unless_cancelled(token, core.download(&url)).await.map(|b| Buffer::from(b.to_vec())).map_err(to_napi) })
    }

    /// Saves an output URL to `path` in constant memory (whole, or not at all); the byte count.
    #[napi(ts_args_type = "url: string, path: string, token?: NativeToken | undefined | null")]
    pub fn download_to<'env>(&self, env: &'env Env, url: String, path: String, token: Option<&NativeToken>) -> Result<PromiseRaw<'env, f64>> {
        let core = self.core.clone();
        let token = token.map(|t| t.inner.clone());
        env.spawn_future(async move { unless_cancelled(token, core.download_to(&url, &path)).await.map(|n| n as f64).map_err(to_napi) })
    }
}
