//! Transport guarantees, each against a server that produces the condition: the key never
//! leaves for another origin, no header can panic the client, timeouts bound each attempt,
//! job waits keep their deadline, downloads leave no partial file, paths go out exactly, and
//! nothing secret shows in `Debug`.

mod common;

use std::time::{Duration, Instant};

use common::raw::{self, Raw, Step};
use empiriolabs::operations::id;
use empiriolabs::{AuthStyle, CallArgs, Client, Error, Job, RequestOptions, TimeoutKind, WaitOptions};
use serde_json::json;

fn raw_client(url: &str) -> empiriolabs::ClientBuilder {
    Client::builder().api_key(common::KEY).base_url(url).retry_backoff(Duration::from_millis(10), Duration::from_millis(20))
}

fn message() -> serde_json::Value {
    json!({"model": "claude", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]})
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_and_the_key_stays() {
    let elsewhere = Raw::start(|_, _| vec![raw::json(200, "", "{}")]).await;
    let target = format!("{}/v1/messages", elsewhere.url);
    let gateway = Raw::start(move |_, _| vec![Step::Write(format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {target}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").into_bytes())]).await;
    for style in [AuthStyle::Bearer, AuthStyle::XApiKey] {
        let c = raw_client(&gateway.url).auth_style(style).max_retries(0).build().unwrap();
        match c.messages().create(message()).await {
            Err(Error::Api(a)) => assert_eq!(a.status, 307),
            other => panic!("expected the 307 handed back, got {other:?}"),
        }
    }
    assert!(elsewhere.requests().is_empty(), "the other origin received {:?}", elsewhere.requests());
    assert_eq!(gateway.requests().len(), 2);
    assert!(gateway.requests().iter().all(|r| r.header("x-api-key") == Some(common::KEY)), "createMessage always sends x-api-key");
}

#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_the_key() {
    let gateway = Raw::start(|n, _| match n {
        0 => vec![Step::Write(b"HTTP/1.1 308 Permanent Redirect\r\nlocation: /v1/moved\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_vec())],
        _ => vec![raw::json(200, "", r#"{"object": "list", "data": []}"#)],
    })
    .await;
    let c = raw_client(&gateway.url).build().unwrap();
    c.call(id::LIST_JOBS, CallArgs::new()).await.unwrap();
    let seen = gateway.requests();
    assert_eq!(seen.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(), ["/v1/jobs", "/v1/moved"]);
    assert_eq!(seen[1].header("authorization"), Some(format!("Bearer {}", common::KEY).as_str()));
}

#[tokio::test]
async fn junk_retry_after_values_are_capped_or_ignored() {
    for (value, attempts, ok) in [("1e20", 1, false), ("inf", 1, false), ("-5", 2, true), ("NaN", 2, true), ("soon", 2, true), ("", 2, true), ("99999999999999999999", 1, false)] {
        let header = format!("retry-after: {value}\r\nretry-after-ms: {value}\r\n");
        let server = Raw::start(move |n, _| if n == 0 { vec![raw::json(429, &header, r#"{"error": {"message": "slow down", "type": "rate_limit_error"}}"#)] } else { vec![raw::json(200, "", "{}")] }).await;
        let c = raw_client(&server.url).build().unwrap();
        let got = c.call(id::LIST_JOBS, CallArgs::new()).await;
        assert_eq!(got.is_ok(), ok, "{value:?}: {got:?}");
        if let Err(e) = got {
            assert_eq!(e.info().class, "RateLimit");
        }
        assert_eq!(server.requests().len(), attempts, "{value:?}");
    }
}

#[tokio::test]
async fn junk_retry_after_on_job_polls_never_panics() {
    let server = Raw::start(|n, req| {
        if req.method == "POST" {
            return vec![raw::json(202, "", r#"{"job_id": "job_1", "status": "processing", "poll_url": "/v1/jobs/job_1"}"#)];
        }
        let wait = ["1e20", "-1", "NaN", "junk"][(n - 1).min(3)];
        if n < 5 {
            vec![raw::json(200, &format!("retry-after: {wait}\r\n"), r#"{"job_id": "job_1", "status": "processing", "progress": 0.5}"#)]
        } else {
            vec![raw::json(200, "", r#"{"job_id": "job_1", "status": "completed", "result": {"ok": true}}"#)]
        }
    })
    .await;
    let c = raw_client(&server.url).build().unwrap();
    let job = c.videos().generate(json!({"model": "m", "prompt": "p"})).await.unwrap();
    let started = Instant::now();
    // The first poll asks for 1e20 s: the wait honours at most its own deadline.
    let quick = WaitOptions::new().poll(Duration::from_millis(10), Duration::from_millis(20)).timeout(Duration::from_millis(700));
    match job.wait(quick).await {
        Err(Error::JobWaitTimeout { .. }) => {}
        other => panic!("expected the deadline to end the wait, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    let rest = WaitOptions::new().poll(Duration::from_millis(10), Duration::from_millis(20)).timeout(Duration::from_secs(5));
    assert_eq!(job.wait(rest).await.unwrap(), json!({"ok": true}));
}

#[tokio::test]
async fn a_retry_gets_a_fresh_attempt_clock() {
    // Attempt 1 takes 350 ms to fail; attempt 2 sends its headers at once and its body 300 ms
    // later. Each fits the 500 ms timeout; the two together do not.
    let server = Raw::start(|n, _| match n {
        0 => vec![Step::Sleep(Duration::from_millis(350)), raw::json(503, "retry-after-ms: 0\r\n", r#"{"error": {"message": "busy"}}"#)],
        _ => vec![raw::head(200, "content-type: application/json\r\ncontent-length: 2\r\n"), Step::Sleep(Duration::from_millis(300)), raw::bytes(b"{}")],
    })
    .await;
    let c = raw_client(&server.url).timeout(Duration::from_millis(500)).build().unwrap();
    c.call(id::LIST_JOBS, CallArgs::new()).await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_timeout_bounds_the_body_read_too() {
    let server = Raw::start(|_, _| vec![raw::head(200, "content-type: application/json\r\ncontent-length: 2\r\n"), Step::Hang]).await;
    let c = raw_client(&server.url).timeout(Duration::from_millis(300)).max_retries(0).build().unwrap();
    let started = Instant::now();
    match c.call(id::LIST_JOBS, CallArgs::new()).await {
        Err(Error::Timeout { kind: TimeoutKind::Request, after }) => assert_eq!(after, Duration::from_millis(300)),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_connect_timeout_reports_the_connect_timeout() {
    // A listener that never accepts, its backlog filled: further connects hang in SYN.
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = sock.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut held = Vec::new();
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_millis(100), tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(s)) => held.push(s),
            _ => break,
        }
    }
    let connect = Duration::from_millis(200);
    let c = raw_client(&format!("http://{addr}")).connect_timeout(connect).timeout(Duration::from_secs(5)).max_retries(0).build().unwrap();
    let started = Instant::now();
    match c.call(id::LIST_JOBS, CallArgs::new()).await {
        Err(e @ Error::Timeout { kind: TimeoutKind::Connect, .. }) => {
            assert!(matches!(e, Error::Timeout { after, .. } if after == connect), "the connect timeout, not the request timeout: {e}");
            assert!(e.to_string().contains("connect timeout"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(held);
}

#[tokio::test]
async fn a_job_wait_keeps_its_deadline_when_a_poll_hangs() {
    let server = Raw::start(|_, req| {
        if req.method == "POST" {
            vec![raw::json(202, "", r#"{"job_id": "job_h", "status": "processing", "poll_url": "/v1/jobs/job_h"}"#)]
        } else {
            vec![Step::Hang]
        }
    })
    .await;
    let c = raw_client(&server.url).build().unwrap();
    let job = c.videos().generate(json!({"model": "m", "prompt": "p"})).await.unwrap();
    let started = Instant::now();
    match job.wait(WaitOptions::new().timeout(Duration::from_millis(800))).await {
        Err(Error::JobWaitTimeout { job_id, .. }) => assert_eq!(job_id, "job_h"),
        other => panic!("{other:?}"),
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(800) && took < Duration::from_millis(1800), "{took:?}");
}

#[tokio::test]
async fn transient_poll_failures_are_polled_again_inside_the_deadline() {
    let server = Raw::start(|n, req| {
        if req.method == "POST" {
            return vec![raw::json(202, "", r#"{"job_id": "job_t", "status": "processing", "poll_url": "/v1/jobs/job_t"}"#)];
        }
        match n {
            1 => vec![raw::json(503, "", r#"{"error": {"message": "busy"}}"#)],
            2 => vec![raw::json(429, "retry-after-ms: 20\r\n", r#"{"error": {"message": "slow"}}"#)],
            3 => vec![],
            _ => vec![raw::json(200, "", r#"{"job_id": "job_t", "status": "completed", "result": {"n": 1}}"#)],
        }
    })
    .await;
    let c = raw_client(&server.url).build().unwrap();
    let job = c.videos().generate(json!({"model": "m", "prompt": "p"})).await.unwrap();
    let w = WaitOptions::new().poll(Duration::from_millis(10), Duration::from_millis(20)).timeout(Duration::from_secs(5));
    assert_eq!(job.wait(w).await.unwrap(), json!({"n": 1}));
    assert_eq!(server.requests().len(), 5, "a 503, a 429 and a dropped connection, then the answer");
}

#[tokio::test]
async fn download_to_writes_whole_files_or_nothing() {
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let body = payload.clone();
    let server = Raw::start(move |_, req| match req.target.as_str() {
        "/whole.bin" => vec![raw::head(200, &format!("content-type: application/octet-stream\r\ncontent-length: {}\r\n", body.len())), raw::bytes(&body)],
        "/cut.bin" => vec![raw::head(200, "content-type: application/octet-stream\r\ncontent-length: 1000\r\n"), raw::bytes(&[7u8; 500])],
        _ => vec![raw::head(200, "content-type: application/octet-stream\r\ncontent-length: 1000\r\n"), raw::bytes(&[7u8; 10]), Step::Hang],
    })
    .await;
    let dir = std::env::temp_dir().join(format!("empiriolabs-dl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c = raw_client("http://127.0.0.1:1").stream_idle_timeout(Duration::from_millis(300)).build().unwrap();
    let whole = dir.join("whole.bin");
    assert_eq!(c.download_to(&format!("{}/whole.bin", server.url), &whole).await.unwrap(), payload.len() as u64);
    assert_eq!(std::fs::read(&whole).unwrap(), payload);
    assert!(matches!(c.download_to(&format!("{}/cut.bin", server.url), dir.join("cut.bin")).await, Err(Error::Connection { .. })));
    match c.download_to(&format!("{}/stall.bin", server.url), dir.join("stall.bin")).await {
        Err(Error::Timeout { kind: TimeoutKind::StreamIdle, .. }) => {}
        other => panic!("{other:?}"),
    }
    let left: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left, ["whole.bin"], "no partial or temporary file is left");
    assert!(server.requests().iter().all(|r| r.header("authorization").is_none()), "downloads carry no key");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn gpu_connect_sends_the_service_path_and_query_exactly() {
    let server = Raw::start(|_, _| vec![raw::json(200, "", r#"{"ok": true}"#)]).await;
    let c = raw_client(&server.url).build().unwrap();
    let conn = c.gpu().connect("gpu_1").options(RequestOptions::new().query("limit", "2"));
    conn.request("GET", "v1/files/a%20b.txt?x=1&y=%2F", None).await.unwrap();
    assert_eq!(server.requests()[0].target, "/v1/gpu/connect/gpu_1/v1/files/a%20b.txt?x=1&y=%2F&limit=2");
    for bad in ["v1/../../account/usage", "./x", "a/%2e%2E/b"] {
        match conn.request("GET", bad, None).await {
            Err(Error::InvalidRequest { field, .. }) => assert_eq!(field, "path"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(server.requests().len(), 1, "refused paths never reach the network");
}

#[tokio::test]
async fn a_terminator_without_its_blank_line_ends_the_stream() {
    let chunk = r#"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}"#;
    let done = format!("data: {chunk}\n\ndata: [DONE]\n");
    let cut = format!("data: {chunk}\n\ndata: {chunk}\n");
    let server = Raw::start(move |n, _| vec![raw::head(200, "content-type: text/event-stream\r\n"), raw::bytes(if n == 0 { done.as_bytes() } else { cut.as_bytes() })]).await;
    let c = raw_client(&server.url).build().unwrap();
    let body = json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": true});
    let s = c.stream(id::CREATE_CHAT_COMPLETION, CallArgs::new().json(body.clone())).await.unwrap();
    assert_eq!(s.final_value().await.unwrap().unwrap()["choices"][0]["message"]["content"], "Hi");
    let s = c.stream(id::CREATE_CHAT_COMPLETION, CallArgs::new().json(body)).await.unwrap();
    assert_eq!(s.next().await.unwrap().unwrap().text(), Some("Hi"));
    match s.next().await {
        Some(Err(Error::Stream { kind: empiriolabs::StreamErrorKind::MissingTerminator, .. })) => {}
        other => panic!("an incomplete event at EOF is an interruption: {other:?}"),
    }
}

#[tokio::test]
async fn the_user_agent_names_the_binding() {
    let server = Raw::start(|_, _| vec![raw::json(200, "", "{}")]).await;
    let c = raw_client(&server.url).binding("python", "1.2.3").build().unwrap();
    c.call(id::LIST_JOBS, CallArgs::new()).await.unwrap();
    let ua = server.requests()[0].header("user-agent").unwrap().to_string();
    assert_eq!(ua, format!("empiriolabs-python/1.2.3 (core {}; {})", env!("CARGO_PKG_VERSION"), std::env::consts::OS));
}

#[tokio::test]
async fn agent_runs_never_outlive_their_request() {
    let server = Raw::start(|_, req| {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let hold = if body["max_wait_seconds"] == json!(2) { 1200 } else { 0 };
        vec![Step::Sleep(Duration::from_millis(hold)), raw::json(202, "", r#"{"task_id": "task_1", "status": "running", "poll_url": "/v1/agents/task_1"}"#)]
    })
    .await;
    let c = raw_client(&server.url).timeout(Duration::from_millis(500)).build().unwrap();
    let task = c.agents().start(json!({"model": "manus", "input": "x"})).await.unwrap();
    assert_eq!(task.id(), "task_1");
    let sent: serde_json::Value = serde_json::from_slice(&server.requests()[0].body).unwrap();
    assert_eq!((sent["stream"].clone(), sent["max_wait_seconds"].clone()), (json!(false), json!(5)));
    // A blocking run held 1.2 s by the gateway outlasts the 0.5 s timeout, which is raised above
    // `max_wait_seconds` for it.
    let held = c.agents().create(json!({"model": "manus", "input": "x", "max_wait_seconds": 2})).await.unwrap();
    assert_eq!(held["task_id"], "task_1");
}

#[tokio::test]
async fn html_5xx_on_billable_calls_is_not_retried() {
    let server = Raw::start(|_, _| vec![Step::Write(b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\ncontent-length: 44\r\nconnection: close\r\n\r\n<html><title>503 Unavailable</title></html>".to_vec())]).await;
    let c = raw_client(&server.url).build().unwrap();
    let e = c.messages().create(message()).await.unwrap_err();
    assert_eq!((e.info().class, e.status()), ("InternalServer", Some(503)));
    assert_eq!(server.requests().len(), 1, "may have been accepted upstream");
    assert!(!e.to_string().contains("HTTP 503: HTTP 503"), "the status is said once: {e}");
    c.call(id::LIST_JOBS, CallArgs::new()).await.unwrap_err();
    assert_eq!(server.requests().len(), 4, "an idempotent call retries it (1 + 2 retries)");
}

#[tokio::test]
async fn nothing_secret_shows_in_debug_or_errors() {
    let opts = RequestOptions::new().header("Authorization", "Bearer sk-hidden-1").header("x-api-key", "sk-hidden-2").extra_body("bot_token", "sk-hidden-3").query("access_token", "sk-hidden-4");
    let args = CallArgs::new().json(json!({"integration": {"password": "sk-hidden-5"}, "max_tokens": 5})).options(opts.clone());
    let c = Client::builder().api_key("sk-hidden-0").base_url("http://127.0.0.1:1").build().unwrap();
    let ns = c.chat().completions().options(opts);
    let shown = format!("{args:?} {ns:?} {c:?} {:?}", c.hosted_agents());
    for i in 0..6 {
        assert!(!shown.contains(&format!("sk-hidden-{i}")), "secret {i} in {shown}");
    }
    assert!(shown.contains("max_tokens"), "the rest stays readable");
    let proxied = Client::builder().api_key("k").base_url("http://127.0.0.1:1").proxy("http://user:hunter2@127.0.0.1:1").max_retries(0).build().unwrap();
    let e = proxied.call(id::LIST_JOBS, CallArgs::new()).await.unwrap_err();
    assert!(!format!("{e} {e:?} {:?}", e.info()).contains("hunter2"), "{e}");
    let bad = Client::builder().proxy("http://user:hunter2@[::1").build().unwrap_err();
    assert!(!bad.to_string().contains("hunter2"), "{bad}");
}

#[tokio::test]
async fn create_with_stream_true_is_refused_before_the_network() {
    let m = common::mock();
    let c = m.client();
    let e = c.chat().completions().create(json!({"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "x"}], "stream": true})).await.unwrap_err();
    match &e {
        Error::InvalidRequest { field, message } => assert!(field == "stream" && message.contains("`stream`"), "{e}"),
        other => panic!("{other:?}"),
    }
    let e = c.embeddings().create(json!({"model": "m", "input": "x", "stream": true})).await.unwrap_err();
    assert!(matches!(e, Error::InvalidRequest { ref field, .. } if field == "stream"));
    assert!(m.requests(Some("/v1/chat/completions")).await.is_empty() && m.requests(Some("/v1/embeddings")).await.is_empty());
}

#[tokio::test]
async fn multipart_fields_leave_out_nulls() {
    let m = common::mock();
    let c = m.client();
    let file = empiriolabs::upload::Part::bytes("file", "a.wav", vec![1u8; 64], None);
    let args = CallArgs::assemble(vec![], vec![], Some(json!({"model": "openai-whisper-1", "language": null, "temperature": 0})), vec![file], None, RequestOptions::new()).unwrap();
    c.invoke(id::CREATE_TRANSCRIPTION, args).await.unwrap();
    let logged = m.requests(Some("/v1/audio/transcriptions")).await;
    let parts = logged[0]["body"]["multipart"].as_array().unwrap().clone();
    let names: Vec<&str> = parts.iter().filter_map(|p| p["name"].as_str()).collect();
    assert!(names.contains(&"temperature") && !names.contains(&"language"), "{names:?}");
}

#[test]
fn the_missing_key_message_names_no_rust_api() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let c = Client::builder().base_url("http://127.0.0.1:1").build().unwrap();
    let c = if c.config().api_key().is_some() { return } else { c };
    let e = rt.block_on(c.call(id::LIST_JOBS, CallArgs::new())).unwrap_err();
    let i = e.info();
    assert_eq!(i.class, "Configuration");
    assert!(i.message.contains("EMPIRIOLABS_API_KEY") && !i.message.contains("builder") && !i.message.contains("::"), "{}", i.message);
}

#[tokio::test]
async fn an_attached_job_with_a_wrong_id_is_not_found() {
    let m = common::mock();
    let c = m.client();
    let e = Job::attach(&c, "job_typo").refresh().await.unwrap_err();
    assert_eq!((e.info().class, e.info().code.as_deref()), ("NotFound", Some("job_not_found")));
}
