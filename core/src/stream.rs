//! A pulled event stream over one HTTP response, as a handle every binding wraps as it is:
//! `Clone + Send + Sync`, `&self` methods. It knows its wire convention's terminator and error
//! events; ending without the terminator, breaking, going silent or carrying an error is a
//! typed error, never a short answer, and that error sticks. Closing it, cancelling its call's
//! token or dropping the last clone closes the connection.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{FutureExt, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{Mutex, MutexGuard, Notify};

use crate::accumulate::{text_delta, Folder};
use crate::call::ResponseMeta;
use crate::error::{Error, Result, StreamErrorKind, TimeoutKind};
use crate::operations::{Fold, StreamFlavor};
use crate::options::CancellationToken;
use crate::sse::{Decoder, SseEvent};

/// The bound on one SSE line or event.
pub const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// One event: its SSE `event:` name (if any) and its JSON data.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamEvent {
    pub event: Option<String>,
    pub data: Value,
    /// The convention of the stream it came in, which decides [`StreamEvent::text`].
    pub flavor: StreamFlavor,
}

impl StreamEvent {
    /// The event's type: its `event:` name, else the data's `type`.
    pub fn kind(&self) -> Option<&str> {
        self.event.as_deref().or_else(|| self.data.get("type").and_then(Value::as_str))
    }

    /// The text this event adds (a chat delta, an Anthropic `text_delta`, …), if any.
    pub fn text(&self) -> Option<&str> {
        text_delta(self.flavor, &self.data)
    }

    pub fn parse<T: DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(&self.data).map_err(|e| Error::decode(format!("unexpected stream event shape: {e}"), self.data.to_string().as_bytes()))
    }
}

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

/// What a read gives: an event, the end (`None`), or the stream's failure.
type Read = Option<Result<StreamEvent>>;

struct State {
    body: Option<Body>,
    decoder: Decoder,
    /// The terminator was seen, or the stream was closed: nothing more comes.
    finished: bool,
    /// The error that ended the stream; every later read returns it again.
    failure: Option<Error>,
    folder: Folder,
    /// The folded value, once [`EventStream::final_value`] computed it.
    folded: Option<Option<Value>>,
}

struct Shared {
    state: Mutex<State>,
    closed: AtomicBool,
    wake: Notify,
    flavor: StreamFlavor,
    idle: Duration,
    meta: ResponseMeta,
    cancel: Option<CancellationToken>,
    received: AtomicU64,
}

/// A stream of events. Clones share one connection and one position.
///
/// ```no_run
/// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
/// use empiriolabs::{CallArgs, operations::id};
/// let body = serde_json::json!({"model": "deepseek-v4-pro", "stream": true, "messages": [{"role": "user", "content": "Hi"}]});
/// let stream = client.stream(id::CREATE_CHAT_COMPLETION, CallArgs::new().json(body)).await?;
/// loop {
///     let batch = stream.next_batch(64).await?; // what has arrived, in one call
///     if batch.is_empty() { break }
///     for ev in &batch { print!("{}", ev.text().unwrap_or("")) }
/// }
/// println!("\n{}", stream.final_value().await?.unwrap()["choices"][0]["message"]["content"]);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct EventStream {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("flavor", &self.shared.flavor)
            .field("status", &self.shared.meta.status)
            .field("received", &self.received())
            .field("closed", &self.shared.closed.load(Ordering::Relaxed))
            .finish()
    }
}

fn stream_error(kind: StreamErrorKind, message: String, line: Option<String>, error: Option<Value>) -> Error {
    Error::Stream { kind, message, line, error, status: None, request_id: None }
}

enum Step {
    Done,
    Yield(StreamEvent, bool),
    Fail(Error),
}

impl State {
    fn close(&mut self) {
        self.body = None;
        self.finished = true;
    }

    fn fail(&mut self, sh: &Shared, e: Error) -> Read {
        self.close();
        let e = match e {
            Error::Stream { kind, message, line, error, .. } => Error::Stream { kind, message, line, error, status: Some(sh.meta.status), request_id: sh.meta.request_id.clone() },
            other => other,
        };
        self.failure = Some(e.clone());
        Some(Err(e))
    }

    fn step(&mut self, sh: &Shared, step: Step) -> Read {
        match step {
            Step::Done => {
                self.close();
                None
            }
            Step::Yield(ev, last) => {
                sh.received.fetch_add(1, Ordering::Relaxed);
                self.folder.push(&ev.data);
                if last {
                    self.close();
                }
                Some(Ok(ev))
            }
            Step::Fail(e) => self.fail(sh, e),
        }
    }

    /// A read that needs no I/O: the failure, the end, or an event already decoded.
    fn decoded(&mut self, sh: &Shared) -> Option<Read> {
        if let Some(e) = &self.failure {
            return Some(Some(Err(e.clone())));
        }
        if self.finished {
            return Some(None);
        }
        match self.decoder.next_decoded() {
            Ok(raw) => {
                let step = interpret(sh.flavor, raw?);
                Some(self.step(sh, step))
            }
            Err(e) => {
                let msg = format!("an event is longer than the {} byte bound", e.limit);
                Some(self.fail(sh, stream_error(StreamErrorKind::OversizedEvent, msg, Some(e.start), None)))
            }
        }
    }

    /// Takes in what the body gave; `Some` when that settles the read.
    fn arrived(&mut self, sh: &Shared, chunk: Option<reqwest::Result<Bytes>>) -> Option<Read> {
        match chunk {
            None => {
                // A terminator whose final blank line is missing still ends the stream.
                if let Some(raw) = self.decoder.pending_at_eof() {
                    match interpret(sh.flavor, raw) {
                        step @ (Step::Done | Step::Yield(_, true)) => return Some(self.step(sh, step)),
                        _ => {}
                    }
                }
                Some(self.fail(sh, stream_error(StreamErrorKind::MissingTerminator, "the stream ended without its terminator".into(), None, None)))
            }
            Some(Err(e)) => Some(self.fail(sh, stream_error(StreamErrorKind::Interrupted, format!("the connection broke mid-stream: {e}"), None, None))),
            // Decoded lazily, an event at a time, straight from the body's frame.
            Some(Ok(c)) => {
                self.decoder.push(c);
                None
            }
        }
    }

    /// The next event, waiting for the body; cancel-safe (a dropped read loses nothing).
    async fn read(&mut self, sh: &Shared) -> Read {
        loop {
            if let Some(r) = self.decoded(sh) {
                return r;
            }
            let Some(body) = self.body.as_mut() else { return None };
            let chunk = match tokio::time::timeout(sh.idle, body.next()).await {
                Err(_) => return self.fail(sh, Error::Timeout { kind: TimeoutKind::StreamIdle, after: sh.idle }),
                Ok(c) => c,
            };
            if let Some(r) = self.arrived(sh, chunk) {
                return r;
            }
        }
    }

    /// The next event if one can be had without waiting; `None` when it would wait.
    fn read_now(&mut self, sh: &Shared) -> Option<Read> {
        loop {
            if let Some(r) = self.decoded(sh) {
                return Some(r);
            }
            let chunk = self.body.as_mut()?.next().now_or_never()?;
            if let Some(r) = self.arrived(sh, chunk) {
                return Some(r);
            }
        }
    }
}

fn interpret(flavor: StreamFlavor, raw: SseEvent) -> Step {
    if raw.data == "[DONE]" && matches!(flavor, StreamFlavor::OpenAi | StreamFlavor::Typed) {
        return Step::Done;
    }
    let data: Value = match serde_json::from_str(&raw.data) {
        Ok(v @ Value::Object(_)) => v,
        _ => return Step::Fail(stream_error(StreamErrorKind::MalformedEvent, "an event's data is not a JSON object".into(), Some(raw.data), None)),
    };
    let ev = StreamEvent { event: raw.event, data, flavor };
    let kind = ev.kind().unwrap_or("");
    let error_of = |err: Value| -> Step {
        let msg = err.get("message").and_then(Value::as_str).unwrap_or("the stream reported an error").to_string();
        Step::Fail(stream_error(StreamErrorKind::ErrorEvent, msg, None, Some(err)))
    };
    let own_error = |ev: &StreamEvent| ev.data.get("error").cloned().unwrap_or_else(|| ev.data.clone());
    match flavor {
        StreamFlavor::OpenAi if ev.data.get("error").is_some_and(|e| !e.is_null()) => error_of(own_error(&ev)),
        StreamFlavor::Anthropic if kind == "error" => error_of(own_error(&ev)),
        StreamFlavor::Anthropic if kind == "message_stop" => Step::Yield(ev, true),
        StreamFlavor::Responses if kind == "error" || kind == "response.failed" => {
            error_of(ev.data.pointer("/response/error").filter(|e| !e.is_null()).cloned().unwrap_or_else(|| own_error(&ev)))
        }
        StreamFlavor::Responses if kind == "response.completed" || kind == "response.incomplete" => Step::Yield(ev, true),
        StreamFlavor::Typed if kind == "error" || kind.ends_with(".error") => error_of(own_error(&ev)),
        _ => Step::Yield(ev, false),
    }
}

impl EventStream {
    pub(crate) fn new(resp: reqwest::Response, flavor: StreamFlavor, fold: Fold, idle: Duration, cancel: Option<CancellationToken>) -> EventStream {
        let meta = ResponseMeta::of(&resp);
        let state = State { body: Some(Box::pin(resp.bytes_stream())), decoder: Decoder::new(MAX_EVENT_BYTES), finished: false, failure: None, folder: Folder::new(fold), folded: None };
        let shared = Shared { state: Mutex::new(state), closed: AtomicBool::new(false), wake: Notify::new(), flavor, idle, meta, cancel, received: AtomicU64::new(0) };
        EventStream { shared: Arc::new(shared) }
    }

    /// Status, headers and request id of the response the stream came in.
    pub fn meta(&self) -> &ResponseMeta {
        &self.shared.meta
    }

    pub fn flavor(&self) -> StreamFlavor {
        self.shared.flavor
    }

    /// Events delivered so far.
    pub fn received(&self) -> u64 {
        self.shared.received.load(Ordering::Relaxed)
    }

    /// Closes the connection now, even while another task or thread waits in [`next`]
    /// (which then returns `None`); the gateway stops billing. Later reads return `None`,
    /// or the stream's error if it had failed before.
    ///
    /// [`next`]: EventStream::next
    pub fn close(&self) {
        self.shared.closed.store(true, Ordering::Release);
        // A stored permit also stops a read that starts waiting just after this.
        self.shared.wake.notify_one();
        if let Ok(mut st) = self.shared.state.try_lock() {
            st.close();
        }
    }

    /// Runs a read on the state unless the stream is (or gets) closed or cancelled.
    async fn guarded<'a>(&'a self, st: &mut MutexGuard<'a, State>) -> Read {
        let sh = &*self.shared;
        if let Some(e) = &st.failure {
            return Some(Err(e.clone()));
        }
        if sh.closed.load(Ordering::Acquire) {
            st.close();
            return None;
        }
        let cancelled = async {
            match &sh.cancel {
                Some(t) => t.cancelled().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            got = st.read(sh) => got,
            _ = sh.wake.notified() => {
                st.close();
                None
            }
            _ = cancelled => st.fail(sh, Error::Cancelled),
        }
    }

    /// The next event; `None` after the terminator or `close`. Cancel-safe: dropping the
    /// future loses no event. After a failure every call returns the same error.
    pub async fn next(&self) -> Option<Result<StreamEvent>> {
        let mut st = self.shared.state.lock().await;
        self.guarded(&mut st).await
    }

    /// The next event if it can be had without waiting (already decoded, or its bytes already
    /// arrived); `None` when it would wait. Call it inside the tokio runtime's context.
    pub fn try_next(&self) -> Option<Option<Result<StreamEvent>>> {
        let mut st = self.shared.state.try_lock().ok()?;
        if let Some(e) = &st.failure {
            return Some(Some(Err(e.clone())));
        }
        if self.shared.closed.load(Ordering::Acquire) {
            st.close();
            return Some(None);
        }
        st.read_now(&self.shared)
    }

    /// Waits for at least one event, then returns it with every further event that is already
    /// available, up to `max`: one call (one crossing of a language boundary) for many small
    /// chunks. An empty batch is the end. An error after some events comes on the next call.
    pub async fn next_batch(&self, max: usize) -> Result<Vec<StreamEvent>> {
        let mut st = self.shared.state.lock().await;
        let first = match self.guarded(&mut st).await {
            None => return Ok(Vec::new()),
            Some(r) => r?,
        };
        let mut batch = Vec::with_capacity(max.clamp(1, 256));
        batch.push(first);
        while batch.len() < max.max(1) {
            match st.read_now(&self.shared) {
                Some(Some(Ok(ev))) => batch.push(ev),
                // The end or a failure is reported by the next call; the failure is kept.
                _ => break,
            }
        }
        Ok(batch)
    }

    /// The next non-empty piece of text, skipping other events; `None` at the end.
    pub async fn next_text(&self) -> Option<Result<String>> {
        loop {
            match self.next().await? {
                Err(e) => return Some(Err(e)),
                Ok(ev) => {
                    if let Some(t) = ev.text().filter(|t| !t.is_empty()) {
                        return Some(Ok(t.to_string()));
                    }
                }
            }
        }
    }

    /// Reads what is left and returns what the stream folds into: the `chat.completion`,
    /// completion, response, message, answer, speech (all audio) or last agent-task event;
    /// `None` for streams that fold into nothing. A failed stream returns its error, every time.
    pub async fn final_value(&self) -> Result<Option<Value>> {
        let mut st = self.shared.state.lock().await;
        loop {
            match self.guarded(&mut st).await {
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        if let Some(e) = &st.failure {
            return Err(e.clone());
        }
        if st.folded.is_none() {
            let folder = std::mem::replace(&mut st.folder, Folder::None);
            st.folded = Some(folder.finish());
        }
        Ok(st.folded.clone().flatten())
    }

    /// Adapts the stream to a `futures::Stream` of events.
    pub fn into_stream(self) -> impl Stream<Item = Result<StreamEvent>> + Send {
        futures_util::stream::unfold(self, |s| async move { s.next().await.map(|item| (item, s)) })
    }
}
