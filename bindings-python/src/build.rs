//! Response objects built natively, for stream events: the package's own classes (`Obj`
//! subclasses), each with its declared fields already in its `__dict__`, so that reading
//! `chunk.choices[0].delta.content` runs no Python code at all.
//!
//! The package describes what to build once per stream (a plan, from `_models.native_plan`)
//! and hands over the few callables building needs (`set_builders`); everything the plan does
//! not cover is left to the classes' own lazy fields, so an object built here reads exactly as
//! one built in Python.

use std::sync::OnceLock;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

/// The package's constructors: `object.__new__`, the `_data` / `_meta` slot setters,
/// `list.__new__`, the `ObjList` class and its `_items` setter.
struct Builders {
    new: Py<PyAny>,
    set_data: Py<PyAny>,
    set_meta: Py<PyAny>,
    list_new: Py<PyAny>,
    obj_list: Py<PyAny>,
    set_items: Py<PyAny>,
}

static BUILDERS: OnceLock<Builders> = OnceLock::new();

/// Registers the package's constructors (once, when `empiriolabs._models` is imported).
#[pyfunction]
pub fn set_builders(new: Py<PyAny>, set_data: Py<PyAny>, set_meta: Py<PyAny>, list_new: Py<PyAny>, obj_list: Py<PyAny>, set_items: Py<PyAny>) {
    let _ = BUILDERS.set(Builders { new, set_data, set_meta, list_new, obj_list, set_items });
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
    cls: Py<PyAny>,
    fields: Vec<(Py<PyString>, Field)>,
}

/// What a JSON object becomes: one class, or one of several chosen by a key (`type`).
pub enum Node {
    Class(Box<ClassPlan>),
    Union { key: Py<PyString>, by: Vec<(String, ClassPlan)>, default: Py<PyAny> },
}

fn class_plan(obj: &Bound<'_, PyAny>) -> PyResult<ClassPlan> {
    let t = obj.cast::<PyTuple>()?;
    let cls = t.get_item(0)?.unbind();
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
            Ok(Node::Union { key, by, default: t.get_item(3)?.unbind() })
        }
        other => Err(PyTypeError::new_err(format!("unknown plan node {other:?}"))),
    }
}

fn builders() -> PyResult<&'static Builders> {
    BUILDERS.get().ok_or_else(|| PyTypeError::new_err("empiriolabs._models did not register its builders"))
}

/// The object `node` makes of the JSON object `data`.
pub fn build<'py>(py: Python<'py>, node: &Node, data: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let b = builders()?;
    match node {
        Node::Class(plan) => build_class(py, b, plan, data),
        Node::Union { key, by, default } => {
            let kind = data.get_item(key)?;
            let chosen = kind.as_ref().and_then(|k| k.cast::<PyString>().ok()).and_then(|k| {
                let k = k.to_cow().ok()?;
                by.iter().find(|(v, _)| *v == *k).map(|(_, p)| p)
            });
            match chosen {
                Some(plan) => build_class(py, b, plan, data),
                None => bare(py, b, default.bind(py), data),
            }
        }
    }
}

fn bare<'py>(py: Python<'py>, b: &Builders, cls: &Bound<'py, PyAny>, data: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let o = b.new.bind(py).call1((cls,))?;
    b.set_data.bind(py).call1((&o, data))?;
    b.set_meta.bind(py).call1((&o, py.None()))?;
    Ok(o)
}

fn build_class<'py>(py: Python<'py>, b: &Builders, plan: &ClassPlan, data: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let o = bare(py, b, plan.cls.bind(py), data)?;
    if plan.fields.is_empty() {
        return Ok(o);
    }
    let kept = o.getattr(pyo3::intern!(py, "__dict__"))?.cast_into::<PyDict>()?;
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
                Ok(items) => match build_list(py, b, n, items)? {
                    Some(l) => l,
                    None => continue,
                },
                Err(_) => continue,
            },
        };
        kept.set_item(name, value)?;
    }
    Ok(o)
}

/// An `ObjList` of the objects; `None` when an item is not an object (left to the lazy field).
fn build_list<'py>(py: Python<'py>, b: &Builders, node: &Node, items: &Bound<'py, PyList>) -> PyResult<Option<Bound<'py, PyAny>>> {
    let list = b.list_new.bind(py).call1((b.obj_list.bind(py),))?;
    {
        let out = list.cast::<PyList>()?;
        for item in items.iter() {
            let Ok(d) = item.cast::<PyDict>() else { return Ok(None) };
            out.append(build(py, node, d)?)?;
        }
    }
    b.set_items.bind(py).call1((&list, items))?;
    Ok(Some(list))
}
