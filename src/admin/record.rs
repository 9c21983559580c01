//! The record a host keeps per server: its settings, token digests, creation and expiry.

use super::auth::{digests_equal, token_digest};
use crate::settings::Settings;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// What the registry keeps about one server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerRecord {
    /// The server id.
    pub id: String,
    /// SHA-256 digests ([`token_digest`]) of the tokens that open this server.
    pub token_digests: Vec<String>,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// When the server expires, milliseconds since the Unix epoch (`None`: never).
    pub expires_ms: Option<i64>,
    /// The tenant's settings.
    pub settings: Settings,
    /// How far filling the server with generated data has got, while it is being filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeding: Option<Seeding>,
    /// The server's secret key, hex (from the host's CSPRNG at creation): what its
    /// persona's access tokens and generated secrets are keyed by. It never leaves the
    /// server's owner (the edge's registry copy goes without it: [`ServerRecord::public`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
}

/// Progress of a seed that is filled in chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seeding {
    /// Resources made so far.
    pub done: usize,
    /// Resources the seed makes in all.
    pub total: usize,
}

impl ServerRecord {
    /// A record for a new server opened by `token`, created at `now_ms`, expiring after
    /// `settings.ttl_seconds` if set.
    pub fn new(id: &str, token: &str, now_ms: i64, settings: Settings) -> ServerRecord {
        let expires_ms = expiry(now_ms, settings.ttl_seconds);
        ServerRecord {
            id: id.into(),
            token_digests: vec![token_digest(token)],
            created_ms: now_ms,
            expires_ms,
            settings,
            seeding: None,
            key: String::new(),
        }
    }

    /// This record without its key: what may be copied where the edge reads it.
    pub fn public(&self) -> ServerRecord {
        ServerRecord {
            key: String::new(),
            ..self.clone()
        }
    }

    /// The persona identity of the server this record describes.
    pub fn identity(&self) -> crate::persona::Identity {
        crate::persona::Identity {
            server_id: self.id.clone(),
            key: crate::encoding::hex_decode(&self.key).unwrap_or_default(),
        }
    }

    /// Whether `token` opens this server. Every stored digest is compared, in constant time.
    pub fn accepts(&self, token: &str) -> bool {
        let presented = token_digest(token);
        self.token_digests
            .iter()
            .fold(false, |ok, d| digests_equal(d, &presented) | ok)
    }

    /// Whether the server has expired at `now_ms`.
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expires_ms.is_some_and(|t| now_ms >= t)
    }

    /// Replaces the settings; a changed TTL counts from the creation time.
    pub fn set_settings(&mut self, settings: Settings) {
        self.expires_ms = expiry(self.created_ms, settings.ttl_seconds);
        self.settings = settings;
    }
}

/// `start_ms + ttl_seconds`, saturating instead of overflowing on absurd TTLs.
fn expiry(start_ms: i64, ttl_seconds: Option<u64>) -> Option<i64> {
    ttl_seconds.map(|s| {
        let ms = i64::try_from(s).unwrap_or(i64::MAX).saturating_mul(1000);
        start_ms.saturating_add(ms)
    })
}

#[cfg(test)]
mod tests;
