//! Identifiers and timestamps in the gateway's formats.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, SecondsFormat, Utc};

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// A new id such as `job_01JD3K4Z0000A7`: the prefix, the time in ms and a counter, in
/// Crockford base32, so ids sort by creation and never repeat within one process. A prefix that
/// ends in `-` (OpenAI's `chatcmpl-`) keeps its own separator.
pub fn new_id(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let ms = Utc::now().timestamp_millis() as u64;
    let sep = if prefix.ends_with('-') { "" } else { "_" };
    format!("{prefix}{sep}{}{}", base32(ms, 10), base32(n, 6))
}

fn base32(mut v: u64, width: usize) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(v % 32) as usize];
        v /= 32;
    }
    String::from_utf8(out).expect("alphabet is ASCII")
}

/// Seconds since the Unix epoch, as OpenAI's `created` fields.
pub fn unix_now() -> i64 {
    Utc::now().timestamp()
}

/// RFC 3339 with a `Z`, as the gateway's `created_at` fields.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn now_rfc3339() -> String {
    rfc3339(Utc::now())
}

/// A stable 64-bit hash (FNV-1a) for deterministic fake data derived from inputs.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_prefixed() {
        let a = new_id("job");
        let b = new_id("job");
        assert!(a.starts_with("job_") && a.len() == 4 + 16);
        assert_ne!(a, b);
    }
}
