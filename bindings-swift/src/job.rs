//! `NativeJob`: a job handle (refresh, wait with progress through a callback interface,
//! cancel). Polling, deadlines and expiry are the core's.

use std::sync::Arc;
use std::time::Duration;

use empiriolabs::{JobProgress, ProgressSink, WaitOptions};

use crate::client::ResponseMeta;
use crate::error::NativeError;
use crate::runtime::{run, token, CancelHandle};

/// A job's or task's state after a poll.
#[derive(uniffi::Record, Clone, Debug)]
pub struct ProgressUpdate {
    pub id: String,
    pub status: String,
    pub progress: Option<f64>,
    /// The whole state as JSON text.
    pub raw: String,
}

/// Receives progress while a job or task is waited on (called on an SDK thread).
#[uniffi::export(callback_interface)]
pub trait ProgressListener: Send + Sync {
    fn on_progress(&self, update: ProgressUpdate);
}

struct Sink(Box<dyn ProgressListener>);

impl ProgressSink for Sink {
    fn progress(&self, p: &JobProgress) {
        self.0.on_progress(ProgressUpdate { id: p.id.clone(), status: p.status.clone(), progress: p.progress, raw: p.raw.to_string() });
    }
}

/// How a wait polls; unset fields take the core's defaults.
#[derive(uniffi::Record, Clone, Debug, Default)]
pub struct WaitSettings {
    /// Give up after this long (the job keeps running).
    pub timeout: Option<Duration>,
    pub poll_initial: Option<Duration>,
    pub poll_max: Option<Duration>,
}

pub(crate) fn wait_options(w: WaitSettings, listener: Option<Box<dyn ProgressListener>>) -> WaitOptions {
    let mut o = WaitOptions::new();
    if w.poll_initial.is_some() || w.poll_max.is_some() {
        let (initial, max) = (w.poll_initial.unwrap_or(o.poll_initial), w.poll_max.unwrap_or(o.poll_max));
        o = o.poll(initial, max);
    }
    if let Some(t) = w.timeout {
        o = o.timeout(t);
    }
    if let Some(l) = listener {
        o = o.progress_sink(Arc::new(Sink(l)));
    }
    o
}

#[derive(uniffi::Object)]
pub struct NativeJob {
    inner: empiriolabs::Job,
}

impl From<empiriolabs::Job> for NativeJob {
    fn from(inner: empiriolabs::Job) -> NativeJob {
        NativeJob { inner }
    }
}

#[uniffi::export]
impl NativeJob {
    pub fn id(&self) -> String {
        self.inner.id().to_string()
    }

    pub fn status(&self) -> String {
        self.inner.status()
    }

    pub fn progress(&self) -> Option<f64> {
        self.inner.progress()
    }

    /// The last known state (JSON text).
    pub fn snapshot(&self) -> String {
        self.inner.snapshot().to_string()
    }

    /// The result once completed (JSON text).
    pub fn result(&self) -> Option<String> {
        self.inner.result().map(|v| v.to_string())
    }

    /// Status, headers and request id of the call that created the job.
    pub fn created_meta(&self) -> Option<ResponseMeta> {
        self.inner.created_meta().map(ResponseMeta::from)
    }

    /// Fetches the current state (JSON text).
    pub async fn refresh(&self, cancel: Option<Arc<CancelHandle>>) -> Result<String, NativeError> {
        let j = self.inner.clone();
        run(token(&cancel), async move { j.refresh().await.map(|v| v.to_string()) }).await
    }

    /// Polls until the job ends; its result (JSON text). Cancelling leaves the job running and
    /// the handle usable.
    pub async fn wait(&self, wait: WaitSettings, listener: Option<Box<dyn ProgressListener>>, cancel: Option<Arc<CancelHandle>>) -> Result<String, NativeError> {
        let j = self.inner.clone();
        let opts = wait_options(wait, listener);
        run(token(&cancel), async move { j.wait(opts).await.map(|v| v.to_string()) }).await
    }

    /// Best-effort cancel of the job itself (`DELETE /v1/jobs/{id}`); its state (JSON text).
    pub async fn cancel(&self, cancel: Option<Arc<CancelHandle>>) -> Result<String, NativeError> {
        let j = self.inner.clone();
        run(token(&cancel), async move { j.cancel().await.map(|v| v.to_string()) }).await
    }
}
