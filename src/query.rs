//! Listing and searching (RFC 7644 section 3.4.2): parameters from a query string or a
//! SearchRequest body, index planning, schema-aware stable sorting, paging by `startIndex`
//! or by cursor (RFC 9865, `query/cursor.rs`); which matches make the page is
//! `query/page.rs`'s bounded selection.
//!
//! Planning: the top-level `and` conjuncts of a filter are searched for one the indexes
//! answer (`id eq`; `attr eq` on any attribute the type keeps a hashed index of, which
//! its schema decides: unique attributes and `externalId`; then `id gt`/`id ge` as a
//! range over the id-ordered store). Only those candidates are evaluated; everything else
//! is a scan. The full filter is evaluated on the candidates unless the plan is exactly
//! the filter, so an index only ever narrows the work, never the answer.

use crate::column::ColumnPath;
use crate::error::{Result, ScimError, ScimType};
use crate::filter::{self, AttrPath, CompareOp, Compiled, Filter, Literal};
use crate::membership;
use crate::project::{parse_attribute_list, parse_attribute_sets, Projection, ProjectionPlan};
use crate::schema::builtin::LIST_RESPONSE;
use crate::schema::{AttrType, Attribute, Container, ResourceSchema};
use crate::store::{Found, From, Records, Store};
use crate::tenant::Tenant;
use crate::value::{Map, Value};
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

mod cursor;
mod page;

use cursor::{Direction, Position, QueryCheck, SortValue};
use page::{Hit, Key, KeyValue, Place, Start, Window};

/// Decodes `%XX` escapes, and `+` as a space in query strings. Invalid escapes are kept
/// as written; invalid UTF-8 becomes U+FFFD (never an error: the filter parser reports
/// what it cannot read).
pub fn percent_decode(text: &str, plus_is_space: bool) -> Cow<'_, str> {
    if !text.contains(['%', '+']) {
        // The usual case (every Bulk operation's path): nothing to decode, nothing to copy.
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |c: u8| (c as char).to_digit(16);
        match b {
            b'%' => match (
                bytes.get(i + 1).and_then(|&c| hex(c)),
                bytes.get(i + 2).and_then(|&c| hex(c)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// The decoded `name=value` pairs of a query string.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(k, true).into_owned(),
                percent_decode(v, true).into_owned(),
            )
        })
        .collect()
}

/// Only `attributes` and `excludedAttributes` from a query string (requests on one resource).
pub fn projection_from_query(query: &str) -> Projection {
    let mut projection = Projection::default();
    for (key, value) in query_pairs(query) {
        if key.eq_ignore_ascii_case("attributes") {
            projection.attributes = parse_attribute_list(&value);
        } else if key.eq_ignore_ascii_case("excludedAttributes") {
            projection.excluded = parse_attribute_list(&value);
        } else if key.eq_ignore_ascii_case("attributeSets") {
            parse_attribute_sets(&value, &mut projection.sets);
        }
    }
    projection
}

/// Parameters of one list or search request.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    /// `filter`, parsed.
    pub filter: Option<Filter>,
    /// `sortBy`, as written.
    pub sort_by: Option<String>,
    /// `sortOrder=descending`.
    pub descending: bool,
    /// 1-based `startIndex` (values below 1 read as 1).
    pub start_index: usize,
    /// `count` (negative reads as 0); `None` means the tenant's maximum page size.
    pub count: Option<usize>,
    /// `attributes` / `excludedAttributes`.
    pub projection: Projection,
    /// RFC 9865 `cursor`: `Some("")` asks for the first page of a cursor walk, `None` for
    /// index paging (`startIndex`).
    pub cursor: Option<String>,
}

fn parse_sort_order(text: &str) -> Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "ascending" | "asc" | "" => Ok(false),
        "descending" | "desc" => Ok(true),
        _ => Err(ScimError::invalid_value(format!(
            "sortOrder must be \"ascending\" or \"descending\", got \"{text}\""
        ))),
    }
}

/// A paging integer as RFC 7644 reads it, saturated into `floor..=usize::MAX`:
/// `startIndex` below 1 is 1 and `count` below 0 is 0 (section 3.4.2.4), and a value past
/// what this platform can count (`4294967298` on wasm32) is the largest it can, never a
/// wrapped-around small one.
fn parse_index(name: &str, text: &str, floor: usize) -> Result<usize> {
    let text = text.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ScimError::invalid_value(format!(
            "{name} must be an integer, got \"{text}\""
        )));
    }
    if text.starts_with('-') {
        return Ok(floor);
    }
    // Too many digits for usize: saturate (the digits are all ASCII, so this cannot fail
    // for any other reason).
    Ok(digits.parse::<usize>().unwrap_or(usize::MAX).max(floor))
}

fn is_digits(text: &str) -> bool {
    let text = text.trim();
    let digits = text.strip_prefix('+').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn invalid_count(text: &str) -> ScimError {
    ScimError::new(
        400,
        Some(ScimType::InvalidCount),
        format!(
            "count must be a positive integer with a cursor, got \"{}\"",
            text.trim()
        ),
    )
}

impl ListParams {
    /// From a query string (GET on a resource type).
    pub fn from_query(query: &str) -> Result<ListParams> {
        let mut params = ListParams {
            start_index: 1,
            ..ListParams::default()
        };
        let mut count = None;
        for (key, value) in query_pairs(query) {
            match key.to_ascii_lowercase().as_str() {
                "filter" => params.filter = Some(filter::parse(&value)?),
                "sortby" => params.sort_by = Some(value).filter(|v| !v.trim().is_empty()),
                "sortorder" => params.descending = parse_sort_order(&value)?,
                "startindex" => params.start_index = parse_index("startIndex", &value, 1)?,
                // `limit` is the OCI SDK's name for it.
                "count" | "limit" => count = Some(value),
                "cursor" => params.cursor = Some(value),
                "attributes" => params.projection.attributes = parse_attribute_list(&value),
                "excludedattributes" => params.projection.excluded = parse_attribute_list(&value),
                // Identity domains' (the OCI SDK sends it, repeated for each set).
                "attributesets" => parse_attribute_sets(&value, &mut params.projection.sets),
                _ => {}
            }
        }
        params.count = params.parse_count(count.as_deref())?;
        Ok(params)
    }

    /// `count`, read once the paging method is known: with a cursor it must be a positive
    /// integer (RFC 9865 section 2, `invalidCount`); with `startIndex`, RFC 7644's reading.
    /// With a cursor, `startIndex` past 1 is a 400: the two ways of paging do not mix.
    fn parse_count(&self, text: Option<&str>) -> Result<Option<usize>> {
        if self.cursor.is_some() && self.start_index > 1 {
            return Err(ScimError::invalid_value(
                "startIndex and cursor are two ways of paging: send one of them",
            ));
        }
        let Some(text) = text else {
            return Ok(None);
        };
        if self.cursor.is_none() {
            return parse_index("count", text, 0).map(Some);
        }
        if !is_digits(text) {
            return Err(invalid_count(text));
        }
        let text = text.trim();
        // All digits, so only too many of them fails: as many as a page holds.
        match text.strip_prefix('+').unwrap_or(text).parse::<usize>() {
            Ok(0) => Err(invalid_count(text)),
            Ok(n) => Ok(Some(n)),
            Err(_) => Ok(Some(usize::MAX)),
        }
    }

    /// From a SearchRequest body (`POST .search`).
    pub fn from_search_request(body: &Value) -> Result<ListParams> {
        let obj = body
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("a SearchRequest must be a JSON object"))?;
        let mut params = ListParams {
            start_index: 1,
            ..ListParams::default()
        };
        let text = |v: &Value| -> Option<String> {
            match v {
                Value::String(s) => Some(String::from(s.as_str())),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let list = |v: &Value| -> Vec<String> {
            match v {
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .flat_map(parse_attribute_list)
                    .collect(),
                Value::String(s) => parse_attribute_list(s),
                _ => Vec::new(),
            }
        };
        let mut count = None;
        for (key, value) in obj {
            match key.to_ascii_lowercase().as_str() {
                "cursor" => {
                    params.cursor = match value {
                        Value::Null => None,
                        Value::String(s) => Some(String::from(s.as_str())),
                        _ => {
                            return Err(ScimError::new(
                                400,
                                Some(ScimType::InvalidCursor),
                                "cursor must be a string: empty for the first page, then a \
                                 nextCursor or previousCursor as received",
                            ))
                        }
                    }
                }
                "filter" => {
                    if let Some(f) = text(value) {
                        params.filter = Some(filter::parse(&f)?);
                    }
                }
                "sortby" => params.sort_by = text(value).filter(|v| !v.trim().is_empty()),
                "sortorder" => {
                    params.descending = parse_sort_order(&text(value).unwrap_or_default())?
                }
                "startindex" => {
                    if let Some(v) = text(value) {
                        params.start_index = parse_index("startIndex", &v, 1)?;
                    }
                }
                "count" => count = text(value),
                "attributes" => params.projection.attributes = list(value),
                "excludedattributes" => params.projection.excluded = list(value),
                _ => {}
            }
        }
        params.count = params.parse_count(count.as_deref())?;
        Ok(params)
    }
}

/// Which candidates a filter needs evaluated on.
#[derive(Debug, PartialEq)]
enum Plan {
    /// `id eq`: at most one.
    Id(String),
    /// `attr eq`, answered by the type's attribute index at this position (`Store::keyed`),
    /// with the literal's key.
    Key(usize, String),
    /// `id gt`/`id ge`: a range of the id-ordered store.
    IdsAfter(String, bool),
    /// A text comparison answered by a text column, from an id (`id gt`/`id ge`) when the
    /// filter also bounds the range.
    Column(ColumnPath, CompareOp, String, Option<(String, bool)>),
    /// Everything.
    Scan,
}

/// Whether a path names the resource's `id`.
fn is_id(rs: &ResourceSchema, path: &AttrPath) -> bool {
    path.sub.is_none()
        && matches!(
            rs.resolve(path.urn.as_deref(), &path.name),
            Some((Container::Core, attr)) if attr.name == "id"
        )
}

/// The attribute index answering `path eq literal`, and the key to look up.
fn keyed(
    store: &dyn Store,
    rs: &ResourceSchema,
    path: &AttrPath,
    literal: &Literal,
) -> Option<Plan> {
    let (container, attr) = rs.resolve(path.urn.as_deref(), &path.name)?;
    let (slot, spec) = store
        .specs(&rs.name)
        .iter()
        .enumerate()
        .find(|(_, spec)| spec.covers(container, attr, path.sub.as_deref()))?;
    let key = spec.literal_key(literal)?;
    Some(Plan::Key(slot, key.into_owned()))
}

fn conjuncts<'f>(f: &'f Filter, out: &mut Vec<&'f Filter>) {
    match f {
        Filter::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        other => out.push(other),
    }
}

fn plan(filter: Option<&Filter>, rs: &ResourceSchema, store: &dyn Store) -> Plan {
    let Some(filter) = filter else {
        return Plan::Scan;
    };
    let parts = conjuncts_of(filter);
    // The first `id gt`/`id ge` bound: (id, inclusive).
    let mut range: Option<(String, bool)> = None;
    for part in &parts {
        let Filter::Compare(path, op, literal) = part else {
            continue;
        };
        match (op, literal, is_id(rs, path)) {
            (CompareOp::Eq, Literal::String(value), true) => return Plan::Id(value.clone()),
            (CompareOp::Eq, _, false) => {
                if let Some(plan) = keyed(store, rs, path, literal) {
                    return plan;
                }
            }
            (CompareOp::Gt, Literal::String(value), true) => {
                range = range.or(Some((value.clone(), false)))
            }
            (CompareOp::Ge, Literal::String(value), true) => {
                range = range.or(Some((value.clone(), true)))
            }
            _ => {}
        }
    }
    for part in parts {
        if let Filter::Compare(
            path,
            op @ (CompareOp::Eq | CompareOp::Co | CompareOp::Sw | CompareOp::Ew),
            Literal::String(value),
        ) = part
        {
            if let Some(column) =
                column_path(rs, path.urn.as_deref(), &path.name, path.sub.as_deref())
            {
                return Plan::Column(column, *op, value.clone(), range);
            }
        }
    }
    range.map_or(Plan::Scan, |(id, inclusive)| Plan::IdsAfter(id, inclusive))
}

fn conjuncts_of(filter: &Filter) -> Vec<&Filter> {
    let mut parts = Vec::new();
    conjuncts(filter, &mut parts);
    parts
}

/// The stored resources of a type a plan selects, in id order, and how many there are
/// when the store counted them without reading them.
fn candidates<'s>(
    store: &'s dyn Store,
    resource_type: &'s str,
    plan: &Plan,
) -> (Records<'s>, Option<usize>) {
    let records: Records<'s> = match plan {
        Plan::Id(id) => Box::new(store.get(resource_type, id).map(Found::Read).into_iter()),
        Plan::Key(slot, key) => Box::new(
            store
                .by_key(resource_type, *slot, key)
                .into_iter()
                .filter_map(move |id| store.get(resource_type, &id).map(Found::Read)),
        ),
        Plan::IdsAfter(after, inclusive) => store.scan(
            resource_type,
            Some(From {
                id: after,
                inclusive: *inclusive,
            }),
        ),
        Plan::Column(path, op, needle, from) => {
            let from = from.as_ref().map(|(id, inclusive)| From {
                id,
                inclusive: *inclusive,
            });
            match store.matching(resource_type, path, *op, needle, from) {
                Some(matches) => return (matches.records, matches.count),
                None => store.scan(resource_type, from),
            }
        }
        Plan::Scan => store.scan(resource_type, None),
    };
    (records, None)
}

/// Whether a plan's candidates are exactly the filter's matches, so evaluating the filter
/// again is redundant (an OCI clean-up walk counts every remaining id on each page). An
/// attribute index holds exactly the values its key equals (see `crate::index::KeySpec`);
/// a text column compares folded text as filters do (`crate::fold`), so a column plan is
/// exact when the filter is its comparison, with its `id` bound if it has one.
fn plan_is_exact(plan: &Plan, filter: Option<&Filter>) -> bool {
    match plan {
        Plan::Id(_) | Plan::IdsAfter(..) | Plan::Key(..) => {
            matches!(filter, Some(Filter::Compare(..)))
        }
        Plan::Column(.., from) => filter.is_some_and(|f| {
            let parts = conjuncts_of(f);
            parts.len() == 1 + usize::from(from.is_some())
                && parts.iter().all(|p| matches!(p, Filter::Compare(..)))
        }),
        Plan::Scan => false,
    }
}

/// The column for a path naming single-valued text (`displayName`, `name.familyName`,
/// an extension's `department`), if it is one.
fn column_path(
    rs: &ResourceSchema,
    urn: Option<&str>,
    name: &str,
    sub: Option<&str>,
) -> Option<ColumnPath> {
    let (container, attr) = rs.resolve(urn, name)?;
    let text = |a: &Attribute| {
        !a.multi_valued && matches!(a.ty, AttrType::String | AttrType::Reference) && !a.computed
    };
    let (sub_name, target) = match sub {
        Some(sub) if attr.ty == AttrType::Complex && !attr.multi_valued => {
            let s = attr.sub(sub)?;
            (Some(s.name.clone()), s)
        }
        Some(_) => return None,
        None => (None, attr),
    };
    text(target).then(|| ColumnPath {
        ext: match container {
            Container::Core => None,
            Container::Extension(urn) => Some(urn.to_string()),
        },
        name: attr.name.clone(),
        sub: sub_name,
        case_exact: target.case_exact,
    })
}

/// How to find the sort key of a resource.
struct SortKey<'a> {
    container: Container<'a>,
    attr: &'a Attribute,
    sub: Option<&'a Attribute>,
}

impl<'a> SortKey<'a> {
    fn resolve(rs: &'a ResourceSchema, sort_by: &str) -> Option<SortKey<'a>> {
        let (urn, rest) = rs.split_urn(sort_by.trim());
        let (name, sub) = match rest.split_once('.') {
            Some((n, s)) => (n, Some(s)),
            None => (rest, None),
        };
        let (container, attr) = rs.resolve(urn, name)?;
        let sub = match sub {
            Some(s) => Some(attr.sub(s)?),
            None if attr.ty == crate::schema::AttrType::Complex => attr.sub("value"),
            None => None,
        };
        Some(SortKey {
            container,
            attr,
            sub,
        })
    }

    /// The value sorted on: for multi-valued attributes, the primary element (or the first).
    fn of<'v>(&self, resource: &'v Value) -> Option<&'v Value> {
        let mut value = self.container.get(resource, &self.attr.name)?;
        if let Value::Array(items) = value {
            value = items
                .iter()
                .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
                .or(items.first())?;
        }
        match self.sub {
            Some(sub) => value.get(&sub.name),
            None => Some(value),
        }
        .filter(|v| !v.is_null())
    }

    /// The text column holding this key, when the attribute is single-valued text.
    fn column(&self, rs: &ResourceSchema) -> Option<ColumnPath> {
        let urn = match self.container {
            Container::Core => None,
            Container::Extension(urn) => Some(urn),
        };
        column_path(rs, urn, &self.attr.name, self.sub.map(|s| s.name.as_str()))
    }

    fn compare_attr(&self) -> &'a Attribute {
        self.sub.unwrap_or(self.attr)
    }
}

/// One type's part of a listing: its compiled filter and the candidates its plan selects.
struct Source<'t> {
    type_index: usize,
    resource_type: &'t str,
    compiled: Option<Compiled>,
    /// The candidates are exactly the matches (see [`plan_is_exact`]).
    exact: bool,
    /// The candidates are an id range: what is left of it is counted by the store's index,
    /// not read (over SQLite, reading would parse every remaining resource).
    range: bool,
    needs_groups: bool,
    candidates: Records<'t>,
    /// How many candidates there are, when the store counted them without reading them.
    count: Option<usize>,
}

/// Compiles each type's filter and plans its candidates (a bad filter is an error even on
/// an empty type, before any data is read).
fn sources<'t>(
    tenant: &'t Tenant,
    type_indexes: &[usize],
    params: &ListParams,
    strict: bool,
) -> Result<Vec<Source<'t>>> {
    let mut sources = Vec::with_capacity(type_indexes.len());
    for &ti in type_indexes {
        let Some(rs) = tenant.types.get(ti) else {
            continue;
        };
        let compiled: Option<Compiled> = match &params.filter {
            Some(f) => Some(filter::compile(f, rs, strict)?),
            None => None,
        };
        let store = &*tenant.store;
        if store.count(&rs.name) == 0 {
            continue;
        }
        let needs_groups = params
            .filter
            .as_ref()
            .is_some_and(|f| membership::filter_needs_groups(rs, f));
        let plan = plan(params.filter.as_ref(), rs, store);
        let (candidates, count) = candidates(store, &rs.name, &plan);
        sources.push(Source {
            type_index: ti,
            resource_type: &rs.name,
            compiled,
            exact: plan_is_exact(&plan, params.filter.as_ref()),
            range: matches!(plan, Plan::IdsAfter(..)),
            needs_groups,
            candidates,
            count,
        });
    }
    Ok(sources)
}

/// Evaluates the filter on every candidate and pushes the matches into the window.
fn walk<'k, 't: 'k>(
    tenant: &'t Tenant,
    sources: Vec<Source<'t>>,
    base_url: &str,
    window: &mut Window<'k, 't>,
    key_of: &dyn Fn(&Hit<'t>) -> Key<'k>,
) {
    for source in sources {
        let counted = source.exact || source.compiled.is_none();
        if let (true, true, Some(total)) = (counted, window.is_full(), source.count) {
            window.count_more(total); // `count=0`, or a page already full: read nothing
            continue;
        }
        let mut candidates = source.candidates;
        let mut taken = 0;
        while let Some(found) = candidates.next() {
            taken += 1;
            if counted && window.is_full() {
                // Every candidate left is a match after the page: count, do not visit.
                let rest = if let Some(total) = source.count {
                    total.saturating_sub(taken)
                } else if source.range {
                    let from = From {
                        id: found.id(),
                        inclusive: false,
                    };
                    tenant.store.count_from(source.resource_type, from)
                } else {
                    candidates.count()
                };
                window.count_more(1 + rest);
                break;
            }
            let matched = match &source.compiled {
                None => true,
                Some(_) if source.exact => true,
                Some(c) if source.needs_groups => c.matches(&membership::filter_view(
                    tenant,
                    &found.record().value,
                    base_url,
                )),
                Some(c) => c.matches(&found.record().value),
            };
            if !matched {
                continue;
            }
            let hit = Hit::new(source.type_index, found);
            let key = if window.wants_keys() {
                key_of(&hit)
            } else {
                Key::Missing
            };
            window.push(key, hit);
        }
    }
}

/// An unfiltered listing in id order: the page is read from the id index starting at its
/// place, and the total is the stores' sizes, so a cursor walk or `count=0` over a million
/// resources visits a page, not a million.
fn walk_ids<'k, 't: 'k>(
    store: &'t dyn Store,
    sources: Vec<Source<'t>>,
    start: &Start<'_>,
    window: &mut Window<'k, 't>,
) {
    let total = sources.iter().map(|s| store.count(s.resource_type)).sum();
    let mut any_before = false;
    for source in &sources {
        let ty = source.resource_type;
        let records = match start {
            Start::After(at) if source.type_index < at.type_index => {
                any_before |= store.count(ty) > 0;
                continue;
            }
            Start::After(at) if source.type_index == at.type_index => {
                any_before |= store
                    .scan(ty, None)
                    .next()
                    .is_some_and(|first| first.id() <= at.id);
                store.scan(
                    ty,
                    Some(From {
                        id: at.id,
                        inclusive: false,
                    }),
                )
            }
            _ => store.scan(ty, None),
        };
        for found in records {
            if window.is_full() {
                break;
            }
            let hit = Hit::new(source.type_index, found);
            window.push(Key::Missing, hit);
        }
    }
    window.assume(total, any_before);
}

/// What a cursor of this listing is checked against (see `cursor::QueryCheck`).
fn query_check(tenant: &Tenant, type_indexes: &[usize], params: &ListParams) -> QueryCheck {
    let names: Vec<&str> = type_indexes
        .iter()
        .filter_map(|&ti| Some(tenant.types.get(ti)?.name.as_str()))
        .collect();
    let filter = params
        .filter
        .as_ref()
        .map(|f| cursor::fold_names(&f.to_string()));
    QueryCheck::new(
        &names,
        filter.as_deref(),
        params.sort_by.as_deref(),
        params.descending,
    )
}

/// The page start a cursor's position stands for.
fn start_beside<'k>(
    position: &'k Position,
    type_indexes: &[usize],
    keys: &[Option<SortKey<'k>>],
) -> Start<'k> {
    let key = match &position.key {
        SortValue::None => Key::Missing,
        SortValue::Text(text) => Key::Text(text),
        // Compared as the attribute of the type the position is in.
        SortValue::Json(value) => type_indexes
            .iter()
            .position(|&t| t == position.type_index)
            .and_then(|slot| keys.get(slot)?.as_ref())
            .map_or(Key::Missing, |k| {
                Key::Typed(k.compare_attr(), KeyValue::Ref(value))
            }),
    };
    let place = Place {
        key,
        type_index: position.type_index,
        id: &position.id,
    };
    match position.direction {
        Direction::After => Start::After(place),
        Direction::Before => Start::Before(place),
    }
}

/// Runs a list or search over the given types (one for `/Users`, all for `/.search`)
/// and renders the ListResponse: a page by `startIndex` (RFC 7644) or by `cursor`
/// (RFC 9865).
pub(crate) fn list(
    tenant: &Tenant,
    type_indexes: &[usize],
    params: &ListParams,
    base_url: &str,
) -> Result<Value> {
    Ok(list_page(tenant, type_indexes, params, base_url, false)?.render(params))
}

/// One page of a listing, rendered resource by resource.
pub(crate) struct Listed {
    pub(crate) total: usize,
    pub(crate) resources: Vec<Value>,
    /// The cursor of the next page, when there is one and the listing is by cursor or the
    /// caller asked for it (a host's own paging, like the OCI persona's `opc-next-page`).
    pub(crate) next: Option<String>,
    /// The cursor of the previous page (cursor walks only).
    pub(crate) previous: Option<String>,
}

impl Listed {
    /// The ListResponse of the page `params` asked for.
    pub(crate) fn render(self, params: &ListParams) -> Value {
        match params.cursor {
            None => list_response(self.total, params.start_index, self.resources),
            Some(_) => cursor_response(self.total, self.resources, self.next, self.previous),
        }
    }
}

/// The page a list or search asks for (see [`list`]). Its cursors are encoded (a hash of
/// the query each) only for a cursor listing or when `next_wanted`: an index page's answer
/// never shows them.
pub(crate) fn list_page<'t>(
    tenant: &'t Tenant,
    type_indexes: &[usize],
    params: &ListParams,
    base_url: &str,
    next_wanted: bool,
) -> Result<Listed> {
    let strict = tenant.settings.strict && type_indexes.len() == 1;
    let page_size = params
        .count
        .unwrap_or(tenant.settings.max_results)
        .min(tenant.settings.max_results);
    // The store is already in id order: `sortBy=id` ascending on one type needs no sort.
    let sorting = params
        .sort_by
        .as_deref()
        .filter(|s| !s.eq_ignore_ascii_case("id") || params.descending || type_indexes.len() > 1);
    let keys: Vec<Option<SortKey<'t>>> = match sorting {
        None => Vec::new(),
        Some(sort_by) => type_indexes
            .iter()
            .map(|&ti| {
                tenant
                    .types
                    .get(ti)
                    .and_then(|rs| SortKey::resolve(rs, sort_by))
            })
            .collect(),
    };
    if let Some(sort_by) = sorting {
        if strict && keys.iter().all(Option::is_none) {
            return Err(ScimError::invalid_value(format!(
                "cannot sort by unknown attribute \"{sort_by}\""
            )));
        }
    }

    let position = match params.cursor.as_deref().map(str::trim) {
        Some(cursor) if !cursor.is_empty() => {
            Some(query_check(tenant, type_indexes, params).decode(cursor)?)
        }
        _ => None,
    };
    let start = match &position {
        None if params.cursor.is_some() => Start::First,
        None => Start::Index(params.start_index.saturating_sub(1)),
        Some(p) => start_beside(p, type_indexes, &keys),
    };
    // A key is typed by the attribute it came from, for the type it came from.
    let typed_key = |type_index: usize, found: &Found<'t>| -> Option<Key<'t>> {
        let slot = type_indexes.iter().position(|&t| t == type_index)?;
        let key = keys.get(slot)?.as_ref()?;
        let value = match *found {
            Found::Held(_, record) => KeyValue::Ref(key.of(&record.value)?),
            Found::Read(ref record) => KeyValue::Copy(Box::new(key.of(&record.value)?.clone())),
        };
        Some(Key::Typed(key.compare_attr(), value))
    };

    let ordered = sorting.is_none();
    let page = if params.filter.is_none()
        && (ordered || page_size == 0)
        && !matches!(start, Start::Before(_))
    {
        let sources = sources(tenant, type_indexes, params, strict)?;
        let mut window = Window::new(start.clone(), page_size, params.descending, true);
        walk_ids(&*tenant.store, sources, &start, &mut window);
        window.finish()
    } else {
        let column = match (type_indexes, keys.as_slice()) {
            ([ti], [Some(key)]) => tenant
                .types
                .get(*ti)
                .and_then(|rs| Some((rs.name.as_str(), key.column(rs)?))),
            _ => None,
        };
        let by_column = match column {
            // One type sorted on single-valued text: keys come from its column.
            Some((resource_type, path)) => {
                let mut sources = Some(sources(tenant, type_indexes, params, strict)?);
                let mut page = None;
                tenant
                    .store
                    .with_column(resource_type, &path, &mut |column| {
                        let Some(sources) = sources.take() else {
                            return;
                        };
                        let mut window =
                            Window::new(start.clone(), page_size, params.descending, ordered);
                        let key_of = |hit: &Hit<'t>| {
                            column
                                .get(hit.found.record().row)
                                .map_or(Key::Missing, Key::Text)
                        };
                        walk(tenant, sources, base_url, &mut window, &key_of);
                        page = Some(window.finish());
                    });
                page
            }
            None => None,
        };
        match by_column {
            Some(page) => page,
            None => {
                let sources = sources(tenant, type_indexes, params, strict)?;
                let mut window = Window::new(start, page_size, params.descending, ordered);
                let key_of =
                    |hit: &Hit<'t>| typed_key(hit.type_index, &hit.found).unwrap_or(Key::Missing);
                walk(tenant, sources, base_url, &mut window, &key_of);
                window.finish()
            }
        }
    };

    // A store that failed to read ended its walk early: answer the failure, not a page.
    if let Some(failure) = tenant.store.take_failure() {
        return Err(failure);
    }
    let plans: Vec<Option<ProjectionPlan<'_>>> = type_indexes
        .iter()
        .map(|&ti| {
            tenant
                .types
                .get(ti)
                .map(|rs| ProjectionPlan::new(rs, &params.projection))
        })
        .collect();
    let with_groups = membership::groups_wanted(&params.projection);
    let resources: Vec<Value> = page
        .hits
        .iter()
        .filter_map(|hit| {
            let rs = tenant.types.get(hit.type_index)?;
            let plan = plans
                .get(type_indexes.iter().position(|&t| t == hit.type_index)?)?
                .as_ref()?;
            Some(crate::resource::render_with(
                tenant,
                rs,
                &hit.found.record().value,
                plan,
                with_groups,
                base_url,
            ))
        })
        .collect();
    let (next, previous) = match (page.next, page.previous) {
        (None, None) => (None, None),
        _ if params.cursor.is_none() && !next_wanted => (None, None),
        (next, previous) => {
            let check = query_check(tenant, type_indexes, params);
            (
                next.map(|p| check.encode(&p)),
                previous.map(|p| check.encode(&p)),
            )
        }
    };
    Ok(Listed {
        total: page.total,
        resources,
        next,
        previous,
    })
}

/// A ListResponse (RFC 7644 section 3.4.2). Built directly, not with `json!`, which would
/// copy every resource on the page through serde_json twice.
pub(crate) fn list_response(total: usize, start_index: usize, resources: Vec<Value>) -> Value {
    let mut list = Map::with_capacity(5);
    list.insert(
        "schemas",
        Value::Array(alloc::vec![Value::from(LIST_RESPONSE)]),
    );
    list.insert("totalResults", Value::from(total));
    list.insert("itemsPerPage", Value::from(resources.len()));
    list.insert("startIndex", Value::from(start_index));
    list.insert("Resources", Value::Array(resources));
    Value::Object(list)
}

/// A ListResponse of a cursor walk (RFC 9865 section 2): no `startIndex`, and
/// `nextCursor` only when there is a next page.
fn cursor_response(
    total: usize,
    resources: Vec<Value>,
    next: Option<String>,
    previous: Option<String>,
) -> Value {
    let mut list = Map::with_capacity(6);
    list.insert(
        "schemas",
        Value::Array(alloc::vec![Value::from(LIST_RESPONSE)]),
    );
    list.insert("totalResults", Value::from(total));
    list.insert("itemsPerPage", Value::from(resources.len()));
    if let Some(previous) = previous {
        list.insert("previousCursor", Value::from(previous));
    }
    if let Some(next) = next {
        list.insert("nextCursor", Value::from(next));
    }
    list.insert("Resources", Value::Array(resources));
    Value::Object(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which plan each filter gets: indexes where they answer it, a scan only where
    /// nothing does; `exact` where the candidates are the answer.
    #[test]
    fn planning_table() {
        let mut tenant = Tenant::new(crate::Settings::default()).unwrap();
        let mut ids = crate::env::SequentialIds::default();
        let mut env = crate::Env {
            now_ms: 0,
            base_url: "http://x/v2",
            ids: &mut ids,
        };
        let user = br#"{"userName": "bjensen"}"#;
        let req = crate::Request::new(crate::Method::Post, "/Users").with_body(&user[..]);
        assert_eq!(tenant.handle(&req, &mut env).response.status, 201);
        let ti = tenant.type_index("User").unwrap();
        let rs = &tenant.types[ti];
        let store = &*tenant.store;
        // (filter, plan, exact)
        let table = [
            (r#"id eq "x""#, "Id", true),
            (r#"userName eq "X""#, "Key", true),
            (r#"externalId eq "e""#, "Key", true),
            (r#"id gt "a" and userName eq "X""#, "Key", false),
            (r#"id gt "a""#, "IdsAfter", true),
            (r#"id ge "a""#, "IdsAfter", true),
            (r#"id gt "a" and displayName co "b""#, "Column", true),
            (r#"userType eq "E" and id ge "a""#, "Column", true),
            (
                r#"id gt "a" and userType eq "E" and active eq true"#,
                "Column",
                false,
            ),
            (r#"displayName co "x""#, "Column", true),
            (r#"name.familyName sw "x""#, "Column", true),
            (
                r#"displayName co "x" and displayName co "y""#,
                "Column",
                false,
            ),
            (r#"emails co "x""#, "Scan", false),
            (r#"userName eq "a" or id gt "b""#, "Scan", false),
            (r#"not (id eq "x")"#, "Scan", false),
            (r#"active eq true"#, "Scan", false),
        ];
        for (text, expected, exact) in table {
            let filter = filter::parse(text).unwrap();
            let planned = plan(Some(&filter), rs, store);
            let kind = match planned {
                Plan::Id(_) => "Id",
                Plan::Key(..) => "Key",
                Plan::IdsAfter(..) => "IdsAfter",
                Plan::Column(..) => "Column",
                Plan::Scan => "Scan",
            };
            assert_eq!(kind, expected, "{text}");
            assert_eq!(plan_is_exact(&planned, Some(&filter)), exact, "{text}");
        }
    }

    #[test]
    fn percent_decoding_table() {
        let table = [
            ("userName%20eq%20%22bjensen%22", "userName eq \"bjensen\""),
            ("userName+eq+%22a%2Bb%22", "userName eq \"a+b\""),
            ("100%", "100%"),
            ("%zz", "%zz"),
            ("%C3%A9", "é"),
            ("%FF", "\u{FFFD}"),
        ];
        for (input, expected) in table {
            assert_eq!(percent_decode(input, true), expected, "{input}");
        }
    }

    #[test]
    fn paging_parameters_follow_rfc_7644_section_3_4_2_4() {
        // (query, startIndex, count)
        let table = [
            ("", 1, None),
            ("startIndex=0&count=-5", 1, Some(0)),
            ("startIndex=11&count=5", 11, Some(5)),
            ("STARTINDEX=2&Count=3", 2, Some(3)),
            ("limit=7", 1, Some(7)),
            ("startIndex=%2B5&count=-0", 5, Some(0)),
            (
                "startIndex=-99999999999999999999999&count=%203%20",
                1,
                Some(3),
            ),
            // Past the platform's range: saturated, never wrapped (11.9).
            (
                "startIndex=99999999999999999999999&count=99999999999999999999999",
                usize::MAX,
                Some(usize::MAX),
            ),
            (
                "startIndex=18446744073709551617&count=18446744073709551616",
                usize::MAX,
                Some(usize::MAX),
            ),
        ];
        for (query, start, count) in table {
            let p = ListParams::from_query(query).unwrap();
            assert_eq!((p.start_index, p.count), (start, count), "{query}");
        }
        for bad in [
            "count=ten",
            "count=",
            "count=1.5",
            "startIndex=-",
            "count=1e3",
            "count=--1",
        ] {
            assert_eq!(
                ListParams::from_query(bad).unwrap_err().status,
                400,
                "{bad}"
            );
        }
        assert!(
            ListParams::from_query("sortOrder=DESCENDING")
                .unwrap()
                .descending
        );
        assert!(
            !ListParams::from_query("sortOrder=ASCENDING")
                .unwrap()
                .descending
        );
        assert_eq!(
            ListParams::from_query("sortOrder=sideways")
                .unwrap_err()
                .status,
            400
        );
    }
}
