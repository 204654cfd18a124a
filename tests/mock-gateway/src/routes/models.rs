//! `GET /v1/models` and `GET /v1/models/{model_id}`: the public model catalog.

use axum::extract::{Path, RawQuery};

use super::{ok, Res};
use crate::catalog::{self, MODELS};
use crate::errors::ApiError;
use serde_json::json;

pub async fn list(RawQuery(q): RawQuery) -> Res {
    let q = super::query(q);
    let ty = q.get("type");
    let data: Vec<_> = MODELS.iter().filter(|m| ty.is_none_or(|t| m.ty == t)).map(|m| m.summary()).collect();
    ok(json!({"object": "list", "data": data}))
}

pub async fn retrieve(Path(id): Path<String>) -> Res {
    let m = catalog::find(&id).ok_or_else(|| ApiError::unknown_model(&id).with_param("model_id"))?;
    ok(m.detail())
}
