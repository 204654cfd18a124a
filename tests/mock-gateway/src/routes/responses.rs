//! `POST /v1/responses`: the OpenAI Responses API, plain or streamed as its typed events.

use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, Res};
use crate::catalog::{Model, RESPONSES};
use crate::ctx::Ctx;
use crate::ids;
use crate::sse::{self, Event, Flavor};
use crate::state::AppState;
use crate::text_gen::{self, Plan, THINKING};
use crate::validate::{self, opt, req, Ty};

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("input", Ty::StrOrArr),
    opt("instructions", Ty::Str),
    opt("stream", Ty::Bool),
    opt("max_output_tokens", Ty::Int).min(1.0),
    opt("temperature", Ty::Num).range(0.0, 2.0),
    opt("top_p", Ty::Num).range(0.0, 1.0),
    opt("enable_thinking", Ty::Bool),
    opt("thinking_budget", Ty::Int).min(1.0),
    opt("previous_response_id", Ty::Str),
    opt("metadata", Ty::Obj),
];

fn input_text(input: &Value) -> String {
    match input {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let users: Vec<Value> = items.iter().filter(|i| i.get("role").and_then(Value::as_str).unwrap_or("user") == "user").cloned().collect();
            users.last().map(|m| text_gen::content_text(m.get("content").unwrap_or(&Value::Null))).unwrap_or_default()
        }
        _ => String::new(),
    }
}

struct Reply {
    id: String,
    msg_id: String,
    created: i64,
    model: &'static Model,
    text: String,
    reasoning: Option<String>,
    usage: Value,
    truncated: bool,
    instructions: Value,
}

impl Reply {
    fn message(&self, status: &str, text: &str) -> Value {
        let content = if status == "completed" { json!([{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]) } else { json!([]) };
        json!({"id": self.msg_id, "type": "message", "status": status, "role": "assistant", "content": content})
    }

    fn object(&self, status: &str, output: Vec<Value>, usage: Value) -> Value {
        json!({
            "id": self.id, "object": "response", "created_at": self.created, "status": status,
            "model": self.model.id, "output": output, "output_text": if status == "completed" { json!(self.text) } else { json!("") },
            "error": null,
            "incomplete_details": if self.truncated && status == "completed" { json!({"reason": "max_output_tokens"}) } else { Value::Null },
            "instructions": self.instructions, "metadata": {}, "parallel_tool_calls": true, "temperature": 1.0,
            "tool_choice": "auto", "tools": [], "top_p": 1.0, "text": {"format": {"type": "text"}}, "truncation": "disabled",
            "usage": usage,
        })
    }

    fn output(&self) -> Vec<Value> {
        // The message stays at output_index 0, as the stream announces it.
        let mut out = vec![self.message("completed", &self.text)];
        if let Some(r) = &self.reasoning {
            out.push(json!({"id": format!("rs_{}", &self.msg_id[4..]), "type": "reasoning", "summary": [{"type": "summary_text", "text": r}]}));
        }
        out
    }
}

pub async fn create(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, RESPONSES)?;
    let input = b.get("input").cloned().unwrap_or_default();
    let prompt_tokens = text_gen::count_tokens(&input) + b.get("instructions").map(text_gen::count_tokens).unwrap_or(0);
    let plan = Plan::new(&input_text(&input), prompt_tokens, validate::u64_field(&b, "max_output_tokens"), ctx.stream_tokens);
    let thinking = validate::bool_field(&b, "enable_thinking").unwrap_or(false);
    let reasoning_tokens = if thinking { THINKING.len() as u64 } else { 0 };
    let base = text_gen::usage(model, prompt_tokens, plan.n as u64 + reasoning_tokens);
    let usage = json!({
        "input_tokens": prompt_tokens, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": plan.n as u64 + reasoning_tokens, "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
        "total_tokens": prompt_tokens + plan.n as u64 + reasoning_tokens, "cost_usd": base["cost_usd"],
    });
    let reply = Reply {
        id: ids::new_id("resp"),
        msg_id: ids::new_id("msg"),
        created: ids::unix_now(),
        model,
        text: plan.text(),
        reasoning: thinking.then(|| THINKING.concat()),
        usage,
        truncated: plan.truncated,
        instructions: b.get("instructions").cloned().unwrap_or(Value::Null),
    };
    if !validate::bool_field(&b, "stream").unwrap_or(false) {
        let status = if reply.truncated { "incomplete" } else { "completed" };
        let mut obj = reply.object("completed", reply.output(), reply.usage.clone());
        obj["status"] = json!(status);
        return ok(obj);
    }
    let events = stream_events(reply, plan);
    let len = events.size_hint().0;
    Ok(sse::respond(&st, &ctx, Flavor::Responses, len, events))
}

/// The Responses event sequence: created, in_progress, item and part added, text deltas,
/// text done, part done, item done, completed; each with a rising `sequence_number`.
fn stream_events(reply: Reply, plan: Plan) -> impl ExactSizeIterator<Item = Event> + Send {
    let mut seq = 0u64;
    let mut ev = |kind: &'static str, mut v: Value| {
        v["type"] = json!(kind);
        v["sequence_number"] = json!(seq);
        seq += 1;
        Event::named(kind, &v)
    };
    let item = &reply.msg_id;
    let mut evs = vec![
        ev("response.created", json!({"response": reply.object("in_progress", vec![], Value::Null)})),
        ev("response.in_progress", json!({"response": reply.object("in_progress", vec![], Value::Null)})),
        ev("response.output_item.added", json!({"output_index": 0, "item": reply.message("in_progress", "")})),
        ev("response.content_part.added", json!({"item_id": item, "output_index": 0, "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []}})),
    ];
    evs.reserve(plan.n + 5);
    for i in 0..plan.n {
        evs.push(ev("response.output_text.delta", json!({"item_id": item, "output_index": 0, "content_index": 0, "delta": plan.token(i), "logprobs": []})));
    }
    evs.push(ev("response.output_text.done", json!({"item_id": item, "output_index": 0, "content_index": 0, "text": reply.text, "logprobs": []})));
    evs.push(ev("response.content_part.done", json!({"item_id": item, "output_index": 0, "content_index": 0, "part": {"type": "output_text", "text": reply.text, "annotations": [], "logprobs": []}})));
    evs.push(ev("response.output_item.done", json!({"output_index": 0, "item": reply.message("completed", &reply.text)})));
    evs.push(ev("response.completed", json!({"response": reply.object("completed", reply.output(), reply.usage.clone())})));
    evs.into_iter()
}
