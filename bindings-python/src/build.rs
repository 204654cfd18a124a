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
//! The package describes what to build once per event type (`_models.native_plan`, a table of
//! classes and converters mirroring `_models`' own) and registers its `ObjList` class
//! (`set_builders`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::convert::{key_string, PySeed};

/// The package's `ObjList` class (a `list` subclass with an `_items` slot).
static OBJ_LIST: OnceLock<Py<PyType>> = OnceLock::new();

/// Registers the package's `ObjList` class (once, when `empiriolabs._models` is imported).
#[pyfunction]
pub fn set_builders(obj_list: Bound<'_, PyType>) {
    let _ = OBJ_LIST.set(obj_list.unbind());
}

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

static WRAP: Conv = Conv::Wrap;

/// A class, how its declared fields convert, and the names a JSON key must not shadow.
struct ClassPlan {
    cls: Py<PyType>,
    fields: Vec<FieldPlan>,
    shadows: HashSet<Box<str>>,
}

/// A declared field: its name (as the dict key too), its converter, and for a raw field the
/// last string it held, reused while it repeats (an event's `id`, `object`, `model`, `type`).
struct FieldPlan {
    name: Box<str>,
    key: Py<PyString>,
    conv: Conv,
    last: Repeats,
}

impl ClassPlan {
    fn field(&self, name: &str) -> Option<&FieldPlan> {
        self.fields.iter().find(|f| *f.name == *name)
    }
}

/// The last string value of one field, while that field keeps repeating its value; a field
/// whose value changes more often than not (a delta's text) stops being compared.
#[derive(Default)]
struct Repeats {
    last: Mutex<Option<(Box<str>, Py<PyString>)>>,
    /// Misses minus hits, saturating: past `GIVE_UP` the field is not compared any more.
    misses: AtomicU32,
}

const GIVE_UP: u32 = 16;

impl Repeats {
    fn string(&self, py: Python<'_>, v: &str) -> Py<PyAny> {
        let misses = self.misses.load(Ordering::Relaxed);
        if misses >= GIVE_UP || v.len() > 64 {
            return PyString::new(py, v).into_any().unbind();
        }
        // Only one thread builds at a time (the GIL is held), so the lock is never contended.
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((text, s)) = &*last {
            if **text == *v {
                self.misses.store(misses.saturating_sub(1), Ordering::Relaxed);
                return s.clone_ref(py).into_any();
            }
        }
        self.misses.store(misses + 1, Ordering::Relaxed);
        let s = PyString::new(py, v).unbind();
        *last = Some((v.into(), s.clone_ref(py)));
        s.into_any()
    }
}

/// What one event type is built into: a root converter over a table of classes.
pub struct Plan {
    root: Conv,
    classes: Vec<ClassPlan>,
    /// The index of plain `Obj` (what `wrap` makes of an object).
    obj: usize,
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
enum MapAs<'a> {
    Raw,
    Class(usize),
    Union(&'a str, &'a [(String, usize)]),
}

impl Plan {
    fn map_as<'a>(&'a self, c: &'a Conv) -> MapAs<'a> {
        match c {
            Conv::Raw => MapAs::Raw,
            Conv::Cls(i) => MapAs::Class(*i),
            Conv::Union { key, by } => MapAs::Union(key, by),
            Conv::ByKind { obj: Some(o), .. } => self.map_as(o),
            Conv::Wrap | Conv::List(_) | Conv::ByKind { obj: None, .. } => MapAs::Class(self.obj),
        }
    }

    /// How the items of a JSON array convert; `None`: the array stays as it is.
    fn items_as<'a>(&'a self, c: &'a Conv) -> Option<&'a Conv> {
        match c {
            Conv::Raw => None,
            Conv::List(item) => Some(item),
            Conv::ByKind { arr: Some(a), .. } => self.items_as(a),
            _ => Some(&WRAP),
        }
    }
}

/// The event (JSON text) built by `plan`.
pub fn build_json(py: Python<'_>, plan: &Plan, text: &str) -> PyResult<Py<PyAny>> {
    let mut de = serde_json::Deserializer::from_str(text);
    Seed { py, plan, conv: &plan.root, last: None }
        .deserialize(&mut de)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("invalid JSON from the gateway: {e}")))
}

fn py_err<E: serde::de::Error>(e: PyErr) -> E {
    E::custom(e.to_string())
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
            let field = cp.field(&k);
            shadowed |= field.is_none() && cp.shadows.contains(k.as_str());
            let mut de = serde_json::Deserializer::from_str(raw.get());
            let value = self.field(field).deserialize(&mut de).map_err(A::Error::custom)?;
            dict.set_item(key_string(py, &k), value).map_err(py_err)?;
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
        Ok(match self.class.field(v) {
            Some(f) => (f.key.clone_ref(self.py), Some(f), false),
            None => (key_string(self.py, v), None, self.class.shadows.contains(v)),
        })
    }
}
