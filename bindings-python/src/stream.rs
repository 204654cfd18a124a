//! `_native.Stream`: a pulled SSE stream. Events already decoded are handed out without
//! leaving the interpreter; only a real wait releases it. Chat and message streams are
//! accumulated in Rust, so the final object costs Python nothing.

use std::sync::Arc;

use empiriolabs::accumulate::{text_delta, ChatAccumulator, MessageAccumulator};
use empiriolabs::operations::StreamFlavor;
use empiriolabs::{EventStream, StreamEvent};
use futures_util::FutureExt;
use pyo3::prelude::*;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::{Mutex, Notify};

use crate::convert::{meta, to_py};
use crate::errors::from_fields;
use crate::runtime::{block_on, into_future, ready_future};

enum Acc {
    Chat(ChatAccumulator),
    Message(MessageAccumulator),
    None,
}

/// What a read gives: an item, the end, or a failure (as error fields, so it can be raised
/// again by a later `final_value`).
type Read<T> = Option<Result<T, Value>>;

struct State {
    s: EventStream,
    acc: Acc,
    failure: Option<Value>,
}

impl State {
    fn take(&mut self, ev: &StreamEvent) {
        match &mut self.acc {
            Acc::Chat(a) => a.push(&ev.data),
            Acc::Message(a) => a.push(&ev.data),
            Acc::None => {}
        }
    }

    fn fail<T>(&mut self, e: empiriolabs::Error) -> Read<T> {
        let f = crate::errors::fields(&e);
        self.failure = Some(f.clone());
        self.acc = Acc::None;
        Some(Err(f))
    }

    async fn next(&mut self) -> Read<Value> {
        match self.s.next().await? {
            Ok(e) => {
                self.take(&e);
                Some(Ok(e.data))
            }
            Err(e) => self.fail(e),
        }
    }

    async fn next_text(&mut self) -> Read<String> {
        let flavor = self.s.flavor();
        loop {
            match self.s.next().await? {
                Err(e) => return self.fail(e),
                Ok(e) => {
                    self.take(&e);
                    if let Some(t) = text_delta(flavor, &e.data).filter(|t| !t.is_empty()) {
                        return Some(Ok(t.to_string()));
                    }
                }
            }
        }
    }

    /// Reads the rest; the accumulated object, or the stream's failure (now or earlier).
    async fn finish(&mut self) -> Read<Value> {
        while let Some(ev) = self.next().await {
            if let Err(f) = ev {
                return Some(Err(f));
            }
        }
        if let Some(f) = &self.failure {
            return Some(Err(f.clone()));
        }
        match std::mem::replace(&mut self.acc, Acc::None) {
            Acc::Chat(a) => Some(Ok(a.finish())),
            Acc::Message(a) => Some(Ok(a.finish())),
            Acc::None => None,
        }
    }
}

/// Lets `close()` interrupt a read that is waiting on another thread.
#[derive(Default)]
struct Closer {
    closed: AtomicBool,
    wake: Notify,
}

#[pyclass(module = "empiriolabs._native", frozen)]
pub struct Stream {
    state: Arc<Mutex<State>>,
    closer: Arc<Closer>,
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
        Stream { state: Arc::new(Mutex::new(State { s, acc, failure: None })), closer: Arc::default(), flavor, meta }
    }

    /// Runs `read` on the state unless the stream is (or gets) closed.
    async fn guarded<T, F>(state: Arc<Mutex<State>>, closer: Arc<Closer>, read: F) -> Read<T>
    where
        F: for<'a> FnOnce(&'a mut State) -> std::pin::Pin<Box<dyn std::future::Future<Output = Read<T>> + Send + 'a>>,
    {
        let mut st = state.lock().await;
        if closer.closed.load(Ordering::Acquire) {
            st.s.close();
            return None;
        }
        tokio::select! {
            got = read(&mut st) => got,
            _ = closer.wake.notified() => {
                st.s.close();
                None
            }
        }
    }

    /// A read that is already possible without waiting, on this thread.
    fn ready<T>(&self, read: impl FnOnce(&mut State) -> Option<Read<T>>) -> Option<Read<T>> {
        let mut st = self.state.try_lock().ok()?;
        if self.closer.closed.load(Ordering::Acquire) {
            st.s.close();
            return Some(None);
        }
        let rt = crate::runtime::runtime();
        let _ctx = rt.enter();
        read(&mut st)
    }
}

fn value_or_none(py: Python<'_>, v: Read<Value>) -> PyResult<Py<PyAny>> {
    match v {
        None => Ok(py.None()),
        Some(Ok(v)) => to_py(py, &v),
        Some(Err(f)) => Err(from_fields(&f)),
    }
}

fn text_or_none(py: Python<'_>, v: Read<String>) -> PyResult<Py<PyAny>> {
    match v {
        None => Ok(py.None()),
        Some(Ok(t)) => Ok(t.into_pyobject(py)?.into_any().unbind()),
        Some(Err(f)) => Err(from_fields(&f)),
    }
}

#[pymethods]
impl Stream {
    /// The next event's data, or `None` after the last.
    fn next(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        // Events already buffered need neither a thread hop nor releasing the interpreter.
        if let Some(ready) = self.ready(|st| st.next().now_or_never()) {
            return value_or_none(py, ready);
        }
        let (state, closer) = (self.state.clone(), self.closer.clone());
        let got = block_on(py, Stream::guarded(state, closer, |st| Box::pin(st.next())))?;
        value_or_none(py, got)
    }

    /// The next non-empty piece of text, skipping other events; `None` at the end.
    fn next_text(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if let Some(ready) = self.ready(|st| st.next_text().now_or_never()) {
            return text_or_none(py, ready);
        }
        let (state, closer) = (self.state.clone(), self.closer.clone());
        let got = block_on(py, Stream::guarded(state, closer, |st| Box::pin(st.next_text())))?;
        text_or_none(py, got)
    }

    fn anext<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // A buffered event completes at once, without a task or a cross-thread callback.
        if let Some(ready) = self.ready(|st| st.next().now_or_never()) {
            return ready_future(py, value_or_none(py, ready));
        }
        let (state, closer) = (self.state.clone(), self.closer.clone());
        into_future(py, Stream::guarded(state, closer, |st| Box::pin(st.next())), value_or_none)
    }

    fn anext_text<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(ready) = self.ready(|st| st.next_text().now_or_never()) {
            return ready_future(py, text_or_none(py, ready));
        }
        let (state, closer) = (self.state.clone(), self.closer.clone());
        into_future(py, Stream::guarded(state, closer, |st| Box::pin(st.next_text())), text_or_none)
    }

    /// Reads what is left and returns the accumulated completion or message (chat and
    /// Anthropic streams), or `None` for other streams. A failed stream raises, every time.
    fn final_value(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let (state, closer) = (self.state.clone(), self.closer.clone());
        let out = block_on(py, Stream::guarded(state, closer, |st| Box::pin(st.finish())))?;
        value_or_none(py, out)
    }

    fn afinal_value<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (state, closer) = (self.state.clone(), self.closer.clone());
        into_future(py, Stream::guarded(state, closer, |st| Box::pin(st.finish())), value_or_none)
    }

    /// Closes the connection now, even while another thread waits on a read; the gateway
    /// stops billing.
    fn close(&self) {
        self.closer.closed.store(true, Ordering::Release);
        // A stored permit also stops a read that starts waiting just after this.
        self.closer.wake.notify_one();
        if let Ok(mut st) = self.state.try_lock() {
            st.s.close();
        }
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
