//! GPU Cloud: the public catalog, instances that boot (provisioning → loading → running),
//! stop, start, refresh and are destroyed, and `/v1/gpu/connect/{id}/{path}`, which reaches the
//! instance's OpenAI-compatible server (chat completions, models) or echoes any other call.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Extension;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{ok, Res};
use crate::catalog;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::state::AppState;
use crate::validate::{self, opt, req, Ty};
use crate::ids;

/// A GPU type of the public catalog.
struct GpuType {
    slug: &'static str,
    name: &'static str,
    vram_gb: u32,
    /// USD per GPU-hour.
    price: f64,
    available: u32,
    max_gpus: u32,
    regions: &'static [&'static str],
}

const fn t(slug: &'static str, name: &'static str, vram_gb: u32, price: f64, available: u32, regions: &'static [&'static str]) -> GpuType {
    GpuType { slug, name, vram_gb, price, available, max_gpus: 8, regions }
}

const TYPES: &[GpuType] = &[
    t("rtx-4090", "RTX 4090", 24, 0.65, 21, &["us-east", "eu-west"]),
    t("l40s", "L40S", 48, 1.10, 12, &["us-east"]),
    t("a100-80gb", "A100 80GB", 80, 1.89, 6, &["us-east", "us-west"]),
    t("h100-nvl", "H100 NVL", 94, 5.60, 4, &["us-west"]),
    t("b200", "B200", 192, 6.50, 0, &["us-east"]),
];

fn gpu_type(slug: &str) -> Option<&'static GpuType> {
    TYPES.iter().find(|t| t.slug == slug)
}

impl GpuType {
    fn to_json(&self) -> Value {
        json!({
            "slug": self.slug, "name": self.name, "vram_gb": self.vram_gb, "price_hourly": self.price,
            "available": self.available > 0, "available_count": self.available, "max_gpus": self.max_gpus, "regions": self.regions,
        })
    }
}

pub async fn catalog_list() -> Res {
    ok(json!({"object": "list", "data": TYPES.iter().map(GpuType::to_json).collect::<Vec<_>>()}))
}

pub async fn catalog_get(Path(slug): Path<String>) -> Res {
    let t = gpu_type(&slug).ok_or_else(|| ApiError::not_found("gpu_type_not_found", format!("No GPU type `{slug}`.")).with_param("slug"))?;
    ok(t.to_json())
}

#[derive(Clone, Debug)]
pub struct GpuInstance {
    id: String,
    slug: &'static str,
    display: &'static str,
    num_gpus: u64,
    image: Option<String>,
    label: Option<String>,
    disk_gb: u64,
    price: f64,
    served_model: Option<String>,
    created_at: DateTime<Utc>,
    booted: Instant,
    boot: std::time::Duration,
    stopped: bool,
    billed_before: f64,
}

impl GpuInstance {
    fn status(&self, now: Instant) -> &'static str {
        let e = now.duration_since(self.booted);
        if self.stopped {
            "stopped"
        } else if e < self.boot / 2 {
            "provisioning"
        } else if e < self.boot {
            "loading"
        } else {
            "running"
        }
    }

    fn running_since(&self) -> Instant {
        self.booted + self.boot
    }

    fn billed(&self, now: Instant) -> f64 {
        let live = if self.status(now) == "running" { now.duration_since(self.running_since()).as_secs_f64() } else { 0.0 };
        ((self.billed_before + live / 3600.0 * self.price * self.num_gpus as f64) * 1e6).round() / 1e6
    }

    fn to_json(&self, now: Instant) -> Value {
        let running = self.status(now) == "running";
        json!({
            "id": self.id, "status": self.status(now), "gpu_slug": self.slug, "gpu_display": self.display,
            "num_gpus": self.num_gpus, "image": self.image, "label": self.label, "disk_gb": self.disk_gb,
            "price_hourly": self.price * self.num_gpus as f64,
            "connect_path": format!("/v1/gpu/connect/{}/v1", self.id),
            "billed_amount": self.billed(now),
            "created_at": ids::rfc3339(self.created_at),
            "started_at": if running { json!(ids::rfc3339(self.created_at + chrono::Duration::from_std(self.boot).unwrap_or_default())) } else { Value::Null },
            "error": null,
        })
    }
}

const DEPLOY_FIELDS: &[validate::F] = &[
    req("gpu_slug", Ty::Str),
    opt("mode", Ty::Str).one_of(&["model", "template", "custom"]),
    opt("hf_id", Ty::Str),
    opt("template_slug", Ty::Str),
    opt("image", Ty::Str),
    opt("ports", Ty::Arr),
    opt("env", Ty::Obj),
    opt("num_gpus", Ty::Int),
    opt("disk_gb", Ty::Int),
    opt("name", Ty::Str),
];

fn unprocessable(param: &str, message: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request_error", "invalid_gpu_settings", message).with_param(param)
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found("instance_not_found", format!("No GPU Cloud instance `{id}`.")).with_param("instance_id")
}

pub async fn list(State(st): State<Arc<AppState>>) -> Res {
    let now = Instant::now();
    let gpus = st.gpus.lock().unwrap();
    let mut all: Vec<&GpuInstance> = gpus.values().collect();
    all.sort_by(|a, b| a.id.cmp(&b.id));
    ok(json!({"instances": all.iter().map(|g| g.to_json(now)).collect::<Vec<_>>()}))
}

pub async fn deploy(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, DEPLOY_FIELDS)?;
    let slug = validate::str_field(&b, "gpu_slug").unwrap_or_default();
    let t = gpu_type(slug).ok_or_else(|| ApiError::not_found("gpu_type_not_found", format!("No GPU type `{slug}` in the catalog.")).with_param("gpu_slug"))?;
    let num = validate::u64_field(&b, "num_gpus").unwrap_or(1);
    if !(1..=64).contains(&num) {
        return Err(unprocessable("num_gpus", format!("'num_gpus' must be between 1 and 64; got {num}.")));
    }
    let disk = validate::u64_field(&b, "disk_gb").unwrap_or(150);
    if !(100..=300).contains(&disk) {
        return Err(unprocessable("disk_gb", format!("'disk_gb' must be between 100 and 300; got {disk}.")));
    }
    let mode = validate::str_field(&b, "mode").unwrap_or("model");
    let served_model = match mode {
        "model" => Some(
            validate::str_field(&b, "hf_id")
                .or(validate::str_field(&b, "template_slug"))
                .ok_or_else(|| unprocessable("hf_id", "Mode `model` needs `hf_id` (a Hugging Face repo) or `template_slug`.".into()))?
                .to_string(),
        ),
        "template" => {
            validate::str_field(&b, "template_slug").ok_or_else(|| unprocessable("template_slug", "Mode `template` needs `template_slug`.".into()))?;
            None
        }
        _ => {
            validate::str_field(&b, "image").ok_or_else(|| unprocessable("image", "Mode `custom` needs a Docker `image`.".into()))?;
            None
        }
    };
    if num > t.max_gpus as u64 || num > t.available as u64 {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict_error",
            "capacity_unavailable",
            format!("Not enough `{}` capacity: asked for {num}, {} available (at most {} per instance).", t.slug, t.available, t.max_gpus),
        )
        .with_param("num_gpus"));
    }
    let inst = GpuInstance {
        id: ids::new_id("gpu_inst"),
        slug: t.slug,
        display: t.name,
        num_gpus: num,
        image: validate::str_field(&b, "image").map(str::to_string).or(Some("vllm/vllm-openai:latest".into()).filter(|_| mode == "model")),
        label: validate::str_field(&b, "name").map(str::to_string),
        disk_gb: disk,
        price: t.price,
        served_model,
        created_at: Utc::now(),
        booted: Instant::now(),
        boot: ctx.job_duration,
        stopped: false,
        billed_before: 0.0,
    };
    let v = inst.to_json(Instant::now());
    st.gpus.lock().unwrap().insert(inst.id.clone(), inst);
    ok(json!({"instance": v}))
}

pub async fn get(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let gpus = st.gpus.lock().unwrap();
    let g = gpus.get(&id).ok_or_else(|| not_found(&id))?;
    ok(json!({"instance": g.to_json(Instant::now())}))
}

pub async fn destroy(State(st): State<Arc<AppState>>, Path(id): Path<String>) -> Res {
    let g = st.gpus.lock().unwrap().remove(&id).ok_or_else(|| not_found(&id))?;
    let mut v = g.to_json(Instant::now());
    v["status"] = json!("destroyed");
    ok(json!({"ok": true, "instance": v}))
}

pub async fn action(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, Path((id, action)): Path<(String, String)>) -> Res {
    let mut gpus = st.gpus.lock().unwrap();
    let g = gpus.get_mut(&id).ok_or_else(|| not_found(&id))?;
    let now = Instant::now();
    match action.as_str() {
        "stop" => {
            g.billed_before = g.billed(now);
            g.stopped = true;
        }
        "start" => {
            if g.stopped {
                g.stopped = false;
                g.booted = now;
                g.boot = ctx.job_duration;
            }
        }
        "refresh" => {}
        other => return Err(ApiError::invalid("action", "invalid_value", format!("Unknown GPU action `{other}`. Supported values are: stop, start, refresh."))),
    }
    ok(json!({"instance": g.to_json(now)}))
}

/// The service path of a connect URL exactly as it arrived: no percent-decoding, no
/// normalisation (the `{*path}` extractor would decode `%20`).
fn raw_service_path(uri: &Uri) -> &str {
    let rest = uri.path().strip_prefix("/v1/gpu/connect/").unwrap_or("");
    rest.split_once('/').map(|(_, p)| p).unwrap_or("")
}

/// True for a `.` or `..` segment, also spelled with `%2e`: it would climb out of the instance.
fn is_dot_segment(seg: &str) -> bool {
    let s = seg.to_ascii_lowercase().replace("%2e", ".");
    s == "." || s == ".."
}

/// Any method on `/v1/gpu/connect/{instance_id}/{*path}`.
pub async fn connect(
    State(st): State<Arc<AppState>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    method: Method,
    uri: Uri,
    Path((id, _decoded)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Res {
    let path = raw_service_path(&uri).to_string();
    if path.split('/').any(is_dot_segment) {
        return Err(ApiError::invalid(
            "path",
            "invalid_path",
            format!("The service path `{path}` has a `.` or `..` segment; connect paths stay on the instance."),
        ));
    }
    let served = {
        let gpus = st.gpus.lock().unwrap();
        let g = gpus.get(&id).ok_or_else(|| not_found(&id))?;
        if g.status(Instant::now()) != "running" {
            return Err(ApiError::new(StatusCode::BAD_GATEWAY, "server_error", "gpu_unreachable", format!("The GPU instance `{id}` is not reachable right now (status: {}).", g.status(Instant::now()))));
        }
        g.served_model.clone().unwrap_or_else(|| "custom-workload".into())
    };
    match (method.as_str(), path.trim_end_matches('/')) {
        ("POST", "v1/chat/completions") => {
            let b = validate::parse(&body)?;
            validate::check(&b, &[req("messages", Ty::Arr)])?;
            let model = catalog::find("qwen3-5-9b").expect("catalog has the stand-in model");
            super::chat::respond(&st, &ctx, &b, model, served)
        }
        ("GET", "v1/models") => ok(json!({"object": "list", "data": [{"id": served, "object": "model", "created": ids::unix_now(), "owned_by": "vllm"}]})),
        // A binary file a workload serves: bytes 0..=255, twice, so byte-exact handling shows.
        ("GET", p) if p.starts_with("files/") && p.ends_with(".bin") => {
            let bytes: Vec<u8> = (0..512u32).map(|i| (i % 256) as u8).collect();
            Ok(([(axum::http::header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
        }
        _ => {
            let parsed: Value = serde_json::from_slice(&body).unwrap_or_else(|_| json!(String::from_utf8_lossy(&body)));
            ok(json!({"instance_id": id, "method": method.as_str(), "path": format!("/{path}"), "query": raw, "body": if body.is_empty() { Value::Null } else { parsed }}))
        }
    }
}
