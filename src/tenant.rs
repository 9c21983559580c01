//! One tenant's state: its settings, schemas, resources and indexes.
//!
//! Architecture invariant: a tenant has exactly one writer (the host guarantees it: a
//! Durable Object at the edge, the page or Service Worker in the browser). Every write
//! goes through [`Tenant::handle`] or [`Tenant::create`], which keep the indexes exact and
//! record what changed in a [`ChangeSet`] for the host to persist.

use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::http::{Request, Response};
use crate::schema::ResourceSchema;
use crate::settings::Settings;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use serde_json::Value;

/// Identifies one stored resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceKey {
    /// Resource type name (`User`, `Group`, ...).
    pub resource_type: String,
    /// The resource's `id`.
    pub id: String,
}

/// What one request changed, for the host to write through.
///
/// A resource appears at most once: in `upserted` with its final stored form, or in
/// `deleted`. Stored forms are complete (`id`, `meta`, write-only `password` included),
/// so a tenant rebuilt with [`Tenant::load`] from them is the same tenant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChangeSet {
    /// Created or modified resources, in the order they were last written.
    pub upserted: Vec<(ResourceKey, Arc<Value>)>,
    /// Deleted resources.
    pub deleted: Vec<ResourceKey>,
}

impl ChangeSet {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.upserted.is_empty() && self.deleted.is_empty()
    }
    pub(crate) fn upsert(&mut self, key: ResourceKey, value: Arc<Value>) {
        self.deleted.retain(|k| k != &key);
        match self.upserted.iter().position(|(k, _)| k == &key) {
            Some(i) => self.upserted[i].1 = value,
            None => self.upserted.push((key, value)),
        }
    }
    pub(crate) fn delete(&mut self, key: ResourceKey) {
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

/// The resources of one type, with their indexes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Store {
    /// By id; id order is the stable default listing order.
    pub(crate) by_id: BTreeMap<String, Arc<Value>>,
    /// Lower-cased `userName` (or `displayName` for groups) -> ids.
    pub(crate) by_name: BTreeMap<String, BTreeSet<String>>,
    /// `externalId` (case-exact) -> ids.
    pub(crate) by_external_id: BTreeMap<String, BTreeSet<String>>,
}

/// One tenant: a virtual SCIM server.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub(crate) settings: Settings,
    pub(crate) types: Vec<ResourceSchema>,
    pub(crate) stores: BTreeMap<String, Store>,
    /// Group membership, reversed: member id -> group ids (for `User.groups`).
    pub(crate) member_of: BTreeMap<String, BTreeSet<String>>,
    /// Last version number handed out; versions are `W/"<n>"`.
    pub(crate) version_seq: u64,
}

impl Tenant {
    /// An empty tenant.
    pub fn new(settings: Settings) -> Result<Tenant> {
        let _ = (&settings, ScimError::not_found(""));
        unimplemented_yet()
    }

    /// This tenant's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Applies new settings (schemas and limits); stored resources are kept as they are.
    pub fn configure(&mut self, settings: Settings) -> Result<()> {
        let _ = settings;
        unimplemented_yet()
    }

    /// The resource types served, with their schemas (the tenant's view).
    pub fn resource_types(&self) -> &[ResourceSchema] {
        &self.types
    }

    /// Handles one SCIM request. Never panics; every failure is a SCIM error response
    /// with an empty change set.
    pub fn handle(&mut self, req: &Request, env: &mut Env) -> Outcome {
        let _ = (req, env);
        unimplemented_yet()
    }

    /// Creates one resource from client JSON, exactly as `POST /{endpoint}` would, and
    /// records it in `changes`. The fast path for generators and importers.
    pub fn create(
        &mut self,
        resource_type: &str,
        input: Value,
        env: &mut Env,
        changes: &mut ChangeSet,
    ) -> Result<Arc<Value>> {
        let _ = (resource_type, input, env, changes);
        unimplemented_yet()
    }

    /// Adds one stored resource (from a change set or an export) without validation or
    /// new metadata: how hosts rebuild a tenant from storage.
    pub fn load(&mut self, stored: Value) -> Result<()> {
        let _ = stored;
        unimplemented_yet()
    }

    /// The whole tenant as JSON: `{"settings": {...}, "resources": [stored forms...]}`.
    pub fn export(&self) -> Value {
        unimplemented_yet()
    }

    /// Rebuilds a tenant from [`Tenant::export`] output. `import(export(t)) == t`.
    pub fn import(export: &Value) -> Result<Tenant> {
        let _ = export;
        unimplemented_yet()
    }

    /// Number of resources per resource type name.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        self.stores
            .iter()
            .map(|(k, s)| (k.clone(), s.by_id.len()))
            .collect()
    }

    /// All stored resources, type by type, in id order.
    pub fn resources(&self) -> impl Iterator<Item = &Arc<Value>> {
        self.stores.values().flat_map(|s| s.by_id.values())
    }
}

fn unimplemented_yet() -> ! {
    loop {}
}
