//! `POST /v1/detect`: GPTZero-style AI-text detection, bibliography scan and fact check.

use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, Res};
use crate::catalog::DETECT;
use crate::errors::ApiError;
use crate::ids::fnv1a;
use crate::validate::{self, opt, req, Ty};

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("input", Ty::Str),
    opt("scan_type", Ty::Str).one_of(&["ai_detection", "bibliography", "fact_check"]),
    opt("multilingual", Ty::Bool),
    opt("version", Ty::Str),
];

pub async fn create(body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, DETECT)?;
    let input = validate::str_field(&b, "input").unwrap_or_default();
    if input.chars().count() > 50_000 {
        return Err(ApiError::invalid("input", "invalid_value", "'input' is longer than 50,000 characters."));
    }
    let scan = validate::str_field(&b, "scan_type").unwrap_or("ai_detection");
    let sentences: Vec<Value> = input
        .split_inclusive(['.', '!', '?'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| json!({"sentence": s, "generated_prob": (fnv1a(s.as_bytes()) % 1000) as f64 / 1000.0}))
        .collect();
    let avg = if sentences.is_empty() { 0.0 } else { sentences.iter().filter_map(|s| s["generated_prob"].as_f64()).sum::<f64>() / sentences.len() as f64 };
    let mut out = json!({
        "model": model.id, "scan_type": scan, "version": validate::str_field(&b, "version").unwrap_or("__latest__"),
        "documents": [{
            "average_generated_prob": (avg * 1000.0).round() / 1000.0,
            "completely_generated_prob": (avg * avg * 1000.0).round() / 1000.0,
            "predicted_class": if avg > 0.5 { "ai" } else { "human" },
            "sentences": sentences,
        }],
        "usage": {"characters": input.chars().count(), "cost_usd": model.cost(0, 1.0)},
    });
    if scan == "bibliography" {
        out["references"] = json!(input.lines().filter(|l| !l.trim().is_empty()).map(|l| json!({"text": l.trim(), "verified": !l.contains("Title.")})).collect::<Vec<_>>());
    }
    ok(out)
}
