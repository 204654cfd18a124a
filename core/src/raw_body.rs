//! A response body read piece by piece as it arrives (GPU service bytes, downloads), each
//! wait bounded by an idle timeout so a stalled transfer cannot hang its reader.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use crate::call::ResponseMeta;
use crate::error::{Error, Result, TimeoutKind};

type Body = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

/// A body read as it arrives; dropping it closes the connection.
pub struct RawBody {
    pub meta: ResponseMeta,
    body: Body,
    idle: Duration,
}

impl std::fmt::Debug for RawBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawBody").field("meta", &self.meta).field("idle", &self.idle).finish_non_exhaustive()
    }
}

impl RawBody {
    pub(crate) fn new(resp: reqwest::Response, idle: Duration) -> RawBody {
        RawBody { meta: ResponseMeta::of(&resp), body: Box::pin(resp.bytes_stream()), idle }
    }

    /// The next piece of the body; `None` at its end. Silence longer than the idle timeout is
    /// [`Error::Timeout`] with [`TimeoutKind::StreamIdle`].
    pub async fn next(&mut self) -> Option<Result<Bytes>> {
        match tokio::time::timeout(self.idle, self.body.next()).await {
            Err(_) => Some(Err(Error::Timeout { kind: TimeoutKind::StreamIdle, after: self.idle })),
            Ok(None) => None,
            Ok(Some(Ok(b))) => Some(Ok(b)),
            Ok(Some(Err(e))) => Some(Err(Error::Connection { message: format!("the body broke mid-transfer: {e}"), before_send: false })),
        }
    }
}
