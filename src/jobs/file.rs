//! Stored files: what `POST /storage/v1/Files` uploads (`files/<ts>/<name>`), what an
//! export job writes (`files/export/<ts>/Export_<hid>.csv`) and what EPM uploads
//! (`applicationsnapshots/{name}`). A file is its [`StoredFile`] record plus its bytes,
//! which hosts keep in pieces of at most [`CHUNK_BYTES`] (a storage row's limit is 2 MB).
//!
//! Names: the record's `key` drops the leading `files/` that answers show, so both
//! `files/export/...` (a job report's form) and `export/...` (what downloads send) find it.

use crate::error::{Result, ScimError};
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::{String, ToString};
use serde::{Deserialize, Serialize};

/// The largest piece of a file a host stores in one row.
pub const CHUNK_BYTES: usize = 1024 * 1024;

/// The largest file accepted: an import's limit (`csv::read::LIMITS`, 52 MB).
pub const MAX_FILE_BYTES: usize = crate::csv::read::LIMITS.max_bytes;

/// The longest file name part of an upload.
pub const MAX_NAME_BYTES: usize = 255;

/// One stored file's record (its bytes are kept beside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredFile {
    /// The storage key: `<ts>/<name>`, `export/<ts>/Export_<hid>.csv`, `epm/<name>`.
    pub key: String,
    /// The media type it was uploaded with.
    pub content_type: String,
    /// Whether the uploader asked for it to be public (kept; every download is
    /// authenticated here).
    pub is_public: bool,
    /// Its size in bytes.
    pub size: usize,
    /// When it was stored.
    pub created_ms: i64,
    /// Whether all of it is there (an EPM upload in chunks, an export being written).
    pub complete: bool,
}

impl StoredFile {
    /// The name answers show: `files/<key>` (EPM files by their own name).
    pub fn public_name(&self) -> String {
        match self.key.strip_prefix(EPM_PREFIX) {
            Some(name) => name.to_string(),
            None => format!("files/{}", self.key),
        }
    }

    /// The `POST /storage/v1/Files` answer.
    pub fn answer(&self, origin: &str) -> Value {
        let name = self.public_name();
        let mut body = Map::with_capacity(3);
        body.insert(
            "fileUrl",
            Value::from(format!(
                "{origin}/storage/v1/Files?fileName={}",
                encode(&name)
            )),
        );
        body.insert("fileName", Value::from(name));
        body.insert("isPublic", Value::Bool(self.is_public));
        Value::Object(body)
    }
}

/// Where EPM's snapshots live among the files.
pub const EPM_PREFIX: &str = "epm/";

/// The storage key a name sent by a client means (`files/x` and `x` are the same file).
pub fn key_of(name: &str) -> String {
    let name = name.trim().trim_start_matches('/');
    name.strip_prefix("files/").unwrap_or(name).to_string()
}

/// The key of an upload named `name` at `now_ms`: `<ts>/<name>`, the name checked.
pub fn upload_key(name: &str, now_ms: i64) -> Result<String> {
    check_name(name)?;
    Ok(format!("{now_ms}/{name}"))
}

/// A file name as a client sends it: 1 to 255 bytes, no `/`, `\` or control characters.
pub fn check_name(name: &str) -> Result<()> {
    let bad = name.is_empty()
        || name.len() > MAX_NAME_BYTES
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        return Err(ScimError::invalid_value(format!(
            "a file name has 1 to {MAX_NAME_BYTES} bytes and no '/', '\\' or control \
             characters: {:?}",
            name.chars().take(80).collect::<String>()
        )));
    }
    Ok(())
}

/// 413 for a file over [`MAX_FILE_BYTES`].
pub fn too_large(size: usize) -> ScimError {
    ScimError::new(
        413,
        None,
        format!(
            "the file is {size} bytes; a file here holds at most {MAX_FILE_BYTES} bytes (52 MB)"
        ),
    )
}

/// Percent-encodes a query value (RFC 3986 unreserved characters and `/` kept).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
