//! Authentication as the gateway does it: `Authorization: Bearer <key>` or `x-api-key: <key>`
//! on every non-public endpoint; a missing or wrong key is a 401 that never echoes the key.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;
use crate::state::AppState;

/// The credential a request carries: (`"bearer"` or `"x-api-key"`, key).
pub fn credential(h: &HeaderMap) -> Option<(&'static str, String)> {
    let bearer = h
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|k| ("bearer", k.trim().to_string()));
    let header = h.get("x-api-key").and_then(|v| v.to_str().ok()).map(|k| ("x-api-key", k.trim().to_string()));
    bearer.or(header)
}

fn accepted(h: &HeaderMap, key: &str) -> Result<(), ApiError> {
    let bearer_ok = credential(h).is_some_and(|(_, k)| k == key);
    let header_ok = h.get("x-api-key").and_then(|v| v.to_str().ok()).is_some_and(|k| k.trim() == key);
    if bearer_ok || header_ok {
        return Ok(());
    }
    let (code, message) = if credential(h).is_none() {
        ("missing_api_key", "Missing API key. Pass it as `Authorization: Bearer <key>` or in the `x-api-key` header.")
    } else {
        ("invalid_api_key", "Invalid API key. Check the key you passed in `Authorization` or `x-api-key`.")
    };
    Err(ApiError::new(StatusCode::UNAUTHORIZED, "authentication_error", code, message))
}

/// Route layer for every endpoint whose spec does not say `security: []`.
pub async fn require(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    match accepted(req.headers(), &st.opts.api_key) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}
