use super::*;
use crate::schema::builtin;
use crate::settings::{Persona, Settings};

fn tenant(key: &[u8]) -> Tenant {
    let mut t = Tenant::new(Settings {
        persona: Persona::Oci,
        ..Settings::default()
    })
    .unwrap();
    t.set_identity(Some(Identity {
        server_id: "demo".into(),
        key: key.to_vec(),
    }));
    t
}

fn schema(t: &Tenant, name: &str) -> ResourceSchema {
    t.resource_types()
        .iter()
        .find(|rs| rs.name == name)
        .unwrap()
        .clone()
}

#[test]
fn secrets_have_their_real_shapes_and_depend_on_key_and_resource() {
    let t = tenant(&[1; 32]);
    // (type, attribute, check of the shape)
    type Shape = fn(&str) -> bool;
    let table: [(&str, &str, Shape); 5] = [
        ("App", "clientSecret", |s| {
            s.starts_with("idcscs-") && s.len() == 43 && s.matches('-').count() == 5
        }),
        ("AuthToken", "token", |s| s.len() == 20),
        ("SmtpCredential", "password", |s| s.len() == 20),
        ("CustomerSecretKey", "secretKey", |s| s.len() == 43),
        ("OAuth2ClientCredential", "secret", |s| s.len() == 43),
    ];
    for (ty, attr, shape) in table {
        let rs = schema(&t, ty);
        let s = secret(&t, &rs, "id-1", attr).unwrap();
        assert!(shape(&s), "{ty}.{attr}: {s}");
        assert_eq!(
            secret(&t, &rs, "id-1", attr).unwrap(),
            s,
            "derived, so shown again at creation"
        );
        assert_ne!(secret(&t, &rs, "id-2", attr).unwrap(), s);
        assert_ne!(secret(&tenant(&[2; 32]), &rs, "id-1", attr).unwrap(), s);
    }
    // No key, no secrets (a host that never set the identity).
    let mut keyless = tenant(&[]);
    let rs = schema(&keyless, "App");
    assert_eq!(
        secret(&keyless, &rs, "id-1", "clientSecret")
            .unwrap_err()
            .status,
        500
    );
    keyless.set_identity(None);
    assert_eq!(
        secret(&keyless, &rs, "id-1", "clientSecret")
            .unwrap_err()
            .status,
        500
    );
}

#[test]
fn a_plain_scim_tenant_gets_none_of_it() {
    let mut t = Tenant::new(Settings::default()).unwrap();
    let rs = builtin::resource_type("User").unwrap();
    let mut value = crate::json!({"userName": "a", "id": "1"});
    let before = value.clone();
    crate::persona::prepare(&t, &rs, &mut value).unwrap();
    crate::persona::stamp(&t, &rs, &mut value, None, None).unwrap();
    assert_eq!(value, before);
    t.set_identity(Some(Identity::default()));
    assert!(t.type_index("App").is_none());
}
