//! The route table: every gateway operation (operationId, method, path, public or not) bound to
//! its handler, plus the mock's own `/__mock/*` endpoints. The same table answers
//! `GET /__mock/routes`, so tests can compare it with openapi.yaml.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, map_response, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::{Extension, Json, Router};
use serde::Serialize;
use serde_json::json;

use crate::ctx::Ctx;
use crate::errors::{self, ApiError};
use crate::fault::{Fault, CATALOG};
use crate::routes::*;
use crate::state::AppState;

#[derive(Clone, Debug, Serialize)]
pub struct Operation {
    pub operation_id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub public: bool,
}

struct Table {
    state: Arc<AppState>,
    router: Router<Arc<AppState>>,
    ops: Vec<Operation>,
}

impl Table {
    fn add(mut self, operation_id: &'static str, method: &'static str, path: &'static str, public: bool, mr: MethodRouter<Arc<AppState>>) -> Self {
        // Layers added later run first: auth, then status faults, then the handler.
        let mut mr = mr.route_layer(from_fn_with_state(self.state.clone(), status_fault));
        if !public {
            mr = mr.route_layer(from_fn_with_state(self.state.clone(), crate::auth::require));
        }
        if path == "/v1/messages" {
            mr = mr.layer(map_response(anthropic_envelope));
        }
        // The spec writes `{*path}`-style catch-alls as `{path}`; axum needs the star.
        let route = path.replace("{path}", "{*path}");
        self.router = self.router.route(&route, mr);
        self.ops.push(Operation { operation_id, method, path, public });
        self
    }

    fn op<H, T>(self, id: &'static str, method: &'static str, path: &'static str, h: H) -> Self
    where
        H: Handler<T, Arc<AppState>>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(Method::from_bytes(method.as_bytes()).expect("valid method")).expect("routable method");
        self.add(id, method, path, false, on(filter, h))
    }

    fn public<H, T>(self, id: &'static str, path: &'static str, h: H) -> Self
    where
        H: Handler<T, Arc<AppState>>,
        T: 'static,
    {
        self.add(id, "GET", path, true, on(MethodFilter::GET, h))
    }
}

async fn anthropic_envelope(resp: Response) -> Response {
    errors::to_anthropic(resp)
}

/// A proxy's HTML page for `status`, as nginx renders them.
fn html_page(status: StatusCode) -> String {
    format!(
        "<html>\r\n<head><title>{0} {1}</title></head>\r\n<body>\r\n<center><h1>{0} {1}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
}

/// Answers a status or redirect fault before the handler runs, so the gateway "accepted" no work.
async fn status_fault(Extension(ctx): Extension<Arc<Ctx>>, req: Request, next: Next) -> Response {
    match &ctx.fault {
        Some(f @ Fault::Status { html, status, .. }) => {
            if *html {
                return (*status, [(header::CONTENT_TYPE, "text/html")], html_page(*status)).into_response();
            }
            f.status_error().expect("a status fault renders").into_response()
        }
        Some(Fault::Redirect(to)) => {
            // Without a target, the same path and query as a relative reference: same origin.
            let location = to.clone().unwrap_or_else(|| ctx.target.clone());
            let status = StatusCode::TEMPORARY_REDIRECT;
            match HeaderValue::from_str(&location) {
                Ok(loc) => (status, [(header::CONTENT_TYPE, HeaderValue::from_static("text/html")), (header::LOCATION, loc)], html_page(status)).into_response(),
                Err(_) => ApiError::invalid("x-mock-redirect-to", "invalid_mock_header", "Header `x-mock-redirect-to` is not a valid header value.").into_response(),
            }
        }
        _ => next.run(req).await,
    }
}

/// The gateway's operations, in openapi.yaml's order.
fn gateway(t: Table) -> Table {
    t.public("listModels", "/v1/models", models::list)
        .public("retrieveModel", "/v1/models/{model_id}", models::retrieve)
        .op("createChatCompletion", "POST", "/v1/chat/completions", chat::create)
        .op("createCompletion", "POST", "/v1/completions", completions::create)
        .op("createResponse", "POST", "/v1/responses", responses::create)
        .op("createMessage", "POST", "/v1/messages", messages::create)
        .op("createEmbeddings", "POST", "/v1/embeddings", embeddings::create)
        .op("createReranks", "POST", "/v1/reranks", reranks::create)
        .op("createImage", "POST", "/v1/images/generations", images::generate)
        .op("createVideo", "POST", "/v1/videos/generations", videos::generate)
        .op("listGenerationTemplates", "GET", "/v1/templates", templates::list)
        .op("getGenerationTemplate", "GET", "/v1/templates/{slug}", templates::get)
        .op("listImageTemplates", "GET", "/v1/images/templates", templates::list_image)
        .op("getImageTemplate", "GET", "/v1/images/templates/{slug}", templates::get_image)
        .op("listVideoTemplates", "GET", "/v1/videos/templates", templates::list_video)
        .op("getVideoTemplate", "GET", "/v1/videos/templates/{slug}", templates::get_video)
        .op("create3DGeneration", "POST", "/v1/3d/generations", three_d::generate)
        .op("createSpeech", "POST", "/v1/audio/speech", audio::speech)
        .op("createSpeechStream", "POST", "/v1/audio/speech:stream", audio::speech_stream)
        .op("listVoices", "GET", "/v1/voices", audio::voices)
        .op("createAudioGeneration", "POST", "/v1/audio/generations", audio::generate)
        .op("createTranscription", "POST", "/v1/audio/transcriptions", transcriptions::create)
        .op("createSearch", "POST", "/v1/search", search::search)
        .op("createResearch", "POST", "/v1/research", search::research)
        .op("createAnswer", "POST", "/v1/answer", search::answer)
        .op("runAgent", "POST", "/v1/agents/run", agents::run)
        .op("getAgentTask", "GET", "/v1/agents/{task_id}", agents::get)
        .op("listAgentMessages", "GET", "/v1/agents/{task_id}/messages", agents::messages)
        .op("stopAgentTask", "POST", "/v1/agents/{task_id}/stop", agents::stop)
        .op("analyzeImage", "POST", "/v1/images/analysis", images::analyze)
        .op("createDetection", "POST", "/v1/detect", detect::create)
        .op("retrieveAccountUsage", "GET", "/v1/account/usage", account::usage)
        .op("listPlaygroundConversations", "GET", "/v1/playground/conversations", playground::list)
        .op("retrievePlaygroundConversation", "GET", "/v1/playground/conversations/{conversation_id}", playground::retrieve)
        .op("listJobs", "GET", "/v1/jobs", jobs::list)
        .op("retrieveJob", "GET", "/v1/jobs/{job_id}", jobs::retrieve)
        .op("cancelJob", "DELETE", "/v1/jobs/{job_id}", jobs::cancel)
        .public("listGpuTypes", "/v1/gpu/catalog", gpu::catalog_list)
        .public("getGpuType", "/v1/gpu/catalog/{slug}", gpu::catalog_get)
        .op("listGpuInstances", "GET", "/v1/gpu/instances", gpu::list)
        .op("deployGpuInstance", "POST", "/v1/gpu/instances", gpu::deploy)
        .op("getGpuInstance", "GET", "/v1/gpu/instances/{instance_id}", gpu::get)
        .op("destroyGpuInstance", "DELETE", "/v1/gpu/instances/{instance_id}", gpu::destroy)
        .op("actionGpuInstance", "POST", "/v1/gpu/instances/{instance_id}/{action}", gpu::action)
        .connect()
        .public("hostedAgentsHealth", "/v1/hosted-agents/health", hosted_agents::health)
        .op("getHostedAgentsConfig", "GET", "/v1/hosted-agents/config", hosted_agents::config)
        .op("listHostedAgentInstances", "GET", "/v1/hosted-agents/instances", hosted_agents::list)
        .op("createHostedAgentInstance", "POST", "/v1/hosted-agents/instances", hosted_agents::create)
        .op("getHostedAgentInstance", "GET", "/v1/hosted-agents/instances/{instance_id}", hosted_agents::get)
        .op("destroyHostedAgentInstance", "DELETE", "/v1/hosted-agents/instances/{instance_id}", hosted_agents::destroy)
        .op("renameHostedAgentInstance", "PATCH", "/v1/hosted-agents/instances/{instance_id}", hosted_agents::rename)
        .op("actionHostedAgentInstance", "POST", "/v1/hosted-agents/instances/{instance_id}/{action}", hosted_agents::action)
        .op("messageHostedAgentInstance", "POST", "/v1/hosted-agents/instances/{instance_id}/message", hosted_agents::message)
        .op("listHostedAgentIntegrations", "GET", "/v1/hosted-agents/instances/{instance_id}/integrations", hosted_agents::integrations)
        .op("saveHostedAgentIntegration", "POST", "/v1/hosted-agents/instances/{instance_id}/integrations", hosted_agents::save_integration)
        .op("disconnectHostedAgentIntegration", "DELETE", "/v1/hosted-agents/instances/{instance_id}/integrations/{kind}", hosted_agents::disconnect_integration)
        .op("setHostedAgentIntegrationBehavior", "POST", "/v1/hosted-agents/instances/{instance_id}/integrations/{kind}/behavior", hosted_agents::set_behavior)
        .op("setHostedAgentModel", "POST", "/v1/hosted-agents/instances/{instance_id}/model", hosted_agents::set_model)
        .op("setHostedAgentAccess", "POST", "/v1/hosted-agents/instances/{instance_id}/access", hosted_agents::set_access)
        .op("listHostedAgentSkills", "GET", "/v1/hosted-agents/instances/{instance_id}/skills", hosted_agents::skills)
        .op("addHostedAgentSkill", "POST", "/v1/hosted-agents/instances/{instance_id}/skills", hosted_agents::add_skill)
        .op("removeHostedAgentSkill", "DELETE", "/v1/hosted-agents/instances/{instance_id}/skills", hosted_agents::remove_skill)
        .op("listHostedAgentMcp", "GET", "/v1/hosted-agents/instances/{instance_id}/mcp", hosted_agents::mcp)
        .op("addHostedAgentMcp", "POST", "/v1/hosted-agents/instances/{instance_id}/mcp", hosted_agents::add_mcp)
        .op("removeHostedAgentMcp", "DELETE", "/v1/hosted-agents/instances/{instance_id}/mcp", hosted_agents::remove_mcp)
}

impl Table {
    /// GPU connect takes GET, POST, PUT, PATCH and DELETE; the spec lists it under GET.
    fn connect(self) -> Self {
        let methods = MethodFilter::GET.or(MethodFilter::POST).or(MethodFilter::PUT).or(MethodFilter::PATCH).or(MethodFilter::DELETE);
        self.add("connectGpuInstance", "GET", "/v1/gpu/connect/{instance_id}/{path}", false, on(methods, gpu::connect))
    }
}

async fn unknown_route(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::not_found("unknown_route", format!("Unknown request URL: {method} {}. Check the path and method.", uri.path()))
}

async fn wrong_method(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "invalid_request_error", "method_not_allowed", format!("{method} is not allowed on {}.", uri.path()))
}

/// The full router (gateway operations and `/__mock/*`) and the operation list.
pub fn router(state: Arc<AppState>) -> (Router, Vec<Operation>) {
    let t = gateway(Table { state: state.clone(), router: Router::new(), ops: Vec::new() });
    let ops = t.ops.clone();
    let listed = ops.clone();
    let router = t
        .router
        .route("/__mock/requests", axum::routing::get(mock_requests).delete(mock_clear))
        .route("/__mock/reset", axum::routing::post(mock_reset))
        .route("/__mock/routes", axum::routing::get(move || async move { Json(json!({"object": "list", "data": listed})) }))
        .route("/__mock/faults", axum::routing::get(|| async {
            Json(json!({"object": "list", "data": CATALOG.iter().map(|(n, d)| json!({"name": n, "description": d})).collect::<Vec<_>>()}))
        }))
        .route("/__mock/health", axum::routing::get(|| async { Json(json!({"status": "ok"})) }))
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(state);
    (router, ops)
}

async fn mock_requests(State(st): State<Arc<AppState>>, axum::extract::RawQuery(raw): axum::extract::RawQuery) -> Response {
    let q = query(raw);
    let data = st.log.list(q.get("path").map(String::as_str), q.get("method").map(String::as_str));
    Json(json!({"object": "list", "data": data})).into_response()
}

async fn mock_clear(State(st): State<Arc<AppState>>) -> StatusCode {
    st.log.clear();
    StatusCode::NO_CONTENT
}

async fn mock_reset(State(st): State<Arc<AppState>>) -> StatusCode {
    st.reset();
    StatusCode::NO_CONTENT
}
