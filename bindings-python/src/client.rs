//! `_native.Client`: settings kept in Python's hands, the core client built lazily (and again
//! after `fork()`), and one entry point for every operation, blocking or async.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use empiriolabs::upload::Part;
use empiriolabs::{CallArgs, ClientSettings, Outcome, RequestOptions};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};
use serde_json::Value;

use crate::convert::{from_py, meta, to_py};
use crate::errors::to_pyerr;
use crate::runtime::{block_on, into_future};

/// Bumped in a forked child: every client rebuilds its connection pool there.
pub static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);

#[pyclass(module = "empiriolabs._native", frozen)]
pub struct Client {
    settings: ClientSettings,
    core: Mutex<Option<(u64, empiriolabs::Client)>>,
}

/// Seconds from Python: a `ValueError` naming the argument when not positive and finite.
fn secs(name: &str, v: f64) -> PyResult<Duration> {
    empiriolabs::seconds(name, v).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

impl Client {
    pub fn core(&self) -> PyResult<empiriolabs::Client> {
        let generation = FORK_GENERATION.load(Ordering::Relaxed);
        let mut slot = self.core.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((g, c)) = slot.as_ref() {
            if *g == generation {
                return Ok(c.clone());
            }
        }
        let client = self.settings.build("python", env!("CARGO_PKG_VERSION")).map_err(to_pyerr)?;
        *slot = Some((generation, client.clone()));
        Ok(client)
    }
}

/// Per-call options from the Python layer's dict.
fn options(opts: Option<&Bound<'_, PyDict>>) -> PyResult<RequestOptions> {
    let mut o = RequestOptions::new();
    let Some(d) = opts else { return Ok(o) };
    if let Some(v) = d.get_item("timeout")?.filter(|v| !v.is_none()) {
        o = o.timeout(secs("timeout", v.extract()?)?);
    }
    if let Some(v) = d.get_item("stream_idle_timeout")?.filter(|v| !v.is_none()) {
        o = o.stream_idle_timeout(secs("stream_idle_timeout", v.extract()?)?);
    }
    if let Some(v) = d.get_item("max_retries")?.filter(|v| !v.is_none()) {
        o = o.max_retries(v.extract()?);
    }
    if let Some(h) = d.get_item("headers")?.filter(|v| !v.is_none()) {
        for (k, v) in h.extract::<HashMap<String, String>>()? {
            o = o.header(k, v);
        }
    }
    Ok(o)
}

/// A file part from the Python layer: `(field, filename, content_type, bytes)`.
type FilePart = (String, Option<String>, Option<String>, Vec<u8>);

fn args(
    path: Option<HashMap<String, String>>,
    query: Option<Vec<(String, String)>>,
    body: Option<&Bound<'_, PyAny>>,
    files: Option<Vec<FilePart>>,
    method: Option<String>,
    opts: Option<&Bound<'_, PyDict>>,
) -> PyResult<CallArgs> {
    let body = match body {
        Some(b) if !b.is_none() => Some(from_py("the request body", b)?),
        _ => None,
    };
    let files = files.unwrap_or_default().into_iter().map(|(name, filename, ct, data)| Part::bytes(name, filename.unwrap_or_else(|| "upload".into()), data, ct.as_deref())).collect();
    CallArgs::assemble(path.unwrap_or_default().into_iter().collect(), query.unwrap_or_default(), body, files, method, options(opts)?).map_err(to_pyerr)
}

/// `(kind, payload, meta)`: kind is `json`, `text`, `bytes`, `stream` or `job`.
fn outcome(py: Python<'_>, out: empiriolabs::Result<Outcome>) -> PyResult<Py<PyAny>> {
    let out = out.map_err(to_pyerr)?;
    let (kind, payload, m) = match out {
        Outcome::Json(r) => {
            let v: Value = r.value().map_err(to_pyerr)?;
            ("json", to_py(py, &v)?, meta(py, &r.meta)?)
        }
        Outcome::Bytes(r) if r.is_textual() => ("text", r.text().into_pyobject(py)?.into_any().unbind(), meta(py, &r.meta)?),
        Outcome::Bytes(r) => ("bytes", PyBytes::new(py, &r.body).into_any().unbind(), meta(py, &r.meta)?),
        Outcome::Stream(s) => {
            let m = meta(py, s.meta())?;
            ("stream", Py::new(py, crate::stream::Stream::new(s))?.into_any(), m)
        }
        Outcome::Job(j) => {
            let m = j.created_meta().map(|m| meta(py, m)).transpose()?.unwrap_or_else(|| PyDict::new(py).into_any().unbind());
            ("job", Py::new(py, crate::job::Job::from(j))?.into_any(), m)
        }
    };
    Ok(PyTuple::new(py, [kind.into_pyobject(py)?.into_any().unbind(), payload, m])?.into_any().unbind())
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (api_key=None, base_url=None, timeout=None, connect_timeout=None, stream_idle_timeout=None, max_retries=None, default_headers=None, user_agent=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        api_key: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        stream_idle_timeout: Option<f64>,
        max_retries: Option<u32>,
        default_headers: Option<HashMap<String, String>>,
        user_agent: Option<String>,
    ) -> PyResult<Client> {
        for (name, v) in [("timeout", timeout), ("connect_timeout", connect_timeout), ("stream_idle_timeout", stream_idle_timeout)] {
            if let Some(v) = v {
                secs(name, v)?;
            }
        }
        let settings = ClientSettings { api_key, base_url, timeout, connect_timeout, stream_idle_timeout, max_retries, default_headers: default_headers.unwrap_or_default().into_iter().collect(), user_agent };
        let c = Client { settings, core: Mutex::new(None) };
        c.core()?;
        Ok(c)
    }

    #[getter]
    fn base_url(&self) -> PyResult<String> {
        Ok(self.core()?.base_url().to_string())
    }

    #[getter]
    fn has_api_key(&self) -> PyResult<bool> {
        Ok(self.core()?.config().api_key().is_some())
    }

    /// Calls operation `op_id` and blocks (interpreter released) until it answers.
    #[pyo3(signature = (op_id, path=None, query=None, body=None, files=None, method=None, options=None))]
    #[allow(clippy::too_many_arguments)]
    fn invoke(
        &self,
        py: Python<'_>,
        op_id: String,
        path: Option<HashMap<String, String>>,
        query: Option<Vec<(String, String)>>,
        body: Option<Bound<'_, PyAny>>,
        files: Option<Vec<FilePart>>,
        method: Option<String>,
        options: Option<Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        let core = self.core()?;
        let a = args(path, query, body.as_ref(), files, method, options.as_ref())?;
        let out = block_on(py, async move { core.invoke(&op_id, a).await })?;
        outcome(py, out)
    }

    /// The same, as an awaitable.
    #[pyo3(signature = (op_id, path=None, query=None, body=None, files=None, method=None, options=None))]
    #[allow(clippy::too_many_arguments)]
    fn ainvoke<'py>(
        &self,
        py: Python<'py>,
        op_id: String,
        path: Option<HashMap<String, String>>,
        query: Option<Vec<(String, String)>>,
        body: Option<Bound<'py, PyAny>>,
        files: Option<Vec<FilePart>>,
        method: Option<String>,
        options: Option<Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let core = self.core()?;
        let a = args(path, query, body.as_ref(), files, method, options.as_ref())?;
        into_future(py, async move { core.invoke(&op_id, a).await }, outcome)
    }

    /// Downloads a generated output URL (no key is sent) and returns its bytes.
    fn download(&self, py: Python<'_>, url: String) -> PyResult<Py<PyAny>> {
        let core = self.core()?;
        let got = block_on(py, async move { core.download(&url).await })?;
        bytes(py, got)
    }

    fn adownload<'py>(&self, py: Python<'py>, url: String) -> PyResult<Bound<'py, PyAny>> {
        let core = self.core()?;
        into_future(py, async move { core.download(&url).await }, bytes)
    }

    /// Downloads an output URL to `path` in constant memory (whole, or not at all).
    fn download_to(&self, py: Python<'_>, url: String, path: std::path::PathBuf) -> PyResult<u64> {
        let core = self.core()?;
        block_on(py, async move { core.download_to(&url, &path).await })?.map_err(to_pyerr)
    }

    fn adownload_to<'py>(&self, py: Python<'py>, url: String, path: std::path::PathBuf) -> PyResult<Bound<'py, PyAny>> {
        let core = self.core()?;
        into_future(py, async move { core.download_to(&url, &path).await }, |py, n| Ok(n.map_err(to_pyerr)?.into_pyobject(py)?.into_any().unbind()))
    }

    /// A lazy walk over the pages of a cursor-paged operation.
    #[pyo3(signature = (op_id, query=None, options=None))]
    fn pager(&self, op_id: String, query: Option<Vec<(String, String)>>, options: Option<Bound<'_, PyDict>>) -> PyResult<crate::pager::Pager> {
        let op = empiriolabs::operations::find(&op_id).ok_or_else(|| pyo3::exceptions::PyValueError::new_err(format!("`{op_id}` is not an operation")))?;
        let a = args(None, query, None, None, None, options.as_ref())?;
        Ok(crate::pager::Pager::from(empiriolabs::Pager::new(self.core()?, op.id, a)))
    }

    /// The same, as an awaitable.
    #[pyo3(signature = (task_id, timeout=None, poll_initial=0.5, poll_max=5.0))]
    fn aagent_wait<'py>(&self, py: Python<'py>, task_id: String, timeout: Option<f64>, poll_initial: f64, poll_max: f64) -> PyResult<Bound<'py, PyAny>> {
        let core = self.core()?;
        let opts = crate::job::wait_options(timeout, poll_initial, poll_max, None)?;
        into_future(py, async move { core.agents().wait(&task_id, opts).await }, agent_state)
    }

    /// Waits for agent task `task_id` to finish (`completed`, `failed` raises, `stopped`).
    #[pyo3(signature = (task_id, timeout=None, poll_initial=0.5, poll_max=5.0))]
    fn agent_wait(&self, py: Python<'_>, task_id: String, timeout: Option<f64>, poll_initial: f64, poll_max: f64) -> PyResult<Py<PyAny>> {
        let core = self.core()?;
        let opts = crate::job::wait_options(timeout, poll_initial, poll_max, None)?;
        let state = block_on(py, async move { core.agents().wait(&task_id, opts).await })?;
        agent_state(py, state)
    }
}

fn bytes(py: Python<'_>, b: empiriolabs::Result<bytes::Bytes>) -> PyResult<Py<PyAny>> {
    Ok(PyBytes::new(py, &b.map_err(to_pyerr)?).into_any().unbind())
}

fn agent_state(py: Python<'_>, state: empiriolabs::Result<empiriolabs::types::AgentTaskState>) -> PyResult<Py<PyAny>> {
    to_py(py, &serde_json::to_value(state.map_err(to_pyerr)?).unwrap_or(Value::Null))
}
