//! Chat completions, completions, responses, messages, embeddings and reranks.

use crate::operations::id;
use serde_json::Value;

use super::{namespace, Base};
use crate::client::Client;
use crate::error::Result;
use crate::reply::Reply;
use crate::stream::{EventStream, StreamEvent};
use crate::types::{ChatCompletion, ChatCompletionChunk, Completion, Embeddings, Message, Reranks, ResponseObject};

namespace!(
    /// `client.chat()`.
    Chat
);
namespace!(
    /// `client.chat().completions()`: `POST /v1/chat/completions`.
    ChatCompletions
);
namespace!(
    /// `client.completions()`: `POST /v1/completions`.
    Completions
);
namespace!(
    /// `client.responses()`: `POST /v1/responses`.
    Responses
);
namespace!(
    /// `client.messages()`: `POST /v1/messages` (Anthropic).
    Messages
);
namespace!(
    /// `client.embeddings()`: `POST /v1/embeddings`.
    EmbeddingsApi
);
namespace!(
    /// `client.reranks()`: `POST /v1/reranks`.
    RerankApi
);

impl Client {
    pub fn chat(&self) -> Chat {
        Chat { base: Base::new(self) }
    }
    pub fn completions(&self) -> Completions {
        Completions { base: Base::new(self) }
    }
    pub fn responses(&self) -> Responses {
        Responses { base: Base::new(self) }
    }
    pub fn messages(&self) -> Messages {
        Messages { base: Base::new(self) }
    }
    pub fn embeddings(&self) -> EmbeddingsApi {
        EmbeddingsApi { base: Base::new(self) }
    }
    pub fn reranks(&self) -> RerankApi {
        RerankApi { base: Base::new(self) }
    }
}

impl Chat {
    pub fn completions(&self) -> ChatCompletions {
        ChatCompletions { base: self.base.clone() }
    }
}

impl ChatCompletions {
    /// ```no_run
    /// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
    /// let r = client.chat().completions().create(serde_json::json!({
    ///     "model": "deepseek-v4-pro",
    ///     "messages": [{"role": "user", "content": "Hello!"}],
    ///     "enable_thinking": true,
    /// })).await?;
    /// println!("{}", r.choices[0].message.content.as_deref().unwrap_or(""));
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, body: impl Into<Value>) -> Result<Reply<ChatCompletion>> {
        self.base.typed(id::CREATE_CHAT_COMPLETION, self.base.body(body.into())?).await
    }

    /// Streams the completion (`stream: true` is set for you).
    ///
    /// ```no_run
    /// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
    /// let mut s = client.chat().completions().stream(serde_json::json!({
    ///     "model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "Hi"}],
    /// })).await?;
    /// while let Some(text) = s.next_text().await {
    ///     print!("{}", text?);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stream(&self, body: impl Into<Value>) -> Result<ChatStream> {
        Ok(ChatStream { inner: self.base.stream(id::CREATE_CHAT_COMPLETION, self.base.body(body.into())?).await? })
    }
}

/// A streamed chat completion: chunks, text only, or the final accumulated completion (folded
/// once, by the stream itself).
#[derive(Debug)]
pub struct ChatStream {
    inner: EventStream,
}

/// A chat stream opened some other way ([`Client::stream`](crate::Client::stream),
/// [`EventStream::from_response`]), read as chunks.
impl From<EventStream> for ChatStream {
    fn from(inner: EventStream) -> ChatStream {
        ChatStream { inner }
    }
}

impl ChatStream {
    pub async fn next(&mut self) -> Option<Result<ChatCompletionChunk>> {
        Some(self.inner.next().await?.and_then(StreamEvent::into_chunk))
    }

    /// The next non-empty piece of text.
    pub async fn next_text(&mut self) -> Option<Result<String>> {
        self.inner.next_text().await
    }

    /// Reads the rest and returns the whole completion (text and tool calls joined).
    pub async fn final_completion(self) -> Result<ChatCompletion> {
        folded(self.inner.final_value().await?)
    }

    pub fn events(&mut self) -> &mut EventStream {
        &mut self.inner
    }

    pub fn close(&mut self) {
        self.inner.close()
    }
}

impl Completions {
    pub async fn create(&self, body: Value) -> Result<Reply<Completion>> {
        self.base.typed(id::CREATE_COMPLETION, self.base.body(body)?).await
    }

    pub async fn stream(&self, body: Value) -> Result<EventStream> {
        self.base.stream(id::CREATE_COMPLETION, self.base.body(body)?).await
    }
}

impl Responses {
    pub async fn create(&self, body: Value) -> Result<Reply<ResponseObject>> {
        self.base.typed(id::CREATE_RESPONSE, self.base.body(body)?).await
    }

    /// Responses events, ending with `response.completed`.
    pub async fn stream(&self, body: Value) -> Result<EventStream> {
        self.base.stream(id::CREATE_RESPONSE, self.base.body(body)?).await
    }
}

impl Messages {
    /// ```no_run
    /// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
    /// let m = client.messages().create(serde_json::json!({
    ///     "model": "deepseek-v4-pro", "max_tokens": 1024,
    ///     "messages": [{"role": "user", "content": "Hi!"}],
    /// })).await?;
    /// println!("{:?}", m.content[0].text);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, body: impl Into<Value>) -> Result<Reply<Message>> {
        self.base.typed(id::CREATE_MESSAGE, self.base.body(body.into())?).await
    }

    pub async fn stream(&self, body: impl Into<Value>) -> Result<MessageStream> {
        Ok(MessageStream { inner: self.base.stream(id::CREATE_MESSAGE, self.base.body(body.into())?).await? })
    }
}

/// A streamed Anthropic message: events, text only, or the final message.
#[derive(Debug)]
pub struct MessageStream {
    inner: EventStream,
}

/// A message stream opened some other way, read as Anthropic events.
impl From<EventStream> for MessageStream {
    fn from(inner: EventStream) -> MessageStream {
        MessageStream { inner }
    }
}

impl MessageStream {
    /// The next event, typed.
    pub async fn next_typed(&mut self) -> Option<Result<crate::types::MessageStreamEvent>> {
        Some(self.next().await?.and_then(StreamEvent::into_message_event))
    }

    pub async fn next(&mut self) -> Option<Result<StreamEvent>> {
        self.inner.next().await
    }

    pub async fn next_text(&mut self) -> Option<Result<String>> {
        self.inner.next_text().await
    }

    pub async fn final_message(self) -> Result<Message> {
        folded(self.inner.final_value().await?)
    }

    pub fn close(&mut self) {
        self.inner.close()
    }
}

/// The typed form of a stream's fold.
fn folded<T: serde::de::DeserializeOwned>(v: Option<Value>) -> Result<T> {
    let v = v.unwrap_or(Value::Null);
    serde_json::from_value(v.clone()).map_err(|e| crate::Error::decode(e.to_string(), v.to_string().as_bytes()))
}

impl EmbeddingsApi {
    pub async fn create(&self, body: Value) -> Result<Reply<Embeddings>> {
        self.base.typed(id::CREATE_EMBEDDINGS, self.base.body(body)?).await
    }
}

impl RerankApi {
    pub async fn create(&self, body: Value) -> Result<Reply<Reranks>> {
        self.base.typed(id::CREATE_RERANKS, self.base.body(body)?).await
    }
}
