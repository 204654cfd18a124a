//! The handles bindings wrap as they are: streams (batches, close from elsewhere, sticky
//! failures, folds), cancellation tokens, progress sinks and shared pagers.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use empiriolabs::operations::id;
use empiriolabs::{CallArgs, CancellationToken, Error, JobProgress, ProgressSink, RequestOptions, WaitOptions};
use serde_json::{json, Value};

fn chat(stream: bool) -> Value {
    json!({"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "Say something"}], "stream": stream, "max_tokens": 30})
}

fn faulted(fault: &str, after: u32) -> RequestOptions {
    RequestOptions::new().header("x-mock-fault", fault).header("x-mock-fault-after", after.to_string()).header("x-mock-fault-delay-ms", "30000")
}

#[tokio::test]
async fn batches_carry_every_event_once() {
    let m = common::mock();
    let c = m.client();
    let whole = c.call(id::CREATE_CHAT_COMPLETION, CallArgs::new().json(chat(false))).await.unwrap().value().unwrap();
    let s = c.stream(id::CREATE_CHAT_COMPLETION, CallArgs::new().json(chat(true))).await.unwrap();
    let (mut text, mut batches, mut events) = (String::new(), 0, 0);
    loop {
        let batch = s.next_batch(64).await.unwrap();
        if batch.is_empty() {
            break;
        }
        batches += 1;
        events += batch.len();
        text.extend(batch.iter().filter_map(|e| e.text()));
    }
    assert_eq!(text, whole["choices"][0]["message"]["content"].as_str().unwrap());
    assert_eq!(events as u64, s.received());
    assert!(batches < events, "{batches} batches for {events} events: nothing was batched");
    assert!(s.next_batch(8).await.unwrap().is_empty(), "the end stays the end");
}

#[tokio::test]
async fn close_from_another_task_interrupts_a_pending_read() {
    let m = common::mock();
    let c = m.client();
    let args = CallArgs::new().json(chat(true)).options(faulted("stall_stream", 2));
    let s = c.stream(id::CREATE_CHAT_COMPLETION, args).await.unwrap();
    s.next().await.unwrap().unwrap();
    s.next().await.unwrap().unwrap();
    let reader = s.clone();
    let pending = tokio::spawn(async move { reader.next().await.map(|r| r.is_ok()) });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    s.close();
    assert_eq!(tokio::time::timeout(Duration::from_secs(2), pending).await.unwrap().unwrap(), None);
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(s.next().await.is_none() && s.next_batch(4).await.unwrap().is_empty());
    let closed = poll_log(&m, "/v1/chat/completions", |e| e["stream"]["client_closed"] == json!(true)).await;
    assert!(closed, "the mock saw the connection closed");
}

async fn poll_log(m: &common::Mock, path: &str, pred: impl Fn(&Value) -> bool) -> bool {
    for _ in 0..40 {
        if m.requests(Some(path)).await.iter().any(&pred) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_failure_sticks_and_clones_share_one_position() {
    let m = common::mock();
    let c = m.client();
    let s = c.stream(id::CREATE_CHAT_COMPLETION, CallArgs::new().json(chat(true)).options(faulted("stream_cut", 3))).await.unwrap();
    let twin = s.clone();
    s.next().await.unwrap().unwrap();
    twin.next().await.unwrap().unwrap();
    s.next().await.unwrap().unwrap();
    assert_eq!(s.received(), 3, "clones read one stream");
    let first = twin.next().await.unwrap().unwrap_err();
    assert_eq!(first.info().stream_kind, Some("missing_terminator"));
    for _ in 0..2 {
        assert_eq!(s.next().await.unwrap().unwrap_err().info(), first.info(), "every read after a failure returns it");
    }
    assert_eq!(s.next_batch(4).await.unwrap_err().info(), first.info());
    assert_eq!(s.final_value().await.unwrap_err().info(), first.info(), "no partial answer");
}

#[tokio::test]
async fn a_cancelled_call_ends_at_once_with_its_own_error() {
    let m = common::mock();
    let c = m.client();
    let token = CancellationToken::new();
    let opts = RequestOptions::new().header("x-mock-fault", "slow_first_byte").header("x-mock-fault-delay-ms", "5000").cancel_token(token.clone());
    let started = Instant::now();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        token.cancel();
    });
    let e = c.call(id::LIST_JOBS, CallArgs::new().options(opts)).await.unwrap_err();
    canceller.await.unwrap();
    assert!(matches!(e, Error::Cancelled) && e.info().class == "Cancelled", "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());

    // The same token reaches a stream it opened.
    let token = CancellationToken::new();
    let args = CallArgs::new().json(chat(true)).options(faulted("stall_stream", 1).cancel_token(token.clone()));
    let s = c.stream(id::CREATE_CHAT_COMPLETION, args).await.unwrap();
    s.next().await.unwrap().unwrap();
    let t = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        t.cancel();
    });
    assert!(matches!(tokio::time::timeout(Duration::from_secs(2), s.next()).await.unwrap(), Some(Err(Error::Cancelled))));
    assert!(matches!(s.next().await, Some(Err(Error::Cancelled))));
    assert!(poll_log(&m, "/v1/chat/completions", |e| e["stream"]["client_closed"] == json!(true)).await);
}

#[tokio::test]
async fn streams_fold_by_their_operation() {
    let m = common::mock();
    let c = m.client();
    let completion = c.stream(id::CREATE_COMPLETION, CallArgs::new().json(json!({"model": "qwen3-5-9b", "prompt": "Once", "stream": true}))).await.unwrap();
    let mut text = String::new();
    while let Some(ev) = completion.next().await {
        text.push_str(ev.unwrap().text().unwrap_or(""));
    }
    let folded = completion.final_value().await.unwrap().unwrap();
    assert_eq!((folded["object"].as_str(), folded["choices"][0]["text"].as_str()), (Some("text_completion"), Some(text.as_str())));

    let response = c.stream(id::CREATE_RESPONSE, CallArgs::new().json(json!({"model": "deepseek-v4-pro", "input": "hi", "stream": true}))).await.unwrap();
    let r = response.final_value().await.unwrap().unwrap();
    assert_eq!(r["status"], "completed");

    let answer = c.stream(id::CREATE_ANSWER, CallArgs::new().json(json!({"model": "exa-answer", "query": "eclipse", "stream": true}))).await.unwrap();
    let a = answer.final_value().await.unwrap().unwrap();
    assert!(a["answer"].as_str().is_some_and(|t| !t.is_empty()) && a["citations"].is_array(), "{a}");

    let speech = c.stream(id::CREATE_SPEECH_STREAM, CallArgs::new().json(json!({"model": "tts-1-5-max", "input": "Hello there, friend."}))).await.unwrap();
    let mut audio = 0;
    while let Some(ev) = speech.next().await {
        let ev = ev.unwrap();
        if ev.kind() == Some("audio.chunk") {
            audio += base64::engine::general_purpose::STANDARD.decode(ev.data()["audio_b64"].as_str().unwrap()).unwrap().len();
        }
    }
    let s = speech.final_value().await.unwrap().unwrap();
    let all = base64::engine::general_purpose::STANDARD.decode(s["audio_b64"].as_str().unwrap()).unwrap();
    assert!(audio > 0 && all.len() == audio, "{} of {audio} bytes", all.len());
    assert_eq!(speech.final_value().await.unwrap().unwrap(), s, "the fold is kept");

    let message = c
        .stream(id::CREATE_MESSAGE, CallArgs::new().json(json!({"model": "deepseek-v4-pro", "max_tokens": 20, "stream": true, "messages": [{"role": "user", "content": "hi"}]})))
        .await
        .unwrap();
    let msg = message.final_value().await.unwrap().unwrap();
    assert_eq!(msg["role"], "assistant");
}

struct Recorder(Mutex<Vec<JobProgress>>);

impl ProgressSink for Recorder {
    fn progress(&self, update: &JobProgress) {
        self.0.lock().unwrap().push(update.clone());
    }
}

#[tokio::test]
async fn a_progress_sink_receives_typed_progress() {
    let m = common::mock();
    let c = m.client();
    let job = c.videos().generate(json!({"model": "kling-o3", "prompt": "x"})).await.unwrap();
    let sink = Arc::new(Recorder(Mutex::new(Vec::new())));
    let w = WaitOptions::new().poll(Duration::from_millis(30), Duration::from_millis(60)).progress_sink(sink.clone());
    job.wait(w).await.unwrap();
    let seen = sink.0.lock().unwrap().clone();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|p| p.id == job.id() && p.status == "processing" && p.raw["job_id"] == job.id()));
    assert!(seen.iter().filter_map(|p| p.progress).all(|p| (0.0..=1.0).contains(&p)));
}

#[tokio::test]
async fn pagers_walk_by_shared_reference() {
    let m = common::mock();
    let c = m.client();
    let pager = c.account().usage().list(json!({"limit": 100})).unwrap();
    let twin = pager.clone();
    let first = pager.next_page().await.unwrap().unwrap();
    let second = twin.next_page().await.unwrap().unwrap();
    assert_ne!(first["data"][0]["id"], second["data"][0]["id"], "clones share the cursor");
    assert!(pager.has_next_page().await);
    let rest = twin.collect_all().await.unwrap();
    assert_eq!(first["data"].as_array().unwrap().len() + second["data"].as_array().unwrap().len() + rest.len(), 250);
    assert!(!pager.has_next_page().await && pager.next_page().await.is_none());
}
