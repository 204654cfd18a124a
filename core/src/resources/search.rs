//! Search, research (a job), grounded answers (plain or streamed) and detection.

use crate::operations::id;
use serde_json::Value;

use super::{namespace, Base};
use crate::client::Client;
use crate::error::Result;
use crate::job::{Job, WaitOptions};
use crate::reply::Reply;
use crate::stream::EventStream;

namespace!(
    /// `client.search()`: `POST /v1/search`.
    Search
);
namespace!(
    /// `client.research()`: `POST /v1/research`, a long job with a cited report.
    Research
);
namespace!(
    /// `client.answer()`: `POST /v1/answer`.
    Answer
);
namespace!(
    /// `client.detect()`: `POST /v1/detect`.
    Detect
);

impl Client {
    pub fn search(&self) -> Search {
        Search { base: Base::new(self) }
    }
    pub fn research(&self) -> Research {
        Research { base: Base::new(self) }
    }
    pub fn answer(&self) -> Answer {
        Answer { base: Base::new(self) }
    }
    pub fn detect(&self) -> Detect {
        Detect { base: Base::new(self) }
    }
}

impl Search {
    pub async fn create(&self, body: Value) -> Result<Reply<Value>> {
        self.base.value(id::CREATE_SEARCH, self.base.body(body)?).await
    }
}

impl Research {
    pub async fn create(&self, body: Value) -> Result<Job> {
        self.base.job(id::CREATE_RESEARCH, self.base.body(body)?).await
    }

    pub async fn create_and_wait(&self, body: Value, wait: WaitOptions) -> Result<Value> {
        self.create(body).await?.wait(wait).await
    }
}

impl Answer {
    pub async fn create(&self, body: Value) -> Result<Reply<Value>> {
        self.base.value(id::CREATE_ANSWER, self.base.body(body)?).await
    }

    /// `answer.delta` events, then `answer.citations` and `answer.done`.
    pub async fn stream(&self, body: Value) -> Result<EventStream> {
        self.base.stream(id::CREATE_ANSWER, self.base.body(body)?).await
    }
}

impl Detect {
    pub async fn create(&self, body: Value) -> Result<Reply<Value>> {
        self.base.value(id::CREATE_DETECTION, self.base.body(body)?).await
    }
}
