//! A mock gateway per test, in-process on its own runtime thread, so tests never share state.

#![allow(dead_code)]

pub mod raw;

use std::time::Duration;

use empiriolabs::Client;
use serde_json::Value;

pub const KEY: &str = "sk-empirio-test";

/// The gateway's published spec, kept in the repository at `spec/openapi.yaml`.
pub fn spec_path() -> std::path::PathBuf {
    repo_root().join("spec/openapi.yaml")
}

pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub struct Mock {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Mock {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a mock with test clocks: jobs take 300 ms and are kept 2 s after finishing.
pub fn mock() -> Mock {
    mock_with(|o| o)
}

pub fn mock_with(f: impl FnOnce(empirio_mock::options::Options) -> empirio_mock::options::Options) -> Mock {
    let opts = f(empirio_mock::options::Options {
        job_duration: Duration::from_millis(300),
        job_retention: Duration::from_secs(2),
        sync_window: Duration::from_millis(1000),
        ..Default::default()
    });
    let (tx_addr, rx_addr) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let bound = empirio_mock::server::bind(opts).await.unwrap();
            tx_addr.send(bound.addr).unwrap();
            bound.serve(async { let _ = stop_rx.await; }).await;
        });
        rt.shutdown_background();
    });
    let addr = rx_addr.recv().unwrap();
    Mock { url: format!("http://{addr}"), stop: Some(stop_tx), thread: Some(thread) }
}

impl Mock {
    /// A client for this mock with quick retries.
    pub fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    pub fn builder(&self) -> empiriolabs::ClientBuilder {
        Client::builder().api_key(KEY).base_url(&self.url).retry_backoff(Duration::from_millis(10), Duration::from_millis(50))
    }

    /// The mock's request log, optionally for one path.
    pub async fn requests(&self, path: Option<&str>) -> Vec<Value> {
        let mut url = format!("{}/__mock/requests", self.url);
        if let Some(p) = path {
            url.push_str(&format!("?path={p}"));
        }
        let v: Value = reqwest_get(&url).await;
        v["data"].as_array().cloned().unwrap_or_default()
    }

    pub async fn reset(&self) {
        let c = reqwest::Client::new();
        c.post(format!("{}/__mock/reset", self.url)).send().await.unwrap();
    }
}

async fn reqwest_get(url: &str) -> Value {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}
