//! `multipart/form-data` parsing (for transcription uploads and the request log).

use std::convert::Infallible;

use bytes::Bytes;

use crate::errors::ApiError;

#[derive(Clone, Debug)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl Part {
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }
}

pub fn is_multipart(content_type: &str) -> bool {
    content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data")
}

/// Parses a whole multipart body; a malformed one is a 400 that says what is wrong.
pub async fn parse(content_type: &str, body: Bytes) -> Result<Vec<Part>, ApiError> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| {
        ApiError::invalid("Content-Type", "invalid_multipart", format!("The multipart Content-Type has no usable boundary: {e}."))
    })?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, Infallible>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    loop {
        let field = mp
            .next_field()
            .await
            .map_err(|e| ApiError::invalid("body", "invalid_multipart", format!("The multipart body is malformed: {e}.")))?;
        let Some(field) = field else { break };
        let name = field.name().unwrap_or_default().to_string();
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(|m| m.to_string());
        let data = field
            .bytes()
            .await
            .map_err(|e| ApiError::invalid(&name, "invalid_multipart", format!("Multipart field `{name}` is malformed: {e}.")))?;
        parts.push(Part { name, filename, content_type, data });
    }
    Ok(parts)
}
