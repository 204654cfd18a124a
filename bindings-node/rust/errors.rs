//! Core errors as JS errors whose message is the core's flat error info as JSON (`class`,
//! `status`, `type`, `code`, …); the TypeScript layer picks its error class by `class`.

use empiriolabs::{Error, ErrorInfo};
use napi::Status;
use serde_json::{json, Value};

fn info_json(i: &ErrorInfo) -> String {
    let headers: Vec<Value> = i.headers.iter().map(|(k, v)| json!([k, v])).collect();
    json!({
        "class": i.class,
        "kind": i.kind,
        "status": i.status,
        "type": i.error_type,
        "code": i.code,
        "param": i.param,
        "message": i.message,
        "api_message": i.api_message,
        "request_id": i.request_id,
        "retryable": i.retryable,
        "headers": headers,
        "body": i.body,
        "job_id": i.job_id,
        "reason": i.stream_kind,
        "timeout_kind": i.timeout_kind,
        "line": i.line,
        "before_send": i.before_send,
        "waited": i.waited_secs,
        "last_status": i.last_status,
    })
    .to_string()
}

/// The JS error for a core error.
pub fn to_napi(e: Error) -> napi::Error {
    napi::Error::new(Status::GenericFailure, info_json(&e.info()))
}

/// An argument the addon cannot use, as the core's `InvalidRequest` (caught before the network).
pub fn invalid(field: &str, message: impl Into<String>) -> napi::Error {
    to_napi(Error::InvalidRequest { field: field.to_string(), message: message.into() })
}
