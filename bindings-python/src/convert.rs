//! JSON values to and from Python objects, and response metadata as a dict.

use empiriolabs::ResponseMeta;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

pub fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    pythonize::pythonize(py, v).map(Bound::unbind).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// A Python value as JSON; anything JSON cannot hold is a `TypeError` naming `what`.
pub fn from_py(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    pythonize::depythonize(obj).map_err(|e| pyo3::exceptions::PyTypeError::new_err(format!("{what} must be JSON-serializable: {e}")))
}

/// Headers as a dict; repeated names are joined with `, ` as HTTP allows.
pub fn header_dict<'a, 'py>(py: Python<'py>, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> PyResult<Bound<'py, PyDict>> {
    let headers = PyDict::new(py);
    for (k, v) in pairs {
        match headers.get_item(k)? {
            Some(prev) => headers.set_item(k, format!("{}, {v}", prev.extract::<String>()?))?,
            None => headers.set_item(k, v)?,
        }
    }
    Ok(headers)
}

pub fn meta(py: Python<'_>, m: &ResponseMeta) -> PyResult<Py<PyAny>> {
    let d = PyDict::new(py);
    d.set_item("status", m.status)?;
    let pairs = m.header_pairs();
    d.set_item("headers", header_dict(py, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?)?;
    d.set_item("request_id", m.request_id.as_deref())?;
    Ok(d.into_any().unbind())
}
