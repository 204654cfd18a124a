//! A pulled event stream over one HTTP response, as a handle every binding wraps as it is:
//! `Clone + Send + Sync`, `&self` methods. It knows its wire convention's terminator and error
//! events; ending without the terminator, breaking, going silent or carrying an error is a
//! typed error, never a short answer, and that error sticks. Closing it, cancelling its call's
//! token or dropping the last clone closes the connection.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
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
use crate::types::{ChatCompletionChunk, MessageStreamEvent};

/// The bound on one SSE line or event.
pub const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// One event: its SSE `event:` name (if any) and its JSON data, kept as the text that came
/// (bindings hand it on as it is). Chat chunks and Anthropic events are parsed once, straight
/// into their types, which give [`StreamEvent::text`] and the fold; the JSON tree of
/// [`StreamEvent::data`] is built only if asked for.
#[derive(Clone, Debug)]
pub struct StreamEvent {
    name: Option<Arc<str>>,
    /// The data, UTF-8, sharing the body's buffer.
    raw: Bytes,
    /// The convention of the stream it came in, which decides [`StreamEvent::text`].
    flavor: StreamFlavor,
    typed: Typed,
    value: OnceLock<Box<Value>>,
}

/// What an event's data was parsed into; boxed, so an event moves as a few words.
#[derive(Clone, Debug)]
enum Typed {
    /// Only the tree (in `value`).
    None,
    Chunk(Box<ChatCompletionChunk>),
    Message(Box<MessageStreamEvent>),
}

impl PartialEq for StreamEvent {
    fn eq(&self, other: &StreamEvent) -> bool {
        (self.name.as_deref(), self.raw(), self.flavor) == (other.name.as_deref(), other.raw(), other.flavor)
    }
}

impl StreamEvent {
    /// An event of a stream of this convention, parsed as that stream would parse it.
    ///
    /// ```
    /// use empiriolabs::{operations::StreamFlavor, StreamEvent};
    /// let ev = StreamEvent::from_json(StreamFlavor::OpenAi, None, r#"{"choices":[{"index":0,"delta":{"content":"Hi"}}]}"#).unwrap();
    /// assert_eq!((ev.text(), ev.data()["choices"][0]["index"].as_u64()), (Some("Hi"), Some(0)));
    /// ```
    pub fn from_json(flavor: StreamFlavor, event: Option<&str>, data: &str) -> Result<StreamEvent> {
        let fold = match flavor {
            StreamFlavor::OpenAi => Fold::Chat,
            StreamFlavor::Anthropic => Fold::Message,
            _ => Fold::None,
        };
        decode(flavor, fold, SseEvent::new(event, data)).map_err(|data| Error::decode("an event's data is not a JSON object", data.as_bytes()))
    }

    /// The SSE `event:` name, if one was given.
    pub fn event(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The event's type: its `event:` name, else the data's `type`.
    pub fn kind(&self) -> Option<&str> {
        if let Some(n) = self.event() {
            return Some(n);
        }
        match &self.typed {
            Typed::Message(m) if m.kind().is_some() => m.kind(),
            Typed::Chunk(c) => c.extra.get("type").and_then(Value::as_str),
            _ => self.data().get("type").and_then(Value::as_str),
        }
    }

    /// The data as received: a JSON object's text.
    pub fn raw(&self) -> &str {
        // SAFETY: `raw` is the data of an `SseEvent`, which is always UTF-8.
        unsafe { std::str::from_utf8_unchecked(&self.raw) }
    }

    /// The data as a JSON tree (built on first use when the event was parsed into a type).
    pub fn data(&self) -> &Value {
        self.value.get_or_init(|| Box::new(serde_json::from_str(self.raw()).unwrap_or(Value::Null)))
    }

    /// The convention of the stream it came in.
    pub fn flavor(&self) -> StreamFlavor {
        self.flavor
    }

    /// The text this event adds (a chat delta, an Anthropic `text_delta`, …), if any.
    pub fn text(&self) -> Option<&str> {
        match &self.typed {
            Typed::Chunk(c) => {
                let choice = c.choices.first()?;
                choice.delta.content.as_deref().or_else(|| choice.extra.get("text")?.as_str())
            }
            Typed::Message(m) => match &**m {
                MessageStreamEvent::ContentBlockDelta { delta, .. } if delta.kind.as_deref() == Some("text_delta") => delta.text.as_deref(),
                _ => None,
            },
            Typed::None => text_delta(self.flavor, self.data()),
        }
    }

    /// The chat chunk, when the event was parsed as one.
    pub fn chunk(&self) -> Option<&ChatCompletionChunk> {
        match &self.typed {
            Typed::Chunk(c) => Some(c),
            _ => None,
        }
    }

    /// The Anthropic event, when the event was parsed as one.
    pub fn message_event(&self) -> Option<&MessageStreamEvent> {
        match &self.typed {
            Typed::Message(m) => Some(m),
            _ => None,
        }
    }

    /// The data read into `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_str(self.raw()).map_err(|e| Error::decode(format!("unexpected stream event shape: {e}"), self.raw().as_bytes()))
    }

    /// The chat chunk, moved out when already parsed.
    pub fn into_chunk(self) -> Result<ChatCompletionChunk> {
        match self.typed {
            Typed::Chunk(c) => Ok(*c),
            _ => self.parse(),
        }
    }

    /// The Anthropic event, moved out when already parsed.
    pub fn into_message_event(self) -> Result<MessageStreamEvent> {
        match self.typed {
            Typed::Message(m) => Ok(*m),
            _ => self.parse(),
        }
    }
}

/// Parses an event's data once, into the type its stream folds from when it has one; the
/// data back when it is not a JSON object.
fn decode(flavor: StreamFlavor, fold: Fold, raw: SseEvent) -> std::result::Result<StreamEvent, String> {
    let text = raw.data();
    // A shape the type does not take (a field of another JSON type) still passes as a tree.
    let typed = match fold {
        Fold::Chat => serde_json::from_str(text).map(|c| Typed::Chunk(Box::new(c))).ok(),
        Fold::Message => serde_json::from_str(text).map(|m| Typed::Message(Box::new(m))).ok(),
        _ => None,
    };
    let value = OnceLock::new();
    let typed = match typed {
        Some(t) => t,
        None => match serde_json::from_str(text) {
            Ok(v @ Value::Object(_)) => {
                let _ = value.set(Box::new(v));
                Typed::None
            }
            _ => return Err(text.to_string()),
        },
    };
    let (name, raw) = raw.into_name_and_data();
    Ok(StreamEvent { name, raw, flavor, typed, value })
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
    /// What the stream folds into, which decides the type its events are parsed into.
    fold: Fold,
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
                self.folder.push_event(&ev);
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
                let step = interpret(sh.flavor, sh.fold, raw?);
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
                    if let step @ (Step::Done | Step::Yield(_, true)) = interpret(sh.flavor, sh.fold, raw) {
                        return Some(self.step(sh, step));
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
            let body = self.body.as_mut()?;
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

fn interpret(flavor: StreamFlavor, fold: Fold, raw: SseEvent) -> Step {
    if raw.data() == "[DONE]" && matches!(flavor, StreamFlavor::OpenAi | StreamFlavor::Typed) {
        return Step::Done;
    }
    let ev = match decode(flavor, fold, raw) {
        Ok(ev) => ev,
        Err(data) => return Step::Fail(stream_error(StreamErrorKind::MalformedEvent, "an event's data is not a JSON object".into(), Some(data), None)),
    };
    let error_of = |err: Value| -> Step {
        let msg = err.get("message").and_then(Value::as_str).unwrap_or("the stream reported an error").to_string();
        Step::Fail(stream_error(StreamErrorKind::ErrorEvent, msg, None, Some(err)))
    };
    let own_error = |ev: &StreamEvent| ev.data().get("error").cloned().unwrap_or_else(|| ev.data().clone());
    let kind = ev.kind().unwrap_or("");
    match flavor {
        StreamFlavor::OpenAi => {
            let error = match ev.chunk() {
                Some(c) => c.extra.get("error"),
                None => ev.data().get("error"),
            };
            match error {
                Some(e) if !e.is_null() => error_of(e.clone()),
                _ => Step::Yield(ev, false),
            }
        }
        StreamFlavor::Anthropic if kind == "error" => error_of(own_error(&ev)),
        StreamFlavor::Anthropic if kind == "message_stop" => Step::Yield(ev, true),
        StreamFlavor::Responses if kind == "error" || kind == "response.failed" => {
            error_of(ev.data().pointer("/response/error").filter(|e| !e.is_null()).cloned().unwrap_or_else(|| own_error(&ev)))
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
        let shared = Shared { state: Mutex::new(state), closed: AtomicBool::new(false), wake: Notify::new(), flavor, fold, idle, meta, cancel, received: AtomicU64::new(0) };
        EventStream { shared: Arc::new(shared) }
    }

    /// A stream over a response that came some other way (a recorded body, a proxy's answer),
    /// read as a stream of operation `op_id` reads it: its convention, terminator, errors and
    /// fold. `None` when `op_id` names no streaming operation.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use empiriolabs::{operations::id, EventStream};
    /// let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n";
    /// let s = EventStream::from_response(http::Response::new(body).into(), id::CREATE_CHAT_COMPLETION).unwrap();
    /// assert_eq!(s.next_text().await.unwrap().unwrap(), "Hi");
    /// assert_eq!(s.final_value().await.unwrap().unwrap()["choices"][0]["message"]["content"], "Hi");
    /// # });
    /// ```
    pub fn from_response(resp: reqwest::Response, op_id: &str) -> Option<EventStream> {
        let op = crate::operations::find(op_id)?;
        let flavor = op.stream_flavor(Some(true))?;
        Some(EventStream::new(resp, flavor, op.fold, crate::client::DEFAULT_STREAM_IDLE_TIMEOUT, None))
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
        // Most events of a burst are already in the last chunk: those need no wait, no timer
        // and no select over close and cancel.
        if let Some(r) = self.decoded_now() {
            return r;
        }
        let mut st = self.shared.state.lock().await;
        self.guarded(&mut st).await
    }

    /// The read, when it needs no I/O and nobody else holds the stream.
    fn decoded_now(&self) -> Option<Read> {
        let sh = &*self.shared;
        if sh.closed.load(Ordering::Acquire) || sh.cancel.as_ref().is_some_and(CancellationToken::is_cancelled) {
            return None;
        }
        self.shared.state.try_lock().ok()?.decoded(sh)
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
