//! `empiriolabs._native`: the Rust core as a Python extension module. It translates and
//! nothing else; the idiomatic surface lives in the `empiriolabs` Python package.

mod build;
mod client;
mod convert;
mod errors;
mod job;
mod pager;
mod plan;
mod repeats;
mod runtime;
mod stream;

use pyo3::prelude::*;

/// Call in a forked child (the package registers it with `os.register_at_fork`): the
/// parent's runtime threads and pooled connections are not the child's to use.
#[pyfunction]
fn reset_after_fork() {
    runtime::forget_after_fork();
    client::FORK_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Called at interpreter exit (registered with `atexit`): stops the I/O threads first.
#[pyfunction]
fn shutdown(py: Python<'_>) {
    runtime::shutdown(py);
}

/// Every operation of the gateway: `(operation_id, method, path)`.
#[pyfunction]
fn operations() -> Vec<(&'static str, &'static str, &'static str)> {
    empiriolabs::operations::OPERATIONS.iter().map(|o| (o.id, o.method, o.path)).collect()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<client::Client>()?;
    m.add_class::<stream::Stream>()?;
    m.add_class::<stream::Events>()?;
    m.add_class::<job::Job>()?;
    m.add_class::<pager::Pager>()?;
    m.add_class::<plan::EventPlan>()?;
    m.add("NativeError", m.py().get_type::<errors::NativeError>())?;
    m.add_function(wrap_pyfunction!(reset_after_fork, m)?)?;
    m.add_function(wrap_pyfunction!(shutdown, m)?)?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    m.add_function(wrap_pyfunction!(build::set_builders, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
