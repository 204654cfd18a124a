//! `POST /v1/audio/transcriptions`: a multipart upload (parsed for real) or JSON with
//! `file_url`; audio longer than five minutes becomes a job.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Extension;
use bytes::Bytes;
use serde_json::{json, Map, Value};

use super::{lookup, ok, Res};
use crate::catalog::TRANSCRIPTIONS;
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::multipart;
use crate::state::AppState;
use crate::validate::{self, opt, req, Ty};
use crate::jobs;

/// Longer audio goes to the job system, as on the gateway.
const LONG_SECONDS: f64 = 300.0;
/// Upload size is read as 16 kHz 16-bit mono to estimate the audio's length.
const BYTES_PER_SECOND: f64 = 32_000.0;

const FORMATS: &[&str] = &["json", "text", "srt", "verbose_json", "vtt"];

const JSON_FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("file_url", Ty::Str),
    opt("diarize", Ty::Bool),
    opt("smart_format", Ty::Bool),
    opt("language", Ty::Str),
    opt("response_format", Ty::Str).one_of(FORMATS),
];

struct Request {
    model: &'static crate::catalog::Model,
    source: String,
    seconds: f64,
    format: String,
    language: String,
    words: bool,
    translate: bool,
    diarize: bool,
}

fn bool_text(name: &str, v: &str) -> Result<bool, ApiError> {
    match v {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::invalid(name, "invalid_value", format!("Invalid value for '{name}': '{v}'; expected true or false."))),
    }
}

async fn from_multipart(ct: &str, body: Bytes, ctx: &Ctx) -> Result<Request, ApiError> {
    let parts = multipart::parse(ct, body).await?;
    let text = |name: &str| parts.iter().find(|p| p.name == name && p.filename.is_none()).and_then(|p| p.text()).map(str::to_string);
    let model_id = text("model").ok_or_else(|| ApiError::missing("model"))?;
    let model = lookup(&model_id, TRANSCRIPTIONS)?;
    let file = parts.iter().find(|p| p.name == "file").ok_or_else(|| ApiError::missing("file"))?;
    if file.data.is_empty() {
        return Err(ApiError::invalid("file", "invalid_value", "The uploaded 'file' is empty."));
    }
    let filename = file.filename.clone().unwrap_or_else(|| "upload".into());
    let format = text("response_format").unwrap_or_else(|| "json".into());
    if !FORMATS.contains(&format.as_str()) {
        return Err(ApiError::invalid("response_format", "invalid_value", format!("Invalid value for 'response_format': '{format}'. Supported values are: {}.", FORMATS.join(", "))));
    }
    // Both `timestamp_granularities=word,segment` and OpenAI's `timestamp_granularities[]` fields.
    let grains: Vec<String> = parts
        .iter()
        .filter(|p| p.name.starts_with("timestamp_granularities"))
        .filter_map(|p| p.text())
        .flat_map(|s| s.split(',').map(|x| x.trim().to_string()).collect::<Vec<_>>())
        .collect();
    let translate = text("translate").map(|v| bool_text("translate", &v)).transpose()?.unwrap_or(false);
    Ok(Request {
        model,
        source: format!("{filename} ({} bytes, {})", file.data.len(), file.content_type.clone().unwrap_or_else(|| "application/octet-stream".into())),
        seconds: ctx.audio_seconds.unwrap_or(file.data.len() as f64 / BYTES_PER_SECOND),
        format,
        language: text("language").unwrap_or_else(|| "en".into()),
        words: grains.iter().any(|g| g == "word"),
        translate,
        diarize: false,
    })
}

fn from_json(body: &[u8], ctx: &Ctx) -> Result<Request, ApiError> {
    let b = validate::body(body, JSON_FIELDS)?;
    let model = super::model_for(&b, TRANSCRIPTIONS)?;
    let url = validate::str_field(&b, "file_url").unwrap_or_default();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ApiError::invalid("file_url", "invalid_value", format!("'file_url' must be a public http(s) URL, got `{url}`.")));
    }
    Ok(Request {
        model,
        source: url.to_string(),
        seconds: ctx.audio_seconds.unwrap_or(42.0),
        format: validate::str_field(&b, "response_format").unwrap_or("json").to_string(),
        language: validate::str_field(&b, "language").unwrap_or("en").to_string(),
        words: false,
        translate: false,
        diarize: validate::bool_field(&b, "diarize").unwrap_or(false),
    })
}

fn transcript(r: &Request) -> Value {
    let text = format!("Transcript of {}. Hello from the EmpirioLabs mock gateway.", r.source);
    let seg_len = r.seconds.max(1.0) / 2.0;
    let mut segments = vec![
        json!({"id": 0, "start": 0.0, "end": seg_len, "text": format!("Transcript of {}.", r.source)}),
        json!({"id": 1, "start": seg_len, "end": r.seconds.max(1.0), "text": "Hello from the EmpirioLabs mock gateway."}),
    ];
    if r.diarize {
        for (i, s) in segments.iter_mut().enumerate() {
            s["speaker"] = json!(i % 2);
        }
    }
    let mut v = Map::new();
    v.insert("text".into(), json!(text));
    v.insert("language".into(), json!(r.language));
    v.insert("duration".into(), json!(r.seconds));
    v.insert("segments".into(), json!(segments));
    if r.format == "verbose_json" {
        v.insert("task".into(), json!(if r.translate { "translate" } else { "transcribe" }));
        if r.words {
            let words: Vec<Value> = text.split_whitespace().enumerate().map(|(i, w)| json!({"word": w, "start": i as f64 * 0.3, "end": i as f64 * 0.3 + 0.25})).collect();
            v.insert("words".into(), json!(words));
        }
    }
    v.insert("usage".into(), json!({"type": "duration", "seconds": r.seconds, "cost_usd": r.model.cost(0, r.seconds)}));
    Value::Object(v)
}

fn timestamp(t: f64, sep: char) -> String {
    let ms = (t * 1000.0).round() as u64;
    format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// Subtitles (`srt`, `vtt`) or plain `text`, as OpenAI returns them.
fn as_text(format: &str, t: &Value) -> String {
    let segs = t["segments"].as_array().cloned().unwrap_or_default();
    let cue = |s: &Value, sep| format!("{} --> {}\n{}\n", timestamp(s["start"].as_f64().unwrap_or(0.0), sep), timestamp(s["end"].as_f64().unwrap_or(0.0), sep), s["text"].as_str().unwrap_or(""));
    match format {
        "srt" => segs.iter().enumerate().map(|(i, s)| format!("{}\n{}", i + 1, cue(s, ','))).collect::<Vec<_>>().join("\n"),
        "vtt" => format!("WEBVTT\n\n{}", segs.iter().map(|s| cue(s, '.')).collect::<Vec<_>>().join("\n")),
        _ => format!("{}\n", t["text"].as_str().unwrap_or("")),
    }
}

pub async fn create(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, headers: HeaderMap, body: Bytes) -> Res {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let r = if multipart::is_multipart(ct) {
        from_multipart(ct, body, &ctx).await?
    } else if ct.starts_with("application/json") || ct.is_empty() {
        from_json(&body, &ctx)?
    } else {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "invalid_request_error", "unsupported_content_type", format!("Send `multipart/form-data` with a `file`, or JSON with `file_url`; got `{ct}`.")));
    };
    let t = transcript(&r);
    if r.seconds > LONG_SECONDS {
        return Ok(jobs::accept(&st, &ctx, StatusCode::OK, r.model.id, t));
    }
    match r.format.as_str() {
        "json" | "verbose_json" => ok(t),
        f => Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], as_text(f, &t)).into_response()),
    }
}
