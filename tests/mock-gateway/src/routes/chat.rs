//! `POST /v1/chat/completions`: OpenAI chat completions, plain or streamed, with tool calls and
//! reasoning when asked.

use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, Res};
use crate::catalog::{Model, CHAT};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::ids;
use crate::sse::{self, Event, Flavor};
use crate::state::AppState;
use crate::text_gen::{self, Plan, THINKING};
use crate::validate::{self, opt, req, Body, Ty};

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("messages", Ty::Arr),
    opt("stream", Ty::Bool),
    opt("temperature", Ty::Num).range(0.0, 2.0),
    opt("top_p", Ty::Num).range(0.0, 1.0),
    opt("max_tokens", Ty::Int).min(1.0),
    opt("max_completion_tokens", Ty::Int).min(1.0),
    opt("n", Ty::Int).range(1.0, 8.0),
    opt("tools", Ty::Arr),
    opt("response_format", Ty::Obj),
    opt("stream_options", Ty::Obj),
    opt("enable_thinking", Ty::Bool),
    opt("thinking_budget", Ty::Int).min(1.0),
    opt("disable_formatting", Ty::Bool),
    opt("stop", Ty::StrOrArr),
];

const ROLES: &[&str] = &["system", "developer", "user", "assistant", "tool"];

pub async fn create(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, CHAT)?;
    respond(&st, &ctx, &b, model, model.id.to_string())
}

/// A tool call the model decided to make.
struct ToolCall {
    id: String,
    name: String,
    arguments: String,
}

fn check_messages(messages: &[Value]) -> Result<(), ApiError> {
    if messages.is_empty() {
        return Err(ApiError::invalid("messages", "invalid_value", "'messages' must contain at least one message."));
    }
    for (i, m) in messages.iter().enumerate() {
        let role = m.get("role").and_then(Value::as_str);
        match role {
            None => return Err(ApiError::missing(&format!("messages[{i}].role"))),
            Some(r) if !ROLES.contains(&r) => {
                return Err(ApiError::invalid(
                    &format!("messages[{i}].role"),
                    "invalid_value",
                    format!("Invalid value for 'messages[{i}].role': '{r}'. Supported values are: {}.", ROLES.join(", ")),
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

fn choose_tool(b: &Body, messages: &[Value]) -> Result<Option<ToolCall>, ApiError> {
    let Some(tools) = b.get("tools").and_then(Value::as_array).filter(|t| !t.is_empty()) else { return Ok(None) };
    for (i, t) in tools.iter().enumerate() {
        if t.pointer("/function/name").and_then(Value::as_str).is_none() {
            return Err(ApiError::missing(&format!("tools[{i}].function.name")));
        }
    }
    let choice = b.get("tool_choice");
    if choice.and_then(Value::as_str) == Some("none") {
        return Ok(None);
    }
    // After a tool result, the model answers in text.
    if messages.last().and_then(|m| m.get("role")).and_then(Value::as_str) == Some("tool") {
        return Ok(None);
    }
    let wanted = choice.and_then(|c| c.pointer("/function/name")).and_then(Value::as_str);
    let tool = match wanted {
        Some(name) => tools
            .iter()
            .find(|t| t.pointer("/function/name").and_then(Value::as_str) == Some(name))
            .ok_or_else(|| ApiError::invalid("tool_choice", "invalid_value", format!("tool_choice names `{name}`, which is not in `tools`.")))?,
        None => &tools[0],
    };
    let name = tool.pointer("/function/name").and_then(Value::as_str).unwrap_or_default().to_string();
    let args = text_gen::sample_args(tool.pointer("/function/parameters").unwrap_or(&Value::Null));
    Ok(Some(ToolCall { id: ids::new_id("call-"), name, arguments: args.to_string() }))
}

/// Answers a validated chat body; also serves GPU Cloud's OpenAI-compatible connect path,
/// where `model_name` is the deployed model rather than a catalog id.
pub fn respond(st: &Arc<AppState>, ctx: &Ctx, b: &Body, model: &'static Model, model_name: String) -> Res {
    let messages = b.get("messages").and_then(Value::as_array).cloned().unwrap_or_default();
    check_messages(&messages)?;
    let tool = choose_tool(b, &messages)?;
    let thinking = validate::bool_field(b, "enable_thinking").unwrap_or(false);
    let max_tokens = validate::u64_field(b, "max_completion_tokens").or(validate::u64_field(b, "max_tokens"));
    let prompt_tokens = text_gen::count_tokens(&Value::Array(messages.clone()));
    let plan = Plan::new(&text_gen::last_user_text(&messages), prompt_tokens, max_tokens, ctx.stream_tokens);
    let json_mode = validate::pointer(b, "/response_format/type").and_then(Value::as_str).is_some_and(|t| t == "json_object" || t == "json_schema");

    if validate::bool_field(b, "stream").unwrap_or(false) {
        return Ok(stream(st, ctx, model, model_name, plan, tool, thinking));
    }

    let reasoning_tokens = if thinking { THINKING.len() as u64 } else { 0 };
    let (message, finish, completion) = match &tool {
        Some(t) => (
            json!({"role": "assistant", "content": null, "refusal": null, "tool_calls": [
                {"id": t.id, "type": "function", "function": {"name": t.name, "arguments": t.arguments}}
            ]}),
            "tool_calls",
            text_gen::count_tokens(&json!(t.arguments)),
        ),
        None => {
            let content = if json_mode { json!({"reply": plan.text()}).to_string() } else { plan.text() };
            (json!({"role": "assistant", "content": content, "refusal": null}), if plan.truncated { "length" } else { "stop" }, plan.n as u64)
        }
    };
    let mut message = message;
    if thinking {
        message["reasoning_content"] = json!(THINKING.concat());
    }
    let n = validate::u64_field(b, "n").unwrap_or(1);
    let choices: Vec<Value> = (0..n).map(|i| json!({"index": i, "message": message, "logprobs": null, "finish_reason": finish})).collect();
    let mut usage = text_gen::usage(model, prompt_tokens, completion + reasoning_tokens);
    if thinking {
        usage["completion_tokens_details"] = json!({"reasoning_tokens": reasoning_tokens});
    }
    ok(json!({
        "id": ids::new_id("chatcmpl-"),
        "object": "chat.completion",
        "created": ids::unix_now(),
        "model": model_name,
        "system_fingerprint": null,
        "choices": choices,
        "usage": usage,
    }))
}

fn stream(st: &Arc<AppState>, ctx: &Ctx, model: &'static Model, model_name: String, plan: Plan, tool: Option<ToolCall>, thinking: bool) -> axum::response::Response {
    let id = ids::new_id("chatcmpl-");
    let head = format!(
        r#"{{"id":"{id}","object":"chat.completion.chunk","created":{},"model":{},"system_fingerprint":null,"choices":"#,
        ids::unix_now(),
        Value::String(model_name)
    );
    let chunk = {
        let head = head.clone();
        move |delta: &str, finish: &str| Event::data(format!(r#"{head}[{{"index":0,"delta":{delta},"logprobs":null,"finish_reason":{finish}}}]}}"#))
    };
    let mut first: Vec<Event> = vec![chunk(r#"{"role":"assistant","content":""}"#, "null")];
    if thinking {
        first.extend(THINKING.iter().map(|t| chunk(&json!({"reasoning_content": t}).to_string(), "null")));
    }
    let reasoning = if thinking { THINKING.len() as u64 } else { 0 };
    let prompt_tokens = plan.prompt_tokens;

    let (body, body_len, finish, completion): (Box<dyn Iterator<Item = Event> + Send>, usize, &str, u64) = match tool {
        Some(t) => {
            let mut evs = vec![chunk(
                &json!({"tool_calls": [{"index": 0, "id": t.id, "type": "function", "function": {"name": t.name, "arguments": ""}}]}).to_string(),
                "null",
            )];
            for frag in text_gen::fragments(&t.arguments, 4) {
                evs.push(chunk(&json!({"tool_calls": [{"index": 0, "function": {"arguments": frag}}]}).to_string(), "null"));
            }
            let tokens = text_gen::count_tokens(&json!(t.arguments));
            (Box::new(evs.clone().into_iter()), evs.len(), "\"tool_calls\"", tokens)
        }
        None => {
            let n = plan.n;
            let finish = if plan.truncated { "\"length\"" } else { "\"stop\"" };
            let it = plan.events(|t| chunk(&format!(r#"{{"content":{}}}"#, Value::String(t.to_string())), "null"));
            (Box::new(it), n, finish, n as u64)
        }
    };
    let usage = text_gen::usage(model, prompt_tokens, completion + reasoning);
    let tail = vec![chunk("{}", finish), Event::data(format!(r#"{head}[],"usage":{usage}}}"#)), Event::done()];
    let len = first.len() + body_len + tail.len();
    sse::respond(st, ctx, Flavor::OpenAi, len, first.into_iter().chain(body).chain(tail))
}
