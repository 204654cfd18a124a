//! A chat chunk's fields as the core parsed them, handed across with the event so that the
//! foreign typed view (Kotlin's `ChatCompletionChunk`, …) needs no JSON parse of its own; the
//! event's JSON text still comes along, for `raw`, parsed there only when read.

use empiriolabs::types::{ChatCompletionChunk, ChatMessage, ChunkChoice, ToolCall, Usage};

/// `chat.completion.chunk`: the fields the typed views read.
#[derive(uniffi::Record, Clone, Debug)]
pub struct ChunkFields {
    pub id: String,
    pub created: i64,
    pub model: String,
    pub choices: Vec<ChunkChoiceFields>,
    pub usage: Option<UsageFields>,
}

/// One choice of a chunk, its delta's fields inline.
#[derive(uniffi::Record, Clone, Debug)]
pub struct ChunkChoiceFields {
    pub index: u32,
    pub role: Option<String>,
    pub content: Option<String>,
    pub reasoning_content: Option<String>,
    pub refusal: Option<String>,
    pub tool_calls: Vec<ToolCallFields>,
    pub finish_reason: Option<String>,
}

/// A tool call, or a piece of one.
#[derive(uniffi::Record, Clone, Debug)]
pub struct ToolCallFields {
    pub index: Option<u32>,
    pub id: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub arguments: Option<String>,
}

/// Token counts and the amount billed.
#[derive(uniffi::Record, Clone, Debug)]
pub struct UsageFields {
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub total_tokens: Option<u64>,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub cost_usd: Option<f64>,
}

impl From<ChatCompletionChunk> for ChunkFields {
    fn from(c: ChatCompletionChunk) -> ChunkFields {
        ChunkFields { id: c.id, created: c.created, model: c.model, choices: c.choices.into_iter().map(Into::into).collect(), usage: c.usage.map(Into::into) }
    }
}

impl From<ChunkChoice> for ChunkChoiceFields {
    fn from(c: ChunkChoice) -> ChunkChoiceFields {
        let ChatMessage { role, content, reasoning_content, tool_calls, refusal, .. } = c.delta;
        ChunkChoiceFields {
            index: c.index,
            role,
            content,
            reasoning_content,
            refusal,
            tool_calls: tool_calls.unwrap_or_default().into_iter().map(Into::into).collect(),
            finish_reason: c.finish_reason,
        }
    }
}

impl From<ToolCall> for ToolCallFields {
    fn from(t: ToolCall) -> ToolCallFields {
        let (name, arguments) = t.function.map(|f| (f.name, f.arguments)).unwrap_or_default();
        ToolCallFields { index: t.index, id: t.id, kind: t.kind, name, arguments }
    }
}

impl From<Usage> for UsageFields {
    fn from(u: Usage) -> UsageFields {
        UsageFields {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
            total_tokens: u.total_tokens,
            input_tokens: u.input_tokens,
            output_tokens: u.output_tokens,
            cost_usd: u.cost_usd,
        }
    }
}
