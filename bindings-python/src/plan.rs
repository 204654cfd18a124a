//! What the package tells the native layer to build, once per event type: a table of classes
//! (`Obj` subclasses), each with its declared fields' converters, mirroring `_models`' own
//! converters one for one (see `_models.native_plan`).

use std::collections::HashSet;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};

use crate::build::build_json;
use crate::convert::key_string;
use crate::repeats::Repeats;

/// How a JSON value becomes what attribute access returns: `_models`' converters, one for one.
pub enum Conv {
    /// `RAW`: as it is in the JSON.
    Raw,
    /// `wrap`: objects as plain `Obj`, arrays as `ObjList`, each nested value wrapped likewise.
    Wrap,
    /// `cls_of`: an object as the class at this index of the plan.
    Cls(usize),
    /// `list_of`: an array, each item converted.
    List(Box<Conv>),
    /// `union_of`: an object as the class its `key` names (a plain `Obj` for any other value).
    Union { key: String, by: Vec<(String, usize)> },
    /// `by_kind`: an object by `obj`, an array by `arr`.
    ByKind { obj: Option<Box<Conv>>, arr: Option<Box<Conv>> },
}

pub static WRAP: Conv = Conv::Wrap;

/// A class, how its declared fields convert, and the names a JSON key must not shadow.
pub struct ClassPlan {
    pub cls: Py<PyType>,
    pub fields: Vec<FieldPlan>,
    pub shadows: HashSet<Box<str>>,
}

/// A declared field: its name (as the dict key too), its converter, and for a raw field the
/// last string it held, reused while it repeats (an event's `id`, `object`, `model`, `type`).
pub struct FieldPlan {
    pub name: Box<str>,
    pub key: Py<PyString>,
    pub conv: Conv,
    pub last: Repeats,
}

impl ClassPlan {
    pub fn field(&self, name: &str) -> Option<&FieldPlan> {
        self.fields.iter().find(|f| *f.name == *name)
    }

    /// A JSON key of this class: its Python string (the field's own, else made once per
    /// name), its declared field, and whether it would shadow a class attribute.
    pub fn key(&self, py: Python<'_>, name: &str) -> (Py<PyString>, Option<&FieldPlan>, bool) {
        match self.field(name) {
            Some(f) => (f.key.clone_ref(py), Some(f), false),
            None => (key_string(py, name), None, self.shadows.contains(name)),
        }
    }
}

/// What one event type is built into: a root converter over a table of classes.
pub struct Plan {
    pub root: Conv,
    pub classes: Vec<ClassPlan>,
    /// The index of plain `Obj` (what `wrap` makes of an object).
    pub obj: usize,
}

/// A plan, parsed once per event type and shared by every stream of it.
#[pyclass(module = "empiriolabs._native", frozen)]
pub struct EventPlan(pub Arc<Plan>);

#[pymethods]
impl EventPlan {
    /// `plan` as `_models.native_plan` writes it: `(root, classes, obj_index)`, with classes
    /// `(cls, ((name, conv), ...), (shadowed names, ...))` and converters `("r",)`, `("w",)`,
    /// `("c", index)`, `("l", conv)`, `("u", key, {value: index})`, `("k", conv | None, conv | None)`.
    #[new]
    fn new(plan: &Bound<'_, PyAny>) -> PyResult<EventPlan> {
        let t = plan.cast::<PyTuple>()?;
        let mut classes = Vec::new();
        for c in t.get_item(1)?.try_iter()? {
            let c = c?;
            let c = c.cast::<PyTuple>()?;
            let mut fields = Vec::new();
            for f in c.get_item(1)?.try_iter()? {
                let f = f?;
                let f = f.cast::<PyTuple>()?;
                let key = f.get_item(0)?.cast_into::<PyString>()?;
                let name = key.to_cow()?.into_owned().into_boxed_str();
                fields.push(FieldPlan { name, key: key.unbind(), conv: conv(&f.get_item(1)?)?, last: Repeats::default() });
            }
            let mut shadows = HashSet::new();
            for n in c.get_item(2)?.try_iter()? {
                shadows.insert(n?.extract::<String>()?.into_boxed_str());
            }
            classes.push(ClassPlan { cls: c.get_item(0)?.cast_into::<PyType>()?.unbind(), fields, shadows });
        }
        let plan = Plan { root: conv(&t.get_item(0)?)?, obj: t.get_item(2)?.extract()?, classes };
        let n = plan.classes.len();
        if plan.obj >= n || !plan.root.indices_below(n) || !plan.classes.iter().all(|c| c.fields.iter().all(|f| f.conv.indices_below(n))) {
            return Err(PyTypeError::new_err("event plan refers to a class it does not list"));
        }
        Ok(EventPlan(Arc::new(plan)))
    }

    /// The object this plan makes of the JSON `text` (what a stream hands out for that event).
    fn build(&self, py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
        build_json(py, &self.0, text)
    }
}

impl Conv {
    fn indices_below(&self, n: usize) -> bool {
        match self {
            Conv::Raw | Conv::Wrap => true,
            Conv::Cls(i) => *i < n,
            Conv::List(c) => c.indices_below(n),
            Conv::Union { by, .. } => by.iter().all(|(_, i)| *i < n),
            Conv::ByKind { obj, arr } => [obj, arr].iter().all(|c| c.as_ref().is_none_or(|c| c.indices_below(n))),
        }
    }
}

fn conv(obj: &Bound<'_, PyAny>) -> PyResult<Conv> {
    let t = obj.cast::<PyTuple>()?;
    let tag: String = t.get_item(0)?.extract()?;
    let opt = |i: usize| -> PyResult<Option<Box<Conv>>> {
        let v = t.get_item(i)?;
        if v.is_none() { Ok(None) } else { Ok(Some(Box::new(conv(&v)?))) }
    };
    Ok(match tag.as_str() {
        "r" => Conv::Raw,
        "w" => Conv::Wrap,
        "c" => Conv::Cls(t.get_item(1)?.extract()?),
        "l" => Conv::List(Box::new(conv(&t.get_item(1)?)?)),
        "u" => {
            let mut by = Vec::new();
            for (k, v) in t.get_item(2)?.cast::<PyDict>()?.iter() {
                by.push((k.extract::<String>()?, v.extract::<usize>()?));
            }
            Conv::Union { key: t.get_item(1)?.extract()?, by }
        }
        "k" => Conv::ByKind { obj: opt(1)?, arr: opt(2)? },
        other => return Err(PyTypeError::new_err(format!("unknown converter {other:?} in an event plan"))),
    })
}

/// What a JSON object becomes under a converter.
pub enum MapAs<'a> {
    Raw,
    Class(usize),
    Union(&'a str, &'a [(String, usize)]),
}

impl Plan {
    pub fn map_as<'a>(&'a self, c: &'a Conv) -> MapAs<'a> {
        match c {
            Conv::Raw => MapAs::Raw,
            Conv::Cls(i) => MapAs::Class(*i),
            Conv::Union { key, by } => MapAs::Union(key, by),
            Conv::ByKind { obj: Some(o), .. } => self.map_as(o),
            Conv::Wrap | Conv::List(_) | Conv::ByKind { obj: None, .. } => MapAs::Class(self.obj),
        }
    }

    /// How the items of a JSON array convert; `None`: the array stays as it is.
    pub fn items_as<'a>(&'a self, c: &'a Conv) -> Option<&'a Conv> {
        match c {
            Conv::Raw => None,
            Conv::List(item) => Some(item),
            Conv::ByKind { arr: Some(a), .. } => self.items_as(a),
            _ => Some(&WRAP),
        }
    }
}
