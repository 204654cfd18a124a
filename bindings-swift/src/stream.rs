//! `NativeStream`: the core's stream handle. Sticky failures, the interrupting `close`, text
//! extraction and the final fold all live in the core.

use empiriolabs::operations::StreamFlavor;
use empiriolabs::EventStream;

use crate::chunk::ChunkFields;
use crate::error::NativeError;
use crate::runtime::{run, token, CancelHandle};
use std::sync::Arc;

/// One event: its SSE `event:` name, its type, its JSON data, the text it adds, and for a chat
/// chunk its fields as the core parsed them.
#[derive(uniffi::Record, Clone, Debug)]
pub struct StreamEvent {
    pub event: Option<String>,
    /// The `event:` name, else the data's `type`.
    pub kind: Option<String>,
    /// The JSON data's UTF-8 text, as bytes: one copy across, decoded only if read.
    pub data: Vec<u8>,
    /// The text this event adds (a chat delta, an Anthropic `text_delta`, …), if any; left out
    /// when it is the chunk's first choice's `content`, which carries it already.
    pub text: Option<String>,
    /// The chat chunk's fields, when the event is one (no JSON parse needed to read them).
    pub chunk: Option<ChunkFields>,
}

impl From<empiriolabs::StreamEvent> for StreamEvent {
    fn from(ev: empiriolabs::StreamEvent) -> StreamEvent {
        let (event, kind, data) = (ev.event().map(str::to_string), ev.kind().map(str::to_string), ev.raw().as_bytes().to_vec());
        let first_content = ev.chunk().and_then(|c| c.choices.first()).and_then(|ch| ch.delta.content.as_deref());
        let text = ev.text().filter(|t| first_content != Some(*t)).map(str::to_string);
        // Moved out of the event, already parsed: no second parse.
        let chunk = if ev.chunk().is_some() { ev.into_chunk().ok().map(ChunkFields::from) } else { None };
        StreamEvent { event, kind, data, text, chunk }
    }
}

/// A wire convention's name: `openai`, `anthropic`, `responses` or `typed`.
pub(crate) fn flavor_name(f: StreamFlavor) -> &'static str {
    match f {
        StreamFlavor::OpenAi => "openai",
        StreamFlavor::Anthropic => "anthropic",
        StreamFlavor::Responses => "responses",
        StreamFlavor::Typed => "typed",
    }
}

#[derive(uniffi::Object)]
pub struct NativeStream {
    inner: EventStream,
}

impl From<EventStream> for NativeStream {
    fn from(inner: EventStream) -> NativeStream {
        NativeStream { inner }
    }
}

/// Closing on drop: a stream the foreign side lets go of stops the gateway's work.
impl Drop for NativeStream {
    fn drop(&mut self) {
        self.inner.close();
    }
}

#[uniffi::export]
impl NativeStream {
    /// The next event; `None` after the last or after `close`. Cancel-safe.
    pub async fn next(&self, cancel: Option<Arc<CancelHandle>>) -> Result<Option<StreamEvent>, NativeError> {
        let s = self.inner.clone();
        run(token(&cancel), async move { s.next().await.transpose().map(|ev| ev.map(StreamEvent::from)) }).await
    }

    /// At least one event and every further one already available, up to `max`; empty at the end.
    pub async fn next_batch(&self, max: u32, cancel: Option<Arc<CancelHandle>>) -> Result<Vec<StreamEvent>, NativeError> {
        let s = self.inner.clone();
        run(token(&cancel), async move { s.next_batch(max as usize).await.map(|b| b.into_iter().map(StreamEvent::from).collect()) }).await
    }

    /// The next non-empty piece of text, skipping other events; `None` at the end.
    pub async fn next_text(&self, cancel: Option<Arc<CancelHandle>>) -> Result<Option<String>, NativeError> {
        let s = self.inner.clone();
        run(token(&cancel), async move { s.next_text().await.transpose() }).await
    }

    /// Reads what is left and returns what the stream folds into (JSON text), if anything.
    pub async fn final_value(&self, cancel: Option<Arc<CancelHandle>>) -> Result<Option<String>, NativeError> {
        let s = self.inner.clone();
        run(token(&cancel), async move { s.final_value().await.map(|v| v.map(|v| v.to_string())) }).await
    }

    /// Closes the connection now, even while a read waits elsewhere (named so it never
    /// shadows the foreign object's own `close`, which frees the handle).
    pub fn close_connection(&self) {
        self.inner.close();
    }

    /// Events delivered so far.
    pub fn received(&self) -> u64 {
        self.inner.received()
    }
}
