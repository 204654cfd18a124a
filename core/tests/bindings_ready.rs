//! What the language bindings rely on: shareable handles, and futures that can be dropped at
//! any await point without losing data or leaking connections.

mod common;

use std::time::Duration;

use empiriolabs::resources::agents::AgentTask;
use empiriolabs::{Client, EventStream, Job, Pager, RequestOptions, WaitOptions};
use serde_json::json;

fn shareable<T: Send + Sync + 'static>() {}
fn sendable<T: Send + 'static>() {}

#[test]
fn handles_cross_threads() {
    shareable::<Client>();
    shareable::<Job>();
    shareable::<AgentTask>();
    shareable::<EventStream>();
    sendable::<Pager>();
}

#[tokio::test]
async fn dropping_next_mid_await_loses_no_event() {
    let m = common::mock();
    let c = m.client();
    let opts = RequestOptions::new().header("x-mock-stream-tokens", "40").header("x-mock-delay-ms", "3");
    let mut s = c.chat().completions().options(opts).stream(json!({"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": "x"}]})).await.unwrap();
    let (mut events, mut dropped) = (0, 0);
    loop {
        // A 1 ms budget abandons many `next()` futures half-way.
        match tokio::time::timeout(Duration::from_millis(1), s.next()).await {
            Err(_) => dropped += 1,
            Ok(None) => break,
            Ok(Some(ev)) => {
                ev.unwrap();
                events += 1;
            }
        }
    }
    assert_eq!(events, 1 + 40 + 2, "role chunk, 40 tokens, finish and usage chunks");
    assert!(dropped > 0, "the test never abandoned a future");
}

#[tokio::test]
async fn an_abandoned_wait_leaves_the_job_usable() {
    let m = common::mock();
    let c = m.client();
    let job = c.videos().options(RequestOptions::new().header("x-mock-job-ms", "500")).generate(json!({"model": "kling-o3", "prompt": "x"})).await.unwrap();
    let quick = WaitOptions::new().poll(Duration::from_millis(20), Duration::from_millis(40));
    assert!(tokio::time::timeout(Duration::from_millis(100), job.wait(quick.clone())).await.is_err());
    let other = job.clone();
    let result = tokio::spawn(async move { other.wait(quick).await }).await.unwrap().unwrap();
    assert!(result["data"][0]["url"].is_string());
    assert_eq!(job.status(), "completed", "clones share state");
}
