//! Typed builders for the requests people write most, each accepting any extra per-model
//! parameter. They turn into the same JSON the namespace methods take.

use serde_json::{json, Map, Value};

/// A chat completion request.
///
/// ```
/// use empiriolabs::requests::ChatRequest;
/// let body: serde_json::Value = ChatRequest::new("deepseek-v4-pro")
///     .system("Be brief.")
///     .user("Hello!")
///     .max_tokens(256)
///     .param("enable_thinking", true)
///     .into();
/// assert_eq!(body["messages"][1]["content"], "Hello!");
/// assert_eq!(body["enable_thinking"], true);
/// ```
#[derive(Clone, Debug)]
pub struct ChatRequest {
    body: Map<String, Value>,
}

impl ChatRequest {
    pub fn new(model: impl Into<String>) -> Self {
        let mut body = Map::new();
        body.insert("model".into(), json!(model.into()));
        body.insert("messages".into(), json!([]));
        ChatRequest { body }
    }

    /// Appends a message with any role and content (a string or content parts).
    pub fn message(mut self, role: &str, content: impl Into<Value>) -> Self {
        if let Some(Value::Array(m)) = self.body.get_mut("messages") {
            m.push(json!({"role": role, "content": content.into()}));
        }
        self
    }

    pub fn system(self, text: impl Into<String>) -> Self {
        self.message("system", text.into())
    }

    pub fn user(self, text: impl Into<String>) -> Self {
        self.message("user", text.into())
    }

    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.message("assistant", text.into())
    }

    pub fn max_tokens(self, n: u64) -> Self {
        self.param("max_tokens", n)
    }

    pub fn temperature(self, t: f64) -> Self {
        self.param("temperature", t)
    }

    pub fn tools(self, tools: Value) -> Self {
        self.param("tools", tools)
    }

    /// Any other parameter, documented or per-model (`thinking_mode`, `search_depth`, …).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body.insert(name.into(), value.into());
        self
    }
}

impl From<ChatRequest> for Value {
    fn from(r: ChatRequest) -> Value {
        Value::Object(r.body)
    }
}

/// An Anthropic Messages request.
///
/// ```
/// use empiriolabs::requests::MessageRequest;
/// let body: serde_json::Value = MessageRequest::new("deepseek-v4-pro", 1024).user("Hi!").thinking(512).into();
/// assert_eq!(body["thinking"]["budget_tokens"], 512);
/// ```
#[derive(Clone, Debug)]
pub struct MessageRequest {
    body: Map<String, Value>,
}

impl MessageRequest {
    pub fn new(model: impl Into<String>, max_tokens: u64) -> Self {
        let mut body = Map::new();
        body.insert("model".into(), json!(model.into()));
        body.insert("max_tokens".into(), json!(max_tokens));
        body.insert("messages".into(), json!([]));
        MessageRequest { body }
    }

    pub fn message(mut self, role: &str, content: impl Into<Value>) -> Self {
        if let Some(Value::Array(m)) = self.body.get_mut("messages") {
            m.push(json!({"role": role, "content": content.into()}));
        }
        self
    }

    pub fn user(self, text: impl Into<String>) -> Self {
        self.message("user", text.into())
    }

    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.message("assistant", text.into())
    }

    pub fn system(self, text: impl Into<String>) -> Self {
        self.param("system", text.into())
    }

    /// Anthropic-style extended thinking with a token budget.
    pub fn thinking(self, budget_tokens: u64) -> Self {
        self.param("thinking", json!({"type": "enabled", "budget_tokens": budget_tokens}))
    }

    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body.insert(name.into(), value.into());
        self
    }
}

impl From<MessageRequest> for Value {
    fn from(r: MessageRequest) -> Value {
        Value::Object(r.body)
    }
}
