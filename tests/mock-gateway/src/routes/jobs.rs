//! `GET /v1/jobs`, `GET /v1/jobs/{job_id}` and `DELETE /v1/jobs/{job_id}` (best-effort cancel).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, RawQuery, State};
use serde_json::json;

use super::{ok, query, query_enum, query_int, Res};
use crate::jobs::not_found;
use crate::state::AppState;

pub async fn list(State(st): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Res {
    let q = query(raw);
    let status = query_enum(&q, "status", &["processing", "completed", "failed"])?;
    let limit = query_int(&q, "limit", 25, 1, 100)? as usize;
    let data = st.jobs.lock().unwrap().list(status, limit);
    ok(json!({"object": "list", "data": data}))
}

pub async fn retrieve(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let mut store = st.jobs.lock().unwrap();
    let job = store.get(&id).ok_or_else(|| not_found(&id))?;
    ok(job.to_json(Instant::now()))
}

pub async fn cancel(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let v = st.jobs.lock().unwrap().cancel(&id).ok_or_else(|| not_found(&id))?;
    ok(v)
}
