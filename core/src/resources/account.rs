//! Models, account usage, playground conversations and jobs.

use crate::operations::id;
use serde_json::Value;

use super::{namespace, Base};
use crate::client::Client;
use crate::error::Result;
use crate::job::Job;
use crate::pagination::Pager;
use crate::reply::Reply;
use crate::types::{Model, ModelList, UsagePage};

namespace!(
    /// `client.models()`: the public catalog.
    Models
);
namespace!(
    /// `client.account()`.
    Account
);
namespace!(
    /// `client.account().usage()`: balance, spend and usage events.
    Usage
);
namespace!(
    /// `client.playground()`.
    Playground
);
namespace!(
    /// `client.playground().conversations()`.
    Conversations
);
namespace!(
    /// `client.jobs()`: every async job of the account.
    Jobs
);

impl Client {
    pub fn models(&self) -> Models {
        Models { base: Base::new(self) }
    }
    pub fn account(&self) -> Account {
        Account { base: Base::new(self) }
    }
    pub fn playground(&self) -> Playground {
        Playground { base: Base::new(self) }
    }
    pub fn jobs(&self) -> Jobs {
        Jobs { base: Base::new(self) }
    }
}

impl Models {
    pub async fn list(&self) -> Result<Reply<ModelList>> {
        self.base.typed(id::LIST_MODELS, self.base.args()).await
    }

    /// The model with its parameter table, pricing rows and features.
    pub async fn retrieve(&self, id: &str) -> Result<Reply<Model>> {
        self.base.typed(id::RETRIEVE_MODEL, self.base.args().path("model_id", id)).await
    }
}

impl Account {
    pub fn usage(&self) -> Usage {
        Usage { base: self.base.clone() }
    }
}

impl Usage {
    /// One page (`limit`, `before`, `from`, `to`, `source`, `model`, `status`).
    pub async fn retrieve(&self, query: Value) -> Result<Reply<UsagePage>> {
        self.base.typed(id::RETRIEVE_ACCOUNT_USAGE, self.base.query(query)?).await
    }

    /// Every usage event, page after page, lazily.
    pub fn list(&self, query: Value) -> Result<Pager> {
        Ok(Pager::new(self.base.client.clone(), id::RETRIEVE_ACCOUNT_USAGE, self.base.query(query)?))
    }
}

impl Playground {
    pub fn conversations(&self) -> Conversations {
        Conversations { base: self.base.clone() }
    }
}

impl Conversations {
    pub fn list(&self, query: Value) -> Result<Pager> {
        Ok(Pager::new(self.base.client.clone(), id::LIST_PLAYGROUND_CONVERSATIONS, self.base.query(query)?))
    }

    pub async fn retrieve(&self, id: &str) -> Result<Reply<Value>> {
        self.base.value(id::RETRIEVE_PLAYGROUND_CONVERSATION, self.base.args().path("conversation_id", id)).await
    }
}

impl Jobs {
    /// Recent jobs (`status`, `limit`); one page, the gateway keeps the last hour.
    pub async fn list(&self, query: Value) -> Result<Reply<Value>> {
        self.base.value(id::LIST_JOBS, self.base.query(query)?).await
    }

    /// Job `id`'s state (`status`, `progress`, `result` or `error`). An id the gateway does not
    /// know is its not-found error.
    pub async fn retrieve(&self, id: &str) -> Result<Reply<Value>> {
        self.base.value(id::RETRIEVE_JOB, self.base.args().path("job_id", id)).await
    }

    /// Best-effort cancel; a finished job is left as it is.
    pub async fn cancel(&self, id: &str) -> Result<Reply<Value>> {
        self.base.value(id::CANCEL_JOB, self.base.args().path("job_id", id)).await
    }

    /// A waitable handle for job `id` (created elsewhere, or earlier).
    pub fn handle(&self, id: &str) -> Job {
        Job::attach(&self.base.client, id)
    }
}
