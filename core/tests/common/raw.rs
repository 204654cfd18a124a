//! A scripted HTTP/1.1 server on 127.0.0.1 for conditions the mock gateway cannot produce
//! (a redirect to a second origin, a body that stalls after a retry, junk headers on a poll).
//! Each request is recorded as received; the script answers it with raw bytes and pauses.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as it arrived: its request line's method and target, headers (names
/// lowercased) and body.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// What the server does for a request.
pub enum Step {
    Write(Vec<u8>),
    Sleep(Duration),
    /// Keep the connection open and silent for good.
    Hang,
}

/// A whole response with a JSON body.
pub fn json(status: u16, extra_headers: &str, body: &str) -> Step {
    Step::Write(format!("HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: req_raw\r\n{extra_headers}\r\n{body}", body.len()).into_bytes())
}

/// The head of a response whose body follows in later steps (`connection: close` ends it).
pub fn head(status: u16, headers: &str) -> Step {
    Step::Write(format!("HTTP/1.1 {status} X\r\nconnection: close\r\n{headers}\r\n").into_bytes())
}

pub fn bytes(b: &[u8]) -> Step {
    Step::Write(b.to_vec())
}

type Script = dyn Fn(usize, &Seen) -> Vec<Step> + Send + Sync;

pub struct Raw {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Raw {
    /// Starts a server whose `script(n, request)` answers the `n`th request (0-based).
    pub async fn start(script: impl Fn(usize, &Seen) -> Vec<Step> + Send + Sync + 'static) -> Raw {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let script: Arc<Script> = Arc::new(script);
        let log = seen.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else { return };
                let (log, script) = (log.clone(), script.clone());
                tokio::spawn(serve(sock, log, script));
            }
        });
        Raw { url, seen, task }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(mut sock: TcpStream, log: Arc<Mutex<Vec<Seen>>>, script: Arc<Script>) {
    let mut buf = Vec::new();
    {
        let Some(req) = read_request(&mut sock, &mut buf).await else { return };
        let n = {
            let mut l = log.lock().unwrap();
            l.push(req.clone());
            l.len() - 1
        };
        for step in script(n, &req) {
            match step {
                Step::Write(b) => {
                    if sock.write_all(&b).await.is_err() {
                        return;
                    }
                }
                Step::Sleep(d) => tokio::time::sleep(d).await,
                Step::Hang => std::future::pending::<()>().await,
            }
        }
        // One request per connection: every answer says `connection: close`.
        let _ = sock.shutdown().await;
    }
}

async fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Seen> {
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())).collect();
    let len: usize = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut rest = buf.split_off(end + 4);
    while rest.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        rest.extend_from_slice(&chunk[..n]);
    }
    *buf = rest.split_off(len.min(rest.len()));
    Some(Seen { method, target, headers, body: rest })
}
