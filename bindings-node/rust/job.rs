//! `NativeJob`: a handle to an async job (refresh, wait with progress, cancel). Progress goes to
//! JS through a weak, non-blocking threadsafe function, so a wait never keeps the process alive
//! on its own account and never blocks a Rust thread on the event loop.

use std::sync::Arc;

use empiriolabs::{Job, JobProgress, ProgressSink};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;

use crate::args::wait_options;
use crate::client::meta_json;
use crate::errors::to_napi;
use crate::token::{unless_cancelled, NativeToken};

/// A JS `(stateJson: string) => void`, called without the callee-handled error argument, weak
/// (unref'd) and with an unbounded queue.
pub type ProgressFn = ThreadsafeFunction<String, Unknown<'static>, String, Status, false, true>;

struct Progress(ProgressFn);

impl ProgressSink for Progress {
    fn progress(&self, update: &JobProgress) {
        // Non-blocking: a closing environment just drops the update.
        let _ = self.0.call(update.raw.to_string(), ThreadsafeFunctionCallMode::NonBlocking);
    }
}

pub fn progress_sink(f: ProgressFn) -> Arc<dyn ProgressSink> {
    Arc::new(Progress(f))
}

#[napi]
pub struct NativeJob {
    inner: Job,
}

impl From<Job> for NativeJob {
    fn from(inner: Job) -> NativeJob {
        NativeJob { inner }
    }
}

fn text(v: serde_json::Value) -> String {
    v.to_string()
}

#[napi]
impl NativeJob {
    #[napi(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_string()
    }

    /// The last known status (`processing`, `completed`, `failed`, …).
    #[napi(getter)]
    pub fn status(&self) -> String {
        self.inner.status()
    }

    #[napi(getter)]
    pub fn progress(&self) -> Option<f64> {
        self.inner.progress()
    }

    /// The last known state as JSON.
    #[napi]
    pub fn snapshot(&self) -> String {
        text(self.inner.snapshot())
    }

    /// Status, headers and request id of the call that created the job, as JSON.
    #[napi]
    pub fn created_meta(&self) -> Option<String> {
        self.inner.created_meta().map(meta_json)
    }

    /// Fetches the current state (JSON).
    #[napi]
    pub async fn refresh(&self) -> Result<String> {
        self.inner.refresh().await.map(text).map_err(to_napi)
    }

    /// Polls until the job finishes; its result as JSON. `optionsJson`: `{timeout,
    /// pollInterval, maxPollInterval}` in ms. `onProgress` gets each state as JSON.
    #[napi(ts_args_type = "optionsJson?: string | undefined | null, onProgress?: ((state: string) => void) | undefined | null, token?: NativeToken | undefined | null")]
    pub fn wait<'env>(&self, env: &'env Env, options_json: Option<String>, on_progress: Option<ProgressFn>, token: Option<&NativeToken>) -> Result<PromiseRaw<'env, String>> {
        let mut opts = wait_options(options_json.as_deref())?;
        if let Some(f) = on_progress {
            opts = opts.progress_sink(progress_sink(f));
        }
        let job = self.inner.clone();
        let token = token.map(|t| t.inner.clone());
        env.spawn_future(async move { unless_cancelled(token, job.wait(opts)).await.map(text).map_err(to_napi) })
    }

    /// Best-effort cancel; the job's state as JSON.
    #[napi]
    pub async fn cancel(&self) -> Result<String> {
        self.inner.cancel().await.map(text).map_err(to_napi)
    }
}
