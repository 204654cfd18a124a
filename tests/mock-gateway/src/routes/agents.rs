//! Agent tasks: `POST /v1/agents/run` (start, or follow up with `task_id`; streamed by default),
//! `GET /v1/agents/{task_id}`, `.../messages`, and `POST .../stop`. Tasks go
//! queued → running → completed (or failed) with time, and stop when told.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{model_for, ok, with_status, Res};
use crate::catalog::AGENTS;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::sse::{self, Event, Flavor};
use crate::state::AppState;
use crate::validate::{self, opt, req, Ty};
use crate::ids;

const STEPS: &[&str] = &["Planning the task.", "Browsing and reading sources.", "Drafting the deliverable."];

#[derive(Clone, Debug)]
pub struct AgentTask {
    id: String,
    model: String,
    inputs: Vec<String>,
    created_at: DateTime<Utc>,
    started: Instant,
    queued_until: Instant,
    done_at: Instant,
    stopped: Option<Instant>,
    fails: bool,
}

impl AgentTask {
    fn status(&self, now: Instant) -> &'static str {
        if self.stopped.is_some() {
            "stopped"
        } else if now < self.queued_until {
            "queued"
        } else if now < self.done_at {
            "running"
        } else if self.fails {
            "failed"
        } else {
            "completed"
        }
    }

    fn progress(&self, now: Instant) -> f64 {
        let end = self.stopped.unwrap_or(now).min(self.done_at);
        let total = self.done_at.duration_since(self.started).as_secs_f64();
        if total <= 0.0 {
            return 1.0;
        }
        (end.saturating_duration_since(self.started).as_secs_f64() / total).clamp(0.0, 1.0)
    }

    fn output(&self, now: Instant) -> String {
        match self.status(now) {
            "completed" => format!("# Result\n\nCompleted: {}", self.inputs.join(" / Follow-up: ")),
            "stopped" | "running" => format!("Partial work on: {}", self.inputs.join(" / ")),
            _ => String::new(),
        }
    }

    fn usage(&self, now: Instant) -> Value {
        let credits = (self.progress(now) * 250.0).round();
        json!({"credits": credits, "cost_usd": (credits * 0.001 * 1e6).round() / 1e6})
    }

    fn artifacts(&self, now: Instant) -> Value {
        if self.status(now) == "completed" {
            json!([{"type": "document", "url": super::media_url(&self.id, "report.md")}])
        } else {
            json!([])
        }
    }

    fn to_json(&self, now: Instant) -> Value {
        let status = self.status(now);
        let mut v = json!({
            "task_id": self.id, "status": status, "model": self.model, "created_at": ids::rfc3339(self.created_at),
            "output": self.output(now), "artifacts": self.artifacts(now), "usage": self.usage(now),
        });
        if status == "failed" {
            v["error"] = json!({"message": "The agent could not finish the task.", "type": "agent_failed", "code": "upstream_error"});
        }
        v
    }

    /// Every message so far: each input, then the steps reached by now.
    fn messages(&self, now: Instant) -> Vec<Value> {
        let reached = (self.progress(now) * STEPS.len() as f64).floor() as usize;
        let mut out = Vec::new();
        for (i, input) in self.inputs.iter().enumerate() {
            out.push(json!({"role": "user", "type": "message", "content": input}));
            let steps = if i + 1 == self.inputs.len() { reached } else { STEPS.len() };
            out.extend(STEPS.iter().take(steps).map(|s| json!({"role": "assistant", "type": "step", "content": s})));
        }
        if self.status(now) == "completed" {
            out.push(json!({"role": "assistant", "type": "final", "content": self.output(now)}));
        }
        out
    }
}

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("input", Ty::Str),
    opt("task_id", Ty::Str),
    opt("stream", Ty::Bool),
    opt("agent_profile", Ty::Str),
    opt("poll_interval_seconds", Ty::Num).range(1.0, 30.0),
    opt("max_wait_seconds", Ty::Num).range(5.0, 1800.0),
    opt("share_visibility", Ty::Str).one_of(&["public", "private"]),
    opt("disable_formatting", Ty::Bool),
];

fn not_found(id: &str) -> ApiError {
    ApiError::not_found("task_not_found", format!("No agent task `{id}`.")).with_param("task_id")
}

pub async fn run(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, AGENTS)?;
    let input = validate::str_field(&b, "input").unwrap_or_default().to_string();
    let now = Instant::now();
    let task = {
        let mut tasks = st.agents.lock().unwrap();
        match validate::str_field(&b, "task_id") {
            Some(id) => {
                let t = tasks.get_mut(id).ok_or_else(|| not_found(id))?;
                if t.stopped.is_some() {
                    return Err(ApiError::new(StatusCode::CONFLICT, "conflict_error", "task_stopped", format!("Agent task `{id}` was stopped and takes no follow-ups.")).with_param("task_id"));
                }
                t.inputs.push(input.clone());
                // A follow-up keeps the task busy for another stretch.
                t.queued_until = t.queued_until.min(now);
                t.done_at = t.done_at.max(now + ctx.job_duration);
                t.fails = ctx.job_fails;
                t.clone()
            }
            None => {
                let t = AgentTask {
                    id: ids::new_id("task"),
                    model: model.id.to_string(),
                    inputs: vec![input.clone()],
                    created_at: Utc::now(),
                    started: now,
                    queued_until: now + ctx.job_duration.mul_f64(0.2),
                    done_at: now + ctx.job_duration,
                    stopped: None,
                    fails: ctx.job_fails,
                };
                tasks.insert(t.id.clone(), t.clone());
                t
            }
        }
    };
    let follow_up = b.contains_key("task_id");
    if !validate::bool_field(&b, "stream").unwrap_or(true) {
        let max_wait = ctx.max_wait.unwrap_or_else(|| {
            Duration::from_secs_f64(b.get("max_wait_seconds").and_then(Value::as_f64).unwrap_or(DEFAULT_MAX_WAIT_SECS))
        });
        return hold_until_settled(&st, &task.id, now + max_wait).await;
    }
    let mut evs = vec![
        Event::json(&json!({"type": if follow_up { "task.follow_up" } else { "task.created" }, "task_id": task.id, "status": task.status(now), "model": task.model})),
        Event::json(&json!({"type": "task.status", "task_id": task.id, "status": "running"})),
    ];
    evs.extend(STEPS.iter().map(|s| Event::json(&json!({"type": "task.message", "task_id": task.id, "message": {"role": "assistant", "type": "step", "content": s}}))));
    for piece in ["# Result\n\n", "Completed: ", &input] {
        evs.push(Event::json(&json!({"type": "task.output.delta", "task_id": task.id, "delta": piece})));
    }
    let len = evs.len() + 2;
    let state = st.clone();
    let id = task.id.clone();
    // The task finishes when its stream does: the final event is built lazily, at the end.
    let last = std::iter::once_with(move || {
        let mut tasks = state.agents.lock().unwrap();
        let now = Instant::now();
        let Some(t) = tasks.get_mut(&id) else { return Event::json(&json!({"type": "task.stopped", "task_id": id})) };
        if t.stopped.is_none() {
            t.queued_until = t.queued_until.min(now);
            t.done_at = t.done_at.min(now);
        }
        let v = t.to_json(now);
        let kind = match t.status(now) {
            "failed" => "task.failed",
            "stopped" => "task.stopped",
            _ => "task.completed",
        };
        let mut ev = v;
        ev["type"] = json!(kind);
        Event::json(&ev)
    });
    Ok(sse::respond(&st, &ctx, Flavor::Typed("error"), len, evs.into_iter().chain(last).chain(std::iter::once(Event::done()))))
}

/// How long a non-streaming run blocks when the body gives no `max_wait_seconds`.
const DEFAULT_MAX_WAIT_SECS: f64 = 900.0;

fn is_terminal(status: &str) -> bool {
    matches!(status, "completed" | "failed" | "stopped")
}

/// The answer of a non-streaming run: held (without blocking other requests) until the task
/// reaches a terminal state or `deadline` passes, then 202 with the task's state as it is then:
/// `task_id`, `status`, `poll_url`, and the task's `model`, `output`, `artifacts`, `usage`
/// (and `error` when it failed).
async fn hold_until_settled(st: &Arc<AppState>, id: &str, deadline: Instant) -> Res {
    loop {
        // Register for wake-ups before looking, so a stop between the look and the wait counts.
        let changed = st.agents_changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        let wake_at = {
            let tasks = st.agents.lock().unwrap();
            let t = tasks.get(id).ok_or_else(|| not_found(id))?;
            let now = Instant::now();
            if is_terminal(t.status(now)) || now >= deadline {
                let mut v = t.to_json(now);
                v["poll_url"] = json!(format!("/v1/agents/{id}"));
                return with_status(StatusCode::ACCEPTED, v);
            }
            // A follow-up may push done_at later; the loop looks again when it wakes.
            t.done_at.min(deadline)
        };
        tokio::select! {
            _ = tokio::time::sleep_until(wake_at.into()) => {}
            _ = &mut changed => {}
        }
    }
}

pub async fn get(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let tasks = st.agents.lock().unwrap();
    let t = tasks.get(&id).ok_or_else(|| not_found(&id))?;
    ok(t.to_json(Instant::now()))
}

pub async fn messages(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let tasks = st.agents.lock().unwrap();
    let t = tasks.get(&id).ok_or_else(|| not_found(&id))?;
    let now = Instant::now();
    ok(json!({"object": "agent.messages", "model": t.model, "task_id": t.id, "result": {"status": t.status(now), "messages": t.messages(now)}}))
}

pub async fn stop(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let mut tasks = st.agents.lock().unwrap();
    let t = tasks.get_mut(&id).ok_or_else(|| not_found(&id))?;
    let now = Instant::now();
    if matches!(t.status(now), "queued" | "running") {
        t.stopped = Some(now);
        st.agents_changed.notify_waiters();
    }
    let v = t.to_json(now);
    ok(json!({"task_id": v["task_id"], "status": v["status"], "output": v["output"], "usage": v["usage"]}))
}

