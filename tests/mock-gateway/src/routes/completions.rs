//! `POST /v1/completions`: OpenAI legacy prompt completions (`text_completion`), plain or streamed.

use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, Res};
use crate::catalog::COMPLETIONS;
use crate::ctx::Ctx;
use crate::ids;
use crate::sse::{self, Event, Flavor};
use crate::state::AppState;
use crate::text_gen::{self, Plan};
use crate::validate::{self, opt, req, Ty};

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("prompt", Ty::StrOrArr),
    opt("stream", Ty::Bool),
    opt("temperature", Ty::Num).range(0.0, 2.0),
    opt("top_p", Ty::Num).range(0.0, 1.0),
    opt("max_tokens", Ty::Int).min(1.0),
    opt("stop", Ty::StrOrArr),
    opt("logit_bias", Ty::Obj),
    opt("n", Ty::Int).range(1.0, 8.0),
    opt("echo", Ty::Bool),
];

pub async fn create(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, COMPLETIONS)?;
    let prompt = b.get("prompt").cloned().unwrap_or_default();
    let prompt_text = match &prompt {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "),
        other => other.as_str().unwrap_or_default().to_string(),
    };
    let prompt_tokens = text_gen::count_tokens(&prompt);
    let plan = Plan::new(&prompt_text, prompt_tokens, validate::u64_field(&b, "max_tokens"), ctx.stream_tokens);
    let finish = if plan.truncated { "length" } else { "stop" };
    let id = ids::new_id("cmpl-");
    let created = ids::unix_now();
    let usage = text_gen::usage(model, prompt_tokens, plan.n as u64);

    if !validate::bool_field(&b, "stream").unwrap_or(false) {
        let mut text = plan.text();
        if validate::bool_field(&b, "echo").unwrap_or(false) {
            text = format!("{prompt_text}{text}");
        }
        let n = validate::u64_field(&b, "n").unwrap_or(1);
        let choices: Vec<Value> = (0..n).map(|i| json!({"text": text, "index": i, "logprobs": null, "finish_reason": finish})).collect();
        return ok(json!({
            "id": id, "object": "text_completion", "created": created, "model": model.id, "system_fingerprint": null,
            "choices": choices, "usage": usage,
        }));
    }

    let head = format!(r#"{{"id":"{id}","object":"text_completion","created":{created},"model":"{}","system_fingerprint":null,"choices":"#, model.id);
    let n = plan.n;
    let body = plan.events(|t| Event::data(format!(r#"{head}[{{"text":{},"index":0,"logprobs":null,"finish_reason":null}}]}}"#, Value::String(t.to_string()))));
    let tail = vec![
        Event::data(format!(r#"{head}[{{"text":"","index":0,"logprobs":null,"finish_reason":"{finish}"}}]}}"#)),
        Event::data(format!(r#"{head}[],"usage":{usage}}}"#)),
        Event::done(),
    ];
    Ok(sse::respond(&st, &ctx, Flavor::OpenAi, n + tail.len(), body.chain(tail)))
}
