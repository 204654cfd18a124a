//! Typed shapes for the answers users read field by field. Each keeps the fields it does not
//! name in `extra`, so new gateway fields and per-model extras are never lost.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

macro_rules! shape {
    ($(#[$m:meta])* $name:ident { $($(#[serde(rename = $wire:literal)])? $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize)]
        pub struct $name {
            $($(#[serde(rename = $wire)])? pub $field: $ty,)*
            /// Fields this type does not name, as received.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        // By hand rather than derived: `#[serde(flatten)]` would buffer every object into an
        // intermediate tree before reading it, doubling the cost of each streamed chunk.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Fields;
                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        let mut out = $name::default();
                        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                            $(if key == wire!($field $(, $wire)?) {
                                out.$field = map.next_value()?;
                                continue;
                            })*
                            out.extra.insert(key.into_owned(), map.next_value()?);
                        }
                        Ok(out)
                    }
                }
                d.deserialize_map(Fields)
            }
        }
    };
}

/// A field's name on the wire: its own, or the one it is renamed from.
macro_rules! wire {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident, $wire:literal) => {
        $wire
    };
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Str;
        impl<'de> serde::de::Visitor<'de> for Str {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Str)
    }
}

shape!(
    /// Token counts and the exact amount billed.
    Usage { prompt_tokens: Option<u64>, completion_tokens: Option<u64>, total_tokens: Option<u64>, input_tokens: Option<u64>, output_tokens: Option<u64>, cost_usd: Option<f64> }
);

shape!(FunctionCall { name: Option<String>, arguments: Option<String> });
shape!(ToolCall { index: Option<u32>, id: Option<String>, #[serde(rename = "type")] kind: Option<String>, function: Option<FunctionCall> });
shape!(ChatMessage { role: Option<String>, content: Option<String>, reasoning_content: Option<String>, tool_calls: Option<Vec<ToolCall>>, refusal: Option<String> });
shape!(ChatChoice { index: u32, message: ChatMessage, finish_reason: Option<String>, logprobs: Option<Value> });
shape!(
    /// `POST /v1/chat/completions`.
    ChatCompletion { id: String, object: String, created: i64, model: String, system_fingerprint: Option<String>, choices: Vec<ChatChoice>, usage: Option<Usage> }
);
shape!(ChunkChoice { index: u32, delta: ChatMessage, finish_reason: Option<String>, logprobs: Option<Value> });
shape!(
    /// One streamed `chat.completion.chunk`.
    ChatCompletionChunk { id: String, object: String, created: i64, model: String, system_fingerprint: Option<String>, choices: Vec<ChunkChoice>, usage: Option<Usage> }
);
shape!(CompletionChoice { index: u32, text: String, finish_reason: Option<String> });
shape!(
    /// `POST /v1/completions` and its chunks.
    Completion { id: String, object: String, created: i64, model: String, choices: Vec<CompletionChoice>, usage: Option<Usage> }
);
shape!(ContentBlock { #[serde(rename = "type")] kind: String, text: Option<String>, thinking: Option<String>, signature: Option<String>, id: Option<String>, name: Option<String>, input: Option<Value> });
shape!(
    /// `POST /v1/messages` (Anthropic).
    Message { id: String, #[serde(rename = "type")] kind: String, role: String, model: String, content: Vec<ContentBlock>, stop_reason: Option<String>, stop_sequence: Option<String>, usage: Option<Usage> }
);
shape!(
    /// `POST /v1/responses` (OpenAI Responses).
    ResponseObject { id: String, object: String, created_at: i64, status: String, model: String, output: Vec<Value>, output_text: Option<String>, usage: Option<Usage> }
);
shape!(Embedding { index: u32, embedding: Value });
shape!(
    /// `POST /v1/embeddings`; `embedding` is a float array or, with `encoding_format: base64`, a string.
    Embeddings { object: String, data: Vec<Embedding>, model: String, usage: Option<Usage> }
);
shape!(RerankResult { index: u32, relevance_score: f64, document: Option<Value> });
shape!(RerankOutput { results: Vec<RerankResult> });
shape!(
    /// `POST /v1/reranks`.
    Reranks { output: RerankOutput, usage: Option<Usage>, request_id: Option<String> }
);
shape!(
    /// A catalog model (`GET /v1/models`), with its parameter table on `retrieve`.
    Model { id: String, object: String, owned_by: String, description: Option<String>, #[serde(rename = "type")] kind: Option<String>, context_window: Option<u64>, input_modalities: Vec<String>, output_modalities: Vec<String>, parameters: Option<Vec<Value>> }
);
shape!(ModelList { object: String, data: Vec<Model> });
shape!(
    /// The state of an async job (`GET /v1/jobs/{id}`).
    JobState { job_id: String, status: String, progress: Option<f64>, created_at: Option<String>, completed_at: Option<String>, result: Option<Value>, error: Option<Value> }
);
shape!(
    /// An agent task (`GET /v1/agents/{task_id}`).
    AgentTaskState { task_id: String, status: String, output: Option<String>, artifacts: Option<Vec<Value>>, usage: Option<Usage> }
);
shape!(
    /// One page of `GET /v1/account/usage`.
    UsagePage { object: String, balance: Value, summary: Value, spend: Value, data: Vec<Value>, has_more: bool, next_cursor: Option<String> }
);
shape!(
    /// `POST /v1/audio/transcriptions` (JSON formats).
    Transcription { text: String, language: Option<String>, duration: Option<f64>, segments: Option<Vec<Value>>, words: Option<Vec<Value>>, usage: Option<Usage> }
);
shape!(
    /// A GPU Cloud instance.
    GpuInstance { id: String, status: String, gpu_slug: String, gpu_display: Option<String>, num_gpus: u32, price_hourly: Option<f64>, connect_path: Option<String>, billed_amount: Option<f64> }
);
shape!(
    /// A hosted OpenClaw or Hermes agent.
    HostedAgent { id: String, agent_type: String, name: String, plan_slug: Option<String>, status: String, default_provider: Option<String> }
);

/// An Anthropic Messages stream event, typed by its `type`.
///
/// ```
/// use empiriolabs::types::MessageStreamEvent;
/// let ev: MessageStreamEvent = serde_json::from_value(serde_json::json!({
///     "type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}
/// })).unwrap();
/// assert!(matches!(ev, MessageStreamEvent::ContentBlockDelta { index: 0, .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageStreamEvent {
    MessageStart { message: Message },
    ContentBlockStart { index: u32, content_block: ContentBlock },
    /// `delta` is a `text_delta`, `thinking_delta`, `signature_delta` or `input_json_delta`.
    ContentBlockDelta { index: u32, delta: Delta },
    ContentBlockStop { index: u32 },
    MessageDelta { delta: Delta, usage: Option<Usage> },
    MessageStop,
    Ping,
    /// A type this SDK does not know yet.
    Unknown,
}

shape!(
    /// What a `content_block_delta` adds (`text_delta`: `text`, `thinking_delta`: `thinking`,
    /// `signature_delta`: `signature`, `input_json_delta`: `partial_json`), or what a
    /// `message_delta` changes (`stop_reason`, `stop_sequence`).
    Delta {
        #[serde(rename = "type")] kind: Option<String>,
        text: Option<String>,
        thinking: Option<String>,
        signature: Option<String>,
        partial_json: Option<String>,
        stop_reason: Option<String>,
        stop_sequence: Option<String>,
    }
);

impl MessageStreamEvent {
    /// The event's `type`.
    pub fn kind(&self) -> Option<&'static str> {
        Some(match self {
            MessageStreamEvent::MessageStart { .. } => "message_start",
            MessageStreamEvent::ContentBlockStart { .. } => "content_block_start",
            MessageStreamEvent::ContentBlockDelta { .. } => "content_block_delta",
            MessageStreamEvent::ContentBlockStop { .. } => "content_block_stop",
            MessageStreamEvent::MessageDelta { .. } => "message_delta",
            MessageStreamEvent::MessageStop => "message_stop",
            MessageStreamEvent::Ping => "ping",
            MessageStreamEvent::Unknown => return None,
        })
    }
}

// One pass over the object whatever the order of its fields (`type` need not come first),
// with no intermediate tree: the tagged-enum derive would buffer every event.
impl<'de> Deserialize<'de> for MessageStreamEvent {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Flat<'a> {
            #[serde(rename = "type", borrow)]
            kind: Cow<'a, str>,
            message: Option<Message>,
            index: Option<u32>,
            content_block: Option<ContentBlock>,
            delta: Option<Delta>,
            usage: Option<Usage>,
        }
        let f = Flat::deserialize(d)?;
        let index = f.index.unwrap_or(0);
        Ok(match &*f.kind {
            "message_start" => MessageStreamEvent::MessageStart { message: f.message.unwrap_or_default() },
            "content_block_start" => MessageStreamEvent::ContentBlockStart { index, content_block: f.content_block.unwrap_or_default() },
            "content_block_delta" => MessageStreamEvent::ContentBlockDelta { index, delta: f.delta.unwrap_or_default() },
            "content_block_stop" => MessageStreamEvent::ContentBlockStop { index },
            "message_delta" => MessageStreamEvent::MessageDelta { delta: f.delta.unwrap_or_default(), usage: f.usage },
            "message_stop" => MessageStreamEvent::MessageStop,
            "ping" => MessageStreamEvent::Ping,
            _ => MessageStreamEvent::Unknown,
        })
    }
}

/// An event of `POST /v1/audio/speech:stream`, with `audio.chunk` audio already decoded.
#[derive(Clone, Debug, PartialEq)]
pub enum SpeechEvent {
    Chunk { seq: u64, audio: Vec<u8>, format: Option<String>, sample_rate: Option<u64> },
    Timestamps(Value),
    Done { url: Option<String>, duration_seconds: Option<f64>, usage: Value },
    Other(Value),
}

impl SpeechEvent {
    pub fn from_value(v: &Value) -> crate::Result<SpeechEvent> {
        use base64::Engine;
        let decode = |s: &str| base64::engine::general_purpose::STANDARD.decode(s);
        Ok(match v.get("type").and_then(Value::as_str) {
            Some("audio.chunk") => SpeechEvent::Chunk {
                seq: v.get("seq").and_then(Value::as_u64).unwrap_or(0),
                audio: decode(v.get("audio_b64").and_then(Value::as_str).unwrap_or(""))
                    .map_err(|e| crate::Error::decode(format!("audio.chunk is not valid base64: {e}"), v.to_string().as_bytes()))?,
                format: v.get("format").and_then(Value::as_str).map(str::to_string),
                sample_rate: v.get("sample_rate").and_then(Value::as_u64),
            },
            Some("audio.timestamps") => SpeechEvent::Timestamps(v.get("timestamp_info").cloned().unwrap_or(Value::Null)),
            Some("audio.done") => SpeechEvent::Done {
                url: v.get("url").and_then(Value::as_str).map(str::to_string),
                duration_seconds: v.get("duration_seconds").and_then(Value::as_f64),
                usage: v.get("usage").cloned().unwrap_or(Value::Null),
            },
            _ => SpeechEvent::Other(v.clone()),
        })
    }
}

