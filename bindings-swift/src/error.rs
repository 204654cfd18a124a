//! The core's flat error info ([`empiriolabs::ErrorInfo`]) as one uniffi error: each language
//! picks its exception by `error_class`, with no status table or error logic of its own.

use empiriolabs::Error;

use crate::client::NameValue;

#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum NativeError {
    /// Any SDK error, with every field of the core's `ErrorInfo`.
    #[error("{description}")]
    Failed {
        /// `BadRequest`, `RateLimit`, `Stream`, … (see `error_classes()`).
        error_class: String,
        /// The core's variant: `api`, `stream`, `timeout`, `job_failed`, …
        kind: String,
        status: Option<u16>,
        error_type: Option<String>,
        code: Option<String>,
        param: Option<String>,
        /// The whole human-readable message.
        description: String,
        /// The gateway's own message, where it sent one.
        api_message: Option<String>,
        request_id: Option<String>,
        retryable: bool,
        headers: Vec<NameValue>,
        body: Option<String>,
        job_id: Option<String>,
        /// For a stream error: `error_event`, `missing_terminator`, `interrupted`, …
        stream_kind: Option<String>,
        /// For a timeout: `connect`, `request` or `stream_idle`.
        timeout_kind: Option<String>,
        line: Option<String>,
        before_send: Option<bool>,
        waited_secs: Option<f64>,
        last_status: Option<String>,
    },
}

impl From<Error> for NativeError {
    fn from(e: Error) -> NativeError {
        let i = e.info();
        NativeError::Failed {
            error_class: i.class.to_string(),
            kind: i.kind.to_string(),
            status: i.status,
            error_type: i.error_type,
            code: i.code,
            param: i.param,
            description: i.message,
            api_message: i.api_message,
            request_id: i.request_id,
            retryable: i.retryable,
            headers: i.headers.into_iter().map(NameValue::from).collect(),
            body: i.body,
            job_id: i.job_id,
            stream_kind: i.stream_kind.map(str::to_string),
            timeout_kind: i.timeout_kind.map(str::to_string),
            line: i.line,
            before_send: i.before_send,
            waited_secs: i.waited_secs,
            last_status: i.last_status,
        }
    }
}
