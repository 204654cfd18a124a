//! `empirio-mock`: a faithful local stand-in for the EmpirioLabs AI gateway.
//!
//! It serves every operation of the gateway's openapi.yaml over real HTTP on 127.0.0.1, with the
//! OpenAI and Anthropic wire formats, stateful jobs, agent tasks, GPU instances and hosted agents,
//! per-request fault injection (`x-mock-fault`), and a request log at `/__mock/requests`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let bound = empirio_mock::server::bind(empirio_mock::options::Options::default()).await?;
//! println!("mock at http://{}", bound.addr);
//! bound.serve(std::future::pending()).await;
//! # Ok(()) }
//! ```

pub mod app;
pub mod auth;
pub mod catalog;
pub mod ctx;
pub mod errors;
pub mod fault;
pub mod ids;
pub mod jobs;
pub mod multipart;
pub mod options;
pub mod request_log;
pub mod routes;
pub mod server;
pub mod sse;
pub mod state;
pub mod text_gen;
pub mod validate;
