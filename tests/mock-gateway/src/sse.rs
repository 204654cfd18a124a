//! Server-Sent Events responses: framing, pacing, coalescing, stream faults, and a record in
//! the request log of how many events went out and whether the client hung up.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::fault::{StreamFault, StreamFaultKind};
use crate::request_log::StreamRecord;
use crate::state::AppState;

/// Without a delay, events are packed into writes of about this size.
const COALESCE_BYTES: usize = 64 * 1024;

/// One SSE event: an optional `event:` name and its `data:` payload (one line; the mock never
/// sends multi-line data).
/// Cloning is cheap (the payload is shared), so a stream can repeat pre-rendered events.
#[derive(Clone, Debug)]
pub struct Event {
    pub name: Option<&'static str>,
    pub data: Bytes,
}

impl Event {
    pub fn data(data: impl Into<String>) -> Event {
        Event { name: None, data: Bytes::from(data.into()) }
    }

    pub fn json(v: &Value) -> Event {
        Event::data(v.to_string())
    }

    pub fn named(name: &'static str, v: &Value) -> Event {
        Event { name: Some(name), data: Bytes::from(v.to_string()) }
    }

    pub fn named_data(name: &'static str, data: String) -> Event {
        Event { name: Some(name), data: Bytes::from(data) }
    }

    pub fn done() -> Event {
        Event::data("[DONE]")
    }

    fn write(&self, buf: &mut BytesMut) {
        self.write_lines(buf);
        buf.put_u8(b'\n');
    }

    /// The event's field lines, each ending in `\n`, without the blank line that dispatches it.
    fn write_lines(&self, buf: &mut BytesMut) {
        if let Some(n) = self.name {
            buf.put_slice(b"event: ");
            buf.put_slice(n.as_bytes());
            buf.put_u8(b'\n');
        }
        buf.put_slice(b"data: ");
        buf.put_slice(&self.data);
        buf.put_u8(b'\n');
    }
}

/// The wire convention a stream follows, which decides what its error event looks like.
#[derive(Clone, Copy, Debug)]
pub enum Flavor {
    /// `data:` lines ending with `data: [DONE]`; errors as `data: {"error": {...}}`.
    OpenAi,
    /// `event:` + `data:` pairs ending with `message_stop`; errors as `event: error`.
    Anthropic,
    /// OpenAI Responses events ending with `response.completed`; errors as `event: error`.
    Responses,
    /// `data: {"type": ...}` events ending with `[DONE]`; errors as the named type, then `[DONE]`.
    Typed(&'static str),
}

impl Flavor {
    fn error_events(self, seq: usize) -> Vec<Event> {
        let msg = "The upstream model failed while streaming.";
        match self {
            Flavor::OpenAi => vec![Event::json(&json!({"error": {"message": msg, "type": "server_error", "code": "stream_error", "param": null}}))],
            Flavor::Anthropic => vec![Event::named("error", &json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))],
            Flavor::Responses => vec![Event::named(
                "error",
                &json!({"type": "error", "code": "server_error", "message": msg, "param": null, "sequence_number": seq}),
            )],
            Flavor::Typed(kind) => vec![
                Event::json(&json!({"type": kind, "error": {"message": msg, "type": "server_error", "code": "stream_error"}})),
                Event::done(),
            ],
        }
    }
}

/// Writes the final stream record when the body is dropped, whatever the reason.
struct Tracker {
    state: Arc<AppState>,
    seq: u64,
    sent: u64,
    completed: bool,
    ended: bool,
}

impl Drop for Tracker {
    fn drop(&mut self) {
        let rec = StreamRecord { events_sent: self.sent, completed: self.completed, client_closed: !self.ended };
        self.state.log.set_stream(self.seq, rec);
    }
}

/// An SSE response over `events` (`len` of them, used to place faults), paced by the
/// request's `x-mock-delay-ms` and broken as its stream fault says.
pub fn respond<I>(state: &Arc<AppState>, ctx: &Ctx, flavor: Flavor, len: usize, events: I) -> Response
where
    I: Iterator<Item = Event> + Send + 'static,
{
    let fault: Option<StreamFault> = ctx.fault.as_ref().and_then(|f| f.for_stream());
    let at = fault.as_ref().and_then(|f| {
        let k = f.after.unwrap_or(len / 2);
        match f.kind {
            // Applies to the last event (the terminator), wherever it is.
            StreamFaultKind::DoneWithoutBlankLine => None,
            // The unfinished event must not be the terminator.
            StreamFaultKind::PartialEventEof => Some(k.min(len.saturating_sub(2))),
            _ => Some(k.min(len.saturating_sub(1))),
        }
    });
    let kind = fault.map(|f| f.kind);
    let bare_terminator = kind == Some(StreamFaultKind::DoneWithoutBlankLine);
    let delay = ctx.delay;
    state.log.set_stream(ctx.seq, StreamRecord::default());
    let tracker = Tracker { state: state.clone(), seq: ctx.seq, sent: 0, completed: false, ended: false };

    let body = async_stream::stream! {
        let mut t = tracker;
        let mut buf = BytesMut::with_capacity(COALESCE_BYTES * 2);
        let mut events = events.enumerate().peekable();
        while let Some((i, ev)) = events.next() {
            // Only this fault looks ahead: the agents stream builds its last event lazily.
            if bare_terminator && events.peek().is_none() {
                ev.write_lines(&mut buf);
                t.sent += 1;
                break;
            }
            if Some(i) == at {
                match kind.clone().expect("a fault position implies a fault") {
                    StreamFaultKind::Cut => {
                        t.ended = true;
                        if !buf.is_empty() { yield Ok::<Bytes, io::Error>(buf.split().freeze()); }
                        return;
                    }
                    StreamFaultKind::Reset => {
                        if !buf.is_empty() { yield Ok(buf.split().freeze()); }
                        // Give the bytes a moment to reach the client before the break.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        t.ended = true;
                        yield Err(io::Error::new(io::ErrorKind::ConnectionReset, "mock fault: stream_reset"));
                        return;
                    }
                    StreamFaultKind::ErrorEvent => {
                        for e in flavor.error_events(i) { e.write(&mut buf); t.sent += 1; }
                        t.ended = true;
                        yield Ok(buf.split().freeze());
                        return;
                    }
                    StreamFaultKind::Malformed => {
                        buf.put_slice(b"data: {\"id\": \"broken\", \"choices\": [\n\n");
                    }
                    StreamFaultKind::Stall(d) => {
                        if !buf.is_empty() { yield Ok(buf.split().freeze()); }
                        tokio::time::sleep(d).await;
                    }
                    StreamFaultKind::Oversized(n) => {
                        buf.put_slice(b"data: {\"padding\": \"");
                        buf.put_bytes(b'x', n);
                        buf.put_slice(b"\"}\n\n");
                    }
                    StreamFaultKind::PartialEventEof => {
                        ev.write_lines(&mut buf);
                        t.ended = true;
                        yield Ok(buf.split().freeze());
                        return;
                    }
                    StreamFaultKind::DoneWithoutBlankLine => unreachable!("placed at the terminator, not at K"),
                }
            }
            ev.write(&mut buf);
            t.sent += 1;
            if !delay.is_zero() {
                yield Ok(buf.split().freeze());
                tokio::time::sleep(delay).await;
            } else if buf.len() >= COALESCE_BYTES {
                yield Ok(buf.split().freeze());
            }
        }
        t.completed = true;
        t.ended = true;
        if !buf.is_empty() { yield Ok(buf.split().freeze()); }
    };

    let mut resp = Response::new(Body::from_stream(body));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    resp
}
