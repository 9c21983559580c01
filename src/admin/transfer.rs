//! Export and import: a whole server as one JSON document, `{"settings", "resources"}`.
//!
//! Export writes straight from the tenant into one buffer (no copy of any resource). Import
//! must be exactly an export: both members, nothing else. It never builds the document as
//! one value: a structural scan finds each resource's bytes, and each resource is parsed,
//! validated as a write would be and stored into a new tenant on its own, so the peak is the
//! body plus the new tenant. A bad resource fails the whole import, naming its index.

use super::Policy;
use crate::error::{Result, ScimError};
use crate::schema::builtin;
use crate::schema::{check_required, normalize_resource};
use crate::settings::Settings;
use crate::tenant::Tenant;
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::ops::Range;

/// The highest version number an import may carry: versions stay exact in every JSON
/// number and far from wrapping (`u64::MAX` would make the next write `W/"0"`).
pub const MAX_VERSION: u64 = (1 << 53) - 1;

/// The whole tenant as JSON bytes: `{"settings": {...}, "resources": [stored forms...]}`.
pub fn export(tenant: &Tenant) -> Vec<u8> {
    ExportStream::new(tenant, usize::MAX).flatten().collect()
}

/// An export in pieces of about `chunk_bytes`, for a host to stream: it holds a snapshot of
/// the tenant (its settings and a reference to every stored resource, which are immutable),
/// so later writes do not show in it, and only one piece is ever serialized at a time.
/// The pieces joined are exactly [`export`]'s bytes.
#[derive(Debug)]
pub struct ExportStream {
    head: Option<Vec<u8>>,
    resources: alloc::vec::IntoIter<Arc<Value>>,
    first: bool,
    done: bool,
    chunk_bytes: usize,
}

impl ExportStream {
    /// A snapshot of `tenant`, to be written in pieces of about `chunk_bytes`.
    pub fn new(tenant: &Tenant, chunk_bytes: usize) -> ExportStream {
        let mut head = Vec::from(&b"{\"settings\":"[..]);
        head.extend(serde_json::to_vec(tenant.settings()).unwrap_or_default());
        head.extend_from_slice(b",\"resources\":[");
        let resources: Vec<Arc<Value>> = tenant.resources().collect();
        ExportStream {
            head: Some(head),
            resources: resources.into_iter(),
            first: true,
            done: false,
            chunk_bytes: chunk_bytes.max(1),
        }
    }
}

impl Iterator for ExportStream {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        if self.done {
            return None;
        }
        let mut out = self.head.take().unwrap_or_default();
        while out.len() < self.chunk_bytes {
            let Some(resource) = self.resources.next() else {
                out.extend_from_slice(b"]}");
                self.done = true;
                break;
            };
            if !core::mem::take(&mut self.first) {
                out.push(b',');
            }
            out.extend(serde_json::to_vec(&*resource).unwrap_or_default());
        }
        Some(out)
    }
}

/// An import whose shape and settings are checked, resources not yet: the cheap half of
/// [`import`], done before a host gives up the tenant it has.
#[derive(Debug)]
pub struct ImportPlan<'b> {
    body: &'b [u8],
    settings: Settings,
    resources: Vec<Range<usize>>,
}

/// Rebuilds a server from an export, checking everything: the document's shape, the
/// settings, and every resource as a write would (its type, id, meta, schema, uniqueness),
/// plus the server's capacity. Returns the settings and the new tenant.
pub fn import(body: &[u8], policy: &Policy) -> Result<(Settings, Tenant)> {
    ImportPlan::parse(body, policy)?.build()
}

impl<'b> ImportPlan<'b> {
    /// Checks the document: exactly `settings` and `resources`, valid settings, an array of
    /// at most `policy.max_resources` resources, within `policy.import_max_bytes`.
    pub fn parse(body: &'b [u8], policy: &Policy) -> Result<ImportPlan<'b>> {
        if body.len() > policy.import_max_bytes {
            return Err(super::too_large(body.len() as u64, policy.import_max_bytes));
        }
        let members = scan::object_members(body).map_err(shape_error)?;
        let mut settings = None;
        let mut resources = None;
        for (key, range) in members {
            let slot = match key.as_str() {
                "settings" => &mut settings,
                "resources" => &mut resources,
                other => {
                    return Err(ScimError::invalid_syntax(format!(
                        "an import is an export, {{\"settings\", \"resources\"}}: \"{}\" is \
                         not part of one",
                        clip(other)
                    )))
                }
            };
            if slot.replace(range).is_some() {
                return Err(ScimError::invalid_syntax(format!(
                    "\"{key}\" appears twice in the import"
                )));
            }
        }
        let (Some(settings), Some(resources)) = (settings, resources) else {
            return Err(ScimError::invalid_syntax(
                "an import is an export: both \"settings\" and \"resources\" are required",
            ));
        };
        let settings = Settings::from_value(parse(body, settings)?)?;
        // The settings must also build a tenant (custom schemas are checked there).
        Tenant::new(settings.clone())?;
        let resources = scan::array_elements(body, resources)
            .map_err(|e| ScimError::invalid_syntax(format!("\"resources\" {e}")))?;
        if resources.len() > policy.max_resources {
            return Err(ScimError::new(
                403,
                None,
                format!(
                    "the import holds {} resources; a server here holds at most {}",
                    resources.len(),
                    policy.max_resources
                ),
            ));
        }
        Ok(ImportPlan {
            body,
            settings,
            resources,
        })
    }

    /// Parses, checks and stores every resource into a new tenant.
    pub fn build(self) -> Result<(Settings, Tenant)> {
        let mut tenant = Tenant::new(self.settings.clone())?;
        for (i, range) in self.resources.into_iter().enumerate() {
            let resource = parse(self.body, range)?;
            restore(&mut tenant, resource).map_err(|e| {
                ScimError::new(
                    e.status,
                    e.scim_type,
                    format!("resources[{i}]: {}", e.detail),
                )
            })?;
        }
        Ok((self.settings, tenant))
    }
}

fn parse(body: &[u8], range: Range<usize>) -> Result<Value> {
    let bytes = body.get(range).unwrap_or_default();
    crate::value::from_slice(bytes)
        .map_err(|e| ScimError::invalid_syntax(format!("the import is not valid JSON: {e}")))
}

fn shape_error(e: String) -> ScimError {
    ScimError::invalid_syntax(format!(
        "an import is an export, a JSON object {{\"settings\", \"resources\"}}: {e}"
    ))
}

/// Checks one stored form as a write would, and adds it to the tenant.
fn restore(tenant: &mut Tenant, resource: Value) -> Result<()> {
    let Value::Object(mut obj) = resource else {
        return Err(ScimError::invalid_syntax(
            "a resource must be a JSON object",
        ));
    };
    let id = match obj.remove("id") {
        Some(Value::String(id)) if valid_resource_id(&id) => id,
        Some(Value::String(id)) => {
            return Err(ScimError::invalid_value(format!(
                "invalid id {:?}: ids are 1 to {MAX_ID_LEN} visible ASCII characters without \
                 '/', '?', '#', '%', '\\\\' or '\"'",
                clip(&id)
            )))
        }
        _ => return Err(ScimError::invalid_value("a resource needs a string id")),
    };
    let meta = match obj.remove("meta") {
        Some(Value::Object(meta)) => check_meta(meta)?,
        _ => return Err(ScimError::invalid_value("a resource needs a meta object")),
    };
    let type_name = meta
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or_default();
    // A type switched off still keeps its resources (they come back when it is switched on),
    // so any type the engine knows is accepted; its schema is the tenant's view when served.
    let builtin_types = builtin::resource_types();
    let served = tenant
        .resource_types()
        .iter()
        .find(|rs| rs.name == type_name);
    let rs = match served {
        Some(rs) => rs,
        None => builtin_types
            .iter()
            .find(|rs| rs.name == type_name)
            .ok_or_else(|| {
                ScimError::invalid_value(format!("unknown resource type \"{}\"", clip(type_name)))
            })?,
    };
    // Stored forms are canonical, so normalizing them changes nothing but what no schema
    // describes any more; it proves every attribute has its type.
    let kept = crate::persona::stored_read_only(tenant, rs, &obj);
    let mut value = normalize_resource(rs, Value::Object(obj), false)?;
    crate::persona::restore(&mut value, kept);
    check_required(rs, &value)?;
    crate::resource::check_unique(tenant, rs, &value, None)?;
    if tenant.get(&rs.name, &id).is_some() {
        return Err(ScimError::uniqueness(format!(
            "{} id {} appears twice",
            rs.name,
            clip(&id)
        )));
    }
    // An export from before write-only values were sealed carries them in clear.
    let version = meta
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or_default();
    crate::secret::seal(rs, &mut value, &id, &alloc::string::String::from(version));
    if let Some(out) = value.as_object_mut() {
        out.insert_first("id", Value::String(id));
        out.insert("meta", Value::Object(meta));
    }
    tenant.load(value)
}

/// The longest resource id an import accepts.
pub const MAX_ID_LEN: usize = 128;

/// Ids travel in URL paths, `Location` headers and storage keys: printable ASCII without
/// the characters that would need escaping there.
pub fn valid_resource_id(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b"/?#%\\\"".contains(&b))
}

/// `meta` of a stored form: a known shape, a version that cannot wrap, real timestamps.
fn check_meta(meta: Map) -> Result<Map> {
    for key in meta.keys() {
        if !matches!(
            key.as_str(),
            "resourceType" | "created" | "lastModified" | "version" | "location"
        ) {
            return Err(ScimError::invalid_value(format!(
                "unknown meta attribute \"{}\"",
                clip(key)
            )));
        }
    }
    for key in ["created", "lastModified"] {
        let ok = meta
            .get(key)
            .and_then(Value::as_str)
            .is_some_and(|t| crate::time::parse(t).is_some());
        if !ok {
            return Err(ScimError::invalid_value(format!(
                "meta.{key} must be an xsd:dateTime"
            )));
        }
    }
    let version = meta.get("version").and_then(Value::as_str).unwrap_or("");
    let number = version
        .strip_prefix("W/\"")
        .and_then(|v| v.strip_suffix('"'))
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<u64>().ok());
    if number.is_none_or(|n| n > MAX_VERSION) {
        return Err(ScimError::invalid_value(format!(
            "meta.version must be W/\"n\" with n at most {MAX_VERSION}, got {:?}",
            clip(version)
        )));
    }
    let mut meta = meta;
    // Locations are computed on output from the host's base URL, never stored.
    meta.remove("location");
    Ok(meta)
}

fn clip(text: &str) -> &str {
    let mut end = text.len().min(80);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// A structural scan of JSON text: where each member of an object or element of an array
/// starts and ends, without building any value. Values are parsed (and fully validated)
/// one by one afterwards; the scan only needs to find their bounds.
mod scan {
    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;
    use core::ops::Range;

    /// Deeper than this is refused, as the body parser refuses it.
    const MAX_DEPTH: usize = 128;

    type Scan<T> = core::result::Result<T, String>;

    fn skip_ws(b: &[u8], mut i: usize) -> usize {
        while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    }

    fn expect(b: &[u8], i: usize, what: u8) -> Scan<usize> {
        if b.get(i) == Some(&what) {
            Ok(i + 1)
        } else {
            Err(format!("expected '{}' at byte {i}", char::from(what)))
        }
    }

    /// The end of the string starting at `i` (which must be `"`).
    fn skip_string(b: &[u8], i: usize) -> Scan<usize> {
        let mut i = expect(b, i, b'"')?;
        loop {
            match b.get(i) {
                Some(b'"') => return Ok(i + 1),
                Some(b'\\') => i += 2,
                Some(_) => i += 1,
                None => return Err(String::from("unterminated string")),
            }
        }
    }

    /// The end of the value starting at `i`.
    fn skip_value(b: &[u8], i: usize) -> Scan<usize> {
        let mut closers: Vec<u8> = Vec::new();
        let mut i = i;
        loop {
            i = skip_ws(b, i);
            match b.get(i) {
                Some(b'"') => i = skip_string(b, i)?,
                Some(&open @ (b'{' | b'[')) => {
                    if closers.len() >= MAX_DEPTH {
                        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
                    }
                    closers.push(if open == b'{' { b'}' } else { b']' });
                    i += 1;
                    continue;
                }
                Some(&close @ (b'}' | b']')) => {
                    if closers.pop() != Some(close) {
                        return Err(format!("unexpected '{}' at byte {i}", char::from(close)));
                    }
                    i += 1;
                }
                Some(c) if c.is_ascii_alphanumeric() || *c == b'-' => {
                    while b
                        .get(i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c))
                    {
                        i += 1;
                    }
                }
                Some(_) => return Err(format!("unexpected byte at {i}")),
                None => return Err(String::from("unexpected end of input")),
            }
            if closers.is_empty() {
                return Ok(i);
            }
            // Inside a container: a separator, or its end.
            i = skip_ws(b, i);
            match b.get(i) {
                Some(b',' | b':') => i += 1,
                Some(b'}' | b']') => {}
                Some(_) => return Err(format!("expected ',' at byte {i}")),
                None => return Err(String::from("unexpected end of input")),
            }
        }
    }

    /// The members of the object that is the whole of `b`: each key (decoded) and the
    /// byte range of its value.
    pub(super) fn object_members(b: &[u8]) -> Scan<Vec<(String, Range<usize>)>> {
        let mut i = expect(b, skip_ws(b, 0), b'{')?;
        let mut out = Vec::new();
        i = skip_ws(b, i);
        if b.get(i) == Some(&b'}') {
            return end(b, i + 1).map(|()| out);
        }
        loop {
            let key_start = skip_ws(b, i);
            let key_end = skip_string(b, key_start)?;
            let key: String = b
                .get(key_start..key_end)
                .and_then(|k| crate::value::from_slice(k).ok())
                .and_then(|k| k.as_str().map(String::from))
                .ok_or_else(|| format!("invalid key at byte {key_start}"))?;
            i = expect(b, skip_ws(b, key_end), b':')?;
            let start = skip_ws(b, i);
            let stop = skip_value(b, start)?;
            out.push((key, start..stop));
            i = skip_ws(b, stop);
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => return end(b, i + 1).map(|()| out),
                _ => return Err(format!("expected ',' or '}}' at byte {i}")),
            }
        }
    }

    /// The elements of the array at `range` of `b`, as byte ranges of `b`.
    pub(super) fn array_elements(b: &[u8], range: Range<usize>) -> Scan<Vec<Range<usize>>> {
        let stop = range.end.min(b.len());
        let b = b.get(..stop).unwrap_or_default();
        let mut i = skip_ws(b, range.start);
        if b.get(i) != Some(&b'[') {
            return Err(String::from("must be an array"));
        }
        i = skip_ws(b, i + 1);
        let mut out = Vec::new();
        if b.get(i) == Some(&b']') {
            return Ok(out);
        }
        loop {
            let start = skip_ws(b, i);
            let end = skip_value(b, start)?;
            out.push(start..end);
            i = skip_ws(b, end);
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b']') => return Ok(out),
                _ => return Err(format!("expected ',' or ']' at byte {i}")),
            }
        }
    }

    fn end(b: &[u8], i: usize) -> Scan<()> {
        if skip_ws(b, i) == b.len() {
            Ok(())
        } else {
            Err(format!("trailing characters at byte {i}"))
        }
    }

    #[cfg(test)]
    pub(super) fn skip(b: &[u8]) -> Scan<usize> {
        skip_value(b, 0)
    }
}

#[cfg(test)]
mod tests;
