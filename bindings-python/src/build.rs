//! Response objects built natively, for stream events: the package's own classes (`Obj`
//! subclasses), each with its declared fields already in its `__dict__`, so that reading
//! `chunk.choices[0].delta.content` runs no Python code at all.
//!
//! The package describes what to build once per stream (a plan, from `_models.native_plan`)
//! and registers its `ObjList` class (`set_builders`); everything the plan does
//! not cover is left to the classes' own lazy fields, so an object built here reads exactly as
//! one built in Python.

use std::sync::OnceLock;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::ffi;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};

/// The package's `ObjList` class (a `list` subclass with an `_items` slot).
static OBJ_LIST: OnceLock<Py<PyType>> = OnceLock::new();

/// Registers the package's `ObjList` class (once, when `empiriolabs._models` is imported).
#[pyfunction]
pub fn set_builders(obj_list: Bound<'_, PyType>) {
    let _ = OBJ_LIST.set(obj_list.unbind());
}

/// How a declared field is prefilled.
enum Field {
    /// As it is in the JSON.
    Raw,
    /// A nested object.
    Obj(Node),
    /// An array of objects.
    List(Node),
}

/// A class and the fields of it to prefill.
pub struct ClassPlan {
    cls: Py<PyType>,
    fields: Vec<(Py<PyString>, Field)>,
}

/// What a JSON object becomes: one class, or one of several chosen by a key (`type`).
pub enum Node {
    Class(Box<ClassPlan>),
    Union { key: Py<PyString>, by: Vec<(String, ClassPlan)>, default: Py<PyType> },
}

fn class_plan(obj: &Bound<'_, PyAny>) -> PyResult<ClassPlan> {
    let t = obj.cast::<PyTuple>()?;
    let cls = t.get_item(0)?.cast_into::<PyType>()?.unbind();
    let mut fields = Vec::new();
    for f in t.get_item(1)?.try_iter()? {
        let f = f?;
        let f = f.cast::<PyTuple>()?;
        let name = f.get_item(0)?.cast_into::<PyString>()?.unbind();
        let kind: u8 = f.get_item(1)?.extract()?;
        let field = match kind {
            0 => Field::Raw,
            1 => Field::Obj(node(&f.get_item(2)?)?),
            2 => Field::List(node(&f.get_item(2)?)?),
            _ => return Err(PyTypeError::new_err(format!("unknown field kind {kind}"))),
        };
        fields.push((name, field));
    }
    Ok(ClassPlan { cls, fields })
}

/// A plan as `_models.native_plan` writes it: `("c", (cls, fields))` or
/// `("u", key, {value: (cls, fields)}, default_cls)`, with fields `(name, kind, node)`.
pub fn node(obj: &Bound<'_, PyAny>) -> PyResult<Node> {
    let t = obj.cast::<PyTuple>()?;
    let tag: String = t.get_item(0)?.extract()?;
    match tag.as_str() {
        "c" => Ok(Node::Class(Box::new(class_plan(&t.get_item(1)?)?))),
        "u" => {
            let key = t.get_item(1)?.cast_into::<PyString>()?.unbind();
            let mut by = Vec::new();
            for (k, v) in t.get_item(2)?.cast::<PyDict>()?.iter() {
                by.push((k.extract::<String>()?, class_plan(&v)?));
            }
            Ok(Node::Union { key, by, default: t.get_item(3)?.cast_into::<PyType>()?.unbind() })
        }
        other => Err(PyTypeError::new_err(format!("unknown plan node {other:?}"))),
    }
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

/// The object `node` makes of the JSON object `data`.
pub fn build<'py>(py: Python<'py>, node: &Node, data: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    match node {
        Node::Class(plan) => build_class(py, plan, data),
        Node::Union { key, by, default } => {
            let kind = data.get_item(key)?;
            let chosen = kind.as_ref().and_then(|k| k.cast::<PyString>().ok()).and_then(|k| {
                let k = k.to_cow().ok()?;
                by.iter().find(|(v, _)| *v == *k).map(|(_, p)| p)
            });
            match chosen {
                Some(plan) => build_class(py, plan, data),
                None => bare(py, default.bind(py), data),
            }
        }
    }
}

/// An object of `cls` over `data`, as `_models._make` makes it.
fn bare<'py>(py: Python<'py>, cls: &Bound<'py, PyType>, data: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let o = alloc(py, cls)?;
    set_slot(py, &o, pyo3::intern!(py, "_data"), data)?;
    set_slot(py, &o, pyo3::intern!(py, "_meta"), &py.None().into_bound(py))?;
    Ok(o)
}

fn build_class<'py>(py: Python<'py>, plan: &ClassPlan, data: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let o = bare(py, plan.cls.bind(py), data)?;
    if plan.fields.is_empty() {
        return Ok(o);
    }
    for (name, field) in &plan.fields {
        let Some(v) = data.get_item(name)? else { continue };
        // A value of another JSON kind than declared is left to the lazy field.
        let value = match field {
            _ if v.is_none() => v,
            Field::Raw => v,
            Field::Obj(n) => match v.cast::<PyDict>() {
                Ok(d) => build(py, n, d)?,
                Err(_) => continue,
            },
            Field::List(n) => match v.cast::<PyList>() {
                Ok(items) => match build_list(py, n, items)? {
                    Some(l) => l,
                    None => continue,
                },
                Err(_) => continue,
            },
        };
        // Kept as `object.__setattr__` keeps it (the field is a non-data descriptor): in the
        // instance's own storage, which later reads find before the class's lazy field.
        set_slot(py, &o, name.bind(py), &value)?;
    }
    Ok(o)
}

/// An `ObjList` of the objects; `None` when an item is not an object (left to the lazy field).
fn build_list<'py>(py: Python<'py>, node: &Node, items: &Bound<'py, PyList>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let cls = OBJ_LIST.get().ok_or_else(|| PyTypeError::new_err("empiriolabs._models did not register ObjList"))?;
    let list = alloc(py, cls.bind(py))?;
    {
        let out = list.cast::<PyList>()?;
        for item in items.iter() {
            let Ok(d) = item.cast::<PyDict>() else { return Ok(None) };
            out.append(build(py, node, d)?)?;
        }
    }
    set_slot(py, &list, pyo3::intern!(py, "_items"), items)?;
    Ok(Some(list))
}
