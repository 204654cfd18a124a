//! The request log behind `GET /__mock/requests`: what each call sent, with the key redacted,
//! what status it got, and for streams how many events went out and whether the client hung up.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use axum::http::HeaderMap;
use bytes::Bytes;
use serde::Serialize;
use serde_json::{json, Value};

use crate::multipart;

/// How much of a non-JSON body the log keeps as text.
const TEXT_LIMIT: usize = 64 * 1024;

#[derive(Clone, Debug, Serialize)]
pub struct Entry {
    pub seq: u64,
    pub received_at: String,
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, Vec<String>>,
    pub raw_query: Option<String>,
    pub headers: BTreeMap<String, String>,
    /// Which credential came, and whether it was the right one; the key itself is never kept.
    pub auth: Value,
    pub body: Value,
    pub body_size: usize,
    pub status: Option<u16>,
    pub stream: Option<StreamRecord>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct StreamRecord {
    pub events_sent: u64,
    /// True once the stream's last event went out; false while open or if the client left.
    pub completed: bool,
    /// True when the body was dropped before its end (the client closed the connection).
    pub client_closed: bool,
}

pub struct RequestLog {
    entries: Mutex<VecDeque<Entry>>,
    next: AtomicU64,
    limit: usize,
}

impl RequestLog {
    pub fn new(limit: usize) -> Self {
        RequestLog { entries: Mutex::new(VecDeque::new()), next: AtomicU64::new(1), limit: limit.max(1) }
    }

    pub fn next_seq(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn record(&self, seq: u64, method: &str, path: &str, raw_query: Option<&str>, headers: &HeaderMap, body: &Bytes, api_key: &str) {
        let entry = Entry {
            seq,
            received_at: crate::ids::now_rfc3339(),
            method: method.to_string(),
            path: path.to_string(),
            query: parse_query(raw_query),
            raw_query: raw_query.map(str::to_string),
            headers: redacted_headers(headers),
            auth: auth_summary(headers, api_key),
            body: summarize_body(headers, body).await,
            body_size: body.len(),
            status: None,
            stream: None,
        };
        let mut e = self.entries.lock().unwrap();
        e.push_back(entry);
        while e.len() > self.limit {
            e.pop_front();
        }
    }

    fn update(&self, seq: u64, f: impl FnOnce(&mut Entry)) {
        // Concurrent requests finish recording in any order, so search (newest first) by seq.
        let mut e = self.entries.lock().unwrap();
        if let Some(i) = e.iter().rposition(|x| x.seq == seq) {
            f(&mut e[i]);
        }
    }

    pub fn set_status(&self, seq: u64, status: u16) {
        self.update(seq, |e| e.status = Some(status));
    }

    pub fn set_stream(&self, seq: u64, rec: StreamRecord) {
        self.update(seq, |e| e.stream = Some(rec));
    }

    pub fn clear(&self) {
        self.entries.lock().unwrap().clear();
    }

    /// Entries in arrival order (by seq), filtered by exact path and method where given.
    pub fn list(&self, path: Option<&str>, method: Option<&str>) -> Vec<Entry> {
        let mut out: Vec<Entry> = self
            .entries
            .lock()
            .unwrap()
            .iter()
            .filter(|e| path.is_none_or(|p| e.path == p))
            .filter(|e| method.is_none_or(|m| e.method.eq_ignore_ascii_case(m)))
            .cloned()
            .collect();
        out.sort_by_key(|e| e.seq);
        out
    }
}

fn parse_query(q: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if let Some(q) = q {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).unwrap_or_default();
        for (k, v) in pairs {
            out.entry(k).or_default().push(v);
        }
    }
    out
}

fn redacted_headers(h: &HeaderMap) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in h {
        let name = k.as_str().to_string();
        let value = match name.as_str() {
            "authorization" => {
                let s = v.to_str().unwrap_or("");
                match s.split_once(' ') {
                    Some((scheme, _)) => format!("{scheme} [redacted]"),
                    None => "[redacted]".to_string(),
                }
            }
            "x-api-key" => "[redacted]".to_string(),
            _ => String::from_utf8_lossy(v.as_bytes()).into_owned(),
        };
        out.entry(name).and_modify(|e: &mut String| {
            e.push_str(", ");
            e.push_str(&value)
        }).or_insert(value);
    }
    out
}

/// `{"scheme": "bearer" | "x-api-key" | null, "valid": bool}`.
pub fn auth_summary(h: &HeaderMap, api_key: &str) -> Value {
    match crate::auth::credential(h) {
        Some((scheme, key)) => json!({"scheme": scheme, "valid": key == api_key}),
        None => json!({"scheme": null, "valid": false}),
    }
}

async fn summarize_body(h: &HeaderMap, body: &Bytes) -> Value {
    if body.is_empty() {
        return Value::Null;
    }
    let ct = h.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    if multipart::is_multipart(ct) {
        return match multipart::parse(ct, body.clone()).await {
            Ok(parts) => json!({"multipart": parts.iter().map(|p| json!({
                "name": p.name,
                "filename": p.filename,
                "content_type": p.content_type,
                "size": p.data.len(),
                "value": if p.filename.is_none() { p.text().map(Value::from).unwrap_or(Value::Null) } else { Value::Null },
            })).collect::<Vec<_>>()}),
            Err(e) => json!({"unparsed_multipart": e.message}),
        };
    }
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        return v;
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(TEXT_LIMIT)]).into_owned();
    Value::String(text)
}
