//! Which token a request carries, and what to say when the server refuses it.
//!
//! Two doors: SCIM data (`/scim-identifier/{id}/scim/v2`) opens only to the server's own
//! token; `/api/servers/{id}` opens to that token or the deployment's admin token. The
//! admin token never opens SCIM data, so a hint for a refused SCIM request never suggests it.
//! An explicit `--token` (or `SCIMLET_TOKEN`) always wins over a remembered one.

use crate::Context;

/// A token (or none) and the advice for a 401 with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    /// The bearer token sent, if any.
    pub token: Option<String>,
    /// What to do when it is refused.
    pub hint: String,
}

/// Where a server token came from.
enum Source {
    Flag,
    Remembered,
    Nowhere,
}

impl Context {
    /// The server's token, if known: `--token`, else the one remembered for `id` here.
    fn server_token(&self, id: Option<&str>) -> (Option<String>, Source) {
        if let Some(token) = &self.token {
            return (Some(token.clone()), Source::Flag);
        }
        match id.and_then(|id| self.remembered.get(&self.url, id)) {
            Some(token) => (Some(token), Source::Remembered),
            None => (None, Source::Nowhere),
        }
    }

    fn store_path(&self) -> String {
        self.remembered.path().map_or_else(
            || "the token file (no XDG_CONFIG_HOME or HOME is set)".into(),
            |p| p.display().to_string(),
        )
    }

    /// The credential for SCIM data of server `id` (`None`: a `--scim` URL).
    pub fn scim_credential(&self, id: Option<&str>) -> Credential {
        let (token, source) = self.server_token(id);
        let server = id.map_or_else(
            || "this SCIM server".to_string(),
            |id| format!("server {id}"),
        );
        let hint = match source {
            Source::Flag => format!(
                "The token given with --token (or SCIMLET_TOKEN) does not open {server}: use the \
                 token printed when it was created. The admin token never opens SCIM data."
            ),
            Source::Remembered => format!(
                "The token remembered for {server} in {} was refused (was the server deleted and \
                 created again elsewhere?). Pass its token with --token (or SCIMLET_TOKEN); the \
                 admin token never opens SCIM data.",
                self.store_path()
            ),
            Source::Nowhere => format!(
                "No token for {server}: pass it with --token (or SCIMLET_TOKEN). Tokens of the \
                 servers this CLI creates are remembered in {}; the admin token never opens \
                 SCIM data.",
                self.store_path()
            ),
        };
        Credential { token, hint }
    }

    /// The credential for `/api/servers/{id}`: `--token`, else the remembered token, else
    /// `--admin-token` (which shows and deletes a server, and never reads or changes its
    /// data or settings).
    pub fn admin_credential(&self, id: &str) -> Credential {
        let both = "Pass the server's token with --token (or SCIMLET_TOKEN); the deployment's \
                    admin token (--admin-token, SCIMLET_ADMIN_TOKEN) only shows and deletes servers.";
        if self.token.is_some() {
            return Credential {
                token: self.token.clone(),
                hint: format!("The token given with --token (or SCIMLET_TOKEN) does not open server {id}. {both}"),
            };
        }
        let (token, source) = self.server_token(Some(id));
        if token.is_some() {
            return Credential {
                token,
                hint: format!(
                    "The token remembered for server {id} in {} was refused (was the server \
                     deleted and created again elsewhere?). {both}",
                    self.store_path()
                ),
            };
        }
        if self.admin_token.is_some() {
            return Credential {
                token: self.admin_token.clone(),
                hint: format!("The admin token given with --admin-token (or SCIMLET_ADMIN_TOKEN) was refused, or it cannot do this. {both}"),
            };
        }
        let _ = source;
        Credential {
            token: None,
            hint: format!("No token for server {id}. {both}"),
        }
    }

    /// The admin token alone (listing every server).
    pub fn deployment_credential(&self) -> Credential {
        Credential {
            token: self.admin_token.clone(),
            hint: "Listing servers needs the deployment's admin token: pass --admin-token (or \
                   SCIMLET_ADMIN_TOKEN); a server's token cannot list."
                .into(),
        }
    }
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
