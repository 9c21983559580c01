use super::*;
use crate::json;
use alloc::boxed::Box;
use alloc::string::ToString;

#[test]
fn each_kind_renders_as_rfc_7644_says() {
    // (error, status, scimType on the wire, Display)
    let table = [
        (
            ScimError::invalid_filter("f"),
            400,
            Some("invalidFilter"),
            "400 invalidFilter: f",
        ),
        (
            ScimError::too_many("t"),
            400,
            Some("tooMany"),
            "400 tooMany: t",
        ),
        (
            ScimError::uniqueness("u"),
            409,
            Some("uniqueness"),
            "409 uniqueness: u",
        ),
        (
            ScimError::mutability("m"),
            400,
            Some("mutability"),
            "400 mutability: m",
        ),
        (
            ScimError::invalid_syntax("s"),
            400,
            Some("invalidSyntax"),
            "400 invalidSyntax: s",
        ),
        (
            ScimError::invalid_path("p"),
            400,
            Some("invalidPath"),
            "400 invalidPath: p",
        ),
        (
            ScimError::no_target("n"),
            400,
            Some("noTarget"),
            "400 noTarget: n",
        ),
        (
            ScimError::invalid_value("v"),
            400,
            Some("invalidValue"),
            "400 invalidValue: v",
        ),
        (
            ScimError::new(400, Some(ScimType::InvalidVers), "x"),
            400,
            Some("invalidVers"),
            "400 invalidVers: x",
        ),
        (
            ScimError::new(403, Some(ScimType::Sensitive), "y"),
            403,
            Some("sensitive"),
            "403 sensitive: y",
        ),
        (
            ScimError::new(400, Some(ScimType::InvalidCursor), "c"),
            400,
            Some("invalidCursor"),
            "400 invalidCursor: c",
        ),
        (
            ScimError::new(400, Some(ScimType::ExpiredCursor), "e"),
            400,
            Some("expiredCursor"),
            "400 expiredCursor: e",
        ),
        (
            ScimError::new(400, Some(ScimType::InvalidCount), "n"),
            400,
            Some("invalidCount"),
            "400 invalidCount: n",
        ),
        (ScimError::not_found("gone"), 404, None, "404: gone"),
        (ScimError::bad_request("bad"), 400, None, "400: bad"),
        (ScimError::new(412, None, "stale"), 412, None, "412: stale"),
    ];
    for (error, status, scim_type, shown) in table {
        assert_eq!(error.status, status, "{shown}");
        assert_eq!(error.scim_type.map(ScimType::as_str), scim_type, "{shown}");
        assert_eq!(error.to_string(), shown);
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": status.to_string(),
            "detail": error.detail,
        });
        if let (Some(t), Some(obj)) = (scim_type, body.as_object_mut()) {
            obj.insert("scimType", Value::from(t));
        }
        assert_eq!(error.to_json(), body, "{shown}");
        if let Some(kind) = error.scim_type {
            assert_eq!(kind.to_string(), kind.as_str());
        }
    }
}

#[test]
fn a_scim_error_is_a_core_error() {
    fn fails() -> core::result::Result<(), Box<dyn core::error::Error>> {
        Err(ScimError::uniqueness("userName \"ann\" is taken"))?;
        Ok(())
    }
    let error = fails().unwrap_err();
    assert_eq!(
        error.to_string(),
        "409 uniqueness: userName \"ann\" is taken"
    );
    assert!(error.source().is_none());
    let scim = error.downcast_ref::<ScimError>().expect("a ScimError");
    assert_eq!(scim.scim_type, Some(ScimType::Uniqueness));
}
