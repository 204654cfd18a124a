//! Audio: `POST /v1/audio/speech` (hosted URL or inline bytes), `POST /v1/audio/speech:stream`
//! (`audio.chunk` / `audio.timestamps` / `audio.done` events), `GET /v1/voices`, and
//! `POST /v1/audio/generations` (a job past 60 seconds of audio).

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::Extension;
use base64::Engine;
use bytes::Bytes;
use serde_json::{json, Value};

use super::{model_for, ok, query, Res};
use crate::catalog::{AUDIO_GEN, SPEECH, SPEECH_STREAM};
use crate::ctx::Ctx;
use crate::errors::ApiError;
use crate::sse::{self, Event, Flavor};
use crate::state::AppState;
use crate::validate::{self, opt, req, Ty};
use crate::{ids, jobs};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Bytes of audio in each streamed chunk (10 ms of 24 kHz 16-bit mono).
pub const CHUNK_BYTES: usize = 480;

/// The deterministic audio of chunk `seq`, so a client can check what it reassembled.
pub fn chunk_audio(seq: usize) -> Vec<u8> {
    (0..CHUNK_BYTES).map(|i| ((seq * 31 + i) % 251) as u8).collect()
}

const SPEECH_FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    opt("input", Ty::Str),
    opt("prompt", Ty::Str),
    opt("voice", Ty::Str),
    opt("output_format", Ty::Str),
    opt("response_format", Ty::Str),
    opt("duration", Ty::Int).range(1.0, 600.0),
];

pub async fn speech(body: Bytes) -> Res {
    let b = validate::body(&body, SPEECH_FIELDS)?;
    let model = model_for(&b, SPEECH)?;
    let text = validate::str_field(&b, "input").or(validate::str_field(&b, "prompt")).ok_or_else(|| ApiError::missing("input"))?;
    let format = validate::str_field(&b, "output_format").unwrap_or("mp3").to_lowercase();
    let seconds = validate::u64_field(&b, "duration").map(|d| d as f64).unwrap_or(((text.len() as f64) / 15.0).max(1.0));
    let mut item = json!({"duration": seconds, "format": format});
    if validate::str_field(&b, "response_format") == Some("b64_json") {
        item["b64_json"] = json!(B64.encode(chunk_audio(0)));
    } else {
        item["url"] = json!(super::media_url(&ids::new_id("aud"), &format!("speech.{format}")));
    }
    let units = if model.id.contains("tts") { text.chars().count() as f64 } else { seconds };
    ok(json!({"data": [item], "usage": {"processed_characters": text.chars().count(), "cost_usd": model.cost(0, units)}}))
}

const STREAM_FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    req("input", Ty::Str),
    opt("voice", Ty::Str),
    opt("voice_id", Ty::Str),
    opt("language", Ty::Str),
    opt("output_format", Ty::Str).one_of(&["WAV", "MP3", "OGG_OPUS", "FLAC", "PCM"]),
    opt("speed", Ty::Num).range(0.25, 4.0),
    opt("temperature", Ty::Num).range(0.0, 2.0),
    opt("timestamp_type", Ty::Str).one_of(&["NONE", "WORD", "CHARACTER"]),
];

const SAMPLE_RATES: &[&str] = &["8000", "16000", "22050", "24000", "32000", "44100", "48000"];

pub async fn speech_stream(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, STREAM_FIELDS)?;
    let model = model_for(&b, SPEECH_STREAM)?;
    let input = validate::str_field(&b, "input").unwrap_or_default().to_string();
    if input.chars().count() > 3000 {
        return Err(ApiError::invalid("input", "invalid_value", format!("'input' has {} characters; at most 3000 are allowed per request.", input.chars().count())));
    }
    let sample_rate = match b.get("sample_rate") {
        None => 24000,
        Some(v) => {
            let s = v.as_str().map(str::to_string).or(v.as_u64().map(|n| n.to_string())).unwrap_or_default();
            if !SAMPLE_RATES.contains(&s.as_str()) {
                return Err(ApiError::invalid("sample_rate", "invalid_value", format!("Invalid value for 'sample_rate': '{v}'. Supported values are: {}.", SAMPLE_RATES.join(", "))));
            }
            s.parse::<u64>().unwrap_or(24000)
        }
    };
    let format = validate::str_field(&b, "output_format").unwrap_or("WAV").to_lowercase();
    let stamps = validate::str_field(&b, "timestamp_type").unwrap_or("NONE").to_uppercase();
    let words: Vec<String> = input.split_whitespace().map(str::to_string).collect();
    let chunks = ctx.stream_tokens.unwrap_or(words.len().max(1));
    let chars = input.chars().count();
    let ms_per_chunk = 10.0;
    let duration = chunks as f64 * ms_per_chunk / 1000.0;

    let fmt = format.clone();
    let body = (0..chunks).map(move |seq| {
        Event::json(&json!({
            "type": "audio.chunk", "seq": seq, "audio_b64": B64.encode(chunk_audio(seq)),
            "format": fmt, "sample_rate": sample_rate, "elapsed_ms": 118 + seq * 10,
        }))
    });
    let mut tail = Vec::new();
    if stamps != "NONE" {
        let info = if stamps == "WORD" {
            json!({"words": words.iter().enumerate().map(|(i, w)| json!({"text": w, "start_ms": i * 300 + 120, "end_ms": i * 300 + 400})).collect::<Vec<_>>()})
        } else {
            json!({"characters": input.chars().enumerate().map(|(i, c)| json!({"text": c.to_string(), "start_ms": i * 60 + 120, "end_ms": i * 60 + 170})).collect::<Vec<_>>()})
        };
        tail.push(Event::json(&json!({"type": "audio.timestamps", "seq": chunks, "timestamp_info": info})));
    }
    tail.push(Event::json(&json!({
        "type": "audio.done",
        "url": super::media_url(&ids::new_id("aud"), &format!("speech.{format}")),
        "duration_seconds": duration,
        "usage": {"processed_characters": chars, "cost_usd": model.cost(0, chars as f64)},
    })));
    tail.push(Event::done());
    let len = chunks + tail.len();
    Ok(sse::respond(&st, &ctx, Flavor::Typed("audio.error"), len, body.chain(tail)))
}

/// A TTS voice and the models that speak it.
struct Voice {
    id: &'static str,
    languages: &'static [&'static str],
    gender: &'static str,
    models: &'static [&'static str],
}

const INWORLD: &[&str] = &["tts-1-5-mini", "tts-1-5-max"];

const VOICES: &[Voice] = &[
    Voice { id: "Sarah", languages: &["en-US"], gender: "female", models: INWORLD },
    Voice { id: "Ashley", languages: &["en-US"], gender: "female", models: INWORLD },
    Voice { id: "Dennis", languages: &["en-US"], gender: "male", models: INWORLD },
    Voice { id: "Hades", languages: &["en-GB"], gender: "male", models: &["tts-1-5-max"] },
    Voice { id: "Lucia", languages: &["es-ES"], gender: "female", models: INWORLD },
    Voice { id: "Mathieu", languages: &["fr-FR"], gender: "male", models: INWORLD },
    Voice { id: "Charon", languages: &["en-US", "de-DE"], gender: "male", models: &["gemini-2-5-flash-tts"] },
    Voice { id: "Kore", languages: &["en-US", "ja-JP"], gender: "female", models: &["gemini-2-5-flash-tts"] },
];

pub async fn voices(RawQuery(q): RawQuery) -> Res {
    let q = query(q);
    if let Some(m) = q.get("model") {
        if crate::catalog::find(m).is_none() {
            return Err(ApiError::unknown_model(m));
        }
    }
    let model = q.get("model").and_then(|m| crate::catalog::find(m)).map(|m| m.id);
    let data: Vec<Value> = VOICES
        .iter()
        .filter(|v| model.is_none_or(|m| v.models.contains(&m)))
        .map(|v| {
            json!({"voice_id": v.id, "name": v.id, "languages": v.languages, "gender": v.gender, "preview_url": format!("https://media.empiriolabs.ai/voices/{}.mp3", v.id)})
        })
        .collect();
    ok(json!({"object": "list", "data": data}))
}

const GEN_FIELDS: &[validate::F] = &[
    req("model", Ty::Str),
    opt("prompt", Ty::Str),
    opt("input", Ty::Str),
    opt("duration", Ty::Num).range(0.5, 600.0),
    opt("steps", Ty::Int).range(1.0, 200.0),
    opt("cfg_scale", Ty::Num).range(0.0, 30.0),
    opt("seed", Ty::Int),
    opt("output_format", Ty::Str).one_of(&["mp3", "wav", "flac", "ogg"]),
];

pub async fn generate(State(st): State<Arc<AppState>>, Extension(ctx): Extension<Arc<Ctx>>, body: Bytes) -> Res {
    let b = validate::body(&body, GEN_FIELDS)?;
    let model = model_for(&b, AUDIO_GEN)?;
    if !b.contains_key("prompt") && !b.contains_key("input") {
        return Err(ApiError::missing("prompt"));
    }
    let seconds = b.get("duration").and_then(Value::as_f64).unwrap_or(30.0);
    let format = validate::str_field(&b, "output_format").unwrap_or("mp3");
    let result = json!({
        "data": [{"url": super::media_url(&ids::new_id("aud"), &format!("audio.{format}")), "duration": seconds, "format": format}],
        "usage": {"seconds": seconds, "cost_usd": model.cost(0, seconds)},
    });
    // Long generations run as jobs, as the gateway does past 60 s.
    if seconds > 60.0 {
        return Ok(jobs::accept(&st, &ctx, StatusCode::ACCEPTED, model.id, result));
    }
    ok(result)
}
