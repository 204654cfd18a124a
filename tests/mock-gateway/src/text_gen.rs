//! Deterministic text generation shared by the chat, completions, responses and messages
//! endpoints: what the "model" says, how many tokens, and what it costs.

use serde_json::{json, Map, Value};

use crate::catalog::Model;

/// The reply: `n` tokens cycled from the reply's words, cut at `max_tokens`.
#[derive(Clone, Debug)]
pub struct Plan {
    words: Vec<String>,
    pub n: usize,
    /// True when `max_tokens` cut the reply short (finish reason `length`).
    pub truncated: bool,
    pub prompt_tokens: u64,
}

impl Plan {
    /// `natural` (from `x-mock-stream-tokens`) sets the reply's own length; `max_tokens` caps it.
    pub fn new(prompt_text: &str, prompt_tokens: u64, max_tokens: Option<u64>, natural: Option<usize>) -> Plan {
        let mut words: Vec<String> = "Hello from the EmpirioLabs mock gateway.".split(' ').map(str::to_string).collect();
        let said: Vec<&str> = prompt_text.split_whitespace().take(24).collect();
        if !said.is_empty() {
            words.push("You".into());
            words.push("said:".into());
            words.extend(said.iter().map(|w| w.to_string()));
        }
        let natural = natural.unwrap_or(words.len());
        let cap = max_tokens.map(|m| m as usize).unwrap_or(usize::MAX);
        Plan { words, n: natural.min(cap), truncated: natural > cap, prompt_tokens }
    }

    /// A plan that says exactly `text`.
    pub fn with_text(self, text: &str) -> Plan {
        let words: Vec<String> = text.split(' ').map(str::to_string).collect();
        Plan { n: words.len(), truncated: false, words, prompt_tokens: self.prompt_tokens }
    }

    /// Token `i`, with the space that separates it from the previous one.
    pub fn token(&self, i: usize) -> String {
        let w = &self.words[i % self.words.len()];
        if i == 0 {
            w.clone()
        } else {
            format!(" {w}")
        }
    }

    /// One event per token, rendering each distinct token once: tokens cycle through the reply's
    /// words, so a 100,000-token stream costs a few renders and cheap clones.
    pub fn events(&self, render: impl Fn(&str) -> crate::sse::Event) -> impl Iterator<Item = crate::sse::Event> + Send + 'static {
        let first = render(&self.token(0));
        let spaced: Vec<crate::sse::Event> = (0..self.words.len()).map(|k| render(&format!(" {}", self.words[k]))).collect();
        (0..self.n).map(move |i| if i == 0 { first.clone() } else { spaced[i % spaced.len()].clone() })
    }

    pub fn text(&self) -> String {
        (0..self.n).map(|i| self.token(i)).collect()
    }
}

/// The reasoning text shown when thinking is on.
pub const THINKING: &[&str] = &["Let", " me", " think", " about", " the", " request", " step", " by", " step."];

/// Approximate tokens: words in every string of a JSON value (at least 1).
pub fn count_tokens(v: &Value) -> u64 {
    fn walk(v: &Value) -> u64 {
        match v {
            Value::String(s) => s.split_whitespace().count() as u64,
            Value::Array(a) => a.iter().map(walk).sum(),
            Value::Object(o) => o.values().map(walk).sum(),
            _ => 0,
        }
    }
    walk(v).max(1)
}

/// Text of a message `content`: a string, or the `text` of its parts.
pub fn content_text(content: &Value) -> String {
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// The text of the last `user` message.
pub fn last_user_text(messages: &[Value]) -> String {
    messages
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(Value::as_str) == Some("user"))
        .map(|m| content_text(m.get("content").unwrap_or(&Value::Null)))
        .unwrap_or_default()
}

/// OpenAI-style usage with the gateway's `cost_usd`.
pub fn usage(model: &Model, prompt: u64, completion: u64) -> Value {
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost_usd": model.cost(prompt, completion as f64),
    })
}

/// Arguments that satisfy a JSON schema: required properties filled with plausible values.
pub fn sample_args(schema: &Value) -> Value {
    let props = schema.get("properties").and_then(Value::as_object);
    let mut out = Map::new();
    if let Some(props) = props {
        for (name, p) in props {
            out.insert(name.clone(), sample_value(name, p));
        }
    }
    Value::Object(out)
}

fn sample_value(name: &str, p: &Value) -> Value {
    if let Some(first) = p.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return first.clone();
    }
    match p.get("type").and_then(Value::as_str) {
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        Some("object") => sample_args(p),
        _ => json!(match name {
            "city" | "location" => "Paris",
            _ => "example",
        }),
    }
}

/// Splits `s` into about `k` pieces on char boundaries, as streamed argument fragments are.
pub fn fragments(s: &str, k: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let size = chars.len().div_ceil(k.max(1)).max(1);
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_echoes_and_caps() {
        let p = Plan::new("What is CRDT?", 3, None, None);
        assert!(p.text().contains("You said: What is CRDT?"));
        assert!(!p.truncated);
        let p = Plan::new("x", 1, Some(2), None);
        assert_eq!(p.text(), "Hello from");
        assert!(p.truncated);
        let p = Plan::new("x", 1, None, Some(100_000));
        assert_eq!(p.n, 100_000);
    }

    #[test]
    fn sample_args_fill_the_schema() {
        let s = json!({"type": "object", "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}}});
        assert_eq!(sample_args(&s), json!({"city": "Paris", "unit": "c"}));
        assert_eq!(fragments("{\"a\":1}", 3).concat(), "{\"a\":1}");
    }
}
