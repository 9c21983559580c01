use super::*;

/// A fresh directory under the system's temporary one, for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scimlet-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn the_file_lives_in_the_xdg_config_home_else_in_home() {
    let os = |s: &str| Some(OsString::from(s));
    for (xdg, home, expected) in [
        (
            os("/x/config"),
            os("/home/a"),
            Some("/x/config/scimlet/servers.json"),
        ),
        (
            None,
            os("/home/a"),
            Some("/home/a/.config/scimlet/servers.json"),
        ),
        (
            os("relative/dir"),
            os("/home/a"),
            Some("/home/a/.config/scimlet/servers.json"),
        ),
        (
            os(""),
            os("/home/a"),
            Some("/home/a/.config/scimlet/servers.json"),
        ),
        (None, os(""), None),
        (None, None, None),
    ] {
        assert_eq!(
            config_file(xdg.clone(), home.clone()),
            expected.map(PathBuf::from),
            "{xdg:?} {home:?}"
        );
    }
}

#[test]
fn tokens_are_kept_per_origin_and_server_and_forgotten() {
    let dir = scratch("store");
    let store = Store::at(dir.join("scimlet").join("servers.json"));
    let (local, deployed) = ("http://127.0.0.1:8787", "https://scimlet.example.com");
    assert_eq!(store.get(local, "big"), None);
    assert_eq!(store.forget(local, "big"), Ok(false));
    for (origin, id, token) in [
        (local, "big", "t-local-big"),
        (local, "demo", "t-local-demo"),
        (deployed, "big", "t-deployed-big"),
        (local, "big", "t-local-big-2"), // created again: the new token wins
    ] {
        assert_eq!(
            store.put(origin, id, token).map(Path::to_path_buf),
            Ok(store.path().unwrap().to_path_buf())
        );
    }
    for (origin, id, expected) in [
        (local, "big", Some("t-local-big-2")),
        (local, "demo", Some("t-local-demo")),
        (deployed, "big", Some("t-deployed-big")),
        (deployed, "demo", None),
        ("http://127.0.0.1:9999", "big", None),
    ] {
        assert_eq!(store.get(origin, id).as_deref(), expected, "{origin} {id}");
    }
    assert_eq!(store.forget(local, "big"), Ok(true));
    assert_eq!(store.forget(local, "big"), Ok(false));
    assert_eq!(store.get(local, "big"), None);
    assert_eq!(store.get(local, "demo").as_deref(), Some("t-local-demo"));
    assert_eq!(
        store.get(deployed, "big").as_deref(),
        Some("t-deployed-big")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn only_the_user_can_read_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("modes");
    let path = dir.join("scimlet").join("servers.json");
    let store = Store::at(path.clone());
    store.put("http://h", "a", "secret").unwrap();
    store.put("http://h", "b", "secret").unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    // No temporary file is left behind.
    let entries: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(entries.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_is_not_ours_is_never_overwritten() {
    let dir = scratch("foreign");
    std::fs::create_dir_all(&dir).unwrap();
    for content in ["not json", "[1, 2]", "\"a string\""] {
        let path = dir.join("servers.json");
        std::fs::write(&path, content).unwrap();
        let store = Store::at(path.clone());
        assert_eq!(store.get("http://h", "a"), None, "{content}");
        assert!(store.put("http://h", "a", "t").is_err(), "{content}");
        assert!(store.forget("http://h", "a").is_err(), "{content}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_a_home_nothing_is_remembered() {
    let store = Store { path: None };
    assert_eq!(store.get("http://h", "a"), None);
    assert!(store.put("http://h", "a", "t").is_err());
    assert_eq!(store.forget("http://h", "a"), Ok(false));
}
