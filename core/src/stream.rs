//! A pulled event stream over one HTTP response. It knows its wire convention's terminator
//! and error events; ending without the terminator, breaking, going silent or carrying an
//! error is a typed error, never a short answer. Dropping or closing it closes the connection.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::call::ResponseMeta;
use crate::error::{Error, Result, StreamErrorKind, TimeoutKind};
use crate::operations::StreamFlavor;
use crate::sse::Decoder;

/// The bound on one SSE line or event.
pub const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// One event: its SSE `event:` name (if any) and its JSON data.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamEvent {
    pub event: Option<String>,
    pub data: Value,
}

impl StreamEvent {
    /// The event's type: its `event:` name, else the data's `type`.
    pub fn kind(&self) -> Option<&str> {
        self.event.as_deref().or_else(|| self.data.get("type").and_then(Value::as_str))
    }

    pub fn parse<T: DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(&self.data).map_err(|e| Error::decode(format!("unexpected stream event shape: {e}"), self.data.to_string().as_bytes()))
    }
}

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

pub struct EventStream {
    body: Option<Body>,
    decoder: Decoder,
    flavor: StreamFlavor,
    idle: Duration,
    meta: ResponseMeta,
    /// The terminator was seen (or an error returned): nothing more comes.
    finished: bool,
    received: u64,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("flavor", &self.flavor).field("received", &self.received).field("finished", &self.finished).finish()
    }
}

impl EventStream {
    pub(crate) fn new(resp: reqwest::Response, flavor: StreamFlavor, idle: Duration) -> EventStream {
        let headers = resp.headers().clone();
        let request_id = headers.get("x-request-id").or_else(|| headers.get("request-id")).and_then(|v| v.to_str().ok()).map(str::to_string);
        let meta = ResponseMeta { status: resp.status().as_u16(), headers, request_id };
        EventStream { body: Some(Box::pin(resp.bytes_stream())), decoder: Decoder::new(MAX_EVENT_BYTES), flavor, idle, meta, finished: false, received: 0 }
    }

    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    pub fn flavor(&self) -> StreamFlavor {
        self.flavor
    }

    /// Events delivered so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Closes the connection now; the gateway stops billing. Later `next` calls return `None`.
    pub fn close(&mut self) {
        self.body = None;
        self.finished = true;
    }

    fn fail(&mut self, e: Error) -> Option<Result<StreamEvent>> {
        self.close();
        let e = match e {
            Error::Stream { kind, message, line, error, .. } => {
                Error::Stream { kind, message, line, error, status: Some(self.meta.status), request_id: self.meta.request_id.clone() }
            }
            other => other,
        };
        Some(Err(e))
    }

    /// The next event; `None` after the terminator or `close`. Cancel-safe: dropping the future
    /// loses no event.
    pub async fn next(&mut self) -> Option<Result<StreamEvent>> {
        loop {
            // After close or a failure, events already decoded stay unread.
            if self.finished {
                return None;
            }
            if let Some(raw) = self.decoder.next_event() {
                match self.interpret(raw) {
                    Step::Done => {
                        self.close();
                        return None;
                    }
                    Step::Yield(ev, last) => {
                        self.received += 1;
                        if last {
                            self.close();
                        }
                        return Some(Ok(ev));
                    }
                    Step::Fail(e) => return self.fail(e),
                }
            }
            let body = self.body.as_mut()?;
            let chunk = match tokio::time::timeout(self.idle, body.next()).await {
                Err(_) => return self.fail(Error::Timeout { kind: TimeoutKind::StreamIdle, after: self.idle }),
                Ok(None) => {
                    return self.fail(stream_error(StreamErrorKind::MissingTerminator, "the stream ended without its terminator".into(), None, None));
                }
                Ok(Some(Err(e))) => return self.fail(stream_error(StreamErrorKind::Interrupted, format!("the connection broke mid-stream: {e}"), None, None)),
                Ok(Some(Ok(c))) => c,
            };
            if let Err(e) = self.decoder.feed(&chunk) {
                let msg = format!("an event is longer than the {} byte bound", e.limit);
                return self.fail(stream_error(StreamErrorKind::OversizedEvent, msg, Some(e.start), None));
            }
        }
    }

    fn interpret(&self, raw: crate::sse::SseEvent) -> Step {
        if raw.data == "[DONE]" && matches!(self.flavor, StreamFlavor::OpenAi | StreamFlavor::Typed) {
            return Step::Done;
        }
        let data: Value = match serde_json::from_str(&raw.data) {
            Ok(v @ Value::Object(_)) => v,
            _ => return Step::Fail(stream_error(StreamErrorKind::MalformedEvent, "an event's data is not a JSON object".into(), Some(raw.data), None)),
        };
        let ev = StreamEvent { event: raw.event, data };
        let kind = ev.kind().unwrap_or("").to_string();
        let error_of = |ev: &StreamEvent| -> Step {
            let err = ev.data.get("error").cloned().unwrap_or_else(|| ev.data.clone());
            let msg = err.get("message").and_then(Value::as_str).unwrap_or("the stream reported an error").to_string();
            Step::Fail(stream_error(StreamErrorKind::ErrorEvent, msg, None, Some(err)))
        };
        match self.flavor {
            StreamFlavor::OpenAi if ev.data.get("error").is_some_and(|e| !e.is_null()) => error_of(&ev),
            StreamFlavor::Anthropic if kind == "error" => error_of(&ev),
            StreamFlavor::Anthropic if kind == "message_stop" => Step::Yield(ev, true),
            StreamFlavor::Responses if kind == "error" || kind == "response.failed" => {
                let err = ev.data.pointer("/response/error").filter(|e| !e.is_null()).cloned().unwrap_or_else(|| ev.data.clone());
                let ev = StreamEvent { event: ev.event, data: serde_json::json!({"error": err}) };
                error_of(&ev)
            }
            StreamFlavor::Responses if kind == "response.completed" || kind == "response.incomplete" => Step::Yield(ev, true),
            StreamFlavor::Typed if kind == "error" || kind.ends_with(".error") => error_of(&ev),
            _ => Step::Yield(ev, false),
        }
    }

    /// Adapts the stream to a `futures::Stream` of events.
    pub fn into_stream(self) -> impl Stream<Item = Result<StreamEvent>> + Send {
        futures_util::stream::unfold(self, |mut s| async move { s.next().await.map(|item| (item, s)) })
    }
}

enum Step {
    Done,
    Yield(StreamEvent, bool),
    Fail(Error),
}

fn stream_error(kind: StreamErrorKind, message: String, line: Option<String>, error: Option<Value>) -> Error {
    Error::Stream { kind, message, line, error, status: None, request_id: None }
}
