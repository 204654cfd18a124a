//! Downloading generated media from its output URL: no API key is sent (the URL is signed), the
//! headers arrive within the request timeout, each piece of the body within the stream idle
//! timeout, and a file is written whole or not at all.

use std::path::{Path, PathBuf};

use bytes::{Bytes, BytesMut};
use tokio::io::AsyncWriteExt;

use crate::client::Client;
use crate::error::{ApiError, Error, Result, TimeoutKind};
use crate::raw_body::RawBody;

impl Client {
    /// Opens an output URL (signed, valid 7 days) and returns its body as it arrives.
    pub async fn open_download(&self, url: &str) -> Result<RawBody> {
        let inner = &self.inner;
        let sent = tokio::time::timeout(inner.timeout, inner.http.get(url).send()).await;
        let resp = match sent {
            Err(_) => return Err(Error::Timeout { kind: TimeoutKind::Request, after: inner.timeout }),
            Ok(Err(e)) if e.is_timeout() && e.is_connect() => return Err(Error::Timeout { kind: TimeoutKind::Connect, after: inner.connect_timeout }),
            Ok(Err(e)) => return Err(Error::Connection { message: format!("cannot download {}: {}", crate::redact::url(url), crate::call::error_chain(&e)), before_send: e.is_connect() }),
            Ok(Ok(r)) => r,
        };
        let status = resp.status().as_u16();
        if status >= 400 {
            let headers = resp.headers().clone();
            let body = tokio::time::timeout(inner.stream_idle_timeout, resp.bytes()).await.ok().and_then(|b| b.ok()).unwrap_or_default();
            return Err(Error::from(ApiError::from_response(status, headers, &body)));
        }
        Ok(RawBody::new(resp, inner.stream_idle_timeout))
    }

    /// Downloads an output URL to memory.
    ///
    /// ```no_run
    /// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
    /// let png = client.download("https://cdn.empiriolabs.ai/out/img_1.png").await?;
    /// # Ok(()) }
    /// ```
    pub async fn download(&self, url: &str) -> Result<Bytes> {
        let mut body = self.open_download(url).await?;
        let mut out = BytesMut::new();
        while let Some(piece) = body.next().await {
            out.extend_from_slice(&piece?);
        }
        Ok(out.freeze())
    }

    /// Downloads an output URL to `path` in constant memory: the body goes to a temporary file
    /// beside it, renamed into place once complete; on any failure nothing is left behind.
    /// Returns the number of bytes written.
    pub async fn download_to(&self, url: &str, path: impl AsRef<Path>) -> Result<u64> {
        let path = path.as_ref();
        let mut body = self.open_download(url).await?;
        let tmp = temp_beside(path);
        let written = async {
            let mut file = tokio::fs::File::create(&tmp).await.map_err(|e| write_error(path, e))?;
            let mut n = 0u64;
            while let Some(piece) = body.next().await {
                let piece = piece?;
                file.write_all(&piece).await.map_err(|e| write_error(path, e))?;
                n += piece.len() as u64;
            }
            file.sync_all().await.map_err(|e| write_error(path, e))?;
            drop(file);
            tokio::fs::rename(&tmp, path).await.map_err(|e| write_error(path, e))?;
            Ok(n)
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        written
    }
}

fn write_error(path: &Path, e: std::io::Error) -> Error {
    Error::invalid("path", format!("cannot write `{}`: {e}", path.display()))
}

/// `dir/.name.<random>.part`, on the same file system as `path` so the rename is atomic.
fn temp_beside(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "download".into());
    path.with_file_name(format!(".{name}.{:016x}.part", fastrand::u64(..)))
}
