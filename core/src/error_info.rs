//! Every error as one flat record, so a binding maps `class` to its own exception type and
//! copies fields, with no status table or error logic of its own.

use serde_json::Value;

use crate::error::{Error, StreamErrorKind, TimeoutKind};

/// The fields of an [`Error`], flat. `class` is the openai-style name of the error's kind
/// (`BadRequest`, `RateLimit`, `Stream`, …), the same in every language.
///
/// ```
/// use empiriolabs::{Error, ErrorInfo};
/// let e = Error::InvalidRequest { field: "model".into(), message: "is required".into() };
/// let info: ErrorInfo = e.info();
/// assert_eq!((info.kind, info.class, info.param.as_deref()), ("invalid_request", "InvalidRequest", Some("model")));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorInfo {
    /// The error's variant: `config`, `invalid_request`, `api`, `connection`, `timeout`,
    /// `stream`, `job_failed`, `job_expired`, `job_wait_timeout`, `decode`, `cancelled`.
    pub kind: &'static str,
    /// One of [`CLASSES`].
    pub class: &'static str,
    pub status: Option<u16>,
    /// The envelope's (or stream or job error object's) `type`.
    pub error_type: Option<String>,
    pub code: Option<String>,
    /// The request field at fault (from the gateway's envelope, or named by the SDK).
    pub param: Option<String>,
    /// The whole human-readable message.
    pub message: String,
    /// The gateway's own message, where it sent one.
    pub api_message: Option<String>,
    pub request_id: Option<String>,
    pub retryable: bool,
    /// Response headers, in order, with repeated names kept.
    pub headers: Vec<(String, String)>,
    /// The error answer's body as received, or the JSON text of a stream's or job's error object.
    pub body: Option<String>,
    pub job_id: Option<String>,
    /// For a stream error: `error_event`, `missing_terminator`, `interrupted`, `malformed_event`, `oversized_event`.
    pub stream_kind: Option<&'static str>,
    /// For a timeout: `connect`, `request`, `stream_idle`.
    pub timeout_kind: Option<&'static str>,
    /// The offending stream line, where there is one.
    pub line: Option<String>,
    /// For a connection error: the request never left this machine.
    pub before_send: Option<bool>,
    /// For a job-wait timeout: how long it waited and the job's last status.
    pub waited_secs: Option<f64>,
    pub last_status: Option<String>,
}

/// Every `class` an [`ErrorInfo`] can carry.
pub const CLASSES: &[&str] = &[
    "BadRequest",
    "Authentication",
    "InsufficientCredits",
    "PermissionDenied",
    "NotFound",
    "Conflict",
    "UnprocessableEntity",
    "RateLimit",
    "InternalServer",
    "ApiStatus",
    "Connection",
    "Timeout",
    "Stream",
    "JobFailed",
    "JobExpired",
    "JobTimeout",
    "InvalidRequest",
    "Configuration",
    "Cancelled",
    "Decode",
];

/// The class of an error answer with `status`.
pub fn status_class(status: u16) -> &'static str {
    match status {
        400 => "BadRequest",
        401 => "Authentication",
        402 => "InsufficientCredits",
        403 => "PermissionDenied",
        404 => "NotFound",
        409 => "Conflict",
        422 => "UnprocessableEntity",
        429 => "RateLimit",
        s if s >= 500 => "InternalServer",
        _ => "ApiStatus",
    }
}

fn text_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn stream_kind(k: StreamErrorKind) -> &'static str {
    match k {
        StreamErrorKind::ErrorEvent => "error_event",
        StreamErrorKind::MissingTerminator => "missing_terminator",
        StreamErrorKind::Interrupted => "interrupted",
        StreamErrorKind::MalformedEvent => "malformed_event",
        StreamErrorKind::OversizedEvent => "oversized_event",
    }
}

fn timeout_kind(k: TimeoutKind) -> &'static str {
    match k {
        TimeoutKind::Connect => "connect",
        TimeoutKind::Request => "request",
        TimeoutKind::StreamIdle => "stream_idle",
    }
}

impl Error {
    /// This error as one flat record (see [`ErrorInfo`]).
    pub fn info(&self) -> ErrorInfo {
        let mut i = ErrorInfo {
            message: self.to_string(),
            status: self.status(),
            request_id: self.request_id().map(str::to_string),
            retryable: self.is_retryable(),
            ..ErrorInfo::default()
        };
        let (kind, class) = match self {
            Error::Config(_) => ("config", "Configuration"),
            Error::InvalidRequest { field, .. } => {
                i.param = Some(field.clone());
                ("invalid_request", "InvalidRequest")
            }
            Error::Api(a) => {
                i.error_type = a.kind.clone();
                i.code = a.code.clone();
                i.param = a.param.clone();
                i.api_message = Some(a.message.clone());
                i.body = Some(a.body.clone());
                i.headers = a.headers.iter().map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
                ("api", status_class(a.status))
            }
            Error::Connection { before_send, .. } => {
                i.before_send = Some(*before_send);
                ("connection", "Connection")
            }
            Error::Timeout { kind, .. } => {
                i.timeout_kind = Some(timeout_kind(*kind));
                ("timeout", "Timeout")
            }
            Error::Stream { kind, line, error, .. } => {
                i.stream_kind = Some(stream_kind(*kind));
                i.line = line.clone();
                if let Some(e) = error {
                    i.error_type = text_of(e, "type");
                    i.code = text_of(e, "code");
                    i.param = text_of(e, "param");
                    i.api_message = text_of(e, "message");
                    i.body = Some(e.to_string());
                }
                ("stream", "Stream")
            }
            Error::JobFailed { job_id, error, .. } => {
                i.job_id = Some(job_id.clone());
                i.error_type = text_of(error, "type");
                i.code = text_of(error, "code");
                i.api_message = text_of(error, "message");
                i.body = Some(error.to_string());
                ("job_failed", "JobFailed")
            }
            Error::JobExpired { job_id, .. } => {
                i.job_id = Some(job_id.clone());
                ("job_expired", "JobExpired")
            }
            Error::JobWaitTimeout { job_id, waited, last_status } => {
                i.job_id = Some(job_id.clone());
                i.waited_secs = Some(waited.as_secs_f64());
                i.last_status = Some(last_status.clone());
                ("job_wait_timeout", "JobTimeout")
            }
            Error::Decode { snippet, .. } => {
                i.body = Some(snippet.clone());
                ("decode", "Decode")
            }
            Error::Cancelled => ("cancelled", "Cancelled"),
        };
        i.kind = kind;
        i.class = class;
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use reqwest::header::HeaderMap;

    #[test]
    fn every_status_has_one_class() {
        let cases = [(400, "BadRequest"), (401, "Authentication"), (402, "InsufficientCredits"), (404, "NotFound"), (429, "RateLimit"), (503, "InternalServer"), (307, "ApiStatus"), (405, "ApiStatus")];
        for (status, class) in cases {
            let e = Error::from(ApiError::from_response(status, HeaderMap::new(), br#"{"error":{"message":"m","type":"t","code":"c"}}"#));
            let i = e.info();
            assert_eq!((i.class, i.status, i.code.as_deref(), i.api_message.as_deref()), (class, Some(status), Some("c"), Some("m")), "{status}");
            assert!(CLASSES.contains(&i.class));
        }
    }

    #[test]
    fn stream_and_job_errors_carry_their_error_objects() {
        let e = Error::Stream {
            kind: StreamErrorKind::ErrorEvent,
            message: "overloaded".into(),
            line: None,
            error: Some(serde_json::json!({"type": "overloaded_error", "code": "busy", "message": "overloaded"})),
            status: Some(200),
            request_id: Some("req_9".into()),
        };
        let i = e.info();
        assert_eq!((i.class, i.stream_kind, i.error_type.as_deref(), i.code.as_deref(), i.request_id.as_deref()), ("Stream", Some("error_event"), Some("overloaded_error"), Some("busy"), Some("req_9")));
        let j = Error::JobFailed { job_id: "job_1".into(), message: "m".into(), error: serde_json::json!({"type": "generation_failed", "code": "nsfw"}) }.info();
        assert_eq!((j.class, j.job_id.as_deref(), j.code.as_deref()), ("JobFailed", Some("job_1"), Some("nsfw")));
        assert_eq!(Error::Cancelled.info().class, "Cancelled");
    }
}
