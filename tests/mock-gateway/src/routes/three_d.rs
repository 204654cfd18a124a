//! `POST /v1/3d/generations`: image-to-3D, always a job (202) whose result is a GLB URL.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Extension;
use bytes::Bytes;
use serde_json::json;

use super::{model_for, Res};
use crate::catalog::THREE_D;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::validate::{self, opt, req, Ty};
use crate::{ids, jobs};

const FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    opt("image", Ty::Str),
    opt("image_url", Ty::Str),
    opt("resolution", Ty::Str).one_of(&["512", "1024", "1536"]),
    opt("seed", Ty::Int).range(0.0, 2_147_483_647.0),
    opt("texture_size", Ty::Str).one_of(&["1024", "2048", "4096"]),
    opt("decimation_target", Ty::Int).range(10_000.0, 1_000_000.0),
    opt("remesh", Ty::Bool),
    opt("max_num_tokens", Ty::Int).range(1024.0, 131_072.0),
    opt("response_format", Ty::Str).one_of(&["url", "b64_json"]),
];

pub async fn generate(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, FIELDS)?;
    let model = model_for(&b, THREE_D)?;
    if !b.contains_key("image") && !b.contains_key("image_url") {
        return Err(ApiError::invalid("image_url", "missing_required_parameter", "Image-to-3D needs a reference image: pass `image_url` (a public URL) or `image`."));
    }
    let owner = ids::new_id("glb");
    let result = json!({
        "created": ids::unix_now(),
        "data": [{"url": super::media_url(&owner, "asset.glb"), "content_type": "model/gltf-binary"}],
        "usage": {"cost_usd": model.cost(0, 1.0), "resolution": validate::str_field(&b, "resolution").unwrap_or("1024")},
    });
    Ok(jobs::accept(&st, &ctx, StatusCode::ACCEPTED, model.id, result))
}
