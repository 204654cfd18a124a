//! The tokio runtime every async method runs on, and how a foreign cancellation reaches it.
//!
//! A call is spawned onto the runtime and awaited. If the foreign side gives up, either by
//! dropping the future (Kotlin frees it when its coroutine is cancelled) or by cancelling the
//! call's [`CancelHandle`] (Swift's `Task` cancellation handler), the core's
//! `CancellationToken` is cancelled, which ends a request or a stream with `Error::Cancelled`
//! and closes its connection, and the spawned task is aborted.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use empiriolabs::{CancellationToken, Error};

use crate::error::NativeError;

static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();

pub fn runtime() -> &'static tokio::runtime::Runtime {
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("empiriolabs-io").enable_all().build().expect("tokio runtime"))
}

/// A cancellation the foreign side holds for one call: `cancel()` ends the call it was passed to.
#[derive(uniffi::Object, Default)]
pub struct CancelHandle {
    pub(crate) token: CancellationToken,
}

#[uniffi::export]
impl CancelHandle {
    #[uniffi::constructor]
    pub fn new() -> Arc<CancelHandle> {
        Arc::new(CancelHandle::default())
    }

    /// Ends the call (or the stream it opened) with a `Cancelled` error and closes its connection.
    pub fn cancel(&self) {
        self.token.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// Aborts a spawned task when the foreign side drops the future awaiting it.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The token a call runs under: the caller's, or a fresh one.
pub fn token(cancel: &Option<Arc<CancelHandle>>) -> CancellationToken {
    cancel.as_ref().map(|c| c.token.clone()).unwrap_or_default()
}

/// Runs `make(token)` on the runtime until it finishes or `token` is cancelled. Dropping the
/// returned future cancels `token` (unless the call finished) and aborts the task; the token
/// stays uncancelled after a finished call, so a stream it opened keeps it.
pub async fn run<T, F>(token: CancellationToken, fut: F) -> Result<T, NativeError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Error>> + Send + 'static,
{
    let on_drop = token.clone().drop_guard();
    let task = runtime().spawn(fut);
    let _abort = AbortOnDrop(task.abort_handle());
    let out = tokio::select! {
        biased;
        joined = task => match joined {
            Ok(r) => r.map_err(NativeError::from),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(NativeError::from(Error::Cancelled)),
        },
        _ = token.cancelled() => Err(NativeError::from(Error::Cancelled)),
    };
    on_drop.disarm();
    out
}
