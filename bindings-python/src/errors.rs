//! Core errors as one Python exception, `NativeError`, whose single argument is a dict of the
//! core's flat error info (`class`, `status`, `type`, `code`, …); the Python layer picks its
//! exception class by `class`.

use empiriolabs::{Error, ErrorInfo};
use pyo3::create_exception;
use pyo3::prelude::*;
use pyo3::types::PyDict;

create_exception!(_native, NativeError, pyo3::exceptions::PyException, "An SDK error; args[0] is a dict of its fields.");

fn info_dict<'py>(py: Python<'py>, i: &ErrorInfo) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("kind", i.kind)?;
    d.set_item("class", i.class)?;
    d.set_item("status", i.status)?;
    d.set_item("type", i.error_type.as_deref())?;
    d.set_item("code", i.code.as_deref())?;
    d.set_item("param", i.param.as_deref())?;
    d.set_item("message", &i.message)?;
    d.set_item("api_message", i.api_message.as_deref())?;
    d.set_item("request_id", i.request_id.as_deref())?;
    d.set_item("retryable", i.retryable)?;
    d.set_item("headers", crate::convert::header_dict(py, i.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())))?)?;
    d.set_item("body", i.body.as_deref())?;
    d.set_item("job_id", i.job_id.as_deref())?;
    d.set_item("reason", i.stream_kind)?;
    d.set_item("timeout_kind", i.timeout_kind)?;
    d.set_item("line", i.line.as_deref())?;
    d.set_item("before_send", i.before_send)?;
    d.set_item("waited", i.waited_secs)?;
    d.set_item("last_status", i.last_status.as_deref())?;
    Ok(d)
}

pub fn to_pyerr(e: Error) -> PyErr {
    Python::attach(|py| match info_dict(py, &e.info()) {
        Ok(d) => NativeError::new_err((d.unbind(),)),
        Err(conv) => conv,
    })
}
