//! `GET /v1/playground/conversations` (paged by `before` on `updated_at`) and
//! `GET /v1/playground/conversations/{conversation_id}`.

use axum::extract::{Path, RawQuery};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};

use super::{ok, query, query_int, Res};
use crate::errors::ApiError;
use crate::ids;

/// How many saved conversations the account has.
pub const CONVERSATION_COUNT: usize = 120;

const MODELS: &[&str] = &["deepseek-v4-pro", "qwen3-max", "mistral-small-4"];

fn updated_at(i: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 6, 0, 0, 0).unwrap() - Duration::hours(3 * i as i64)
}

fn summary(i: usize) -> Value {
    let updated = updated_at(i);
    json!({
        "id": format!("conv_{i:04}"), "object": "playground_conversation", "model": MODELS[i % MODELS.len()],
        "title": format!("Saved chat #{}", CONVERSATION_COUNT - i), "message_count": 2 + 2 * (i % 4),
        "created_at": ids::rfc3339(updated - Duration::hours(1)), "updated_at": ids::rfc3339(updated),
    })
}

pub async fn list(RawQuery(raw): RawQuery) -> Res {
    let q = query(raw);
    let limit = query_int(&q, "limit", 50, 1, 100)? as usize;
    let before = match q.get("before") {
        None => None,
        Some(v) => Some(DateTime::parse_from_rfc3339(v).map(|t| t.with_timezone(&Utc)).map_err(|_| {
            ApiError::invalid("before", "invalid_value", format!("Invalid value for 'before': '{v}'; expected an RFC 3339 timestamp."))
        })?),
    };
    let model = q.get("model");
    let matching: Vec<usize> = (0..CONVERSATION_COUNT)
        .filter(|i| before.is_none_or(|b| updated_at(*i) < b))
        .filter(|i| model.is_none_or(|m| MODELS[i % MODELS.len()] == m))
        .collect();
    let has_more = matching.len() > limit;
    let page: Vec<usize> = matching.into_iter().take(limit).collect();
    ok(json!({
        "object": "list",
        "data": page.iter().map(|i| summary(*i)).collect::<Vec<_>>(),
        "has_more": has_more,
        "next_cursor": if has_more { json!(ids::rfc3339(updated_at(*page.last().unwrap()))) } else { Value::Null },
    }))
}

pub async fn retrieve(Path(id): Path<String>) -> Res {
    let i = id
        .strip_prefix("conv_")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n < CONVERSATION_COUNT)
        .ok_or_else(|| ApiError::not_found("conversation_not_found", format!("No saved Playground conversation `{id}`.")).with_param("conversation_id"))?;
    let mut v = summary(i);
    let count = v["message_count"].as_u64().unwrap_or(2) as usize;
    v["messages"] = json!((0..count)
        .map(|k| if k % 2 == 0 { json!({"role": "user", "content": format!("Question {}", k / 2 + 1)}) } else { json!({"role": "assistant", "content": format!("Answer {}", k / 2 + 1)}) })
        .collect::<Vec<_>>());
    ok(v)
}
