//! The operation table: one entry per operation of the gateway's openapi.yaml, with what the
//! SDK needs to call it (method, path template, body and response kinds, auth, retry class,
//! required fields). A test checks it against openapi.yaml.

/// How a request body is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json,
    /// `multipart/form-data` for uploads, or JSON (`file_url`).
    MultipartOrJson,
    /// Whatever the caller sends (GPU connect).
    Any,
}

/// What a successful answer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseKind {
    Json,
    /// JSON, or an SSE stream when the body says `"stream": true`.
    JsonOrStream(StreamFlavor),
    /// Always an SSE stream.
    Stream(StreamFlavor),
    /// An SSE stream unless the body says `"stream": false` (agent runs).
    StreamByDefault(StreamFlavor),
    /// Always a `JobAccepted` envelope.
    Job,
    /// The finished result or, for long work, a `JobAccepted` envelope.
    JsonOrJob,
    /// Whatever the remote service answers (GPU connect).
    Raw,
}

/// The wire convention of a stream, which decides its terminator and error events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamFlavor {
    /// `data:` chunks ending with `data: [DONE]`; errors as `{"error": ...}`.
    OpenAi,
    /// Anthropic Messages events ending with `message_stop`; errors as `event: error`.
    Anthropic,
    /// OpenAI Responses events ending with `response.completed`; errors as `error` / `response.failed`.
    Responses,
    /// `{"type": ...}` events ending with `[DONE]`; errors as `error` or `*.error` types.
    Typed,
}

/// Whether the SDK may repeat a call on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Reads and state-setting calls: repeating is harmless.
    Idempotent,
    /// Calls that start billable work or are unsafe to repeat: only retried where the gateway
    /// cannot have accepted the work (429, 503, or a connection that failed before sending).
    Unsafe,
}

#[derive(Clone, Copy, Debug)]
pub struct Operation {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub body: BodyKind,
    pub response: ResponseKind,
    /// Answers without an API key (`security: []` in the spec).
    pub public: bool,
    pub retry: Retry,
    /// Body fields the spec requires, checked before the network.
    pub required: &'static [&'static str],
}

impl Operation {
    /// The names of the path template's parameters, in order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
    }
}

use BodyKind as B;
use ResponseKind as R;
const I: Retry = Retry::Idempotent;
const U: Retry = Retry::Unsafe;
use StreamFlavor as F;

const fn op(id: &'static str, method: &'static str, path: &'static str, body: BodyKind, response: ResponseKind, retry: Retry, required: &'static [&'static str]) -> Operation {
    Operation { id, method, path, body, response, public: false, retry, required }
}

const fn get(id: &'static str, path: &'static str) -> Operation {
    op(id, "GET", path, B::None, R::Json, I, &[])
}

const fn public(id: &'static str, path: &'static str) -> Operation {
    Operation { public: true, ..get(id, path) }
}

const fn post(id: &'static str, path: &'static str, retry: Retry, required: &'static [&'static str]) -> Operation {
    op(id, "POST", path, B::Json, R::Json, retry, required)
}

const fn delete(id: &'static str, path: &'static str) -> Operation {
    op(id, "DELETE", path, B::None, R::Json, I, &[])
}

const fn with(mut o: Operation, response: ResponseKind) -> Operation {
    o.response = response;
    o
}

/// Every operation of the gateway, in openapi.yaml's order.
pub static OPERATIONS: &[Operation] = &[
    public("listModels", "/v1/models"),
    public("retrieveModel", "/v1/models/{model_id}"),
    with(post("createChatCompletion", "/v1/chat/completions", U, &["model", "messages"]), R::JsonOrStream(F::OpenAi)),
    with(post("createCompletion", "/v1/completions", U, &["model", "prompt"]), R::JsonOrStream(F::OpenAi)),
    with(post("createResponse", "/v1/responses", U, &["model", "input"]), R::JsonOrStream(F::Responses)),
    with(post("createMessage", "/v1/messages", U, &["model", "max_tokens", "messages"]), R::JsonOrStream(F::Anthropic)),
    post("createEmbeddings", "/v1/embeddings", U, &["model", "input"]),
    post("createReranks", "/v1/reranks", U, &["model", "query", "documents"]),
    with(post("createImage", "/v1/images/generations", U, &[]), R::JsonOrJob),
    with(post("createVideo", "/v1/videos/generations", U, &[]), R::Job),
    get("listGenerationTemplates", "/v1/templates"),
    get("getGenerationTemplate", "/v1/templates/{slug}"),
    get("listImageTemplates", "/v1/images/templates"),
    get("getImageTemplate", "/v1/images/templates/{slug}"),
    get("listVideoTemplates", "/v1/videos/templates"),
    get("getVideoTemplate", "/v1/videos/templates/{slug}"),
    with(post("create3DGeneration", "/v1/3d/generations", U, &["model"]), R::Job),
    post("createSpeech", "/v1/audio/speech", U, &["model"]),
    with(post("createSpeechStream", "/v1/audio/speech:stream", U, &["model", "input"]), R::Stream(F::Typed)),
    get("listVoices", "/v1/voices"),
    with(post("createAudioGeneration", "/v1/audio/generations", U, &["model"]), R::JsonOrJob),
    Operation { body: B::MultipartOrJson, ..with(post("createTranscription", "/v1/audio/transcriptions", U, &["model"]), R::JsonOrJob) },
    post("createSearch", "/v1/search", U, &["model", "query"]),
    with(post("createResearch", "/v1/research", U, &["model"]), R::Job),
    with(post("createAnswer", "/v1/answer", U, &["model", "query"]), R::JsonOrStream(F::Typed)),
    with(post("runAgent", "/v1/agents/run", U, &["model", "input"]), R::StreamByDefault(F::Typed)),
    get("getAgentTask", "/v1/agents/{task_id}"),
    get("listAgentMessages", "/v1/agents/{task_id}/messages"),
    post("stopAgentTask", "/v1/agents/{task_id}/stop", I, &[]),
    post("analyzeImage", "/v1/images/analysis", U, &["model", "image_url", "question"]),
    post("createDetection", "/v1/detect", U, &["model", "input"]),
    get("retrieveAccountUsage", "/v1/account/usage"),
    get("listPlaygroundConversations", "/v1/playground/conversations"),
    get("retrievePlaygroundConversation", "/v1/playground/conversations/{conversation_id}"),
    get("listJobs", "/v1/jobs"),
    get("retrieveJob", "/v1/jobs/{job_id}"),
    delete("cancelJob", "/v1/jobs/{job_id}"),
    public("listGpuTypes", "/v1/gpu/catalog"),
    public("getGpuType", "/v1/gpu/catalog/{slug}"),
    get("listGpuInstances", "/v1/gpu/instances"),
    post("deployGpuInstance", "/v1/gpu/instances", U, &["gpu_slug"]),
    get("getGpuInstance", "/v1/gpu/instances/{instance_id}"),
    delete("destroyGpuInstance", "/v1/gpu/instances/{instance_id}"),
    post("actionGpuInstance", "/v1/gpu/instances/{instance_id}/{action}", I, &[]),
    op("connectGpuInstance", "GET", "/v1/gpu/connect/{instance_id}/{path}", B::Any, R::Raw, I, &[]),
    public("hostedAgentsHealth", "/v1/hosted-agents/health"),
    get("getHostedAgentsConfig", "/v1/hosted-agents/config"),
    get("listHostedAgentInstances", "/v1/hosted-agents/instances"),
    post("createHostedAgentInstance", "/v1/hosted-agents/instances", U, &["agent_type"]),
    get("getHostedAgentInstance", "/v1/hosted-agents/instances/{instance_id}"),
    delete("destroyHostedAgentInstance", "/v1/hosted-agents/instances/{instance_id}"),
    op("renameHostedAgentInstance", "PATCH", "/v1/hosted-agents/instances/{instance_id}", B::Json, R::Json, I, &["name"]),
    post("actionHostedAgentInstance", "/v1/hosted-agents/instances/{instance_id}/{action}", I, &[]),
    post("messageHostedAgentInstance", "/v1/hosted-agents/instances/{instance_id}/message", U, &["messages"]),
    get("listHostedAgentIntegrations", "/v1/hosted-agents/instances/{instance_id}/integrations"),
    post("saveHostedAgentIntegration", "/v1/hosted-agents/instances/{instance_id}/integrations", I, &["kind"]),
    delete("disconnectHostedAgentIntegration", "/v1/hosted-agents/instances/{instance_id}/integrations/{kind}"),
    post("setHostedAgentIntegrationBehavior", "/v1/hosted-agents/instances/{instance_id}/integrations/{kind}/behavior", I, &[]),
    post("setHostedAgentModel", "/v1/hosted-agents/instances/{instance_id}/model", I, &["provider", "model"]),
    post("setHostedAgentAccess", "/v1/hosted-agents/instances/{instance_id}/access", I, &["mode"]),
    get("listHostedAgentSkills", "/v1/hosted-agents/instances/{instance_id}/skills"),
    post("addHostedAgentSkill", "/v1/hosted-agents/instances/{instance_id}/skills", I, &[]),
    delete("removeHostedAgentSkill", "/v1/hosted-agents/instances/{instance_id}/skills"),
    get("listHostedAgentMcp", "/v1/hosted-agents/instances/{instance_id}/mcp"),
    post("addHostedAgentMcp", "/v1/hosted-agents/instances/{instance_id}/mcp", U, &["name", "url"]),
    delete("removeHostedAgentMcp", "/v1/hosted-agents/instances/{instance_id}/mcp"),
];

/// Looks an operation up by its operationId.
///
/// ```
/// let op = empiriolabs::operations::find("createChatCompletion").unwrap();
/// assert_eq!((op.method, op.path), ("POST", "/v1/chat/completions"));
/// ```
pub fn find(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
}

/// Required query parameters (the spec marks them `required: true`).
pub fn required_query(id: &str) -> &'static [&'static str] {
    match id {
        "removeHostedAgentSkill" => &["slug"],
        "removeHostedAgentMcp" => &["name"],
        _ => &[],
    }
}
