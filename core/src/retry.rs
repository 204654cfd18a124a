//! When to try a call again, and how long to wait first.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

use crate::error::{Error, TimeoutKind};
use crate::operations::Retry;

/// The longest server-requested wait the SDK honours; past it the error surfaces.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Exponential backoff with jitter, for retries the server gave no wait for.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { initial: Duration::from_millis(500), max: Duration::from_secs(8) }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (0-based): initial × 2^retry, capped, minus up to 25% jitter.
    pub fn delay(&self, retry: u32) -> Duration {
        let base = self.initial.saturating_mul(1u32 << retry.min(16)).min(self.max);
        base.mul_f64(1.0 - 0.25 * fastrand::f64())
    }
}

/// The wait a response asks for: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()).filter(|v| v.is_finite() && *v >= 0.0) {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let v = get("retry-after")?;
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Whether `err` may be retried for a call of class `class`.
pub fn retryable(class: Retry, err: &Error) -> bool {
    match err {
        Error::Api(e) if e.status == 402 => false,
        Error::Api(e) => match class {
            Retry::Idempotent => e.status == 408 || e.status == 429 || e.status >= 500,
            Retry::Unsafe => e.status == 429 || e.status == 503,
        },
        // A connection that failed before the request left cannot have started any work.
        Error::Connection { before_send, .. } => *before_send || class == Retry::Idempotent,
        Error::Timeout { kind: TimeoutKind::Connect, .. } => true,
        Error::Timeout { kind: TimeoutKind::Request, .. } => class == Retry::Idempotent,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn api(status: u16) -> Error {
        Error::from(ApiError::from_response(status, HeaderMap::new(), b"{}"))
    }

    #[test]
    fn classes_decide_what_is_retried() {
        for s in [408, 429, 500, 502, 503] {
            assert!(retryable(Retry::Idempotent, &api(s)), "{s}");
        }
        assert!(retryable(Retry::Unsafe, &api(429)) && retryable(Retry::Unsafe, &api(503)));
        assert!(!retryable(Retry::Unsafe, &api(500)) && !retryable(Retry::Unsafe, &api(502)));
        assert!(!retryable(Retry::Idempotent, &api(402)) && !retryable(Retry::Idempotent, &api(404)));
        let sent = Error::Connection { message: "reset".into(), before_send: false };
        let refused = Error::Connection { message: "refused".into(), before_send: true };
        assert!(!retryable(Retry::Unsafe, &sent) && retryable(Retry::Unsafe, &refused) && retryable(Retry::Idempotent, &sent));
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "150".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(150)));
        let mut h = HeaderMap::new();
        let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        h.insert("retry-after", at.parse().unwrap());
        let d = retry_after(&h).unwrap();
        assert!(d > Duration::from_secs(27) && d <= Duration::from_secs(30), "{d:?}");
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let b = Backoff { initial: Duration::from_millis(100), max: Duration::from_millis(500) };
        let d0 = b.delay(0);
        assert!(d0 <= Duration::from_millis(100) && d0 >= Duration::from_millis(75));
        assert!(b.delay(10) <= Duration::from_millis(500));
    }
}
