//! `_native.Stream`: a pulled SSE stream. Events already decoded are handed out without
//! leaving the interpreter; only a real wait releases it. Chat and message streams are
//! accumulated in Rust, so the final object costs Python nothing.

use std::sync::Arc;

use empiriolabs::accumulate::{text_delta, ChatAccumulator, MessageAccumulator};
use empiriolabs::operations::StreamFlavor;
use empiriolabs::{EventStream, Result as CoreResult, StreamEvent};
use futures_util::FutureExt;
use pyo3::prelude::*;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::convert::{meta, to_py};
use crate::errors::to_pyerr;
use crate::runtime::{block_on, into_future, ready_future};

enum Acc {
    Chat(ChatAccumulator),
    Message(MessageAccumulator),
    None,
}

struct State {
    s: EventStream,
    acc: Acc,
}

impl State {
    fn take(&mut self, ev: &StreamEvent) {
        match &mut self.acc {
            Acc::Chat(a) => a.push(&ev.data),
            Acc::Message(a) => a.push(&ev.data),
            Acc::None => {}
        }
    }

    async fn next(&mut self) -> Option<CoreResult<Value>> {
        let ev = self.s.next().await?;
        Some(ev.map(|e| {
            self.take(&e);
            e.data
        }))
    }

    async fn next_text(&mut self) -> Option<CoreResult<String>> {
        let flavor = self.s.flavor();
        loop {
            match self.s.next().await? {
                Err(e) => return Some(Err(e)),
                Ok(e) => {
                    self.take(&e);
                    if let Some(t) = text_delta(flavor, &e.data).filter(|t| !t.is_empty()) {
                        return Some(Ok(t.to_string()));
                    }
                }
            }
        }
    }
}

#[pyclass(module = "empiriolabs._native", frozen)]
pub struct Stream {
    state: Arc<Mutex<State>>,
    flavor: StreamFlavor,
    meta: empiriolabs::ResponseMeta,
}

impl Stream {
    pub fn new(s: EventStream) -> Stream {
        let flavor = s.flavor();
        let acc = match flavor {
            StreamFlavor::OpenAi => Acc::Chat(ChatAccumulator::default()),
            StreamFlavor::Anthropic => Acc::Message(MessageAccumulator::default()),
            _ => Acc::None,
        };
        let meta = s.meta().clone();
        Stream { state: Arc::new(Mutex::new(State { s, acc })), flavor, meta }
    }
}

fn value_or_none(py: Python<'_>, v: Option<CoreResult<Value>>) -> PyResult<Py<PyAny>> {
    match v {
        None => Ok(py.None()),
        Some(r) => to_py(py, &r.map_err(to_pyerr)?),
    }
}

fn text_or_none(py: Python<'_>, v: Option<CoreResult<String>>) -> PyResult<Py<PyAny>> {
    match v {
        None => Ok(py.None()),
        Some(r) => Ok(r.map_err(to_pyerr)?.into_pyobject(py)?.into_any().unbind()),
    }
}

#[pymethods]
impl Stream {
    /// The next event's data, or `None` after the last.
    fn next(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        // Events already buffered need neither a thread hop nor releasing the interpreter.
        // (Inside the runtime's context, since an empty buffer arms the core's idle timer.)
        if let Ok(mut st) = self.state.try_lock() {
            let rt = crate::runtime::runtime();
            let _ctx = rt.enter();
            if let Some(ready) = st.next().now_or_never() {
                return value_or_none(py, ready);
            }
        }
        let state = self.state.clone();
        let got = block_on(py, async move { state.lock().await.next().await })?;
        value_or_none(py, got)
    }

    /// The next non-empty piece of text, skipping other events; `None` at the end.
    fn next_text(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if let Ok(mut st) = self.state.try_lock() {
            let rt = crate::runtime::runtime();
            let _ctx = rt.enter();
            if let Some(ready) = st.next_text().now_or_never() {
                return text_or_none(py, ready);
            }
        }
        let state = self.state.clone();
        let got = block_on(py, async move { state.lock().await.next_text().await })?;
        text_or_none(py, got)
    }

    fn anext<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // A buffered event completes at once, without a task or a cross-thread callback.
        if let Ok(mut st) = self.state.try_lock() {
            let rt = crate::runtime::runtime();
            let _ctx = rt.enter();
            if let Some(ready) = st.next().now_or_never() {
                return ready_future(py, value_or_none(py, ready));
            }
        }
        let state = self.state.clone();
        into_future(py, async move { state.lock().await.next().await }, value_or_none)
    }

    fn anext_text<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Ok(mut st) = self.state.try_lock() {
            let rt = crate::runtime::runtime();
            let _ctx = rt.enter();
            if let Some(ready) = st.next_text().now_or_never() {
                return ready_future(py, text_or_none(py, ready));
            }
        }
        let state = self.state.clone();
        into_future(py, async move { state.lock().await.next_text().await }, text_or_none)
    }

    /// Reads what is left and returns the accumulated completion or message (chat and
    /// Anthropic streams), or `None` for other streams.
    fn final_value(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let state = self.state.clone();
        let out = block_on(py, async move { finish(&mut *state.lock().await).await })?;
        value_or_none(py, out.transpose())
    }

    fn afinal_value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let state = self.state.clone();
        into_future(py, async move { finish(&mut *state.lock().await).await.transpose() }, value_or_none)
    }

    /// Closes the connection; the gateway stops billing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let state = self.state.clone();
        match self.state.try_lock() {
            Ok(mut st) => st.s.close(),
            Err(_) => block_on(py, async move { state.lock().await.s.close() })?,
        }
        Ok(())
    }

    #[getter]
    fn flavor(&self) -> &'static str {
        match self.flavor {
            StreamFlavor::OpenAi => "openai",
            StreamFlavor::Anthropic => "anthropic",
            StreamFlavor::Responses => "responses",
            StreamFlavor::Typed => "typed",
        }
    }

    #[getter]
    fn meta(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        meta(py, &self.meta)
    }
}

async fn finish(st: &mut State) -> CoreResult<Option<Value>> {
    while let Some(ev) = st.next().await {
        ev?;
    }
    Ok(match std::mem::replace(&mut st.acc, Acc::None) {
        Acc::Chat(a) => Some(a.finish()),
        Acc::Message(a) => Some(a.finish()),
        Acc::None => None,
    })
}
