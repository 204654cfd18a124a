//! `empiriolabs_ffi`: the Rust core exported with uniffi for the Kotlin and Swift packages.
//!
//! It translates and nothing else: the core's client, stream, pager and job handles become
//! uniffi objects, JSON crosses as text, the core's flat error info becomes [`NativeError`],
//! and a callback interface carries job progress. Retries, SSE, polling and status classes all
//! stay in the core; the idiomatic Kotlin and Swift layers are in `kotlin/` and `swift/`.
//!
//! Every async method runs on this library's tokio runtime (see [`runtime`]): dropping its
//! future (a cancelled Kotlin coroutine) or cancelling its [`CancelHandle`] (a cancelled Swift
//! `Task`) trips the core's cancellation token and aborts the work.

// `NativeError` is the core's flat error record and crosses the boundary by value, fields and all.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!();

// The library's buffers are allocated on the runtime's threads and freed on the JVM's (or
// Swift's) threads; glibc's arenas serialise those frees on a lock, mimalloc frees them without one.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod chunk;
mod client;
mod error;
mod job;
mod pager;
mod runtime;
mod stream;

pub use client::{AuthStyle, Backoff, CallInput, CallOptions, ClientSettings, FilePart, NativeClient, Outcome, NameValue, ResponseMeta};
pub use error::NativeError;
pub use job::{NativeJob, ProgressListener, ProgressUpdate, WaitSettings};
pub use pager::{NativePager, Page};
pub use runtime::CancelHandle;
pub use stream::{NativeStream, StreamEvent};

/// One operation of the gateway, as the core's table has it.
#[derive(uniffi::Record)]
pub struct OperationInfo {
    pub id: String,
    pub method: String,
    pub path: String,
}

/// Every operation of the gateway.
#[uniffi::export]
pub fn operations() -> Vec<OperationInfo> {
    empiriolabs::operations::OPERATIONS.iter().map(|o| OperationInfo { id: o.id.into(), method: o.method.into(), path: o.path.into() }).collect()
}

/// This package's version (the one the user agent names).
#[uniffi::export]
pub fn binding_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Every error class [`NativeError::Failed`] can carry (the same names in every language).
#[uniffi::export]
pub fn error_classes() -> Vec<String> {
    empiriolabs::ERROR_CLASSES.iter().map(|c| c.to_string()).collect()
}

/// The gateway's shortest hold of a non-streaming agent run, which `agents.start` asks for.
#[uniffi::export]
pub fn start_wait_seconds() -> u64 {
    empiriolabs::resources::agents::START_WAIT_SECONDS
}
