//! Agent tasks: run (streamed by default, or started in the background), follow up, status,
//! messages, stop, and wait.


use crate::operations::id;
use serde_json::{json, Value};

use super::{namespace, Base};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::job::{failed, Poller, WaitOptions};
use crate::reply::Reply;
use crate::stream::{EventStream, StreamEvent};
use crate::types::AgentTaskState;

/// The gateway's shortest hold of a non-streaming run (its minimum `max_wait_seconds`).
pub const START_WAIT_SECONDS: u64 = 5;

namespace!(
    /// `client.agents()`: long-running agent tasks.
    Agents
);

impl Client {
    pub fn agents(&self) -> Agents {
        Agents { base: Base::new(self) }
    }
}

impl Agents {
    /// Runs a task and streams its events (`task.created`, `task.message`, …, `task.completed`).
    pub async fn run(&self, body: Value) -> Result<AgentRun> {
        let mut body = body;
        if let Some(m) = body.as_object_mut() {
            m.insert("stream".into(), json!(true));
        }
        let stream = self.base.client.stream(id::RUN_AGENT, self.base.body(body)?).await?;
        Ok(AgentRun { stream, task_id: None, base: self.base.clone() })
    }

    /// Starts a task in the background and returns its handle as soon as the gateway has
    /// given it an id: `stream: false` with a short `max_wait_seconds` (the gateway's minimum,
    /// unless the body sets one), so the call never outlives its timeout with a billing task's
    /// id in it. Wait on the handle to poll for the end.
    pub async fn start(&self, body: Value) -> Result<AgentTask> {
        let mut body = body;
        if let Some(m) = body.as_object_mut() {
            m.insert("stream".into(), json!(false));
            m.entry("max_wait_seconds").or_insert(json!(START_WAIT_SECONDS));
        }
        let r = self.base.value(id::RUN_AGENT, self.base.body(body)?).await?;
        let id = r.get("task_id").and_then(Value::as_str).ok_or_else(|| Error::decode("no `task_id` in the answer", r.body.to_string().as_bytes()))?;
        Ok(self.task(id))
    }

    /// Runs a task without streaming: the gateway holds the answer until the task ends or
    /// `max_wait_seconds` (default 900) passes, and the call's timeout is raised above that.
    /// The answer is the task's state then (`task_id`, `status`, …).
    pub async fn create(&self, body: Value) -> Result<Reply<Value>> {
        let mut body = body;
        if let Some(m) = body.as_object_mut() {
            m.insert("stream".into(), json!(false));
        }
        self.base.value(id::RUN_AGENT, self.base.body(body)?).await
    }

    /// Task `task_id`'s state (`status`, `output`, `artifacts`, `usage`).
    pub async fn retrieve(&self, task_id: &str) -> Result<Reply<AgentTaskState>> {
        self.task(task_id).status().await
    }

    /// The task's messages so far (its intermediate reasoning).
    pub async fn messages(&self, task_id: &str) -> Result<Reply<Value>> {
        self.task(task_id).messages().await
    }

    /// Stops the task; partial work is still billed.
    pub async fn stop(&self, task_id: &str) -> Result<Reply<Value>> {
        self.task(task_id).stop().await
    }

    /// Sends a follow-up message to a running task.
    pub async fn follow_up(&self, task_id: &str, model: &str, input: &str) -> Result<Reply<Value>> {
        self.task(task_id).follow_up(model, input).await
    }

    /// Polls until the task is `completed`, `failed` or `stopped`; `failed` is an error.
    pub async fn wait(&self, task_id: &str, opts: WaitOptions) -> Result<AgentTaskState> {
        self.task(task_id).wait(opts).await
    }

    /// A handle for an existing task.
    fn task(&self, id: impl Into<String>) -> AgentTask {
        AgentTask { base: self.base.clone(), id: id.into() }
    }
}

/// A streamed agent run; knows its task once the first event arrives.
#[derive(Debug)]
pub struct AgentRun {
    stream: EventStream,
    task_id: Option<String>,
    base: Base,
}

impl AgentRun {
    pub async fn next(&mut self) -> Option<Result<StreamEvent>> {
        let ev = self.stream.next().await?;
        if let Ok(e) = &ev {
            if self.task_id.is_none() {
                self.task_id = e.data().get("task_id").and_then(Value::as_str).map(str::to_string);
            }
        }
        Some(ev)
    }

    pub fn task_id(&self) -> Option<&str> {
        self.task_id.as_deref()
    }

    /// The task as a handle (after the first event).
    pub fn task(&self) -> Option<AgentTask> {
        self.task_id.as_ref().map(|id| AgentTask { base: self.base.clone(), id: id.clone() })
    }

    /// Closes the stream; the task itself keeps running.
    pub fn close(&mut self) {
        self.stream.close()
    }
}

/// A handle to an agent task.
#[derive(Clone, Debug)]
pub struct AgentTask {
    base: Base,
    id: String,
}

impl AgentTask {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub async fn status(&self) -> Result<Reply<AgentTaskState>> {
        self.base.typed(id::GET_AGENT_TASK, self.base.args().path("task_id", &self.id)).await
    }

    pub async fn messages(&self) -> Result<Reply<Value>> {
        self.base.value(id::LIST_AGENT_MESSAGES, self.base.args().path("task_id", &self.id)).await
    }

    pub async fn stop(&self) -> Result<Reply<Value>> {
        self.base.value(id::STOP_AGENT_TASK, self.base.args().path("task_id", &self.id)).await
    }

    /// Sends `input` to the running task (`POST /v1/agents/run` with its `task_id`).
    pub async fn follow_up(&self, model: &str, input: &str) -> Result<Reply<Value>> {
        let body = json!({"model": model, "input": input, "task_id": self.id, "stream": false, "max_wait_seconds": START_WAIT_SECONDS});
        self.base.value(id::RUN_AGENT, self.base.body(body)?).await
    }

    /// Polls until the task is `completed`, `failed` or `stopped`; `failed` is an error.
    pub async fn wait(&self, opts: WaitOptions) -> Result<AgentTaskState> {
        let mut poller = Poller::new(&opts);
        loop {
            let s = self.status().await?.into_inner();
            match s.status.as_str() {
                "completed" | "stopped" => return Ok(s),
                "failed" => return Err(failed(&self.id, s.extra.get("error").cloned().unwrap_or(Value::Null), "the agent task failed")),
                status => {
                    let state = serde_json::to_value(&s).unwrap_or(Value::Null);
                    poller.pause(&self.id, status, &state, None).await?;
                }
            }
        }
    }
}
