use super::*;
use crate::remember::Store;

fn context(token: Option<&str>, admin: Option<&str>, store: Store) -> Context {
    Context {
        url: "http://h:1".into(),
        token: token.map(str::to_string),
        admin_token: admin.map(str::to_string),
        json: false,
        remembered: store,
    }
}

/// A token file (in a fresh directory) remembering server `big` of `http://h:1`, and a
/// way to open it.
fn remembering_big(name: &str) -> (std::path::PathBuf, impl Fn() -> Store) {
    let dir = std::env::temp_dir().join(format!("scimlet-cli-auth-{name}-{}", std::process::id()));
    let path = dir.join("servers.json");
    let store = move || Store::at(path.clone());
    store().put("http://h:1", "big", "remembered").unwrap();
    (dir, store)
}

#[test]
fn scim_data_opens_to_the_given_token_else_the_remembered_one_never_the_admin_token() {
    let (dir, store) = remembering_big("scim");
    for (token, admin, id, expected, hint_says) in [
        (
            Some("given"),
            Some("admin"),
            Some("big"),
            Some("given"),
            "given with --token",
        ),
        (
            None,
            Some("admin"),
            Some("big"),
            Some("remembered"),
            "remembered for server big",
        ),
        (
            None,
            None,
            Some("big"),
            Some("remembered"),
            "remembered for server big",
        ),
        (
            None,
            Some("admin"),
            Some("other"),
            None,
            "No token for server other",
        ),
        (
            None,
            Some("admin"),
            None,
            None,
            "No token for this SCIM server",
        ),
        (
            Some("given"),
            None,
            None,
            Some("given"),
            "given with --token",
        ),
    ] {
        let credential = context(token, admin, store()).scim_credential(id);
        assert_eq!(
            credential.token.as_deref(),
            expected,
            "{token:?} {admin:?} {id:?}"
        );
        assert!(credential.hint.contains(hint_says), "{}", credential.hint);
        // The admin token never opens SCIM data: never suggest it.
        assert!(
            !credential.hint.contains("--admin-token"),
            "{}",
            credential.hint
        );
        assert!(credential
            .hint
            .contains("admin token never opens SCIM data"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_admin_api_opens_to_the_given_token_the_remembered_one_or_the_admin_token() {
    let (dir, store) = remembering_big("admin");
    for (token, admin, id, expected, hint_says) in [
        (
            Some("given"),
            Some("admin"),
            "big",
            Some("given"),
            "given with --token",
        ),
        // The server's own token first: the admin token only shows and deletes.
        (
            None,
            Some("admin"),
            "big",
            Some("remembered"),
            "remembered for server big",
        ),
        (
            None,
            Some("admin"),
            "other",
            Some("admin"),
            "admin token given",
        ),
        (
            None,
            None,
            "big",
            Some("remembered"),
            "remembered for server big",
        ),
        (None, None, "other", None, "No token for server other"),
    ] {
        let credential = context(token, admin, store()).admin_credential(id);
        assert_eq!(
            credential.token.as_deref(),
            expected,
            "{token:?} {admin:?} {id}"
        );
        assert!(credential.hint.contains(hint_says), "{}", credential.hint);
        assert!(
            credential.hint.contains("--admin-token"),
            "{}",
            credential.hint
        );
    }
    let listing = context(Some("given"), None, store()).deployment_credential();
    assert_eq!(listing.token, None);
    let listing = context(Some("given"), Some("admin"), store()).deployment_credential();
    assert_eq!(listing.token.as_deref(), Some("admin"));
    let _ = std::fs::remove_dir_all(&dir);
}
