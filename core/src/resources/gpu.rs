//! GPU Cloud: the catalog, instances and their actions, and connecting to a running instance.

use crate::operations::id;
use serde_json::Value;

use super::{namespace, Base};
use crate::call::{ApiResponse, CallArgs, Payload};
use crate::client::Client;
use crate::error::Result;
use crate::reply::Reply;
use crate::stream::EventStream;
use crate::types::{ChatCompletion, GpuInstance};

namespace!(
    /// `client.gpu()`.
    Gpu
);
namespace!(
    /// `client.gpu().catalog()`: GPU types and prices (public).
    GpuCatalog
);
namespace!(
    /// `client.gpu().instances()`.
    GpuInstances
);

impl Client {
    pub fn gpu(&self) -> Gpu {
        Gpu { base: Base::new(self) }
    }
}

impl Gpu {
    pub fn catalog(&self) -> GpuCatalog {
        GpuCatalog { base: self.base.clone() }
    }

    pub fn instances(&self) -> GpuInstances {
        GpuInstances { base: self.base.clone() }
    }

    /// Reaches the service on instance `id` through `/v1/gpu/connect/{id}/...`.
    pub fn connect(&self, id: &str) -> GpuConnection {
        GpuConnection { base: self.base.clone(), id: id.to_string() }
    }
}

impl GpuCatalog {
    pub async fn list(&self) -> Result<Reply<Value>> {
        self.base.value(id::LIST_GPU_TYPES, self.base.args()).await
    }

    pub async fn retrieve(&self, slug: &str) -> Result<Reply<Value>> {
        self.base.value(id::GET_GPU_TYPE, self.base.args().path("slug", slug)).await
    }
}

fn instance(r: Reply<Value>) -> Result<Reply<GpuInstance>> {
    let v = r.body.get("instance").cloned().unwrap_or(r.body);
    let data = serde_json::from_value(v.clone()).map_err(|e| crate::Error::decode(e.to_string(), v.to_string().as_bytes()))?;
    Ok(Reply { body: data, meta: r.meta })
}

impl GpuInstances {
    pub async fn list(&self) -> Result<Reply<Value>> {
        self.base.value(id::LIST_GPU_INSTANCES, self.base.args()).await
    }

    /// Deploys an instance (`gpu_slug`, `mode`, `hf_id` / `template_slug` / `image`, …).
    pub async fn create(&self, body: Value) -> Result<Reply<GpuInstance>> {
        instance(self.base.value(id::DEPLOY_GPU_INSTANCE, self.base.body(body)?).await?)
    }

    pub async fn retrieve(&self, id: &str) -> Result<Reply<GpuInstance>> {
        instance(self.base.value(id::GET_GPU_INSTANCE, self.base.args().path("instance_id", id)).await?)
    }

    pub async fn delete(&self, id: &str) -> Result<Reply<Value>> {
        self.base.value(id::DESTROY_GPU_INSTANCE, self.base.args().path("instance_id", id)).await
    }

    /// `stop`, `start` or `refresh`.
    pub async fn action(&self, id: &str, action: &str) -> Result<Reply<GpuInstance>> {
        instance(self.base.value(id::ACTION_GPU_INSTANCE, self.base.args().path("instance_id", id).path("action", action)).await?)
    }

    pub async fn stop(&self, id: &str) -> Result<Reply<GpuInstance>> {
        self.action(id, "stop").await
    }

    pub async fn start(&self, id: &str) -> Result<Reply<GpuInstance>> {
        self.action(id, "start").await
    }

    pub async fn refresh(&self, id: &str) -> Result<Reply<GpuInstance>> {
        self.action(id, "refresh").await
    }
}

/// A connection to one GPU instance's service.
#[derive(Clone, Debug)]
pub struct GpuConnection {
    base: Base,
    id: String,
}

impl GpuConnection {
    fn args(&self, method: &str, path: &str, body: Option<Value>) -> CallArgs {
        let mut a = self.base.args().path("instance_id", &self.id).path("path", path.trim_start_matches('/')).method(method);
        if let Some(b) = body {
            a.body = Payload::Json(b);
        }
        a
    }

    /// Any method and path on the service; the answer as received.
    pub async fn request(&self, method: &str, path: &str, body: Option<Value>) -> Result<ApiResponse> {
        self.base.client.call(id::CONNECT_GPU_INSTANCE, self.args(method, path, body)).await
    }

    /// Any method and path, with the answer's body as a stream of bytes (downloads, logs,
    /// anything not SSE). Each wait for the next piece is bounded by the stream idle timeout.
    /// Dropping the stream closes the connection.
    pub async fn request_bytes(&self, method: &str, path: &str, body: Option<Value>) -> Result<RawBody> {
        let p = self.base.client.prepare(id::CONNECT_GPU_INSTANCE, self.args(method, path, body))?;
        let resp = self.base.client.send_head(&p).await?;
        Ok(RawBody::new(resp, p.idle))
    }

    /// Per-call overrides (timeout, retries, headers, query parameters) for this connection.
    pub fn options(mut self, opts: crate::options::RequestOptions) -> Self {
        self.base.opts = opts;
        self
    }

    /// A streamed call (an OpenAI-style SSE answer).
    pub async fn stream(&self, method: &str, path: &str, body: Value) -> Result<EventStream> {
        self.base.client.stream(id::CONNECT_GPU_INSTANCE, self.args(method, path, Some(body))).await
    }

    /// Chat completions of the model served on the instance (rooted at `.../v1`).
    pub async fn chat(&self, body: Value) -> Result<ChatCompletion> {
        self.request("POST", "v1/chat/completions", Some(body)).await?.json()
    }

    pub async fn chat_stream(&self, mut body: Value) -> Result<EventStream> {
        if let Some(m) = body.as_object_mut() {
            m.insert("stream".into(), Value::Bool(true));
        }
        self.stream("POST", "v1/chat/completions", body).await
    }
}

pub use crate::raw_body::RawBody;
