//! Core errors as one Python exception, `NativeError`, whose single argument is a dict of
//! fields; the Python layer turns it into its exception classes.

use empiriolabs::{Error, StreamErrorKind, TimeoutKind};
use pyo3::create_exception;
use pyo3::prelude::*;
use serde_json::{json, Value};

create_exception!(_native, NativeError, pyo3::exceptions::PyException, "An SDK error; args[0] is a dict of its fields.");

pub fn fields(e: &Error) -> Value {
    let mut v = json!({"message": e.to_string(), "status": e.status(), "request_id": e.request_id()});
    let extra = match e {
        Error::Config(_) => json!({"kind": "config"}),
        Error::InvalidRequest { field, .. } => json!({"kind": "invalid_request", "field": field}),
        Error::Api(a) => {
            let headers: serde_json::Map<String, Value> = a.headers.iter().map(|(k, v)| (k.as_str().to_string(), json!(String::from_utf8_lossy(v.as_bytes())))).collect();
            json!({"kind": "api", "type": a.kind, "code": a.code, "param": a.param, "body": a.body, "headers": headers, "api_message": a.message})
        }
        Error::Connection { before_send, .. } => json!({"kind": "connection", "before_send": before_send}),
        Error::Timeout { kind, after } => json!({
            "kind": "timeout",
            "timeout_kind": match kind { TimeoutKind::Connect => "connect", TimeoutKind::Request => "request", TimeoutKind::StreamIdle => "stream_idle" },
            "after": after.as_secs_f64(),
        }),
        Error::Stream { kind, line, error, .. } => json!({
            "kind": "stream",
            "reason": match kind {
                StreamErrorKind::ErrorEvent => "error_event",
                StreamErrorKind::MissingTerminator => "missing_terminator",
                StreamErrorKind::Interrupted => "interrupted",
                StreamErrorKind::MalformedEvent => "malformed_event",
                StreamErrorKind::OversizedEvent => "oversized_event",
            },
            "line": line, "error": error,
            "type": error.as_ref().and_then(|e| e.get("type")).cloned(),
            "code": error.as_ref().and_then(|e| e.get("code")).cloned(),
        }),
        Error::JobFailed { job_id, error, .. } => json!({"kind": "job_failed", "job_id": job_id, "error": error, "type": error.get("type"), "code": error.get("code")}),
        Error::JobExpired { job_id, .. } => json!({"kind": "job_expired", "job_id": job_id}),
        Error::JobWaitTimeout { job_id, waited, last_status } => json!({"kind": "job_wait_timeout", "job_id": job_id, "waited": waited.as_secs_f64(), "last_status": last_status}),
        Error::Decode { snippet, .. } => json!({"kind": "decode", "body": snippet}),
    };
    if let (Value::Object(a), Value::Object(b)) = (&mut v, extra) {
        a.extend(b);
    }
    v
}

pub fn to_pyerr(e: Error) -> PyErr {
    from_fields(&fields(&e))
}

/// The `NativeError` for an error already turned into its fields (kept to raise it again).
pub fn from_fields(f: &Value) -> PyErr {
    Python::attach(|py| match crate::convert::to_py(py, f) {
        Ok(d) => NativeError::new_err((d,)),
        Err(conv) => conv,
    })
}
