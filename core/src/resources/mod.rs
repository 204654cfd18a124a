//! The typed surface: one namespace per family of operations, named like the OpenAI and
//! Anthropic SDKs where the gateway copies them. Request bodies are JSON objects (so every
//! per-model parameter passes through); answers users read are typed.

pub mod account;
pub mod agents;
pub mod gpu;
pub mod hosted_agents;
pub mod media;
pub mod search;
pub mod text;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::call::{CallArgs, Outcome, Payload};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::job::{Generation, Job};
use crate::options::RequestOptions;
use crate::reply::Reply;
use crate::stream::EventStream;

/// What every namespace holds: the client and the per-call options set on it.
#[derive(Clone, Debug)]
pub struct Base {
    pub(crate) client: Client,
    pub(crate) opts: RequestOptions,
}

impl Base {
    pub(crate) fn new(client: &Client) -> Base {
        Base { client: client.clone(), opts: RequestOptions::default() }
    }

    pub(crate) fn args(&self) -> CallArgs {
        CallArgs::new().options(self.opts.clone())
    }

    /// Args with a JSON object body.
    pub(crate) fn body(&self, body: Value) -> Result<CallArgs> {
        if !body.is_object() {
            return Err(Error::invalid("body", "must be a JSON object of parameters"));
        }
        Ok(self.args().json(body))
    }

    /// Args with query parameters from a JSON object (`{"limit": 5, "featured": true}`).
    pub(crate) fn query(&self, q: Value) -> Result<CallArgs> {
        let mut args = self.args();
        match q {
            Value::Null => {}
            Value::Object(m) => {
                for (k, v) in m {
                    // Arrays go out as repeated keys (`ids=a&ids=b`), as the gateway reads them.
                    let values = match v {
                        Value::Array(items) => items,
                        other => vec![other],
                    };
                    for v in values {
                        let s = match v {
                            Value::Null => continue,
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        args = args.query(&k, s);
                    }
                }
            }
            _ => return Err(Error::invalid("query", "must be a JSON object of query parameters")),
        }
        Ok(args)
    }

    pub(crate) async fn typed<T: DeserializeOwned>(&self, op: &str, args: CallArgs) -> Result<Reply<T>> {
        refuse_stream_flag(op, &args)?;
        let r = self.client.call(op, args).await?;
        Ok(Reply { body: r.json()?, meta: r.meta })
    }

    pub(crate) async fn value(&self, op: &str, args: CallArgs) -> Result<Reply<Value>> {
        self.typed(op, args).await
    }

    pub(crate) async fn generation(&self, op: &str, args: CallArgs) -> Result<Generation> {
        match self.client.invoke(op, args).await? {
            Outcome::Job(j) => Ok(Generation::Job(j)),
            Outcome::Json(r) => Ok(Generation::Done(r.value()?)),
            Outcome::Bytes(r) if r.is_textual() => Ok(Generation::Done(Value::String(r.text()))),
            Outcome::Bytes(r) => Err(Error::decode_answer(format!("expected JSON or text, got `{}`", r.content_type()), &r.body, &r.meta)),
            Outcome::Stream(_) => Err(Error::invalid("stream", "this operation does not stream")),
        }
    }

    pub(crate) async fn job(&self, op: &str, args: CallArgs) -> Result<Job> {
        match self.generation(op, args).await? {
            Generation::Job(j) => Ok(j),
            Generation::Done(v) => Err(Error::decode("expected a job envelope", v.to_string().as_bytes())),
        }
    }

    pub(crate) async fn stream(&self, op: &str, mut args: CallArgs) -> Result<EventStream> {
        if let Payload::Json(Value::Object(m)) = &mut args.body {
            m.insert("stream".into(), Value::Bool(true));
        }
        self.client.stream(op, args).await
    }
}

/// A method that returns a whole answer cannot honour `"stream": true`; say which one does.
fn refuse_stream_flag(op: &str, args: &CallArgs) -> Result<()> {
    if args.stream_flag() != Some(true) && args.options.extra_body.get("stream").and_then(Value::as_bool) != Some(true) {
        return Ok(());
    }
    let streams = crate::operations::find(op).is_some_and(|o| o.can_stream());
    let message = if streams {
        "is true, but this method returns the whole answer; call the namespace's `stream` method for a stream"
    } else {
        "is true, but this operation never streams; leave `stream` out"
    };
    Err(Error::invalid("stream", message))
}

/// Declares a namespace type with an `options` setter.
macro_rules! namespace {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Debug)]
        pub struct $name {
            pub(crate) base: crate::resources::Base,
        }

        impl $name {
            /// Per-call overrides (timeout, retries, headers, query, extra body) for calls made
            /// through this namespace.
            pub fn options(mut self, opts: crate::options::RequestOptions) -> Self {
                self.base.opts = opts;
                self
            }
        }
    };
}
pub(crate) use namespace;
