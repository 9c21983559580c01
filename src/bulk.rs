//! `/Bulk` (RFC 7644 section 3.7).
//!
//! Operations run in request order, except that an operation referring to `bulkId:X`
//! waits until the operation that creates `X` has run (RFC 7644 section 3.7.2). The order is
//! a topological sort that always picks the lowest ready index, so a request without
//! references runs exactly as written. Operations left when nothing is ready form or
//! depend on a cycle: each gets 409 (RFC 7644 section 3.7.1 lets the provider stop there).
//!
//! Each operation's method is parsed once and its path resolved like a request's
//! (`crate::route`); it then runs through `crate::operation::execute`, the function a
//! direct request goes through, so a Bulk POST validates (and reports its `location`)
//! exactly like a POST.
//!
//! Refused as a whole, before any operation runs: more operations than `maxOperations`
//! (413), and creates that cannot all fit in the tenant's capacity (403).

use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::{Method, Response};
use crate::operation::{self, Operation, Write};
use crate::persona::Caller;
use crate::resource;
use crate::route::resolve;
use crate::schema::builtin::BULK_RESPONSE;
use crate::tenant::{ChangeSet, Tenant};
use crate::value::{Map, Text, Value};
use alloc::borrow::Cow;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use serde::Serialize;

const BULK_ID_PREFIX: &str = "bulkId:";

/// How deep `bulkId:` references are searched for in operation data.
const MAX_DATA_DEPTH: usize = 64;

/// One operation as the request gives it.
struct Requested {
    method: Method,
    path: Text,
    bulk_id: Option<Text>,
    version: Option<Text>,
    data: Value,
    /// `bulkId`s this operation refers to (in `data` or `path`).
    refs: BTreeSet<Text>,
}

fn field<'v>(op: &'v Map, name: &str) -> Option<&'v Value> {
    op.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// Removes a field whatever the case of its name, moving its value out.
fn take_field(op: &mut Map, name: &str) -> Option<Value> {
    let key = op.keys().find(|k| k.eq_ignore_ascii_case(name))?.clone();
    op.remove(&key)
}

fn parse_operation(index: usize, raw: Value) -> Result<Requested> {
    let Value::Object(mut op) = raw else {
        return Err(ScimError::invalid_syntax(format!(
            "Operations[{index}] is not an object"
        )));
    };
    // Fields are moved out, not copied: this runs for every operation of every Bulk load.
    let mut take = |name: &str| take_field(&mut op, name);
    let text = |v: Option<Value>| match v {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    let method = text(take("method"))
        .map(|m| Method::parse(&m))
        .ok_or_else(|| ScimError::invalid_syntax(format!("Operations[{index}] has no method")))?;
    let path = text(take("path"))
        .ok_or_else(|| ScimError::invalid_syntax(format!("Operations[{index}] has no path")))?;
    let bulk_id = text(take("bulkId"));
    let version = text(take("version"));
    let data = take("data").unwrap_or(Value::Null);
    let mut refs = BTreeSet::new();
    collect_refs(&data, 0, &mut refs);
    if let Some(r) = path.split('/').find_map(|s| s.strip_prefix(BULK_ID_PREFIX)) {
        refs.insert(Text::new(r));
    }
    Ok(Requested {
        method,
        path,
        bulk_id,
        version,
        data,
        refs,
    })
}

fn collect_refs(v: &Value, depth: usize, out: &mut BTreeSet<Text>) {
    if depth > MAX_DATA_DEPTH {
        return;
    }
    match v {
        Value::String(s) => {
            if let Some(r) = s.strip_prefix(BULK_ID_PREFIX) {
                out.insert(Text::new(r));
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, depth + 1, out)),
        Value::Object(map) => map.values().for_each(|i| collect_refs(i, depth + 1, out)),
        _ => {}
    }
}

/// Replaces `bulkId:X` strings with the ids created for `X`.
fn substitute(v: &mut Value, created: &BTreeMap<Text, String>, depth: usize) {
    if depth > MAX_DATA_DEPTH {
        return;
    }
    match v {
        Value::String(s) => {
            if let Some(id) = s.strip_prefix(BULK_ID_PREFIX).and_then(|r| created.get(r)) {
                *s = Text::new(id);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|i| substitute(i, created, depth + 1)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|i| substitute(i, created, depth + 1)),
        _ => {}
    }
}

/// Handles a BulkRequest (its body, parsed).
pub(crate) fn handle(
    tenant: &mut Tenant,
    body: Value,
    caller: Option<&Caller>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Response> {
    let Value::Object(mut body) = body else {
        return Err(ScimError::invalid_syntax(
            "a BulkRequest must be a JSON object",
        ));
    };
    let fail_on_errors =
        match field(&body, "failOnErrors") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                ScimError::invalid_value("failOnErrors must be a positive integer")
            })?),
        };
    let raw_ops = match take_field(&mut body, "Operations") {
        Some(Value::Array(raw_ops)) => raw_ops,
        Some(_) => return Err(ScimError::invalid_syntax("\"Operations\" must be an array")),
        None => {
            return Err(ScimError::invalid_syntax(
                "a BulkRequest needs an \"Operations\" array",
            ))
        }
    };
    let max = tenant.settings.bulk_max_operations;
    if raw_ops.len() > max {
        return Err(ScimError::new(
            413,
            None,
            format!(
                "the BulkRequest has {} operations; maxOperations is {max}",
                raw_ops.len()
            ),
        ));
    }
    let mut ops = Vec::with_capacity(raw_ops.len());
    for (i, raw) in raw_ops.into_iter().enumerate() {
        ops.push(parse_operation(i, raw)?);
    }
    // All or nothing for capacity: creates that cannot all fit are refused before any runs.
    tenant.check_room(ops.iter().filter(|op| op.method == Method::Post).count())?;

    // Who defines each bulkId; a repeated bulkId is an error for the later operation.
    let mut defined: BTreeMap<Text, usize> = BTreeMap::new();
    let mut duplicate = BTreeSet::new();
    for (i, op) in ops.iter().enumerate() {
        if let (Some(id), Method::Post) = (&op.bulk_id, &op.method) {
            if defined.contains_key(id) {
                duplicate.insert(i);
            } else {
                defined.insert(id.clone(), i);
            }
        }
    }
    // Kahn's algorithm over "waits for" edges to defining operations.
    let mut waiting = alloc::vec![0usize; ops.len()];
    let mut dependents: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        for r in &op.refs {
            if let Some(&def) = defined.get(r) {
                if def != i {
                    waiting[i] += 1;
                    dependents.entry(def).or_default().push(i);
                }
            }
        }
    }
    // Without references (a plain load) operations run in request order, and the
    // ordered set of ready operations is not needed.
    let in_order = dependents.is_empty();
    let mut next_in_order = 0..if in_order { ops.len() } else { 0 };
    let mut ready: BTreeSet<usize> = if in_order {
        BTreeSet::new()
    } else {
        (0..ops.len()).filter(|&i| waiting[i] == 0).collect()
    };
    let mut results: Vec<Option<OpResult>> = (0..ops.len()).map(|_| None).collect();
    // Created ids are remembered only for bulkIds some operation refers to: a plain load
    // of a million users refers to none.
    let referenced: BTreeSet<Text> = ops.iter().flat_map(|op| op.refs.iter().cloned()).collect();
    let mut created: BTreeMap<Text, String> = BTreeMap::new();
    let mut errors = 0u64;
    let mut stopped = false;
    changes.upserted.reserve(ops.len());
    while let Some(i) = next_in_order.next().or_else(|| ready.pop_first()) {
        if stopped {
            break;
        }
        let outcome = if duplicate.contains(&i) {
            Err(ScimError::invalid_value(format!(
                "bulkId \"{}\" is used by an earlier operation",
                ops[i].bulk_id.as_deref().unwrap_or("")
            )))
        } else {
            run(
                tenant,
                &mut ops[i],
                &defined,
                &created,
                caller,
                env,
                changes,
            )
        };
        let op = &ops[i];
        let mut entry = OpResult {
            method: op.method.clone(),
            bulk_id: op.bulk_id.clone(),
            location: None,
            version: None,
            status: 0,
            response: None,
        };
        match outcome {
            Ok(done) => {
                let id = done.created.as_deref().and_then(|r| r.get("id")?.as_str());
                if let (Some(b), Some(id)) = (&op.bulk_id, id) {
                    if referenced.contains(b.as_str()) {
                        created.insert(b.clone(), id.to_string());
                    }
                }
                entry.location = done.location;
                entry.version = done.version;
                entry.status = done.status;
            }
            Err(e) => {
                errors += 1;
                entry.status = e.status;
                entry.response = Some(e.to_json());
                stopped = fail_on_errors.is_some_and(|limit| errors >= limit);
            }
        }
        results[i] = Some(entry);
        for &d in dependents.get(&i).map(Vec::as_slice).unwrap_or(&[]) {
            waiting[d] = waiting[d].saturating_sub(1);
            if waiting[d] == 0 {
                ready.insert(d);
            }
        }
    }
    if !stopped {
        // Whatever never became ready waits on a cycle.
        for (i, slot) in results.iter_mut().enumerate().filter(|(_, r)| r.is_none()) {
            let op = &ops[i];
            let e = ScimError::new(
                409,
                None,
                format!(
                    "circular bulkId reference: {} depends on itself through other operations",
                    op.path
                ),
            );
            *slot = Some(OpResult {
                method: op.method.clone(),
                bulk_id: op.bulk_id.clone(),
                location: None,
                version: None,
                status: 409,
                response: Some(e.to_json()),
            });
        }
    }
    let response = BulkResponse {
        schemas: [BULK_RESPONSE],
        operations: results.into_iter().flatten().collect(),
    };
    Ok(Response {
        status: 200,
        headers: alloc::vec![("Content-Type".into(), crate::http::SCIM_JSON.into())],
        body: serde_json::to_vec(&response).unwrap_or_default(),
    })
}

/// One entry of the BulkResponse, serialized straight to JSON (no `Value` maps built
/// per operation).
#[derive(Serialize)]
struct OpResult {
    #[serde(serialize_with = "method_text")]
    method: Method,
    #[serde(rename = "bulkId", skip_serializing_if = "Option::is_none")]
    bulk_id: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<Text>,
    /// Written as a string, as RFC 7644 section 3.7.3 shows it (no allocation per operation).
    #[serde(serialize_with = "status_text")]
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    response: Option<Value>,
}

fn method_text<S: serde::Serializer>(
    method: &Method,
    s: S,
) -> core::result::Result<S::Ok, S::Error> {
    s.serialize_str(method.as_str())
}

fn status_text<S: serde::Serializer>(status: &u16, s: S) -> core::result::Result<S::Ok, S::Error> {
    s.collect_str(status)
}

#[derive(Serialize)]
struct BulkResponse {
    schemas: [&'static str; 1],
    #[serde(rename = "Operations")]
    operations: Vec<OpResult>,
}

/// What a successful operation reports.
struct Done {
    status: u16,
    /// The resource a POST created (its id is what later `bulkId:` references get).
    created: Option<Arc<Value>>,
    location: Option<String>,
    version: Option<Text>,
}

fn run(
    tenant: &mut Tenant,
    op: &mut Requested,
    defined: &BTreeMap<Text, usize>,
    created: &BTreeMap<Text, String>,
    caller: Option<&Caller>,
    env: &mut Env,
    changes: &mut ChangeSet,
) -> Result<Done> {
    for r in &op.refs {
        if !created.contains_key(r) {
            return Err(if defined.contains_key(r) {
                ScimError::new(
                    409,
                    None,
                    format!("bulkId \"{r}\" was not created: its operation failed"),
                )
            } else {
                ScimError::invalid_value(format!(
                    "bulkId \"{r}\" is not defined by any POST operation in this request"
                ))
            });
        }
    }
    if !op.refs.is_empty() {
        substitute(&mut op.data, created, 0);
    }
    // Paths naming no `bulkId:` (nearly all) are used as sent.
    let path: Cow<'_, str> = if op.path.contains(BULK_ID_PREFIX) {
        Cow::Owned(
            op.path
                .split('/')
                .map(|s| {
                    s.strip_prefix(BULK_ID_PREFIX)
                        .and_then(|r| created.get(r))
                        .map_or(s, String::as_str)
                })
                .collect::<Vec<_>>()
                .join("/"),
        )
    } else {
        Cow::Borrowed(op.path.as_str())
    };
    let Some(write) = Write::of(&op.method, resolve(tenant, &path)?) else {
        return Err(ScimError::new(
            405,
            None,
            format!(
                "{} {} is not a Bulk operation scimlet can run",
                op.method.as_str(),
                op.path
            ),
        ));
    };
    let is_create = matches!(write, Write::Create { .. });
    let data = core::mem::take(&mut op.data);
    let done = operation::execute(
        tenant,
        Operation {
            write,
            data,
            version: op.version.as_deref(),
            caller,
        },
        env,
        changes,
    )?;
    let version = done
        .stored
        .as_deref()
        .map(|stored| Text::new(resource::version_of(stored)));
    Ok(Done {
        status: done.status,
        created: done.stored.filter(|_| is_create),
        location: Some(done.location),
        version,
    })
}
