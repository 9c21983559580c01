use super::*;
use crate::schema::builtin;

fn domain_types() -> Vec<ResourceSchema> {
    let mut types = builtin::resource_types();
    adjust(&mut types);
    types
}

#[test]
fn an_identity_domain_serves_its_types_and_no_okta_ones() {
    let names: Vec<String> = domain_types().into_iter().map(|rs| rs.name).collect();
    let mut expected = alloc::vec!["User", "Group", "App", "AppRole", "Grant"];
    expected.extend(CREDENTIALS.iter().map(|k| k.name));
    assert_eq!(names, expected);
}

#[test]
fn every_type_records_its_writer_read_only() {
    for rs in domain_types() {
        for name in ["ocid", "idcsCreatedBy", "idcsLastModifiedBy"] {
            let (_, attr) = rs
                .resolve(None, name)
                .unwrap_or_else(|| panic!("{} {name}", rs.name));
            assert_eq!(attr.mutability, Mutability::ReadOnly, "{} {name}", rs.name);
        }
        let writer = rs.resolve(None, "idcsCreatedBy").unwrap().1;
        assert!(writer.sub("value").is_some() && writer.sub("type").is_some());
    }
}

#[test]
fn users_carry_the_idcs_and_capabilities_extensions() {
    let types = domain_types();
    let user = &types[0];
    let urns: Vec<&str> = user.schema_urns().collect();
    assert_eq!(urns[2..], [USER_EXTENSION, CAPABILITIES]);
    let (container, flag) = user.resolve(None, "canUseSmtpCredentials").unwrap();
    assert_eq!(container, crate::schema::Container::Extension(CAPABILITIES));
    assert_eq!(flag.ty, AttrType::Boolean);
    let (_, bypass) = user
        .resolve(Some(USER_EXTENSION), "bypassNotification")
        .unwrap();
    assert_eq!(bypass.returned, Returned::Never);
    assert_eq!(capabilities_extension().attributes.len(), 8);
}

#[test]
fn credentials_name_their_capability_and_secret() {
    // (type, capability, generated secret)
    let table = [
        ("ApiKey", "canUseApiKeys", None),
        ("AuthToken", "canUseAuthTokens", Some("token")),
        (
            "CustomerSecretKey",
            "canUseCustomerSecretKeys",
            Some("secretKey"),
        ),
        ("UserDbCredential", "canUseDbCredentials", None),
        (
            "OAuth2ClientCredential",
            "canUseOAuth2ClientCredentials",
            Some("secret"),
        ),
        ("SmtpCredential", "canUseSmtpCredentials", Some("password")),
    ];
    let types = domain_types();
    for (name, capability, secret) in table {
        let kind = credential_kind(name).unwrap();
        assert_eq!((kind.capability, kind.secret), (capability, secret));
        assert!(CAPABILITY_FLAGS.contains(&capability));
        let rs = types.iter().find(|rs| rs.name == name).unwrap();
        assert!(rs.resolve(None, "user").is_some(), "{name} has a user");
        if let Some(secret) = secret {
            let attr = rs.resolve(None, secret).unwrap().1;
            assert_eq!(
                (attr.mutability, attr.returned),
                (Mutability::WriteOnly, Returned::Never),
                "{name}"
            );
        }
    }
    assert_eq!(credential_kind("User"), None);
}
