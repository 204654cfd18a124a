//! The SSE decoder on arbitrary bytes in arbitrary chunks.
//!
//! Input: byte 0 gives `k = byte0 % 8`; the next `k` bytes are chunk lengths, used in turn and
//! cyclically (0 feeds an empty chunk); the rest is the stream. `k = 0` feeds it whole.
//! Checks: no panic, and when neither decode errors, the chunked decode yields the same events
//! (and the same last event id) as decoding the stream in one chunk.
#![no_main]

use empiriolabs::sse::{Decoder, SseEvent};
use libfuzzer_sys::fuzz_target;

const MAX: usize = 64 * 1024;

fn decode(max: usize, chunks: &[&[u8]]) -> Option<(Vec<SseEvent>, Option<String>)> {
    let mut d = Decoder::new(max);
    let mut events = Vec::new();
    for c in chunks {
        // A stream aborts at the first error, so the decoder is not used after one.
        d.feed(c).ok()?;
        while let Some(e) = d.next_event() {
            events.push(e);
        }
    }
    Some((events, d.last_event_id().map(str::to_string)))
}

fn split<'a>(lengths: &[u8], mut stream: &'a [u8]) -> Vec<&'a [u8]> {
    if lengths.iter().all(|&l| l == 0) {
        return vec![stream];
    }
    let mut chunks = Vec::new();
    for &l in lengths.iter().cycle() {
        if stream.is_empty() {
            break;
        }
        let (c, rest) = stream.split_at((l as usize).min(stream.len()));
        chunks.push(c);
        stream = rest;
    }
    chunks
}

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else { return };
    let k = (head % 8) as usize;
    if rest.len() < k {
        return;
    }
    let (lengths, stream) = rest.split_at(k);
    let chunks = split(lengths, stream);

    let whole = decode(MAX, &[stream]);
    let chunked = decode(MAX, &chunks);
    if let (Some(whole), Some(chunked)) = (&whole, &chunked) {
        assert_eq!(whole, chunked, "chunking changed the events; chunk lengths {lengths:?}");
    }

    // A small bound reaches the line-too-long paths with short inputs (no panic is the check).
    decode(32, &[stream]);
    decode(32, &chunks);
});
