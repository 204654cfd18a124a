//! Hosted Agents: health, config, instances and their integrations, model, access, skills
//! and MCP connectors.

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
        self.base.value("hostedAgentsHealth", self.base.args()).await
    }

    pub async fn config(&self) -> Result<Reply<Value>> {
        self.base.value("getHostedAgentsConfig", self.base.args()).await
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
        self.base.value("listHostedAgentInstances", self.base.args()).await
    }

    /// Creates an agent (`agent_type`: `openclaw` or `hermes`, `name`, `plan_slug`, …).
    pub async fn create(&self, body: Value) -> Result<Reply<HostedAgent>> {
        agent(self.base.value("createHostedAgentInstance", self.base.body(body)?).await?)
    }

    pub async fn get(&self, id: &str) -> Result<Reply<HostedAgent>> {
        agent(self.base.value("getHostedAgentInstance", self.on(id)).await?)
    }

    pub async fn delete(&self, id: &str) -> Result<Reply<Value>> {
        self.base.value("destroyHostedAgentInstance", self.on(id)).await
    }

    pub async fn rename(&self, id: &str, name: &str) -> Result<Reply<HostedAgent>> {
        agent(self.base.value("renameHostedAgentInstance", self.with_body(id, json!({"name": name}))?).await?)
    }

    /// `start`, `stop`, `restart` or `refresh`.
    pub async fn action(&self, id: &str, action: &str) -> Result<Reply<HostedAgent>> {
        agent(self.base.value("actionHostedAgentInstance", self.on(id).path("action", action)).await?)
    }

    /// Sends chat `messages` to the agent.
    pub async fn message(&self, id: &str, messages: Value) -> Result<Reply<Value>> {
        self.base.value("messageHostedAgentInstance", self.with_body(id, json!({"messages": messages}))?).await
    }

    pub async fn set_model(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.base.value("setHostedAgentModel", self.with_body(id, body)?).await
    }

    pub async fn set_access(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.base.value("setHostedAgentAccess", self.with_body(id, body)?).await
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
        self.inst.base.value("listHostedAgentIntegrations", self.inst.on(id)).await
    }

    /// Saves a token integration (`kind`, `secret`, `config`).
    pub async fn save(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.inst.base.value("saveHostedAgentIntegration", self.inst.with_body(id, body)?).await
    }

    pub async fn disconnect(&self, id: &str, kind: &str) -> Result<Reply<Value>> {
        self.inst.base.value("disconnectHostedAgentIntegration", self.inst.on(id).path("kind", kind)).await
    }

    pub async fn set_behavior(&self, id: &str, kind: &str, behavior: Value) -> Result<Reply<Value>> {
        let args = CallArgs { path: vec![("instance_id".into(), id.into()), ("kind".into(), kind.into())], ..self.inst.base.body(json!({"behavior": behavior}))? };
        self.inst.base.value("setHostedAgentIntegrationBehavior", args).await
    }
}

/// `client.hosted_agents().instances().skills()`.
#[derive(Clone, Debug)]
pub struct Skills {
    inst: AgentInstances,
}

impl Skills {
    pub async fn list(&self, id: &str) -> Result<Reply<Value>> {
        self.inst.base.value("listHostedAgentSkills", self.inst.on(id)).await
    }

    /// Adds `{"slug": "clawhub:<slug>"}` or `{"custom": {"name", "body"}}`.
    pub async fn add(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.inst.base.value("addHostedAgentSkill", self.inst.with_body(id, body)?).await
    }

    pub async fn remove(&self, id: &str, slug: &str) -> Result<Reply<Value>> {
        self.inst.base.value("removeHostedAgentSkill", self.inst.on(id).query("slug", slug)).await
    }
}

/// `client.hosted_agents().instances().mcp()`.
#[derive(Clone, Debug)]
pub struct Mcp {
    inst: AgentInstances,
}

impl Mcp {
    pub async fn list(&self, id: &str) -> Result<Reply<Value>> {
        self.inst.base.value("listHostedAgentMcp", self.inst.on(id)).await
    }

    /// Attaches a remote MCP server (`name`, `url`, `transport`, `header_name`, `header_value`).
    pub async fn add(&self, id: &str, body: Value) -> Result<Reply<Value>> {
        self.inst.base.value("addHostedAgentMcp", self.inst.with_body(id, body)?).await
    }

    pub async fn remove(&self, id: &str, name: &str) -> Result<Reply<Value>> {
        self.inst.base.value("removeHostedAgentMcp", self.inst.on(id).query("name", name)).await
    }
}
