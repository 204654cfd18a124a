//! `POST /v1/reranks`: documents scored by word overlap with the query, best first.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, Res};
use crate::catalog::RERANKS;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::text_gen;
use crate::validate::{self, opt, req, Ty};

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("query", Ty::Str),
    req("documents", Ty::Arr),
    opt("top_n", Ty::Int).range(1.0, 500.0),
    opt("instruct", Ty::Str),
    opt("return_documents", Ty::Bool),
];

fn words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 2).map(str::to_lowercase).collect()
}

pub async fn create(State(_st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, RERANKS)?;
    let query = validate::str_field(&b, "query").unwrap_or_default();
    let docs = b.get("documents").and_then(Value::as_array).cloned().unwrap_or_default();
    if docs.is_empty() || docs.len() > 500 {
        return Err(ApiError::invalid("documents", "invalid_value", format!("'documents' must hold 1 to 500 items; got {}.", docs.len())));
    }
    let mut texts = Vec::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        let t = d.as_str().ok_or_else(|| ApiError::invalid(&format!("documents[{i}]"), "invalid_type", format!("Invalid type for 'documents[{i}]': expected a string.")))?;
        texts.push(t);
    }
    let q = words(query);
    let mut scored: Vec<(usize, f64)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let w = words(t);
            let overlap = q.intersection(&w).count() as f64;
            let score = (overlap + 0.05) / (q.len() as f64 + 0.1) * (1.0 - 0.001 * i as f64);
            (i, (score.clamp(0.0, 1.0) * 1e4).round() / 1e4)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let top = validate::u64_field(&b, "top_n").map(|n| n as usize).unwrap_or(scored.len());
    let with_docs = validate::bool_field(&b, "return_documents").unwrap_or(false);
    let results: Vec<Value> = scored
        .into_iter()
        .take(top)
        .map(|(i, s)| {
            let mut r = json!({"index": i, "relevance_score": s});
            if with_docs {
                r["document"] = json!({"text": texts[i]});
            }
            r
        })
        .collect();
    let tokens = text_gen::count_tokens(&json!(query)) + text_gen::count_tokens(&Value::Array(docs));
    ok(json!({
        "output": {"results": results},
        "usage": {"total_tokens": tokens, "cost_usd": model.cost(tokens, 0.0)},
        "request_id": ctx.request_id,
    }))
}
