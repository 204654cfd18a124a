//! One error type for every failure, each kind with what a person needs to act on it.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

/// The SDK's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which timeout fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutKind {
    /// The TCP/TLS connection was not established in time.
    Connect,
    /// The response (its headers, and for a plain call its body) did not arrive in time.
    Request,
    /// A stream went silent for longer than the stream idle timeout.
    StreamIdle,
}

/// Why a stream failed after its headers arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamErrorKind {
    /// The gateway sent an error event.
    ErrorEvent,
    /// The body ended cleanly without the stream's terminator.
    MissingTerminator,
    /// The connection broke mid-body.
    Interrupted,
    /// An event's data is not a JSON object.
    MalformedEvent,
    /// An event or line exceeded the size bound.
    OversizedEvent,
}

/// An error answer from the gateway (status >= 400), from either envelope or a non-JSON body.
#[derive(Clone)]
pub struct ApiError {
    pub status: u16,
    /// The envelope's `type` (e.g. `invalid_request_error`).
    pub kind: Option<String>,
    pub code: Option<String>,
    pub param: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub headers: HeaderMap,
    /// The raw body, as received.
    pub body: String,
    /// The body is the gateway's JSON error envelope (not, say, a proxy's HTML page).
    pub envelope: bool,
}

impl ApiError {
    /// Parses an error answer: the OpenAI envelope `{"error": {...}}`, the Anthropic envelope
    /// `{"type": "error", "error": {...}}`, or any other body (an HTML 502 page gives its title).
    pub fn from_response(status: u16, headers: HeaderMap, body: &[u8]) -> ApiError {
        let text = String::from_utf8_lossy(body).into_owned();
        let request_id = headers
            .get("x-request-id")
            .or_else(|| headers.get("request-id"))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let err = parsed.as_ref().and_then(|v| v.get("error"));
        let field = |k: &str| err.and_then(|e| e.get(k)).and_then(Value::as_str).map(str::to_string);
        let message = field("message").unwrap_or_else(|| summarize_body(status, &text));
        let envelope = err.is_some_and(Value::is_object);
        ApiError { status, kind: field("type"), code: field("code"), param: field("param"), message, request_id, headers, body: text, envelope }
    }
}

/// A readable message for a body without an error envelope.
/// The status code is left out: every message of an [`ApiError`] is shown after `HTTP <status>`.
fn summarize_body(status: u16, text: &str) -> String {
    let reason = reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("error");
    if let Some(title) = text.split("<title>").nth(1).and_then(|t| t.split("</title>").next()) {
        return format!("{reason} from an intermediary (page title: {})", truncate(title.trim(), 120));
    }
    let snippet: String = text.trim().chars().take(200).collect();
    if snippet.is_empty() {
        format!("{reason}, with an empty body")
    } else {
        format!("{reason}: {snippet}")
    }
}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Headers are left out: they may echo credentials a proxy saw.
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("param", &self.param)
            .field("message", &self.message)
            .field("request_id", &self.request_id)
            .finish()
    }
}

/// Everything that can go wrong in a call.
///
/// ```
/// use empiriolabs::Error;
/// let e = Error::InvalidRequest { field: "messages".into(), message: "is required".into() };
/// assert_eq!(e.to_string(), "invalid request: `messages` is required");
/// assert!(!e.is_retryable());
/// ```
#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    #[error("configuration error: {0}")]
    Config(String),

    #[error("invalid request: `{field}` {message}")]
    InvalidRequest { field: String, message: String },

    #[error("{}", api_message(.0))]
    Api(Box<ApiError>),

    #[error("connection error: {message}")]
    Connection {
        message: String,
        /// True when the request never left this machine (so no work can have started).
        before_send: bool,
    },

    #[error("{}", timeout_message(*.kind, *.after))]
    Timeout { kind: TimeoutKind, after: Duration },

    #[error("stream error ({kind:?}): {message}{}", line.as_ref().map(|l| format!(" [line: {}]", truncate(l, 200))).unwrap_or_default())]
    Stream {
        kind: StreamErrorKind,
        message: String,
        /// The offending line or event data, where there is one.
        line: Option<String>,
        /// The error object the gateway sent in the stream, if any.
        error: Option<Value>,
        /// The status and request id of the response the stream came in.
        status: Option<u16>,
        request_id: Option<String>,
    },

    #[error("job {job_id} failed: {message}")]
    JobFailed { job_id: String, message: String, error: Value },

    #[error("job {job_id} has expired: finished jobs are kept for 1 hour, then answer 404")]
    JobExpired { job_id: String, request_id: Option<String> },

    #[error("gave up waiting for job {job_id} after {waited:?} (last status: {last_status}); the job keeps running and its handle stays usable")]
    JobWaitTimeout { job_id: String, waited: Duration, last_status: String },

    /// The caller cancelled the call (its cancellation token fired); the connection is closed.
    #[error("the call was cancelled")]
    Cancelled,

    #[error("could not decode the response: {message} [body starts: {}]", truncate(.snippet, 200))]
    Decode {
        message: String,
        snippet: String,
        /// The status and request id of the answer that did not decode, when there was one.
        status: Option<u16>,
        request_id: Option<String>,
    },
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn api_message(e: &ApiError) -> String {
    let mut s = format!("HTTP {}", e.status);
    if let Some(k) = &e.kind {
        s.push_str(&format!(" {k}"));
    }
    s.push_str(&format!(": {}", e.message));
    if let Some(p) = &e.param {
        s.push_str(&format!(" (param: {p})"));
    }
    if let Some(c) = &e.code {
        s.push_str(&format!(" (code: {c})"));
    }
    if let Some(r) = &e.request_id {
        s.push_str(&format!(" [request id: {r}]"));
    }
    s
}

fn timeout_message(kind: TimeoutKind, after: Duration) -> String {
    match kind {
        TimeoutKind::Connect => format!("timed out connecting after {after:?} (connect timeout)"),
        TimeoutKind::Request => format!("timed out after {after:?} waiting for the response (request timeout, per attempt)"),
        TimeoutKind::StreamIdle => format!("the stream sent nothing for {after:?} (stream idle timeout)"),
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Error {
        Error::Api(Box::new(e))
    }
}

impl Error {
    /// The HTTP status, for errors that carry one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::JobExpired { .. } => Some(404),
            Error::Decode { status, .. } | Error::Stream { status, .. } => *status,
            _ => None,
        }
    }

    /// The gateway's request id, for errors that carry one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::JobExpired { request_id, .. } | Error::Decode { request_id, .. } | Error::Stream { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether trying the same call again may succeed: connection failures, timeouts before a
    /// response, 408, 409-free transient statuses (429 and 5xx). Whether the SDK retries on its
    /// own also depends on the operation (see [`crate::operations::Retry`]).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => matches!(e.status, 408 | 429) || e.status >= 500,
            Error::Connection { .. } => true,
            Error::Timeout { kind, .. } => *kind != TimeoutKind::StreamIdle,
            _ => false,
        }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::InvalidRequest { field: field.into(), message: message.into() }
    }

    pub(crate) fn decode(message: impl Into<String>, body: &[u8]) -> Error {
        Error::Decode { message: message.into(), snippet: String::from_utf8_lossy(&body[..body.len().min(400)]).into_owned(), status: None, request_id: None }
    }

    /// A decode error for an answer whose status and request id are known.
    pub(crate) fn decode_answer(message: impl Into<String>, body: &[u8], meta: &crate::call::ResponseMeta) -> Error {
        match Error::decode(message, body) {
            Error::Decode { message, snippet, .. } => Error::Decode { message, snippet, status: Some(meta.status), request_id: meta.request_id.clone() },
            _ => unreachable!("decode builds Decode"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_envelopes_and_html() {
        let openai = br#"{"error":{"message":"Missing required parameter: 'messages'.","type":"invalid_request_error","code":"missing_required_parameter","param":"messages"}}"#;
        let e = ApiError::from_response(400, HeaderMap::new(), openai);
        assert_eq!((e.param.as_deref(), e.code.as_deref()), (Some("messages"), Some("missing_required_parameter")));
        let anthropic = br#"{"type":"error","error":{"type":"authentication_error","message":"Invalid API key."}}"#;
        let e = ApiError::from_response(401, HeaderMap::new(), anthropic);
        assert_eq!((e.kind.as_deref(), e.message.as_str()), (Some("authentication_error"), "Invalid API key."));
        let html = b"<html><head><title>502 Bad Gateway</title></head></html>";
        let e = ApiError::from_response(502, HeaderMap::new(), html);
        assert_eq!(e.message, "Bad Gateway from an intermediary (page title: 502 Bad Gateway)");
        assert!(!e.envelope);
        assert_eq!(Error::from(e).to_string(), "HTTP 502: Bad Gateway from an intermediary (page title: 502 Bad Gateway)");
    }

    #[test]
    fn messages_name_what_matters() {
        let mut h = HeaderMap::new();
        h.insert("x-request-id", "req_1".parse().unwrap());
        let e = Error::Api(Box::new(ApiError::from_response(400, h, br#"{"error":{"message":"Bad.","type":"invalid_request_error","param":"temperature"}}"#)));
        assert_eq!(e.to_string(), "HTTP 400 invalid_request_error: Bad. (param: temperature) [request id: req_1]");
        assert!(!e.is_retryable());
        let t = Error::Timeout { kind: TimeoutKind::StreamIdle, after: Duration::from_secs(2) };
        assert!(t.to_string().contains("stream idle timeout") && !t.is_retryable());
    }
}
