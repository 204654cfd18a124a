//! `retry::retry_after` on arbitrary `retry-after` and `retry-after-ms` values.
//!
//! Input: the bytes before the first `\n` are the `retry-after` value, the bytes after it the
//! `retry-after-ms` value (no `\n`: no `retry-after-ms`); an empty part means the header is
//! absent. Values `HeaderValue::from_bytes` rejects are skipped. Check: no panic.
#![no_main]

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (after, after_ms) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let mut headers = HeaderMap::new();
    for (name, value) in [("retry-after", after), ("retry-after-ms", after_ms)] {
        if value.is_empty() {
            continue;
        }
        let Ok(v) = HeaderValue::from_bytes(value) else { return };
        headers.insert(name, v);
    }
    if let Some(d) = empiriolabs::retry::retry_after(&headers) {
        // Any Duration is finite; this keeps the result observed. Callers cap it themselves
        // (past `MAX_RETRY_AFTER` the error surfaces), so no bound is asserted here.
        assert!(d.as_secs_f64().is_finite());
    }
});
