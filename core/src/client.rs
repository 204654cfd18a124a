//! The client: configuration, one pooled HTTP connection pool, and defaults for every call.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::retry::Backoff;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Agents and research streams can think quietly for minutes; past this, a stream is dead.
pub const DEFAULT_STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(300);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Idle pooled connections close before the gateway's ~400 s keep-alive limit.
const POOL_IDLE: Duration = Duration::from_secs(300);

/// A handle to the gateway. Cheap to clone (an `Arc` inside), `Send + Sync`.
///
/// ```no_run
/// # async fn demo() -> empiriolabs::Result<()> {
/// let client = empiriolabs::Client::new()?; // EMPIRIOLABS_API_KEY, EMPIRIOLABS_BASE_URL
/// let models = client.models().list().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// Which header carries the API key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthStyle {
    /// `Authorization: Bearer <key>` (on `/v1/messages` also `x-api-key`).
    #[default]
    Bearer,
    /// `x-api-key: <key>` only, as Anthropic clients send it.
    XApiKey,
}

pub(crate) struct Inner {
    pub config: Config,
    pub auth: AuthStyle,
    pub http: reqwest::Client,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub stream_idle_timeout: Duration,
    pub max_retries: u32,
    pub headers: HeaderMap,
    pub backoff: Backoff,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client configured from `EMPIRIOLABS_API_KEY` and `EMPIRIOLABS_BASE_URL`.
    pub fn new() -> Result<Client> {
        Client::builder().build()
    }

    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn base_url(&self) -> &str {
        self.inner.config.base_url()
    }
}

/// Builds a [`Client`]; anything not set comes from the environment or the defaults.
///
/// ```
/// use std::time::Duration;
/// let client = empiriolabs::Client::builder()
///     .api_key("sk-test")
///     .base_url("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(30))
///     .max_retries(5)
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    stream_idle_timeout: Option<Duration>,
    max_retries: Option<u32>,
    headers: Vec<(String, String)>,
    user_agent: Option<String>,
    binding: Option<(String, String)>,
    proxy: Option<String>,
    http: Option<reqwest::Client>,
    backoff: Option<Backoff>,
    auth: AuthStyle,
}

impl ClientBuilder {
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The whole-request timeout (default 600 s; the gateway cuts at 15 min).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }

    /// The longest a stream may stay silent (default 300 s).
    pub fn stream_idle_timeout(mut self, d: Duration) -> Self {
        self.stream_idle_timeout = Some(d);
        self
    }

    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// The first and longest waits of the exponential backoff (defaults 0.5 s and 8 s).
    pub fn retry_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.backoff = Some(Backoff { initial, max });
        self
    }

    /// Which header carries the key (default `Authorization: Bearer`).
    pub fn auth_style(mut self, style: AuthStyle) -> Self {
        self.auth = style;
        self
    }

    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Names the language package built on this core in the user agent:
    /// `empiriolabs-<language>/<version> (core <version>; <os>)`.
    pub fn binding(mut self, language: impl Into<String>, version: impl Into<String>) -> Self {
        self.binding = Some((language.into(), version.into()));
        self
    }

    /// Sends every request through this proxy (`http://`, `https://` or `socks5://`).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Uses the caller's own `reqwest::Client` (its pool, TLS, proxy and redirect settings); the
    /// connect timeout, user agent, proxy and same-origin redirect policy of this builder then
    /// do not apply.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn build(self) -> Result<Client> {
        let env = Config::from_env();
        let config = Config::new(self.api_key.or(env.api_key().map(str::to_string)), self.base_url.or(Some(env.base_url().to_string())));
        reqwest::Url::parse(config.base_url()).map_err(|e| Error::Config(format!("base URL `{}` is not a valid URL: {e}", config.base_url())))?;
        let mut headers = HeaderMap::new();
        for (k, v) in &self.headers {
            let name = HeaderName::from_bytes(k.as_bytes()).map_err(|_| Error::Config(format!("`{k}` is not a valid header name")))?;
            let value = HeaderValue::from_str(v).map_err(|_| Error::Config(format!("the value of header `{k}` is not valid")))?;
            headers.insert(name, value);
        }
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let http = match self.http {
            Some(h) => h,
            None => {
                let (lang, version) = self.binding.unwrap_or_else(|| ("rust".into(), env!("CARGO_PKG_VERSION").into()));
                let ua = self.user_agent.unwrap_or_else(|| format!("empiriolabs-{lang}/{version} (core {}; {})", env!("CARGO_PKG_VERSION"), std::env::consts::OS));
                let mut b = reqwest::Client::builder()
                    .user_agent(ua)
                    .redirect(same_origin_redirects())
                    .connect_timeout(connect_timeout)
                    .pool_idle_timeout(POOL_IDLE)
                    .tcp_keepalive(Duration::from_secs(60))
                    .tcp_nodelay(true);
                if let Some(p) = &self.proxy {
                    let shown = crate::redact::url(p);
                    b = b.proxy(reqwest::Proxy::all(p).map_err(|_| Error::Config(format!("proxy `{shown}` is not a usable proxy URL")))?);
                }
                b.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                auth: self.auth,
                http,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                connect_timeout,
                stream_idle_timeout: self.stream_idle_timeout.unwrap_or(DEFAULT_STREAM_IDLE_TIMEOUT),
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                headers,
                backoff: self.backoff.unwrap_or_default(),
            }),
        })
    }
}

/// Redirects are followed only within the origin (scheme, host and port) they start from, so
/// the key in `Authorization` or `x-api-key` never reaches another host; any other redirect is
/// handed back as the 3xx answer it is.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(|u| u.origin());
        if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else if first.is_some_and(|o| o == attempt.url().origin()) {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}
