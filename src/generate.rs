//! Deterministic fake data: users, groups, entitlements and roles from a seed.
//!
//! [`populate`] fills a tenant through [`Tenant::create`], so every generated resource is
//! validated exactly like a `POST`. [`generate`] is the same data set handed to any sink
//! (tests, exporters), and [`People`] is the user stream alone, which the CLI's `load`
//! sends over HTTP.
//!
//! Same [`SeedSpec`], same data, on every host: all randomness comes from
//! [`crate::env::Rng`] streams derived from the seed, one per purpose and per user, so a
//! user's attributes do not depend on how many draws other users made. Only resource ids
//! come from the host's [`Env`].
//!
//! Order: entitlements, roles, users (with their entitlement and role assignments; a
//! manager is always an earlier user), then groups with their members.
//!
//! `userName`s are `given.family@domain`, with `2`, `3`, ... appended to the local part
//! for the second, third, ... person of the same name. A counter per (given, family) pair
//! makes that exact without looking names up, and the name lists' ASCII forms are unique,
//! so two different counters can never produce the same `userName`.

mod names;
mod org;

use crate::env::{Env, Rng};
use crate::error::{Result, ScimError};
use crate::persona::oci::seed::{self as oci_seed, CapabilityRates, CredentialRates};
use crate::schema::builtin::{ENTERPRISE_USER, GROUP, OKTA_ENTITLEMENT, OKTA_ROLE, USER};
use crate::tenant::{ChangeSet, Tenant};
use crate::value::{Map, Text, Value};
use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;
use serde::{Deserialize, Serialize};

/// The most users one spec may ask for.
pub const MAX_USERS: usize = 10_000_000;
/// The most groups, entitlements or roles one spec may ask for (each).
pub const MAX_OTHERS: usize = 100_000;
/// The most entitlements or roles one user may be given.
pub const MAX_PER_USER: usize = 64;
/// The domains generated addresses live in (RFC 2606: reserved, never a real mailbox).
pub const EXAMPLE_DOMAINS: [&str; 3] = ["example.com", "example.org", "example.net"];

/// What to generate. Every count and rate has a default (10 users, 5 groups,
/// 8 entitlements, 4 roles, as the Python harness had). Ratios are probabilities in
/// `0..=1`, drawn independently per user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SeedSpec {
    /// Number of users.
    pub users: usize,
    /// Number of groups.
    pub groups: usize,
    /// Number of Okta entitlements.
    pub entitlements: usize,
    /// Number of Okta roles.
    pub roles: usize,
    /// The random seed: the same seed gives the same data on every host.
    pub seed: u64,
    /// Share of users with `active: true`.
    pub active_ratio: f64,
    /// Relative weights of a user being in 1, 2, 3 or 4 groups (capped by `groups`).
    pub groups_per_user: [f64; 4],
    /// Share of users holding at least one entitlement.
    pub entitlement_ratio: f64,
    /// A user with entitlements holds 1 to this many, uniformly.
    pub max_entitlements_per_user: usize,
    /// Share of users holding at least one role.
    pub role_ratio: f64,
    /// A user with roles holds 1 to this many, uniformly.
    pub max_roles_per_user: usize,
    /// Share of users (after the first) with an EnterpriseUser `manager`.
    pub manager_ratio: f64,
    /// Share of users with `userType: "Contractor"` (the others are `"Employee"`).
    pub contractor_ratio: f64,
    /// Share of users whose family name comes from another culture than their given name.
    pub mixed_name_ratio: f64,
    /// Mail domain of `userName` and emails: `example.com`, `example.org`, `example.net`
    /// or a subdomain of one. `None`: one of the three, chosen by the seed.
    pub domain: Option<String>,
    /// EnterpriseUser `organization`. `None`: a fictional company chosen by the seed.
    pub organization: Option<String>,
    /// An identity domain's (`oci` persona): share of users with each capability on.
    pub capabilities: CapabilityRates,
    /// An identity domain's (`oci` persona): share of users given each credential kind.
    pub credentials: CredentialRates,
}

impl Default for SeedSpec {
    fn default() -> Self {
        SeedSpec {
            users: 10,
            groups: 5,
            entitlements: 8,
            roles: 4,
            seed: 42,
            active_ratio: 0.95,
            groups_per_user: [0.50, 0.30, 0.15, 0.05],
            entitlement_ratio: 0.70,
            max_entitlements_per_user: 3,
            role_ratio: 0.30,
            max_roles_per_user: 2,
            manager_ratio: 0.90,
            contractor_ratio: 0.10,
            mixed_name_ratio: 0.15,
            domain: None,
            organization: None,
            capabilities: CapabilityRates::default(),
            credentials: CredentialRates::default(),
        }
    }
}

impl SeedSpec {
    /// Rejects a spec the generator cannot honour, saying which field and why.
    pub fn check(&self) -> Result<()> {
        if self.users > MAX_USERS {
            return Err(ScimError::invalid_value(format!(
                "seed.users is {}; at most {MAX_USERS} users can be generated",
                self.users
            )));
        }
        for (field, n) in [
            ("groups", self.groups),
            ("entitlements", self.entitlements),
            ("roles", self.roles),
        ] {
            if n > MAX_OTHERS {
                return Err(ScimError::invalid_value(format!(
                    "seed.{field} is {n}; at most {MAX_OTHERS} can be generated"
                )));
            }
        }
        for (field, ratio) in [
            ("activeRatio", self.active_ratio),
            ("entitlementRatio", self.entitlement_ratio),
            ("roleRatio", self.role_ratio),
            ("managerRatio", self.manager_ratio),
            ("contractorRatio", self.contractor_ratio),
            ("mixedNameRatio", self.mixed_name_ratio),
        ] {
            if !(0.0..=1.0).contains(&ratio) {
                return Err(ScimError::invalid_value(format!(
                    "seed.{field} is {ratio}; a ratio must be between 0 and 1"
                )));
            }
        }
        let weights = &self.groups_per_user;
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
            || weights.iter().sum::<f64>() <= 0.0
        {
            return Err(ScimError::invalid_value(
                "seed.groupsPerUser must be 4 non-negative weights (for 1, 2, 3 and 4 groups) with a positive sum",
            ));
        }
        for (field, n) in [
            ("maxEntitlementsPerUser", self.max_entitlements_per_user),
            ("maxRolesPerUser", self.max_roles_per_user),
        ] {
            if n == 0 || n > MAX_PER_USER {
                return Err(ScimError::invalid_value(format!(
                    "seed.{field} is {n}; it must be between 1 and {MAX_PER_USER}"
                )));
            }
        }
        if let Some(domain) = &self.domain {
            check_domain(domain)?;
        }
        crate::persona::oci::seed::check(&self.capabilities, &self.credentials)?;
        if let Some(org) = &self.organization {
            if org.trim().is_empty() || org.len() > 256 {
                return Err(ScimError::invalid_value(
                    "seed.organization must be 1 to 256 characters",
                ));
            }
        }
        Ok(())
    }
}

/// Only reserved example domains: generated data must never address a real mailbox.
fn check_domain(domain: &str) -> Result<()> {
    let well_formed = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && label.len() <= 63);
    let reserved = EXAMPLE_DOMAINS
        .iter()
        .any(|d| domain == *d || domain.strip_suffix(d).is_some_and(|sub| sub.ends_with('.')));
    if well_formed && reserved {
        Ok(())
    } else {
        Err(ScimError::invalid_value(format!(
            "seed.domain {domain:?} must be example.com, example.org, example.net or a lower-case subdomain of one"
        )))
    }
}

/// Fills a tenant with generated resources through [`Tenant::create`], returning what changed.
///
/// Resource types the tenant's settings switch off are not generated (nor assigned).
/// Meant for a new, empty tenant: a generated `userName` that is already taken fails the
/// whole call with 409, and the tenant then holds what was created before it, so a host
/// should drop the tenant on error rather than persist anything.
pub fn populate(tenant: &mut Tenant, spec: &SeedSpec, env: &mut Env) -> Result<ChangeSet> {
    let mut generator = Generator::for_tenant(tenant, spec)?;
    let mut changes = ChangeSet::default();
    generator.fill(tenant, usize::MAX, env, &mut changes)?;
    Ok(changes)
}

/// Where generated resources go: given a resource type name (`User`, `Group`,
/// `Entitlement`, `Role`) and client JSON, stores it and returns the stored form, which
/// must carry the `id` later references use.
pub type Sink<'a> = dyn FnMut(&str, Value) -> Result<Arc<Value>> + 'a;

/// Generates the whole data set of `spec` in order (entitlements, roles, users, groups)
/// into `sink`.
pub fn generate(spec: &SeedSpec, sink: &mut Sink<'_>) -> Result<()> {
    let mut generator = Generator::new(spec)?;
    generator.step(usize::MAX, sink).map(|_| ())
}

/// Generation that can stop after any resource and go on later: what lets a host fill a big
/// server in chunks (each its own transaction), answering other requests and reporting
/// progress in between. The same spec gives the same data however it is chunked.
pub struct Generator {
    spec: SeedSpec,
    people: People,
    entitlements: Vec<Grant>,
    roles: Vec<Grant>,
    users: Roster,
    /// Group `g`'s members, as indices of users.
    members: Vec<Vec<u32>>,
    /// The most members a group gets (a tenant's `maxValuesPerAttribute`): a user drawn
    /// into a full group is left out of it.
    max_members: usize,
    /// Resources made so far; the phase and the index within it follow from it.
    done: usize,
    /// Who the resources are created by (an `oci` server's app: `idcsCreatedBy`).
    caller: Option<crate::persona::Caller>,
    /// Whether users get an identity domain's capabilities and credentials.
    domain: bool,
}

impl Generator {
    /// A generator for the whole of `spec`.
    pub fn new(spec: &SeedSpec) -> Result<Generator> {
        Ok(Generator {
            people: People::new(spec)?,
            entitlements: Vec::with_capacity(spec.entitlements),
            roles: Vec::with_capacity(spec.roles),
            users: Roster::default(),
            members: vec![Vec::new(); spec.groups],
            max_members: usize::MAX,
            spec: spec.clone(),
            done: 0,
            caller: None,
            domain: false,
        })
    }

    /// A generator for what `tenant` serves: types switched off are not generated.
    pub fn for_tenant(tenant: &Tenant, spec: &SeedSpec) -> Result<Generator> {
        // What the tenant serves: its settings, and its persona (no Okta types in an
        // identity domain).
        let served = |name: &str| tenant.type_index(name).is_some();
        let mut spec = spec.clone();
        if !served("Group") {
            spec.groups = 0;
        }
        if !served("Entitlement") {
            spec.entitlements = 0;
        }
        if !served("Role") {
            spec.roles = 0;
        }
        let mut generator = Generator::new(&spec)?;
        generator.max_members = tenant.settings().max_values_per_attribute;
        generator.domain = served("AuthToken");
        Ok(generator)
    }

    /// Creates everything from now on on behalf of `caller` (the persona's `idcsCreatedBy`).
    pub fn act_as(&mut self, caller: crate::persona::Caller) {
        self.caller = Some(caller);
    }

    /// How many resources the whole spec makes.
    pub fn total(&self) -> usize {
        let s = &self.spec;
        s.entitlements
            .saturating_add(s.roles)
            .saturating_add(s.users)
            .saturating_add(s.groups)
    }

    /// How many are made so far.
    pub fn done(&self) -> usize {
        self.done
    }

    /// Whether everything is made.
    pub fn is_finished(&self) -> bool {
        self.done >= self.total()
    }

    /// Makes up to `budget` more resources through [`Tenant::create`], recording them in
    /// `changes`; returns how many it made.
    pub fn fill(
        &mut self,
        tenant: &mut Tenant,
        budget: usize,
        env: &mut Env,
        changes: &mut ChangeSet,
    ) -> Result<usize> {
        let caller = self.caller.clone();
        self.step(budget, &mut |resource_type, resource| {
            tenant.create_as(resource_type, resource, caller.as_ref(), env, changes)
        })
    }

    /// Makes up to `budget` more resources into `sink`, in order (entitlements, roles,
    /// users, groups); returns how many it made.
    pub fn step(&mut self, budget: usize, sink: &mut Sink<'_>) -> Result<usize> {
        let mut made = 0;
        while made < budget && !self.is_finished() {
            self.next(sink)?;
            self.done += 1;
            made += 1;
        }
        Ok(made)
    }

    /// Makes resource number `self.done`.
    fn next(&mut self, sink: &mut Sink<'_>) -> Result<()> {
        let naming = self.people.catalog.naming;
        let s = &self.spec;
        let mut i = self.done;
        if i < s.entitlements {
            let (kind, name) = naming.entitlement(i);
            let description = format!("{name} {}", kind.to_ascii_lowercase());
            let stored = sink(
                "Entitlement",
                object([
                    ("schemas", strings(&[OKTA_ENTITLEMENT])),
                    ("displayName", Value::from(name.clone())),
                    ("type", text(kind)),
                    ("description", Value::from(description)),
                ]),
            )?;
            self.entitlements
                .push(Grant::from_stored(&stored, name, Some(kind))?);
            return Ok(());
        }
        i -= s.entitlements;
        if i < s.roles {
            let name = naming.role(i);
            let description = format!("Members hold the {name} role");
            let stored = sink(
                "Role",
                object([
                    ("schemas", strings(&[OKTA_ROLE])),
                    ("displayName", Value::from(name.clone())),
                    ("description", Value::from(description)),
                ]),
            )?;
            self.roles.push(Grant::from_stored(&stored, name, None)?);
            return Ok(());
        }
        i -= s.roles;
        if i < s.users {
            let mut person = self.people.next_person();
            if let Some(manager) = person.manager.and_then(|m| self.users.id(m)) {
                if let Some(Value::Object(enterprise)) = person.user.get_mut(ENTERPRISE_USER) {
                    enterprise.insert("manager", object([("value", Value::from(manager))]));
                }
            }
            person.assign_grants(&self.entitlements, &self.roles);
            let mut domain_rng = stream(s.seed, PURPOSE_DOMAIN, i as u64);
            if self.domain {
                oci_seed::capabilities(&mut person.user, &s.capabilities, &mut domain_rng);
            }
            for g in &person.groups {
                if let Some(list) = self.members.get_mut(*g) {
                    if list.len() < self.max_members {
                        list.push(i as u32);
                    }
                }
            }
            let stored = sink("User", Value::Object(person.user))?;
            if self.domain {
                for (kind, body) in oci_seed::credentials(&stored, &s.credentials, &mut domain_rng)
                {
                    sink(kind, body)?;
                }
            }
            let display = stored.get("displayName").and_then(Value::as_str);
            self.users
                .push(stored_id(&stored)?, display.unwrap_or_default());
            return Ok(());
        }
        let g = i - s.users;
        // A group's member list is only read once, when the group is made.
        let member_indices = self
            .members
            .get_mut(g)
            .map(core::mem::take)
            .unwrap_or_default();
        let mut list = Vec::with_capacity(member_indices.len());
        for n in member_indices {
            let n = n as usize;
            let (Some(id), Some(display)) = (self.users.id(n), self.users.display(n)) else {
                continue;
            };
            let mut member = Map::with_capacity(3);
            member.insert("value", Value::from(id));
            if !display.is_empty() {
                member.insert("display", Value::from(display));
            }
            member.insert("type", text("User"));
            list.push(Value::Object(member));
        }
        sink(
            "Group",
            object([
                ("schemas", strings(&[GROUP])),
                ("displayName", Value::from(naming.group(g))),
                ("members", Value::Array(list)),
            ]),
        )?;
        Ok(())
    }
}

/// The ids and display names of the users generated so far, packed into one string.
///
/// Managers and group members name earlier users picked at random; reading those from
/// the stored resources cost a few cache misses each, an eighth of a million-user run.
#[derive(Default)]
struct Roster {
    text: String,
    /// Where each piece of `text` ends: user `n`'s id is piece `2n`, its display name
    /// piece `2n + 1`.
    ends: Vec<usize>,
}

impl Roster {
    fn push(&mut self, id: &str, display: &str) {
        for piece in [id, display] {
            self.text.push_str(piece);
            self.ends.push(self.text.len());
        }
    }

    fn piece(&self, i: usize) -> Option<&str> {
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..*self.ends.get(i)?)
    }

    fn id(&self, user: usize) -> Option<&str> {
        self.piece(user.checked_mul(2)?)
    }

    fn display(&self, user: usize) -> Option<&str> {
        self.piece(user.checked_mul(2)?.checked_add(1)?)
    }
}

/// An entitlement or role as users reference it.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    /// The resource's `id`.
    pub id: Text,
    /// Its `displayName`.
    pub display: Text,
    /// Its `type` (entitlements: `License`, `Profile` or `Permission`).
    pub kind: Option<Text>,
}

impl Grant {
    fn from_stored(stored: &Value, display: String, kind: Option<&str>) -> Result<Grant> {
        Ok(Grant {
            id: Text::new(stored_id(stored)?),
            display: Text::from(display),
            kind: kind.map(Text::new),
        })
    }

    /// The multi-valued attribute entry: `{"value", "display", "type"}`.
    pub fn to_value(&self) -> Value {
        let mut entry = Map::with_capacity(3);
        entry.insert("value", Value::String(self.id.clone()));
        entry.insert("display", Value::String(self.display.clone()));
        if let Some(kind) = &self.kind {
            entry.insert("type", Value::String(kind.clone()));
        }
        Value::Object(entry)
    }
}

/// Sets `user[attribute]` to the grants at `picks` (nothing when there are none).
fn assign(user: &mut Map, attribute: &str, picks: &[usize], grants: &[Grant]) {
    let values: Vec<Value> = picks
        .iter()
        .filter_map(|i| grants.get(*i))
        .map(Grant::to_value)
        .collect();
    if !values.is_empty() {
        user.insert(attribute, Value::Array(values));
    }
}

fn stored_id(stored: &Value) -> Result<&str> {
    stored
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| ScimError::new(500, None, "a generated resource was stored without an id"))
}

/// One generated user and the choices that need other resources' ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Its number, from 0, in generation order.
    pub index: usize,
    /// Client JSON for `POST /Users` (without `manager`, `entitlements` and `roles`).
    pub user: Map,
    /// The number of an earlier person who manages this one.
    pub manager: Option<usize>,
    /// Group numbers (`0..spec.groups`) this person belongs to, distinct.
    pub groups: Vec<usize>,
    /// Entitlement numbers (`0..spec.entitlements`), distinct.
    pub entitlements: Vec<usize>,
    /// Role numbers (`0..spec.roles`), distinct.
    pub roles: Vec<usize>,
}

impl Person {
    /// Sets the user's `entitlements` and `roles` to the grants this person was dealt
    /// (`entitlements[i]` and `roles[i]` for each number it holds).
    pub fn assign_grants(&mut self, entitlements: &[Grant], roles: &[Grant]) {
        assign(
            &mut self.user,
            "entitlements",
            &self.entitlements,
            entitlements,
        );
        assign(&mut self.user, "roles", &self.roles, roles);
    }
}

/// The stream of generated users for a spec: person 0, 1, 2, ... (unbounded; callers
/// stop at `spec.users`). Each [`People::next_person`] is a few microseconds.
pub struct People {
    spec: SeedSpec,
    catalog: Catalog,
    /// Occurrences so far of each (given, family) pair: given * family_count + family.
    name_counts: Vec<u32>,
    next_index: usize,
}

impl People {
    /// The stream for `spec` (checked first).
    pub fn new(spec: &SeedSpec) -> Result<People> {
        spec.check()?;
        let catalog = Catalog::new(spec);
        let pairs = catalog.given.len() * catalog.family.len();
        Ok(People {
            spec: spec.clone(),
            catalog,
            name_counts: vec![0; pairs],
            next_index: 0,
        })
    }

    /// The mail domain in use.
    pub fn domain(&self) -> &str {
        &self.catalog.domain
    }

    /// The next person.
    pub fn next_person(&mut self) -> Person {
        let n = self.next_index;
        self.next_index += 1;
        let spec = &self.spec;
        let cat = &self.catalog;
        let mut rng = stream(spec.seed, PURPOSE_USER, n as u64);

        let culture_index = pick_weighted(&mut rng, &cat.culture_weights);
        let culture = names::CULTURES.get(culture_index);
        let family_culture = if rng.chance(spec.mixed_name_ratio) {
            pick_weighted(&mut rng, &cat.culture_weights)
        } else {
            culture_index
        };
        let given_index = pick_in(&mut rng, cat.given_ranges.get(culture_index));
        let family_index = pick_in(&mut rng, cat.family_ranges.get(family_culture));
        let given = cat.given.get(given_index);
        let family = cat.family.get(family_index);
        let (given_name, given_ascii, nick) =
            given.map_or(("", "", None), |g| (g.name, g.ascii.as_str(), g.nick));
        let (family_name, family_ascii) = family.map_or(("", ""), |f| (f.name, f.ascii.as_str()));

        // The k-th person of this name gets `k` appended (nothing for the first).
        let occurrence = match self
            .name_counts
            .get_mut(given_index * cat.family.len() + family_index)
        {
            Some(count) => {
                *count = count.saturating_add(1);
                *count
            }
            None => 1,
        };
        let mut user_name =
            String::with_capacity(given_ascii.len() + family_ascii.len() + cat.domain.len() + 8);
        user_name.push_str(given_ascii);
        user_name.push('.');
        user_name.push_str(family_ascii);
        if occurrence > 1 {
            let _ = write!(user_name, "{occurrence}");
        }
        user_name.push('@');
        user_name.push_str(&cat.domain);

        let family_first = culture.is_some_and(|c| c.family_first);
        let mut display = String::with_capacity(given_name.len() + family_name.len() + 1);
        let (first, second) = if family_first {
            (family_name, given_name)
        } else {
            (given_name, family_name)
        };
        display.push_str(first);
        display.push(' ');
        display.push_str(second);
        let locale = culture.map_or("en-US", |c| c.locale);

        let office = org::OFFICES.get(pick_weighted(&mut rng, &cat.office_weights));
        let department = org::DEPARTMENTS.get(pick_weighted(&mut rng, &cat.department_weights));
        let level = org::LEVELS
            .get(pick_weighted(&mut rng, &cat.level_weights))
            .map_or("", |l| l.0);
        let job = department
            .and_then(|d| rng.pick(d.jobs))
            .copied()
            .unwrap_or("Specialist");
        let mut title = String::with_capacity(level.len() + job.len());
        title.push_str(level);
        title.push_str(job);

        let active = rng.chance(spec.active_ratio);
        let contractor = rng.chance(spec.contractor_ratio);
        let work_phone = phone(office.map_or("+1 201-555-01", |o| o.phone_prefix), &mut rng);
        let mobile_phone = phone(
            rng.pick(MOBILE_PREFIXES)
                .copied()
                .unwrap_or("+1 201-555-01"),
            &mut rng,
        );

        let mut name = Map::with_capacity(3);
        name.insert("formatted", Value::from(display.as_str()));
        name.insert("familyName", text(family_name));
        name.insert("givenName", text(given_name));

        let mut email = Map::with_capacity(3);
        email.insert("value", Value::from(user_name.as_str()));
        email.insert("type", text("work"));
        email.insert("primary", Value::Bool(true));

        let mut address = Map::with_capacity(8);
        if let Some(o) = office {
            address.insert("type", text("work"));
            address.insert("streetAddress", text(o.street));
            address.insert("locality", text(o.locality));
            address.insert("region", text(o.region));
            address.insert("postalCode", text(o.postal_code));
            address.insert("country", text(o.country));
            address.insert("formatted", text(o.formatted));
            address.insert("primary", Value::Bool(true));
        }

        // Room for `manager`, set later.
        let mut enterprise = Map::with_capacity(6);
        let mut employee_number = String::with_capacity(8);
        let _ = write!(employee_number, "{}", 100_001 + n as u64);
        enterprise.insert("employeeNumber", Value::from(employee_number));
        if let Some(d) = department {
            enterprise.insert("costCenter", text(d.cost_center));
            enterprise.insert("organization", Value::from(cat.organization.as_str()));
            enterprise.insert("division", text(d.division));
            enterprise.insert("department", text(d.name));
        }

        // Sized once: the attributes below, entitlements and roles, and the `id` and
        // `meta` the tenant adds (growing it key by key was a quarter of generation).
        let mut user = Map::with_capacity(20);
        user.insert("schemas", strings(&[USER, ENTERPRISE_USER]));
        user.insert("userName", Value::from(user_name));
        user.insert("name", Value::Object(name));
        user.insert("displayName", Value::from(display));
        user.insert("nickName", text(nick.unwrap_or(given_name)));
        user.insert("title", Value::from(title));
        user.insert(
            "userType",
            text(if contractor { "Contractor" } else { "Employee" }),
        );
        user.insert("preferredLanguage", text(locale));
        user.insert("locale", text(locale));
        user.insert("timezone", text(office.map_or("UTC", |o| o.timezone)));
        user.insert("active", Value::Bool(active));
        user.insert("emails", Value::Array(vec![Value::Object(email)]));
        user.insert(
            "phoneNumbers",
            Value::Array(vec![
                object([("value", Value::from(work_phone)), ("type", text("work"))]),
                object([
                    ("value", Value::from(mobile_phone)),
                    ("type", text("mobile")),
                ]),
            ]),
        );
        if !address.is_empty() {
            user.insert("addresses", Value::Array(vec![Value::Object(address)]));
        }
        user.insert(ENTERPRISE_USER, Value::Object(enterprise));

        // A manager a little up the list keeps teams at about six reports and the
        // hierarchy a few levels deep, whatever the size.
        let manager = if n > 0 && rng.chance(spec.manager_ratio) {
            let low = n / 8;
            let high = (n / 4).max(low + 1);
            Some(low + rng.below((high - low) as u64) as usize)
        } else {
            None
        };

        let groups = if spec.groups > 0 {
            let k = 1 + pick_weighted_f64(&mut rng, &spec.groups_per_user);
            distinct(&mut rng, spec.groups, k)
        } else {
            Vec::new()
        };
        let entitlements = if spec.entitlements > 0 && rng.chance(spec.entitlement_ratio) {
            let k = 1 + rng.below(spec.max_entitlements_per_user as u64) as usize;
            distinct(&mut rng, spec.entitlements, k)
        } else {
            Vec::new()
        };
        let roles = if spec.roles > 0 && rng.chance(spec.role_ratio) {
            let k = 1 + rng.below(spec.max_roles_per_user as u64) as usize;
            distinct(&mut rng, spec.roles, k)
        } else {
            Vec::new()
        };

        Person {
            index: n,
            user,
            manager,
            groups,
            entitlements,
            roles,
        }
    }
}

/// Mobile numbers: North American 555-01xx numbers, reserved for fiction.
const MOBILE_PREFIXES: &[&str] = &[
    "+1 202-555-01",
    "+1 310-555-01",
    "+1 617-555-01",
    "+1 206-555-01",
    "+1 305-555-01",
    "+1 702-555-01",
];

/// A prefix plus two random digits.
fn phone(prefix: &str, rng: &mut Rng) -> String {
    let digits = rng.below(100) as u8;
    let mut s = String::with_capacity(prefix.len() + 2);
    s.push_str(prefix);
    s.push(char::from(b'0' + digits / 10));
    s.push(char::from(b'0' + digits % 10));
    s
}

/// A name with its ASCII `userName` form.
struct Name {
    name: &'static str,
    nick: Option<&'static str>,
    ascii: String,
}

/// The name lists and per-server choices, prepared once per spec.
struct Catalog {
    given: Vec<Name>,
    family: Vec<Name>,
    /// Per culture, its range in `given` / `family`.
    given_ranges: Vec<(usize, usize)>,
    family_ranges: Vec<(usize, usize)>,
    culture_weights: Vec<u32>,
    office_weights: Vec<u32>,
    department_weights: Vec<u32>,
    level_weights: Vec<u32>,
    domain: String,
    organization: String,
    naming: Naming,
}

/// How groups, entitlements and roles are named for one seed: rotations so different
/// seeds start the name lists at different places.
#[derive(Debug, Clone, Copy)]
struct Naming {
    group_rotation: [usize; 4],
    entitlement_rotation: [usize; 3],
    role_rotation: usize,
}

const PURPOSE_SERVER: u64 = 1;
const PURPOSE_USER: u64 = 2;
/// An identity domain's capabilities and credentials of a user.
const PURPOSE_DOMAIN: u64 = 3;

impl Catalog {
    fn new(spec: &SeedSpec) -> Catalog {
        let mut given = Vec::new();
        let mut family = Vec::new();
        let mut given_ranges = Vec::new();
        let mut family_ranges = Vec::new();
        for culture in names::CULTURES {
            let start = given.len();
            for entry in culture.given.split(", ") {
                let (name, nick) = match entry.split_once('|') {
                    Some((name, nick)) => (name, Some(nick)),
                    None => (entry, None),
                };
                given.push(Name {
                    name,
                    nick,
                    ascii: ascii_slug(name),
                });
            }
            given_ranges.push((start, given.len()));
            let start = family.len();
            for name in culture.family.split(", ") {
                family.push(Name {
                    name,
                    nick: None,
                    ascii: ascii_slug(name),
                });
            }
            family_ranges.push((start, family.len()));
        }
        let mut rng = stream(spec.seed, PURPOSE_SERVER, 0);
        let domain = match &spec.domain {
            Some(d) => d.clone(),
            None => rng
                .pick(&EXAMPLE_DOMAINS)
                .copied()
                .unwrap_or("example.com")
                .to_owned(),
        };
        let organization = match &spec.organization {
            Some(o) => o.clone(),
            None => rng
                .pick(org::ORGANIZATIONS)
                .copied()
                .unwrap_or("Example Corp")
                .to_owned(),
        };
        let mut rotate = |len: usize| rng.below(len as u64) as usize;
        let group_rotation = [
            rotate(org::DEPARTMENTS.len()),
            rotate(org::PROJECTS.len()),
            rotate(org::OFFICES.len()),
            // "All Employees" first keeps small data sets recognisable; the rest rotates.
            0,
        ];
        let entitlement_rotation = [
            rotate(org::ENTITLEMENT_KINDS.first().map_or(1, |k| k.1.len())),
            rotate(org::ENTITLEMENT_KINDS.get(1).map_or(1, |k| k.1.len())),
            rotate(org::ENTITLEMENT_KINDS.get(2).map_or(1, |k| k.1.len())),
        ];
        let role_rotation = rotate(org::ROLES.len());
        Catalog {
            given,
            family,
            given_ranges,
            family_ranges,
            culture_weights: cumulative(names::CULTURES.iter().map(|c| c.weight)),
            office_weights: cumulative(org::OFFICES.iter().map(|o| o.weight)),
            department_weights: cumulative(org::DEPARTMENTS.iter().map(|d| d.weight)),
            level_weights: cumulative(org::LEVELS.iter().map(|l| l.1)),
            domain,
            organization,
            naming: Naming {
                group_rotation,
                entitlement_rotation,
                role_rotation,
            },
        }
    }
}

impl Naming {
    /// Group `i`'s name: departments, projects, offices and role groups in turn; a number
    /// is appended once a list runs out, which keeps every name distinct.
    fn group(&self, i: usize) -> String {
        let category = i % 4;
        let j = i / 4;
        let rotation = self.group_rotation.get(category).copied().unwrap_or(0);
        let (base, round) = match category {
            0 => {
                let (name, round) = cycle(org::DEPARTMENTS, j, rotation);
                (name.map_or("", |d| d.name).into(), round)
            }
            1 => {
                let (name, round) = cycle(org::PROJECTS, j, rotation);
                (format!("Project {}", name.copied().unwrap_or("")), round)
            }
            2 => {
                let (office, round) = cycle(org::OFFICES, j, rotation);
                (
                    format!("{} Office", office.map_or("", |o| o.locality)),
                    round,
                )
            }
            _ => {
                let (name, round) = cycle(org::ROLE_GROUPS, j, rotation);
                (String::from(name.copied().unwrap_or("")), round)
            }
        };
        numbered(base, round)
    }

    /// Entitlement `i`: its kind (cycling License, Profile, Permission) and name.
    fn entitlement(&self, i: usize) -> (&'static str, String) {
        let kind_index = i % org::ENTITLEMENT_KINDS.len();
        let (kind, list) = org::ENTITLEMENT_KINDS
            .get(kind_index)
            .copied()
            .unwrap_or(("License", &[]));
        let rotation = self
            .entitlement_rotation
            .get(kind_index)
            .copied()
            .unwrap_or(0);
        let (name, round) = cycle(list, i / org::ENTITLEMENT_KINDS.len(), rotation);
        (
            kind,
            numbered(String::from(name.copied().unwrap_or(kind)), round),
        )
    }

    /// Role `i`'s name.
    fn role(&self, i: usize) -> String {
        let (name, round) = cycle(org::ROLES, i, self.role_rotation);
        numbered(String::from(name.copied().unwrap_or("Role")), round)
    }
}

/// The `j`-th element of `list` starting at `rotation`, and how many times the list wrapped.
fn cycle<T>(list: &[T], j: usize, rotation: usize) -> (Option<&T>, usize) {
    let len = list.len().max(1);
    (list.get((j + rotation) % len), j / len)
}

/// `base` for round 0, `base 2` for round 1, and so on.
fn numbered(mut base: String, round: usize) -> String {
    if round > 0 {
        let _ = write!(base, " {}", round + 1);
    }
    base
}

/// An independent random stream for one purpose and index: a user's attributes do not
/// depend on how many numbers other users drew.
fn stream(seed: u64, purpose: u64, index: u64) -> Rng {
    let mut mixer = Rng::new(seed ^ purpose.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let base = mixer.next_u64();
    let mut index_mixer = Rng::new(index);
    Rng::new(base ^ index_mixer.next_u64())
}

/// Running sums of weights, for [`pick_weighted`].
fn cumulative(weights: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut total = 0u32;
    weights
        .map(|w| {
            total = total.saturating_add(w);
            total
        })
        .collect()
}

/// An index drawn with the weights behind `cumulative`.
fn pick_weighted(rng: &mut Rng, cumulative: &[u32]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0);
    let x = rng.below(u64::from(total)) as u32;
    cumulative.partition_point(|&c| c <= x)
}

/// An index drawn with floating-point weights (checked finite and non-negative).
fn pick_weighted_f64(rng: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    // Rounding left x at the very end: the last non-zero weight.
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

/// A uniform index in a culture's range of a name list.
fn pick_in(rng: &mut Rng, range: Option<&(usize, usize)>) -> usize {
    let (start, end) = range.copied().unwrap_or((0, 1));
    start + rng.below(end.saturating_sub(start) as u64) as usize
}

/// `k` distinct numbers in `0..n` (all of them if `k >= n`), by Floyd's algorithm:
/// exactly `k` draws, no retries.
fn distinct(rng: &mut Rng, n: usize, k: usize) -> Vec<usize> {
    let k = k.min(n);
    let mut chosen: Vec<usize> = Vec::with_capacity(k);
    for j in (n - k)..n {
        let t = rng.below(j as u64 + 1) as usize;
        if chosen.contains(&t) {
            chosen.push(j);
        } else {
            chosen.push(t);
        }
    }
    chosen
}

/// The ASCII form of a name for `userName`: lower case, diacritics and ligatures spelt
/// out, spaces as `-`, anything else dropped (`"O'Brien"` -> `obrien`,
/// `"Nguyễn"` -> `nguyen`, `"van den Berg"` -> `van-den-berg`).
pub fn ascii_slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' | '-' => out.push(c),
            ' ' => out.push('-'),
            _ => out.push_str(transliterate(c)),
        }
    }
    out
}

/// Latin letters with diacritics (Western, Central and Northern European, Turkish,
/// Vietnamese) to plain ASCII; combining marks and anything unknown to nothing.
fn transliterate(c: char) -> &'static str {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ạ' | 'ả' | 'ấ' | 'ầ' | 'ẩ' | 'ẫ'
        | 'ậ' | 'ắ' | 'ằ' | 'ẳ' | 'ẵ' | 'ặ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'ẹ' | 'ẻ' | 'ẽ' | 'ế' | 'ề' | 'ể' | 'ễ'
        | 'ệ' => "e",
        'ğ' | 'ģ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'ĩ' | 'ỉ' | 'ị' => "i",
        'ķ' => "k",
        'ł' | 'ľ' | 'ĺ' | 'ļ' => "l",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'ơ' | 'ọ' | 'ỏ' | 'ố' | 'ồ' | 'ổ' | 'ỗ'
        | 'ộ' | 'ớ' | 'ờ' | 'ở' | 'ỡ' | 'ợ' => "o",
        'œ' => "oe",
        'ř' | 'ŕ' => "r",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'ư' | 'ũ' | 'ụ' | 'ủ' | 'ứ' | 'ừ' | 'ử'
        | 'ữ' | 'ự' => "u",
        'ý' | 'ÿ' | 'ỳ' | 'ỵ' | 'ỷ' | 'ỹ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => "",
    }
}

/// A string from the generator's own lists: kept by reference, never copied (long ones
/// such as schema URNs and postal addresses would otherwise be a heap copy per user).
fn text(s: &'static str) -> Value {
    Value::String(Text::const_new(s))
}

fn strings(items: &[&'static str]) -> Value {
    Value::Array(items.iter().map(|s| text(s)).collect())
}

fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut map = Map::with_capacity(N);
    for (key, value) in entries {
        map.insert(key, value);
    }
    Value::Object(map)
}

#[cfg(test)]
mod tests;
