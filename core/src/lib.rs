//! Official Rust SDK for the EmpirioLabs AI gateway, and the core every language binding is
//! built on: configuration, one pooled HTTP client, retries, typed errors, SSE streams, job
//! polling, pagination, uploads, and every operation of the gateway.
//!
//! ```
//! let cfg = empiriolabs::Config::from_env();
//! println!("talking to {}", cfg.base_url());
//! ```

pub mod accumulate;
mod args;
pub mod call;
pub mod client;
mod download;
mod config;
pub mod error;
mod error_info;
pub mod job;
pub mod operations;
pub mod options;
pub mod pagination;
mod raw_body;
pub mod redact;
pub mod reply;
pub mod requests;
pub mod resources;
mod settings;
pub mod retry;
pub mod sse;
pub mod stream;
pub mod types;
pub mod upload;

pub use call::{ApiResponse, CallArgs, Outcome, Payload, ResponseMeta};
pub use client::{AuthStyle, Client, ClientBuilder};
pub use config::{Config, DEFAULT_BASE_URL, ENV_API_KEY, ENV_BASE_URL};
pub use error::{ApiError, Error, Result, StreamErrorKind, TimeoutKind};
pub use error_info::{status_class, ErrorInfo, CLASSES as ERROR_CLASSES};
pub use job::{Generation, Job, JobProgress, ProgressSink, WaitOptions};
pub use options::{CancellationToken, RequestOptions};
pub use pagination::Pager;
pub use reply::Reply;
pub use settings::{seconds, ClientSettings};
pub use stream::{EventStream, StreamEvent};

/// The README's Rust examples, compiled as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
