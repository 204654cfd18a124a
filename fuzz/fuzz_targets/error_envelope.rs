//! Error answers: `ApiError::from_response` on any 4xx/5xx status and any body, then the message.
//!
//! Input: the first 3 bytes give the status (ASCII "502" reads as 502; any bytes map into
//! 400..=599), the rest is the body. Check: no panic.
#![no_main]

use empiriolabs::{ApiError, Error};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (s, body) = data.split_at(3);
    let digit = |b: u8, n: u8| u16::from(b.wrapping_sub(b'0') % n);
    let status = 100 * (4 + digit(s[0], 2)) + 10 * digit(s[1], 10) + digit(s[2], 10);
    assert!((400..=599).contains(&status));

    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", HeaderValue::from_static("req_fuzz"));
    let api = ApiError::from_response(status, headers, body);
    assert_eq!(api.status, status);
    let _ = format!("{api:?}");
    let message = Error::from(api).to_string();
    assert!(message.starts_with(&format!("HTTP {status}")), "{message}");
});
