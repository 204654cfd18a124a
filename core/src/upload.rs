//! Multipart upload parts, from a path, bytes or an async reader; a missing or unreadable file
//! fails before the network.

use std::path::Path;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::error::{Error, Result};

/// One `multipart/form-data` part: a text field or a file.
///
/// ```
/// use empiriolabs::upload::Part;
/// let file = Part::bytes("file", "clip.wav", vec![0u8; 16], None);
/// assert_eq!(file.content_type.as_deref(), Some("audio/wav"));
/// let field = Part::text("model", "openai-whisper-1");
/// assert!(field.filename.is_none());
/// ```
#[derive(Clone)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub data: Bytes,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Part");
        d.field("name", &self.name).field("filename", &self.filename).field("content_type", &self.content_type);
        // A text field named like a secret shows no value; a file shows its size.
        match (&self.filename, crate::redact::is_secret_name(&self.name)) {
            (None, false) => d.field("value", &String::from_utf8_lossy(&self.data)),
            (None, true) => d.field("value", &"<redacted>"),
            (Some(_), _) => d.field("len", &self.data.len()),
        };
        d.finish()
    }
}

fn guess(filename: &str) -> String {
    mime_guess::from_path(filename).first_or_octet_stream().essence_str().to_string()
}

impl Part {
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Part {
        Part { name: name.into(), filename: None, content_type: None, data: Bytes::from(value.into()) }
    }

    /// A file from memory; without a MIME type it is guessed from the file name.
    pub fn bytes(name: impl Into<String>, filename: impl Into<String>, data: impl Into<Bytes>, mime: Option<&str>) -> Part {
        let filename = filename.into();
        let content_type = Some(mime.map(str::to_string).unwrap_or_else(|| guess(&filename)));
        Part { name: name.into(), filename: Some(filename), content_type, data: data.into() }
    }

    /// A file read from disk now, so a bad path fails before any request.
    pub async fn path(name: impl Into<String>, path: impl AsRef<Path>, mime: Option<&str>) -> Result<Part> {
        let name = name.into();
        let path = path.as_ref();
        let data = tokio::fs::read(path).await.map_err(|e| Error::invalid(&name, format!("cannot read file `{}`: {e}", path.display())))?;
        let filename = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| "upload".into());
        Ok(Part::bytes(name, filename, data, mime))
    }

    /// A file from an async reader, read to the end (so a retry can send it again).
    pub async fn reader(name: impl Into<String>, filename: impl Into<String>, mut reader: impl AsyncRead + Unpin, mime: Option<&str>) -> Result<Part> {
        let name = name.into();
        let mut data = Vec::new();
        reader.read_to_end(&mut data).await.map_err(|e| Error::invalid(&name, format!("cannot read the upload: {e}")))?;
        Ok(Part::bytes(name, filename, data, mime))
    }
}

/// A JSON object's fields as multipart text parts: strings as they are, arrays joined with
/// `,`, other values as JSON text; nulls are left out, in every binding alike.
pub fn fields(fields: serde_json::Map<String, serde_json::Value>) -> Vec<Part> {
    use serde_json::Value;
    fields
        .into_iter()
        .filter_map(|(k, v)| {
            let text = match v {
                Value::Null => return None,
                Value::String(s) => s,
                Value::Array(items) => items.iter().map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string())).collect::<Vec<_>>().join(","),
                other => other.to_string(),
            };
            Some(Part::text(k, text))
        })
        .collect()
}

pub(crate) fn form(parts: &[Part]) -> Result<reqwest::multipart::Form> {
    let mut form = reqwest::multipart::Form::new();
    for p in parts {
        let mut part = reqwest::multipart::Part::bytes(p.data.to_vec());
        if let Some(f) = &p.filename {
            part = part.file_name(f.clone());
        }
        if let Some(ct) = &p.content_type {
            part = part.mime_str(ct).map_err(|_| Error::invalid(&p.name, format!("`{ct}` is not a MIME type")))?;
        }
        form = form.part(p.name.clone(), part);
    }
    Ok(form)
}
