//! How fast does the core read a stream, the way users read it? One plain local server sends
//! pre-rendered OpenAI chat chunks (and Anthropic events); every row reads each event's text and
//! checks the joined text, against baselines measured in the same run:
//!
//! - the transport floor: reqwest `bytes_stream` split into lines with memchr, no parsing;
//! - the same, plus a `serde_json::Value` per chunk, reading `choices[0].delta.content`;
//! - the core: typed `next()`, `next_text()`, and `EventStream::next_batch` (what bindings use).
//!
//! `make bench-core` (or `cargo bench -p empiriolabs --bench stream -- --chunks 1000000 --rounds 3`)

use std::time::Instant;

use bytes::Bytes;
use empiriolabs::operations::id;
use empiriolabs::{CallArgs, Client};
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKENS: [&str; 8] = ["Conflict", "-free ", "replicated ", "data ", "types ", "merge ", "without ", "coordination. "];

fn openai_body(n: usize) -> (Bytes, String) {
    let mut body = String::with_capacity(n * 160);
    let mut text = String::new();
    for i in 0..n {
        let t = TOKENS[i % TOKENS.len()];
        text.push_str(t);
        // The chunk's JSON written out (the tokens need no escapes), so that building a
        // million of them costs little.
        body.push_str(r#"data: {"choices":[{"delta":{"content":""#);
        body.push_str(t);
        body.push_str(r#""},"finish_reason":null,"index":0}],"created":1767225600,"id":"chatcmpl-bench","model":"deepseek-v4-pro","object":"chat.completion.chunk"}"#);
        body.push_str("\n\n");
    }
    body.push_str("data: [DONE]\n\n");
    (Bytes::from(body), text)
}

fn anthropic_body(n: usize) -> (Bytes, String) {
    let mut body = String::with_capacity(n * 140);
    let mut text = String::new();
    let ev = |body: &mut String, name: &str, v: Value| body.push_str(&format!("event: {name}\ndata: {v}\n\n"));
    ev(&mut body, "message_start", json!({"type": "message_start", "message": {"id": "msg_bench", "type": "message", "role": "assistant", "model": "m", "content": [], "usage": {"input_tokens": 3}}}));
    ev(&mut body, "content_block_start", json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}));
    for i in 0..n {
        let t = TOKENS[i % TOKENS.len()];
        text.push_str(t);
        body.push_str(r#"event: content_block_delta
data: {"delta":{"text":""#);
        body.push_str(t);
        body.push_str("\",\"type\":\"text_delta\"},\"index\":0,\"type\":\"content_block_delta\"}\n\n");
    }
    ev(&mut body, "content_block_stop", json!({"type": "content_block_stop", "index": 0}));
    ev(&mut body, "message_delta", json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": n}}));
    ev(&mut body, "message_stop", json!({"type": "message_stop"}));
    (Bytes::from(body), text)
}

/// Serves `openai` for `/v1/chat/completions` and `anthropic` for `/v1/messages`, as SSE, in
/// 64 KiB writes, closing the connection at the end.
async fn server(openai: Bytes, anthropic: Bytes) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            let _ = s.set_nodelay(true);
            let (o, a) = (openai.clone(), anthropic.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = s.read(&mut buf).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    head.extend_from_slice(&buf[..n]);
                }
                let body = if head.starts_with(b"POST /v1/messages") { a } else { o };
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n").await;
                for piece in body.chunks(64 * 1024) {
                    if s.write_all(piece).await.is_err() {
                        return;
                    }
                }
                let _ = s.shutdown().await;
            });
        }
    });
    url
}

fn chat() -> Value {
    json!({"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "Explain CRDTs"}], "stream": true})
}

fn message() -> Value {
    json!({"model": "claude", "max_tokens": 1024, "messages": [{"role": "user", "content": "Explain CRDTs"}], "stream": true})
}

/// Lines of the raw body, as a careful hand-written client splits them.
async fn raw_lines(url: &str, path: &str, body: &Value, mut on_line: impl FnMut(&[u8])) {
    let r = reqwest::Client::new().post(format!("{url}{path}")).json(body).send().await.unwrap();
    let mut s = r.bytes_stream();
    let mut pending: Vec<u8> = Vec::new();
    while let Some(chunk) = s.next().await {
        let chunk = chunk.unwrap();
        let mut rest: &[u8] = &chunk;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            if pending.is_empty() {
                on_line(&rest[..i]);
            } else {
                pending.extend_from_slice(&rest[..i]);
                on_line(&pending);
                pending.clear();
            }
            rest = &rest[i + 1..];
        }
        pending.extend_from_slice(rest);
    }
}

/// The joined text of a stream read the way bindings read it: `next_batch`, then each event's text.
async fn batched_text(client: &Client, op: &str, body: Value) -> String {
    let s = client.stream(op, CallArgs::new().json(body)).await.unwrap();
    let mut text = String::new();
    loop {
        let batch = s.next_batch(256).await.unwrap();
        if batch.is_empty() {
            return text;
        }
        for ev in &batch {
            text.push_str(ev.text().unwrap_or(""));
        }
    }
}

struct Row {
    name: &'static str,
    rates: Vec<f64>,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str, default: usize| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default);
    let (chunks, rounds) = (opt("--chunks", 1_000_000), opt("--rounds", 3));
    let (openai, openai_text) = openai_body(chunks);
    let (anthropic, anthropic_text) = anthropic_body(chunks);
    let url = server(openai, anthropic).await;
    let client = Client::builder().api_key("sk-bench").base_url(&url).max_retries(0).build().unwrap();

    let mut rows: Vec<Row> = Vec::new();
    let names = [
        "raw reqwest bytes_stream + memchr lines, no parsing (floor)",
        "  + serde_json::Value per chunk, reading delta.content",
        "core chat.completions.stream() -> next(), reading delta.content",
        "core next_text()",
        "core EventStream::next_batch(256), reading ev.text()",
        "anthropic: raw + serde_json::Value, reading delta.text",
        "anthropic: core messages.stream() -> next_typed(), reading delta.text",
        "anthropic: core EventStream::next_batch(256), reading ev.text()",
    ];
    for name in names {
        rows.push(Row { name, rates: Vec::new() });
    }
    // `--only K` runs row K alone (for a profiler).
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).and_then(|v| v.parse::<usize>().ok());
    for _ in 0..rounds {
        for (k, row) in rows.iter_mut().enumerate() {
            if only.is_some_and(|o| o != k) {
                continue;
            }
            let t = Instant::now();
            let (text, expected) = match k {
                0 => {
                    let mut n = 0;
                    raw_lines(&url, "/v1/chat/completions", &chat(), |l| n += l.starts_with(b"data: ") as usize).await;
                    assert_eq!(n, chunks + 1);
                    (String::new(), &String::new())
                }
                1 => {
                    let mut text = String::new();
                    raw_lines(&url, "/v1/chat/completions", &chat(), |l| {
                        if let Some(d) = l.strip_prefix(b"data: ").filter(|d| *d != b"[DONE]") {
                            let v: Value = serde_json::from_slice(d).unwrap();
                            text.push_str(v["choices"][0]["delta"]["content"].as_str().unwrap_or(""));
                        }
                    })
                    .await;
                    (text, &openai_text)
                }
                2 => {
                    let mut s = client.chat().completions().stream(chat()).await.unwrap();
                    let mut text = String::new();
                    while let Some(c) = s.next().await {
                        if let Some(t) = c.unwrap().choices.first().and_then(|ch| ch.delta.content.as_deref()) {
                            text.push_str(t);
                        }
                    }
                    (text, &openai_text)
                }
                3 => {
                    let mut s = client.chat().completions().stream(chat()).await.unwrap();
                    let mut text = String::new();
                    while let Some(piece) = s.next_text().await {
                        text.push_str(&piece.unwrap());
                    }
                    (text, &openai_text)
                }
                4 => (batched_text(&client, id::CREATE_CHAT_COMPLETION, chat()).await, &openai_text),
                5 => {
                    let mut text = String::new();
                    raw_lines(&url, "/v1/messages", &message(), |l| {
                        if let Some(d) = l.strip_prefix(b"data: ") {
                            let v: Value = serde_json::from_slice(d).unwrap();
                            if v["type"] == "content_block_delta" {
                                text.push_str(v["delta"]["text"].as_str().unwrap_or(""));
                            }
                        }
                    })
                    .await;
                    (text, &anthropic_text)
                }
                6 => {
                    let mut s = client.messages().stream(message()).await.unwrap();
                    let mut text = String::new();
                    while let Some(ev) = s.next_typed().await {
                        if let empiriolabs::types::MessageStreamEvent::ContentBlockDelta { delta, .. } = ev.unwrap() {
                            text.push_str(delta.text.as_deref().unwrap_or(""));
                        }
                    }
                    (text, &anthropic_text)
                }
                _ => (batched_text(&client, id::CREATE_MESSAGE, message()).await, &anthropic_text),
            };
            row.rates.push(chunks as f64 / t.elapsed().as_secs_f64());
            assert_eq!(&text, expected, "{}", row.name);
        }
    }

    println!("\nCore streaming benchmark: {chunks} chunks per stream, medians of {rounds} rounds (release build)\n");
    if only.is_some() {
        return;
    }
    let floor = median(&mut rows[0].rates.clone());
    let value = median(&mut rows[1].rates.clone());
    let a_value = median(&mut rows[5].rates.clone());
    println!("{:<72}{:>14}{:>10}{:>12}", "reader", "chunks/s", "/ floor", "/ Value");
    for (i, r) in rows.iter_mut().enumerate() {
        let m = median(&mut r.rates);
        let base = if i >= 5 { a_value } else { value };
        println!("{:<72}{:>13.2}M{:>10.3}{:>12.2}", r.name, m / 1e6, m / floor, m / base);
    }
}
