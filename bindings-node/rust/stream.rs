//! `NativeStream`: the core's stream handle. Events cross in batches (one crossing for every
//! event already decoded), their JSON data packed in one Buffer; sticky failures, an
//! interrupting close and the final fold all live in the core.

use empiriolabs::operations::StreamFlavor;
use empiriolabs::{EventStream, StreamEvent};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::client::meta_json;
use crate::errors::to_napi;

#[napi]
pub struct NativeStream {
    inner: EventStream,
}

impl NativeStream {
    pub fn new(inner: EventStream) -> NativeStream {
        NativeStream { inner }
    }
}

#[napi]
impl NativeStream {
    /// Waits for at least one event, then returns it with every further event already
    /// available, up to `max`: `[bytes, ends]`, the events' JSON texts back to back in one
    /// Buffer (handed over without a copy) and where each ends; `null` at the end. Each text
    /// becomes a string only when it is read, so events waiting to be read stay off the
    /// JavaScript heap. A failure after some events comes on the next call, and on every call
    /// after it.
    #[napi(ts_return_type = "Promise<[Buffer, Array<number>] | null>")]
    pub async fn next_batch(&self, max: u32) -> Result<Option<(Buffer, Vec<f64>)>> {
        let batch = self.inner.next_batch(max.max(1) as usize).await.map_err(to_napi)?;
        Ok(Packed::of(&batch).map(|p| (p.bytes, p.ends)))
    }

    /// As `nextBatch`, with the text each event adds (the core's reading of a chat delta, an
    /// Anthropic `text_delta`, a `response.output_text.delta`, …; `null` where it adds none):
    /// `[bytes, ends, texts]`, or `null` at the end.
    #[napi(ts_return_type = "Promise<[Buffer, Array<number>, Array<string | null>] | null>")]
    pub async fn next_batch_with_text(&self, max: u32) -> Result<Option<(Buffer, Vec<f64>, Vec<Option<String>>)>> {
        let batch = self.inner.next_batch(max.max(1) as usize).await.map_err(to_napi)?;
        let texts = batch.iter().map(|ev| ev.text().map(str::to_string)).collect();
        Ok(Packed::of(&batch).map(|p| (p.bytes, p.ends, texts)))
    }

    /// Reads what is left and returns what the stream folds into (the completion, message,
    /// response, answer, speech or last agent event) as JSON, or `null`.
    #[napi]
    pub async fn final_value(&self) -> Result<Option<String>> {
        Ok(self.inner.final_value().await.map_err(to_napi)?.map(|v| v.to_string()))
    }

    /// Closes the connection now, even while a `nextBatch` is pending (it then ends).
    #[napi]
    pub fn close(&self) {
        self.inner.close();
    }

    /// Events delivered so far.
    #[napi(getter)]
    pub fn received(&self) -> f64 {
        self.inner.received() as f64
    }

    /// `openai`, `anthropic`, `responses` or `typed`.
    #[napi(getter)]
    pub fn flavor(&self) -> &'static str {
        match self.inner.flavor() {
            StreamFlavor::OpenAi => "openai",
            StreamFlavor::Anthropic => "anthropic",
            StreamFlavor::Responses => "responses",
            StreamFlavor::Typed => "typed",
        }
    }

    /// Status, headers and request id of the response the stream came in, as JSON.
    #[napi(getter)]
    pub fn meta_json(&self) -> String {
        meta_json(self.inner.meta())
    }
}

/// A batch as it crosses: the events' data back to back, and the offset where each ends
/// (numbers, which JavaScript reads without a conversion).
struct Packed {
    bytes: Buffer,
    ends: Vec<f64>,
}

impl Packed {
    /// `None` for the empty batch, which is the end.
    fn of(batch: &[StreamEvent]) -> Option<Packed> {
        if batch.is_empty() {
            return None;
        }
        let mut bytes = Vec::with_capacity(batch.iter().map(|ev| ev.raw().len()).sum());
        let mut ends = Vec::with_capacity(batch.len());
        for ev in batch {
            bytes.extend_from_slice(ev.raw().as_bytes());
            ends.push(bytes.len() as f64);
        }
        Some(Packed { bytes: bytes.into(), ends })
    }
}
