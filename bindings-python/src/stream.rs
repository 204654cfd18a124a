//! `_native.Stream`: the core's stream handle. Events that can be had without waiting are
//! handed out without leaving the interpreter; only a real wait releases it. Sticky failures,
//! interrupting close and the final fold all live in the core.

use empiriolabs::operations::StreamFlavor;
use empiriolabs::{EventStream, StreamEvent};
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde_json::Value;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use crate::build::build_json;
use crate::plan::{EventPlan, Plan};
use crate::convert::{json_to_py, meta, to_py};
use crate::errors::to_pyerr;
use crate::runtime::{block_on, into_future, ready_future};

type Read<T> = Option<empiriolabs::Result<T>>;

#[pyclass(module = "empiriolabs._native", frozen)]
pub struct Stream {
    inner: EventStream,
    /// What events are built into, once the package set it (else they come as dicts).
    plan: OnceLock<Arc<Plan>>,
}

impl Stream {
    pub fn new(inner: EventStream) -> Stream {
        Stream { inner, plan: OnceLock::new() }
    }

    /// The plan events are built by, once the package set one.
    fn plan(&self) -> Option<&Plan> {
        self.plan.get().map(|p| &**p)
    }

    /// The next event if it needs no wait (inside the runtime, for the body's buffered bytes).
    fn ready(&self) -> Option<Read<StreamEvent>> {
        let rt = crate::runtime::runtime();
        let _ctx = rt.enter();
        self.inner.try_next()
    }

    /// The next read, waiting (with the interpreter released) only when nothing is ready.
    fn read(&self, py: Python<'_>) -> PyResult<Read<StreamEvent>> {
        if let Some(r) = self.ready() {
            return Ok(r);
        }
        let s = self.inner.clone();
        block_on(py, async move { s.next().await })
    }

    /// The next non-empty text if it needs no wait; `None` when it would wait.
    fn ready_text(&self) -> Option<Read<String>> {
        loop {
            match self.ready()? {
                None => return Some(None),
                Some(Err(e)) => return Some(Some(Err(e))),
                Some(Ok(ev)) => {
                    if let Some(t) = ev.text().filter(|t| !t.is_empty()) {
                        return Some(Some(Ok(t.to_string())));
                    }
                }
            }
        }
    }
}

/// An event as the package hands it out: built by the plan when there is one, else its dict.
fn event_obj(py: Python<'_>, ev: &StreamEvent, plan: Option<&Plan>) -> PyResult<Py<PyAny>> {
    match plan {
        Some(p) => build_json(py, p, ev.raw()),
        None => json_to_py(py, ev.raw()),
    }
}

fn event_or_none(py: Python<'_>, r: Read<StreamEvent>, plan: Option<&Plan>) -> PyResult<Py<PyAny>> {
    match r {
        None => Ok(py.None()),
        Some(Ok(ev)) => event_obj(py, &ev, plan),
        Some(Err(e)) => Err(to_pyerr(e)),
    }
}

/// `event_or_none` for a read that completed on the runtime, with the plan it carried along.
fn planned_event(py: Python<'_>, (r, plan): (Read<StreamEvent>, Option<Arc<Plan>>)) -> PyResult<Py<PyAny>> {
    event_or_none(py, r, plan.as_deref())
}

fn text_or_none(py: Python<'_>, r: Read<String>) -> PyResult<Py<PyAny>> {
    match r {
        None => Ok(py.None()),
        Some(Ok(t)) => Ok(t.into_pyobject(py)?.into_any().unbind()),
        Some(Err(e)) => Err(to_pyerr(e)),
    }
}

fn batch_list(py: Python<'_>, r: empiriolabs::Result<Vec<StreamEvent>>, plan: Option<&Plan>) -> PyResult<Py<PyAny>> {
    let events = r.map_err(to_pyerr)?;
    let list = PyList::empty(py);
    for ev in &events {
        list.append(event_obj(py, ev, plan)?)?;
    }
    Ok(list.into_any().unbind())
}

fn value_or_none(py: Python<'_>, r: empiriolabs::Result<Option<Value>>) -> PyResult<Py<PyAny>> {
    match r.map_err(to_pyerr)? {
        None => Ok(py.None()),
        Some(v) => to_py(py, &v),
    }
}

#[pymethods]
impl Stream {
    /// Builds events as `plan` says (an `EventPlan`, see `_models.native_plan`) from now on;
    /// set once.
    fn set_plan(&self, plan: PyRef<'_, EventPlan>) {
        let _ = self.plan.set(plan.0.clone());
    }

    /// The next event (built by the plan, else its data), or `None` after the last.
    fn next(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let got = self.read(py)?;
        event_or_none(py, got, self.plan())
    }

    /// An iterator over the events, for `for event in stream`: no Python code runs per event.
    /// A failure raises what `on_error(native_error)` returns; `on_done()` runs once, at the end.
    fn events(slf: Bound<'_, Self>, on_error: Py<PyAny>, on_done: Py<PyAny>) -> Events {
        Events { stream: slf.unbind(), on_error, on_done, ended: AtomicBool::new(false) }
    }

    /// The pieces of text available now (waiting for at least one), up to `max`, as a list;
    /// `[]` at the end. An error after some pieces comes on the next call.
    #[pyo3(signature = (max=256))]
    fn next_texts(&self, py: Python<'_>, max: usize) -> PyResult<Py<PyAny>> {
        let first = match self.ready_text() {
            Some(r) => r,
            None => {
                let s = self.inner.clone();
                block_on(py, async move { s.next_text().await })?
            }
        };
        let list = PyList::empty(py);
        match first {
            None => return Ok(list.into_any().unbind()),
            Some(r) => list.append(r.map_err(to_pyerr)?)?,
        }
        while list.len() < max.max(1) {
            match self.ready_text() {
                Some(Some(Ok(t))) => list.append(t)?,
                // The end, a failure (kept by the core) or a wait: the next call reports it.
                _ => break,
            }
        }
        Ok(list.into_any().unbind())
    }

    /// Every event available now (waiting for at least one), up to `max`; `[]` at the end.
    #[pyo3(signature = (max=256))]
    fn next_batch(&self, py: Python<'_>, max: usize) -> PyResult<Py<PyAny>> {
        let s = self.inner.clone();
        let got = block_on(py, async move { s.next_batch(max).await })?;
        batch_list(py, got, self.plan())
    }

    /// The next event if it needs no wait (as `next`); `...` (Ellipsis) when it would wait, so
    /// that an async reader awaits `anext` only then, and ready events cost no future.
    fn next_now(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self.ready() {
            Some(r) => event_or_none(py, r, self.plan()),
            None => Ok(py.Ellipsis()),
        }
    }

    fn anext<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // A ready event completes at once, without a task or a cross-thread callback.
        if let Some(r) = self.ready() {
            return ready_future(py, event_or_none(py, r, self.plan()));
        }
        // The plan goes along to the completion, which runs after this call returned.
        let (s, plan) = (self.inner.clone(), self.plan.get().cloned());
        into_future(py, async move { (s.next().await, plan) }, planned_event)
    }

    fn anext_text<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(r) = self.ready_text() {
            return ready_future(py, text_or_none(py, r));
        }
        let s = self.inner.clone();
        into_future(py, async move { s.next_text().await }, text_or_none)
    }

    /// Reads what is left and returns what the stream folds into (see the core's
    /// `EventStream::final_value`), or `None`. A failed stream raises, every time.
    fn final_value(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let s = self.inner.clone();
        let out = block_on(py, async move { s.final_value().await })?;
        value_or_none(py, out)
    }

    fn afinal_value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = self.inner.clone();
        into_future(py, async move { s.final_value().await }, value_or_none)
    }

    /// Closes the connection now, even while another thread waits on a read; the gateway
    /// stops billing.
    fn close(&self) {
        self.inner.close();
    }

    #[getter]
    fn flavor(&self) -> &'static str {
        match self.inner.flavor() {
            StreamFlavor::OpenAi => "openai",
            StreamFlavor::Anthropic => "anthropic",
            StreamFlavor::Responses => "responses",
            StreamFlavor::Typed => "typed",
        }
    }

    #[getter]
    fn meta(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        meta(py, self.inner.meta())
    }
}

/// `Stream.events(...)`: the events as a Python iterator.
#[pyclass(module = "empiriolabs._native", frozen)]
pub struct Events {
    stream: Py<Stream>,
    on_error: Py<PyAny>,
    on_done: Py<PyAny>,
    ended: AtomicBool,
}

#[pymethods]
impl Events {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let stream = self.stream.get();
        match stream.read(py)? {
            Some(Ok(ev)) => event_obj(py, &ev, stream.plan()).map(Some),
            None => {
                if !self.ended.swap(true, Ordering::Relaxed) {
                    self.on_done.call0(py)?;
                }
                Ok(None)
            }
            Some(Err(e)) => {
                let mapped = self.on_error.call1(py, (to_pyerr(e).into_value(py),))?;
                Err(PyErr::from_value(mapped.into_bound(py)))
            }
        }
    }
}
