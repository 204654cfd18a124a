//! The native addon of the `empiriolabs` npm package: the Rust core's handles as N-API classes,
//! one to one. It translates and nothing else: arguments and answers cross as JSON strings and
//! Buffers (never N-API object trees), errors as the core's flat error info serialized into the
//! JS error's message, and the TypeScript layer (`src/`) builds the idiomatic surface on top.

mod args;
mod client;
mod errors;
mod job;
mod pager;
mod stream;
mod token;

use napi_derive::napi;

/// Every operation of the gateway: `[operationId, method, path]`.
#[napi]
pub fn operations() -> Vec<(String, String, String)> {
    empiriolabs::operations::OPERATIONS.iter().map(|o| (o.id.to_string(), o.method.to_string(), o.path.to_string())).collect()
}

/// The version of this addon (the npm package's version).
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Every `class` a native error's info can carry (the core's list).
#[napi]
pub fn error_classes() -> Vec<String> {
    empiriolabs::ERROR_CLASSES.iter().map(|c| c.to_string()).collect()
}
