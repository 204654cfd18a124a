//! Typed shapes for the answers users read field by field. Each keeps the fields it does not
//! name in `extra`, so new gateway fields and per-model extras are never lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

macro_rules! shape {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            $($(#[$fm])* #[serde(default)] pub $field: $ty,)*
            /// Fields this type does not name, as received.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

shape!(
    /// Token counts and the exact amount billed.
    Usage { prompt_tokens: Option<u64>, completion_tokens: Option<u64>, total_tokens: Option<u64>, input_tokens: Option<u64>, output_tokens: Option<u64>, cost_usd: Option<f64> }
);

shape!(FunctionCall { name: Option<String>, arguments: Option<String> });
shape!(ToolCall { index: Option<u32>, id: Option<String>, #[serde(rename = "type")] kind: Option<String>, function: Option<FunctionCall> });
shape!(ChatMessage { role: Option<String>, content: Option<String>, reasoning_content: Option<String>, tool_calls: Option<Vec<ToolCall>>, refusal: Option<String> });
shape!(ChatChoice { index: u32, message: ChatMessage, finish_reason: Option<String> });
shape!(
    /// `POST /v1/chat/completions`.
    ChatCompletion { id: String, object: String, created: i64, model: String, choices: Vec<ChatChoice>, usage: Option<Usage> }
);
shape!(ChunkChoice { index: u32, delta: ChatMessage, finish_reason: Option<String> });
shape!(
    /// One streamed `chat.completion.chunk`.
    ChatCompletionChunk { id: String, object: String, created: i64, model: String, choices: Vec<ChunkChoice>, usage: Option<Usage> }
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageStreamEvent {
    MessageStart { message: Message },
    ContentBlockStart { index: u32, content_block: ContentBlock },
    /// `delta` is a `text_delta`, `thinking_delta`, `signature_delta` or `input_json_delta`.
    ContentBlockDelta { index: u32, delta: Value },
    ContentBlockStop { index: u32 },
    MessageDelta { delta: Value, #[serde(default)] usage: Option<Usage> },
    MessageStop,
    Ping,
    /// A type this SDK does not know yet.
    #[serde(other)]
    Unknown,
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

