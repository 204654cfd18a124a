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

/// A number of seconds as a wait: negative and NaN mean nothing; huge and infinite values
/// saturate (the caller compares them with [`MAX_RETRY_AFTER`]), never panic.
fn wait_of(secs: f64) -> Option<Duration> {
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX))
}

/// The wait a response asks for: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP
/// date. Values that mean no wait (junk, negative, NaN) are `None`.
///
/// ```
/// use reqwest::header::HeaderMap;
/// use std::time::Duration;
/// let mut h = HeaderMap::new();
/// h.insert("retry-after", "1e20".parse().unwrap());
/// assert_eq!(empiriolabs::retry::retry_after(&h), Some(Duration::MAX));
/// h.insert("retry-after", "NaN".parse().unwrap());
/// assert_eq!(empiriolabs::retry::retry_after(&h), None);
/// ```
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()).and_then(|ms| wait_of(ms / 1000.0)) {
        return Some(ms);
    }
    let v = get("retry-after")?;
    if let Ok(secs) = v.parse::<f64>() {
        return wait_of(secs);
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
            // An HTML 503 may come from an intermediary after the gateway accepted the work;
            // only the gateway's own envelope, or a wait it asked for, says it did not.
            Retry::Unsafe => e.status == 429 || (e.status == 503 && (e.envelope || retry_after(&e.headers).is_some())),
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
        Error::from(ApiError::from_response(status, HeaderMap::new(), br#"{"error":{"message":"m"}}"#))
    }

    #[test]
    fn classes_decide_what_is_retried() {
        for s in [408, 429, 500, 502, 503] {
            assert!(retryable(Retry::Idempotent, &api(s)), "{s}");
        }
        assert!(retryable(Retry::Unsafe, &api(429)) && retryable(Retry::Unsafe, &api(503)));
        assert!(!retryable(Retry::Unsafe, &api(500)) && !retryable(Retry::Unsafe, &api(502)));
        let html = |s| Error::from(ApiError::from_response(s, HeaderMap::new(), b"<html><title>503</title></html>"));
        assert!(!retryable(Retry::Unsafe, &html(503)) && !retryable(Retry::Unsafe, &html(504)) && retryable(Retry::Idempotent, &html(503)));
        let mut h = HeaderMap::new();
        h.insert("retry-after", "1".parse().unwrap());
        assert!(retryable(Retry::Unsafe, &Error::from(ApiError::from_response(503, h, b"<html></html>"))));
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

    proptest::proptest! {
        /// Any header text: no panic, and no wait from a value that is not a plain number or date.
        #[test]
        fn any_header_value_is_safe(ms in ".{0,40}", secs in ".{0,40}", num in proptest::num::f64::ANY) {
            let mut h = HeaderMap::new();
            for (k, v) in [("retry-after-ms", ms.as_str()), ("retry-after", secs.as_str())] {
                if let Ok(v) = v.parse() {
                    h.insert(k, v);
                }
            }
            let _ = retry_after(&h);
            let mut h = HeaderMap::new();
            h.insert("retry-after", num.to_string().parse().unwrap());
            match retry_after(&h) {
                None => proptest::prop_assert!(num.is_nan() || num < 0.0),
                Some(d) => proptest::prop_assert!(num >= 0.0 && (d == Duration::MAX || (d.as_secs_f64() - num).abs() <= 1e-6 * num.max(1.0))),
            }
        }
    }

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let b = Backoff { initial: Duration::from_millis(100), max: Duration::from_millis(500) };
        let d0 = b.delay(0);
        assert!(d0 <= Duration::from_millis(100) && d0 >= Duration::from_millis(75));
        assert!(b.delay(10) <= Duration::from_millis(500));
    }
}
