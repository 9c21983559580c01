//! `attributes` / `excludedAttributes` projection honouring `returned` (RFC 7644 section
//! 3.9, RFC 7643 section 7).
//!
//! - `returned: never` (`password`) is never output; `always` (`id`) always is, whatever
//!   the lists say; `request` only when named in `attributes`; `default` unless excluded
//!   or unless `attributes` names other things. `schemas` is always kept, minus the URNs
//!   of extensions absent from the output.
//! - Names: `userName`, `name.givenName` (keeps `name` with only that sub-attribute),
//!   `emails.value` (keeps each element's `value`), `meta.lastModified`, URN-qualified
//!   (`urn:...:core:2.0:User:userName`, `urn:...:enterprise:2.0:User:employeeNumber`),
//!   or a schema URN alone (all of that schema's attributes). Any case. Unknown names are
//!   ignored.
//! - When both lists are given (RFC 7644 says they are mutually exclusive),
//!   `attributes` wins.
//!
//! A page of results resolves the lists once with [`ProjectionPlan::new`] and applies
//! the plan to each resource; [`project`] does both for one resource.

use crate::schema::{find_attr, AttrType, Attribute, Container, ResourceSchema, Returned};
use crate::value::{Map, Value};
use alloc::string::String;
use alloc::vec::Vec;

/// Which attributes the client asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    /// `attributes`: if non-empty, only these (plus `returned: always`) are returned.
    pub attributes: alloc::vec::Vec<String>,
    /// `excludedAttributes`: removed unless `returned: always`.
    pub excluded: alloc::vec::Vec<String>,
    /// `attributeSets` (identity domains, the OCI SDK): every attribute whose `returned`
    /// is one of these, unioned with `attributes` (`all` is `default` and `request`).
    pub sets: alloc::vec::Vec<Returned>,
}

/// Parses an `attributeSets` value (comma-separated, any case): `all`, `always`,
/// `never`, `request`, `default`. Unknown names are ignored, like unknown attributes.
pub fn parse_attribute_sets(text: &str, into: &mut Vec<Returned>) {
    for name in parse_attribute_list(text) {
        let sets: &[Returned] = match name.to_ascii_lowercase().as_str() {
            "all" => &[Returned::Default, Returned::Request],
            "always" => &[Returned::Always],
            "never" => &[Returned::Never],
            "request" => &[Returned::Request],
            "default" => &[Returned::Default],
            _ => &[],
        };
        for set in sets {
            if !into.contains(set) {
                into.push(*set);
            }
        }
    }
}

/// The representation of a stored resource returned to the client: `returned: never`
/// dropped (password), `request` only when asked, the projection applied.
pub fn project(rs: &ResourceSchema, resource: &Value, projection: &Projection) -> Value {
    ProjectionPlan::new(rs, projection).apply(resource)
}

/// Splits a comma-separated attribute list (the `attributes` and `excludedAttributes`
/// query parameters): parts trimmed, empty parts dropped.
pub fn parse_attribute_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(String::from)
        .collect()
}

/// A [`Projection`] resolved against one resource type, to apply to many resources.
#[derive(Debug, Clone)]
pub struct ProjectionPlan<'a> {
    rs: &'a ResourceSchema,
    /// `attributes` was given: output only what it names (plus `always`).
    only: bool,
    /// The core schema URN alone was named.
    core_whole: bool,
    /// Named common and core attributes.
    core: Vec<Pick<'a>>,
    /// Per extension (index of `rs.extensions`): named as a whole, and named attributes.
    extensions: Vec<(bool, Vec<Pick<'a>>)>,
}

/// One named attribute: as a whole, or some of its sub-attributes.
#[derive(Debug, Clone)]
struct Pick<'a> {
    attr: &'a Attribute,
    whole: bool,
    subs: Vec<&'a str>,
}

impl<'a> ProjectionPlan<'a> {
    /// Resolves the names in `projection` against `rs` (unknown names are ignored).
    pub fn new(rs: &'a ResourceSchema, projection: &Projection) -> Self {
        let only = !projection.attributes.is_empty() || !projection.sets.is_empty();
        let mut plan = ProjectionPlan {
            rs,
            only,
            core_whole: false,
            core: Vec::new(),
            extensions: rs.extensions.iter().map(|_| (false, Vec::new())).collect(),
        };
        let names = if only {
            &projection.attributes
        } else {
            &projection.excluded
        };
        for name in names {
            plan.add(name);
        }
        if !projection.sets.is_empty() {
            plan.add_sets(&projection.sets);
        }
        plan
    }

    /// Names every attribute whose `returned` is in `sets` (never a `never` one: those
    /// are never output, whatever is asked).
    fn add_sets(&mut self, sets: &[Returned]) {
        let rs = self.rs;
        let wanted = |a: &Attribute| sets.contains(&a.returned) && a.returned != Returned::Never;
        let core: Vec<&'a Attribute> = rs.top_level().filter(|a| wanted(a)).collect();
        for attr in core {
            self.pick(None, attr);
        }
        for (i, ext) in rs.extensions.iter().enumerate() {
            for attr in ext.schema.attributes.iter().filter(|a| wanted(a)) {
                self.pick(Some(i), attr);
            }
        }
    }

    /// Names one attribute as a whole (`ext`: its extension's position).
    fn pick(&mut self, ext: Option<usize>, attr: &'a Attribute) {
        let picks = match ext {
            None => &mut self.core,
            Some(i) => match self.extensions.get_mut(i) {
                Some((_, picks)) => picks,
                None => return,
            },
        };
        match picks.iter_mut().find(|p| core::ptr::eq(p.attr, attr)) {
            Some(p) => p.whole = true,
            None => picks.push(Pick {
                attr,
                whole: true,
                subs: Vec::new(),
            }),
        }
    }

    fn add(&mut self, path: &str) {
        let rs = self.rs;
        let (urn, rest) = rs.split_urn(path.trim());
        if rest.is_empty() {
            match urn {
                Some(urn) if urn.eq_ignore_ascii_case(&rs.core.id) => self.core_whole = true,
                Some(urn) => {
                    if let Some((whole, _)) =
                        extension_position(rs, urn).and_then(|i| self.extensions.get_mut(i))
                    {
                        *whole = true;
                    }
                }
                None => {}
            }
            return;
        }
        let (name, sub) = match rest.split_once('.') {
            Some((name, sub)) => (name, Some(sub)),
            None => (rest, None),
        };
        let Some((container, attr)) = rs.resolve(urn, name) else {
            return;
        };
        let sub = match sub {
            None => None,
            Some(sub) => match attr.sub(sub) {
                Some(sub) => Some(sub.name.as_str()),
                None => return,
            },
        };
        let picks = match container {
            Container::Core => &mut self.core,
            Container::Extension(urn) => {
                match extension_position(rs, urn).and_then(|i| self.extensions.get_mut(i)) {
                    Some((_, picks)) => picks,
                    None => return,
                }
            }
        };
        let index = match picks.iter().position(|p| core::ptr::eq(p.attr, attr)) {
            Some(index) => index,
            None => {
                picks.push(Pick {
                    attr,
                    whole: false,
                    subs: Vec::new(),
                });
                picks.len() - 1
            }
        };
        let Some(pick) = picks.get_mut(index) else {
            return;
        };
        match sub {
            None => pick.whole = true,
            Some(sub) => pick.subs.push(sub),
        }
    }

    /// The client's view of one stored resource.
    pub fn apply(&self, resource: &Value) -> Value {
        let Value::Object(stored) = resource else {
            return resource.clone();
        };
        let mut out = Map::new();
        if self.only {
            self.apply_only(stored, &mut out);
        } else {
            self.apply_default(stored, &mut out);
        }
        if let Some(schemas) = stored.get("schemas") {
            out.insert("schemas", self.schemas_present(schemas, &out));
        }
        Value::Object(out)
    }

    /// `attributes` given: `always` attributes, then what is named.
    fn apply_only(&self, stored: &Map, out: &mut Map) {
        let rs = self.rs;
        if self.core_whole {
            copy_area(rs.top_level(), stored, out, &[], false);
        } else {
            for attr in rs.top_level() {
                if attr.returned == Returned::Always {
                    copy_whole(attr, stored, out, &[]);
                }
            }
            copy_picks(&self.core, stored, out);
        }
        for ((whole, picks), ext) in self.extensions.iter().zip(&rs.extensions) {
            let urn = ext.schema.id.as_str();
            let Some(Value::Object(stored_ext)) = stored.get(urn) else {
                continue;
            };
            let mut out_ext = Map::new();
            if *whole {
                copy_area(&ext.schema.attributes, stored_ext, &mut out_ext, &[], false);
            } else {
                for attr in &ext.schema.attributes {
                    if attr.returned == Returned::Always {
                        copy_whole(attr, stored_ext, &mut out_ext, &[]);
                    }
                }
                copy_picks(picks, stored_ext, &mut out_ext);
            }
            if !out_ext.is_empty() {
                out.insert(urn, Value::Object(out_ext));
            }
        }
    }

    /// No `attributes`: everything returned by default, minus what is excluded.
    fn apply_default(&self, stored: &Map, out: &mut Map) {
        let rs = self.rs;
        for (key, value) in stored {
            if key == "schemas" {
                continue;
            }
            if let Some(i) = rs.extensions.iter().position(|e| e.schema.id == *key) {
                let (Some(ext), Some((whole, excluded)), Value::Object(stored_ext)) =
                    (rs.extensions.get(i), self.extensions.get(i), value)
                else {
                    continue;
                };
                let mut out_ext = Map::new();
                copy_area(
                    &ext.schema.attributes,
                    stored_ext,
                    &mut out_ext,
                    excluded,
                    *whole,
                );
                if !out_ext.is_empty() {
                    out.insert(key.clone(), Value::Object(out_ext));
                }
                continue;
            }
            let attr = rs.top_level_exact(key);
            match attr {
                Some(attr) => {
                    let excluded_all = self.core_whole && attr.returned != Returned::Always;
                    if !excluded_all {
                        copy_default(attr, value, out, &self.core);
                    }
                }
                // Kept from before a schema change: returned as stored.
                None => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
    }

    /// The stored `schemas`, minus extensions whose object is not in the output.
    fn schemas_present(&self, schemas: &Value, out: &Map) -> Value {
        let Value::Array(urns) = schemas else {
            return schemas.clone();
        };
        let present = |urn: &Value| match urn.as_str().and_then(|u| self.rs.extension(u)) {
            Some(ext) => out.contains_key(ext.schema.id.as_str()),
            None => true,
        };
        Value::Array(urns.iter().filter(|u| present(u)).cloned().collect())
    }
}

fn extension_position(rs: &ResourceSchema, urn: &str) -> Option<usize> {
    rs.extensions
        .iter()
        .position(|e| e.schema.id.eq_ignore_ascii_case(urn))
}

/// Default rules over one area (top level or one extension object): `always` and
/// `default` attributes, minus the `excluded` picks; `excluded_all` leaves only `always`.
fn copy_area<'a>(
    attrs: impl IntoIterator<Item = &'a Attribute>,
    stored: &Map,
    out: &mut Map,
    excluded: &[Pick<'_>],
    excluded_all: bool,
) {
    for attr in attrs {
        if excluded_all && attr.returned != Returned::Always {
            continue;
        }
        if let Some(value) = stored.get(attr.name.as_str()) {
            copy_default(attr, value, out, excluded);
        }
    }
}

/// One attribute under the default rules, given the excluded picks of its area.
fn copy_default(attr: &Attribute, value: &Value, out: &mut Map, excluded: &[Pick<'_>]) {
    match attr.returned {
        Returned::Never | Returned::Request => return,
        Returned::Always => {
            insert_filtered(attr, value, out, |sub| sub.returned != Returned::Never);
            return;
        }
        Returned::Default => {}
    }
    match excluded.iter().find(|p| core::ptr::eq(p.attr, attr)) {
        None => insert_filtered(attr, value, out, returned_by_default),
        Some(pick) if pick.whole => {}
        Some(pick) => insert_filtered(attr, value, out, |sub| {
            sub.returned == Returned::Always
                || (sub.returned == Returned::Default && !pick.subs.contains(&sub.name.as_str()))
        }),
    }
}

fn returned_by_default(sub: &Attribute) -> bool {
    matches!(sub.returned, Returned::Always | Returned::Default)
}

/// An attribute named as a whole (or `always`): its default sub-attributes.
fn copy_whole(attr: &Attribute, stored: &Map, out: &mut Map, subs: &[&str]) {
    if attr.returned == Returned::Never {
        return;
    }
    if let Some(value) = stored.get(attr.name.as_str()) {
        insert_filtered(attr, value, out, |sub| {
            returned_by_default(sub)
                || (sub.returned == Returned::Request && subs.contains(&sub.name.as_str()))
        });
    }
}

/// The attributes `attributes` names, each whole or with the named sub-attributes.
fn copy_picks(picks: &[Pick<'_>], stored: &Map, out: &mut Map) {
    for pick in picks {
        let attr = pick.attr;
        if attr.returned == Returned::Never || attr.returned == Returned::Always {
            continue; // never: not output; always: already copied
        }
        if pick.whole {
            copy_whole(attr, stored, out, &pick.subs);
        } else if let Some(value) = stored.get(attr.name.as_str()) {
            insert_filtered(attr, value, out, |sub| {
                sub.returned == Returned::Always
                    || (sub.returned != Returned::Never && pick.subs.contains(&sub.name.as_str()))
            });
        }
    }
}

/// Inserts `value` keeping, in complex values, the sub-attributes `keep` accepts;
/// elements and values left empty are dropped. Clones whole values when no
/// sub-attribute can be filtered out (the common case).
fn insert_filtered(
    attr: &Attribute,
    value: &Value,
    out: &mut Map,
    keep: impl Fn(&Attribute) -> bool,
) {
    let filtered = if attr.ty != AttrType::Complex || attr.sub_attributes.iter().all(&keep) {
        value.clone()
    } else {
        match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .filter_map(|item| filter_subs(attr, item, &keep))
                    .collect(),
            ),
            one => filter_subs(attr, one, &keep).unwrap_or(Value::Null),
        }
    };
    let empty = match &filtered {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        _ => false,
    };
    if !empty {
        out.insert(attr.name.clone(), filtered);
    }
}

/// One complex value with only the kept sub-attributes; `None` when nothing is left.
/// Keys the schema does not declare have no `returned` of their own: they go with the
/// filtering (and stay when nothing needs filtering, see [`insert_filtered`]).
fn filter_subs(
    attr: &Attribute,
    value: &Value,
    keep: &impl Fn(&Attribute) -> bool,
) -> Option<Value> {
    let Value::Object(fields) = value else {
        return Some(value.clone());
    };
    let kept: Map = fields
        .iter()
        .filter(|(k, _)| find_attr(&attr.sub_attributes, k).is_some_and(keep))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (!kept.is_empty()).then_some(Value::Object(kept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::schema::builtin::{self, ENTERPRISE_USER, GROUP, USER};
    use alloc::vec;

    fn resource_type(name: &str) -> ResourceSchema {
        builtin::resource_type(name).expect("built-in resource type")
    }

    fn stored_user() -> Value {
        json!({
            "schemas": [USER, ENTERPRISE_USER],
            "id": "u1",
            "externalId": "e1",
            "userName": "ann",
            "name": {"givenName": "Ann", "familyName": "Lee"},
            "password": "secret",
            "active": true,
            "emails": [{"value": "a@x.org", "type": "work", "primary": true},
                       {"value": "b@x.org", "type": "home"}],
            "meta": {"resourceType": "User", "created": "2026-01-01T00:00:00Z",
                     "lastModified": "2026-01-02T00:00:00Z",
                     "location": "https://example.com/v2/Users/u1", "version": "W/\"1\""},
            ENTERPRISE_USER: {"employeeNumber": "7", "department": "Ops"}
        })
    }

    /// `stored_user()` without the given top-level keys (and `password`, never returned).
    fn user_without(keys: &[&str]) -> Value {
        let mut user = stored_user();
        if let Some(fields) = user.as_object_mut() {
            for key in keys.iter().chain(&["password"]) {
                fields.remove(key);
            }
        }
        user
    }

    fn check(rs: &ResourceSchema, stored: &Value, table: Vec<(&str, &str, &str, Value)>) {
        for (name, attributes, excluded, expected) in table {
            let projection = Projection {
                attributes: parse_attribute_list(attributes),
                excluded: parse_attribute_list(excluded),
                ..Projection::default()
            };
            assert_eq!(project(rs, stored, &projection), expected, "{name}");
        }
    }

    #[test]
    fn attributes_and_excluded_attributes_on_a_user() {
        let ent = ENTERPRISE_USER;
        let base = |extra: Value| {
            let mut out = json!({"schemas": [USER], "id": "u1", "userName": "ann"});
            if let (Some(out), Value::Object(extra)) = (out.as_object_mut(), extra) {
                out.extend(extra);
            }
            out
        };
        let table = vec![
            (
                "no projection: everything but the password",
                "",
                "",
                user_without(&[]),
            ),
            (
                "attributes=id (OCI clean-up) keeps the always-returned id and userName",
                "id",
                "",
                base(json!({})),
            ),
            (
                "sub-attribute of a single-valued complex",
                "name.givenName",
                "",
                base(json!({"name": {"givenName": "Ann"}})),
            ),
            (
                "sub-attribute of a multi-valued complex",
                "emails.value",
                "",
                base(json!({"emails": [{"value": "a@x.org"}, {"value": "b@x.org"}]})),
            ),
            (
                "meta sub-attribute",
                "meta.lastModified",
                "",
                base(json!({"meta": {"lastModified": "2026-01-02T00:00:00Z"}})),
            ),
            (
                "names in any case",
                "ACTIVE,Emails.Type",
                "",
                base(json!({"active": true, "emails": [{"type": "work"}, {"type": "home"}]})),
            ),
            (
                "URN-qualified core attribute",
                "urn:ietf:params:scim:schemas:core:2.0:User:externalId",
                "",
                base(json!({"externalId": "e1"})),
            ),
            (
                "URN-qualified extension attribute",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                "",
                json!({"schemas": [USER, ent], "id": "u1", "userName": "ann", ent: {"employeeNumber": "7"}}),
            ),
            (
                "extension attribute without its URN",
                "EMPLOYEENUMBER",
                "",
                json!({"schemas": [USER, ent], "id": "u1", "userName": "ann", ent: {"employeeNumber": "7"}}),
            ),
            (
                "extension URN alone: the whole extension",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user",
                "",
                json!({"schemas": [USER, ent], "id": "u1", "userName": "ann", ent: {"employeeNumber": "7", "department": "Ops"}}),
            ),
            (
                "core URN alone: every core attribute, no extension",
                USER,
                "",
                user_without(&[ent])
                    .as_object()
                    .map(|o| {
                        let mut o = o.clone();
                        o.insert("schemas", json!([USER]));
                        Value::Object(o)
                    })
                    .unwrap_or_default(),
            ),
            (
                "password is never returned, even when asked for",
                "password",
                "",
                base(json!({})),
            ),
            (
                "unknown names are ignored",
                "shoeSize,name.nickname,urn:bogus:thing,emails[type eq \"work\"]",
                "",
                base(json!({})),
            ),
            (
                "excluded attributes are removed",
                "",
                "emails,meta",
                user_without(&["emails", "meta"]),
            ),
            (
                "always-returned attributes cannot be excluded",
                "",
                "id,userName,schemas",
                user_without(&[]),
            ),
            ("excluded sub-attribute", "", "name.givenName", {
                let mut user = user_without(&[]);
                user["name"] = json!({"familyName": "Lee"});
                user
            }),
            (
                "excluding every sub-attribute removes the attribute",
                "",
                "emails.value,emails.type,emails.primary,emails.display",
                user_without(&["emails"]),
            ),
            ("excluded extension URN", "", ent, {
                let mut user = user_without(&[ent]);
                user["schemas"] = json!([USER]);
                user
            }),
            (
                "excluded extension attribute",
                "",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                {
                    let mut user = user_without(&[]);
                    user[ent] = json!({"employeeNumber": "7"});
                    user
                },
            ),
            (
                "excluding the only extension attribute drops the extension and its URN",
                "",
                "employeeNumber, department",
                {
                    let mut user = user_without(&[ent]);
                    user["schemas"] = json!([USER]);
                    user
                },
            ),
            (
                "both lists: attributes wins",
                "active",
                "active",
                base(json!({"active": true})),
            ),
        ];
        check(&resource_type("User"), &stored_user(), table);
    }

    #[test]
    fn returned_request_and_never_sub_attributes() {
        let mut rs = resource_type("User");
        rs.core.attributes.extend([
            crate::value::from_value(
                json!({"name": "secretQuestion", "type": "string", "returned": "request"}),
            )
            .expect("attribute"),
            crate::value::from_value(
                json!({"name": "badge", "type": "complex", "subAttributes": [
                    {"name": "value", "type": "string"},
                    {"name": "pin", "type": "string", "returned": "never"},
                    {"name": "note", "type": "string", "returned": "request"}
                ]}),
            )
            .expect("attribute"),
        ]);
        let stored = json!({"schemas": [USER], "id": "u1", "userName": "ann", "secretQuestion": "pet?",
                            "badge": {"value": "B1", "pin": "1234", "note": "lobby"}});
        let table = vec![
            (
                "default: no request attribute, no never or request sub-attribute",
                "",
                "",
                json!({"schemas": [USER], "id": "u1", "userName": "ann", "badge": {"value": "B1"}}),
            ),
            (
                "a request attribute when named",
                "secretQuestion",
                "",
                json!({"schemas": [USER], "id": "u1", "userName": "ann", "secretQuestion": "pet?"}),
            ),
            (
                "a complex attribute named whole: its default sub-attributes",
                "badge",
                "",
                json!({"schemas": [USER], "id": "u1", "userName": "ann", "badge": {"value": "B1"}}),
            ),
            (
                "a request sub-attribute when named",
                "badge.note",
                "",
                json!({"schemas": [USER], "id": "u1", "userName": "ann", "badge": {"note": "lobby"}}),
            ),
            (
                "a never sub-attribute even when named",
                "badge.pin",
                "",
                json!({"schemas": [USER], "id": "u1", "userName": "ann"}),
            ),
            (
                "excluding the only default sub-attribute drops the value",
                "",
                "badge.value",
                json!({"schemas": [USER], "id": "u1", "userName": "ann"}),
            ),
        ];
        check(&rs, &stored, table);
    }

    #[test]
    fn group_projection_as_entra_reads_it() {
        let stored = json!({"schemas": [GROUP], "id": "g1", "displayName": "Ops",
                            "members": [{"value": "u1", "display": "Ann"}],
                            "meta": {"resourceType": "Group"}});
        let table = vec![
            (
                "excludedAttributes=members",
                "",
                "members",
                json!({"schemas": [GROUP], "id": "g1", "displayName": "Ops", "meta": {"resourceType": "Group"}}),
            ),
            ("no projection", "", "", stored.clone()),
            (
                "attributes=displayName",
                "displayName",
                "",
                json!({"schemas": [GROUP], "id": "g1", "displayName": "Ops"}),
            ),
            (
                "attributes=members.value",
                "members.value",
                "",
                json!({"schemas": [GROUP], "id": "g1", "members": [{"value": "u1"}]}),
            ),
        ];
        check(&resource_type("Group"), &stored, table);
    }

    /// (attributeSets, attributes, top-level keys expected besides `schemas`): identity
    /// domains' sets, unioned with `attributes`; `never` is never output.
    #[test]
    fn attribute_sets_select_by_returned_and_union_with_attributes() {
        let rs = resource_type("User");
        let stored = stored_user();
        let all = [
            "id",
            "externalId",
            "userName",
            "name",
            "active",
            "emails",
            "meta",
            ENTERPRISE_USER,
        ];
        let table: [(&str, &str, &[&str]); 7] = [
            ("always", "", &["id", "userName"]),
            ("always", "emails", &["id", "userName", "emails"]),
            ("default", "", &all),
            ("all", "", &all),
            ("ALL,never", "", &all),
            ("never", "", &["id", "userName"]),
            (
                "request,nonsense",
                "name.givenName",
                &["id", "userName", "name"],
            ),
        ];
        for (sets, attributes, expected) in table {
            let mut projection = Projection {
                attributes: parse_attribute_list(attributes),
                ..Projection::default()
            };
            parse_attribute_sets(sets, &mut projection.sets);
            let out = project(&rs, &stored, &projection);
            let mut keys: Vec<&str> = out
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.as_str())
                .filter(|k| *k != "schemas")
                .collect();
            let mut want = expected.to_vec();
            keys.sort_unstable();
            want.sort_unstable();
            assert_eq!(keys, want, "{sets} {attributes}");
            assert!(out.get("password").is_none());
        }
    }

    #[test]
    fn attribute_lists_are_split_and_trimmed() {
        let table: [(&str, &[&str]); 5] = [
            ("", &[]),
            (",, ,", &[]),
            ("userName", &["userName"]),
            (
                " userName , name.givenName ,,emails",
                &["userName", "name.givenName", "emails"],
            ),
            (
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
                &["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"],
            ),
        ];
        for (text, expected) in table {
            assert_eq!(parse_attribute_list(text), expected, "{text:?}");
        }
    }

    #[test]
    fn non_object_resources_are_returned_unchanged() {
        let rs = resource_type("User");
        for odd in [json!(null), json!([1, 2]), json!("x")] {
            assert_eq!(project(&rs, &odd, &Projection::default()), odd);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]
        /// Stored forms come from validation, but a projection must not panic on anything.
        #[test]
        fn projection_never_panics(
            stored in proptest::collection::vec(
                (proptest::sample::select(vec![
                    "id", "userName", "name", "emails", "meta", "schemas", "password", "groups",
                    ENTERPRISE_USER, "members", "unknown",
                ]),
                 proptest::prop_oneof![
                    proptest::prelude::Just(json!(null)),
                    proptest::prelude::Just(json!("x")),
                    proptest::prelude::Just(json!([{"value": "v", "type": 1}, "s", [], null])),
                    proptest::prelude::Just(json!({"givenName": "A", "employeeNumber": 3, "value": {}})),
                    proptest::prelude::Just(json!([USER, ENTERPRISE_USER, 5])),
                 ]),
                0..8,
            ),
            attributes in "[a-zA-Z.:, ]{0,30}",
            excluded in "[a-zA-Z.:, ]{0,30}",
        ) {
            let stored: Map =
                stored.into_iter().map(|(k, v)| (String::from(k), v)).collect();
            let projection = Projection {
                attributes: parse_attribute_list(&attributes),
                excluded: parse_attribute_list(&excluded),
                ..Projection::default()
            };
            for rs in builtin::resource_types() {
                let out = project(&rs, &Value::Object(stored.clone()), &projection);
                // Unknown to other types, `password` is just a stored key there.
                if rs.name == "User" {
                    proptest::prop_assert!(out.get("password").is_none());
                }
            }
        }
    }
}
