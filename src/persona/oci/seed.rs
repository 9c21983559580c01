//! What the fake-data generator adds to an identity domain's users: capabilities drawn
//! at configurable rates (a new domain turns them all on), and credentials for some of
//! them (auth tokens, customer secret keys, DB credentials, OAuth 2.0 client credentials,
//! SMTP credentials), each only where the user's capability allows it. API keys are not
//! generated: a key is an RSA key pair the script that signs must hold.

use super::schemas::{CAPABILITIES, CAPABILITY_FLAGS};
use crate::env::Rng;
use crate::error::{Result, ScimError};
use crate::value::{Map, Value};
use alloc::format;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Share of generated users with each capability on (`0..=1`; all 1 by default, as in a
/// new domain).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CapabilityRates {
    /// `canUseApiKeys`.
    pub api_keys: f64,
    /// `canUseAuthTokens`.
    pub auth_tokens: f64,
    /// `canUseConsolePassword`.
    pub console_password: f64,
    /// `canUseCustomerSecretKeys`.
    pub customer_secret_keys: f64,
    /// `canUseDbCredentials`.
    pub db_credentials: f64,
    /// `canUseOAuth2ClientCredentials`.
    pub o_auth2_client_credentials: f64,
    /// `canUseSmtpCredentials`.
    pub smtp_credentials: f64,
    /// `canUseConsole`.
    pub console: f64,
}

impl Default for CapabilityRates {
    fn default() -> Self {
        CapabilityRates {
            api_keys: 1.0,
            auth_tokens: 1.0,
            console_password: 1.0,
            customer_secret_keys: 1.0,
            db_credentials: 1.0,
            o_auth2_client_credentials: 1.0,
            smtp_credentials: 1.0,
            console: 1.0,
        }
    }
}

impl CapabilityRates {
    /// The rates in [`CAPABILITY_FLAGS`] order, with their JSON names.
    fn rates(&self) -> [(&'static str, f64); 8] {
        [
            ("apiKeys", self.api_keys),
            ("authTokens", self.auth_tokens),
            ("consolePassword", self.console_password),
            ("customerSecretKeys", self.customer_secret_keys),
            ("dbCredentials", self.db_credentials),
            ("oAuth2ClientCredentials", self.o_auth2_client_credentials),
            ("smtpCredentials", self.smtp_credentials),
            ("console", self.console),
        ]
    }
}

/// Share of generated users (whose capability allows it) given one credential of each
/// kind (`0..=1`; 0.1 each by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CredentialRates {
    /// `/AuthTokens`.
    pub auth_tokens: f64,
    /// `/CustomerSecretKeys`.
    pub customer_secret_keys: f64,
    /// `/UserDbCredentials`.
    pub db_credentials: f64,
    /// `/OAuth2ClientCredentials`.
    pub o_auth2_client_credentials: f64,
    /// `/SmtpCredentials`.
    pub smtp_credentials: f64,
}

impl Default for CredentialRates {
    fn default() -> Self {
        CredentialRates {
            auth_tokens: 0.1,
            customer_secret_keys: 0.1,
            db_credentials: 0.1,
            o_auth2_client_credentials: 0.1,
            smtp_credentials: 0.1,
        }
    }
}

impl CredentialRates {
    /// (JSON name, rate, resource type, capability flag, the body besides its user).
    fn kinds(&self) -> [(&'static str, f64, &'static str, &'static str); 5] {
        [
            (
                "authTokens",
                self.auth_tokens,
                "AuthToken",
                "canUseAuthTokens",
            ),
            (
                "customerSecretKeys",
                self.customer_secret_keys,
                "CustomerSecretKey",
                "canUseCustomerSecretKeys",
            ),
            (
                "dbCredentials",
                self.db_credentials,
                "UserDbCredential",
                "canUseDbCredentials",
            ),
            (
                "oAuth2ClientCredentials",
                self.o_auth2_client_credentials,
                "OAuth2ClientCredential",
                "canUseOAuth2ClientCredentials",
            ),
            (
                "smtpCredentials",
                self.smtp_credentials,
                "SmtpCredential",
                "canUseSmtpCredentials",
            ),
        ]
    }
}

/// Rejects rates outside `0..=1`, naming the field.
pub fn check(capabilities: &CapabilityRates, credentials: &CredentialRates) -> Result<()> {
    let caps = capabilities.rates().map(|(n, r)| ("capabilities", n, r));
    let creds = credentials
        .kinds()
        .map(|(n, r, _, _)| ("credentials", n, r));
    for (group, name, rate) in caps.into_iter().chain(creds) {
        if !(0.0..=1.0).contains(&rate) {
            return Err(ScimError::invalid_value(format!(
                "seed.{group}.{name} is {rate}; a rate must be between 0 and 1"
            )));
        }
    }
    Ok(())
}

/// About how many credentials `users` generated users get (rounded up), and the app and
/// roles a new domain holds: what a seed of an identity domain adds to its users.
pub fn extra_resources(users: usize, rates: &CredentialRates) -> usize {
    let per_user: f64 = rates.kinds().iter().map(|(_, r, _, _)| r).sum();
    let expected = users as f64 * per_user;
    // Rounded up without `f64::ceil` (std only); a float-to-integer `as` saturates.
    let whole = expected as usize;
    let credentials = if (whole as f64) < expected {
        whole.saturating_add(1)
    } else {
        whole
    };
    credentials.saturating_add(1 + super::domain::ADMIN_ROLES.len())
}

/// Draws a user's capabilities into its client JSON.
pub fn capabilities(user: &mut Map, rates: &CapabilityRates, rng: &mut Rng) {
    let mut flags = Map::with_capacity(CAPABILITY_FLAGS.len());
    for (flag, (_, rate)) in CAPABILITY_FLAGS.iter().zip(rates.rates()) {
        flags.insert(*flag, Value::Bool(rng.chance(rate)));
    }
    // `schemas` lists it when the user is stored (normalization lists present extensions).
    user.insert(CAPABILITIES, Value::Object(flags));
}

/// The credentials to create for a stored user: `(resource type, client JSON)`.
pub fn credentials(
    user: &Value,
    rates: &CredentialRates,
    rng: &mut Rng,
) -> Vec<(&'static str, Value)> {
    let id = user.get("id").and_then(Value::as_str).unwrap_or("");
    let allowed = |flag: &str| {
        user.get(CAPABILITIES)
            .and_then(|c| c.get(flag))
            .and_then(Value::as_bool)
            .unwrap_or(true)
    };
    let mut out = Vec::new();
    for (_, rate, type_name, flag) in rates.kinds() {
        if !rng.chance(rate) || !allowed(flag) {
            continue;
        }
        let mut body = Map::with_capacity(4);
        let mut owner = Map::with_capacity(1);
        owner.insert("value", Value::from(id));
        body.insert("user", Value::Object(owner));
        body.insert("description", Value::from("generated"));
        match type_name {
            "UserDbCredential" => {
                let n = rng.next_u64();
                body.insert("dbPassword", Value::from(format!("Db-{n:016x}-Pw1")));
            }
            "OAuth2ClientCredential" => {
                body.insert("name", Value::from("generated"));
                let mut scope = Map::with_capacity(2);
                scope.insert("audience", Value::from("urn:opc:resource:consumer::all"));
                scope.insert("scope", Value::from("urn:opc:idm:__myscopes__"));
                body.insert("scopes", Value::Array(alloc::vec![Value::Object(scope)]));
            }
            "CustomerSecretKey" => {
                body.insert("displayName", Value::from("generated"));
            }
            _ => {}
        }
        out.push((type_name, Value::Object(body)));
    }
    out
}
