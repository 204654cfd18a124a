//! `NativePager`: the core's cursor walk, a page at a time.

use std::sync::Arc;

use crate::client::ResponseMeta;
use crate::error::NativeError;
use crate::runtime::{run, token, CancelHandle};

/// One page as the gateway sent it (JSON text), with the response's meta.
#[derive(uniffi::Record, Clone, Debug)]
pub struct Page {
    pub body: String,
    pub meta: Option<ResponseMeta>,
}

#[derive(uniffi::Object)]
pub struct NativePager {
    inner: empiriolabs::Pager,
}

impl From<empiriolabs::Pager> for NativePager {
    fn from(inner: empiriolabs::Pager) -> NativePager {
        NativePager { inner }
    }
}

#[uniffi::export]
impl NativePager {
    /// The next page; `None` once the last one was returned.
    pub async fn next_page(&self, cancel: Option<Arc<CancelHandle>>) -> Result<Option<Page>, NativeError> {
        let p = self.inner.clone();
        run(token(&cancel), async move {
            let Some(page) = p.next_page().await else { return Ok(None) };
            let body = page?.to_string();
            Ok(Some(Page { body, meta: p.last_meta().await.as_ref().map(ResponseMeta::from) }))
        })
        .await
    }

    /// The next item across pages (JSON text); `None` after the last.
    pub async fn next_item(&self, cancel: Option<Arc<CancelHandle>>) -> Result<Option<String>, NativeError> {
        let p = self.inner.clone();
        run(token(&cancel), async move { p.next_item().await.transpose().map(|v| v.map(|v| v.to_string())) }).await
    }

    /// Whether another page may follow.
    pub async fn has_next_page(&self) -> bool {
        let p = self.inner.clone();
        crate::runtime::runtime().spawn(async move { p.has_next_page().await }).await.unwrap_or(false)
    }

    pub fn operation(&self) -> String {
        self.inner.operation().to_string()
    }
}
