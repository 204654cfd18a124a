//! Command-line options of the mock gateway.

use std::net::IpAddr;
use std::time::Duration;

/// The fixed API key the mock accepts unless `--api-key` says otherwise.
pub const DEFAULT_API_KEY: &str = "sk-empirio-test";

/// How the mock is started; every field has a flag.
#[derive(Clone, Debug)]
pub struct Options {
    pub host: IpAddr,
    pub port: u16,
    pub api_key: String,
    pub exit_on_stdin_close: bool,
    /// How long a finished job stays readable before `GET /v1/jobs/{id}` answers 404.
    pub job_retention: Duration,
    /// How long an async job (or agent task, or GPU boot) takes unless a request says otherwise.
    pub job_duration: Duration,
    /// How long `sync: true` image requests hold before falling back to a job envelope.
    pub sync_window: Duration,
    /// The request log keeps at most this many entries (oldest dropped first).
    pub log_limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            api_key: DEFAULT_API_KEY.to_string(),
            exit_on_stdin_close: false,
            job_retention: Duration::from_secs(3600),
            job_duration: Duration::from_millis(1500),
            sync_window: Duration::from_secs(3),
            log_limit: 10_000,
        }
    }
}

pub const USAGE: &str = "\
empirio-mock: a local stand-in for the EmpirioLabs AI gateway

USAGE: empirio-mock [OPTIONS]

  --port N                 port to listen on (default 0: the OS picks one)
  --host ADDR              loopback address to bind (default 127.0.0.1)
  --api-key KEY            the one accepted API key (default sk-empirio-test)
  --exit-on-stdin-close    exit when standard input reaches end of file
  --job-ms N               default duration of async jobs, agent tasks and boots (default 1500)
  --job-retention-secs S   how long finished jobs stay readable (default 3600)
  --sync-window-ms N       how long `sync: true` image requests hold (default 3000)
  --log-limit N            request-log capacity (default 10000)
  --help                   print this text

Once listening it prints one JSON line on stdout:
  {\"event\":\"ready\",\"url\":\"http://127.0.0.1:PORT\",\"port\":PORT,\"api_key\":\"...\"}
";

impl Options {
    /// Parses `args` (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut o = Options::default();
        let mut it = args.into_iter();
        while let Some(flag) = it.next() {
            let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
            match flag.as_str() {
                "--port" => o.port = num(&flag, &value("--port")?)?,
                "--host" => {
                    let v = value("--host")?;
                    o.host = v.parse().map_err(|_| format!("--host: `{v}` is not an IP address"))?;
                    if !o.host.is_loopback() {
                        return Err(format!("--host: `{v}` is not a loopback address; the mock only serves this machine"));
                    }
                }
                "--api-key" => o.api_key = value("--api-key")?,
                "--exit-on-stdin-close" => o.exit_on_stdin_close = true,
                "--job-ms" => o.job_duration = Duration::from_millis(num(&flag, &value("--job-ms")?)?),
                "--job-retention-secs" => {
                    let v = value("--job-retention-secs")?;
                    let secs: f64 = v.parse().map_err(|_| format!("--job-retention-secs: `{v}` is not a number"))?;
                    o.job_retention = Duration::from_secs_f64(secs.max(0.0));
                }
                "--sync-window-ms" => o.sync_window = Duration::from_millis(num(&flag, &value("--sync-window-ms")?)?),
                "--log-limit" => o.log_limit = num(&flag, &value("--log-limit")?)?,
                "--help" | "-h" => return Err(String::new()),
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        Ok(o)
    }
}

fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse().map_err(|_| format!("{flag}: `{v}` is not a whole number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_override_defaults() {
        let o = parse(&["--port", "8080", "--job-ms", "20", "--job-retention-secs", "0.5", "--exit-on-stdin-close"]).unwrap();
        assert_eq!(o.port, 8080);
        assert_eq!(o.job_duration, Duration::from_millis(20));
        assert_eq!(o.job_retention, Duration::from_millis(500));
        assert!(o.exit_on_stdin_close);
        assert_eq!(o.api_key, DEFAULT_API_KEY);
    }

    #[test]
    fn rejects_bad_values_and_public_hosts() {
        assert!(parse(&["--port", "x"]).unwrap_err().contains("--port"));
        assert!(parse(&["--host", "0.0.0.0"]).unwrap_err().contains("loopback"));
        assert!(parse(&["--bogus"]).unwrap_err().contains("--bogus"));
        assert!(parse(&["--port"]).unwrap_err().contains("needs a value"));
    }
}
