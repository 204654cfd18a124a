//! One module per family of gateway operations, and the helpers they share.

pub mod account;
pub mod agents;
pub mod audio;
pub mod chat;
pub mod completions;
pub mod detect;
pub mod embeddings;
pub mod gpu;
pub mod hosted_agents;
pub mod images;
pub mod jobs;
pub mod messages;
pub mod models;
pub mod playground;
pub mod reranks;
pub mod responses;
pub mod search;
pub mod templates;
pub mod three_d;
pub mod transcriptions;
pub mod videos;

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use crate::catalog::{self, Model};
use crate::errors::ApiError;
use crate::validate::{self, Body};

pub type Res = Result<Response, ApiError>;

pub fn ok(v: Value) -> Res {
    Ok(Json(v).into_response())
}

pub fn with_status(status: StatusCode, v: Value) -> Res {
    Ok((status, Json(v)).into_response())
}

/// The catalog model named by `body.model`, which must support `endpoint`.
pub fn model_for(b: &Body, endpoint: &str) -> Result<&'static Model, ApiError> {
    let id = validate::str_field(b, "model").ok_or_else(|| ApiError::missing("model"))?;
    let m = lookup(id, endpoint)?;
    check_model_params(m, b)?;
    Ok(m)
}

/// Checks the body's per-model enum parameters against the model's parameter table, with the
/// gateway's wording ("Aspect ratio is not supported by this model. Allowed: ...").
pub fn check_model_params(m: &Model, b: &Body) -> Result<(), ApiError> {
    for (name, _, _, allowed, _) in m.params {
        if allowed.is_empty() || *name == "model" {
            continue;
        }
        if let Some(v) = b.get(*name).and_then(Value::as_str) {
            if !allowed.contains(&v) {
                let pretty = name.replace('_', " ");
                let pretty = format!("{}{}", pretty[..1].to_uppercase(), &pretty[1..]);
                return Err(ApiError::invalid(
                    name,
                    "invalid_parameter",
                    format!("{pretty} '{v}' is not supported by this model. Allowed: {}", allowed.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

pub fn lookup(id: &str, endpoint: &str) -> Result<&'static Model, ApiError> {
    let m = catalog::find(id).ok_or_else(|| ApiError::unknown_model(id))?;
    if !m.supports(endpoint) {
        return Err(ApiError::invalid(
            "model",
            "unsupported_endpoint",
            format!(
                "The model `{id}` does not support `POST {endpoint}`. It supports: {}.",
                m.endpoints.iter().map(|e| format!("POST {e}")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    Ok(m)
}

/// Query parameters, last value winning.
pub fn query(raw: Option<String>) -> HashMap<String, String> {
    raw.as_deref()
        .map(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// An optional integer query parameter within `[min, max]`.
pub fn query_int(q: &HashMap<String, String>, name: &str, default: u64, min: u64, max: u64) -> Result<u64, ApiError> {
    let Some(v) = q.get(name) else { return Ok(default) };
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::invalid(name, "invalid_value", format!("Invalid value for '{name}': '{v}'; expected an integer between {min} and {max}."))),
    }
}

/// An optional enum query parameter.
pub fn query_enum<'a>(q: &'a HashMap<String, String>, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, ApiError> {
    match q.get(name) {
        None => Ok(None),
        Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v)),
        Some(v) => Err(ApiError::invalid(name, "invalid_value", format!("Invalid value for '{name}': '{v}'. Supported values are: {}.", allowed.join(", ")))),
    }
}

/// An optional boolean query parameter (`true`/`false`/`1`/`0`).
pub fn query_bool(q: &HashMap<String, String>, name: &str) -> Result<Option<bool>, ApiError> {
    match q.get(name).map(String::as_str) {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(v) => Err(ApiError::invalid(name, "invalid_value", format!("Invalid value for '{name}': '{v}'; expected true or false."))),
    }
}

/// A `https://media.empiriolabs.ai` output URL, as the gateway signs them (valid 7 days).
pub fn media_url(owner: &str, file: &str) -> String {
    let expires = crate::ids::unix_now() + 7 * 24 * 3600;
    format!("https://media.empiriolabs.ai/worker-outputs/{owner}/{file}?expires={expires}&sig={:016x}", crate::ids::fnv1a(owner.as_bytes()))
}
