//! Cursor pagination: lists that page with `before` / `next_cursor` / `has_more`, walked lazily.

use std::collections::VecDeque;

use serde_json::Value;

use crate::call::{CallArgs, ResponseMeta};
use crate::client::Client;
use crate::error::Result;

/// A lazy walk over every page of a cursor-paged list (account usage, playground
/// conversations; lists without a cursor, such as jobs, are one page).
///
/// ```no_run
/// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
/// let mut events = client.account().usage().list(serde_json::json!({"limit": 100}))?;
/// while let Some(event) = events.next_item().await {
///     println!("{}", event?["id"]);
/// }
/// # Ok(()) }
/// ```
pub struct Pager {
    client: Client,
    op: &'static str,
    args: CallArgs,
    cursor: Option<String>,
    done: bool,
    buffer: VecDeque<Value>,
    last: Option<ResponseMeta>,
}

impl Pager {
    /// A walk over operation `op` (one that pages with `before` / `next_cursor`), from `args`.
    pub fn new(client: Client, op: &'static str, args: CallArgs) -> Pager {
        Pager { client, op, args, cursor: None, done: false, buffer: VecDeque::new(), last: None }
    }

    /// The next page as the gateway sent it; `None` once the last one was returned.
    pub async fn next_page(&mut self) -> Option<Result<Value>> {
        if self.done {
            return None;
        }
        let mut args = self.args.clone();
        if let Some(c) = &self.cursor {
            args.query.retain(|(k, _)| k != "before");
            args.query.push(("before".into(), c.clone()));
        }
        let page = match self.client.call(self.op, args).await.and_then(|r| {
            let v = r.value()?;
            self.last = Some(r.meta);
            Ok(v)
        }) {
            Ok(p) => p,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        let more = page.get("has_more").and_then(Value::as_bool).unwrap_or(false);
        self.cursor = page.get("next_cursor").and_then(Value::as_str).map(str::to_string);
        self.done = !more || self.cursor.is_none();
        Some(Ok(page))
    }

    /// Status, headers and request id of the last page fetched.
    pub fn last_meta(&self) -> Option<&ResponseMeta> {
        self.last.as_ref()
    }

    /// The next item across pages.
    pub async fn next_item(&mut self) -> Option<Result<Value>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            match self.next_page().await? {
                Ok(mut page) => {
                    if let Some(Value::Array(items)) = page.get_mut("data").map(Value::take) {
                        self.buffer.extend(items);
                    }
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Every remaining item (all pages).
    pub async fn collect_all(mut self) -> Result<Vec<Value>> {
        let mut out = Vec::new();
        while let Some(item) = self.next_item().await {
            out.push(item?);
        }
        Ok(out)
    }
}
