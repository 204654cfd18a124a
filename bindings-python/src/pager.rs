//! `_native.Pager`: the core's cursor walk, page by page, blocking or async.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use serde_json::Value;

use crate::convert::{meta, to_py};
use crate::errors::to_pyerr;
use crate::runtime::{block_on, into_future};

#[pyclass(module = "empiriolabs._native", frozen)]
pub struct Pager {
    inner: empiriolabs::Pager,
}

impl From<empiriolabs::Pager> for Pager {
    fn from(inner: empiriolabs::Pager) -> Pager {
        Pager { inner }
    }
}

type Page = Option<(empiriolabs::Result<Value>, Option<empiriolabs::ResponseMeta>)>;

async fn next(p: empiriolabs::Pager) -> Page {
    let page = p.next_page().await?;
    Some((page, p.last_meta().await))
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
        let got = block_on(py, next(self.inner.clone()))?;
        convert(py, got)
    }

    fn anext_page<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        into_future(py, next(self.inner.clone()), convert)
    }

    #[getter]
    fn operation(&self) -> &'static str {
        self.inner.operation()
    }
}
