//! `NativePager`: the core's cursor walk, a page per call.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::client::meta_json;
use crate::errors::to_napi;
use crate::token::{unless_cancelled, NativeToken};

#[napi]
pub struct NativePager {
    inner: empiriolabs::Pager,
}

impl NativePager {
    pub fn new(inner: empiriolabs::Pager) -> NativePager {
        NativePager { inner }
    }
}

#[napi]
impl NativePager {
    /// `[pageJson, metaJson, hasNextPage]` for the next page, or `null` after the last.
    #[napi(ts_args_type = "token?: NativeToken | undefined | null", ts_return_type = "Promise<[string, string, boolean] | null>")]
    pub fn next_page<'env>(&self, env: &'env Env, token: Option<&NativeToken>) -> Result<PromiseRaw<'env, Option<(String, String, bool)>>> {
        let p = self.inner.clone();
        let token = token.map(|t| t.inner.clone());
        env.spawn_future(async move {
            let fetched = unless_cancelled(token, async {
                match p.next_page().await {
                    None => Ok(None),
                    Some(page) => Ok(Some(page?)),
                }
            })
            .await
            .map_err(to_napi)?;
            let Some(page) = fetched else { return Ok(None) };
            let meta = p.last_meta().await.map(|m| meta_json(&m)).unwrap_or_else(|| "{}".into());
            Ok(Some((page.to_string(), meta, p.has_next_page().await)))
        })
    }

    /// Whether another page may follow.
    #[napi]
    pub async fn has_next_page(&self) -> bool {
        self.inner.has_next_page().await
    }

    #[napi(getter)]
    pub fn operation(&self) -> &'static str {
        self.inner.operation()
    }
}
