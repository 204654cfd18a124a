//! `POST /v1/embeddings`: deterministic unit vectors (the same input always gives the same
//! vector), as floats or as base64 little-endian f32, as OpenAI encodes them.

use std::sync::Arc;

use axum::extract::State;
use axum::Extension;
use base64::Engine;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, Res};
use crate::catalog::EMBEDDINGS;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::ids::fnv1a;
use crate::state::AppState;
use crate::text_gen;
use crate::validate::{self, opt, req, Ty};

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("input", Ty::StrOrArr),
    opt("encoding_format", Ty::Str).one_of(&["float", "base64"]),
    opt("dimensions", Ty::Int).range(1.0, 4096.0),
    opt("user", Ty::Str),
];

const DEFAULT_DIMS: usize = 256;
const MAX_INPUTS: usize = 2048;

/// A unit vector seeded by the input's bytes.
fn vector(seed_bytes: &[u8], dims: usize) -> Vec<f32> {
    let mut x = fnv1a(seed_bytes) | 1;
    let mut v: Vec<f32> = (0..dims)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ((x >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) as f32
        })
        .collect();
    let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt().max(f32::EPSILON);
    v.iter_mut().for_each(|a| *a /= norm);
    v
}

pub async fn create(State(_st): State<Arc<AppState>>, Extension(_ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, EMBEDDINGS)?;
    let multimodal = model.inputs.contains(&"image");
    let inputs: Vec<Value> = match b.get("input") {
        Some(Value::Array(a)) => a.clone(),
        Some(v) => vec![v.clone()],
        None => unreachable!("input is required"),
    };
    if inputs.is_empty() {
        return Err(ApiError::invalid("input", "invalid_value", "'input' must not be empty."));
    }
    if inputs.len() > MAX_INPUTS {
        return Err(ApiError::invalid("input", "invalid_value", format!("'input' has {} items; at most {MAX_INPUTS} are allowed per request.", inputs.len())));
    }
    for (i, item) in inputs.iter().enumerate() {
        let fine = match item {
            Value::String(s) => !s.is_empty(),
            // Token arrays, as OpenAI clients may send.
            Value::Array(t) => t.iter().all(Value::is_u64),
            Value::Object(_) => multimodal,
            _ => false,
        };
        if !fine {
            let why = if item.is_object() {
                format!("`{}` embeds text only; 'input[{i}]' is an object (multimodal items need a multimodal model).", model.id)
            } else {
                format!("Invalid value for 'input[{i}]': expected a non-empty string, a token array, or (multimodal models) an object.")
            };
            return Err(ApiError::invalid(&format!("input[{i}]"), "invalid_value", why));
        }
    }
    let dims = validate::u64_field(&b, "dimensions").map(|d| d as usize).unwrap_or(DEFAULT_DIMS);
    let base64 = validate::str_field(&b, "encoding_format") == Some("base64");
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let v = vector(item.to_string().as_bytes(), dims);
            let embedding = if base64 {
                let bytes: Vec<u8> = v.iter().flat_map(|f| f.to_le_bytes()).collect();
                json!(base64::engine::general_purpose::STANDARD.encode(bytes))
            } else {
                json!(v)
            };
            json!({"object": "embedding", "index": i, "embedding": embedding})
        })
        .collect();
    let tokens = text_gen::count_tokens(&Value::Array(inputs));
    ok(json!({
        "object": "list", "data": data, "model": model.id,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens, "cost_usd": model.cost(tokens, 0.0)},
    }))
}
