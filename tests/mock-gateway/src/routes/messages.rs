//! `POST /v1/messages`: the Anthropic Messages API, plain or streamed as Anthropic's event
//! sequence, with thinking blocks and `tool_use` when asked. Errors use the Anthropic envelope.

use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, Res};
use crate::catalog::{Model, MESSAGES};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::ids;
use crate::sse::{self, Event, Flavor};
use crate::state::AppState;
use crate::text_gen::{self, Plan, THINKING};
use crate::validate::{self, opt, req, Body, Ty};

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("max_tokens", Ty::Int).min(1.0),
    req("messages", Ty::Arr),
    opt("system", Ty::StrOrArr),
    opt("stream", Ty::Bool),
    opt("temperature", Ty::Num).range(0.0, 1.0),
    opt("top_p", Ty::Num).range(0.0, 1.0),
    opt("top_k", Ty::Int).min(0.0),
    opt("stop_sequences", Ty::Arr),
    opt("tools", Ty::Arr),
    opt("tool_choice", Ty::Obj),
    opt("thinking", Ty::Obj),
    opt("enable_thinking", Ty::Bool),
    opt("thinking_budget", Ty::Int).min(1.0),
    opt("metadata", Ty::Obj),
];

/// A content block of the reply.
enum Block {
    Thinking,
    Text(Plan),
    ToolUse { id: String, name: String, input: Value },
}

fn thinking_on(b: &Body) -> bool {
    validate::pointer(b, "/thinking/type").and_then(Value::as_str) == Some("enabled") || validate::bool_field(b, "enable_thinking").unwrap_or(false)
}

fn check_messages(messages: &[Value]) -> Result<(), ApiError> {
    if messages.is_empty() {
        return Err(ApiError::invalid("messages", "invalid_value", "messages: at least one message is required."));
    }
    for (i, m) in messages.iter().enumerate() {
        match m.get("role").and_then(Value::as_str) {
            Some("user" | "assistant") => {}
            Some(r) => {
                return Err(ApiError::invalid(&format!("messages.{i}.role"), "invalid_value", format!("messages.{i}.role: Input should be 'user' or 'assistant', got '{r}'.")))
            }
            None => return Err(ApiError::invalid(&format!("messages.{i}.role"), "missing_required_parameter", format!("messages.{i}.role: Field required."))),
        }
        if m.get("content").is_none() {
            return Err(ApiError::invalid(&format!("messages.{i}.content"), "missing_required_parameter", format!("messages.{i}.content: Field required.")));
        }
    }
    Ok(())
}

/// The model calls a tool unless the last user turn carries a `tool_result`.
fn tool_use(b: &Body, messages: &[Value]) -> Option<Block> {
    let tools = b.get("tools").and_then(Value::as_array).filter(|t| !t.is_empty())?;
    if validate::pointer(b, "/tool_choice/type").and_then(Value::as_str) == Some("none") {
        return None;
    }
    let answered = messages.last().and_then(|m| m.get("content")).and_then(Value::as_array).is_some_and(|parts| {
        parts.iter().any(|p| p.get("type").and_then(Value::as_str) == Some("tool_result"))
    });
    if answered {
        return None;
    }
    let wanted = validate::pointer(b, "/tool_choice/name").and_then(Value::as_str);
    let tool = tools.iter().find(|t| wanted.is_none_or(|w| t.get("name").and_then(Value::as_str) == Some(w))).unwrap_or(&tools[0]);
    Some(Block::ToolUse {
        id: ids::new_id("toolu"),
        name: tool.get("name").and_then(Value::as_str).unwrap_or("tool").to_string(),
        input: text_gen::sample_args(tool.get("input_schema").unwrap_or(&Value::Null)),
    })
}

pub async fn create(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, MESSAGES)?;
    let messages = b.get("messages").and_then(Value::as_array).cloned().unwrap_or_default();
    check_messages(&messages)?;
    let prompt_tokens = text_gen::count_tokens(&Value::Array(messages.clone())) + b.get("system").map(text_gen::count_tokens).unwrap_or(0);
    let max_tokens = validate::u64_field(&b, "max_tokens");
    let mut blocks = Vec::new();
    if thinking_on(&b) {
        blocks.push(Block::Thinking);
    }
    let tool = tool_use(&b, &messages);
    let text = match &tool {
        // A short preamble before the call, as Anthropic-style models write.
        Some(Block::ToolUse { name, .. }) => Plan::new("", 0, max_tokens, None).with_text(&format!("I'll call {name} for that.")),
        _ => Plan::new(&text_gen::last_user_text(&messages), prompt_tokens, max_tokens, ctx.stream_tokens),
    };
    let stop_reason = if tool.is_some() {
        "tool_use"
    } else if text.truncated {
        "max_tokens"
    } else {
        "end_turn"
    };
    blocks.push(Block::Text(text));
    blocks.extend(tool);
    let output_tokens: u64 = blocks
        .iter()
        .map(|b| match b {
            Block::Thinking => THINKING.len() as u64,
            Block::Text(p) => p.n as u64,
            Block::ToolUse { input, .. } => text_gen::count_tokens(input),
        })
        .sum();
    let msg = Msg { id: ids::new_id("msg"), model, prompt_tokens, output_tokens, stop_reason };

    if validate::bool_field(&b, "stream").unwrap_or(false) {
        let events = msg.events(blocks);
        let len = events.len();
        return Ok(sse::respond(&st, &ctx, Flavor::Anthropic, len, events.into_iter()));
    }
    let content: Vec<Value> = blocks
        .iter()
        .map(|b| match b {
            Block::Thinking => json!({"type": "thinking", "thinking": THINKING.concat(), "signature": signature()}),
            Block::Text(p) => json!({"type": "text", "text": p.text(), "citations": null}),
            Block::ToolUse { id, name, input } => json!({"type": "tool_use", "id": id, "name": name, "input": input}),
        })
        .collect();
    ok(json!({
        "id": msg.id, "type": "message", "role": "assistant", "model": model.id, "content": content,
        "stop_reason": stop_reason, "stop_sequence": null, "usage": msg.usage(output_tokens),
    }))
}

fn signature() -> String {
    format!("sig_{:016x}", ids::fnv1a(THINKING.concat().as_bytes()))
}

struct Msg {
    id: String,
    model: &'static Model,
    prompt_tokens: u64,
    output_tokens: u64,
    stop_reason: &'static str,
}

impl Msg {
    fn usage(&self, output: u64) -> Value {
        json!({
            "input_tokens": self.prompt_tokens, "output_tokens": output,
            "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
            "cost_usd": self.model.cost(self.prompt_tokens, output as f64),
        })
    }

    /// message_start, then per block start / deltas / stop (a ping after the first start),
    /// then message_delta with the stop reason and message_stop.
    fn events(&self, blocks: Vec<Block>) -> Vec<Event> {
        let mut evs = vec![Event::named(
            "message_start",
            &json!({"type": "message_start", "message": {
                "id": self.id, "type": "message", "role": "assistant", "model": self.model.id, "content": [],
                "stop_reason": null, "stop_sequence": null, "usage": self.usage(1),
            }}),
        )];
        for (index, block) in blocks.into_iter().enumerate() {
            let start = |cb: Value| Event::named("content_block_start", &json!({"type": "content_block_start", "index": index, "content_block": cb}));
            let delta = |d: Value| Event::named("content_block_delta", &json!({"type": "content_block_delta", "index": index, "delta": d}));
            match block {
                Block::Thinking => {
                    evs.push(start(json!({"type": "thinking", "thinking": "", "signature": ""})));
                    evs.extend(THINKING.iter().map(|t| delta(json!({"type": "thinking_delta", "thinking": t}))));
                    evs.push(delta(json!({"type": "signature_delta", "signature": signature()})));
                }
                Block::Text(plan) => {
                    evs.push(start(json!({"type": "text", "text": ""})));
                    evs.extend(plan.events(|t| {
                        Event::named_data("content_block_delta", format!(r#"{{"type":"content_block_delta","index":{index},"delta":{{"type":"text_delta","text":{}}}}}"#, Value::String(t.to_string())))
                    }));
                }
                Block::ToolUse { id, name, input } => {
                    evs.push(start(json!({"type": "tool_use", "id": id, "name": name, "input": {}})));
                    for frag in text_gen::fragments(&input.to_string(), 3) {
                        evs.push(delta(json!({"type": "input_json_delta", "partial_json": frag})));
                    }
                }
            }
            evs.push(Event::named("content_block_stop", &json!({"type": "content_block_stop", "index": index})));
        }
        evs.push(Event::named(
            "message_delta",
            &json!({"type": "message_delta", "delta": {"stop_reason": self.stop_reason, "stop_sequence": null}, "usage": {"output_tokens": self.output_tokens}}),
        ));
        evs.push(Event::named("message_stop", &json!({"type": "message_stop"})));
        // Anthropic sends a ping right after the first block opens.
        evs.insert(2, Event::named("ping", &json!({"type": "ping"})));
        evs
    }
}
