//! One tenant's state: its settings, schemas, resources and indexes.
//!
//! Architecture invariant: a tenant has exactly one writer (the host guarantees it: a
//! Durable Object at the edge, the Service Worker in the browser). Every write goes
//! through [`Tenant::put`] or [`Tenant::remove`], which write through the tenant's store
//! (`crate::store`: it keeps every index exact) and record what changed in a
//! [`ChangeSet`] for a host that persists it itself (`Tenant::load` is the unrecorded form,
//! for rebuilding from storage). Whether a write replaces a stored resource is read from
//! the store, never passed in, so no caller can leave a stale index entry.
//!
//! What the store indexes is the schema's to say: per type, each single-valued attribute
//! the schema declares unique, and `externalId` (`crate::index::keyed`), declared by
//! [`Tenant::configure`] and at creation.

use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::{Request, Response};
use crate::index::{specs_for, KeySpec};
use crate::schema::builtin;
use crate::schema::{find_attr_in, Extension, ResourceSchema, Uniqueness};
use crate::settings::Settings;
use crate::store::{MemoryStore, Store};
use crate::time::format_millis;
use crate::value::{Map, Text, Value};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use compact_str::ToCompactString;

/// Identifies one stored resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceKey {
    /// Resource type name (`User`, `Group`, ...).
    pub resource_type: Text,
    /// The resource's `id`.
    pub id: Text,
}

/// What one request changed, for the host to write through.
///
/// A resource appears at most once: in `upserted` with its final stored form, or in
/// `deleted`. Stored forms are complete (`id`, `meta`, write-only `password` included),
/// so a tenant rebuilt with [`Tenant::load`] from them is the same tenant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSet {
    /// Created or modified resources, in the order they were first written.
    pub upserted: Vec<(ResourceKey, Arc<Value>)>,
    /// Deleted resources.
    pub deleted: Vec<ResourceKey>,
}

impl ChangeSet {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.upserted.is_empty() && self.deleted.is_empty()
    }

    /// Records a write. Writes to the same resource within one request (a Bulk job that
    /// creates then patches a group) collapse into one entry. The scans are over this
    /// request's changes only; a resource that was not stored before this write skips the
    /// upserts (an upsert of it earlier in the request was dropped by its delete).
    fn record_upsert(&mut self, key: ResourceKey, value: Arc<Value>, was_stored: bool) {
        self.deleted.retain(|k| k != &key);
        if was_stored {
            if let Some(slot) = self.upserted.iter_mut().find(|(k, _)| k == &key) {
                slot.1 = value;
                return;
            }
        }
        self.upserted.push((key, value));
    }

    fn record_delete(&mut self, key: ResourceKey) {
        self.upserted.retain(|(k, _)| k != &key);
        if !self.deleted.contains(&key) {
            self.deleted.push(key);
        }
    }
}

/// A response and the changes behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What to send back.
    pub response: Response,
    /// What to persist (empty for reads and failures).
    pub changes: ChangeSet,
}

/// One tenant: a virtual SCIM server.
#[derive(Debug)]
pub struct Tenant {
    pub(crate) settings: Settings,
    /// Enabled resource types, in discovery order.
    pub(crate) types: Vec<ResourceSchema>,
    /// Where the resources live (`crate::store`): every type's, served or not, so no data
    /// is lost when a type is switched off and on again.
    pub(crate) store: Box<dyn Store>,
    /// Last version number handed out; versions are `W/"<n>"`.
    pub(crate) version_seq: u64,
    /// The most resources (of every type, served or not) the host lets this tenant hold.
    capacity: Option<usize>,
    /// What its persona keeps (`crate::persona`).
    pub(crate) persona: crate::persona::State,
}

/// The resource types a tenant serves, built from the built-ins and its settings.
pub fn resource_types_for(settings: &Settings) -> Result<Vec<ResourceSchema>> {
    let enabled = &settings.resource_types;
    let mut types: Vec<ResourceSchema> = builtin::resource_types()
        .into_iter()
        .filter(|rs| match rs.name.as_str() {
            "Group" => enabled.group,
            "Entitlement" => enabled.entitlement,
            "Role" => enabled.role,
            _ => true,
        })
        .collect();
    crate::persona::adjust_types(settings, &mut types);
    // Entra's SCIM validator, and the directories it stands for, refuse a second group of
    // the same name; plain RFC 7643 allows it. The tenant's schema says which, so
    // discovery advertises what the engine enforces.
    if let Some(name) = types
        .iter_mut()
        .find(|rs| rs.name == "Group")
        .and_then(|rs| {
            rs.core
                .attributes
                .iter_mut()
                .find(|a| a.name == "displayName")
        })
    {
        name.uniqueness = if settings.allow_duplicate_group_names {
            Uniqueness::None
        } else {
            Uniqueness::Server
        };
    }
    for custom in &settings.custom_attributes {
        let rs = types
            .iter_mut()
            .find(|rs| rs.name.eq_ignore_ascii_case(&custom.resource_type))
            .ok_or_else(|| {
                ScimError::invalid_value(format!(
                    "custom attribute for unknown or disabled resource type \"{}\"",
                    custom.resource_type
                ))
            })?;
        let name = &custom.attribute.name;
        if !valid_attribute_name(name) {
            return Err(ScimError::invalid_value(format!(
                "invalid custom attribute name \"{name}\""
            )));
        }
        if find_attr_in(rs.top_level(), name).is_some() {
            return Err(ScimError::invalid_value(format!(
                "custom attribute \"{name}\" already exists on {}",
                rs.name
            )));
        }
        let mut attribute = custom.attribute.clone();
        attribute.computed = false;
        rs.core.attributes.push(attribute);
    }
    for ext in &settings.extensions {
        let urn = &ext.schema.id;
        if !urn.starts_with("urn:") || urn.contains(['[', ']', ' ']) {
            return Err(ScimError::invalid_value(format!(
                "extension schema id must be a URN, got \"{urn}\""
            )));
        }
        for type_name in &ext.resource_types {
            let rs = types
                .iter_mut()
                .find(|rs| rs.name.eq_ignore_ascii_case(type_name))
                .ok_or_else(|| {
                    ScimError::invalid_value(format!(
                        "extension {urn} names unknown or disabled resource type \"{type_name}\""
                    ))
                })?;
            if rs.schema_urns().any(|u| u.eq_ignore_ascii_case(urn)) {
                return Err(ScimError::invalid_value(format!(
                    "{} already has schema {urn}",
                    rs.name
                )));
            }
            rs.extensions.push(Extension {
                schema: ext.schema.clone(),
                required: ext.required,
            });
        }
    }
    Ok(types)
}

fn valid_attribute_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Parses `W/"17"` (or `"17"`) into 17.
pub(crate) fn version_number(version: &str) -> Option<u64> {
    version
        .trim_start_matches("W/")
        .trim_matches('"')
        .parse()
        .ok()
}

impl Tenant {
    /// An empty tenant.
    pub fn new(settings: Settings) -> Result<Tenant> {
        Tenant::with_store(settings, Box::new(MemoryStore::default()))
    }

    /// A tenant over a SQLite database the host lends (see [`crate::store::SqlStore`]):
    /// what it already holds is served at once, without a reload. Its version counter
    /// starts past every stored version.
    pub fn with_sql(settings: Settings, sql: Box<dyn crate::store::Sql>) -> Result<Tenant> {
        let store = crate::store::SqlStore::open(sql).map_err(crate::store::read_error)?;
        Tenant::with_store(settings, Box::new(store))
    }

    /// [`Tenant::with_sql`], with the resources of a server of at most `limit` also held in
    /// memory (read from there, written to both; dropped once the server outgrows it): a
    /// small server answers as fast as an in-memory tenant, a big one never loads.
    pub fn with_sql_mirrored(
        settings: Settings,
        sql: Box<dyn crate::store::Sql>,
        limit: usize,
    ) -> Result<Tenant> {
        let store = crate::store::SqlStore::open(sql).map_err(crate::store::read_error)?;
        let store = crate::store::Mirrored::open(Box::new(store), limit)?;
        Tenant::with_store(settings, Box::new(store))
    }

    fn with_store(settings: Settings, store: Box<dyn Store>) -> Result<Tenant> {
        settings.check()?;
        let types = resource_types_for(&settings)?;
        let mut tenant = Tenant {
            settings,
            types,
            store,
            version_seq: 0,
            capacity: None,
            persona: crate::persona::State::default(),
        };
        tenant.declare_keys()?;
        // A store opened over stored data: versions go on past every one it holds.
        tenant.version_seq = tenant.store.max_version();
        match tenant.store.take_failure() {
            Some(failure) => Err(failure),
            None => Ok(tenant),
        }
    }

    /// Tells the store which attributes each type keys: every served type's, and none
    /// for a stored type no longer served.
    fn declare_keys(&mut self) -> Result<()> {
        let mut names: Vec<Text> = self.types.iter().map(|rs| Text::new(&rs.name)).collect();
        for stored in self.store.types() {
            if !names.contains(&stored) {
                names.push(stored);
            }
        }
        for name in names {
            let specs = specs_of(&self.types, &name);
            self.store.declare(&name, specs)?;
        }
        Ok(())
    }

    /// A copy of a tenant whose resources are in memory (benches and fuzz targets start
    /// each round from one); `None` for a tenant over a database.
    pub fn duplicate(&self) -> Option<Tenant> {
        Some(Tenant {
            settings: self.settings.clone(),
            types: self.types.clone(),
            store: self.store.duplicate()?,
            version_seq: self.version_seq,
            capacity: self.capacity,
            persona: self.persona.clone(),
        })
    }

    /// This tenant's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Applies new settings (schemas and limits). Stored resources are kept as they are;
    /// attributes no longer in a schema simply stop being served.
    pub fn configure(&mut self, settings: Settings) -> Result<()> {
        settings.check()?;
        self.types = resource_types_for(&settings)?;
        self.settings = settings;
        self.declare_keys()
    }

    /// Limits how many resources this tenant holds, counting every stored resource of
    /// every type (served or not); `None` lifts the limit. The host's policy, not a
    /// setting: a create past it is refused with 403 before anything is written, and so is
    /// a Bulk request whose creates cannot all fit. Resources already stored stay.
    pub fn set_capacity(&mut self, capacity: Option<usize>) {
        self.capacity = capacity;
    }

    /// Tells the tenant which server it is and its secret key (from the server's record), for
    /// the persona's OCIDs, client ids and generated secrets. Hosts set it wherever they
    /// build a tenant, like the capacity.
    pub fn set_identity(&mut self, identity: Option<crate::persona::Identity>) {
        self.persona.set_identity(identity);
    }

    /// 403 unless `more` resources fit (one probe per type: no work per resource).
    pub(crate) fn check_room(&self, more: usize) -> Result<()> {
        let Some(capacity) = self.capacity else {
            return Ok(());
        };
        let held = self.store.total();
        if held.saturating_add(more) > capacity {
            return Err(ScimError::new(
                403,
                None,
                format!("server is full: it holds at most {capacity} resources"),
            ));
        }
        Ok(())
    }

    /// The resource types served, with their schemas (the tenant's view).
    pub fn resource_types(&self) -> &[ResourceSchema] {
        &self.types
    }

    /// Handles one SCIM request. Never panics; every failure is a SCIM error response
    /// with an empty change set.
    pub fn handle(&mut self, req: &Request, env: &mut Env) -> Outcome {
        crate::router::route(self, req, env)
    }

    /// Creates one resource from client JSON exactly as `POST /{endpoint}` would, and
    /// records it in `changes`: the fast path for generators and importers.
    pub fn create(
        &mut self,
        resource_type: &str,
        input: Value,
        env: &mut Env,
        changes: &mut ChangeSet,
    ) -> Result<Arc<Value>> {
        self.create_as(resource_type, input, None, env, changes)
    }

    /// [`Tenant::create`] on behalf of `caller` (the persona's `idcsCreatedBy`).
    pub fn create_as(
        &mut self,
        resource_type: &str,
        input: Value,
        caller: Option<&crate::persona::Caller>,
        env: &mut Env,
        changes: &mut ChangeSet,
    ) -> Result<Arc<Value>> {
        let index = self.type_index(resource_type).ok_or_else(|| {
            ScimError::not_found(format!("resource type \"{resource_type}\" is not served"))
        })?;
        crate::resource::create(self, index, input, caller, env, changes)
    }

    /// Adds one stored resource (from a change set or an export) without validation or
    /// new metadata: how hosts rebuild a tenant from storage. A resource with the same
    /// type and id is replaced.
    pub fn load(&mut self, stored: Value) -> Result<()> {
        let resource_type = stored
            .pointer("/meta/resourceType")
            .and_then(Value::as_str)
            .ok_or_else(|| ScimError::invalid_value("stored resource has no meta.resourceType"))?
            .to_string();
        if stored
            .get("id")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(ScimError::invalid_value("stored resource has no id"));
        }
        if let Some(n) = stored
            .pointer("/meta/version")
            .and_then(Value::as_str)
            .and_then(version_number)
        {
            self.version_seq = self.version_seq.max(n);
        }
        self.store.put(&resource_type, Arc::new(stored))?;
        Ok(())
    }

    /// Number of resources per served resource type name (zero included).
    pub fn counts(&self) -> BTreeMap<String, usize> {
        self.types
            .iter()
            .map(|rs| (rs.name.clone(), self.store.count(&rs.name)))
            .collect()
    }

    /// All stored resources, type by type, in id order.
    pub fn resources(&self) -> impl Iterator<Item = Arc<Value>> + '_ {
        self.store.types().into_iter().flat_map(move |name| {
            let records: alloc::boxed::Box<dyn Iterator<Item = Arc<Value>>> =
                alloc::boxed::Box::new(
                    self.store
                        .scan(&name, None)
                        .map(|found| found.record().value.clone()),
                );
            records
        })
    }

    // ---- internal: lookups ----

    pub(crate) fn type_index(&self, name: &str) -> Option<usize> {
        self.types
            .iter()
            .position(|rs| rs.name.eq_ignore_ascii_case(name))
    }

    pub(crate) fn get(&self, resource_type: &str, id: &str) -> Option<Arc<Value>> {
        self.store.get(resource_type, id).map(|r| r.value)
    }

    /// Finds which served type holds an id (for group members, which may be users or groups).
    pub(crate) fn type_of_id(&self, id: &str) -> Option<&ResourceSchema> {
        self.types
            .iter()
            .find(|rs| self.store.get(&rs.name, id).is_some())
    }

    /// A fresh weak entity tag, `W/"n"` (inline text, no `core::fmt`: one per write).
    pub(crate) fn next_version(&mut self) -> Text {
        self.version_seq += 1;
        let mut tag = Text::const_new("W/\"");
        tag.push_str(&self.version_seq.to_compact_string());
        tag.push('"');
        tag
    }

    // ---- internal: the only write primitives ----

    /// Stores a resource, new or replacing the one with its id (the store keeps its keys,
    /// membership and columns exact), and records it in `changes`.
    pub(crate) fn put(
        &mut self,
        resource_type: &str,
        value: Arc<Value>,
        changes: &mut ChangeSet,
    ) -> Result<()> {
        let id = Text::new(value.get("id").and_then(Value::as_str).unwrap_or_default());
        let old = self.store.put(resource_type, value.clone())?;
        changes.record_upsert(
            ResourceKey {
                resource_type: Text::new(resource_type),
                id,
            },
            value,
            old.is_some(),
        );
        Ok(())
    }

    /// Deletes a resource (the store keeps everything exact) and records it.
    pub(crate) fn remove(
        &mut self,
        resource_type: &str,
        id: &str,
        changes: &mut ChangeSet,
    ) -> Result<bool> {
        let gone = self.store.remove(resource_type, id)?;
        if gone {
            changes.record_delete(ResourceKey {
                resource_type: Text::new(resource_type),
                id: Text::new(id),
            });
        }
        Ok(gone)
    }
}

/// The keyed attributes of a type by name; none for a type not served.
fn specs_of(types: &[ResourceSchema], resource_type: &str) -> Vec<KeySpec> {
    types
        .iter()
        .find(|rs| rs.name == resource_type)
        .map(specs_for)
        .unwrap_or_default()
}

/// Stamps a write on a stored resource's `meta`: its new version and `lastModified`.
pub(crate) fn touch(meta: &mut Map, version: Text, now_ms: i64) {
    meta.insert("lastModified", Value::String(format_millis(now_ms)));
    meta.insert("version", Value::String(version));
}
