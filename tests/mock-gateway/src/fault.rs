//! Fault injection, chosen per request by the `x-mock-fault` header.
//!
//! Companion headers:
//! - `x-mock-fault-count: N`  the fault fires on the first N matching requests, then they succeed
//!   (matching = same fault, method, path and `x-mock-fault-key`); without it, always.
//! - `x-mock-fault-after: K`  stream faults strike after K events (default: half the stream).
//! - `x-mock-fault-delay-ms`  for `slow_first_byte` (default 3000) and `stall_stream` (default 30000).
//! - `x-mock-retry-after: S`  the Retry-After seconds of `rate_limit*` and `unavailable` (default 1).
//! - `x-mock-retry-after-raw: V`, `x-mock-retry-after-ms-raw: V`  on `rate_limit*` and
//!   `unavailable`: `Retry-After` / `retry-after-ms` carry exactly V (any string, even empty)
//!   instead of the computed value.
//! - `x-mock-fault-size: B`   bytes of padding for `oversized_body` (default 16 MiB).
//! - `x-mock-redirect-to: URL` the `Location` of `redirect` (an absolute URL; default: the
//!   request's own path and query on the same origin).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use crate::errors::ApiError;

/// Every fault name the mock understands, with what it does; served at `/__mock/faults`.
pub const CATALOG: &[(&str, &str)] = &[
    ("rate_limit", "429 with `Retry-After: <seconds>`"),
    ("rate_limit_ms", "429 with `retry-after-ms: <milliseconds>` only"),
    ("rate_limit_date", "429 with `Retry-After: <HTTP date>`"),
    ("insufficient_credits", "402 insufficient credits"),
    ("server_error", "500 with a JSON envelope"),
    ("bad_gateway", "502 with an HTML body (as a proxy would send)"),
    ("unavailable", "503 with a JSON envelope (and Retry-After when x-mock-retry-after is set)"),
    ("unavailable_html", "503 with an HTML body (as an intermediary sends), no JSON envelope, no Retry-After"),
    ("gateway_timeout", "504 with an HTML body (as an intermediary sends)"),
    ("request_timeout", "408 request timeout"),
    ("http_<code>", "any status 400-599 with the envelope type that status implies, e.g. http_409"),
    ("redirect", "307 Temporary Redirect to x-mock-redirect-to (absolute URL), or else to the request's own path and query (relative Location)"),
    ("connection_close", "the connection is closed before any response header"),
    ("slow_first_byte", "the response starts only after x-mock-fault-delay-ms (default 3000)"),
    ("invalid_json", "200 whose JSON body is cut in half (on a stream: same as malformed_sse, after K events)"),
    ("oversized_body", "200 whose JSON body carries x-mock-fault-size bytes of padding (on a stream: one event that large, after K events)"),
    ("stream_cut", "the stream ends cleanly after K events, without its terminator"),
    ("stream_reset", "the connection breaks after K events (the chunked body never finishes)"),
    ("stream_error_event", "after K events, an error event in the stream's own format"),
    ("malformed_sse", "after K events, a `data:` line that is not valid JSON; the stream then goes on"),
    ("stall_stream", "after K events, no byte for x-mock-fault-delay-ms (default 30000), then the rest"),
    ("done_without_blank_line", "the whole stream, but its terminator event ends with a single newline (no blank line after it) before the body ends cleanly"),
    ("partial_event_eof", "after K events, one complete non-terminator event without its closing blank line, then the body ends cleanly"),
];

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RetryStyle {
    Seconds,
    Millis,
    HttpDate,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    ConnectionClose,
    SlowFirstByte(Duration),
    /// Answered before the handler runs, so no work is accepted.
    Status { status: StatusCode, html: bool, retry: Option<(RetryStyle, u64)>, raw: RawRetry },
    /// 307 before the handler runs; `None` sends the request's own path and query back.
    Redirect(Option<String>),
    /// `after`: on a stream, the events before the broken one (`None`: half).
    InvalidJson { after: Option<usize> },
    Oversized { size: usize, after: Option<usize> },
    Stream(StreamFault),
}

/// Retry headers sent verbatim (`x-mock-retry-after-raw`, `x-mock-retry-after-ms-raw`),
/// replacing the computed ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawRetry {
    pub retry_after: Option<HeaderValue>,
    pub retry_after_ms: Option<HeaderValue>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StreamFault {
    pub kind: StreamFaultKind,
    /// Events sent before the fault; `None` means half of the stream.
    pub after: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StreamFaultKind {
    Cut,
    Reset,
    ErrorEvent,
    Malformed,
    Stall(Duration),
    Oversized(usize),
    /// The terminator event ends with one `\n` instead of a blank line.
    DoneWithoutBlankLine,
    /// One event's lines without the blank line that dispatches it, then the end of the body.
    PartialEventEof,
}

impl Fault {
    /// True where the fault only makes sense on an SSE response.
    pub fn needs_stream(&self) -> bool {
        matches!(self, Fault::Stream(_))
    }

    /// The stream-level form of a fault, for SSE responses.
    pub fn for_stream(&self) -> Option<StreamFault> {
        match self {
            Fault::Stream(s) => Some(s.clone()),
            Fault::InvalidJson { after } => Some(StreamFault { kind: StreamFaultKind::Malformed, after: *after }),
            Fault::Oversized { size, after } => Some(StreamFault { kind: StreamFaultKind::Oversized(*size), after: *after }),
            _ => None,
        }
    }

    /// The error response of a status fault.
    pub fn status_error(&self) -> Option<ApiError> {
        let Fault::Status { status, retry, raw, .. } = self else { return None };
        let (code, message) = match status.as_u16() {
            429 => ("rate_limit_exceeded", "Rate limit exceeded for this API key. Retry with backoff.".to_string()),
            402 => ("insufficient_credits", "Workspace is out of prepaid credits. Top up from the dashboard.".to_string()),
            500 => ("internal_error", "The server had an error while processing your request.".to_string()),
            503 => ("service_unavailable", "The service is temporarily unavailable. Please retry.".to_string()),
            408 => ("request_timeout", "The request timed out before the upstream answered.".to_string()),
            s => ("mock_fault", format!("Injected HTTP {s} from the mock gateway.")),
        };
        let mut err = ApiError::new(*status, ApiError::kind_for(*status), code, message);
        if let Some((style, secs)) = retry {
            err = match style {
                RetryStyle::Seconds => err.with_header("retry-after", secs.to_string()),
                RetryStyle::Millis => err.with_header("retry-after-ms", (secs * 1000).to_string()),
                RetryStyle::HttpDate => {
                    let at = std::time::SystemTime::now() + Duration::from_secs(*secs);
                    err.with_header("retry-after", httpdate::fmt_http_date(at))
                }
            };
        }
        for (name, value) in [("retry-after", &raw.retry_after), ("retry-after-ms", &raw.retry_after_ms)] {
            if let Some(v) = value {
                err.headers.retain(|(k, _)| k != name);
                err.headers.push((HeaderName::from_static(name), v.clone()));
            }
        }
        Some(err)
    }
}

/// How many times each (fault, method, path, key) has fired, for `x-mock-fault-count`.
#[derive(Default)]
pub struct Counters(Mutex<HashMap<String, u64>>);

impl Counters {
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    /// Counts one attempt; true while the fault should still fire.
    fn fire(&self, key: String, limit: u64) -> bool {
        let mut m = self.0.lock().unwrap();
        let n = m.entry(key).or_insert(0);
        *n += 1;
        *n <= limit
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

fn header_num(h: &HeaderMap, name: &str) -> Result<Option<u64>, ApiError> {
    match header(h, name) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            ApiError::invalid(name, "invalid_mock_header", format!("Header `{name}` must be a whole number, got `{v}`."))
        }),
    }
}

/// `x-mock-redirect-to`, which must be an absolute http(s) URL.
fn redirect_target(h: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = header(h, "x-mock-redirect-to") else { return Ok(None) };
    let scheme_ok = ["http://", "https://"].iter().any(|p| v.len() > p.len() && v[..p.len()].eq_ignore_ascii_case(p));
    if !scheme_ok {
        return Err(ApiError::invalid(
            "x-mock-redirect-to",
            "invalid_mock_header",
            format!("Header `x-mock-redirect-to` must be an absolute http(s) URL, got `{v}`."),
        ));
    }
    Ok(Some(v.to_string()))
}

/// Reads the fault headers of a request; `Ok(None)` where no fault applies (none asked, or its
/// count is spent).
pub fn from_request(h: &HeaderMap, method: &str, path: &str, counters: &Counters) -> Result<Option<Fault>, ApiError> {
    let Some(name) = header(h, "x-mock-fault").filter(|s| !s.is_empty()) else { return Ok(None) };
    let after = header_num(h, "x-mock-fault-after")?.map(|n| n as usize);
    let delay = header_num(h, "x-mock-fault-delay-ms")?;
    let retry_secs = header_num(h, "x-mock-retry-after")?;
    let size = header_num(h, "x-mock-fault-size")?.unwrap_or(16 * 1024 * 1024) as usize;
    let raw = RawRetry { retry_after: h.get("x-mock-retry-after-raw").cloned(), retry_after_ms: h.get("x-mock-retry-after-ms-raw").cloned() };
    let stream = |kind| Fault::Stream(StreamFault { kind, after });
    let status = |code: u16, retry: Option<(RetryStyle, u64)>| Fault::Status {
        status: StatusCode::from_u16(code).expect("valid status"),
        html: false,
        retry,
        raw: RawRetry::default(),
    };
    let html = |code: u16| Fault::Status { status: StatusCode::from_u16(code).expect("valid status"), html: true, retry: None, raw: RawRetry::default() };
    // Only the 429s and the JSON 503 take the raw retry headers.
    let with_raw = |f: Fault| match f {
        Fault::Status { status, html, retry, .. } => Fault::Status { status, html, retry, raw: raw.clone() },
        other => other,
    };
    let fault = match name {
        "rate_limit" => with_raw(status(429, Some((RetryStyle::Seconds, retry_secs.unwrap_or(1))))),
        "rate_limit_ms" => with_raw(status(429, Some((RetryStyle::Millis, retry_secs.unwrap_or(1))))),
        "rate_limit_date" => with_raw(status(429, Some((RetryStyle::HttpDate, retry_secs.unwrap_or(1))))),
        "insufficient_credits" => status(402, None),
        "server_error" => status(500, None),
        "bad_gateway" => html(502),
        "unavailable" => with_raw(status(503, retry_secs.map(|s| (RetryStyle::Seconds, s)))),
        "unavailable_html" => html(503),
        "gateway_timeout" => html(504),
        "request_timeout" => status(408, None),
        "redirect" => Fault::Redirect(redirect_target(h)?),
        "connection_close" => Fault::ConnectionClose,
        "slow_first_byte" => Fault::SlowFirstByte(Duration::from_millis(delay.unwrap_or(3000))),
        "invalid_json" => Fault::InvalidJson { after },
        "oversized_body" => Fault::Oversized { size, after },
        "stream_cut" => stream(StreamFaultKind::Cut),
        "stream_reset" => stream(StreamFaultKind::Reset),
        "stream_error_event" => stream(StreamFaultKind::ErrorEvent),
        "malformed_sse" => stream(StreamFaultKind::Malformed),
        "stall_stream" => stream(StreamFaultKind::Stall(Duration::from_millis(delay.unwrap_or(30_000)))),
        "done_without_blank_line" => stream(StreamFaultKind::DoneWithoutBlankLine),
        "partial_event_eof" => stream(StreamFaultKind::PartialEventEof),
        other => match other.strip_prefix("http_").and_then(|c| c.parse::<u16>().ok()) {
            Some(code) if (400..=599).contains(&code) => status(code, None),
            _ => {
                let names: Vec<&str> = CATALOG.iter().map(|(n, _)| *n).collect();
                return Err(ApiError::invalid(
                    "x-mock-fault",
                    "unknown_mock_fault",
                    format!("Unknown mock fault `{other}`. Known faults: {}.", names.join(", ")),
                ));
            }
        },
    };
    if let Some(limit) = header_num(h, "x-mock-fault-count")? {
        let key = format!("{name} {method} {path} {}", header(h, "x-mock-fault-key").unwrap_or(""));
        if !counters.fire(key, limit) {
            return Ok(None);
        }
    }
    Ok(Some(fault))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn count_limits_how_often_a_fault_fires() {
        let c = Counters::default();
        let h = headers(&[("x-mock-fault", "rate_limit"), ("x-mock-fault-count", "2")]);
        assert!(from_request(&h, "POST", "/v1/x", &c).unwrap().is_some());
        assert!(from_request(&h, "POST", "/v1/x", &c).unwrap().is_some());
        assert!(from_request(&h, "POST", "/v1/x", &c).unwrap().is_none());
        // A different key starts its own count.
        let h2 = headers(&[("x-mock-fault", "rate_limit"), ("x-mock-fault-count", "1"), ("x-mock-fault-key", "b")]);
        assert!(from_request(&h2, "POST", "/v1/x", &c).unwrap().is_some());
    }

    #[test]
    fn every_catalog_name_parses() {
        let c = Counters::default();
        for (name, _) in CATALOG {
            let name = name.replace("<code>", "418");
            let h = headers(&[("x-mock-fault", name.as_str())]);
            assert!(from_request(&h, "GET", "/", &c).unwrap().is_some(), "{name}");
        }
        let h = headers(&[("x-mock-fault", "nope")]);
        assert_eq!(from_request(&h, "GET", "/", &c).unwrap_err().code.as_deref(), Some("unknown_mock_fault"));
    }

    #[test]
    fn raw_retry_headers_replace_the_computed_ones_verbatim() {
        let c = Counters::default();
        let h = headers(&[("x-mock-fault", "rate_limit"), ("x-mock-retry-after-raw", "1e20")]);
        let err = from_request(&h, "GET", "/", &c).unwrap().unwrap().status_error().unwrap();
        let ra: Vec<_> = err.headers.iter().filter(|(k, _)| k == "retry-after").map(|(_, v)| v.to_str().unwrap()).collect();
        assert_eq!(ra, ["1e20"]);
        let h = headers(&[("x-mock-fault", "rate_limit_ms"), ("x-mock-retry-after-ms-raw", "")]);
        let err = from_request(&h, "GET", "/", &c).unwrap().unwrap().status_error().unwrap();
        let ms: Vec<_> = err.headers.iter().filter(|(k, _)| k == "retry-after-ms").map(|(_, v)| v.as_bytes()).collect();
        assert_eq!(ms, [b"".as_slice()]);
        // A JSON 503 takes them too, even without x-mock-retry-after.
        let h = headers(&[("x-mock-fault", "unavailable"), ("x-mock-retry-after-raw", "soon")]);
        let err = from_request(&h, "GET", "/", &c).unwrap().unwrap().status_error().unwrap();
        assert!(err.headers.iter().any(|(k, v)| k == "retry-after" && v == "soon"));
        // Other status faults ignore them.
        let h = headers(&[("x-mock-fault", "server_error"), ("x-mock-retry-after-raw", "soon")]);
        let err = from_request(&h, "GET", "/", &c).unwrap().unwrap().status_error().unwrap();
        assert!(err.headers.is_empty());
    }

    #[test]
    fn html_faults_and_redirects() {
        let c = Counters::default();
        for (name, code) in [("unavailable_html", 503), ("gateway_timeout", 504), ("bad_gateway", 502)] {
            let h = headers(&[("x-mock-fault", name), ("x-mock-retry-after", "3")]);
            match from_request(&h, "POST", "/", &c).unwrap().unwrap() {
                Fault::Status { status, html, retry, .. } => assert!(status.as_u16() == code && html && retry.is_none(), "{name}"),
                other => panic!("{name}: {other:?}"),
            }
        }
        let h = headers(&[("x-mock-fault", "redirect")]);
        assert_eq!(from_request(&h, "GET", "/", &c).unwrap(), Some(Fault::Redirect(None)));
        let h = headers(&[("x-mock-fault", "redirect"), ("x-mock-redirect-to", "http://127.0.0.2:9/v1/models")]);
        assert_eq!(from_request(&h, "GET", "/", &c).unwrap(), Some(Fault::Redirect(Some("http://127.0.0.2:9/v1/models".into()))));
        let h = headers(&[("x-mock-fault", "redirect"), ("x-mock-redirect-to", "/v1/models")]);
        assert_eq!(from_request(&h, "GET", "/", &c).unwrap_err().param.as_deref(), Some("x-mock-redirect-to"));
    }

    #[test]
    fn body_faults_keep_their_stream_position() {
        let c = Counters::default();
        let h = headers(&[("x-mock-fault", "invalid_json"), ("x-mock-fault-after", "3")]);
        let f = from_request(&h, "POST", "/", &c).unwrap().unwrap().for_stream().unwrap();
        assert_eq!(f, StreamFault { kind: StreamFaultKind::Malformed, after: Some(3) });
        let h = headers(&[("x-mock-fault", "oversized_body"), ("x-mock-fault-after", "2"), ("x-mock-fault-size", "10")]);
        let f = from_request(&h, "POST", "/", &c).unwrap().unwrap().for_stream().unwrap();
        assert_eq!(f, StreamFault { kind: StreamFaultKind::Oversized(10), after: Some(2) });
    }

    #[test]
    fn rate_limit_carries_retry_after() {
        let c = Counters::default();
        let h = headers(&[("x-mock-fault", "rate_limit"), ("x-mock-retry-after", "3")]);
        let err = from_request(&h, "GET", "/", &c).unwrap().unwrap().status_error().unwrap();
        assert_eq!(err.status, 429);
        assert!(err.headers.iter().any(|(k, v)| k == "retry-after" && v == "3"));
    }
}
