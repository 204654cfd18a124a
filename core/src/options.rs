//! Per-call settings that override the client's.

use std::time::Duration;

use serde_json::{Map, Value};
pub use tokio_util::sync::CancellationToken;

use crate::redact;

/// Overrides for one call: timeouts, retries, extra headers, query and body fields, and a
/// cancellation token. `Debug` redacts credentials and secret-named fields.
///
/// ```
/// use std::time::Duration;
/// let opts = empiriolabs::RequestOptions::new().timeout(Duration::from_secs(30)).max_retries(0).header("x-api-key", "sk-1");
/// assert_eq!(opts.max_retries, Some(0));
/// assert!(!format!("{opts:?}").contains("sk-1"));
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    /// Bounds each attempt: connect, headers and (for a whole answer) the body. A stream's
    /// attempt ends at its headers; each wait for its next event is bounded by the idle timeout.
    pub timeout: Option<Duration>,
    pub stream_idle_timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    /// Fields merged into the JSON body (per-model parameters the SDK has no name for).
    pub extra_body: Map<String, Value>,
    /// Cancelling it ends the call (and a stream it opened) with [`crate::Error::Cancelled`]
    /// and closes the connection.
    pub cancel: Option<CancellationToken>,
}

impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("max_retries", &self.max_retries)
            .field("headers", &redact::pairs(&self.headers))
            .field("query", &redact::pairs(&self.query))
            .field("extra_body", &redact::json(&Value::Object(self.extra_body.clone())))
            .field("cancellable", &self.cancel.is_some())
            .finish()
    }
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    pub fn stream_idle_timeout(mut self, d: Duration) -> Self {
        self.stream_idle_timeout = Some(d);
        self
    }

    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Ends the call when `token` is cancelled.
    pub fn cancel_token(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    pub fn extra_body(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra_body.insert(name.into(), value.into());
        self
    }
}
