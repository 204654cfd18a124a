//! The accept loop. Each request passes a wrapper before the router: its body is read and
//! logged, its context (request id, fault, knobs) is attached, `connection_close` drops the
//! connection before any header, `slow_first_byte` waits, and body faults rewrite the answer.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::fault::Fault;
use crate::options::Options;
use crate::state::AppState;

/// A bound, not yet serving, mock gateway.
pub struct Bound {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    listener: TcpListener,
    router: Router,
}

pub async fn bind(opts: Options) -> io::Result<Bound> {
    let listener = TcpListener::bind((opts.host, opts.port)).await?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState::new(opts));
    let (router, _) = crate::app::router(state.clone());
    Ok(Bound { addr, state, listener, router })
}

impl Bound {
    /// Serves until `shutdown` completes.
    pub async fn serve(self, shutdown: impl Future<Output = ()>) {
        let router = self.router;
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                accepted = self.listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let _ = stream.set_nodelay(true);
                    let state = self.state.clone();
                    let router = router.clone();
                    tokio::spawn(async move {
                        let svc = hyper::service::service_fn(move |req| handle(state.clone(), router.clone(), req));
                        let _ = auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), svc).await;
                    });
                }
            }
        }
    }
}

async fn handle(state: Arc<AppState>, router: Router, req: Request<Incoming>) -> Result<Response, io::Error> {
    let (parts, body) = req.into_parts();
    let bytes = body.collect().await.map_err(io::Error::other)?.to_bytes();
    let path = parts.uri.path().to_string();
    let target = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| path.clone());
    if path.starts_with("/__mock/") {
        return Ok(router.oneshot(Request::from_parts(parts, Body::from(bytes))).await.unwrap_or_else(|e| match e {}));
    }
    let method = parts.method.to_string();
    let seq = state.log.next_seq();
    state.log.record(seq, &method, &path, parts.uri.query(), &parts.headers, &bytes, &state.opts.api_key).await;
    let mut parts = parts;
    let parts_path_is_messages = matches!(path.as_str(), "/v1/messages" | "/messages");
    if !path.starts_with("/v1/") {
        // The API reference points OpenAI SDKs at the bare host, so `/chat/completions` arrives
        // without the `/v1` prefix; the gateway serves both spellings.
        let pq = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        if let Ok(uri) = format!("/v1{pq}").parse() {
            parts.uri = uri;
        }
    }
    let request_id = crate::ids::new_id("req");

    let resp = match Ctx::from_request(&state, &parts.headers, &method, &path, &target, request_id.clone(), seq) {
        Err(e) => e.into_response(),
        Ok(ctx) => {
            match &ctx.fault {
                Some(Fault::ConnectionClose) => {
                    state.log.set_status(seq, 0);
                    return Err(io::Error::new(io::ErrorKind::ConnectionAborted, "mock fault: connection_close"));
                }
                Some(Fault::SlowFirstByte(d)) => tokio::time::sleep(*d).await,
                _ => {}
            }
            let ctx = Arc::new(ctx);
            let mut req = Request::from_parts(parts, Body::from(bytes));
            req.extensions_mut().insert(ctx.clone());
            let resp = router.oneshot(req).await.unwrap_or_else(|e| match e {});
            rewrite_body(resp, &ctx).await
        }
    };
    // Errors raised here, outside the router (bad mock headers, refused faults), take the
    // Anthropic envelope on /v1/messages like every other error there.
    let mut resp = if parts_path_is_messages { crate::errors::to_anthropic(resp) } else { resp };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v.clone());
        resp.headers_mut().insert("request-id", v);
    }
    state.log.set_status(seq, resp.status().as_u16());
    Ok(resp)
}

fn is_json(resp: &Response) -> bool {
    resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("application/json"))
}

fn is_sse(resp: &Response) -> bool {
    resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("text/event-stream"))
}

/// Applies `invalid_json` and `oversized_body` to successful JSON answers, and refuses a stream
/// fault on a request that did not stream.
async fn rewrite_body(resp: Response, ctx: &Ctx) -> Response {
    let Some(fault) = &ctx.fault else { return resp };
    if !resp.status().is_success() || is_sse(&resp) {
        return resp;
    }
    if fault.needs_stream() {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "mock_fault_not_applicable",
            "This mock fault breaks streams; send the request with `stream: true` (or to a streaming endpoint).",
        )
        .with_param("x-mock-fault")
        .into_response();
    }
    if !is_json(&resp) || !matches!(fault, Fault::InvalidJson { .. } | Fault::Oversized { .. }) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
    let new = match fault {
        Fault::InvalidJson { .. } => bytes.slice(..(bytes.len() / 2).max(1)),
        Fault::Oversized { size: n, .. } => {
            let mut v = Vec::with_capacity(bytes.len() + n + 16);
            v.extend_from_slice(b"{\"padding\":\"");
            v.resize(v.len() + n, b'x');
            v.extend_from_slice(b"\",");
            v.extend_from_slice(&bytes[1..]);
            v.into()
        }
        _ => unreachable!("matched above"),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(new))
}
