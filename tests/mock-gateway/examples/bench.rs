//! How fast is the mock? The same workloads against the mock and against a bare hyper server
//! that answers pre-rendered bytes (the floor for this machine), in one run, with a plain
//! reqwest client; reports medians of several rounds and the ratio mock / floor.
//!
//! `cargo run --release -p empirio-mock --example bench [-- --rounds 5]`

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::Full;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::json;

const KEY: &str = "sk-empirio-test";
const SEQUENTIAL: usize = 2000;
const CONCURRENT: usize = 10_000;
const CONCURRENCY: usize = 64;
const STREAM_CHUNKS: usize = 100_000;

/// A server that answers every request with canned bytes: JSON for chat, SSE for streams.
async fn floor_server(json_body: Bytes, sse_body: Bytes) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (s, _) = listener.accept().await.unwrap();
            let _ = s.set_nodelay(true);
            let (j, e) = (json_body.clone(), sse_body.clone());
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                    let stream = req.headers().contains_key("x-bench-stream");
                    let body = if stream { e.clone() } else { j.clone() };
                    async move {
                        let _ = http_body_util::BodyExt::collect(req.into_body()).await;
                        Ok::<_, Infallible>(Response::new(Full::new(body)))
                    }
                });
                let _ = auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(s), svc).await;
            });
        }
    });
    addr
}

fn chat_body(stream: bool) -> serde_json::Value {
    json!({"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "Summarize CRDTs in three bullets"}], "stream": stream})
}

async fn one_request(c: &reqwest::Client, base: &str) -> usize {
    let r = c.post(format!("{base}/v1/chat/completions")).bearer_auth(KEY).json(&chat_body(false)).send().await.unwrap();
    assert!(r.status().is_success());
    r.bytes().await.unwrap().len()
}

async fn sequential(c: &reqwest::Client, base: &str) -> f64 {
    let t = Instant::now();
    for _ in 0..SEQUENTIAL {
        one_request(c, base).await;
    }
    SEQUENTIAL as f64 / t.elapsed().as_secs_f64()
}

async fn concurrent(c: &reqwest::Client, base: &str) -> f64 {
    let t = Instant::now();
    futures_util::stream::iter(0..CONCURRENT)
        .for_each_concurrent(CONCURRENCY, |_| async { one_request(c, base).await; })
        .await;
    CONCURRENT as f64 / t.elapsed().as_secs_f64()
}

/// Chunks per second of one long chat stream, counted as SSE events received.
async fn stream(c: &reqwest::Client, base: &str) -> f64 {
    let t = Instant::now();
    let r = c
        .post(format!("{base}/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-mock-stream-tokens", STREAM_CHUNKS.to_string())
        .header("x-bench-stream", "1")
        .json(&chat_body(true))
        .send()
        .await
        .unwrap();
    let mut body = r.bytes_stream();
    let mut events = 0usize;
    let mut prev_newline = false;
    while let Some(chunk) = body.next().await {
        for b in chunk.unwrap() {
            if b == b'\n' && prev_newline {
                events += 1;
            }
            prev_newline = b == b'\n';
        }
    }
    assert!(events >= STREAM_CHUNKS, "stream ended after {events} events");
    events as f64 / t.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args().skip_while(|a| a != "--rounds").nth(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let opts = empirio_mock::options::Options { log_limit: 1000, ..Default::default() };
    let bound = empirio_mock::server::bind(opts).await.unwrap();
    let mock = format!("http://{}", bound.addr);
    tokio::spawn(bound.serve(std::future::pending()));

    // The floor answers with bytes the mock itself produced, so both move the same payloads.
    let c = reqwest::Client::builder().pool_max_idle_per_host(CONCURRENCY).timeout(Duration::from_secs(120)).build().unwrap();
    let json_body = c.post(format!("{mock}/v1/chat/completions")).bearer_auth(KEY).json(&chat_body(false)).send().await.unwrap().bytes().await.unwrap();
    let sse_body = c
        .post(format!("{mock}/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-mock-stream-tokens", STREAM_CHUNKS.to_string())
        .json(&chat_body(true))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let floor = format!("http://{}", floor_server(json_body, sse_body).await);

    println!("mock gateway benchmark: {rounds} rounds, medians; floor = bare hyper server with canned bytes\n");
    println!("{:<44} {:>14} {:>14} {:>12}", "workload", "mock", "floor", "mock/floor");
    type Work = for<'a> fn(&'a reqwest::Client, &'a str) -> std::pin::Pin<Box<dyn std::future::Future<Output = f64> + 'a>>;
    let works: [(&str, &str, Work); 3] = [
        ("sequential chat requests", "req/s", |c, b| Box::pin(sequential(c, b))),
        ("concurrent chat requests (64 in flight)", "req/s", |c, b| Box::pin(concurrent(c, b))),
        ("one stream of 100,000 chunks", "chunks/s", |c, b| Box::pin(stream(c, b))),
    ];
    for (name, unit, work) in works {
        let (mut m, mut f) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            m.push(work(&c, &mock).await);
            f.push(work(&c, &floor).await);
        }
        let (m, f) = (median(m), median(f));
        println!("{:<44} {:>14} {:>14} {:>11.2}x", format!("{name} ({unit})"), format!("{m:.0}"), format!("{f:.0}"), m / f);
    }
}
