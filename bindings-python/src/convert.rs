//! JSON values to and from Python objects, and response metadata as a dict.

use empiriolabs::ResponseMeta;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

pub fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    pythonize::pythonize(py, v).map(Bound::unbind).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
}

/// JSON text straight to Python objects (dicts, lists, str, int, float, bool, None), in one pass
/// and without a `serde_json::Value` in between: how stream events cross, from the text the
/// core received.
pub fn json_to_py(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    let mut de = serde_json::Deserializer::from_str(text);
    PySeed(py).deserialize(&mut de).map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("invalid JSON from the gateway: {e}")))
}

/// A JSON value as plain Python objects (what `json_to_py` makes).
#[derive(Clone, Copy)]
pub(crate) struct PySeed<'py>(pub(crate) Python<'py>);

/// A Python error inside a deserializer, as the deserializer's error.
pub(crate) fn py_err<E: serde::de::Error>(e: PyErr) -> E {
    E::custom(e.to_string())
}

impl<'de, 'py> DeserializeSeed<'de> for PySeed<'py> {
    type Value = Py<PyAny>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Py<PyAny>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for PySeed<'py> {
    type Value = Py<PyAny>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Py<PyAny>, E> {
        let Ok(b) = v.into_pyobject(self.0);
        Ok(b.to_owned().into_any().unbind())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Py<PyAny>, E> {
        let Ok(n) = v.into_pyobject(self.0);
        Ok(n.into_any().unbind())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Py<PyAny>, E> {
        let Ok(n) = v.into_pyobject(self.0);
        Ok(n.into_any().unbind())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Py<PyAny>, E> {
        let Ok(n) = v.into_pyobject(self.0);
        Ok(n.into_any().unbind())
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Py<PyAny>, E> {
        Ok(PyString::new(self.0, v).into_any().unbind())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Py<PyAny>, E> {
        Ok(self.0.None())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Py<PyAny>, E> {
        Ok(self.0.None())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Py<PyAny>, A::Error> {
        let list = PyList::empty(self.0);
        while let Some(item) = seq.next_element_seed(self)? {
            list.append(item).map_err(py_err)?;
        }
        Ok(list.into_any().unbind())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Py<PyAny>, A::Error> {
        let dict = PyDict::new(self.0);
        while let Some(key) = map.next_key_seed(KeySeed(self.0))? {
            let value = map.next_value_seed(self)?;
            dict.set_item(key, value).map_err(py_err)?;
        }
        Ok(dict.into_any().unbind())
    }
}

/// An object key: the same few names come in every event, so each is made once and reused
/// (a reused string also keeps its hash, which the dict insert would otherwise compute).
#[derive(Clone, Copy)]
struct KeySeed<'py>(Python<'py>);

const KEY_SLOTS: usize = 128;

/// A made key: its text and its Python string.
type KeySlot = Option<(Box<str>, Py<PyString>)>;

thread_local! {
    static KEYS: std::cell::RefCell<Vec<KeySlot>> = std::cell::RefCell::new((0..KEY_SLOTS).map(|_| None).collect());
}

pub(crate) fn key_string(py: Python<'_>, k: &str) -> Py<PyString> {
    if k.len() > 40 {
        return PyString::new(py, k).unbind();
    }
    let b = k.as_bytes();
    let slot = (b.len() * 31 + b.first().map_or(0, |&c| c as usize) * 7 + b.last().map_or(0, |&c| c as usize)) % KEY_SLOTS;
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some((name, s)) = &keys[slot] {
            if &**name == k {
                return s.clone_ref(py);
            }
        }
        let s = PyString::new(py, k).unbind();
        keys[slot] = Some((k.into(), s.clone_ref(py)));
        s
    })
}

impl<'de, 'py> DeserializeSeed<'de> for KeySeed<'py> {
    type Value = Py<PyString>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Py<PyString>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for KeySeed<'py> {
    type Value = Py<PyString>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Py<PyString>, E> {
        Ok(key_string(self.0, v))
    }
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
