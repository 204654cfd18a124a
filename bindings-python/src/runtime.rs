//! The tokio runtime the bindings run on, and the two ways Python waits for it: blocking
//! (with the interpreter released and Ctrl-C honoured) and as an asyncio future.
//!
//! The runtime is replaced after `fork()`: its threads do not exist in the child.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::prelude::*;

static RUNTIME: Mutex<Option<Arc<tokio::runtime::Runtime>>> = Mutex::new(None);

pub fn runtime() -> Arc<tokio::runtime::Runtime> {
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    slot.get_or_insert_with(|| {
        Arc::new(tokio::runtime::Builder::new_multi_thread().worker_threads(2).thread_name("empiriolabs-io").enable_all().build().expect("tokio runtime"))
    })
    .clone()
}

/// Stops the runtime at interpreter exit, before finalization: pending I/O is abandoned, and a
/// worker that is handing a result to Python can finish (the interpreter is released while we
/// wait), so no thread touches a finalizing interpreter.
pub fn shutdown(py: Python<'_>) {
    let taken = RUNTIME.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(rt) = taken {
        match Arc::try_unwrap(rt) {
            Ok(rt) => py.detach(|| rt.shutdown_timeout(Duration::from_millis(500))),
            // Still borrowed by a call in flight on another thread: leave it to the OS.
            Err(shared) => std::mem::forget(shared),
        }
    }
}

/// Forgets the parent's runtime in a forked child (dropping it would wait for threads that
/// are gone); the next call builds a fresh one.
pub fn forget_after_fork() {
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(old) = slot.take() {
        std::mem::forget(old);
    }
}

/// Runs `fut` to completion with the interpreter released, checking for signals every 50 ms
/// so Ctrl-C raises `KeyboardInterrupt` promptly and abandons (drops) the work.
pub fn block_on<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime();
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    // `detach` needs a `Send` closure; a mutex makes the receiver shareable by reference.
    let rx = Mutex::new(rx);
    let task = rt.spawn(async move {
        let _ = tx.send(fut.await);
    });
    loop {
        let got = py.detach(|| rx.lock().unwrap_or_else(|p| p.into_inner()).recv_timeout(Duration::from_millis(50)));
        match got {
            Ok(v) => return Ok(v),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Err(e) = py.check_signals() {
                    task.abort();
                    return Err(e);
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyRuntimeError::new_err("the SDK's I/O task ended without an answer"));
            }
        }
    }
}

/// Cancels the Rust task when the asyncio future is cancelled.
#[pyclass]
struct AbortOnCancel {
    handle: tokio::task::AbortHandle,
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("cancelled")?.is_truthy()? {
            self.handle.abort();
        }
        Ok(())
    }
}

/// An asyncio future that already holds `value` (for answers ready without waiting).
pub fn ready_future<'py>(py: Python<'py>, value: PyResult<Py<PyAny>>) -> PyResult<Bound<'py, PyAny>> {
    let fut = py.import("asyncio")?.call_method0("get_running_loop")?.call_method0("create_future")?;
    match value {
        Ok(v) => fut.call_method1("set_result", (v,))?,
        Err(e) => fut.call_method1("set_exception", (e.into_value(py),))?,
    };
    Ok(fut)
}

/// Runs `fut` on the runtime and returns an asyncio future for its converted result.
pub fn into_future<'py, F, T>(py: Python<'py>, fut: F, convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let py_fut = event_loop.call_method0("create_future")?;
    let (loop_ref, fut_ref) = (event_loop.clone().unbind(), py_fut.clone().unbind());
    let task = runtime().spawn(async move {
        let out = fut.await;
        Python::attach(|py| {
            let (setter, value) = match convert(py, out) {
                Ok(v) => ("set_result", v),
                Err(e) => ("set_exception", e.into_value(py).into_any()),
            };
            // The loop may be closed by now; then nobody is waiting.
            if let Ok(set) = py.import("empiriolabs._bridge").and_then(|m| m.getattr(setter)) {
                let _ = loop_ref.bind(py).call_method1("call_soon_threadsafe", (set, fut_ref.clone_ref(py), value));
            }
        });
    });
    py_fut.call_method1("add_done_callback", (AbortOnCancel { handle: task.abort_handle() },))?;
    Ok(py_fut)
}
