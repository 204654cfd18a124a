//! The async job store behind `/v1/jobs`: jobs advance with time from `processing` (rising
//! `progress`) to `completed` (with the synchronous endpoint's result) or `failed`, and vanish
//! `retention` after they finish.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::ids;

#[derive(Clone, Debug)]
pub struct Job {
    pub id: String,
    pub model: String,
    created_at: DateTime<Utc>,
    started: Instant,
    duration: Duration,
    fails: bool,
    result: Value,
    /// When and at what progress the user cancelled it.
    cancelled: Option<(Instant, f64)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Status {
    Processing,
    Completed,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Processing => "processing",
            Status::Completed => "completed",
            Status::Failed => "failed",
        }
    }
}

impl Job {
    fn progress_at(&self, now: Instant) -> f64 {
        if self.duration.is_zero() {
            return 1.0;
        }
        (now.duration_since(self.started).as_secs_f64() / self.duration.as_secs_f64()).min(1.0)
    }

    /// Status and the instant it finished, if it has.
    fn phase(&self, now: Instant) -> (Status, Option<Instant>) {
        if let Some((at, _)) = self.cancelled {
            return (Status::Failed, Some(at));
        }
        let end = self.started + self.duration;
        if now < end {
            (Status::Processing, None)
        } else if self.fails {
            (Status::Failed, Some(end))
        } else {
            (Status::Completed, Some(end))
        }
    }

    pub fn status(&self, now: Instant) -> Status {
        self.phase(now).0
    }

    pub fn to_json(&self, now: Instant) -> Value {
        let (status, finished) = self.phase(now);
        let progress = match (status, self.cancelled) {
            (_, Some((_, p))) => p,
            (Status::Completed, _) => 1.0,
            (Status::Failed, _) => 0.9,
            (Status::Processing, _) => (self.progress_at(now) * 100.0).floor() / 100.0,
        };
        let completed_at = finished.map(|f| {
            let elapsed = f.duration_since(self.started);
            ids::rfc3339(self.created_at + chrono::Duration::from_std(elapsed).unwrap_or_default())
        });
        let error = match (status, self.cancelled) {
            (Status::Failed, Some(_)) => json!({"message": "The job was cancelled.", "type": "job_cancelled", "code": "cancelled"}),
            (Status::Failed, None) => json!({
                "message": format!("The upstream worker for `{}` failed to produce an output.", self.model),
                "type": "job_failed",
                "code": "upstream_error",
            }),
            _ => Value::Null,
        };
        json!({
            "job_id": self.id,
            "status": status.as_str(),
            "progress": progress,
            "created_at": ids::rfc3339(self.created_at),
            "completed_at": completed_at,
            "result": if status == Status::Completed { self.result.clone() } else { Value::Null },
            "error": error,
        })
    }

    /// The `JobAccepted` envelope returned by job-creating endpoints.
    pub fn accepted(&self) -> Value {
        json!({
            "job_id": self.id,
            "status": "processing",
            "poll_url": format!("/v1/jobs/{}", self.id),
            "created_at": ids::rfc3339(self.created_at),
        })
    }
}

pub struct JobStore {
    jobs: HashMap<String, Job>,
    retention: Duration,
}

impl JobStore {
    pub fn new(retention: Duration) -> Self {
        JobStore { jobs: HashMap::new(), retention }
    }

    pub fn clear(&mut self) {
        self.jobs.clear();
    }

    /// Creates a job that takes the request's `x-mock-job-ms` and ends as `x-mock-job-outcome`.
    pub fn create(&mut self, ctx: &Ctx, model: &str, result: Value) -> Job {
        let job = Job {
            id: ids::new_id("job"),
            model: model.to_string(),
            created_at: Utc::now(),
            started: Instant::now(),
            duration: ctx.job_duration,
            fails: ctx.job_fails,
            result,
            cancelled: None,
        };
        self.jobs.insert(job.id.clone(), job.clone());
        job
    }

    /// Drops jobs whose retention has passed.
    fn prune(&mut self, now: Instant) {
        let retention = self.retention;
        self.jobs.retain(|_, j| match j.phase(now).1 {
            Some(done) => now.duration_since(done) < retention,
            None => true,
        });
    }

    pub fn get(&mut self, id: &str) -> Option<&Job> {
        self.prune(Instant::now());
        self.jobs.get(id)
    }

    pub fn cancel(&mut self, id: &str) -> Option<Value> {
        let now = Instant::now();
        self.prune(now);
        let job = self.jobs.get_mut(id)?;
        if job.status(now) == Status::Processing {
            job.cancelled = Some((now, (job.progress_at(now) * 100.0).floor() / 100.0));
        }
        Some(job.to_json(now))
    }

    /// Newest first, optionally only one status.
    pub fn list(&mut self, status: Option<&str>, limit: usize) -> Vec<Value> {
        let now = Instant::now();
        self.prune(now);
        let mut jobs: Vec<&Job> = self.jobs.values().filter(|j| status.is_none_or(|s| j.status(now).as_str() == s)).collect();
        jobs.sort_by(|a, b| b.started.cmp(&a.started).then_with(|| b.id.cmp(&a.id)));
        jobs.into_iter().take(limit).map(|j| j.to_json(now)).collect()
    }
}

/// The 404 for a job id that never existed or whose retention has passed.
pub fn not_found(id: &str) -> crate::errors::ApiError {
    crate::errors::ApiError::not_found(
        "job_not_found",
        format!("No job `{id}`: it does not exist or its 1-hour retention after completion has passed."),
    )
    .with_param("job_id")
}

/// Creates a job and answers with its `JobAccepted` envelope and the given status.
pub fn accept(state: &crate::state::AppState, ctx: &Ctx, status: StatusCode, model: &str, result: Value) -> Response {
    let job = state.jobs.lock().unwrap().create(ctx, model, result);
    (status, Json(job.accepted())).into_response()
}
