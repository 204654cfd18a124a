//! `POST /v1/videos/generations`: always a job (202), with templates and `extend_from`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{lookup, model_for, templates, Res};
use crate::catalog::VIDEOS;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::validate::{self, opt, Ty};
use crate::{ids, jobs};

const FIELDS: &[validate::F] = &[
    opt("model", Ty::Str),
    opt("prompt", Ty::Str),
    opt("template", Ty::Str),
    opt("extend_from", Ty::Obj),
    opt("resolution", Ty::Str),
    opt("aspect_ratio", Ty::Str),
    opt("duration", Ty::Int).range(1.0, 60.0),
    opt("generate_audio", Ty::Bool),
    opt("image", Ty::Str),
    opt("image_url", Ty::Str),
];

pub async fn generate(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let template = templates::from_body(&b, "video")?;
    let mut extended_model = None;
    if let Some(ext) = b.get("extend_from").and_then(Value::as_object) {
        let job_id = ext.get("job_id").and_then(Value::as_str);
        let url = ext.get("video_url").and_then(Value::as_str);
        match (job_id, url) {
            (Some(id), None) => {
                let mut store = st.jobs.lock().unwrap();
                let job = store.get(id).ok_or_else(|| jobs::not_found(id).with_param("extend_from.job_id"))?;
                extended_model = Some(job.model.clone());
            }
            (None, Some(u)) if u.starts_with("http://") || u.starts_with("https://") => {}
            (None, Some(u)) => return Err(ApiError::invalid("extend_from.video_url", "invalid_value", format!("'extend_from.video_url' must be an http(s) URL, got `{u}`."))),
            _ => return Err(ApiError::invalid("extend_from", "invalid_value", "'extend_from' takes exactly one of `job_id` or `video_url`.")),
        }
    }
    let has_input = ["prompt", "image", "image_url"].iter().any(|k| b.contains_key(*k)) || template.is_some() || b.contains_key("extend_from");
    if !has_input {
        return Err(ApiError::missing("prompt"));
    }
    let model = match (validate::str_field(&b, "model"), template, &extended_model) {
        (Some(_), _, _) => model_for(&b, VIDEOS)?,
        (None, Some(t), _) => lookup(t.recommended_model, VIDEOS)?,
        (None, None, Some(m)) => lookup(m, VIDEOS).or_else(|_| lookup("seedance-2-0-pro", VIDEOS))?,
        (None, None, None) => return Err(ApiError::missing("model")),
    };
    if let Some(t) = template {
        t.check_model(model.id)?;
        if t.needs_image && !b.contains_key("image") && !b.contains_key("image_url") && !b.contains_key("extend_from") {
            return Err(ApiError::invalid("image_url", "missing_required_parameter", format!("Template `{}` needs a reference image: pass `image_url`.", t.slug)));
        }
    }
    let seconds = validate::u64_field(&b, "duration").unwrap_or(5);
    let owner = ids::new_id("vid");
    let mut usage = json!({"seconds": seconds, "cost_usd": model.cost(0, seconds as f64)});
    if let Some(r) = validate::str_field(&b, "resolution") {
        usage["resolution"] = json!(r);
    }
    let result = json!({
        "created": ids::unix_now(),
        "data": [{"url": super::media_url(&owner, "video.mp4"), "content_type": "video/mp4", "duration": seconds}],
        "usage": usage,
    });
    Ok(jobs::accept(&st, &ctx, StatusCode::ACCEPTED, model.id, result))
}
