//! `NativeToken`: a cancellation token the TypeScript layer trips when a call's `AbortSignal`
//! fires; it is the core's `CancellationToken` (`RequestOptions::cancel_token`).

use std::future::Future;

use empiriolabs::CancellationToken;
use napi_derive::napi;

#[napi]
pub struct NativeToken {
    pub(crate) inner: CancellationToken,
}

impl Default for NativeToken {
    fn default() -> Self {
        NativeToken::new()
    }
}

#[napi]
impl NativeToken {
    #[napi(constructor)]
    pub fn new() -> NativeToken {
        NativeToken { inner: CancellationToken::new() }
    }

    /// Ends the calls (and streams, waits and page fetches) that carry this token.
    #[napi]
    pub fn cancel(&self) {
        self.inner.cancel();
    }

    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }
}

/// Runs `fut` unless `token` fires first; then the future is dropped (the core's waits and page
/// fetches are cancel-safe) and the answer is the core's `Cancelled` error.
pub async fn unless_cancelled<T>(token: Option<CancellationToken>, fut: impl Future<Output = empiriolabs::Result<T>>) -> empiriolabs::Result<T> {
    match token {
        None => fut.await,
        Some(t) => tokio::select! {
            r = fut => r,
            _ = t.cancelled() => Err(empiriolabs::Error::Cancelled),
        },
    }
}
