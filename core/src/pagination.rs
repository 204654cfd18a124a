//! Cursor pagination: lists that page with `before` / `next_cursor` / `has_more`, walked lazily.

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::Mutex;

use serde_json::Value;

use crate::call::{CallArgs, ResponseMeta};
use crate::client::Client;
use crate::error::Result;

/// A lazy walk over every page of a cursor-paged list (account usage, playground
/// conversations; lists without a cursor, such as jobs, are one page).
///
/// ```no_run
/// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
/// let events = client.account().usage().list(serde_json::json!({"limit": 100}))?;
/// while let Some(event) = events.next_item().await {
///     println!("{}", event?["id"]);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Pager {
    client: Client,
    op: &'static str,
    args: CallArgs,
    /// Clones share one position in the walk.
    state: Arc<Mutex<Walk>>,
}

#[derive(Default)]
struct Walk {
    cursor: Option<String>,
    done: bool,
    buffer: VecDeque<Value>,
    last: Option<ResponseMeta>,
    pages: u64,
}

impl std::fmt::Debug for Pager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (pages, done) = self.state.try_lock().map(|w| (w.pages, w.done)).unwrap_or_default();
        f.debug_struct("Pager").field("operation", &self.op).field("pages_fetched", &pages).field("done", &done).finish()
    }
}

impl Pager {
    /// A walk over operation `op` (one that pages with `before` / `next_cursor`), from `args`.
    pub fn new(client: Client, op: &'static str, args: CallArgs) -> Pager {
        Pager { client, op, args, state: Arc::default() }
    }

    /// The operation this walks.
    pub fn operation(&self) -> &'static str {
        self.op
    }

    async fn fetch(&self, w: &mut Walk) -> Option<Result<Value>> {
        if w.done {
            return None;
        }
        let mut args = self.args.clone();
        if let Some(c) = &w.cursor {
            args.query.retain(|(k, _)| k != "before");
            args.query.push(("before".into(), c.clone()));
        }
        let page = match self.client.call(self.op, args).await.and_then(|r| Ok((r.value()?, r.meta))) {
            Ok((page, meta)) => {
                w.last = Some(meta);
                page
            }
            Err(e) => {
                w.done = true;
                return Some(Err(e));
            }
        };
        w.pages += 1;
        let more = page.get("has_more").and_then(Value::as_bool).unwrap_or(false);
        w.cursor = page.get("next_cursor").and_then(Value::as_str).map(str::to_string);
        w.done = !more || w.cursor.is_none();
        Some(Ok(page))
    }

    /// The next page as the gateway sent it; `None` once the last one was returned.
    pub async fn next_page(&self) -> Option<Result<Value>> {
        let mut w = self.state.lock().await;
        self.fetch(&mut w).await
    }

    /// Whether another page may follow (false once the last page was fetched or one failed).
    pub async fn has_next_page(&self) -> bool {
        !self.state.lock().await.done
    }

    /// Status, headers and request id of the last page fetched.
    pub async fn last_meta(&self) -> Option<ResponseMeta> {
        self.state.lock().await.last.clone()
    }

    /// The next item across pages.
    pub async fn next_item(&self) -> Option<Result<Value>> {
        let mut w = self.state.lock().await;
        loop {
            if let Some(item) = w.buffer.pop_front() {
                return Some(Ok(item));
            }
            match self.fetch(&mut w).await? {
                Ok(mut page) => {
                    if let Some(Value::Array(items)) = page.get_mut("data").map(Value::take) {
                        w.buffer.extend(items);
                    }
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Every remaining item (all pages).
    pub async fn collect_all(&self) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        while let Some(item) = self.next_item().await {
            out.push(item?);
        }
        Ok(out)
    }
}
