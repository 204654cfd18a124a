//! `GET /v1/account/usage`: balance, spend by product, and usage events paged by the
//! `before` cursor (`has_more` / `next_cursor`), filtered by time, source, model and status.

use std::sync::OnceLock;

use axum::extract::RawQuery;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};

use super::{ok, query, query_enum, query_int, Res};
use crate::errors::ApiError;
use crate::ids;

/// How many usage events the account has.
pub const EVENT_COUNT: usize = 250;

struct UsageEvent {
    at: DateTime<Utc>,
    source: &'static str,
    model: &'static str,
    ok: bool,
    json: Value,
}

fn events() -> &'static [UsageEvent] {
    static EVENTS: OnceLock<Vec<UsageEvent>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let newest = Utc.with_ymd_and_hms(2026, 5, 6, 0, 12, 3).unwrap();
        const SOURCES: &[&str] = &["api", "api", "playground", "hosted_agents", "gpu_cloud", "api"];
        const MODELS: &[&str] = &["deepseek-v4-pro", "qwen3-max", "wan2-7-image", "qwen3-7-plus", "gpu-cloud:h100-nvl", "text-embedding-v4"];
        (0..EVENT_COUNT)
            .map(|i| {
                let at = newest - Duration::minutes(7 * i as i64);
                let source = SOURCES[i % SOURCES.len()];
                let model = MODELS[i % MODELS.len()];
                let ok = i % 13 != 5;
                let gpu = source == "gpu_cloud";
                let (input, output) = if gpu { (0, 0) } else { (100 + (i as u64 * 37) % 3000, 20 + (i as u64 * 11) % 900) };
                let cost = if gpu { 0.228086 } else { ((input as f64 * 0.000_000_5 + output as f64 * 0.000_002) * 1e6).round() / 1e6 };
                let metadata = match source {
                    "gpu_cloud" => json!({"category": "gpu_cloud", "gpu_slug": "h100-nvl", "gpu_display": "H100 NVL", "num_gpus": 1, "seconds": 147, "price_hourly": 5.6}),
                    "hosted_agents" => json!({"category": "agents", "agent_type": "hermes", "agent_name": "My Assistant", "agent_instance_id": "8bf95e48-0815-4eee-8dec-141956729c36"}),
                    "playground" => json!({"category": "playground", "conversation_id": format!("conv_{:04}", i % 120)}),
                    _ => json!({}),
                };
                let json = json!({
                    "id": (19_231 + EVENT_COUNT - i).to_string(),
                    "object": "usage_event",
                    "created_at": ids::rfc3339(at),
                    "source": source,
                    "model": model,
                    "endpoint": match source { "gpu_cloud" => "/v1/gpu/connect/gpu_inst_123", "playground" => "/playground/chat", _ => "/v1/chat/completions" },
                    "status": if ok { "success" } else { "error" },
                    "status_code": if ok { 200 } else { 429 },
                    "error": if ok { Value::Null } else { json!("rate_limit_exceeded") },
                    "request_id": if gpu { Value::Null } else { json!(format!("req_{i:06}")) },
                    "latency_ms": if gpu { Value::Null } else { json!(400 + (i * 53) % 2500) },
                    "tokens": {"input": input, "output": output, "cache_read": 0, "cache_write": 0, "total": input + output},
                    "cost": {"amount": cost, "currency": "USD"},
                    "output_urls": if model == "wan2-7-image" { json!([format!("https://media.empiriolabs.ai/worker-outputs/usage{i}/0.png")]) } else { json!([]) },
                    "metadata": metadata,
                });
                UsageEvent { at, source, model, ok, json }
            })
            .collect()
    })
}

fn time_param(q: &std::collections::HashMap<String, String>, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match q.get(name) {
        None => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| ApiError::invalid(name, "invalid_value", format!("Invalid value for '{name}': '{v}'; expected an RFC 3339 timestamp such as 2026-05-06T00:00:00Z."))),
    }
}

pub async fn usage(RawQuery(raw): RawQuery) -> Res {
    let q = query(raw);
    let limit = query_int(&q, "limit", 100, 1, 200)? as usize;
    let before = time_param(&q, "before")?;
    let from = time_param(&q, "from")?;
    let to = time_param(&q, "to")?;
    let source = query_enum(&q, "source", &["api", "playground", "gpu_cloud", "hosted_agents"])?;
    let status = query_enum(&q, "status", &["success", "error"])?;
    let model = q.get("model");

    let in_window = |e: &&UsageEvent| from.is_none_or(|f| e.at >= f) && to.is_none_or(|t| e.at <= t);
    let matching: Vec<&UsageEvent> = events()
        .iter()
        .filter(in_window)
        .filter(|e| before.is_none_or(|b| e.at < b))
        .filter(|e| source.is_none_or(|s| e.source == s))
        .filter(|e| model.is_none_or(|m| e.model == m))
        .filter(|e| status.is_none_or(|s| (s == "success") == e.ok))
        .collect();
    let page: Vec<&UsageEvent> = matching.iter().take(limit).copied().collect();
    let has_more = matching.len() > limit;

    let sum = |f: &dyn Fn(&Value) -> f64| page.iter().map(|e| f(&e.json)).sum::<f64>();
    let latencies: Vec<f64> = page.iter().filter_map(|e| e.json["latency_ms"].as_f64()).collect();
    let summary = json!({
        "requests": page.len(),
        "total_cost": (sum(&|v| v["cost"]["amount"].as_f64().unwrap_or(0.0)) * 1e6).round() / 1e6,
        "total_tokens": sum(&|v| v["tokens"]["total"].as_f64().unwrap_or(0.0)) as u64,
        "input_tokens": sum(&|v| v["tokens"]["input"].as_f64().unwrap_or(0.0)) as u64,
        "output_tokens": sum(&|v| v["tokens"]["output"].as_f64().unwrap_or(0.0)) as u64,
        "cache_read_tokens": 0, "cache_write_tokens": 0,
        "errors": page.iter().filter(|e| !e.ok).count(),
        "avg_latency_ms": if latencies.is_empty() { Value::Null } else { json!((latencies.iter().sum::<f64>() / latencies.len() as f64).round() as u64) },
    });
    let spend_of = |pred: &dyn Fn(&UsageEvent) -> bool| {
        let s: f64 = events().iter().filter(in_window).filter(|e| pred(e)).map(|e| e.json["cost"]["amount"].as_f64().unwrap_or(0.0)).sum();
        (s * 1e6).round() / 1e6
    };
    let spend = json!({
        "currency": "USD",
        "total": spend_of(&|_| true),
        "model": spend_of(&|e| e.source == "api" || e.source == "playground"),
        "gpu_cloud": spend_of(&|e| e.source == "gpu_cloud"),
        "hosted_agents": spend_of(&|e| e.source == "hosted_agents"),
        "from": from.map(ids::rfc3339), "to": to.map(ids::rfc3339),
    });
    ok(json!({
        "object": "account_usage",
        "balance": {"amount": 42.5, "currency": "USD", "auto_topup_enabled": true, "auto_topup_threshold": 10, "auto_topup_amount": 50, "updated_at": "2026-05-06T00:00:00Z"},
        "summary": summary,
        "spend": spend,
        "data": page.iter().map(|e| e.json.clone()).collect::<Vec<_>>(),
        "has_more": has_more,
        "next_cursor": if has_more { page.last().map(|e| json!(ids::rfc3339(e.at))).unwrap_or(Value::Null) } else { Value::Null },
    }))
}
