//! The per-request context: request id, log sequence number, active fault, and the knobs a
//! request may set through `x-mock-*` headers.

use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;

use crate::errors::ApiError;
use crate::fault::{self, Fault};
use crate::state::AppState;

#[derive(Clone, Debug)]
pub struct Ctx {
    pub request_id: String,
    /// This request's sequence number in the request log.
    pub seq: u64,
    /// The request target as received (path and query, before any `/v1` rewrite).
    pub target: String,
    pub fault: Option<Fault>,
    /// `x-mock-delay-ms`: pause between stream events.
    pub delay: Duration,
    /// `x-mock-stream-tokens`: the natural length of generated text (still capped by max_tokens).
    pub stream_tokens: Option<usize>,
    /// `x-mock-job-ms`: how long a job, task or boot created by this request takes.
    pub job_duration: Duration,
    /// `x-mock-job-outcome: failed`: the job ends in `failed`.
    pub job_fails: bool,
    /// `x-mock-audio-seconds`: the length of uploaded or linked audio.
    pub audio_seconds: Option<f64>,
    /// `x-mock-max-wait-ms`: the longest a non-streaming agents/run holds its answer, instead of
    /// the body's `max_wait_seconds`.
    pub max_wait: Option<Duration>,
}

impl Ctx {
    pub fn from_request(
        state: &Arc<AppState>,
        h: &HeaderMap,
        method: &str,
        path: &str,
        target: &str,
        request_id: String,
        seq: u64,
    ) -> Result<Ctx, ApiError> {
        let num = |name: &str| -> Result<Option<f64>, ApiError> {
            match h.get(name).and_then(|v| v.to_str().ok()) {
                None => Ok(None),
                Some(v) => v.trim().parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0).map(Some).ok_or_else(|| {
                    ApiError::invalid(name, "invalid_mock_header", format!("Header `{name}` must be a non-negative number, got `{v}`."))
                }),
            }
        };
        let outcome = h.get("x-mock-job-outcome").and_then(|v| v.to_str().ok()).unwrap_or("completed");
        if !matches!(outcome, "completed" | "failed") {
            return Err(ApiError::invalid(
                "x-mock-job-outcome",
                "invalid_mock_header",
                format!("Header `x-mock-job-outcome` must be `completed` or `failed`, got `{outcome}`."),
            ));
        }
        Ok(Ctx {
            request_id,
            seq,
            target: target.to_string(),
            fault: fault::from_request(h, method, path, &state.fault_counters)?,
            delay: Duration::from_secs_f64(num("x-mock-delay-ms")?.unwrap_or(0.0) / 1000.0),
            stream_tokens: num("x-mock-stream-tokens")?.map(|n| n as usize),
            job_duration: num("x-mock-job-ms")?
                .map(|ms| Duration::from_secs_f64(ms / 1000.0))
                .unwrap_or(state.opts.job_duration),
            job_fails: outcome == "failed",
            audio_seconds: num("x-mock-audio-seconds")?,
            max_wait: num("x-mock-max-wait-ms")?.map(|ms| Duration::from_secs_f64(ms / 1000.0)),
        })
    }
}
