//! Error responses in the gateway's envelopes.
//!
//! Every error is an [`ApiError`]; it renders as the OpenAI envelope
//! (`{"error": {message, type, code, param}}`) and keeps itself in the response's extensions so
//! the `/v1/messages` layer can re-render it as the Anthropic envelope
//! (`{"type": "error", "error": {type, message}}`).

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub code: Option<String>,
    pub param: Option<String>,
    pub message: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, code: &str, message: impl Into<String>) -> Self {
        ApiError { status, kind, code: Some(code.to_string()), param: None, message: message.into(), headers: Vec::new() }
    }

    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    pub fn with_header(mut self, name: &'static str, value: impl AsRef<str>) -> Self {
        if let Ok(v) = HeaderValue::from_str(value.as_ref()) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }

    /// 400 naming the offending parameter.
    pub fn invalid(param: &str, code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", code, message).with_param(param)
    }

    pub fn missing(param: &str) -> Self {
        Self::invalid(param, "missing_required_parameter", format!("Missing required parameter: '{param}'."))
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found_error", code, message)
    }

    pub fn unknown_model(model: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "model_not_found",
            format!("The model `{model}` does not exist or you do not have access to it."),
        )
        .with_param("model")
    }

    /// The envelope's `type` for a status, used where a fault or generic status needs one.
    pub fn kind_for(status: StatusCode) -> &'static str {
        match status.as_u16() {
            400 | 413 | 415 | 422 => "invalid_request_error",
            401 => "authentication_error",
            402 => "insufficient_credits",
            403 => "permission_error",
            404 => "not_found_error",
            408 => "timeout_error",
            409 => "conflict_error",
            429 => "rate_limit_error",
            503 | 529 => "service_unavailable",
            _ => "server_error",
        }
    }

    pub fn openai_body(&self) -> Value {
        json!({"error": {"message": self.message, "type": self.kind, "code": self.code, "param": self.param}})
    }

    /// The Anthropic envelope: its `type` names come from the status, as Anthropic's do.
    pub fn anthropic_body(&self) -> Value {
        let kind = match self.status.as_u16() {
            400 | 422 => "invalid_request_error",
            401 => "authentication_error",
            402 => "billing_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            503 | 529 => "overloaded_error",
            408 => "timeout_error",
            _ => "api_error",
        };
        json!({"type": "error", "error": {"type": kind, "message": self.message}})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, Json(self.openai_body())).into_response();
        for (k, v) in &self.headers {
            resp.headers_mut().insert(k.clone(), v.clone());
        }
        resp.extensions_mut().insert(self);
        resp
    }
}

/// Re-renders an error response in the Anthropic envelope (used on `/v1/messages`).
pub fn to_anthropic(mut resp: Response) -> Response {
    let Some(err) = resp.extensions_mut().remove::<ApiError>() else { return resp };
    let mut out = (err.status, Json(err.anthropic_body())).into_response();
    for (k, v) in resp.headers() {
        if k != axum::http::header::CONTENT_TYPE && k != axum::http::header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}
