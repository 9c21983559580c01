//! The `oci` persona at the origin's root (`/oauth2/v1/token`, `/admin/v1/...`): the
//! credential presented names the server (`persona::oci::locate`), or, for a server's own
//! token, its digest is looked up in the registry (`token:<digest>` entries, written with
//! the record). The edge checks what it can without the server's key
//! (`persona::oci::preflight`): an unknown credential is the same 401 as a wrong one and
//! never wakes or creates an object. The server's object checks everything again. EPM's
//! requests (`/interop/rest`) name their server in HTTP Basic's `<domain>.<user>`.

use super::{body, forward_to, now_ms, policy, registry_record, reply, REGISTRY};
use crate::admin::{self, Route};
use crate::persona::oci::{self, Locator};
use crate::settings::Persona;
use alloc::format;
use alloc::string::String;
use worker::{Env, Request, Response, Result};

/// The registry key of a token digest: what names a server's own token at the root.
pub fn token_key(digest: &str) -> String {
    format!("token:{digest}")
}

/// A request for an identity domain at the root: find its server, check, forward.
pub async fn handle(mut req: Request, env: &Env, route: &Route<'_>) -> Result<Response> {
    let authorization = req.headers().get("Authorization")?;
    // A token request may carry its client credentials in its (small) form body.
    let form = match route {
        Route::Token => match body::read(&mut req, admin::TOKEN_MAX_BYTES).await? {
            Ok(body) => body.unwrap_or_default(),
            Err(err) => return reply::error(&err),
        },
        _ => alloc::vec::Vec::new(),
    };
    // EPM signs in with HTTP Basic as `<domain>.<user>`: the domain is the server.
    if let Route::Jobs { rest } = route {
        if crate::jobs::is_epm_path(rest) {
            let id = match oci::epm::locate(authorization.as_deref()) {
                Ok(id) => id,
                Err(err) => return reply::error(&err),
            };
            let record = registry_record(env, &id).await;
            if record
                .filter(|r| r.settings.persona == Persona::Oci)
                .is_none()
            {
                return reply::error(&oci::unknown());
            }
            let body =
                match body::read(&mut req, admin::body_limit(route, None, &policy(env))).await? {
                    Ok(body) => body,
                    Err(err) => return reply::error(&err),
                };
            return forward_to(&req, env, &id, body).await;
        }
    }
    let id = match oci::locate(authorization.as_deref(), &form) {
        Ok(Locator::Server(id)) => Some(id),
        Ok(Locator::TokenDigest(digest)) => server_of_token(env, &digest).await,
        Err(err) => return reply::error(&err),
    };
    let record = match &id {
        Some(id) => registry_record(env, id).await,
        None => None,
    };
    if let Err(err) = oci::preflight(authorization.as_deref(), &form, record.as_ref(), now_ms()) {
        return reply::error(&err);
    }
    let (Some(id), Some(record)) = (id, record) else {
        return reply::error(&oci::unknown());
    };
    let body = match route {
        Route::Token => Some(form),
        _ => {
            let limit = admin::body_limit(route, Some(&record), &policy(env));
            match body::read(&mut req, limit).await? {
                Ok(body) => body,
                Err(err) => return reply::error(&err),
            }
        }
    };
    forward_to(&req, env, &id, body).await
}

/// The server whose own token has this digest, from the registry.
async fn server_of_token(env: &Env, digest: &str) -> Option<String> {
    let kv = env.kv(REGISTRY).ok()?;
    kv.get(&token_key(digest)).text().await.ok().flatten()
}
