//! Hosted Agents: health, config, instances and their integrations, model, access, skills
//! and MCP connectors.

use crate::operations::id;
use serde_json::{json, Value};

use super::{namespace, Base};
use crate::call::CallArgs;
use crate::client::Client;
use crate::error::Result;
use crate::reply::Reply;
use crate::types::HostedAgent;

/// The `instance` of an answer, typed.
fn agent(r: Reply<Value>) -> Result<Reply<HostedAgent>> {
    let v = r.body.get("instance").cloned().unwrap_or(r.body);
    let body = serde_json::from_value(v.clone()).map_err(|e| crate::Error::decode(e.to_string(), v.to_string().as_bytes()))?;
    Ok(Reply { body, meta: r.meta })
}

namespace!(
    /// `client.hosted_agents()`.
    HostedAgents
);
namespace!(
    /// `client.hosted_agents().instances()`.
    AgentInstances
);

impl Client {
    pub fn hosted_agents(&self) -> HostedAgents {
        HostedAgents { base: Base::new(self) }
    }
}

impl HostedAgents {
    pub async fn health(&self) -> Result<Reply<Value>> {
        self.base.value(id::HOSTED_AGENTS_HEALTH, self.base.args()).await
    }

    pub async fn config(&self) -> Result<Reply<Value>> {
        self.base.value(id::GET_HOSTED_AGENTS_CONFIG, self.base.args()).await
    }

    pub fn instances(&self) -> AgentInstances {
        AgentInstances { base: self.base.clone() }
    }
}

impl AgentInstances {
    fn on(&self, id: &str) -> CallArgs {
        self.base.args().path("instance_id", id)
    }

    fn with_body(&self, id: &str, body: Value) -> Result<CallArgs> {
        Ok(CallArgs { path: vec![("instance_id".into(), id.into())], ..self.base.body(body)? })
    }

    pub async fn list(&self) -> Result<Reply<Value>> {
        self.base.value(id::LIST_HOSTED_AGENT_INSTANCES, self.base.args()).await
    }

    /// Creates an agent (`agent_type`: `openclaw` or `hermes`, `name`, `plan_slug`, …).
    pub async fn create(&self, body: Value) -> Result<Reply<HostedAgent>> {
        agent(self.base.value(id::CREATE_HOSTED_AGENT_INSTANCE, self.base.body(body)?).await?)
    }

    pub async fn retrieve(&self, id: &str) -> Result<Reply<HostedAgent>> {
        agent(self.base.value(id::GET_HOSTED_AGENT_INSTANCE, self.on(id)).await?)
    }

    pub async fn delete(&self, id: &str) -> Result<Reply<Value>> {
        self.base.value(id::DESTROY_HOSTED_AGENT_INSTANCE, self.on(id)).await
    }

    pub async fn rename(&self, id: &str, name: &str) -> Result<Reply<HostedAgent>> {
        agent(self.base.value(id::RENAME_HOSTED_AGENT_INSTANCE, self.with_body(id, json!({"name": name}))?).await?)
    }

    /// `start`, `stop`, `restart` or `refresh`.
    pub async fn action(&self, id: &str, action: &str) -> Result<Reply<HostedAgent>> {
        agent(self.base.value(id::ACTION_HOSTED_AGENT_INSTANCE, self.on(id).path("action", action)).await?)
    }

    pub async fn start(&self, id: &str) -> Result<Reply<HostedAgent>> {
        self.action(id, "start").await
    }

    pub async fn stop(&self, id: &str) -> Result<Reply<HostedAgent>> {
        self.action(id, "stop").await
    }

    pub async fn restart(&self, id: &str) -> Result<Reply<HostedAgent>> {
        self.action(id, "restart").await
    }

    /// Sends chat `messages` to the agent.
    pub async fn message(&self, id: &str, messages: Value) -> Result<Reply<Value>> {
        self.base.value(id::MESSAGE_HOSTED_AGENT_INSTANCE, self.with_body(id, json!({"messages": messages}))?).await
    }

    pub async fn set_model(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.base.value(id::SET_HOSTED_AGENT_MODEL, self.with_body(id, body)?).await
    }

    pub async fn set_access(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.base.value(id::SET_HOSTED_AGENT_ACCESS, self.with_body(id, body)?).await
    }

    pub fn integrations(&self) -> Integrations {
        Integrations { inst: self.clone() }
    }

    pub fn skills(&self) -> Skills {
        Skills { inst: self.clone() }
    }

    pub fn mcp(&self) -> Mcp {
        Mcp { inst: self.clone() }
    }
}

/// `client.hosted_agents().instances().integrations()`.
#[derive(Clone, Debug)]
pub struct Integrations {
    inst: AgentInstances,
}

impl Integrations {
    pub async fn list(&self, id: &str) -> Result<Reply<Value>> {
        self.inst.base.value(id::LIST_HOSTED_AGENT_INTEGRATIONS, self.inst.on(id)).await
    }

    /// Saves a token integration (`kind`, `secret`, `config`).
    pub async fn save(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.inst.base.value(id::SAVE_HOSTED_AGENT_INTEGRATION, self.inst.with_body(id, body)?).await
    }

    pub async fn disconnect(&self, id: &str, kind: &str) -> Result<Reply<Value>> {
        self.inst.base.value(id::DISCONNECT_HOSTED_AGENT_INTEGRATION, self.inst.on(id).path("kind", kind)).await
    }

    pub async fn set_behavior(&self, id: &str, kind: &str, behavior: Value) -> Result<Reply<Value>> {
        let args = CallArgs { path: vec![("instance_id".into(), id.into()), ("kind".into(), kind.into())], ..self.inst.base.body(json!({"behavior": behavior}))? };
        self.inst.base.value(id::SET_HOSTED_AGENT_INTEGRATION_BEHAVIOR, args).await
    }
}

/// `client.hosted_agents().instances().skills()`.
#[derive(Clone, Debug)]
pub struct Skills {
    inst: AgentInstances,
}

impl Skills {
    pub async fn list(&self, id: &str) -> Result<Reply<Value>> {
        self.inst.base.value(id::LIST_HOSTED_AGENT_SKILLS, self.inst.on(id)).await
    }

    /// Adds `{"slug": "clawhub:<slug>"}` or `{"custom": {"name", "body"}}`.
    pub async fn add(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.inst.base.value(id::ADD_HOSTED_AGENT_SKILL, self.inst.with_body(id, body)?).await
    }

    pub async fn remove(&self, id: &str, slug: &str) -> Result<Reply<Value>> {
        self.inst.base.value(id::REMOVE_HOSTED_AGENT_SKILL, self.inst.on(id).query("slug", slug)).await
    }
}

/// `client.hosted_agents().instances().mcp()`.
#[derive(Clone, Debug)]
pub struct Mcp {
    inst: AgentInstances,
}

impl Mcp {
    pub async fn list(&self, id: &str) -> Result<Reply<Value>> {
        self.inst.base.value(id::LIST_HOSTED_AGENT_MCP, self.inst.on(id)).await
    }

    /// Attaches a remote MCP server (`name`, `url`, `transport`, `header_name`, `header_value`).
    pub async fn add(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.inst.base.value(id::ADD_HOSTED_AGENT_MCP, self.inst.with_body(id, body)?).await
    }

    pub async fn remove(&self, id: &str, name: &str) -> Result<Reply<Value>> {
        self.inst.base.value(id::REMOVE_HOSTED_AGENT_MCP, self.inst.on(id).query("name", name)).await
    }
}
