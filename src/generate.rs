//! Deterministic fake data: users, groups, entitlements and roles from a seed.
//!
//! (Contract in place; being written.)

use crate::env::Env;
use crate::error::{Result, ScimError};
use crate::tenant::{ChangeSet, Tenant};
use serde::{Deserialize, Serialize};

/// What to generate. Every count and rate has a default (10 users, 5 groups,
/// 8 entitlements, 4 roles, as the Python harness had).
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
}

impl Default for SeedSpec {
    fn default() -> Self {
        SeedSpec {
            users: 10,
            groups: 5,
            entitlements: 8,
            roles: 4,
            seed: 42,
        }
    }
}

/// Fills a tenant with generated resources through [`Tenant::create`], returning what changed.
pub fn populate(tenant: &mut Tenant, spec: &SeedSpec, env: &mut Env) -> Result<ChangeSet> {
    let _ = (tenant, spec, env);
    Err(ScimError::new(
        501,
        None,
        "the generator is not implemented yet",
    ))
}
