//! Job handles for async generations: refresh, wait (adaptive polling with a deadline and
//! progress callbacks, honouring `Retry-After`), cancel. A 404 for a job this handle knows
//! existed means its retention passed: [`Error::JobExpired`], not "not found".

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::call::{CallArgs, ResponseMeta};
use crate::client::Client;
use crate::error::{Error, Result, TimeoutKind};
use crate::operations::id;
use crate::options::RequestOptions;
use crate::retry;

/// A job's or agent task's state after a poll, as a progress callback receives it.
#[derive(Clone, Debug, PartialEq)]
pub struct JobProgress {
    pub id: String,
    /// `processing`, `queued`, `running`, …
    pub status: String,
    /// 0.0 to 1.0, where the gateway reports it.
    pub progress: Option<f64>,
    /// The whole state as the gateway sent it.
    pub raw: Value,
}

impl JobProgress {
    pub(crate) fn of(id: &str, status: &str, state: &Value) -> JobProgress {
        JobProgress { id: id.to_string(), status: status.to_string(), progress: state.get("progress").and_then(Value::as_f64), raw: state.clone() }
    }
}

/// Receives progress while a job or task is waited on. Object-safe and `Send + Sync`, so a
/// uniffi callback interface or a napi threadsafe function can implement it; any
/// `Fn(&JobProgress)` is one.
pub trait ProgressSink: Send + Sync {
    fn progress(&self, update: &JobProgress);
}

impl<F: Fn(&JobProgress) + Send + Sync> ProgressSink for F {
    fn progress(&self, update: &JobProgress) {
        self(update)
    }
}

/// How [`Job::wait`] polls.
///
/// ```
/// use std::time::Duration;
/// let w = empiriolabs::WaitOptions::new().timeout(Duration::from_secs(600)).on_progress(|job| {
///     println!("{} {:.0}%", job.status, job.progress.unwrap_or(0.0) * 100.0);
/// });
/// ```
#[derive(Clone)]
pub struct WaitOptions {
    /// Give up after this long (the job keeps running). `None`: wait as long as it takes.
    pub timeout: Option<Duration>,
    pub poll_initial: Duration,
    pub poll_max: Duration,
    pub on_progress: Option<Arc<dyn ProgressSink>>,
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
    pub fn on_progress(mut self, f: impl Fn(&JobProgress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }

    /// The same, with a sink already shared.
    pub fn progress_sink(mut self, sink: Arc<dyn ProgressSink>) -> Self {
        self.on_progress = Some(sink);
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

    /// Options for one poll: no retries of its own (the wait retries, inside its deadline),
    /// and no longer than the time left.
    pub(crate) fn poll_options(&self, client: &Client, last_status: &str, id: &str) -> Result<RequestOptions> {
        let mut timeout = client.inner.timeout;
        if let Some(limit) = self.opts.timeout {
            let waited = self.started.elapsed();
            if waited >= limit {
                return Err(Error::JobWaitTimeout { job_id: id.to_string(), waited, last_status: last_status.to_string() });
            }
            timeout = timeout.min(limit - waited).max(Duration::from_millis(1));
        }
        Ok(RequestOptions::new().timeout(timeout).max_retries(0))
    }

    /// After a poll that failed: a transient failure (connection, timeout, 408, 429, 5xx) waits
    /// and polls again inside the deadline; anything else ends the wait.
    pub(crate) async fn after_failure(&mut self, id: &str, last_status: &str, e: Error) -> Result<()> {
        let transient = match &e {
            Error::Api(a) => matches!(a.status, 408 | 429) || a.status >= 500,
            Error::Connection { .. } => true,
            Error::Timeout { kind, .. } => *kind != TimeoutKind::StreamIdle,
            _ => false,
        };
        if !transient {
            return Err(e);
        }
        let asked = match &e {
            Error::Api(a) => retry::retry_after(&a.headers),
            _ => None,
        };
        self.sleep(id, last_status, asked).await
    }

    /// After a poll found `id` still `status`: reports `state`, gives up past the deadline
    /// ([`Error::JobWaitTimeout`]), else sleeps before the next poll.
    pub(crate) async fn pause(&mut self, id: &str, status: &str, state: &Value, asked: Option<Duration>) -> Result<()> {
        if let Some(sink) = &self.opts.on_progress {
            sink.progress(&JobProgress::of(id, status, state));
        }
        self.sleep(id, status, asked).await
    }

    async fn sleep(&mut self, id: &str, status: &str, asked: Option<Duration>) -> Result<()> {
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

    pub(crate) fn past_deadline(&self) -> bool {
        self.opts.timeout.is_some_and(|limit| self.started.elapsed() >= limit)
    }

    pub(crate) fn timed_out(&self, id: &str, last_status: &str) -> Error {
        Error::JobWaitTimeout { job_id: id.to_string(), waited: self.started.elapsed(), last_status: last_status.to_string() }
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
    /// The gateway has shown this job exists (it accepted it, or a poll found it), so a later
    /// 404 means its retention passed rather than a wrong id.
    seen: Arc<AtomicBool>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("id", &self.id).field("status", &self.status()).field("progress", &self.progress()).finish()
    }
}

impl Job {
    pub(crate) fn accepted(client: Client, envelope: Value, meta: ResponseMeta) -> Result<Job> {
        let id = envelope.get("job_id").and_then(Value::as_str).ok_or_else(|| Error::decode("a job envelope without `job_id`", envelope.to_string().as_bytes()))?.to_string();
        Ok(Job { client, id, state: Arc::new(Mutex::new(envelope)), accepted_meta: Some(meta), seen: Arc::new(AtomicBool::new(true)) })
    }

    /// A handle for a job created elsewhere (another process, an earlier run). Until a poll
    /// finds it, a 404 is the gateway's not-found error (a wrong id), not [`Error::JobExpired`].
    pub fn attach(client: &Client, id: impl Into<String>) -> Job {
        let id = id.into();
        let state = Arc::new(Mutex::new(serde_json::json!({"job_id": id, "status": "processing"})));
        Job { client: client.clone(), state, id, accepted_meta: None, seen: Arc::new(AtomicBool::new(false)) }
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
            Error::Api(a) if a.status == 404 && self.seen.load(Ordering::Acquire) => Error::JobExpired { job_id: self.id.clone(), request_id: a.request_id.clone() },
            other => other,
        }
    }

    async fn poll(&self, options: RequestOptions) -> Result<(Value, Option<Duration>)> {
        let r = self.client.call(id::RETRIEVE_JOB, CallArgs::new().path("job_id", &self.id).options(options)).await.map_err(|e| self.expired_or(e))?;
        let v = r.value()?;
        self.seen.store(true, Ordering::Release);
        *self.state.lock().unwrap() = v.clone();
        Ok((v, retry::retry_after(&r.meta.headers)))
    }

    /// Fetches the current state.
    pub async fn refresh(&self) -> Result<Value> {
        Ok(self.poll(RequestOptions::new()).await?.0)
    }

    /// Polls until the job finishes; returns its result. A failed job is
    /// [`Error::JobFailed`]; a deadline passing is [`Error::JobWaitTimeout`] (kept to within a
    /// poll's round trip: each poll is bounded by the time left) and leaves the handle usable.
    /// A transient poll failure is polled again inside the deadline. Cancel-safe: dropping the
    /// future mid-wait changes nothing.
    pub async fn wait(&self, opts: WaitOptions) -> Result<Value> {
        let mut poller = Poller::new(&opts);
        loop {
            let last = self.status();
            let (state, asked) = match self.poll(poller.poll_options(&self.client, &last, &self.id)?).await {
                Ok(got) => got,
                Err(Error::Timeout { kind: TimeoutKind::Request, .. }) if poller.past_deadline() => {
                    return Err(poller.timed_out(&self.id, &last));
                }
                Err(e) => {
                    poller.after_failure(&self.id, &last, e).await?;
                    continue;
                }
            };
            match state.get("status").and_then(Value::as_str).unwrap_or("processing") {
                "completed" => return Ok(state.get("result").cloned().unwrap_or(Value::Null)),
                "failed" => return Err(failed(&self.id, state.get("error").cloned().unwrap_or(Value::Null), "the job failed")),
                status => poller.pause(&self.id, status, &state, asked).await?,
            }
        }
    }

    /// Best-effort cancel (`DELETE /v1/jobs/{id}`); a finished job is left as it is.
    pub async fn cancel(&self) -> Result<Value> {
        let r = self.client.call(id::CANCEL_JOB, CallArgs::new().path("job_id", &self.id)).await.map_err(|e| self.expired_or(e))?;
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
