//! Folding streams into their final objects, and pulling the text out of any stream event.
//! JSON in, JSON out, so every binding uses the same logic.

use serde_json::{json, Map, Value};

use crate::operations::{Fold, StreamFlavor};
use crate::stream::StreamEvent;
use crate::types::{ChatCompletionChunk, MessageStreamEvent};

/// The text an event adds, whatever the stream: chat and completion deltas, Anthropic
/// `text_delta`, Responses `output_text.delta`, and typed `*.delta` events.
///
/// ```
/// use empiriolabs::accumulate::text_delta;
/// use empiriolabs::operations::StreamFlavor;
/// let chunk = serde_json::json!({"choices": [{"delta": {"content": "Hi"}}]});
/// assert_eq!(text_delta(StreamFlavor::OpenAi, &chunk), Some("Hi"));
/// ```
pub fn text_delta(flavor: StreamFlavor, data: &Value) -> Option<&str> {
    match flavor {
        StreamFlavor::OpenAi => {
            let c = data.get("choices")?.get(0)?;
            c.pointer("/delta/content").or_else(|| c.get("text")).and_then(Value::as_str)
        }
        StreamFlavor::Anthropic => (data.pointer("/delta/type")?.as_str()? == "text_delta").then(|| data.pointer("/delta/text")?.as_str())?,
        StreamFlavor::Responses => (data.get("type")?.as_str()? == "response.output_text.delta").then(|| data.get("delta")?.as_str())?,
        StreamFlavor::Typed => data.get("type")?.as_str()?.ends_with(".delta").then(|| data.get("delta")?.as_str())?,
    }
}

/// Appends `piece` to the string `obj[field]` in place (a long stream stays linear).
fn append(obj: &mut Value, field: &str, piece: &str) {
    match obj.get_mut(field) {
        Some(Value::String(s)) => s.push_str(piece),
        _ => obj[field] = Value::String(piece.to_string()),
    }
}

/// Folds `chat.completion.chunk`s into one `chat.completion`: text, reasoning and tool-call
/// argument deltas joined per choice and per tool-call index. The state is plain strings, built
/// into JSON once, at the end; chunks parsed into their type fold without a JSON tree.
#[derive(Debug, Default)]
pub struct ChatAccumulator {
    head: ChunkHead,
    choices: Vec<ChoiceSoFar>,
}

/// One choice as folded so far.
#[derive(Debug)]
struct ChoiceSoFar {
    role: Value,
    /// `content`, `reasoning_content` and `refusal`, each once any delta carried it.
    texts: [Option<String>; 3],
    tool_calls: Option<Vec<Value>>,
    finish_reason: Value,
}

const TEXT_FIELDS: [&str; 3] = ["content", "reasoning_content", "refusal"];

impl Default for ChoiceSoFar {
    fn default() -> Self {
        ChoiceSoFar { role: json!("assistant"), texts: [None, None, None], tool_calls: None, finish_reason: Value::Null }
    }
}

impl ChoiceSoFar {
    fn add_text(&mut self, field: usize, piece: &str) {
        self.texts[field].get_or_insert_with(String::new).push_str(piece);
    }

    fn add_tool_call(&mut self, tc: &Value) {
        let ti = tc.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
        let calls = self.tool_calls.get_or_insert_with(Vec::new);
        while calls.len() <= ti {
            calls.push(json!({"id": null, "type": "function", "function": {"name": null, "arguments": ""}}));
        }
        let call = &mut calls[ti];
        if let Some(id) = tc.get("id").filter(|v| !v.is_null()) {
            call["id"] = id.clone();
        }
        if let Some(name) = tc.pointer("/function/name").filter(|v| !v.is_null()) {
            call["function"]["name"] = name.clone();
        }
        if let Some(args) = tc.pointer("/function/arguments").and_then(Value::as_str) {
            append(&mut call["function"], "arguments", args);
        }
    }

    fn finish(self, index: usize) -> Value {
        let mut msg = Map::new();
        msg.insert("role".into(), self.role);
        let [content, reasoning, refusal] = self.texts;
        msg.insert("content".into(), content.map_or(Value::Null, Value::String));
        for (field, text) in [("reasoning_content", reasoning), ("refusal", refusal)] {
            if let Some(t) = text {
                msg.insert(field.into(), Value::String(t));
            }
        }
        if let Some(calls) = self.tool_calls {
            msg.insert("tool_calls".into(), Value::Array(calls));
        }
        json!({"index": index, "message": msg, "finish_reason": self.finish_reason})
    }
}

/// What every chunk of a chat or completion stream may repeat (`id`, `created`, `model`,
/// `system_fingerprint`, kept from the first chunk that has each) and the usage chunk.
#[derive(Debug, Default)]
struct ChunkHead {
    fields: Map<String, Value>,
    usage: Option<Value>,
    /// `id`, `created` and `model` are all known.
    known: bool,
}

impl ChunkHead {
    fn push(&mut self, chunk: &Value) {
        for k in ["id", "created", "model", "system_fingerprint"] {
            if !self.fields.contains_key(k) {
                if let Some(v) = chunk.get(k).filter(|v| !v.is_null()) {
                    self.fields.insert(k.into(), v.clone());
                }
            }
        }
        if let Some(u) = chunk.get("usage").filter(|u| !u.is_null()) {
            self.usage = Some(u.clone());
        }
        self.known = ["id", "created", "model"].iter().all(|k| self.fields.contains_key(*k));
    }

    /// Whether a typed chunk can be folded without reading its tree: the head is known, and
    /// the chunk adds nothing to it.
    fn settled_for(&self, c: &ChatCompletionChunk) -> bool {
        self.known && c.usage.is_none() && (c.system_fingerprint.is_none() || self.fields.contains_key("system_fingerprint"))
    }

    fn finish(self, object: &str, choices: Vec<Value>) -> Value {
        let mut v = Value::Object(self.fields);
        v["object"] = json!(object);
        v["choices"] = Value::Array(choices);
        v["usage"] = self.usage.unwrap_or(Value::Null);
        v
    }
}

/// The folded choice a chunk's choice `c` adds to (by its `index`), made `blank(n)` if new.
fn choice_at<'a>(choices: &'a mut Vec<Value>, c: &Value, blank: impl Fn(usize) -> Value) -> &'a mut Value {
    let i = c.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
    while choices.len() <= i {
        choices.push(blank(choices.len()));
    }
    &mut choices[i]
}

impl ChatAccumulator {
    fn choice(&mut self, i: usize) -> &mut ChoiceSoFar {
        if self.choices.len() <= i {
            self.choices.resize_with(i + 1, ChoiceSoFar::default);
        }
        &mut self.choices[i]
    }

    pub fn push(&mut self, chunk: &Value) {
        self.head.push(chunk);
        for c in chunk.get("choices").and_then(Value::as_array).into_iter().flatten() {
            let choice = self.choice(c.get("index").and_then(Value::as_u64).unwrap_or(0) as usize);
            if let Some(f) = c.get("finish_reason").filter(|f| !f.is_null()) {
                choice.finish_reason = f.clone();
            }
            let Some(delta) = c.get("delta") else { continue };
            for (i, field) in TEXT_FIELDS.iter().enumerate() {
                if let Some(piece) = delta.get(*field).and_then(Value::as_str) {
                    choice.add_text(i, piece);
                }
            }
            if let Some(role) = delta.get("role").filter(|r| !r.is_null()) {
                choice.role = role.clone();
            }
            for tc in delta.get("tool_calls").and_then(Value::as_array).into_iter().flatten() {
                choice.add_tool_call(tc);
            }
        }
    }

    /// Folds a chunk already parsed into its type, without its tree; `false` when the chunk
    /// carries what only the tree path folds (the head's first fields, usage, tool calls).
    pub fn push_chunk(&mut self, chunk: &ChatCompletionChunk) -> bool {
        if !self.head.settled_for(chunk) || chunk.choices.iter().any(|c| c.delta.tool_calls.is_some()) {
            return false;
        }
        for c in &chunk.choices {
            let choice = self.choice(c.index as usize);
            if let Some(f) = &c.finish_reason {
                choice.finish_reason = Value::String(f.clone());
            }
            let d = &c.delta;
            for (i, piece) in [&d.content, &d.reasoning_content, &d.refusal].into_iter().enumerate() {
                if let Some(piece) = piece {
                    choice.add_text(i, piece);
                }
            }
            if let Some(role) = &d.role {
                choice.role = Value::String(role.clone());
            }
        }
        true
    }

    pub fn finish(self) -> Value {
        let choices = self.choices.into_iter().enumerate().map(|(i, c)| c.finish(i)).collect();
        self.head.finish("chat.completion", choices)
    }
}

/// Folds Anthropic stream events into the final `message`: text, thinking (with signature)
/// and `tool_use` blocks with their JSON input parsed.
#[derive(Debug, Default)]
pub struct MessageAccumulator {
    message: Option<Value>,
    partial_json: Vec<String>,
}

impl MessageAccumulator {
    pub fn push(&mut self, ev: &Value) {
        let kind = ev.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "message_start" => self.message = ev.get("message").cloned(),
            "content_block_start" => {
                let Some(m) = self.message.as_mut() else { return };
                let block = ev.get("content_block").cloned().unwrap_or(Value::Null);
                if let Some(content) = m.get_mut("content").and_then(Value::as_array_mut) {
                    content.push(block);
                }
                self.partial_json.push(String::new());
            }
            "content_block_delta" => {
                let i = ev.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
                let Some(block) = self.message.as_mut().and_then(|m| m.pointer_mut(&format!("/content/{i}"))) else { return };
                let d = &ev["delta"];
                match d.get("type").and_then(Value::as_str) {
                    Some("text_delta") => append(block, "text", d["text"].as_str().unwrap_or("")),
                    Some("thinking_delta") => append(block, "thinking", d["thinking"].as_str().unwrap_or("")),
                    Some("signature_delta") => block["signature"] = d["signature"].clone(),
                    Some("input_json_delta") => {
                        if let Some(p) = self.partial_json.get_mut(i) {
                            p.push_str(d["partial_json"].as_str().unwrap_or(""));
                        }
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                let i = ev.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
                let json = self.partial_json.get(i).cloned().unwrap_or_default();
                if let Some(block) = self.message.as_mut().and_then(|m| m.pointer_mut(&format!("/content/{i}"))) {
                    if block.get("type").and_then(Value::as_str) == Some("tool_use") && !json.is_empty() {
                        block["input"] = serde_json::from_str(&json).unwrap_or(Value::String(json));
                    }
                }
            }
            "message_delta" => {
                let Some(m) = self.message.as_mut() else { return };
                for k in ["stop_reason", "stop_sequence"] {
                    if let Some(v) = ev.pointer(&format!("/delta/{k}")) {
                        m[k] = v.clone();
                    }
                }
                if let Some(Value::Object(u)) = ev.get("usage") {
                    for (k, v) in u {
                        m["usage"][k] = v.clone();
                    }
                }
            }
            _ => {}
        }
    }

    /// Folds a `content_block_delta` already parsed into its type; `false` for other events,
    /// which the tree path folds.
    pub fn push_event(&mut self, ev: &MessageStreamEvent) -> bool {
        let MessageStreamEvent::ContentBlockDelta { index, delta } = ev else { return false };
        let i = *index as usize;
        let Some(block) = self.message.as_mut().and_then(|m| m.get_mut("content")?.get_mut(i)) else { return true };
        match delta.kind.as_deref() {
            Some("text_delta") => append(block, "text", delta.text.as_deref().unwrap_or("")),
            Some("thinking_delta") => append(block, "thinking", delta.thinking.as_deref().unwrap_or("")),
            Some("signature_delta") => block["signature"] = delta.signature.clone().map_or(Value::Null, Value::String),
            Some("input_json_delta") => {
                if let Some(p) = self.partial_json.get_mut(i) {
                    p.push_str(delta.partial_json.as_deref().unwrap_or(""));
                }
            }
            _ => {}
        }
        true
    }

    pub fn finish(self) -> Value {
        self.message.unwrap_or(Value::Null)
    }
}

/// Folds legacy `text_completion` chunks into one completion, text joined per choice.
#[derive(Debug, Default)]
pub struct CompletionAccumulator {
    head: ChunkHead,
    choices: Vec<Value>,
}

impl CompletionAccumulator {
    pub fn push(&mut self, chunk: &Value) {
        self.head.push(chunk);
        for c in chunk.get("choices").and_then(Value::as_array).into_iter().flatten() {
            let choice = choice_at(&mut self.choices, c, |n| json!({"index": n, "text": "", "logprobs": null, "finish_reason": null}));
            if let Some(t) = c.get("text").and_then(Value::as_str) {
                append(choice, "text", t);
            }
            if let Some(f) = c.get("finish_reason").filter(|f| !f.is_null()) {
                choice["finish_reason"] = f.clone();
            }
        }
    }

    pub fn finish(self) -> Value {
        self.head.finish("text_completion", self.choices)
    }
}

/// Folds `answer.delta` / `answer.citations` / `answer.done` into `{answer, citations, usage}`.
#[derive(Debug, Default)]
pub struct AnswerAccumulator {
    text: String,
    out: Map<String, Value>,
}

impl AnswerAccumulator {
    pub fn push(&mut self, ev: &Value) {
        match ev.get("type").and_then(Value::as_str) {
            Some("answer.delta") => self.text.push_str(ev.get("delta").and_then(Value::as_str).unwrap_or("")),
            Some("answer.citations") => {
                self.out.insert("citations".into(), ev.get("citations").cloned().unwrap_or(Value::Null));
            }
            Some("answer.done") => {
                for (k, v) in ev.as_object().into_iter().flatten().filter(|(k, _)| *k != "type") {
                    self.out.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
    }

    pub fn finish(mut self) -> Value {
        self.out.entry("answer").or_insert(Value::String(self.text));
        self.out.entry("citations").or_insert(json!([]));
        Value::Object(self.out)
    }
}

/// Folds `audio.*` events into the `audio.done` fields plus all audio as one `audio_b64`, the
/// word timestamps in order, and the chunk count.
#[derive(Debug, Default)]
pub struct SpeechAccumulator {
    audio: Vec<u8>,
    chunks: u64,
    timestamps: Vec<Value>,
    done: Map<String, Value>,
    bad_chunk: bool,
}

impl SpeechAccumulator {
    pub fn push(&mut self, ev: &Value) {
        use base64::Engine;
        match ev.get("type").and_then(Value::as_str) {
            Some("audio.chunk") => {
                self.chunks += 1;
                match base64::engine::general_purpose::STANDARD.decode(ev.get("audio_b64").and_then(Value::as_str).unwrap_or("")) {
                    Ok(bytes) => self.audio.extend_from_slice(&bytes),
                    Err(_) => self.bad_chunk = true,
                }
                for k in ["format", "sample_rate"] {
                    if let Some(v) = ev.get(k) {
                        self.done.entry(k).or_insert(v.clone());
                    }
                }
            }
            Some("audio.timestamps") => self.timestamps.push(ev.get("timestamp_info").cloned().unwrap_or(Value::Null)),
            Some("audio.done") => {
                for (k, v) in ev.as_object().into_iter().flatten().filter(|(k, _)| *k != "type") {
                    self.done.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
    }

    /// The audio received so far, decoded.
    pub fn audio(&self) -> &[u8] {
        &self.audio
    }

    pub fn finish(mut self) -> Value {
        use base64::Engine;
        self.done.insert("audio_b64".into(), Value::String(base64::engine::general_purpose::STANDARD.encode(&self.audio)));
        self.done.insert("chunks".into(), json!(self.chunks));
        self.done.insert("timestamps".into(), Value::Array(self.timestamps));
        if self.bad_chunk {
            self.done.insert("undecodable_chunks".into(), json!(true));
        }
        Value::Object(self.done)
    }
}

/// The accumulator an operation's [`Fold`] names, behind one interface.
///
/// ```
/// use empiriolabs::accumulate::Folder;
/// use empiriolabs::operations::Fold;
/// let mut f = Folder::new(Fold::Answer);
/// f.push(&serde_json::json!({"type": "answer.delta", "delta": "Paris"}));
/// assert_eq!(f.finish().unwrap()["answer"], "Paris");
/// ```
#[derive(Debug)]
pub enum Folder {
    None,
    Chat(ChatAccumulator),
    Completion(CompletionAccumulator),
    Message(MessageAccumulator),
    Answer(AnswerAccumulator),
    Speech(SpeechAccumulator),
    /// The `response` of the terminal Responses event.
    Response(Option<Value>),
    /// The last `task.*` event of an agent run.
    Last(Option<Value>),
}

impl Folder {
    pub fn new(fold: Fold) -> Folder {
        match fold {
            Fold::None => Folder::None,
            Fold::Chat => Folder::Chat(ChatAccumulator::default()),
            Fold::Completion => Folder::Completion(CompletionAccumulator::default()),
            Fold::Message => Folder::Message(MessageAccumulator::default()),
            Fold::Answer => Folder::Answer(AnswerAccumulator::default()),
            Fold::Speech => Folder::Speech(SpeechAccumulator::default()),
            Fold::Response => Folder::Response(None),
            Fold::AgentRun => Folder::Last(None),
        }
    }

    pub fn push(&mut self, ev: &Value) {
        match self {
            Folder::None => {}
            Folder::Chat(a) => a.push(ev),
            Folder::Completion(a) => a.push(ev),
            Folder::Message(a) => a.push(ev),
            Folder::Answer(a) => a.push(ev),
            Folder::Speech(a) => a.push(ev),
            Folder::Response(r) => {
                if let Some(resp) = ev.get("response").filter(|r| r.is_object()) {
                    *r = Some(resp.clone());
                }
            }
            Folder::Last(last) => {
                if ev.get("type").and_then(Value::as_str).is_some_and(|t| t.starts_with("task.")) {
                    *last = Some(ev.clone());
                }
            }
        }
    }

    /// Folds a stream event: from its type when it was parsed into one, else from its tree.
    pub fn push_event(&mut self, ev: &StreamEvent) {
        let done = match (&mut *self, ev.chunk(), ev.message_event()) {
            (Folder::None, ..) => true,
            (Folder::Chat(a), Some(c), _) => a.push_chunk(c),
            (Folder::Message(a), _, Some(m)) => a.push_event(m),
            _ => false,
        };
        if !done {
            self.push(ev.data());
        }
    }

    /// The folded value; `None` for streams that fold into nothing.
    pub fn finish(self) -> Option<Value> {
        match self {
            Folder::None => None,
            Folder::Chat(a) => Some(a.finish()),
            Folder::Completion(a) => Some(a.finish()),
            Folder::Message(a) => Some(a.finish()),
            Folder::Answer(a) => Some(a.finish()),
            Folder::Speech(a) => Some(a.finish()),
            Folder::Response(r) | Folder::Last(r) => r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Folding events parsed into their types gives what folding their trees gives.
    fn typed_and_tree_folds_agree(flavor: StreamFlavor, fold: Fold, events: &[(Option<&str>, Value)]) -> Value {
        let (mut tree, mut typed) = (Folder::new(fold), Folder::new(fold));
        for (name, data) in events {
            tree.push(data);
            typed.push_event(&StreamEvent::from_json(flavor, *name, &data.to_string()).unwrap());
        }
        let (a, b) = (tree.finish().unwrap(), typed.finish().unwrap());
        assert_eq!(a, b);
        a
    }

    #[test]
    fn typed_chat_chunks_fold_as_their_trees_do() {
        let head = json!({"id": "c1", "object": "chat.completion.chunk", "created": 7, "model": "m", "system_fingerprint": null});
        let with = |extra: Value| {
            let mut v = head.clone();
            v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            (None, v)
        };
        let v = typed_and_tree_folds_agree(
            StreamFlavor::OpenAi,
            Fold::Chat,
            &[
                with(json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": null, "finish_reason": null}]})),
                with(json!({"choices": [{"index": 0, "delta": {"content": "Hel", "reasoning_content": "hm"}, "finish_reason": null}]})),
                with(json!({"system_fingerprint": "fp_1", "choices": [{"index": 1, "delta": {"content": "other"}}]})),
                with(json!({"choices": [{"index": 0, "delta": {"content": "lo", "tool_calls": [{"index": 0, "id": "t", "function": {"name": "f", "arguments": "{}"}}]}}]})),
                with(json!({"choices": [{"index": 0, "delta": {"refusal": "no"}, "finish_reason": "stop"}]})),
                with(json!({"choices": [], "usage": {"total_tokens": 9}})),
            ],
        );
        assert_eq!(v["choices"][0]["message"]["content"], "Hello");
        assert_eq!((v["system_fingerprint"].as_str(), v["usage"]["total_tokens"].as_u64()), (Some("fp_1"), Some(9)));
    }

    #[test]
    fn typed_anthropic_events_fold_as_their_trees_do() {
        let ev = |name: &'static str, v: Value| (Some(name), v);
        let v = typed_and_tree_folds_agree(
            StreamFlavor::Anthropic,
            Fold::Message,
            &[
                ev("message_start", json!({"type": "message_start", "message": {"id": "m1", "type": "message", "role": "assistant", "content": [], "usage": {"input_tokens": 3}}})),
                ev("content_block_start", json!({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}})),
                ev("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "hm"}})),
                ev("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "sig"}})),
                ev("content_block_start", json!({"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}})),
                ev("content_block_delta", json!({"delta": {"text": "Hi", "type": "text_delta"}, "index": 1, "type": "content_block_delta"})),
                ev("content_block_start", json!({"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": {}}})),
                ev("content_block_delta", json!({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "{\"a\":"}})),
                ev("content_block_delta", json!({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "1}"}})),
                ev("content_block_stop", json!({"type": "content_block_stop", "index": 2})),
                ev("message_delta", json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 5}})),
                ev("message_stop", json!({"type": "message_stop"})),
            ],
        );
        assert_eq!((v["content"][1]["text"].as_str(), v["content"][2]["input"]["a"].as_u64()), (Some("Hi"), Some(1)));
        assert_eq!(v["content"][0]["signature"], "sig");
    }

    #[test]
    fn chat_chunks_fold_into_a_completion() {
        let mut acc = ChatAccumulator::default();
        for c in [
            json!({"id": "c1", "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]}),
            json!({"choices": [{"index": 0, "delta": {"content": "lo", "tool_calls": [{"index": 0, "id": "call_1", "function": {"name": "f", "arguments": "{\"a\""}}]}}]}),
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": ":1}"}}]}, "finish_reason": "tool_calls"}]}),
            json!({"choices": [], "usage": {"total_tokens": 5}}),
        ] {
            acc.push(&c);
        }
        let v = acc.finish();
        assert_eq!(v["choices"][0]["message"]["content"], "Hello");
        assert_eq!(v["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"], "{\"a\":1}");
        assert_eq!(v["choices"][0]["finish_reason"], "tool_calls");
        assert_eq!((v["id"].as_str(), v["usage"]["total_tokens"].as_u64()), (Some("c1"), Some(5)));
    }

    #[test]
    fn anthropic_events_fold_into_a_message() {
        let mut acc = MessageAccumulator::default();
        for e in [
            json!({"type": "message_start", "message": {"id": "m", "content": [], "usage": {"input_tokens": 3}}}),
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}),
            json!({"type": "content_block_stop", "index": 0}),
            json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "t", "name": "f", "input": {}}}),
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"city\": "}}),
            json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "\"Paris\"}"}}),
            json!({"type": "content_block_stop", "index": 1}),
            json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 9}}),
        ] {
            acc.push(&e);
        }
        let m = acc.finish();
        assert_eq!(m["content"][0]["text"], "Hi");
        assert_eq!(m["content"][1]["input"], json!({"city": "Paris"}));
        assert_eq!((m["stop_reason"].as_str(), m["usage"]["output_tokens"].as_u64(), m["usage"]["input_tokens"].as_u64()), (Some("tool_use"), Some(9), Some(3)));
    }
}
