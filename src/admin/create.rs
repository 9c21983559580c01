//! `POST /api/servers`: the order (checked where the request arrives) and its execution
//! (by the new server's owner, which alone can decide 409 without a race).

use super::record::Seeding;
use super::{json, Policy, Server, ServerRecord, Site, CREATE_MAX_BYTES};
use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::generate::{Generator, SeedSpec};
use crate::http::Response;
use crate::persona::oci::domain::{furnish, DomainOrder, Furnished};
use crate::persona::oci::domain_url;
use crate::persona::oci::ident::tenancy;
use crate::settings::{Persona, Settings};
use crate::tenant::{ChangeSet, Tenant};
use crate::time::format_millis;
use crate::value::{Map, Value};
use alloc::format;
use alloc::string::String;
use serde::{Deserialize, Serialize};

/// Client-chosen tokens: at least this long (generated ones have 64 hex digits)...
const TOKEN_MIN_LEN: usize = 16;
/// ... and at most this long.
const TOKEN_MAX_LEN: usize = 256;

/// What the host's CSPRNG made for an order that does not choose its own.
#[derive(Debug, Clone)]
pub struct Fresh {
    /// A server id (valid), used when the body has none.
    pub id: String,
    /// A token, used when the body has none.
    pub token: String,
    /// The server's secret key: 32 random bytes as hex (see `ServerRecord::key`).
    pub key: String,
}

/// The body of `POST /api/servers` (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    id: Option<String>,
    token: Option<String>,
    seed: Option<SeedSpec>,
    oci: Option<DomainOrder>,
}

/// A checked order for a new server: what the owner needs to create it.
///
/// It carries the token in clear from where the request arrived to the server's owner (an
/// internal hop at the edge); only its digest is ever stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateOrder {
    /// The new server's record.
    pub record: ServerRecord,
    /// Its token, for the answer.
    pub token: String,
    /// Fake data to fill it with.
    pub seed: Option<SeedSpec>,
    /// The most resources it may hold (the deployment's `Policy::max_resources`).
    pub capacity: usize,
    /// What an `oci` server is made with besides its app (an administrator's API key).
    #[serde(default)]
    pub oci: Option<DomainOrder>,
}

impl CreateOrder {
    /// Checks a `POST /api/servers` body: unknown fields, an invalid id or token, settings
    /// out of range and a seed larger than a server may hold are 400s.
    pub fn parse(body: &[u8], fresh: Fresh, policy: &Policy, now_ms: i64) -> Result<CreateOrder> {
        if body.len() > CREATE_MAX_BYTES {
            return Err(super::too_large(body.len() as u64, CREATE_MAX_BYTES));
        }
        let (body, settings): (Body, Option<Value>) = if body.iter().all(u8::is_ascii_whitespace) {
            (Body::default(), None)
        } else {
            let mut value = crate::value::from_slice(body).map_err(|e| order_error(&e))?;
            let Some(members) = value.as_object_mut() else {
                return Err(order_error(&"the body must be a JSON object"));
            };
            // Settings have their own strict parser (unknown keys, ranges).
            let settings = members.remove("settings");
            let body = crate::value::from_value(value).map_err(|e| order_error(&e))?;
            (body, settings)
        };
        if let Some(domain) = &body.oci {
            domain.check()?;
        }
        let id = body.id.unwrap_or(fresh.id);
        if !super::valid_server_id(&id) {
            return Err(super::bad_server_id(&id));
        }
        let token = match body.token {
            Some(token) if acceptable_token(&token) => token,
            Some(_) => {
                return Err(ScimError::invalid_value(format!(
                    "a chosen token must be {TOKEN_MIN_LEN} to {TOKEN_MAX_LEN} visible ASCII \
                     characters without spaces"
                )))
            }
            None => fresh.token,
        };
        let mut settings = match settings {
            Some(value) => Settings::from_value(value)?,
            None => Settings::default(),
        };
        policy.apply_ttl(&mut settings);
        // Settings must also build a tenant (custom attributes and extensions are checked
        // against the schemas), before anything is counted against the client's limit.
        Tenant::new(settings.clone())?;
        if body.oci.is_some() && settings.persona != Persona::Oci {
            return Err(ScimError::invalid_value(
                "\"oci\" is for a server with settings.persona \"oci\"",
            ));
        }
        if let Some(seed) = &body.seed {
            let mut asked = seed
                .users
                .saturating_add(seed.groups)
                .saturating_add(seed.entitlements)
                .saturating_add(seed.roles);
            if settings.persona == Persona::Oci {
                asked = asked.saturating_add(crate::persona::oci::seed::extra_resources(
                    seed.users,
                    &seed.credentials,
                ));
            }
            if asked > policy.max_resources {
                return Err(ScimError::invalid_value(format!(
                    "the seed asks for {asked} resources; a server here holds at most {}",
                    policy.max_resources
                )));
            }
        }
        let mut record = ServerRecord::new(&id, &token, now_ms, settings);
        record.key = fresh.key;
        Ok(CreateOrder {
            record,
            token,
            seed: body.seed,
            capacity: policy.max_resources,
            oci: body.oci,
        })
    }
}

fn order_error(e: &dyn core::fmt::Display) -> ScimError {
    ScimError::invalid_syntax(format!(
        "invalid server order: {e}; expected {{\"id\"?, \"token\"?, \"seed\"?: {{\"users\", \
         \"groups\", \"entitlements\", \"roles\", \"seed\"}}, \"settings\"?, \"oci\"?: \
         {{\"apiKey\", \"userName\"?}}}}"
    ))
}

fn acceptable_token(token: &str) -> bool {
    (TOKEN_MIN_LEN..=TOKEN_MAX_LEN).contains(&token.len())
        && token.bytes().all(|b| b.is_ascii_graphic())
}

/// How many resources a host makes in one chunk of a seed: one storage transaction, a
/// few tens of milliseconds of engine time, so other requests are answered in between.
pub const SEED_CHUNK: usize = 5_000;

/// A new server, as [`create`] makes it.
pub struct Created {
    /// The server, with the first chunk of its seed.
    pub server: Server,
    /// What to write with its record.
    pub changes: ChangeSet,
    /// The rest of the seed, when one chunk did not hold it: the host calls [`seed`] until
    /// it is done, writing each chunk with the record (whose `seeding` tells the progress).
    pub generator: Option<Generator>,
    /// The token, for the answer.
    token: String,
    /// An `oci` server's app, for the answer.
    oci: Option<Furnished>,
}

/// Creates the server of an order: `existing` is the live record under that id, if any
/// (then 409). Makes the first `first_chunk` resources of its seed (hosts pass
/// [`SEED_CHUNK`], or `usize::MAX` to make it all at once).
pub fn create(
    order: CreateOrder,
    existing: Option<&ServerRecord>,
    first_chunk: usize,
    env: &mut Env<'_>,
) -> Result<Created> {
    let id = order.record.id.clone();
    if existing.is_some() {
        return Err(ScimError::uniqueness(format!(
            "server '{id}' already exists; pick another id or delete it first"
        )));
    }
    let mut tenant = Tenant::new(order.record.settings.clone())?;
    tenant.set_capacity(Some(order.capacity));
    tenant.set_identity(Some(order.record.identity()));
    let mut changes = ChangeSet::default();
    let oci = match order.record.settings.persona {
        Persona::Oci => Some(furnish(&mut tenant, order.oci.as_ref(), env, &mut changes)?),
        Persona::Scim => None,
    };
    let mut generator = match &order.seed {
        Some(spec) => Some(Generator::for_tenant(&tenant, spec)?),
        None => None,
    };
    if let (Some(generator), Some(app)) = (generator.as_mut(), &oci) {
        generator.act_as(app.caller());
    }
    let mut created = Created {
        server: Server {
            record: order.record,
            tenant,
        },
        changes,
        generator,
        token: order.token,
        oci,
    };
    if let Some(generator) = created.generator.as_mut() {
        let seeded = seed(&mut created.server, generator, first_chunk, env)?;
        created.changes.upserted.extend(seeded.upserted);
    }
    if created
        .generator
        .as_ref()
        .is_some_and(Generator::is_finished)
    {
        created.generator = None;
    }
    Ok(created)
}

/// Makes up to `budget` more resources of a seed; the record's `seeding` follows (`None`
/// once the seed is done). Returns what to write with the record.
pub fn seed(
    server: &mut Server,
    generator: &mut Generator,
    budget: usize,
    env: &mut Env<'_>,
) -> Result<ChangeSet> {
    let mut changes = ChangeSet::default();
    generator.fill(&mut server.tenant, budget, env, &mut changes)?;
    server.record.seeding = (!generator.is_finished()).then_some(Seeding {
        done: generator.done(),
        total: generator.total(),
    });
    Ok(changes)
}

impl Created {
    /// The 201 answer: `{id, token, scim, expires, counts}` (plus `seeding` while a seed is
    /// still being made, and an `oci` server's `oci`: `{domainUrl, clientId, clientSecret,
    /// tenancy}` and `epm`: `{url, user, password}`), `Location` of the server. The token and the secret are shown this once.
    pub fn response(&self, site: &Site<'_>) -> Response {
        let record = &self.server.record;
        let mut counts = Map::new();
        for (name, n) in self.server.tenant.counts() {
            counts.insert(name, Value::from(n));
        }
        let mut body = Map::with_capacity(6);
        body.insert("id", Value::from(record.id.as_str()));
        body.insert("token", Value::from(self.token.as_str()));
        body.insert("scim", Value::from(site.scim_base(&record.id)));
        body.insert(
            "expires",
            record
                .expires_ms
                .map_or(Value::Null, |ms| Value::String(format_millis(ms))),
        );
        body.insert("counts", Value::Object(counts));
        if let Some(seeding) = record.seeding {
            body.insert("seeding", super::seeding_value(seeding));
        }
        if let Some(app) = &self.oci {
            let mut oci = Map::with_capacity(4);
            oci.insert("domainUrl", Value::from(domain_url(site.origin)));
            oci.insert("clientId", Value::from(app.client_id.as_str()));
            oci.insert("clientSecret", Value::from(app.client_secret.as_str()));
            oci.insert("tenancy", Value::from(tenancy(&record.id)));
            if let Some((user, fingerprint)) = &app.admin {
                oci.insert("user", Value::from(user.as_str()));
                oci.insert("fingerprint", Value::from(fingerprint.as_str()));
            }
            body.insert("oci", Value::Object(oci));
            // EPM Cloud's Add Users at the same origin (`persona::oci::epm`).
            let (user, password) = crate::persona::oci::epm::credential(record);
            let root = site.layout.domain.strip_suffix("/admin/v1").unwrap_or("");
            let mut epm = Map::with_capacity(3);
            epm.insert(
                "url",
                Value::from(format!("{}{root}", domain_url(site.origin))),
            );
            epm.insert("user", Value::from(user));
            epm.insert("password", Value::from(password));
            body.insert("epm", Value::Object(epm));
        }
        let mut response = json(201, &Value::Object(body));
        response.headers.push((
            "Location".into(),
            site.layout.server_url(site.origin, &record.id),
        ));
        response
    }
}

#[cfg(test)]
mod tests;
