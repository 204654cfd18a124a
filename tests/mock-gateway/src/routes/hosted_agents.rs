//! Hosted Agents: health, config, and OpenClaw / Hermes instances with their lifecycle,
//! messages, integrations, channel behavior, model, access policy, skills and MCP connectors.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use super::{ok, query, with_status, Res};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::validate::{self, opt, req, Body, Ty};
use crate::ids;

/// How many live hosted agents an account may have.
pub const LIMIT: usize = 3;
const PLANS: &[(&str, &str, f64, u64)] = &[("hosted-agent-basic", "Hosted Agent Basic", 15.0, 10_000), ("hosted-agent-pro", "Hosted Agent Pro", 49.0, 50_000)];
const CHANNELS: &[&str] = &["telegram", "discord", "slack", "matrix", "mattermost", "msteams", "whatsapp"];
const TOKEN_KINDS: &[&str] = &["poe_api_key", "telegram", "discord", "slack", "matrix", "mattermost", "msteams"];
const DISCONNECT_KINDS: &[&str] = &["poe", "telegram", "discord", "slack", "matrix", "mattermost", "msteams", "whatsapp"];
const OPENCLAW_ONLY: &[&str] = &["mattermost", "msteams"];

#[derive(Clone, Debug)]
pub struct HostedAgent {
    id: String,
    agent_type: String,
    name: String,
    plan: String,
    provider: String,
    model: String,
    created_at: DateTime<Utc>,
    booted: Instant,
    boot: Duration,
    stopped: bool,
    messages_used: u64,
    integrations: BTreeMap<String, Value>,
    access: Value,
    skills: Vec<String>,
    custom_skills: Map<String, Value>,
    mcp: Vec<Value>,
}

impl HostedAgent {
    fn status(&self, now: Instant) -> &'static str {
        if self.stopped {
            "stopped"
        } else if now.duration_since(self.booted) < self.boot {
            "provisioning"
        } else {
            "running"
        }
    }

    fn to_json(&self, now: Instant) -> Value {
        let running = self.status(now) == "running";
        json!({
            "id": self.id, "agent_type": self.agent_type, "name": self.name, "plan_slug": self.plan,
            "status": self.status(now), "default_provider": self.provider, "default_model": self.model,
            "billing_status": "active",
            "connect_path": format!("/agents/{}", self.id), "api_base_path": format!("/agents/{}/v1", self.id),
            "replica_min": 1, "replica_max": 3, "replica_current": if running { 1 } else { 0 },
            "next_billing_at": ids::rfc3339(self.created_at + chrono::Duration::days(30)),
            "billed_amount": PLANS.iter().find(|p| p.0 == self.plan).map(|p| p.2).unwrap_or(15.0),
            "messages_used_current_period": self.messages_used,
            "created_at": ids::rfc3339(self.created_at),
        })
    }
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found("hosted_agent_not_found", format!("No hosted agent `{id}`.")).with_param("instance_id")
}

fn enum_error(param: &str, v: &str, allowed: &[&str]) -> ApiError {
    ApiError::invalid(param, "invalid_value", format!("Invalid value for '{param}': '{v}'. Supported values are: {}.", allowed.join(", ")))
}

/// Runs `f` on the agent `id`, or answers 404.
fn with_agent<T>(st: &AppState, id: &str, f: impl FnOnce(&mut HostedAgent, Instant) -> Result<T, ApiError>) -> Result<T, ApiError> {
    let mut all = st.hosted.lock().unwrap();
    let a = all.get_mut(id).ok_or_else(|| not_found(id))?;
    f(a, Instant::now())
}

pub async fn health() -> Res {
    ok(json!({"status": "ok", "service": "hosted-agents", "time": ids::now_rfc3339()}))
}

pub async fn config(State(st): State<Arc<AppState>>) -> Res {
    let deployed = st.hosted.lock().unwrap().len();
    ok(json!({
        "plans": PLANS.iter().map(|p| json!({"slug": p.0, "display_name": p.1, "description": format!("{} a month, {} messages included.", p.2, p.3), "monthly_price_usd": p.2, "included_messages_monthly": p.3, "default_replica_min": 1, "default_replica_max": 3})).collect::<Vec<_>>(),
        "runtimes": [
            {"slug": "openclaw", "display_name": "OpenClaw", "default_plan_slug": "hosted-agent-basic", "default_model": "qwen3-7-plus", "default_provider": "empirio"},
            {"slug": "hermes", "display_name": "Hermes Agent", "default_plan_slug": "hosted-agent-basic", "default_model": "qwen3-7-plus", "default_provider": "empirio"},
        ],
        "limit": LIMIT, "deployed": deployed, "balance": 42.5, "agentSpend": 15.0,
        "poe": {"setup_url": "https://poe.com/api_key"},
    }))
}

pub async fn list(State(st): State<Arc<AppState>>) -> Res {
    let now = Instant::now();
    let all = st.hosted.lock().unwrap();
    let mut v: Vec<&HostedAgent> = all.values().collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    ok(json!({"instances": v.iter().map(|a| a.to_json(now)).collect::<Vec<_>>()}))
}

const CREATE_FIELDS: &[validate::F] = &[
    req("agent_type", Ty::Str).one_of(&["openclaw", "hermes"]),
    opt("name", Ty::Str),
    opt("plan_slug", Ty::Str),
    opt("default_provider", Ty::Str).one_of(&["empirio", "poe", "custom"]),
    opt("default_model", Ty::Str),
    opt("config", Ty::Obj),
    opt("import_config", Ty::StrOrObj),
];

pub async fn create(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, CREATE_FIELDS)?;
    let plan = validate::str_field(&b, "plan_slug").unwrap_or("hosted-agent-basic");
    if !PLANS.iter().any(|p| p.0 == plan) {
        return Err(enum_error("plan_slug", plan, &PLANS.iter().map(|p| p.0).collect::<Vec<_>>()));
    }
    let agent_type = validate::str_field(&b, "agent_type").unwrap_or_default().to_lowercase();
    let mut all = st.hosted.lock().unwrap();
    if all.len() >= LIMIT {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "permission_error", "hosted_agent_limit", format!("Hosted-agent account limit reached ({LIMIT}). Destroy an agent or raise the limit.")));
    }
    let a = HostedAgent {
        id: ids::new_id("ha"),
        name: validate::str_field(&b, "name").map(str::to_string).unwrap_or_else(|| format!("{agent_type} agent")),
        agent_type,
        plan: plan.to_string(),
        provider: validate::str_field(&b, "default_provider").unwrap_or("empirio").to_string(),
        model: validate::str_field(&b, "default_model").unwrap_or("qwen3-7-plus").to_string(),
        created_at: Utc::now(),
        booted: Instant::now(),
        boot: ctx.job_duration,
        stopped: false,
        messages_used: 0,
        integrations: BTreeMap::new(),
        access: json!({"mode": "restricted", "allow": {}}),
        skills: Vec::new(),
        custom_skills: Map::new(),
        mcp: Vec::new(),
    };
    let v = a.to_json(Instant::now());
    all.insert(a.id.clone(), a);
    with_status(StatusCode::CREATED, json!({"ok": true, "instance": v}))
}

pub async fn get(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    ok(json!({"instance": with_agent(&st, &id, |a, now| Ok(a.to_json(now)))?}))
}

pub async fn destroy(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let a = st.hosted.lock().unwrap().remove(&id).ok_or_else(|| not_found(&id))?;
    let mut v = a.to_json(Instant::now());
    v["status"] = json!("destroyed");
    ok(json!({"ok": true, "instance": v}))
}

pub async fn rename(State(st): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Res {
    let b = validate::body(&body, &[req("name", Ty::Str)])?;
    let name = validate::str_field(&b, "name").unwrap_or_default().trim().to_string();
    if name.is_empty() {
        return Err(ApiError::invalid("name", "invalid_value", "'name' must not be blank."));
    }
    let v = with_agent(&st, &id, |a, now| {
        a.name = name;
        Ok(a.to_json(now))
    })?;
    ok(json!({"ok": true, "instance": v}))
}

pub async fn action(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, Path((id, action)): Path<(String, String)>) -> Res {
    let v = with_agent(&st, &id, |a, now| {
        match action.as_str() {
            "stop" => a.stopped = true,
            "start" if a.stopped => {
                a.stopped = false;
                a.booted = now;
                a.boot = ctx.job_duration;
            }
            "start" | "refresh" => {}
            "restart" => {
                a.stopped = false;
                a.booted = now;
                a.boot = ctx.job_duration;
            }
            other => return Err(enum_error("action", other, &["start", "stop", "restart", "refresh"])),
        }
        Ok(a.to_json(now))
    })?;
    ok(json!({"instance": v}))
}

pub async fn message(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, Path(id): Path<String>, body: Bytes) -> Res {
    let b = validate::body(&body, &[req("messages", Ty::Arr)])?;
    let msgs = b.get("messages").and_then(Value::as_array).cloned().unwrap_or_default();
    if msgs.is_empty() {
        return Err(ApiError::invalid("messages", "invalid_value", "'messages' must contain at least one message."));
    }
    let content = with_agent(&st, &id, |a, now| {
        if a.status(now) != "running" {
            return Err(ApiError::new(StatusCode::CONFLICT, "conflict_error", "agent_not_running", format!("Hosted agent `{id}` is {}; start it first.", a.status(now))));
        }
        a.messages_used += 1;
        Ok(format!("{} ({}) replies: {}", a.name, a.model, crate::text_gen::last_user_text(&msgs)))
    })?;
    ok(json!({"request_id": ctx.request_id, "status": "completed", "content": content}))
}

fn behavior_defaults() -> Value {
    json!({"reactions": true, "reaction_level": "minimal", "typing": true, "read_receipts": false, "streaming": false})
}

pub async fn integrations(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let list = with_agent(&st, &id, |a, _| Ok(a.integrations.values().cloned().collect::<Vec<_>>()))?;
    ok(json!({"integrations": list}))
}

pub async fn save_integration(State(st): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Res {
    let b = validate::body(&body, &[req("kind", Ty::Str).one_of(TOKEN_KINDS), opt("secret", Ty::Str), opt("config", Ty::Obj)])?;
    let kind = validate::str_field(&b, "kind").unwrap_or_default().to_string();
    let v = with_agent(&st, &id, |a, _| {
        if a.agent_type == "hermes" && OPENCLAW_ONLY.contains(&kind.as_str()) {
            return Err(ApiError::invalid("kind", "unsupported_integration", format!("`{kind}` works on OpenClaw agents only.")));
        }
        let key = if kind == "poe_api_key" { "poe".to_string() } else { kind.clone() };
        // The secret is stored server-side and never returned.
        let entry = json!({"kind": key, "connected": true, "config": b.get("config").cloned().unwrap_or(json!({})), "channel_behavior": behavior_defaults(), "connected_at": ids::now_rfc3339()});
        a.integrations.insert(key, entry.clone());
        Ok(entry)
    })?;
    with_status(StatusCode::CREATED, json!({"ok": true, "integration": v}))
}

pub async fn disconnect_integration(State(st): State<Arc<AppState>>, Path((id, kind)): Path<(String, String)>) -> Res {
    if !DISCONNECT_KINDS.contains(&kind.as_str()) {
        return Err(enum_error("kind", &kind, DISCONNECT_KINDS));
    }
    with_agent(&st, &id, |a, _| {
        a.integrations.remove(&kind).map(|_| ()).ok_or_else(|| ApiError::not_found("integration_not_found", format!("`{kind}` is not connected to `{id}`.")).with_param("kind"))
    })?;
    ok(json!({"ok": true, "kind": kind, "connected": false}))
}

pub async fn set_behavior(State(st): State<Arc<AppState>>, Path((id, kind)): Path<(String, String)>, body: Bytes) -> Res {
    if !CHANNELS.contains(&kind.as_str()) {
        return Err(enum_error("kind", &kind, CHANNELS));
    }
    let b = validate::body(&body, &[opt("behavior", Ty::Obj)])?;
    let patch = b.get("behavior").and_then(Value::as_object).cloned().unwrap_or_default();
    for (k, v) in &patch {
        let fine = match k.as_str() {
            "reactions" | "typing" | "read_receipts" | "streaming" => v.is_boolean(),
            "reaction_level" => v.as_str().is_some_and(|s| ["off", "ack", "minimal", "extensive"].contains(&s)),
            _ => false,
        };
        if !fine {
            return Err(ApiError::invalid(&format!("behavior.{k}"), "invalid_value", format!("Invalid value for 'behavior.{k}': {v}.")));
        }
    }
    let merged = with_agent(&st, &id, |a, _| {
        let entry = a.integrations.get_mut(&kind).ok_or_else(|| ApiError::not_found("integration_not_found", format!("`{kind}` is not connected to `{id}`.")).with_param("kind"))?;
        let mut beh = entry.get("channel_behavior").cloned().unwrap_or_else(behavior_defaults);
        for (k, v) in patch {
            beh[k] = v;
        }
        entry["channel_behavior"] = beh.clone();
        Ok(beh)
    })?;
    ok(json!({"ok": true, "channel_behavior": merged}))
}

pub async fn set_model(State(st): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Res {
    let b = validate::body(&body, &[req("provider", Ty::Str).one_of(&["empirio", "poe", "custom"]), req("model", Ty::Str), opt("custom_provider", Ty::Obj)])?;
    let provider = validate::str_field(&b, "provider").unwrap_or_default().to_string();
    if provider == "custom" {
        let cp = b.get("custom_provider").and_then(Value::as_object).ok_or_else(|| ApiError::missing("custom_provider"))?;
        let url = cp.get("base_url").and_then(Value::as_str).unwrap_or_default();
        if !url.starts_with("https://") {
            return Err(ApiError::invalid("custom_provider.base_url", "invalid_value", "'custom_provider.base_url' must be a public HTTPS URL."));
        }
    }
    let model = validate::str_field(&b, "model").unwrap_or_default().to_string();
    let v = with_agent(&st, &id, |a, now| {
        a.provider = provider;
        a.model = model;
        Ok(a.to_json(now))
    })?;
    ok(json!({"ok": true, "instance": v}))
}

pub async fn set_access(State(st): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Res {
    let b = validate::body(&body, &[req("mode", Ty::Str).one_of(&["open", "restricted"]), opt("kind", Ty::Str).one_of(CHANNELS), opt("allow", Ty::Obj)])?;
    let access = json!({"mode": b["mode"], "kind": b.get("kind"), "allow": b.get("allow").cloned().unwrap_or(json!({}))});
    with_agent(&st, &id, |a, _| {
        a.access = access.clone();
        Ok(())
    })?;
    ok(json!({"ok": true, "access": access}))
}

fn skills_json(a: &HostedAgent) -> Value {
    json!({"installed": a.skills, "customSkills": a.custom_skills})
}

pub async fn skills(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    ok(with_agent(&st, &id, |a, _| Ok(skills_json(a)))?)
}

fn check_skill_ref(slug: &str, agent_type: &str) -> Result<(), ApiError> {
    let registry = if agent_type == "hermes" { "hermes:" } else { "clawhub:" };
    let fine = (slug.starts_with(registry) && slug.len() > registry.len())
        || (slug.starts_with("ocgit:") && slug.len() > 6)
        || slug.strip_prefix("url:").is_some_and(|u| u.starts_with("https://"));
    if fine {
        Ok(())
    } else {
        Err(ApiError::invalid("slug", "invalid_value", format!("Skill ref `{slug}` is not valid here: use `{registry}<id>`, `ocgit:<repo>` or `url:<https-url>`.")))
    }
}

pub async fn add_skill(State(st): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Res {
    let b: Body = validate::body(&body, &[opt("slug", Ty::Str), opt("custom", Ty::Obj)])?;
    let v = with_agent(&st, &id, |a, _| {
        match (validate::str_field(&b, "slug"), b.get("custom").and_then(Value::as_object)) {
            (Some(slug), None) => {
                check_skill_ref(slug, &a.agent_type)?;
                if !a.skills.iter().any(|s| s == slug) {
                    a.skills.push(slug.to_string());
                }
            }
            (None, Some(custom)) => {
                let name = custom.get("name").and_then(Value::as_str).ok_or_else(|| ApiError::missing("custom.name"))?;
                let body = custom.get("body").or(custom.get("skill_md")).and_then(Value::as_str).ok_or_else(|| ApiError::missing("custom.body"))?;
                a.custom_skills.insert(name.to_string(), json!({"name": name, "body": body}));
            }
            _ => return Err(ApiError::invalid("slug", "missing_required_parameter", "Pass exactly one of `slug` (a skill ref) or `custom` (name plus SKILL.md body).")),
        }
        Ok(skills_json(a))
    })?;
    ok(v)
}

pub async fn remove_skill(State(st): State<Arc<AppState>>, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Res {
    let q = query(raw);
    let slug = q.get("slug").ok_or_else(|| ApiError::missing("slug"))?.clone();
    let v = with_agent(&st, &id, |a, _| {
        let before = a.skills.len() + a.custom_skills.len();
        a.skills.retain(|s| s != &slug);
        a.custom_skills.remove(&slug);
        if a.skills.len() + a.custom_skills.len() == before {
            return Err(ApiError::not_found("skill_not_found", format!("Skill `{slug}` is not installed on `{id}`.")).with_param("slug"));
        }
        Ok(skills_json(a))
    })?;
    ok(v)
}

pub async fn mcp(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let servers = with_agent(&st, &id, |a, _| Ok(a.mcp.clone()))?;
    ok(json!({"servers": servers}))
}

pub async fn add_mcp(State(st): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Res {
    let b = validate::body(
        &body,
        &[req("name", Ty::Str), req("url", Ty::Str), opt("transport", Ty::Str).one_of(&["streamable-http", "sse"]), opt("header_name", Ty::Str), opt("header_value", Ty::Str), opt("tool_include", Ty::Arr)],
    )?;
    let url = validate::str_field(&b, "url").unwrap_or_default();
    if !url.starts_with("https://") {
        return Err(ApiError::invalid("url", "invalid_value", format!("'url' must be a public HTTPS MCP server URL, got `{url}`.")));
    }
    let name = validate::str_field(&b, "name").unwrap_or_default().to_string();
    // Credentials (header_value) are kept server-side only; listings show the host.
    let entry = json!({
        "name": name, "url": url, "transport": validate::str_field(&b, "transport").unwrap_or("streamable-http"),
        "header_name": b.get("header_name"), "tool_include": b.get("tool_include").cloned().unwrap_or(json!([])),
    });
    let servers = with_agent(&st, &id, |a, _| {
        if a.mcp.iter().any(|m| m["name"] == json!(name)) {
            return Err(ApiError::new(StatusCode::CONFLICT, "conflict_error", "mcp_exists", format!("An MCP connector named `{name}` is already attached.")).with_param("name"));
        }
        a.mcp.push(entry.clone());
        Ok(a.mcp.clone())
    })?;
    ok(json!({"ok": true, "servers": servers}))
}

pub async fn remove_mcp(State(st): State<Arc<AppState>>, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Res {
    let q = query(raw);
    let name = q.get("name").ok_or_else(|| ApiError::missing("name"))?.clone();
    let servers = with_agent(&st, &id, |a, _| {
        let before = a.mcp.len();
        a.mcp.retain(|m| m["name"] != json!(name));
        if a.mcp.len() == before {
            return Err(ApiError::not_found("mcp_not_found", format!("No MCP connector `{name}` on `{id}`.")).with_param("name"));
        }
        Ok(a.mcp.clone())
    })?;
    ok(json!({"ok": true, "servers": servers}))
}
