//! What one call sends, and the one function every binding uses to assemble it from native
//! values: path parameters, query pairs, a JSON body, file parts and per-call options.

use bytes::Bytes;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::options::RequestOptions;
use crate::redact;
use crate::upload::{self, Part};

/// A request body.
#[derive(Clone, Default)]
pub enum Payload {
    #[default]
    None,
    Json(Value),
    Multipart(Vec<Part>),
    Bytes { content_type: Option<String>, data: Bytes },
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Payload::None => f.write_str("None"),
            Payload::Json(v) => f.debug_tuple("Json").field(&redact::json(v)).finish(),
            Payload::Multipart(parts) => f.debug_tuple("Multipart").field(parts).finish(),
            Payload::Bytes { content_type, data } => f.debug_struct("Bytes").field("content_type", content_type).field("len", &data.len()).finish(),
        }
    }
}

/// What a call sends: path parameters, query, body and per-call options. `Debug` redacts
/// secrets (credentials in headers, body fields named like keys, tokens and passwords).
///
/// ```
/// use empiriolabs::CallArgs;
/// use serde_json::json;
/// let args = CallArgs::new().path("job_id", "job_123").query("limit", "5").json(json!({"a": 1, "api_key": "sk-1"}));
/// assert!(!format!("{args:?}").contains("sk-1"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct CallArgs {
    pub path: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub body: Payload,
    /// Overrides the operation's method (GPU connect takes any).
    pub method: Option<String>,
    pub options: RequestOptions,
}

impl CallArgs {
    pub fn new() -> Self {
        Self::default()
    }

    /// A call from the parts a binding has: with files, the body's fields become multipart
    /// text fields (strings as they are, arrays joined with `,`, other values as JSON, nulls
    /// left out); without, the body is sent as JSON.
    ///
    /// ```
    /// use empiriolabs::{CallArgs, Payload, RequestOptions};
    /// use empiriolabs::upload::Part;
    /// use serde_json::json;
    /// let file = Part::bytes("file", "a.wav", vec![0u8; 4], None);
    /// let args = CallArgs::assemble(vec![], vec![], Some(json!({"model": "m", "language": null})), vec![file], None, RequestOptions::new()).unwrap();
    /// let Payload::Multipart(parts) = &args.body else { panic!() };
    /// assert_eq!(parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["file", "model"]);
    /// ```
    pub fn assemble(path: Vec<(String, String)>, query: Vec<(String, String)>, body: Option<Value>, files: Vec<Part>, method: Option<String>, options: RequestOptions) -> Result<CallArgs> {
        let body = match (files.is_empty(), body) {
            (true, Some(Value::Null) | None) => Payload::None,
            (true, Some(v)) => Payload::Json(v),
            (false, body) => {
                let fields = match body {
                    None | Some(Value::Null) => serde_json::Map::new(),
                    Some(Value::Object(m)) => m,
                    Some(_) => return Err(Error::invalid("body", "must be an object of fields when files are sent")),
                };
                let mut parts = files;
                parts.extend(upload::fields(fields));
                Payload::Multipart(parts)
            }
        };
        Ok(CallArgs { path, query, body, method, options })
    }

    pub fn path(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.path.push((name.into(), value.into()));
        self
    }

    pub fn query(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Payload::Json(body);
        self
    }

    pub fn multipart(mut self, parts: Vec<Part>) -> Self {
        self.body = Payload::Multipart(parts);
        self
    }

    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// The body's `stream` flag, if it has one.
    pub fn stream_flag(&self) -> Option<bool> {
        match &self.body {
            Payload::Json(v) => v.get("stream").and_then(Value::as_bool),
            _ => None,
        }
    }
}
