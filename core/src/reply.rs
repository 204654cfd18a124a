//! A typed answer that also carries the response's status, headers and request id.

use std::ops::{Deref, DerefMut};

use crate::call::ResponseMeta;

/// `T` plus [`ResponseMeta`]; derefs to `T`.
///
/// ```no_run
/// # async fn demo(client: empiriolabs::Client) -> empiriolabs::Result<()> {
/// let r = client.models().retrieve("deepseek-v4-pro").await?;
/// println!("{} (request {:?})", r.id, r.meta.request_id);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Reply<T> {
    /// The decoded answer (named `body` so the API's own `data` fields stay reachable by deref).
    pub body: T,
    pub meta: ResponseMeta,
}

impl<T> Reply<T> {
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> Deref for Reply<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for Reply<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}
