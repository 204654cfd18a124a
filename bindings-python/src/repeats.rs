//! A field's last string value, reused while the field keeps repeating it: a stream's events
//! repeat their `id`, `object`, `model` and `type`, and a reused string costs no allocation,
//! copy or free.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::PyString;

/// The last string value of one field, while that field keeps repeating its value; a field
/// whose value changes more often than not (a delta's text) stops being compared.
#[derive(Default)]
pub struct Repeats {
    last: Mutex<Option<(Box<str>, Py<PyString>)>>,
    /// Misses minus hits, saturating: past `GIVE_UP` the field is not compared any more.
    misses: AtomicU32,
}

const GIVE_UP: u32 = 16;

impl Repeats {
    /// `v` as a Python string: the last one made for this field when it is the same text.
    pub fn string(&self, py: Python<'_>, v: &str) -> Py<PyAny> {
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
