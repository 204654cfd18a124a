//! Official Rust SDK for the EmpirioLabs AI gateway.
//!
//! This crate is the core every language binding is built on. It starts with the client's
//! configuration: the API key and base URL, read from the environment the same way in every
//! language.
//!
//! ```
//! let cfg = empiriolabs::Config::from_env();
//! println!("talking to {}", cfg.base_url());
//! ```

mod config;

pub use config::{Config, DEFAULT_BASE_URL, ENV_API_KEY, ENV_BASE_URL};
