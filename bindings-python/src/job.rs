//! `_native.Job`: a handle to an async job (refresh, wait with progress callbacks, cancel).

use std::time::Duration;

use empiriolabs::WaitOptions;
use pyo3::prelude::*;
use serde_json::Value;

use crate::convert::to_py;
use crate::errors::to_pyerr;
use crate::runtime::{block_on, into_future};

#[pyclass(module = "empiriolabs._native", frozen)]
pub struct Job {
    inner: empiriolabs::Job,
}

impl From<empiriolabs::Job> for Job {
    fn from(inner: empiriolabs::Job) -> Job {
        Job { inner }
    }
}

pub fn wait_options(timeout: Option<f64>, poll_initial: f64, poll_max: f64, on_progress: Option<Py<PyAny>>) -> PyResult<WaitOptions> {
    let positive = |name: &str, v: f64| {
        if v.is_finite() && v > 0.0 {
            Ok(Duration::from_secs_f64(v))
        } else {
            Err(pyo3::exceptions::PyValueError::new_err(format!("{name} must be a positive number of seconds, got {v}")))
        }
    };
    let mut w = WaitOptions::new().poll(positive("poll_initial", poll_initial)?, positive("poll_max", poll_max)?);
    if let Some(t) = timeout {
        w = w.timeout(positive("timeout", t)?);
    }
    if let Some(cb) = on_progress {
        w = w.on_progress(move |p: &empiriolabs::JobProgress| {
            Python::attach(|py| {
                // A failing callback must not kill the wait; Python prints it as unraisable.
                if let Err(e) = to_py(py, &p.raw).and_then(|d| cb.call1(py, (d,))) {
                    e.write_unraisable(py, None);
                }
            })
        });
    }
    Ok(w)
}

fn value(py: Python<'_>, v: empiriolabs::Result<Value>) -> PyResult<Py<PyAny>> {
    to_py(py, &v.map_err(to_pyerr)?)
}

#[pymethods]
impl Job {
    #[staticmethod]
    fn attach(client: &crate::client::Client, job_id: String) -> PyResult<Job> {
        Ok(Job { inner: empiriolabs::Job::attach(&client.core()?, job_id) })
    }

    #[getter]
    fn id(&self) -> String {
        self.inner.id().to_string()
    }

    #[getter]
    fn status(&self) -> String {
        self.inner.status()
    }

    #[getter]
    fn progress(&self) -> Option<f64> {
        self.inner.progress()
    }

    /// The last known state, without a request.
    fn snapshot(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.snapshot())
    }

    fn refresh(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let j = self.inner.clone();
        let v = block_on(py, async move { j.refresh().await })?;
        value(py, v)
    }

    fn arefresh<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let j = self.inner.clone();
        into_future(py, async move { j.refresh().await }, value)
    }

    #[pyo3(signature = (timeout=None, poll_initial=0.5, poll_max=5.0, on_progress=None))]
    fn wait(&self, py: Python<'_>, timeout: Option<f64>, poll_initial: f64, poll_max: f64, on_progress: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        let opts = wait_options(timeout, poll_initial, poll_max, on_progress)?;
        let j = self.inner.clone();
        let v = block_on(py, async move { j.wait(opts).await })?;
        value(py, v)
    }

    #[pyo3(signature = (timeout=None, poll_initial=0.5, poll_max=5.0, on_progress=None))]
    fn await_result<'py>(&self, py: Python<'py>, timeout: Option<f64>, poll_initial: f64, poll_max: f64, on_progress: Option<Py<PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let opts = wait_options(timeout, poll_initial, poll_max, on_progress)?;
        let j = self.inner.clone();
        into_future(py, async move { j.wait(opts).await }, value)
    }

    fn cancel(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let j = self.inner.clone();
        let v = block_on(py, async move { j.cancel().await })?;
        value(py, v)
    }

    fn acancel<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let j = self.inner.clone();
        into_future(py, async move { j.cancel().await }, value)
    }
}
