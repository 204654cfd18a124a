//! Client configuration from the environment or from code; the key never appears in `Debug`.

use std::fmt;

/// The gateway's production address.
pub const DEFAULT_BASE_URL: &str = "https://api.empiriolabs.ai";
/// Environment variable holding the API key.
pub const ENV_API_KEY: &str = "EMPIRIOLABS_API_KEY";
/// Environment variable overriding the base URL.
pub const ENV_BASE_URL: &str = "EMPIRIOLABS_BASE_URL";

/// Where the client sends requests and with which key.
///
/// ```
/// use empiriolabs::Config;
/// let cfg = Config::new(Some("sk-secret".into()), Some("http://127.0.0.1:8080/".into()));
/// assert_eq!(cfg.base_url(), "http://127.0.0.1:8080");
/// assert!(!format!("{cfg:?}").contains("sk-secret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    api_key: Option<String>,
    base_url: String,
}

impl Config {
    /// A configuration from explicit values; a missing base URL means production, and a
    /// trailing slash is dropped so paths join cleanly.
    pub fn new(api_key: Option<String>, base_url: Option<String>) -> Config {
        let base_url = base_url
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string());
        let api_key = api_key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
        Config { api_key, base_url }
    }

    /// Reads `EMPIRIOLABS_API_KEY` and `EMPIRIOLABS_BASE_URL`; empty values count as unset.
    pub fn from_env() -> Config {
        Config::new(std::env::var(ENV_API_KEY).ok(), std::env::var(ENV_BASE_URL).ok())
    }

    pub fn api_key(&self) -> Option<&str> {
        self.api_key.as_deref()
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_normalisation() {
        let c = Config::new(None, None);
        assert_eq!(c.base_url(), DEFAULT_BASE_URL);
        assert_eq!(c.api_key(), None);
        let c = Config::new(Some("  ".into()), Some(" http://x/v1/ ".into()));
        assert_eq!(c.api_key(), None);
        assert_eq!(c.base_url(), "http://x/v1");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = Config::new(Some("sk-live-123456".into()), None);
        let shown = format!("{c:?} {c:#?}");
        assert!(!shown.contains("sk-live-123456"));
        assert!(shown.contains("<redacted>"));
    }
}
