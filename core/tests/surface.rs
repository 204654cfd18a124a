//! The typed surface end to end against the mock: every namespace, streams and their helpers,
//! jobs, agents, pagination, uploads, and the errors a user meets first.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use empiriolabs::resources::media::AudioSource;
use empiriolabs::types::SpeechEvent;
use empiriolabs::upload::Part;
use empiriolabs::{Client, Error, Generation, RequestOptions, StreamErrorKind, TimeoutKind, WaitOptions};
use serde_json::{json, Value};

fn quick() -> WaitOptions {
    WaitOptions::new().poll(Duration::from_millis(50), Duration::from_millis(100)).timeout(Duration::from_secs(10))
}

fn user(text: &str) -> Value {
    json!([{"role": "user", "content": text}])
}

#[tokio::test]
async fn chat_create_stream_and_accumulate() {
    let m = common::mock();
    let c = m.client();
    let r = c.chat().completions().create(json!({"model": "deepseek-v4-pro", "messages": user("Hi"), "enable_thinking": true})).await.unwrap();
    assert_eq!(r.choices[0].message.content.as_deref(), Some("Hello from the EmpirioLabs mock gateway. You said: Hi"));
    assert!(r.choices[0].message.reasoning_content.is_some());
    assert!(r.meta.request_id.as_deref().unwrap().starts_with("req_"));
    assert!(r.usage.as_ref().unwrap().cost_usd.unwrap() > 0.0);
    let sent = m.requests(Some("/v1/chat/completions")).await;
    assert_eq!(sent[0]["body"]["enable_thinking"], true, "per-model parameters pass through");

    let mut s = c.chat().completions().stream(json!({"model": "deepseek-v4-pro", "messages": user("Hi")})).await.unwrap();
    let mut text = String::new();
    while let Some(t) = s.next_text().await {
        text.push_str(&t.unwrap());
    }
    assert_eq!(text, "Hello from the EmpirioLabs mock gateway. You said: Hi");

    let tools = json!([{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]);
    let s = c.chat().completions().stream(json!({"model": "mistral-small-4", "messages": user("Weather?"), "tools": tools})).await.unwrap();
    let done = s.final_completion().await.unwrap();
    let call = &done.choices[0].message.tool_calls.as_ref().unwrap()[0];
    assert_eq!(call.function.as_ref().unwrap().arguments.as_deref(), Some("{\"city\":\"Paris\"}"));
    assert_eq!(done.choices[0].finish_reason.as_deref(), Some("tool_calls"));
}

#[tokio::test]
async fn closing_a_stream_closes_the_connection() {
    let m = common::mock();
    let c = m.client();
    let opts = RequestOptions::new().header("x-mock-stream-tokens", "5000").header("x-mock-delay-ms", "2");
    let mut s = c.chat().completions().options(opts).stream(json!({"model": "deepseek-v4-pro", "messages": user("x")})).await.unwrap();
    s.next().await.unwrap().unwrap();
    s.close();
    drop(s);
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let rec = m.requests(Some("/v1/chat/completions")).await[0]["stream"].clone();
        if rec["client_closed"] == true {
            assert!(rec["events_sent"].as_u64().unwrap() < 5000);
            break;
        }
        assert!(Instant::now() < deadline, "the mock never saw the client leave: {rec}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn stream_failures_are_typed() {
    let m = common::mock();
    let c = m.client();
    let body = json!({"model": "deepseek-v4-pro", "messages": user("x")});
    for (fault, want) in [("stream_cut", StreamErrorKind::MissingTerminator), ("stream_error_event", StreamErrorKind::ErrorEvent), ("malformed_sse", StreamErrorKind::MalformedEvent), ("stream_reset", StreamErrorKind::Interrupted)] {
        let opts = RequestOptions::new().header("x-mock-fault", fault);
        let mut s = c.chat().completions().options(opts).stream(body.clone()).await.unwrap();
        let mut got = None;
        while let Some(item) = s.next().await {
            if let Err(e) = item {
                got = Some(e);
                break;
            }
        }
        match got {
            Some(Error::Stream { kind, .. }) => assert_eq!(kind, want, "{fault}"),
            other => panic!("{fault}: expected a stream error, got {other:?}"),
        }
    }
    let opts = RequestOptions::new().header("x-mock-fault", "stall_stream").header("x-mock-fault-delay-ms", "3000").stream_idle_timeout(Duration::from_millis(300));
    let mut s = c.chat().completions().options(opts).stream(body).await.unwrap();
    let err = loop {
        match s.next().await {
            Some(Err(e)) => break e,
            Some(Ok(_)) => continue,
            None => panic!("a stalled stream ended quietly"),
        }
    };
    assert!(matches!(err, Error::Timeout { kind: TimeoutKind::StreamIdle, .. }), "{err}");
}

#[tokio::test]
async fn completions_responses_messages_embeddings_reranks() {
    let m = common::mock();
    let c = m.client();
    let r = c.completions().create(json!({"model": "qwen3-5-9b", "prompt": "Go", "max_tokens": 2})).await.unwrap();
    assert_eq!((r.choices[0].text.as_str(), r.choices[0].finish_reason.as_deref()), ("Hello from", Some("length")));
    let resp = c.responses().create(json!({"model": "deepseek-v4-pro", "input": "Tell me"})).await.unwrap();
    assert!(resp.output_text.as_deref().unwrap().ends_with("You said: Tell me"));
    let rs = c.responses().stream(json!({"model": "deepseek-v4-pro", "input": "x"})).await.unwrap();
    let mut last = None;
    while let Some(ev) = rs.next().await {
        last = Some(ev.unwrap());
    }
    assert_eq!(last.unwrap().kind(), Some("response.completed"));

    let msg = c.messages().create(json!({"model": "deepseek-v4-pro", "max_tokens": 100, "messages": user("Hi!")})).await.unwrap();
    assert_eq!(msg.stop_reason.as_deref(), Some("end_turn"));
    let sent = &m.requests(Some("/v1/messages")).await[0];
    assert_eq!(sent["headers"]["anthropic-version"], "2023-06-01");
    assert_eq!(sent["headers"]["x-api-key"], "[redacted]");
    let mut typed = c.messages().stream(json!({"model": "deepseek-v4-pro", "max_tokens": 100, "messages": user("Hi!")})).await.unwrap();
    let mut kinds = Vec::new();
    while let Some(ev) = typed.next_typed().await {
        kinds.push(std::mem::discriminant(&ev.unwrap()));
    }
    assert_eq!(kinds.first(), Some(&std::mem::discriminant(&empiriolabs::types::MessageStreamEvent::MessageStart { message: Default::default() })));
    assert_eq!(kinds.last(), Some(&std::mem::discriminant(&empiriolabs::types::MessageStreamEvent::MessageStop)));
    let s = c.messages().stream(json!({"model": "deepseek-v4-pro", "max_tokens": 100, "thinking": {"type": "enabled", "budget_tokens": 64}, "messages": user("Hi!")})).await.unwrap();
    let fin = s.final_message().await.unwrap();
    assert_eq!(fin.content.iter().map(|b| b.kind.as_str()).collect::<Vec<_>>(), ["thinking", "text"]);

    let e = c.embeddings().create(json!({"model": "text-embedding-v4", "input": ["a", "b"], "dimensions": 4})).await.unwrap();
    assert_eq!(e.data.len(), 2);
    assert_eq!(e.data[0].embedding.as_array().unwrap().len(), 4);
    let rr = c.reranks().create(json!({"model": "qwen3-rerank", "query": "rerank models", "documents": ["quantum", "rerank models sort"], "top_n": 1})).await.unwrap();
    assert_eq!(rr.output.results[0].index, 1);
}

#[tokio::test]
async fn jobs_wait_with_progress_cancel_expire_and_time_out() {
    let m = common::mock();
    let c = m.client();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let video = c
        .videos()
        .options(RequestOptions::new().header("x-mock-job-ms", "600"))
        .generate_and_wait(json!({"model": "seedance-2-0-pro", "prompt": "rain", "duration": 8}), quick().on_progress(move |j| s2.lock().unwrap().push(j.progress.unwrap())))
        .await
        .unwrap();
    assert!(video["data"][0]["url"].as_str().unwrap().contains(".mp4"));
    let seen = seen.lock().unwrap().clone();
    assert!(!seen.is_empty() && seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");

    let job = c.three_d().options(RequestOptions::new().header("x-mock-job-ms", "60000")).generate(json!({"model": "trellis-2-4b", "image_url": "https://example.com/p.png"})).await.unwrap();
    match job.wait(quick().timeout(Duration::from_millis(300))).await {
        Err(Error::JobWaitTimeout { last_status, .. }) => assert_eq!(last_status, "processing"),
        other => panic!("{other:?}"),
    }
    let cancelled = job.cancel().await.unwrap();
    assert_eq!(cancelled["error"]["code"], "cancelled");
    match job.wait(quick()).await {
        Err(Error::JobFailed { error, .. }) => assert_eq!(error["code"], "cancelled"),
        other => panic!("{other:?}"),
    }

    let failing = c.research().options(RequestOptions::new().header("x-mock-job-ms", "50").header("x-mock-job-outcome", "failed")).create(json!({"model": "tavily-research", "query": "q"})).await.unwrap();
    assert!(matches!(failing.wait(quick()).await, Err(Error::JobFailed { .. })));

    let quick_job = c.research().create(json!({"model": "tavily-research", "query": "q"})).await.unwrap();
    quick_job.wait(quick()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert!(matches!(quick_job.refresh().await, Err(Error::JobExpired { .. })));
    // An id no handle ever saw exist is the gateway's not-found, with its code, not "expired".
    match c.jobs().retrieve("job_never_existed").await {
        Err(Error::Api(a)) => assert_eq!((a.status, a.code.as_deref()), (404, Some("job_not_found"))),
        other => panic!("expected a not-found API error, got {other:?}"),
    }
    let typo = empiriolabs::Job::attach(&c, "job_typo");
    assert!(matches!(typo.wait(quick()).await, Err(Error::Api(a)) if a.status == 404));
    // Once a poll has found a job, its 404 is expiry.
    let attached = empiriolabs::Job::attach(&c, quick_job.id());
    let fresh = c.research().create(json!({"model": "tavily-research", "query": "q"})).await.unwrap();
    let seen = empiriolabs::Job::attach(&c, fresh.id());
    seen.refresh().await.unwrap();
    seen.wait(quick()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert!(matches!(seen.refresh().await, Err(Error::JobExpired { .. })));
    assert!(matches!(attached.refresh().await, Err(Error::Api(_))), "never seen by this handle");
}

#[tokio::test]
async fn images_transcriptions_and_audio_return_results_or_jobs() {
    let m = common::mock();
    let c = m.client();
    match c.images().generate(json!({"model": "wan2-7-image", "prompt": "x"})).await.unwrap() {
        Generation::Job(j) => assert!(j.id().starts_with("job_")),
        other => panic!("images are a job by default: {other:?}"),
    }
    let done = c.images().generate_and_wait(json!({"model": "wan2-7-image", "prompt": "x", "sync": true}), quick()).await.unwrap();
    assert!(done["data"][0]["url"].is_string());

    let dir = std::env::temp_dir().join(format!("empirio-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("memo.wav");
    std::fs::write(&path, vec![7u8; 3200]).unwrap();
    let file = Part::path("file", &path, None).await.unwrap();
    let t = c.audio().transcriptions().create_and_wait(AudioSource::File(file), json!({"model": "openai-whisper-1", "timestamp_granularities": ["word", "segment"], "response_format": "verbose_json"}), quick()).await.unwrap();
    assert!(t["text"].as_str().unwrap().contains("memo.wav (3200 bytes, audio/wav)"));
    let logged = &m.requests(Some("/v1/audio/transcriptions")).await[0]["body"]["multipart"];
    assert!(logged.as_array().unwrap().iter().any(|p| p["name"] == "timestamp_granularities" && p["value"] == "word,segment"));
    let from_reader = Part::reader("file", "note.mp3", std::io::Cursor::new(vec![1u8; 900]), None).await.unwrap();
    let t = c.audio().transcriptions().create_and_wait(AudioSource::File(from_reader), json!({"model": "parakeet-tdt"}), quick()).await.unwrap();
    assert!(t["text"].as_str().unwrap().contains("note.mp3 (900 bytes, audio/mpeg)"), "{t}");
    let missing = Part::path("file", dir.join("nope.wav"), None).await.unwrap_err();
    assert!(matches!(&missing, Error::InvalidRequest { field, .. } if field == "file"), "{missing}");

    let long = c.audio().transcriptions().options(RequestOptions::new().header("x-mock-audio-seconds", "900")).create(AudioSource::Url("https://example.com/a.wav".into()), json!({"model": "deepgram-nova-3"})).await.unwrap();
    assert!(long.job().is_some());
    let srt = c.audio().transcriptions().create_and_wait(AudioSource::Url("https://example.com/a.wav".into()), json!({"model": "deepgram-nova-3", "response_format": "srt"}), quick()).await.unwrap();
    assert!(srt.as_str().unwrap().starts_with("1\n00:00:00,000 --> "));

    let gen = c.audio().generations().create_and_wait(json!({"model": "stable-audio-2-5", "prompt": "lofi", "duration": 90}), quick()).await.unwrap();
    assert_eq!(gen["data"][0]["duration"], 90.0);
    let speech = c.audio().speech().create(json!({"model": "gemini-2-5-flash-tts", "input": "Hello", "voice": "Charon"})).await.unwrap();
    assert!(speech["data"][0]["url"].is_string());
    let s = c.audio().speech().stream(json!({"model": "tts-1-5-mini", "input": "one two three", "timestamp_type": "WORD"})).await.unwrap();
    let (audio, done) = s.collect_audio().await.unwrap();
    assert_eq!(audio.len(), 3 * 480);
    assert!(matches!(done, Some(SpeechEvent::Done { url: Some(_), .. })));
    assert_eq!(c.voices().list(json!({"model": "tts-1-5-max"})).await.unwrap()["data"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn templates_search_answer_detect_analysis() {
    let m = common::mock();
    let c = m.client();
    assert!(c.templates().list(json!({"featured": true})).await.unwrap()["template_count"].as_u64().unwrap() >= 2);
    assert_eq!(c.templates().retrieve("action-hero").await.unwrap()["modality"], "video");
    assert_eq!(c.images().templates().retrieve("background-swap").await.unwrap()["modality"], "image");
    assert!(matches!(c.images().templates().retrieve("baseball-stadium").await, Err(Error::Api(e)) if e.status == 404));
    assert_eq!(c.videos().templates().list(json!({"category": "viral"})).await.unwrap()["data"][0]["slug"], "baseball-stadium");
    assert_eq!(c.search().create(json!({"model": "tavily-search", "query": "crdt", "max_results": 3})).await.unwrap()["results"].as_array().unwrap().len(), 3);
    assert!(c.answer().create(json!({"model": "exa-answer", "query": "eclipse"})).await.unwrap()["citations"].is_array());
    let s = c.answer().stream(json!({"model": "exa-answer", "query": "eclipse"})).await.unwrap();
    let mut kinds = vec![];
    while let Some(ev) = s.next().await {
        kinds.push(ev.unwrap().kind().unwrap().to_string());
    }
    assert_eq!(kinds.last().map(String::as_str), Some("answer.done"));
    assert!(c.detect().create(json!({"model": "gptzero", "input": "One. Two."})).await.unwrap()["documents"][0]["sentences"].as_array().unwrap().len() == 2);
    assert!(c.images().analyze(json!({"model": "janus-pro-deepseek", "image_url": "https://e.com/x.png", "question": "What?"})).await.unwrap()["answer"].is_string());
    let detail = c.models().retrieve("wan2-7-image").await.unwrap();
    assert_eq!(detail.parameters.as_ref().unwrap()[0]["name"], "prompt");
    assert!(c.models().list().await.unwrap().data.len() > 30);
}

#[tokio::test]
async fn agents_run_follow_up_stop_and_wait() {
    let m = common::mock();
    let c = m.client();
    let mut run = c.agents().run(json!({"model": "manus", "input": "Write a memo"})).await.unwrap();
    let mut last = None;
    while let Some(ev) = run.next().await {
        last = Some(ev.unwrap());
    }
    assert_eq!(last.unwrap().kind(), Some("task.completed"));
    let task = run.task().unwrap();
    assert_eq!(task.status().await.unwrap().status, "completed");

    let slow = c.agents().options(RequestOptions::new().header("x-mock-job-ms", "400")).start(json!({"model": "manus", "input": "Research"})).await.unwrap();
    slow.follow_up("manus", "Add sources").await.unwrap();
    let finished = slow.wait(quick()).await.unwrap();
    assert_eq!(finished.status, "completed");
    let msgs = slow.messages().await.unwrap();
    let inputs: Vec<&str> = msgs["result"]["messages"].as_array().unwrap().iter().filter(|m| m["role"] == "user").map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(inputs, ["Research", "Add sources"]);

    let long = c.agents().options(RequestOptions::new().header("x-mock-job-ms", "60000").header("x-mock-max-wait-ms", "0")).start(json!({"model": "manus", "input": "Long"})).await.unwrap();
    assert_eq!(long.stop().await.unwrap()["status"], "stopped");
    assert_eq!(long.wait(quick()).await.unwrap().status, "stopped");
}

#[tokio::test]
async fn pagination_walks_every_page_lazily() {
    let m = common::mock();
    let c = m.client();
    let all = c.account().usage().list(json!({"limit": 100})).unwrap().collect_all().await.unwrap();
    assert_eq!(all.len(), 250);
    let polls = m.requests(Some("/v1/account/usage")).await;
    assert_eq!(polls.len(), 3);
    assert!(polls[1]["query"]["before"].is_array(), "later pages carry the cursor");
    let convs = c.playground().conversations().list(json!({"limit": 50})).unwrap();
    let mut n = 0;
    while let Some(item) = convs.next_item().await {
        item.unwrap();
        n += 1;
    }
    assert_eq!(n, 120);
    let one = c.playground().conversations().retrieve("conv_0003").await.unwrap();
    assert!(one["messages"].as_array().unwrap().len() >= 2);
    assert_eq!(c.account().usage().retrieve(json!({"limit": 5})).await.unwrap().data.len(), 5);
    assert!(c.account().usage().list(json!(["not", "an", "object"])).is_err());
}

#[tokio::test]
async fn gpu_and_hosted_agents() {
    let m = common::mock();
    let c = m.client();
    assert!(c.gpu().catalog().list().await.unwrap()["data"].as_array().unwrap().len() >= 4);
    assert_eq!(c.gpu().catalog().retrieve("rtx-4090").await.unwrap()["vram_gb"], 24);
    let inst = c.gpu().instances().options(RequestOptions::new().header("x-mock-job-ms", "100")).create(json!({"gpu_slug": "rtx-4090", "hf_id": "Qwen/Qwen2.5-7B-Instruct"})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(c.gpu().instances().retrieve(&inst.id).await.unwrap().status, "running");
    let conn = c.gpu().connect(&inst.id);
    let chat = conn.chat(json!({"model": "served", "messages": user("hi")})).await.unwrap();
    assert_eq!(chat.model, "Qwen/Qwen2.5-7B-Instruct");
    let s = conn.chat_stream(json!({"model": "served", "messages": user("hi")})).await.unwrap();
    let mut n = 0;
    while let Some(ev) = s.next().await {
        ev.unwrap();
        n += 1;
    }
    assert!(n > 3);
    let raw = conn.request("DELETE", "/api/sessions/1", None).await.unwrap();
    assert_eq!(raw.value().unwrap()["path"], "/api/sessions/1");
    assert_eq!(c.gpu().instances().action(&inst.id, "stop").await.unwrap().status, "stopped");
    assert!(c.gpu().instances().list().await.unwrap()["instances"].as_array().unwrap().len() == 1);
    c.gpu().instances().delete(&inst.id).await.unwrap();

    let ha = c.hosted_agents();
    assert_eq!(ha.health().await.unwrap()["status"], "ok");
    assert_eq!(ha.config().await.unwrap()["limit"], 3);
    let inst = ha.instances().options(RequestOptions::new().header("x-mock-job-ms", "0")).create(json!({"agent_type": "openclaw", "name": "Ops"})).await.unwrap();
    let id = inst.id.clone();
    assert_eq!(inst.agent_type, "openclaw");
    let i = ha.instances();
    assert_eq!(i.rename(&id, "Ops 2").await.unwrap().name, "Ops 2");
    assert!(i.message(&id, user("ping")).await.unwrap()["content"].as_str().unwrap().contains("ping"));
    i.integrations().save(&id, json!({"kind": "telegram", "secret": "t0k"})).await.unwrap();
    assert_eq!(i.integrations().set_behavior(&id, "telegram", json!({"typing": false})).await.unwrap()["channel_behavior"]["typing"], false);
    assert_eq!(i.integrations().list(&id).await.unwrap()["integrations"].as_array().unwrap().len(), 1);
    i.integrations().disconnect(&id, "telegram").await.unwrap();
    i.set_model(&id, json!({"provider": "empirio", "model": "qwen3-max"})).await.unwrap();
    i.set_access(&id, json!({"mode": "open"})).await.unwrap();
    assert_eq!(i.skills().add(&id, json!({"slug": "clawhub:search"})).await.unwrap()["installed"], json!(["clawhub:search"]));
    assert_eq!(i.skills().list(&id).await.unwrap()["installed"], json!(["clawhub:search"]));
    i.skills().remove(&id, "clawhub:search").await.unwrap();
    i.mcp().add(&id, json!({"name": "docs", "url": "https://mcp.example.com"})).await.unwrap();
    assert_eq!(i.mcp().list(&id).await.unwrap()["servers"][0]["name"], "docs");
    i.mcp().remove(&id, "docs").await.unwrap();
    assert_eq!(i.action(&id, "stop").await.unwrap().status, "stopped");
    assert_eq!(i.retrieve(&id).await.unwrap().status, "stopped");
    assert_eq!(i.list().await.unwrap()["instances"].as_array().unwrap().len(), 1);
    i.delete(&id).await.unwrap();
}

#[tokio::test]
async fn bad_input_fails_before_the_network() {
    let m = common::mock();
    let c = m.client();
    let e = c.chat().completions().create(json!({"model": "deepseek-v4-pro"})).await.unwrap_err();
    assert!(matches!(&e, Error::InvalidRequest { field, .. } if field == "messages"), "{e}");
    let e = c.hosted_agents().instances().skills().remove("", "x").await.unwrap_err();
    assert!(matches!(&e, Error::InvalidRequest { field, .. } if field == "instance_id"), "{e}");
    let e = c.chat().completions().create(json!(["not an object"])).await.unwrap_err();
    assert!(matches!(e, Error::InvalidRequest { .. }));
    assert!(m.requests(None).await.is_empty(), "nothing reached the gateway");

    let keyless = Client::builder().api_key("").base_url(&m.url).build().unwrap();
    let e = keyless.jobs().list(json!({})).await.unwrap_err();
    assert!(matches!(&e, Error::Config(msg) if msg.contains("EMPIRIOLABS_API_KEY")), "{e}");
    assert!(keyless.models().list().await.is_ok(), "public endpoints need no key");
    let shown = format!("{:?}", m.client());
    assert!(!shown.contains(common::KEY), "{shown}");
}

#[tokio::test]
async fn retries_honour_retry_after_and_never_repeat_unsafe_work() {
    let m = common::mock();
    let c = m.client();
    let t = Instant::now();
    let opts = RequestOptions::new().header("x-mock-fault", "rate_limit").header("x-mock-fault-count", "1").header("x-mock-retry-after", "1");
    c.videos().options(opts).generate(json!({"model": "kling-o3", "prompt": "x"})).await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(950), "Retry-After was not honoured: {:?}", t.elapsed());
    let statuses: Vec<u64> = m.requests(Some("/v1/videos/generations")).await.iter().map(|e| e["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [429, 202]);

    let e = c.videos().options(RequestOptions::new().header("x-mock-fault", "server_error")).generate(json!({"model": "kling-o3", "prompt": "x"})).await.unwrap_err();
    assert_eq!(e.status(), Some(500));
    assert_eq!(m.requests(Some("/v1/videos/generations")).await.len(), 3, "a 500 on a job-creating POST is not repeated");
    let e = c.jobs().options(RequestOptions::new().header("x-mock-fault", "bad_gateway")).list(json!({})).await.unwrap_err();
    match &e {
        Error::Api(a) => assert!(a.message.contains("502 Bad Gateway"), "{}", a.message),
        other => panic!("{other}"),
    }
    assert_eq!(m.requests(Some("/v1/jobs")).await.len(), 3, "reads retry twice by default");
    let e = c.chat().completions().options(RequestOptions::new().header("x-mock-fault", "insufficient_credits").max_retries(5)).create(json!({"model": "deepseek-v4-pro", "messages": user("x")})).await.unwrap_err();
    assert_eq!(e.status(), Some(402));
    assert_eq!(m.requests(Some("/v1/chat/completions")).await.len(), 1, "402 is never retried");
    let e = c.chat().completions().options(RequestOptions::new().header("x-mock-fault", "connection_close")).create(json!({"model": "deepseek-v4-pro", "messages": user("x")})).await.unwrap_err();
    assert!(matches!(e, Error::Connection { before_send: false, .. }), "{e}");
    let e = c.jobs().options(RequestOptions::new().header("x-mock-fault", "slow_first_byte").header("x-mock-fault-delay-ms", "1000").timeout(Duration::from_millis(200)).max_retries(0)).list(json!({})).await.unwrap_err();
    assert!(matches!(e, Error::Timeout { kind: TimeoutKind::Request, .. }), "{e}");
    let e = c.jobs().options(RequestOptions::new().header("x-mock-fault", "invalid_json")).list(json!({})).await.unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
}

#[tokio::test]
async fn download_helper_fetches_bytes_and_files() {
    let m = common::mock();
    let c = m.client();
    let url = format!("{}/v1/gpu/catalog/rtx-4090", m.url);
    let bytes = c.download(&url).await.unwrap();
    assert!(std::str::from_utf8(&bytes).unwrap().contains("RTX 4090"));
    let path = std::env::temp_dir().join(format!("empirio-dl-{}.json", std::process::id()));
    assert_eq!(c.download_to(&url, &path).await.unwrap(), bytes.len() as u64);
    assert!(matches!(c.download(&format!("{}/v1/gpu/catalog/none", m.url)).await, Err(Error::Api(e)) if e.status == 404));
}

#[tokio::test]
async fn typed_builders_and_raw_connect_bodies() {
    use empiriolabs::requests::{ChatRequest, MessageRequest};
    let m = common::mock();
    let c = m.client();
    let r = c.chat().completions().create(ChatRequest::new("deepseek-v4-pro").system("Brief.").user("Ping").max_tokens(3).param("thinking_mode", true)).await.unwrap();
    assert_eq!(r.choices[0].finish_reason.as_deref(), Some("length"));
    assert_eq!(m.requests(Some("/v1/chat/completions")).await[0]["body"]["thinking_mode"], true);
    let msg = c.messages().create(MessageRequest::new("deepseek-v4-pro", 64).user("Hi").thinking(32)).await.unwrap();
    assert_eq!(msg.content[0].kind, "thinking");

    let inst = c.gpu().instances().options(RequestOptions::new().header("x-mock-job-ms", "0")).create(json!({"gpu_slug": "l40s", "mode": "template", "template_slug": "jupyterlab"})).await.unwrap();
    let mut body = c.gpu().connect(&inst.id).request_bytes("GET", "lab/api/status", None).await.unwrap();
    let mut bytes = Vec::new();
    while let Some(piece) = body.next().await {
        bytes.extend_from_slice(&piece.unwrap());
    }
    assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap()["path"], "/lab/api/status");
    assert_eq!(body.meta.status, 200);
}

#[tokio::test]
async fn stream_errors_carry_their_response_status_and_request_id() {
    let m = common::mock();
    let c = m.client();
    let opts = RequestOptions::new().header("x-mock-fault", "stream_error_event");
    let mut s = c.chat().completions().options(opts).stream(json!({"model": "deepseek-v4-pro", "messages": user("x")})).await.unwrap();
    let want = s.events().meta().request_id.clone();
    let err = loop {
        match s.next().await {
            Some(Err(e)) => break e,
            Some(Ok(_)) => continue,
            None => panic!("the stream ended without its error"),
        }
    };
    assert!(matches!(err, Error::Stream { .. }), "{err}");
    assert_eq!((err.status(), err.request_id().map(str::to_string)), (Some(200), want));
}
