//! Chat completions, completions, responses, messages, embeddings and reranks.

use crate::operations::id;
use serde_json::Value;

use super::{namespace, Base};
use crate::accumulate::{text_delta, ChatAccumulator, MessageAccumulator};
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
        Ok(ChatStream { inner: self.base.stream(id::CREATE_CHAT_COMPLETION, self.base.body(body.into())?).await?, acc: ChatAccumulator::default() })
    }
}

/// A streamed chat completion: chunks, text only, or the final accumulated completion.
#[derive(Debug)]
pub struct ChatStream {
    inner: EventStream,
    acc: ChatAccumulator,
}

impl ChatStream {
    pub async fn next(&mut self) -> Option<Result<ChatCompletionChunk>> {
        let ev = match self.inner.next().await? {
            Ok(ev) => ev,
            Err(e) => return Some(Err(e)),
        };
        self.acc.push(&ev.data);
        Some(ev.parse())
    }

    /// The next non-empty piece of text.
    pub async fn next_text(&mut self) -> Option<Result<String>> {
        loop {
            match self.inner.next().await? {
                Err(e) => return Some(Err(e)),
                Ok(ev) => {
                    self.acc.push(&ev.data);
                    if let Some(t) = text_delta(self.inner.flavor(), &ev.data).filter(|t| !t.is_empty()) {
                        return Some(Ok(t.to_string()));
                    }
                }
            }
        }
    }

    /// Reads the rest and returns the whole completion (text and tool calls joined).
    pub async fn final_completion(mut self) -> Result<ChatCompletion> {
        while let Some(c) = self.next().await {
            c?;
        }
        let v = self.acc.finish();
        serde_json::from_value(v.clone()).map_err(|e| crate::Error::decode(e.to_string(), v.to_string().as_bytes()))
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
        Ok(MessageStream { inner: self.base.stream(id::CREATE_MESSAGE, self.base.body(body.into())?).await?, acc: MessageAccumulator::default() })
    }
}

/// A streamed Anthropic message: events, text only, or the final message.
#[derive(Debug)]
pub struct MessageStream {
    inner: EventStream,
    acc: MessageAccumulator,
}

impl MessageStream {
    /// The next event, typed.
    pub async fn next_typed(&mut self) -> Option<Result<crate::types::MessageStreamEvent>> {
        Some(self.next().await?.and_then(|ev| ev.parse()))
    }

    pub async fn next(&mut self) -> Option<Result<StreamEvent>> {
        let ev = self.inner.next().await?;
        if let Ok(e) = &ev {
            self.acc.push(&e.data);
        }
        Some(ev)
    }

    pub async fn next_text(&mut self) -> Option<Result<String>> {
        loop {
            match self.next().await? {
                Err(e) => return Some(Err(e)),
                Ok(ev) => {
                    if let Some(t) = text_delta(self.inner.flavor(), &ev.data) {
                        return Some(Ok(t.to_string()));
                    }
                }
            }
        }
    }

    pub async fn final_message(mut self) -> Result<Message> {
        while let Some(e) = self.next().await {
            e?;
        }
        let v = self.acc.finish();
        serde_json::from_value(v.clone()).map_err(|e| crate::Error::decode(e.to_string(), v.to_string().as_bytes()))
    }

    pub fn close(&mut self) {
        self.inner.close()
    }
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
