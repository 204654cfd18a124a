//! Typed builders for the requests people write most, each accepting any extra per-model
//! parameter. They turn into the same JSON the namespace methods take.

use serde_json::{json, Map, Value};

/// What both builders hold: a JSON body with a `messages` array.
#[derive(Clone, Debug)]
struct Body(Map<String, Value>);

impl Body {
    fn new(fields: Value) -> Body {
        let Value::Object(mut m) = fields else { unreachable!("builders pass objects") };
        m.insert("messages".into(), json!([]));
        Body(m)
    }

    fn message(&mut self, role: &str, content: Value) {
        if let Some(Value::Array(m)) = self.0.get_mut("messages") {
            m.push(json!({"role": role, "content": content}));
        }
    }

    fn set(&mut self, name: String, value: Value) {
        self.0.insert(name, value);
    }
}

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
    body: Body,
}

impl ChatRequest {
    pub fn new(model: impl Into<String>) -> Self {
        ChatRequest { body: Body::new(json!({"model": model.into()})) }
    }

    /// Appends a message with any role and content (a string or content parts).
    pub fn message(mut self, role: &str, content: impl Into<Value>) -> Self {
        self.body.message(role, content.into());
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
        self.body.set(name.into(), value.into());
        self
    }
}

impl From<ChatRequest> for Value {
    fn from(r: ChatRequest) -> Value {
        Value::Object(r.body.0)
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
    body: Body,
}

impl MessageRequest {
    pub fn new(model: impl Into<String>, max_tokens: u64) -> Self {
        MessageRequest { body: Body::new(json!({"model": model.into(), "max_tokens": max_tokens})) }
    }

    pub fn message(mut self, role: &str, content: impl Into<Value>) -> Self {
        self.body.message(role, content.into());
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
        self.body.set(name.into(), value.into());
        self
    }
}

impl From<MessageRequest> for Value {
    fn from(r: MessageRequest) -> Value {
        Value::Object(r.body.0)
    }
}
