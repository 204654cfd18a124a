//! Comparing a run with its scenario: `outcome` holds what the caller saw against `expect`,
//! `request_log` holds what the mock logged against `expect_request`.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::matcher::{holds, short, subset, truncate};
use super::plain;
use super::run::Seen;
use crate::common::Mock;

/// The scenario may be rejected before the network, and the core did so.
fn failed_locally(sc: &Value, seen: &Seen) -> bool {
    let Some(e) = seen.error.as_ref() else { return false };
    match &sc["may_fail_locally"] {
        Value::Bool(true) => e.local,
        Value::String(s) if s == "config" => e.kind == "config" && e.message.contains("EMPIRIOLABS_API_KEY"),
        _ => false,
    }
}

/// Mismatches between what the caller saw and `expect`.
pub fn outcome(sc: &Value, seen: &Seen) -> Vec<String> {
    let exp = &sc["expect"];
    let want = exp["outcome"].as_str().unwrap_or_default();
    if failed_locally(sc, seen) {
        // README: such an SDK passes by raising bad_request (`InvalidRequest`) naming the same
        // param, or (`"config"`) a configuration error naming the key variable.
        let e = seen.error.as_ref().unwrap();
        if e.kind == "config" {
            return vec![];
        }
        return match exp.pointer("/error/param").and_then(Value::as_str) {
            Some(param) if e.param.as_deref() != Some(param) => vec![format!("local error: expected param {param:?}, got {:?} ({})", e.param, e.message)],
            _ => vec![],
        };
    }
    if seen.outcome != want {
        let what = match &seen.error {
            Some(e) => format!("{} — {}", Value::Object(e.fields()), e.message),
            None => format!("status {:?}", seen.status),
        };
        return vec![format!("outcome: expected {want}, got {} {what}", seen.outcome)];
    }
    let mut errs = Vec::new();
    if let Some(status) = exp.get("status").and_then(Value::as_u64) {
        if seen.status.map(u64::from) != Some(status) {
            errs.push(format!("status: expected {status}, the caller saw {:?}", seen.status));
        }
    }
    if let Some(ms) = exp.get("min_elapsed_ms").and_then(Value::as_u64) {
        if seen.elapsed < Duration::from_millis(ms) {
            errs.push(format!("elapsed: expected at least {ms} ms, got {} ms", seen.elapsed.as_millis()));
        }
    }
    if let (Some(want), Some(got)) = (exp.get("json_subset"), &seen.json) {
        errs.extend(subset(want, got, "$"));
    }
    if let Some(job) = &seen.job {
        let final_status = exp.pointer("/job/final_status").and_then(Value::as_str).unwrap_or(if want == "job" { "completed" } else { "failed" });
        if (want == "job" || seen.error.as_ref().is_some_and(|e| e.kind == "job_failed")) && job.final_status != final_status {
            errs.push(format!("job: expected {final_status}, the handle says {}", job.final_status));
        }
        if let Some(accepted) = exp.pointer("/job/accepted_subset") {
            errs.extend(subset(accepted, &job.accepted, "$accepted"));
        }
    }
    if want == "text" {
        errs.extend(text(exp, seen));
    }
    if want == "stream" {
        errs.extend(stream(&exp["stream"], seen));
    }
    if let (Some(want), Some(got)) = (exp.get("error").and_then(Value::as_object), &seen.error) {
        let fields = got.fields();
        let wrong: Vec<String> = want.iter().filter(|(k, v)| fields.get(*k) != Some(*v)).map(|(k, v)| format!("error.{k}: expected {v}, got {}", fields.get(k).unwrap_or(&Value::Null))).collect();
        if !wrong.is_empty() {
            errs.extend(wrong);
            errs.push(format!("  the core raised {} — {}", Value::Object(fields.clone()), got.message));
        }
        if got.status.is_some() && got.request_id.is_none() {
            errs.push(format!("error: it carries HTTP status {:?} but not the response's x-request-id ({})", got.status, got.message));
        }
    }
    if let Some(p) = sc.get("paginate") {
        errs.extend(pages(p, seen));
    }
    errs
}

fn text(exp: &Value, seen: &Seen) -> Vec<String> {
    let mut errs = Vec::new();
    if let Some(ct) = exp.get("content_type").and_then(Value::as_str) {
        if !seen.content_type.starts_with(ct) {
            errs.push(format!("content_type: expected {ct}, got {}", seen.content_type));
        }
    }
    if let Some(t) = exp.get("text").and_then(Value::as_str) {
        if seen.text != t {
            errs.push(format!("text: expected {t:?}, got {:?}", truncate(&seen.text, 200)));
        }
    }
    for piece in exp.get("text_contains").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
        if !seen.text.contains(piece) {
            errs.push(format!("text: {piece:?} not in {:?}", truncate(&seen.text, 200)));
        }
    }
    errs
}

fn stream(st: &Value, seen: &Seen) -> Vec<String> {
    let Some(got) = &seen.stream else { return vec!["stream: the caller got no stream".into()] };
    let mut errs = Vec::new();
    if let Some(flavor) = st.get("flavor").and_then(Value::as_str) {
        if got.flavor != flavor {
            errs.push(format!("stream.flavor: expected {flavor}, the core streams {}", got.flavor));
        }
    }
    let closed_early = st["closed_early"] == true;
    if got.closed_early != closed_early {
        errs.push(format!("stream.closed_early: expected {closed_early}"));
    }
    let terminated = st.get("terminated").and_then(Value::as_bool).unwrap_or(!closed_early);
    if got.terminated != terminated {
        errs.push(format!("stream.terminated: expected {terminated}, got {}", got.terminated));
    }
    let n = got.events.len() as u64;
    let min = st.get("min_events").and_then(Value::as_u64).unwrap_or(1);
    if n < min {
        errs.push(format!("stream.min_events: expected at least {min}, got {n}"));
    }
    if let Some(events) = st.get("events").and_then(Value::as_u64) {
        if n != events {
            errs.push(format!("stream.events: expected {events}, got {n}"));
        }
    }
    if let Some(t) = st.get("text").and_then(Value::as_str) {
        if got.text != t {
            errs.push(format!("stream.text: expected {t:?}, got {:?}", truncate(&got.text, 200)));
        }
    }
    if let Some(bytes) = st.get("audio_bytes").and_then(Value::as_u64) {
        if got.audio_bytes as u64 != bytes {
            errs.push(format!("stream.audio_bytes: expected {bytes}, got {}", got.audio_bytes));
        }
    }
    if let Some(types) = st.get("event_types").and_then(Value::as_array) {
        // In this order, not necessarily adjacent.
        let mut have = got.events.iter().map(|(t, _)| t.as_deref());
        if !types.iter().all(|want| have.any(|t| t.is_some() && t == want.as_str())) {
            let seen_types: Vec<_> = got.events.iter().take(40).map(|(t, _)| t.clone().unwrap_or_default()).collect();
            errs.push(format!("stream.event_types: {} is not a subsequence of {seen_types:?}", Value::from(types.clone())));
        }
    }
    for want in st.get("events_include").and_then(Value::as_array).into_iter().flatten() {
        if !got.events.iter().any(|(_, data)| holds(want, data)) {
            errs.push(format!("stream.events_include: no event matches {}", short(want)));
        }
    }
    errs
}

fn pages(p: &Value, seen: &Seen) -> Vec<String> {
    let items_field = p["items_field"].as_str().unwrap_or("data");
    let id_field = p["id_field"].as_str().unwrap_or("id");
    let items: Vec<&Value> = seen.pages.iter().flat_map(|page| page[items_field].as_array().into_iter().flatten()).collect();
    let mut errs = Vec::new();
    if let Some(want) = p["expect_pages"].as_u64() {
        if seen.pages.len() as u64 != want {
            errs.push(format!("paginate: expected {want} pages, got {}", seen.pages.len()));
        }
    }
    if let Some(want) = p["expect_items"].as_u64() {
        if items.len() as u64 != want {
            errs.push(format!("paginate: expected {want} items, got {}", items.len()));
        }
    }
    let mut ids: Vec<String> = items.iter().map(|i| i[id_field].to_string()).collect();
    ids.sort();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        errs.push("paginate: an item appears on two pages".into());
    }
    errs
}

/// `auth` of `expect_request` as the mock's `{"scheme", "valid"}` summary must show it.
fn auth_expected(name: &str) -> Value {
    match name {
        "x-api-key" => json!({"scheme": "x-api-key", "valid": true}),
        "invalid" => json!({"valid": false}),
        "none" => json!({"scheme": null, "valid": false}),
        _ => json!({"scheme": "bearer", "valid": true}),
    }
}

/// Mismatches between `expect_request` and the mock's log of the scenario's own call.
pub async fn request_log(sc: &Value, seen: &Seen, mock: &Mock, baseline: u64) -> Vec<String> {
    let entries = super::entries_after(mock, baseline).await;
    let want = &sc["expect_request"];
    let mine: Vec<&Value> = entries.iter().filter(|e| e["method"] == want["method"] && e["path"] == want["path"]).collect();
    if failed_locally(sc, seen) {
        return match entries.len() {
            0 => vec![],
            n => vec![format!("request log: the core rejected the call locally yet {n} requests reached the mock")],
        };
    }
    // The core does not count attempts; the mock's log is the count.
    let attempts = sc["expect"].get("attempts").or_else(|| sc.pointer("/paginate/expect_pages")).and_then(Value::as_u64).unwrap_or(1);
    if mine.len() as u64 != attempts {
        let logged: Vec<String> = entries.iter().map(|e| format!("{} {} → {}", plain(&e["method"]), plain(&e["path"]), e["status"])).collect();
        return vec![format!("attempts: expected {attempts} {} {}, the mock logged {}: {logged:?}", plain(&want["method"]), plain(&want["path"]), mine.len())];
    }
    let mut errs = Vec::new();
    for (n, e) in mine.iter().enumerate() {
        errs.extend(one_request(want, e).into_iter().map(|m| format!("request {}: {m}", n + 1)));
    }
    let last = mine[mine.len() - 1];
    let logged = last["status"].as_u64();
    match &seen.error {
        None if logged != seen.status.map(u64::from) => errs.push(format!("request log: last status {logged:?}, the caller saw {:?}", seen.status)),
        Some(e) if !matches!(e.kind, "timeout" | "connection" | "job_failed" | "job_expired") && logged != e.status.map(u64::from) => {
            errs.push(format!("request log: last status {logged:?}, the caller's error has {:?}", e.status));
        }
        _ => {}
    }
    if let Some(record) = want.get("stream") {
        errs.extend(stream_record(record, last["seq"].as_u64(), mock, baseline).await);
    }
    if let Some(p) = sc.get("paginate") {
        let cursor_param = p["cursor_param"].as_str().unwrap_or("before");
        let cursor_field = p["cursor_field"].as_str().unwrap_or("next_cursor");
        for (n, e) in mine.iter().enumerate().skip(1) {
            let previous = seen.pages.get(n - 1).map(|page| json!([page[cursor_field]]));
            if previous.as_ref() != e["query"].get(cursor_param) {
                errs.push(format!("page {}: {cursor_param}={}, expected the previous {cursor_field}", n + 1, e["query"][cursor_param]));
            }
        }
    }
    if let Some(job) = &seen.job {
        let path = format!("/v1/jobs/{}", job.id);
        let polls: Vec<&Value> = entries.iter().filter(|e| e["method"] == "GET" && e["path"] == path.as_str()).collect();
        if polls.is_empty() || polls.iter().any(|e| e["auth"]["valid"] != true) {
            errs.push(format!("request log: the job {} was not polled with the key", job.id));
        }
    }
    errs
}

fn one_request(want: &Value, e: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    for (k, v) in want.get("query").and_then(Value::as_object).into_iter().flatten() {
        // The log keeps every value of a parameter, in order.
        let values: Value = v.as_array().map_or(std::slice::from_ref(v), Vec::as_slice).iter().map(|x| Value::String(plain(x))).collect();
        if e["query"].get(k) != Some(&values) {
            errs.push(format!("query {k}={}, expected {values}", e["query"][k]));
        }
    }
    for (k, v) in want.get("headers").and_then(Value::as_object).into_iter().flatten() {
        let v = plain(v);
        let got = e["headers"][k].as_str();
        if !got.is_some_and(|g| g == v || g.starts_with(&format!("{v};"))) {
            errs.push(format!("header {k}: {got:?}, expected {v:?}"));
        }
    }
    if let Some(body) = want.get("body_subset") {
        errs.extend(subset(body, &e["body"], "$body"));
    }
    if want["body_absent"] == true && !e["body"].is_null() {
        errs.push(format!("expected no body, got {}", short(&e["body"])));
    }
    if let Some(form) = want.get("multipart") {
        let parts: Vec<&Value> = e["body"]["multipart"].as_array().into_iter().flatten().collect();
        let part = |name: &str| parts.iter().find(|p| p["name"] == name).copied();
        for (name, value) in form.get("fields").and_then(Value::as_object).into_iter().flatten() {
            let got = part(name).map(|p| &p["value"]);
            if got.and_then(Value::as_str) != Some(plain(value).as_str()) {
                errs.push(format!("multipart field {name}: {got:?}, expected {value}"));
            }
        }
        for (name, file) in form.get("files").and_then(Value::as_object).into_iter().flatten() {
            let got = part(name).map(|p| json!({"filename": p["filename"], "content_type": p["content_type"], "size": p["size"]}));
            if got.as_ref() != Some(file) {
                errs.push(format!("multipart file {name}: {got:?}, expected {file}"));
            }
        }
    }
    let auth = want.get("auth").and_then(Value::as_str).unwrap_or("bearer");
    if !holds(&auth_expected(auth), &e["auth"]) {
        errs.push(format!("auth {}, expected {auth}", e["auth"]));
    }
    errs
}

/// The mock writes a stream's record when it drops the body, just after the last byte, so the
/// log is read again for up to 2 s.
async fn stream_record(want: &Value, seq: Option<u64>, mock: &Mock, baseline: u64) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let entries = super::entries_after(mock, baseline).await;
        let record = entries.iter().find(|e| e["seq"].as_u64() == seq).map_or(Value::Null, |e| e["stream"].clone());
        let problems = subset(want, &record, "$stream");
        if problems.is_empty() || Instant::now() > deadline {
            return problems.into_iter().map(|m| format!("request log: {m}")).collect();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
