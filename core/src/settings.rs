//! Client settings as plain data, so every binding builds its client the same way from the
//! options its users pass (a dict, a JS object, Kotlin arguments) without builder logic of its own.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

use crate::client::{Client, ClientBuilder};
use crate::error::{Error, Result};

/// Everything a client can be configured with; what is unset comes from the environment or the
/// defaults. Seconds are numbers, so every language passes them as it naturally would.
///
/// ```
/// let s: empiriolabs::ClientSettings = serde_json::from_str(r#"{"api_key": "sk-1", "base_url": "http://127.0.0.1:9", "timeout": 2.5}"#).unwrap();
/// let client = s.build("python", "1.0.0").unwrap();
/// assert_eq!(client.base_url(), "http://127.0.0.1:9");
/// assert!(!format!("{s:?}").contains("sk-1"));
/// let bad: empiriolabs::ClientSettings = serde_json::from_str(r#"{"timeout": -1}"#).unwrap();
/// assert!(bad.build("python", "1.0.0").unwrap_err().to_string().contains("timeout"));
/// ```
#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClientSettings {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    /// Seconds per attempt (see the README's timeout rule).
    pub timeout: Option<f64>,
    pub connect_timeout: Option<f64>,
    pub stream_idle_timeout: Option<f64>,
    pub max_retries: Option<u32>,
    pub default_headers: BTreeMap<String, String>,
    pub user_agent: Option<String>,
}

impl std::fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSettings")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("max_retries", &self.max_retries)
            .field("default_headers", &crate::redact::pairs(&self.default_headers.clone().into_iter().collect::<Vec<_>>()))
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// A number of seconds as a duration: positive and finite, or a configuration error naming `name`.
pub fn seconds(name: &str, secs: f64) -> Result<Duration> {
    if secs.is_finite() && secs > 0.0 {
        Duration::try_from_secs_f64(secs).map_err(|_| Error::Config(format!("`{name}` of {secs} seconds is too long")))
    } else {
        Err(Error::Config(format!("`{name}` must be a positive number of seconds, got {secs}")))
    }
}

impl ClientSettings {
    /// The builder these settings describe.
    pub fn builder(&self) -> Result<ClientBuilder> {
        let mut b = Client::builder();
        if let Some(k) = &self.api_key {
            b = b.api_key(k);
        }
        if let Some(u) = &self.base_url {
            b = b.base_url(u);
        }
        if let Some(t) = self.timeout {
            b = b.timeout(seconds("timeout", t)?);
        }
        if let Some(t) = self.connect_timeout {
            b = b.connect_timeout(seconds("connect_timeout", t)?);
        }
        if let Some(t) = self.stream_idle_timeout {
            b = b.stream_idle_timeout(seconds("stream_idle_timeout", t)?);
        }
        if let Some(n) = self.max_retries {
            b = b.max_retries(n);
        }
        for (k, v) in &self.default_headers {
            b = b.default_header(k, v);
        }
        if let Some(ua) = &self.user_agent {
            b = b.user_agent(ua);
        }
        Ok(b)
    }

    /// A client for the binding `language` at `version` (named in its user agent).
    pub fn build(&self, language: &str, version: &str) -> Result<Client> {
        self.builder()?.binding(language, version).build()
    }
}
