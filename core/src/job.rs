//! Job handles for async generations: refresh, wait (adaptive polling with a deadline and
//! progress callbacks, honouring `Retry-After`), cancel. A 404 for a job this handle knows
//! existed means its retention passed: [`Error::JobExpired`], not "not found".

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::call::{CallArgs, ResponseMeta};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::retry;

/// Called with a job's state after each poll.
pub type ProgressFn = Arc<dyn Fn(&Value) + Send + Sync>;

/// How [`Job::wait`] polls.
///
/// ```
/// use std::time::Duration;
/// let w = empiriolabs::WaitOptions::new().timeout(Duration::from_secs(600)).on_progress(|job| {
///     println!("{:.0}%", job["progress"].as_f64().unwrap_or(0.0) * 100.0);
/// });
/// ```
#[derive(Clone)]
pub struct WaitOptions {
    /// Give up after this long (the job keeps running). `None`: wait as long as it takes.
    pub timeout: Option<Duration>,
    pub poll_initial: Duration,
    pub poll_max: Duration,
    pub on_progress: Option<ProgressFn>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions { timeout: None, poll_initial: Duration::from_millis(500), poll_max: Duration::from_secs(5), on_progress: None }
    }
}

impl WaitOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// The first and the longest pause between polls (defaults 0.5 s and 5 s; each poll waits
    /// 1.5× the last).
    pub fn poll(mut self, initial: Duration, max: Duration) -> Self {
        self.poll_initial = initial;
        self.poll_max = max.max(initial);
        self
    }

    /// Called with the job's state after every poll while it runs.
    pub fn on_progress(mut self, f: impl Fn(&Value) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }
}

/// The pacing of a wait: progress callbacks, the deadline, and a pause that grows 1.5× per
/// poll up to the cap (or what the server asked for).
pub(crate) struct Poller<'a> {
    opts: &'a WaitOptions,
    started: Instant,
    pause: Duration,
}

impl<'a> Poller<'a> {
    pub(crate) fn new(opts: &'a WaitOptions) -> Self {
        Poller { opts, started: Instant::now(), pause: opts.poll_initial }
    }

    /// After a poll found `id` still `status`: reports `state`, gives up past the deadline
    /// ([`Error::JobWaitTimeout`]), else sleeps before the next poll.
    pub(crate) async fn pause(&mut self, id: &str, status: &str, state: &Value, asked: Option<Duration>) -> Result<()> {
        if let Some(cb) = &self.opts.on_progress {
            cb(state);
        }
        let waited = self.started.elapsed();
        let mut sleep = asked.map(|a| a.min(retry::MAX_RETRY_AFTER)).unwrap_or(self.pause);
        if let Some(limit) = self.opts.timeout {
            if waited >= limit {
                return Err(Error::JobWaitTimeout { job_id: id.to_string(), waited, last_status: status.to_string() });
            }
            sleep = sleep.min(limit - waited);
        }
        tokio::time::sleep(sleep).await;
        self.pause = self.pause.mul_f64(1.5).min(self.opts.poll_max);
        Ok(())
    }
}

/// The error of a job or task that ended `failed`, with the gateway's error object.
pub(crate) fn failed(id: &str, error: Value, fallback: &str) -> Error {
    let message = error.get("message").and_then(Value::as_str).unwrap_or(fallback).to_string();
    Error::JobFailed { job_id: id.to_string(), message, error }
}

/// A handle to an async job. Cheap to clone; clones share the last known state.
#[derive(Clone)]
pub struct Job {
    client: Client,
    id: String,
    state: Arc<Mutex<Value>>,
    accepted_meta: Option<ResponseMeta>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("id", &self.id).field("status", &self.status()).field("progress", &self.progress()).finish()
    }
}

impl Job {
    pub(crate) fn accepted(client: Client, envelope: Value, meta: ResponseMeta) -> Result<Job> {
        let id = envelope.get("job_id").and_then(Value::as_str).ok_or_else(|| Error::decode("a job envelope without `job_id`", envelope.to_string().as_bytes()))?.to_string();
        Ok(Job { client, id, state: Arc::new(Mutex::new(envelope)), accepted_meta: Some(meta) })
    }

    /// A handle for a job created elsewhere (another process, an earlier run).
    pub fn attach(client: &Client, id: impl Into<String>) -> Job {
        let id = id.into();
        Job { client: client.clone(), state: Arc::new(Mutex::new(serde_json::json!({"job_id": id, "status": "processing"}))), id, accepted_meta: None }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Status, headers and request id of the call that created the job.
    pub fn created_meta(&self) -> Option<&ResponseMeta> {
        self.accepted_meta.as_ref()
    }

    /// The last known state (the `Job` schema of `GET /v1/jobs/{id}`).
    pub fn snapshot(&self) -> Value {
        self.state.lock().unwrap().clone()
    }

    pub fn status(&self) -> String {
        self.state.lock().unwrap().get("status").and_then(Value::as_str).unwrap_or("processing").to_string()
    }

    pub fn progress(&self) -> Option<f64> {
        self.state.lock().unwrap().get("progress").and_then(Value::as_f64)
    }

    /// The result once completed (the synchronous endpoint's shape).
    pub fn result(&self) -> Option<Value> {
        self.state.lock().unwrap().get("result").filter(|r| !r.is_null()).cloned()
    }

    fn expired_or(&self, e: Error) -> Error {
        match e {
            Error::Api(a) if a.status == 404 => Error::JobExpired { job_id: self.id.clone(), request_id: a.request_id.clone() },
            other => other,
        }
    }

    async fn poll(&self) -> Result<(Value, Option<Duration>)> {
        let r = self.client.call("retrieveJob", CallArgs::new().path("job_id", &self.id)).await.map_err(|e| self.expired_or(e))?;
        let v = r.value()?;
        *self.state.lock().unwrap() = v.clone();
        Ok((v, retry::retry_after(&r.meta.headers)))
    }

    /// Fetches the current state.
    pub async fn refresh(&self) -> Result<Value> {
        Ok(self.poll().await?.0)
    }

    /// Polls until the job finishes; returns its result. A failed job is
    /// [`Error::JobFailed`]; a deadline passing is [`Error::JobWaitTimeout`] and leaves the
    /// handle usable. Cancel-safe: dropping the future mid-wait changes nothing.
    pub async fn wait(&self, opts: WaitOptions) -> Result<Value> {
        let mut poller = Poller::new(&opts);
        loop {
            let (state, asked) = self.poll().await?;
            match state.get("status").and_then(Value::as_str).unwrap_or("processing") {
                "completed" => return Ok(state.get("result").cloned().unwrap_or(Value::Null)),
                "failed" => return Err(failed(&self.id, state.get("error").cloned().unwrap_or(Value::Null), "the job failed")),
                status => poller.pause(&self.id, status, &state, asked).await?,
            }
        }
    }

    /// Best-effort cancel (`DELETE /v1/jobs/{id}`); a finished job is left as it is.
    pub async fn cancel(&self) -> Result<Value> {
        let r = self.client.call("cancelJob", CallArgs::new().path("job_id", &self.id)).await.map_err(|e| self.expired_or(e))?;
        let v = r.value()?;
        *self.state.lock().unwrap() = v.clone();
        Ok(v)
    }
}

/// What an endpoint that may finish inline or as a job returned (images, transcriptions,
/// audio generations). Either way, [`Generation::wait`] gives the finished result.
#[derive(Debug)]
pub enum Generation {
    Done(Value),
    Job(Job),
}

impl Generation {
    pub async fn wait(self, opts: WaitOptions) -> Result<Value> {
        match self {
            Generation::Done(v) => Ok(v),
            Generation::Job(j) => j.wait(opts).await,
        }
    }

    pub fn job(&self) -> Option<&Job> {
        match self {
            Generation::Job(j) => Some(j),
            Generation::Done(_) => None,
        }
    }
}
