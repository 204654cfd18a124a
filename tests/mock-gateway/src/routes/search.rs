//! `POST /v1/search` (results), `POST /v1/research` (a job whose result is a cited report) and
//! `POST /v1/answer` (an answer with citations, or a stream of `answer.*` events).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, Res};
use crate::catalog::{ANSWER, RESEARCH, SEARCH};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::sse::{self, Event, Flavor};
use crate::state::AppState;
use crate::text_gen::{self, Plan};
use crate::validate::{self, opt, req, Ty};
use crate::{ids, jobs};

fn citations(query: &str, n: usize) -> Vec<Value> {
    let slug: String = query.split_whitespace().take(4).collect::<Vec<_>>().join("-").to_lowercase();
    (0..n)
        .map(|i| json!({
            "title": format!("{query} — source {}", i + 1),
            "url": format!("https://example.org/{slug}/{}", i + 1),
            "snippet": format!("Finding {} about {query}.", i + 1),
        }))
        .collect()
}

const SEARCH_FIELDS: &[validate::F] = &[req("model", Ty::Str), req("query", Ty::Str), opt("max_results", Ty::Int).range(1.0, 100.0), opt("num_results", Ty::Int).range(1.0, 100.0)];

pub async fn search(body: Bytes) -> Res {
    let b = validate::body(&body, SEARCH_FIELDS)?;
    let model = model_for(&b, SEARCH)?;
    let query = validate::str_field(&b, "query").unwrap_or_default();
    let n = validate::u64_field(&b, "max_results").or(validate::u64_field(&b, "num_results")).unwrap_or(5) as usize;
    let results: Vec<Value> = citations(query, n)
        .into_iter()
        .enumerate()
        .map(|(i, c)| json!({"title": c["title"], "url": c["url"], "content": c["snippet"], "score": 1.0 - i as f64 * 0.05, "published_date": "2026-05-01"}))
        .collect();
    let mut out = json!({"object": "search.results", "model": model.id, "query": query, "results": results, "usage": {"requests": 1, "cost_usd": model.cost(0, 1.0)}});
    if b.get("include_answer").is_some_and(|v| v != &json!(false)) || model.id == "linkup-deep-search" {
        out["answer"] = json!(format!("Summary of what the sources say about {query}."));
    }
    ok(out)
}

const RESEARCH_FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    opt("query", Ty::Str),
    opt("messages", Ty::Arr),
    opt("reasoning_effort", Ty::Str).one_of(&["low", "medium", "high"]),
    opt("max_output_tokens", Ty::Int).min(1.0),
    opt("search_domain_filter", Ty::Str),
    opt("search_recency_filter", Ty::Str).one_of(&["hour", "day", "week", "month", "year"]),
    opt("disable_formatting", Ty::Bool),
];

pub async fn research(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, RESEARCH_FIELDS)?;
    let model = model_for(&b, RESEARCH)?;
    let query = match (validate::str_field(&b, "query"), b.get("messages").and_then(Value::as_array)) {
        (Some(q), _) => q.to_string(),
        (None, Some(m)) if !m.is_empty() => text_gen::last_user_text(m),
        _ => return Err(ApiError::missing("query")),
    };
    let cites = citations(&query, 4);
    let report = format!(
        "# {query}\n\n## Summary\nThe sources agree on the main points [1][2].\n\n## Details\nFurther evidence appears in [3] and [4].\n\n## References\n{}",
        cites.iter().enumerate().map(|(i, c)| format!("[{}] {}", i + 1, c["url"].as_str().unwrap_or(""))).collect::<Vec<_>>().join("\n")
    );
    let result = json!({
        "object": "research.report", "model": model.id, "query": query, "report": report, "citations": cites,
        "usage": {"num_search_queries": 6, "citation_tokens": 1200, "reasoning_tokens": 800, "cost_usd": model.cost(0, 1.0)},
    });
    Ok(jobs::accept(&st, &ctx, StatusCode::ACCEPTED, model.id, result))
}

const ANSWER_FIELDS: &[validate::F] = &[req("model", Ty::Str), req("query", Ty::Str), opt("stream", Ty::Bool)];

pub async fn answer(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, ANSWER_FIELDS)?;
    let model = model_for(&b, ANSWER)?;
    let query = validate::str_field(&b, "query").unwrap_or_default().to_string();
    let plan = Plan::new(&query, text_gen::count_tokens(&json!(query)), None, ctx.stream_tokens);
    let cites = citations(&query, 3);
    let usage = json!({"prompt_tokens": plan.prompt_tokens, "completion_tokens": plan.n, "total_tokens": plan.prompt_tokens + plan.n as u64, "cost_usd": model.cost(0, 1.0)});
    if !validate::bool_field(&b, "stream").unwrap_or(false) {
        return ok(json!({"id": ids::new_id("ans"), "model": model.id, "answer": plan.text(), "citations": cites, "usage": usage}));
    }
    let n = plan.n;
    let text = plan.text();
    let deltas = (0..n).map(move |i| Event::json(&json!({"type": "answer.delta", "delta": plan.token(i)})));
    let tail = vec![
        Event::json(&json!({"type": "answer.citations", "citations": cites})),
        Event::json(&json!({"type": "answer.done", "answer": text, "usage": usage})),
        Event::done(),
    ];
    Ok(sse::respond(&st, &ctx, Flavor::Typed("error"), n + tail.len(), deltas.chain(tail)))
}
