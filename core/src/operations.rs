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

/// What a stream's events fold into, for its `final_value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// Nothing to fold (not a stream).
    None,
    /// `chat.completion.chunk`s into a `chat.completion`.
    Chat,
    /// Legacy `text_completion` chunks into one completion.
    Completion,
    /// The `response` of the terminal Responses event.
    Response,
    /// Anthropic events into the final `message`.
    Message,
    /// `answer.*` events into `{answer, citations, usage}`.
    Answer,
    /// `audio.*` events into `audio.done` plus every chunk's audio as one `audio_b64`.
    Speech,
    /// `task.*` events into the last task event.
    AgentRun,
}

/// Which API family's header conventions an operation follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Headers {
    /// `Authorization: Bearer` (or `x-api-key` by the client's auth style).
    Gateway,
    /// Anthropic's: `x-api-key` always, and `anthropic-version`.
    Anthropic,
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
    /// The retry class (for an operation that takes any method, the class of `POST`).
    pub retry: Retry,
    /// Body fields the spec requires, checked before the network.
    pub required: &'static [&'static str],
    /// Query parameters the spec requires.
    pub required_query: &'static [&'static str],
    pub headers: Headers,
    /// The caller chooses the method; the retry class then follows it (GPU connect).
    pub any_method: bool,
    /// The last path parameter is a sub-path kept as given: its `/`s, `%`-escapes and query.
    pub tail_path: bool,
    pub fold: Fold,
    /// Without a stream the gateway holds the answer for up to this body field's seconds
    /// (default given): the call's timeout is raised above it, so the answer is not lost.
    pub holds_for: Option<(&'static str, u64)>,
}

impl Operation {
    /// The names of the path template's parameters, in order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path.split('/').filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
    }

    /// The retry class of a call made with `method`.
    ///
    /// ```
    /// use empiriolabs::operations::{find, id, Retry};
    /// let connect = find(id::CONNECT_GPU_INSTANCE).unwrap();
    /// assert_eq!((connect.retry_for("GET"), connect.retry_for("POST")), (Retry::Idempotent, Retry::Unsafe));
    /// ```
    pub fn retry_for(&self, method: &str) -> Retry {
        if !self.any_method {
            return self.retry;
        }
        match method.to_ascii_uppercase().as_str() {
            "POST" | "PATCH" => Retry::Unsafe,
            _ => Retry::Idempotent,
        }
    }

    /// Whether a call with this body answers with a stream, and in which convention.
    pub fn stream_flavor(&self, stream_flag: Option<bool>) -> Option<StreamFlavor> {
        match self.response {
            ResponseKind::Stream(f) => Some(f),
            ResponseKind::JsonOrStream(f) if stream_flag == Some(true) => Some(f),
            // A GPU service speaks OpenAI's convention when asked to stream.
            ResponseKind::Raw if stream_flag == Some(true) => Some(StreamFlavor::OpenAi),
            ResponseKind::StreamByDefault(f) if stream_flag != Some(false) => Some(f),
            _ => None,
        }
    }

    /// Whether the operation can answer with a stream at all.
    pub fn can_stream(&self) -> bool {
        self.stream_flavor(Some(true)).is_some()
    }
}
/// Every operationId as a constant, so a misspelt id fails to compile.
pub mod id {
    pub const LIST_MODELS: &str = "listModels";
    pub const RETRIEVE_MODEL: &str = "retrieveModel";
    pub const CREATE_CHAT_COMPLETION: &str = "createChatCompletion";
    pub const CREATE_COMPLETION: &str = "createCompletion";
    pub const CREATE_RESPONSE: &str = "createResponse";
    pub const CREATE_MESSAGE: &str = "createMessage";
    pub const CREATE_EMBEDDINGS: &str = "createEmbeddings";
    pub const CREATE_RERANKS: &str = "createReranks";
    pub const CREATE_IMAGE: &str = "createImage";
    pub const CREATE_VIDEO: &str = "createVideo";
    pub const LIST_GENERATION_TEMPLATES: &str = "listGenerationTemplates";
    pub const GET_GENERATION_TEMPLATE: &str = "getGenerationTemplate";
    pub const LIST_IMAGE_TEMPLATES: &str = "listImageTemplates";
    pub const GET_IMAGE_TEMPLATE: &str = "getImageTemplate";
    pub const LIST_VIDEO_TEMPLATES: &str = "listVideoTemplates";
    pub const GET_VIDEO_TEMPLATE: &str = "getVideoTemplate";
    pub const CREATE_3D_GENERATION: &str = "create3DGeneration";
    pub const CREATE_SPEECH: &str = "createSpeech";
    pub const CREATE_SPEECH_STREAM: &str = "createSpeechStream";
    pub const LIST_VOICES: &str = "listVoices";
    pub const CREATE_AUDIO_GENERATION: &str = "createAudioGeneration";
    pub const CREATE_TRANSCRIPTION: &str = "createTranscription";
    pub const CREATE_SEARCH: &str = "createSearch";
    pub const CREATE_RESEARCH: &str = "createResearch";
    pub const CREATE_ANSWER: &str = "createAnswer";
    pub const RUN_AGENT: &str = "runAgent";
    pub const GET_AGENT_TASK: &str = "getAgentTask";
    pub const LIST_AGENT_MESSAGES: &str = "listAgentMessages";
    pub const STOP_AGENT_TASK: &str = "stopAgentTask";
    pub const ANALYZE_IMAGE: &str = "analyzeImage";
    pub const CREATE_DETECTION: &str = "createDetection";
    pub const RETRIEVE_ACCOUNT_USAGE: &str = "retrieveAccountUsage";
    pub const LIST_PLAYGROUND_CONVERSATIONS: &str = "listPlaygroundConversations";
    pub const RETRIEVE_PLAYGROUND_CONVERSATION: &str = "retrievePlaygroundConversation";
    pub const LIST_JOBS: &str = "listJobs";
    pub const RETRIEVE_JOB: &str = "retrieveJob";
    pub const CANCEL_JOB: &str = "cancelJob";
    pub const LIST_GPU_TYPES: &str = "listGpuTypes";
    pub const GET_GPU_TYPE: &str = "getGpuType";
    pub const LIST_GPU_INSTANCES: &str = "listGpuInstances";
    pub const DEPLOY_GPU_INSTANCE: &str = "deployGpuInstance";
    pub const GET_GPU_INSTANCE: &str = "getGpuInstance";
    pub const DESTROY_GPU_INSTANCE: &str = "destroyGpuInstance";
    pub const ACTION_GPU_INSTANCE: &str = "actionGpuInstance";
    pub const CONNECT_GPU_INSTANCE: &str = "connectGpuInstance";
    pub const HOSTED_AGENTS_HEALTH: &str = "hostedAgentsHealth";
    pub const GET_HOSTED_AGENTS_CONFIG: &str = "getHostedAgentsConfig";
    pub const LIST_HOSTED_AGENT_INSTANCES: &str = "listHostedAgentInstances";
    pub const CREATE_HOSTED_AGENT_INSTANCE: &str = "createHostedAgentInstance";
    pub const GET_HOSTED_AGENT_INSTANCE: &str = "getHostedAgentInstance";
    pub const DESTROY_HOSTED_AGENT_INSTANCE: &str = "destroyHostedAgentInstance";
    pub const RENAME_HOSTED_AGENT_INSTANCE: &str = "renameHostedAgentInstance";
    pub const ACTION_HOSTED_AGENT_INSTANCE: &str = "actionHostedAgentInstance";
    pub const MESSAGE_HOSTED_AGENT_INSTANCE: &str = "messageHostedAgentInstance";
    pub const LIST_HOSTED_AGENT_INTEGRATIONS: &str = "listHostedAgentIntegrations";
    pub const SAVE_HOSTED_AGENT_INTEGRATION: &str = "saveHostedAgentIntegration";
    pub const DISCONNECT_HOSTED_AGENT_INTEGRATION: &str = "disconnectHostedAgentIntegration";
    pub const SET_HOSTED_AGENT_INTEGRATION_BEHAVIOR: &str = "setHostedAgentIntegrationBehavior";
    pub const SET_HOSTED_AGENT_MODEL: &str = "setHostedAgentModel";
    pub const SET_HOSTED_AGENT_ACCESS: &str = "setHostedAgentAccess";
    pub const LIST_HOSTED_AGENT_SKILLS: &str = "listHostedAgentSkills";
    pub const ADD_HOSTED_AGENT_SKILL: &str = "addHostedAgentSkill";
    pub const REMOVE_HOSTED_AGENT_SKILL: &str = "removeHostedAgentSkill";
    pub const LIST_HOSTED_AGENT_MCP: &str = "listHostedAgentMcp";
    pub const ADD_HOSTED_AGENT_MCP: &str = "addHostedAgentMcp";
    pub const REMOVE_HOSTED_AGENT_MCP: &str = "removeHostedAgentMcp";
}

use BodyKind as B;
use ResponseKind as R;
const I: Retry = Retry::Idempotent;
const U: Retry = Retry::Unsafe;
use StreamFlavor as F;

const fn op(id: &'static str, method: &'static str, path: &'static str, body: BodyKind, response: ResponseKind, retry: Retry, required: &'static [&'static str]) -> Operation {
    Operation { id, method, path, body, response, public: false, retry, required, required_query: &[], headers: Headers::Gateway, any_method: false, tail_path: false, fold: Fold::None, holds_for: None }
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

const fn folds(mut o: Operation, response: ResponseKind, fold: Fold) -> Operation {
    o.response = response;
    o.fold = fold;
    o
}

const fn query_required(mut o: Operation, names: &'static [&'static str]) -> Operation {
    o.required_query = names;
    o
}

/// Every operation of the gateway, in openapi.yaml's order.
pub static OPERATIONS: &[Operation] = &[
    public(id::LIST_MODELS, "/v1/models"),
    public(id::RETRIEVE_MODEL, "/v1/models/{model_id}"),
    folds(post(id::CREATE_CHAT_COMPLETION, "/v1/chat/completions", U, &["model", "messages"]), R::JsonOrStream(F::OpenAi), Fold::Chat),
    folds(post(id::CREATE_COMPLETION, "/v1/completions", U, &["model", "prompt"]), R::JsonOrStream(F::OpenAi), Fold::Completion),
    folds(post(id::CREATE_RESPONSE, "/v1/responses", U, &["model", "input"]), R::JsonOrStream(F::Responses), Fold::Response),
    Operation { headers: Headers::Anthropic, ..folds(post(id::CREATE_MESSAGE, "/v1/messages", U, &["model", "max_tokens", "messages"]), R::JsonOrStream(F::Anthropic), Fold::Message) },
    post(id::CREATE_EMBEDDINGS, "/v1/embeddings", U, &["model", "input"]),
    post(id::CREATE_RERANKS, "/v1/reranks", U, &["model", "query", "documents"]),
    with(post(id::CREATE_IMAGE, "/v1/images/generations", U, &[]), R::JsonOrJob),
    with(post(id::CREATE_VIDEO, "/v1/videos/generations", U, &[]), R::Job),
    get(id::LIST_GENERATION_TEMPLATES, "/v1/templates"),
    get(id::GET_GENERATION_TEMPLATE, "/v1/templates/{slug}"),
    get(id::LIST_IMAGE_TEMPLATES, "/v1/images/templates"),
    get(id::GET_IMAGE_TEMPLATE, "/v1/images/templates/{slug}"),
    get(id::LIST_VIDEO_TEMPLATES, "/v1/videos/templates"),
    get(id::GET_VIDEO_TEMPLATE, "/v1/videos/templates/{slug}"),
    with(post(id::CREATE_3D_GENERATION, "/v1/3d/generations", U, &["model"]), R::Job),
    post(id::CREATE_SPEECH, "/v1/audio/speech", U, &["model"]),
    folds(post(id::CREATE_SPEECH_STREAM, "/v1/audio/speech:stream", U, &["model", "input"]), R::Stream(F::Typed), Fold::Speech),
    get(id::LIST_VOICES, "/v1/voices"),
    with(post(id::CREATE_AUDIO_GENERATION, "/v1/audio/generations", U, &["model"]), R::JsonOrJob),
    Operation { body: B::MultipartOrJson, ..with(post(id::CREATE_TRANSCRIPTION, "/v1/audio/transcriptions", U, &["model"]), R::JsonOrJob) },
    post(id::CREATE_SEARCH, "/v1/search", U, &["model", "query"]),
    with(post(id::CREATE_RESEARCH, "/v1/research", U, &["model"]), R::Job),
    folds(post(id::CREATE_ANSWER, "/v1/answer", U, &["model", "query"]), R::JsonOrStream(F::Typed), Fold::Answer),
    Operation { holds_for: Some(("max_wait_seconds", 900)), ..folds(post(id::RUN_AGENT, "/v1/agents/run", U, &["model", "input"]), R::StreamByDefault(F::Typed), Fold::AgentRun) },
    get(id::GET_AGENT_TASK, "/v1/agents/{task_id}"),
    get(id::LIST_AGENT_MESSAGES, "/v1/agents/{task_id}/messages"),
    post(id::STOP_AGENT_TASK, "/v1/agents/{task_id}/stop", I, &[]),
    post(id::ANALYZE_IMAGE, "/v1/images/analysis", U, &["model", "image_url", "question"]),
    post(id::CREATE_DETECTION, "/v1/detect", U, &["model", "input"]),
    get(id::RETRIEVE_ACCOUNT_USAGE, "/v1/account/usage"),
    get(id::LIST_PLAYGROUND_CONVERSATIONS, "/v1/playground/conversations"),
    get(id::RETRIEVE_PLAYGROUND_CONVERSATION, "/v1/playground/conversations/{conversation_id}"),
    get(id::LIST_JOBS, "/v1/jobs"),
    get(id::RETRIEVE_JOB, "/v1/jobs/{job_id}"),
    delete(id::CANCEL_JOB, "/v1/jobs/{job_id}"),
    public(id::LIST_GPU_TYPES, "/v1/gpu/catalog"),
    public(id::GET_GPU_TYPE, "/v1/gpu/catalog/{slug}"),
    get(id::LIST_GPU_INSTANCES, "/v1/gpu/instances"),
    post(id::DEPLOY_GPU_INSTANCE, "/v1/gpu/instances", U, &["gpu_slug"]),
    get(id::GET_GPU_INSTANCE, "/v1/gpu/instances/{instance_id}"),
    delete(id::DESTROY_GPU_INSTANCE, "/v1/gpu/instances/{instance_id}"),
    post(id::ACTION_GPU_INSTANCE, "/v1/gpu/instances/{instance_id}/{action}", I, &[]),
    Operation { any_method: true, tail_path: true, fold: Fold::Chat, ..op(id::CONNECT_GPU_INSTANCE, "GET", "/v1/gpu/connect/{instance_id}/{path}", B::Any, R::Raw, U, &[]) },
    public(id::HOSTED_AGENTS_HEALTH, "/v1/hosted-agents/health"),
    get(id::GET_HOSTED_AGENTS_CONFIG, "/v1/hosted-agents/config"),
    get(id::LIST_HOSTED_AGENT_INSTANCES, "/v1/hosted-agents/instances"),
    post(id::CREATE_HOSTED_AGENT_INSTANCE, "/v1/hosted-agents/instances", U, &["agent_type"]),
    get(id::GET_HOSTED_AGENT_INSTANCE, "/v1/hosted-agents/instances/{instance_id}"),
    delete(id::DESTROY_HOSTED_AGENT_INSTANCE, "/v1/hosted-agents/instances/{instance_id}"),
    op(id::RENAME_HOSTED_AGENT_INSTANCE, "PATCH", "/v1/hosted-agents/instances/{instance_id}", B::Json, R::Json, I, &["name"]),
    post(id::ACTION_HOSTED_AGENT_INSTANCE, "/v1/hosted-agents/instances/{instance_id}/{action}", I, &[]),
    post(id::MESSAGE_HOSTED_AGENT_INSTANCE, "/v1/hosted-agents/instances/{instance_id}/message", U, &["messages"]),
    get(id::LIST_HOSTED_AGENT_INTEGRATIONS, "/v1/hosted-agents/instances/{instance_id}/integrations"),
    post(id::SAVE_HOSTED_AGENT_INTEGRATION, "/v1/hosted-agents/instances/{instance_id}/integrations", I, &["kind"]),
    delete(id::DISCONNECT_HOSTED_AGENT_INTEGRATION, "/v1/hosted-agents/instances/{instance_id}/integrations/{kind}"),
    post(id::SET_HOSTED_AGENT_INTEGRATION_BEHAVIOR, "/v1/hosted-agents/instances/{instance_id}/integrations/{kind}/behavior", I, &[]),
    post(id::SET_HOSTED_AGENT_MODEL, "/v1/hosted-agents/instances/{instance_id}/model", I, &["provider", "model"]),
    post(id::SET_HOSTED_AGENT_ACCESS, "/v1/hosted-agents/instances/{instance_id}/access", I, &["mode"]),
    get(id::LIST_HOSTED_AGENT_SKILLS, "/v1/hosted-agents/instances/{instance_id}/skills"),
    post(id::ADD_HOSTED_AGENT_SKILL, "/v1/hosted-agents/instances/{instance_id}/skills", I, &[]),
    query_required(delete(id::REMOVE_HOSTED_AGENT_SKILL, "/v1/hosted-agents/instances/{instance_id}/skills"), &["slug"]),
    get(id::LIST_HOSTED_AGENT_MCP, "/v1/hosted-agents/instances/{instance_id}/mcp"),
    post(id::ADD_HOSTED_AGENT_MCP, "/v1/hosted-agents/instances/{instance_id}/mcp", U, &["name", "url"]),
    query_required(delete(id::REMOVE_HOSTED_AGENT_MCP, "/v1/hosted-agents/instances/{instance_id}/mcp"), &["name"]),
];

/// Looks an operation up by its operationId.
///
/// ```
/// let op = empiriolabs::operations::find(empiriolabs::operations::id::CREATE_CHAT_COMPLETION).unwrap();
/// assert_eq!((op.method, op.path), ("POST", "/v1/chat/completions"));
/// ```
pub fn find(id: &str) -> Option<&'static Operation> {
    OPERATIONS.iter().find(|o| o.id == id)
}
