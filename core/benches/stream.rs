//! How fast does the core read a stream, the way users read it? One plain local server sends
//! pre-rendered OpenAI chat chunks (and Anthropic events); every row reads each event's text and
//! checks the joined text, against baselines measured in the same run:
//!
//! - the transport floor: reqwest `bytes_stream` split into lines with memchr, no parsing;
//! - the same, plus a `serde_json::Value` per chunk, reading `choices[0].delta.content`;
//! - the core: typed `next()`, `next_text()`, and `EventStream::next_batch` (what bindings use).
//!
//! The same rows run again on the body held in memory, in the same 64 KiB frames
//! (`EventStream::from_response` over an in-memory response): no socket, so they measure the
//! reading alone. On a small VM the loopback socket itself caps the first group near the
//! parsing rates (its floor is a few times the `Value` row, not the tens of times it is on a
//! workstation), so the in-memory group is where the parsers' ratios show. Its last row parses
//! each line into the core's chunk type with nothing around it: the cost of the parse alone.
//!
//! `make bench-core` (or `cargo bench -p empiriolabs --bench stream -- --chunks 1000000 --rounds 3`)

use std::time::Instant;

use bytes::Bytes;
use empiriolabs::operations::id;
use empiriolabs::resources::text::{ChatStream, MessageStream};
use empiriolabs::types::{ChatCompletionChunk, MessageStreamEvent};
use empiriolabs::{CallArgs, Client, EventStream};
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

/// Splits frames into lines, as a careful hand-written client does: memchr, and a copy only
/// for a line cut across frames.
#[derive(Default)]
struct Lines {
    pending: Vec<u8>,
}

impl Lines {
    fn feed(&mut self, chunk: &[u8], on_line: &mut impl FnMut(&[u8])) {
        let mut rest = chunk;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            if self.pending.is_empty() {
                on_line(&rest[..i]);
            } else {
                self.pending.extend_from_slice(&rest[..i]);
                on_line(&self.pending);
                self.pending.clear();
            }
            rest = &rest[i + 1..];
        }
        self.pending.extend_from_slice(rest);
    }
}

/// Lines of the raw body over HTTP.
async fn raw_lines(url: &str, path: &str, body: &Value, mut on_line: impl FnMut(&[u8])) {
    let r = reqwest::Client::new().post(format!("{url}{path}")).json(body).send().await.unwrap();
    let mut s = r.bytes_stream();
    let mut lines = Lines::default();
    while let Some(chunk) = s.next().await {
        lines.feed(&chunk.unwrap(), &mut on_line);
    }
}

const FRAME: usize = 64 * 1024;

/// Lines of the body held in memory, in the server's frames.
fn memory_lines(body: &Bytes, mut on_line: impl FnMut(&[u8])) {
    let mut lines = Lines::default();
    for frame in body.chunks(FRAME) {
        lines.feed(frame, &mut on_line);
    }
}

/// The body held in memory as a streamed response, in the server's frames.
fn memory_response(body: &Bytes) -> reqwest::Response {
    let frames: Vec<std::io::Result<Bytes>> = (0..body.len()).step_by(FRAME).map(|i| Ok(body.slice(i..(i + FRAME).min(body.len())))).collect();
    http::Response::new(reqwest::Body::wrap_stream(futures_util::stream::iter(frames))).into()
}

fn memory_stream(body: &Bytes, op: &str) -> EventStream {
    EventStream::from_response(memory_response(body), op).unwrap()
}

/// The joined text of chat chunks read with the typed `next()`.
async fn chat_text(mut s: ChatStream) -> String {
    let mut text = String::new();
    while let Some(c) = s.next().await {
        if let Some(t) = c.unwrap().choices.first().and_then(|ch| ch.delta.content.as_deref()) {
            text.push_str(t);
        }
    }
    text
}

async fn next_text_all(mut s: ChatStream) -> String {
    let mut text = String::new();
    while let Some(piece) = s.next_text().await {
        text.push_str(&piece.unwrap());
    }
    text
}

async fn message_text(mut s: MessageStream) -> String {
    let mut text = String::new();
    while let Some(ev) = s.next_typed().await {
        if let MessageStreamEvent::ContentBlockDelta { delta, .. } = ev.unwrap() {
            text.push_str(delta.text.as_deref().unwrap_or(""));
        }
    }
    text
}

/// The text of a chat chunk line, through a `serde_json::Value`.
fn value_chat(d: &[u8], text: &mut String) {
    if d != b"[DONE]" {
        let v: Value = serde_json::from_slice(d).unwrap();
        text.push_str(v["choices"][0]["delta"]["content"].as_str().unwrap_or(""));
    }
}

/// The same through the core's chunk type: what parsing alone costs, with no stream around it.
fn typed_chat(d: &[u8], text: &mut String) {
    if d != b"[DONE]" {
        let c: ChatCompletionChunk = serde_json::from_slice(d).unwrap();
        text.push_str(c.choices.first().and_then(|ch| ch.delta.content.as_deref()).unwrap_or(""));
    }
}

fn value_message(d: &[u8], text: &mut String) {
    let v: Value = serde_json::from_slice(d).unwrap();
    if v["type"] == "content_block_delta" {
        text.push_str(v["delta"]["text"].as_str().unwrap_or(""));
    }
}

/// The joined text of a stream read the way bindings read it: `next_batch`, then each event's text.
async fn batched_text(s: EventStream) -> String {
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
    /// The row this one is compared with (its `Value` baseline).
    base: usize,
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
    let url = server(openai.clone(), anthropic.clone()).await;
    let client = Client::builder().api_key("sk-bench").base_url(&url).max_retries(0).build().unwrap();

    let mut rows: Vec<Row> = Vec::new();
    // (name, the row it is compared with as the `Value` baseline)
    let names = [
        ("raw reqwest bytes_stream + memchr lines, no parsing (floor)", 1),
        ("  + serde_json::Value per chunk, reading delta.content", 1),
        ("core chat.completions.stream() -> next(), reading delta.content", 1),
        ("core next_text()", 1),
        ("core EventStream::next_batch(256), reading ev.text()", 1),
        ("anthropic: raw + serde_json::Value, reading delta.text", 5),
        ("anthropic: core messages.stream() -> next_typed(), reading delta.text", 5),
        ("anthropic: core EventStream::next_batch(256), reading ev.text()", 5),
        ("in memory: memchr lines, no parsing (floor)", 9),
        ("in memory:   + serde_json::Value per chunk, reading delta.content", 9),
        ("in memory: core ChatStream::next(), reading delta.content", 9),
        ("in memory: core next_text()", 9),
        ("in memory: core EventStream::next_batch(256), reading ev.text()", 9),
        ("in memory: anthropic, serde_json::Value, reading delta.text", 13),
        ("in memory: anthropic, core next_typed(), reading delta.text", 13),
        ("in memory: memchr lines + serde_json into ChatCompletionChunk (parse alone)", 9),
    ];
    for (name, base) in names {
        rows.push(Row { name, base, rates: Vec::new() });
    }
    let (o, a) = (&openai, &anthropic);
    // `--only K` runs row K alone (for a profiler).
    let only = args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)).and_then(|v| v.parse::<usize>().ok());
    for _ in 0..rounds {
        for (k, row) in rows.iter_mut().enumerate() {
            if only.is_some_and(|o| o != k) {
                continue;
            }
            let t = Instant::now();
            let mut text = String::new();
            let expected = match k {
                0 | 8 => {
                    let mut n = 0;
                    let count = |l: &[u8]| n += l.starts_with(b"data: ") as usize;
                    if k == 0 {
                        raw_lines(&url, "/v1/chat/completions", &chat(), count).await
                    } else {
                        memory_lines(o, count)
                    }
                    assert_eq!(n, chunks + 1);
                    &text
                }
                1 => {
                    raw_lines(&url, "/v1/chat/completions", &chat(), |l| l.strip_prefix(b"data: ").into_iter().for_each(|d| value_chat(d, &mut text))).await;
                    &openai_text
                }
                9 => {
                    memory_lines(o, |l| l.strip_prefix(b"data: ").into_iter().for_each(|d| value_chat(d, &mut text)));
                    &openai_text
                }
                15 => {
                    memory_lines(o, |l| l.strip_prefix(b"data: ").into_iter().for_each(|d| typed_chat(d, &mut text)));
                    &openai_text
                }
                2 => {
                    text = chat_text(client.chat().completions().stream(chat()).await.unwrap()).await;
                    &openai_text
                }
                10 => {
                    text = chat_text(memory_stream(o, id::CREATE_CHAT_COMPLETION).into()).await;
                    &openai_text
                }
                3 => {
                    text = next_text_all(client.chat().completions().stream(chat()).await.unwrap()).await;
                    &openai_text
                }
                11 => {
                    text = next_text_all(memory_stream(o, id::CREATE_CHAT_COMPLETION).into()).await;
                    &openai_text
                }
                4 => {
                    text = batched_text(client.stream(id::CREATE_CHAT_COMPLETION, CallArgs::new().json(chat())).await.unwrap()).await;
                    &openai_text
                }
                12 => {
                    text = batched_text(memory_stream(o, id::CREATE_CHAT_COMPLETION)).await;
                    &openai_text
                }
                5 => {
                    raw_lines(&url, "/v1/messages", &message(), |l| l.strip_prefix(b"data: ").into_iter().for_each(|d| value_message(d, &mut text))).await;
                    &anthropic_text
                }
                13 => {
                    memory_lines(a, |l| l.strip_prefix(b"data: ").into_iter().for_each(|d| value_message(d, &mut text)));
                    &anthropic_text
                }
                6 => {
                    text = message_text(client.messages().stream(message()).await.unwrap()).await;
                    &anthropic_text
                }
                14 => {
                    text = message_text(memory_stream(a, id::CREATE_MESSAGE).into()).await;
                    &anthropic_text
                }
                _ => {
                    text = batched_text(client.stream(id::CREATE_MESSAGE, CallArgs::new().json(message())).await.unwrap()).await;
                    &anthropic_text
                }
            };
            row.rates.push(chunks as f64 / t.elapsed().as_secs_f64());
            assert_eq!(&text, expected, "{}", row.name);
        }
    }

    println!("\nCore streaming benchmark: {chunks} chunks per stream, medians of {rounds} rounds (release build)\n");
    if let Some(k) = only {
        println!("{:<72}{:>13.2}M", rows[k].name, median(&mut rows[k].rates.clone()) / 1e6);
        return;
    }
    let medians: Vec<f64> = rows.iter().map(|r| median(&mut r.rates.clone())).collect();
    println!("{:<72}{:>14}{:>10}{:>12}", "reader", "chunks/s", "/ floor", "/ Value");
    for (i, r) in rows.iter().enumerate() {
        let floor = if i >= 8 { medians[8] } else { medians[0] };
        println!("{:<72}{:>13.2}M{:>10.3}{:>12.2}", r.name, medians[i] / 1e6, medians[i] / floor, medians[i] / medians[r.base]);
    }
}
