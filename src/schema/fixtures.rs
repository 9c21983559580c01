//! Schemas and a table runner shared by the validation tests (`normalize/tests.rs`,
//! `coerce/tests.rs`, `checks/tests.rs`).

use super::builtin;
use super::{normalize_resource, Attribute, ResourceSchema};
use crate::error::ScimType;
use crate::json;
use crate::value::Value;
use alloc::vec::Vec;

pub(super) fn resource_type(name: &str) -> ResourceSchema {
    builtin::resource_type(name).expect("built-in resource type")
}

pub(super) fn custom(def: Value) -> Attribute {
    crate::value::from_value(def).expect("attribute definition")
}

/// User with custom attributes of every simple type.
pub(super) fn user_with_typed_attributes() -> ResourceSchema {
    let mut rs = resource_type("User");
    rs.core.attributes.extend([
        custom(json!({"name": "badge", "type": "integer"})),
        custom(json!({"name": "score", "type": "decimal"})),
        custom(json!({"name": "hired", "type": "dateTime"})),
        custom(json!({"name": "certificate", "type": "binary"})),
        custom(json!({"name": "tags", "type": "string", "multiValued": true})),
    ]);
    rs
}

/// What normalizing one input gives: the stored form, or a 400 of this type whose
/// detail contains the text.
pub(super) enum Expect {
    Stored(Value),
    Fails(ScimType, &'static str),
}

pub(super) fn check_table(rs: &ResourceSchema, table: Vec<(&str, bool, Value, Expect)>) {
    use Expect::{Fails, Stored};
    for (name, strict, input, expected) in table {
        let got = normalize_resource(rs, input, strict);
        match (got, expected) {
            (Ok(got), Stored(want)) => assert_eq!(got, want, "{name}"),
            (Err(e), Fails(scim_type, detail)) => {
                assert_eq!(
                    (e.status, e.scim_type),
                    (400, Some(scim_type)),
                    "{name}: {e}"
                );
                assert!(
                    e.detail.contains(detail),
                    "{name}: {:?} lacks {detail:?}",
                    e.detail
                );
            }
            (Ok(got), Fails(..)) => panic!("{name}: expected an error, got {got}"),
            (Err(e), Stored(_)) => panic!("{name}: unexpected error {e}"),
        }
    }
}
