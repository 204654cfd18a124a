//! Stream events built natively, in one pass from the event's JSON text: the package's own
//! classes (`Obj` subclasses), every nested object and array already in the class its field
//! declares, so that reading `chunk.choices[0].delta.content` runs no Python code at all.
//!
//! An object built here keeps its JSON in one dict that is both its `_data` and its instance
//! `__dict__` (values converted as attribute access converts them), so a read is a plain
//! instance-dict lookup and no second dict is made. An object whose JSON has a key that would
//! shadow one of its class's attributes (`items`, `get`, …) keeps the same dict as `_data` only,
//! and reads through the class's lazy fields, as objects built in Python do.
//!
//! What to build comes from the event type's plan (`plan.rs`); the package registers its
//! `ObjList` class (`set_builders`).

use std::borrow::Cow;
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyType};
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::convert::{key_string, py_err, PySeed};
use crate::plan::{ClassPlan, Conv, FieldPlan, MapAs, Plan, WRAP};
use crate::repeats::Repeats;

/// The package's `ObjList` class (a `list` subclass with an `_items` slot).
static OBJ_LIST: OnceLock<Py<PyType>> = OnceLock::new();

/// Registers the package's `ObjList` class (once, when `empiriolabs._models` is imported).
#[pyfunction]
pub fn set_builders(obj_list: Bound<'_, PyType>) {
    let _ = OBJ_LIST.set(obj_list.unbind());
}

/// The event (JSON text) built by `plan`.
pub fn build_json(py: Python<'_>, plan: &Plan, text: &str) -> PyResult<Py<PyAny>> {
    let mut de = serde_json::Deserializer::from_str(text);
    Seed { py, plan, conv: &plan.root, last: None }
        .deserialize(&mut de)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("invalid JSON from the gateway: {e}")))
}

/// A new instance of `cls` with its `__init__` not run, as `object.__new__(cls)` makes it
/// (for `list` subclasses: an empty list).
fn alloc<'py>(py: Python<'py>, cls: &Bound<'py, PyType>) -> PyResult<Bound<'py, PyAny>> {
    // SAFETY: `cls` is a type; `PyType_GenericAlloc` returns a new reference or NULL with an
    // exception set.
    unsafe { Bound::from_owned_ptr_or_err(py, ffi::PyType_GenericAlloc(cls.as_ptr().cast(), 0)) }
}

/// Sets a slot the way `object.__setattr__` would, past the classes' read-only `__setattr__`.
fn set_slot(py: Python<'_>, o: &Bound<'_, PyAny>, name: &Bound<'_, PyString>, value: &Bound<'_, PyAny>) -> PyResult<()> {
    // SAFETY: all three are valid objects; a negative result means an exception is set.
    if unsafe { ffi::PyObject_GenericSetAttr(o.as_ptr(), name.as_ptr(), value.as_ptr()) } < 0 {
        return Err(PyErr::fetch(py));
    }
    Ok(())
}

/// The object of class `cp` over `dict`: its `_data`, and its `__dict__` unless `shadowed`.
fn finish<'py>(py: Python<'py>, cp: &ClassPlan, dict: Bound<'py, PyDict>, shadowed: bool) -> PyResult<Py<PyAny>> {
    let o = alloc(py, cp.cls.bind(py))?;
    if !shadowed {
        // SAFETY: `o` has a `__dict__` (every `Obj` does) and `dict` is a dict; a negative
        // result means an exception is set.
        if unsafe { ffi::PyObject_GenericSetDict(o.as_ptr(), dict.as_ptr(), std::ptr::null_mut()) } < 0 {
            return Err(PyErr::fetch(py));
        }
    }
    set_slot(py, &o, pyo3::intern!(py, "_data"), &dict)?;
    Ok(o.unbind())
}

/// One JSON value, converted by `conv`.
#[derive(Clone, Copy)]
struct Seed<'a, 'py> {
    py: Python<'py>,
    plan: &'a Plan,
    conv: &'a Conv,
    /// The field's last string, when the value is a declared raw field's.
    last: Option<&'a Repeats>,
}

impl<'a, 'py> Seed<'a, 'py> {
    fn with(self, conv: &'a Conv) -> Seed<'a, 'py> {
        Seed { conv, last: None, ..self }
    }

    /// The value of a field: declared (`Some`), or not (wrapped).
    fn field(self, f: Option<&'a FieldPlan>) -> Seed<'a, 'py> {
        match f {
            Some(f) => Seed { conv: &f.conv, last: matches!(f.conv, Conv::Raw).then_some(&f.last), ..self },
            None => self.with(&WRAP),
        }
    }

    /// The rest of an object of class `i`, into `dict` (which may hold its first fields).
    fn class_rest<'de, A: MapAccess<'de>>(self, i: usize, dict: Bound<'py, PyDict>, mut shadowed: bool, mut map: A) -> Result<Py<PyAny>, A::Error> {
        let cp = &self.plan.classes[i];
        while let Some((key, field, shadows)) = map.next_key_seed(FieldKey { py: self.py, class: cp })? {
            let value = map.next_value_seed(self.field(field))?;
            shadowed |= shadows;
            dict.set_item(key, value).map_err(py_err)?;
        }
        finish(self.py, cp, dict, shadowed).map_err(py_err)
    }

    /// An object whose class its field `key` names. Fields before that one (the gateway sends
    /// `type` first, so rarely any) are kept as text and converted once the class is known.
    fn union<'de, A: MapAccess<'de>>(self, key: &str, by: &[(String, usize)], mut map: A) -> Result<Py<PyAny>, A::Error> {
        let py = self.py;
        let mut early: Vec<(String, &'de RawValue)> = Vec::new();
        let (class, tag) = loop {
            match map.next_key::<Cow<'de, str>>()? {
                None => break (self.plan.obj, None),
                Some(k) if *k == *key => {
                    let v = map.next_value_seed(PySeed(py))?;
                    let class = v
                        .bind(py)
                        .cast::<PyString>()
                        .ok()
                        .and_then(|s| s.to_cow().ok().and_then(|s| by.iter().find(|(name, _)| *name == *s).map(|(_, i)| *i)))
                        .unwrap_or(self.plan.obj);
                    break (class, Some(v));
                }
                Some(k) => early.push((k.into_owned(), map.next_value::<&'de RawValue>()?)),
            }
        };
        let cp = &self.plan.classes[class];
        let dict = PyDict::new(py);
        let mut shadowed = false;
        for (k, raw) in early {
            let (k, field, shadows) = cp.key(py, &k);
            shadowed |= shadows;
            let mut de = serde_json::Deserializer::from_str(raw.get());
            let value = self.field(field).deserialize(&mut de).map_err(A::Error::custom)?;
            dict.set_item(k, value).map_err(py_err)?;
        }
        match tag {
            Some(v) => dict.set_item(key_string(py, key), v).map_err(py_err)?,
            None => return finish(py, cp, dict, shadowed).map_err(py_err),
        }
        self.class_rest(class, dict, shadowed, map)
    }
}

impl<'de, 'a, 'py> DeserializeSeed<'de> for Seed<'a, 'py> {
    type Value = Py<PyAny>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Py<PyAny>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'a, 'py> Visitor<'de> for Seed<'a, 'py> {
    type Value = Py<PyAny>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Py<PyAny>, E> {
        PySeed(self.py).visit_bool(v)
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Py<PyAny>, E> {
        PySeed(self.py).visit_i64(v)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Py<PyAny>, E> {
        PySeed(self.py).visit_u64(v)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Py<PyAny>, E> {
        PySeed(self.py).visit_f64(v)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Py<PyAny>, E> {
        match self.last {
            Some(last) => Ok(last.string(self.py, v)),
            None => PySeed(self.py).visit_str(v),
        }
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Py<PyAny>, E> {
        Ok(self.py.None())
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Py<PyAny>, E> {
        Ok(self.py.None())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Py<PyAny>, A::Error> {
        let Some(item) = self.plan.items_as(self.conv) else { return PySeed(self.py).visit_seq(seq) };
        let cls = OBJ_LIST.get().ok_or_else(|| A::Error::custom("empiriolabs._models did not register ObjList"))?;
        let list = alloc(self.py, cls.bind(self.py)).map_err(py_err)?;
        {
            let out = list.cast::<PyList>().map_err(|e| A::Error::custom(e.to_string()))?;
            while let Some(v) = seq.next_element_seed(self.with(item))? {
                out.append(v).map_err(py_err)?;
            }
        }
        // `_items` (the array as received) stays unset: the list's own items are its JSON.
        Ok(list.unbind())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Py<PyAny>, A::Error> {
        match self.plan.map_as(self.conv) {
            MapAs::Raw => PySeed(self.py).visit_map(map),
            MapAs::Class(i) => self.class_rest(i, PyDict::new(self.py), false, map),
            MapAs::Union(key, by) => self.union(key, by, map),
        }
    }
}

/// An object key of class `class`: its Python string (made once per name), its declared
/// field, and whether it would shadow a class attribute.
struct FieldKey<'a, 'py> {
    py: Python<'py>,
    class: &'a ClassPlan,
}

impl<'de, 'a, 'py> DeserializeSeed<'de> for FieldKey<'a, 'py> {
    type Value = (Py<PyString>, Option<&'a FieldPlan>, bool);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'a, 'py> Visitor<'de> for FieldKey<'a, 'py> {
    type Value = (Py<PyString>, Option<&'a FieldPlan>, bool);
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.class.key(self.py, v))
    }
}
