//! `POST /v1/images/generations` (a job by default; `sync: true` holds the request and answers
//! with the finished images, falling back to the job envelope past the sync window) and
//! `POST /v1/images/analysis`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{lookup, model_for, ok, templates, Res};
use crate::catalog::{IMAGES, IMAGE_ANALYSIS};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::validate::{self, opt, req, Ty};
use crate::{ids, jobs, text_gen};

/// A 1x1 PNG, the inline image of `response_format: "b64_json"`.
pub const PNG_1X1: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const FIELDS: &[validate::F] = &[
    opt("model", Ty::Str),
    opt("prompt", Ty::Str),
    opt("template", Ty::Str),
    opt("aspect_ratio", Ty::Str),
    opt("resolution", Ty::Str),
    opt("num_images", Ty::Int).range(1.0, 4.0),
    opt("n", Ty::Int).range(1.0, 4.0),
    opt("image", Ty::Arr),
    opt("response_format", Ty::Str).one_of(&["url", "b64_json"]),
    opt("sync", Ty::Bool),
    opt("wait", Ty::Bool),
    opt("size", Ty::Str),
];

pub async fn generate(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let template = templates::from_body(&b, "image")?;
    if validate::str_field(&b, "prompt").is_none() && template.is_none() {
        return Err(ApiError::missing("prompt"));
    }
    let model = match (validate::str_field(&b, "model"), template) {
        (Some(_), _) => model_for(&b, IMAGES)?,
        (None, Some(t)) => lookup(t.recommended_model, IMAGES)?,
        (None, None) => return Err(ApiError::missing("model")),
    };
    if let Some(t) = template {
        t.check_model(model.id)?;
    }
    if let Some(images) = b.get("image").and_then(Value::as_array) {
        if let Some(i) = images.iter().position(|v| !v.is_string()) {
            return Err(ApiError::invalid(&format!("image[{i}]"), "invalid_type", format!("Invalid type for 'image[{i}]': expected a URL string.")));
        }
        if images.len() > model.max_input_images {
            return Err(ApiError::invalid(
                "image",
                "invalid_parameter",
                format!("`{}` accepts at most {} input images; got {}.", model.id, model.max_input_images, images.len()),
            ));
        }
    }
    let n = validate::u64_field(&b, "num_images").or(validate::u64_field(&b, "n")).unwrap_or(1);
    let b64 = validate::str_field(&b, "response_format") == Some("b64_json");
    let owner = ids::new_id("img");
    let data: Vec<Value> = (0..n)
        .map(|i| {
            let prompt = validate::str_field(&b, "prompt").or(template.map(|t| t.prompt)).unwrap_or_default();
            if b64 {
                json!({"b64_json": PNG_1X1, "revised_prompt": prompt})
            } else {
                json!({"url": super::media_url(&owner, &format!("{i}.png")), "revised_prompt": prompt})
            }
        })
        .collect();
    // OpenAI's image usage shape (token counts), plus the gateway's `images` and `cost_usd`.
    let prompt_tokens = validate::str_field(&b, "prompt").map(|p| text_gen::count_tokens(&json!(p))).unwrap_or(0);
    let mut usage = json!({
        "input_tokens": prompt_tokens, "input_tokens_details": {"text_tokens": prompt_tokens, "image_tokens": 0},
        "output_tokens": 0, "total_tokens": prompt_tokens, "images": n, "cost_usd": model.cost(0, n as f64),
    });
    if let Some(r) = validate::str_field(&b, "resolution") {
        usage["resolution"] = json!(r);
    }
    let result = json!({"created": ids::unix_now(), "data": data, "usage": usage});

    let sync = validate::bool_field(&b, "sync").or(validate::bool_field(&b, "wait")).unwrap_or(false);
    if !sync {
        return Ok(jobs::accept(&st, &ctx, StatusCode::OK, model.id, result));
    }
    let window = st.opts.sync_window;
    if ctx.job_duration <= window {
        tokio::time::sleep(ctx.job_duration).await;
        if ctx.job_fails {
            return Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "upstream_error", format!("The upstream worker for `{}` failed to produce an image.", model.id)));
        }
        return ok(result);
    }
    // Past the sync window the request falls back to the job envelope; the job keeps running.
    tokio::time::sleep(window).await;
    Ok(jobs::accept(&st, &ctx, StatusCode::OK, model.id, result))
}

const ANALYSIS_FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("image_url", Ty::Str),
    req("question", Ty::Str),
    opt("analysis_temperature", Ty::Num).range(0.0, 2.0),
    opt("analysis_top_p", Ty::Num).range(0.0, 1.0),
    opt("analysis_seed", Ty::Int),
];

pub async fn analyze(body: Bytes) -> Res {
    let b = validate::body(&body, ANALYSIS_FIELDS)?;
    let model = model_for(&b, IMAGE_ANALYSIS)?;
    let question = validate::str_field(&b, "question").unwrap_or_default();
    let url = validate::str_field(&b, "image_url").unwrap_or_default();
    let source = if url.starts_with("data:") { "the inline image".to_string() } else { format!("the image at {url}") };
    let answer = format!("Looking at {source}: it shows a well-lit scene with a clear subject. Asked: {question}");
    let tokens = text_gen::count_tokens(&json!(answer));
    ok(json!({"answer": answer, "usage": {"prompt_tokens": text_gen::count_tokens(&json!(question)), "completion_tokens": tokens, "total_tokens": tokens, "cost_usd": model.cost(0, 1.0)}}))
}
