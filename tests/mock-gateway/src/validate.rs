//! Request-body validation: required fields, types, enums and ranges, each failure a 400 that
//! names the parameter, as the gateway's `invalid_request_error` does.

use serde_json::{Map, Value};

use crate::errors::ApiError;

/// A JSON object body.
pub type Body = Map<String, Value>;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ty {
    Str,
    Int,
    Num,
    Bool,
    Arr,
    Obj,
    /// A string or an array (of strings or parts).
    StrOrArr,
    /// A string or an object.
    StrOrObj,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Str => "a string",
            Ty::Int => "an integer",
            Ty::Num => "a number",
            Ty::Bool => "a boolean",
            Ty::Arr => "an array",
            Ty::Obj => "an object",
            Ty::StrOrArr => "a string or an array",
            Ty::StrOrObj => "a string or an object",
        }
    }

    fn accepts(self, v: &Value) -> bool {
        match self {
            Ty::Str => v.is_string(),
            Ty::Int => v.is_i64() || v.is_u64(),
            Ty::Num => v.is_number(),
            Ty::Bool => v.is_boolean(),
            Ty::Arr => v.is_array(),
            Ty::Obj => v.is_object(),
            Ty::StrOrArr => v.is_string() || v.is_array(),
            Ty::StrOrObj => v.is_string() || v.is_object(),
        }
    }
}

/// One documented field of a request body.
#[derive(Clone, Copy, Debug)]
pub struct F {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub one_of: Option<&'static [&'static str]>,
}

pub const fn req(name: &'static str, ty: Ty) -> F {
    F { name, ty, required: true, min: None, max: None, one_of: None }
}

pub const fn opt(name: &'static str, ty: Ty) -> F {
    F { name, ty, required: false, min: None, max: None, one_of: None }
}

impl F {
    pub const fn range(mut self, min: f64, max: f64) -> F {
        self.min = Some(min);
        self.max = Some(max);
        self
    }

    pub const fn min(mut self, min: f64) -> F {
        self.min = Some(min);
        self
    }

    pub const fn one_of(mut self, values: &'static [&'static str]) -> F {
        self.one_of = Some(values);
        self
    }
}

/// Parses a JSON object body; anything else is a 400 that quotes the parser's complaint.
pub fn parse(bytes: &[u8]) -> Result<Body, ApiError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::invalid("body", "invalid_json", "The request body is empty; expected a JSON object."));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(ApiError::invalid(
            "body",
            "invalid_json",
            format!("The request body must be a JSON object, not {}.", json_kind(&other)),
        )),
        Err(e) => Err(ApiError::invalid("body", "invalid_json", format!("The request body is not valid JSON: {e}."))),
    }
}

/// Parses and checks a body against its fields; unknown fields pass (per-model parameters).
pub fn body(bytes: &[u8], fields: &[F]) -> Result<Body, ApiError> {
    let b = parse(bytes)?;
    check(&b, fields)?;
    Ok(b)
}

pub fn check(body: &Body, fields: &[F]) -> Result<(), ApiError> {
    for f in fields {
        match body.get(f.name) {
            None | Some(Value::Null) if f.required => return Err(ApiError::missing(f.name)),
            None | Some(Value::Null) => {}
            Some(v) => check_value(f.name, f, v)?,
        }
    }
    Ok(())
}

fn check_value(param: &str, f: &F, v: &Value) -> Result<(), ApiError> {
    if !f.ty.accepts(v) {
        return Err(ApiError::invalid(
            param,
            "invalid_type",
            format!("Invalid type for '{param}': expected {}, but got {}.", f.ty.name(), json_kind(v)),
        ));
    }
    if let Some(allowed) = f.one_of {
        let s = v.as_str().unwrap_or_default();
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(s)) {
            return Err(ApiError::invalid(
                param,
                "invalid_value",
                format!("Invalid value for '{param}': '{s}'. Supported values are: {}.", allowed.join(", ")),
            ));
        }
    }
    if let Some(n) = v.as_f64() {
        let below = f.min.is_some_and(|m| n < m);
        let above = f.max.is_some_and(|m| n > m);
        if below || above {
            let bounds = match (f.min, f.max) {
                (Some(a), Some(b)) => format!("between {a} and {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => unreachable!("a bound was checked"),
            };
            return Err(ApiError::invalid(param, "invalid_value", format!("Invalid value for '{param}': {n}; expected {bounds}.")));
        }
    }
    Ok(())
}

pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads an optional string field.
pub fn str_field<'a>(b: &'a Body, name: &str) -> Option<&'a str> {
    b.get(name).and_then(Value::as_str)
}

/// A JSON pointer (`/a/b`) into a body.
pub fn pointer<'a>(b: &'a Body, ptr: &str) -> Option<&'a Value> {
    let ptr = ptr.strip_prefix('/')?;
    match ptr.split_once('/') {
        None => b.get(ptr),
        Some((first, rest)) => b.get(first)?.pointer(&format!("/{rest}")),
    }
}

pub fn bool_field(b: &Body, name: &str) -> Option<bool> {
    b.get(name).and_then(Value::as_bool)
}

pub fn u64_field(b: &Body, name: &str) -> Option<u64> {
    b.get(name).and_then(Value::as_u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: &[F] = &[req("model", Ty::Str), opt("temperature", Ty::Num).range(0.0, 2.0), opt("fmt", Ty::Str).one_of(&["url", "b64_json"])];

    fn run(v: Value) -> Result<Body, ApiError> {
        body(v.to_string().as_bytes(), FIELDS)
    }

    #[test]
    fn names_the_missing_field() {
        let e = run(json!({"temperature": 1})).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("model"));
        assert_eq!(e.status, 400);
    }

    #[test]
    fn names_wrong_types_ranges_and_enums() {
        let e = run(json!({"model": 3})).unwrap_err();
        assert!(e.message.contains("expected a string, but got an integer"), "{}", e.message);
        let e = run(json!({"model": "m", "temperature": 3.5})).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("temperature"));
        let e = run(json!({"model": "m", "fmt": "png"})).unwrap_err();
        assert!(e.message.contains("url, b64_json"));
    }

    #[test]
    fn unknown_fields_pass_and_bad_json_is_explained() {
        assert!(run(json!({"model": "m", "thinking_mode": true})).is_ok());
        let e = body(b"{\"model\": ", FIELDS).unwrap_err();
        assert_eq!(e.code.as_deref(), Some("invalid_json"));
        let e = body(b"[1]", FIELDS).unwrap_err();
        assert!(e.message.contains("not an array"));
    }
}
