//! The tokens of the servers this CLI created, so that `load --server big` right after
//! `servers create --id big` needs no token copied by hand.
//!
//! One JSON file, `$XDG_CONFIG_HOME/scimlet/servers.json` (else `~/.config/...`), mode
//! 0600 in a 0700 directory: `{"servers": {"<origin>": {"<server id>": {"token": "..."}}}}`.
//! Keyed by origin too, because `make dev` and a deployment may both have a `demo`.
//! Writes go to a temporary file renamed over the old one, so a reader never sees half a
//! file; two CLIs writing at the same instant may lose one entry, never corrupt the file.

use crate::Fallible;
use serde_json::{json, Map, Value};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The file is read whole; a larger one is not ours to parse.
const MAX_FILE_BYTES: u64 = 16 << 20;

/// The remembered tokens, read from and written to one file (or nowhere, without a home).
pub struct Store {
    path: Option<PathBuf>,
}

impl Store {
    /// The store in the user's configuration directory.
    pub fn open() -> Store {
        Store {
            path: config_file(
                std::env::var_os("XDG_CONFIG_HOME"),
                std::env::var_os("HOME"),
            ),
        }
    }

    /// A store in a given file (tests).
    #[cfg(test)]
    pub fn at(path: PathBuf) -> Store {
        Store { path: Some(path) }
    }

    /// Where tokens are kept, if anywhere.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The token remembered for server `id` at `origin`. An unreadable file remembers
    /// nothing (the commands that write say why).
    pub fn get(&self, origin: &str, id: &str) -> Option<String> {
        let all = self.read().ok()?;
        all.get("servers")?
            .get(origin)?
            .get(id)?
            .get("token")?
            .as_str()
            .map(str::to_string)
    }

    /// Remembers `token` for server `id` at `origin`, returning the file it went to.
    pub fn put(&self, origin: &str, id: &str, token: &str) -> Fallible<&Path> {
        let path = self.require_path()?;
        let mut all = self.read()?;
        let mut servers = take_object(&mut all, "servers");
        let mut at_origin = take_object(&mut servers, origin);
        at_origin.insert(id.to_string(), json!({ "token": token }));
        servers.insert(origin.to_string(), Value::Object(at_origin));
        all.insert("servers".into(), Value::Object(servers));
        self.write(&all)?;
        Ok(path)
    }

    /// Forgets server `id` at `origin`; whether it was remembered.
    pub fn forget(&self, origin: &str, id: &str) -> Fallible<bool> {
        if self.path.as_ref().is_none_or(|p| !p.exists()) {
            return Ok(false);
        }
        let mut all = self.read()?;
        let Some(Value::Object(servers)) = all.get_mut("servers") else {
            return Ok(false);
        };
        let Some(Value::Object(at_origin)) = servers.get_mut(origin) else {
            return Ok(false);
        };
        if at_origin.remove(id).is_none() {
            return Ok(false);
        }
        if at_origin.is_empty() {
            servers.remove(origin);
        }
        self.write(&all)?;
        Ok(true)
    }

    fn require_path(&self) -> Fallible<&Path> {
        self.path.as_deref().ok_or_else(|| {
            "neither XDG_CONFIG_HOME nor HOME is set, so there is nowhere to remember tokens"
                .to_string()
        })
    }

    /// The whole file; an empty object when there is none yet.
    fn read(&self) -> Fallible<Map<String, Value>> {
        let path = self.require_path()?;
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Map::new()),
            Err(e) => return Err(format!("reading {}: {e}", path.display())),
        };
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(format!(
                "{} is larger than {MAX_FILE_BYTES} bytes; it is not a token file this CLI wrote",
                path.display()
            ));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(all)) => Ok(all),
            _ => Err(format!(
                "{} is not the JSON object this CLI writes; fix or remove it",
                path.display()
            )),
        }
    }

    /// Replaces the file: a private temporary file in the same directory, renamed over it.
    fn write(&self, all: &Map<String, Value>) -> Fallible<()> {
        let path = self.require_path()?;
        let dir = path.parent().unwrap_or(Path::new("."));
        private_dir(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let temporary = dir.join(format!(".servers.json.{}", std::process::id()));
        let bytes = serde_json::to_vec_pretty(all).map_err(|e| e.to_string())?;
        let written = private_file(&temporary)
            .and_then(|mut file| file.write_all(&bytes).and_then(|()| file.sync_all()))
            .and_then(|()| std::fs::rename(&temporary, path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(format!("writing {}: {e}", path.display()));
        }
        Ok(())
    }
}

/// `$XDG_CONFIG_HOME/scimlet/servers.json`, else `$HOME/.config/scimlet/servers.json`.
/// A relative `XDG_CONFIG_HOME` is ignored, as the XDG base directory spec says.
pub fn config_file(xdg_config_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let base = match xdg_config_home.map(PathBuf::from) {
        Some(dir) if dir.is_absolute() => dir,
        _ => PathBuf::from(home.filter(|h| !h.is_empty())?).join(".config"),
    };
    Some(base.join("scimlet").join("servers.json"))
}

/// `map[key]` taken out as an object (a new one if it is missing or something else).
fn take_object(map: &mut Map<String, Value>, key: &str) -> Map<String, Value> {
    match map.remove(key) {
        Some(Value::Object(inner)) => inner,
        _ => Map::new(),
    }
}

#[cfg(unix)]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create(path)
}

#[cfg(test)]
#[path = "remember_tests.rs"]
mod tests;
