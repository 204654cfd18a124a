//! Per-call settings that override the client's.

use std::time::Duration;

use serde_json::{Map, Value};

/// Overrides for one call: timeouts, retries, extra headers, query and body fields.
///
/// ```
/// use std::time::Duration;
/// let opts = empiriolabs::RequestOptions::new().timeout(Duration::from_secs(30)).max_retries(0).header("x-trace", "1");
/// assert_eq!(opts.max_retries, Some(0));
/// ```
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    pub timeout: Option<Duration>,
    pub stream_idle_timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    /// Fields merged into the JSON body (per-model parameters the SDK has no name for).
    pub extra_body: Map<String, Value>,
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

    pub fn extra_body(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra_body.insert(name.into(), value.into());
        self
    }
}
