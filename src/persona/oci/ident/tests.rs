use super::*;

#[test]
fn base32_round_trips_and_refuses_anything_else() {
    // RFC 4648 section 10, lower-case and unpadded.
    let table = [
        ("", ""),
        ("f", "my"),
        ("fo", "mzxq"),
        ("foo", "mzxw6"),
        ("foob", "mzxw6yq"),
        ("fooba", "mzxw6ytb"),
        ("foobar", "mzxw6ytboi"),
    ];
    for (bytes, text) in table {
        assert_eq!(base32(bytes.as_bytes()), text);
        assert_eq!(
            base32_decode(text).as_deref(),
            Some(bytes.as_bytes()),
            "{text}"
        );
    }
    for bad in ["MZXW6", "mzxw1", "mzxw6z", "my=", "m y"] {
        assert_eq!(base32_decode(bad), None, "{bad}");
    }
}

#[test]
fn tenancies_and_client_ids_carry_the_server_id() {
    for server in ["demo", "s-0a1b2c3d4e5f", "A_b-9", &"x".repeat(64)] {
        let t = tenancy(server);
        assert!(t.starts_with("ocid1.tenancy.oc1..aaaaaaaa"), "{t}");
        assert!(
            t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'),
            "{t}"
        );
        assert_eq!(server_of_tenancy(&t).as_deref(), Some(server));
        let c = client_id(server, "0190-app");
        assert!(
            !c.contains(server) || server.len() < 2,
            "{c} shows {server}"
        );
        assert_eq!(server_of_client_id(&c).as_deref(), Some(server));
        assert_ne!(c, client_id(server, "0190-other"), "one client id per app");
    }
    // Not ours, or naming no valid server id: nothing.
    let not_ours = [
        "ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq",
        "ocid1.user.oc1..aaaaaaaamrswk3y",
        "ocid1.tenancy.oc1..aaaaaaaa",
        "ocid1.tenancy.oc1..aaaaaaaaei",
    ];
    for t in not_ours {
        assert_eq!(server_of_tenancy(t), None, "{t}");
    }
    for c in [
        "",
        "abc",
        "mrswk3y9",
        "mrswk3y90123456789abcdef012345",
        "mrswk3y9zz3456789abcdef01234",
    ] {
        assert_eq!(server_of_client_id(c), None, "{c}");
    }
}

#[test]
fn ocids_are_stable_and_differ_by_server_type_and_id() {
    let a = resource_ocid("demo", "User", "1");
    assert_eq!(a, resource_ocid("demo", "User", "1"));
    assert!(
        a.starts_with("ocid1.user.oc1..aaaaaaaa") && a.len() == 24 + 32,
        "{a}"
    );
    for other in [
        resource_ocid("demo2", "User", "1"),
        resource_ocid("demo", "Group", "1"),
        resource_ocid("demo", "User", "2"),
    ] {
        assert_ne!(a, other);
    }
    let kinds = [
        ("Group", "group"),
        ("App", "domainapp"),
        ("ApiKey", "apikey"),
        ("AuthToken", "credential"),
    ];
    for (ty, kind) in kinds {
        assert!(resource_ocid("d", ty, "1").starts_with(&alloc::format!("ocid1.{kind}.oc1..")));
    }
}
