//! `_native.Pager`: the core's cursor walk, page by page, blocking or async.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::convert::{meta, to_py};
use crate::errors::to_pyerr;
use crate::runtime::{block_on, into_future};

#[pyclass(module = "empiriolabs._native", frozen)]
pub struct Pager {
    inner: Arc<Mutex<empiriolabs::Pager>>,
}

impl Pager {
    pub fn new(p: empiriolabs::Pager) -> Pager {
        Pager { inner: Arc::new(Mutex::new(p)) }
    }
}

type Page = Option<(empiriolabs::Result<Value>, Option<empiriolabs::ResponseMeta>)>;

async fn next(p: Arc<Mutex<empiriolabs::Pager>>) -> Page {
    let mut p = p.lock().await;
    let page = p.next_page().await?;
    Some((page, p.last_meta().cloned()))
}

/// `(page, meta)` or `None` after the last page.
fn convert(py: Python<'_>, page: Page) -> PyResult<Py<PyAny>> {
    let Some((page, m)) = page else { return Ok(py.None()) };
    let page = to_py(py, &page.map_err(to_pyerr)?)?;
    let m = match m {
        Some(m) => meta(py, &m)?,
        None => py.None(),
    };
    Ok(PyTuple::new(py, [page, m])?.into_any().unbind())
}

#[pymethods]
impl Pager {
    fn next_page(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let p = self.inner.clone();
        let got = block_on(py, next(p))?;
        convert(py, got)
    }

    fn anext_page<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        into_future(py, next(self.inner.clone()), convert)
    }
}
