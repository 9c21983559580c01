use super::*;
use crate::csv::read::{Records, LIMITS};
use crate::schema::builtin::common_attributes;
use crate::schema::{Attribute, Schema};
use alloc::vec::Vec;

/// Identity domains' Grant type, as far as AppRoleMembership.csv reads it.
fn grant_type() -> ResourceSchema {
    let attributes: Vec<Attribute> = serde_json::from_value(serde_json::json!([
        {"name": "grantee", "type": "complex", "mutability": "immutable", "subAttributes": [
            {"name": "value", "type": "string", "mutability": "immutable"},
            {"name": "type", "type": "string", "mutability": "immutable"},
            {"name": "$ref", "type": "reference", "referenceTypes": ["User", "Group"], "mutability": "readOnly"}
        ]},
        {"name": "app", "type": "complex", "mutability": "immutable", "subAttributes": [
            {"name": "value", "type": "string", "mutability": "immutable"},
            {"name": "display", "type": "string", "mutability": "readOnly"}
        ]},
        {"name": "entitlement", "type": "complex", "mutability": "immutable", "subAttributes": [
            {"name": "attributeName", "type": "string", "mutability": "immutable"},
            {"name": "attributeValue", "type": "string", "mutability": "immutable"}
        ]},
        {"name": "grantMechanism", "type": "string", "mutability": "immutable"}
    ]))
    .expect("attributes");
    ResourceSchema {
        name: "Grant".into(),
        endpoint: "/Grants".into(),
        description: String::new(),
        common: common_attributes(),
        core: Schema {
            id: "urn:ietf:params:scim:schemas:oracle:idcs:Grant".into(),
            name: "Grant".into(),
            description: String::new(),
            attributes,
        },
        extensions: Vec::new(),
    }
}

fn options(app: Option<&str>) -> Options {
    Options {
        app_display_name: app.map(String::from),
        caller: None,
    }
}

#[test]
fn headers_current_and_older_are_matched_or_refused() {
    let grant = grant_type();
    type Case<'a> = (
        &'a [&'a str],
        Option<&'a str>,
        core::result::Result<(Option<usize>, usize, usize), &'a str>,
    );
    let table: Vec<Case> = vec![
        (
            &[
                "App Name",
                "Entitlement Value",
                "Grantee Name",
                "Grantee Type",
            ],
            None,
            Ok((Some(0), 1, 2)),
        ),
        (
            &["Member Type", "Member", "Display Name", "App Name"],
            None,
            Ok((Some(3), 2, 1)),
        ),
        (
            &["Entitlement Value", "Grantee Name"],
            Some("Payroll"),
            Ok((None, 0, 1)),
        ),
        (
            &["Entitlement Value", "Grantee Name"],
            None,
            Err("no App Name column"),
        ),
        (
            &["App Name", "Grantee Name"],
            None,
            Err("lacks the required column \"Entitlement Value\""),
        ),
        (
            &["App Name", "Entitlement Value", "Grantee Name", "Role"],
            None,
            Err("unknown column \"Role\""),
        ),
    ];
    for (header, app, expected) in table {
        let got = Plan::new(header, &grant, &options(app));
        match expected {
            Ok((app_at, role, grantee)) => {
                let plan = got.unwrap_or_else(|e| panic!("{header:?}: {}", e.detail));
                assert_eq!(
                    (plan.app, plan.role, plan.grantee),
                    (app_at, role, grantee),
                    "{header:?}"
                );
                assert_eq!(
                    plan.schema,
                    "urn:ietf:params:scim:schemas:oracle:idcs:Grant"
                );
            }
            Err(part) => {
                let err = got.expect_err("refused");
                assert!(err.detail.contains(part), "{header:?}: {}", err.detail);
            }
        }
    }
}

#[test]
fn rows_read_with_identity_domains_defaults() {
    let grant = grant_type();
    let header = [
        "App Name",
        "Entitlement Value",
        "Entitlement Name",
        "Grantee Name",
        "Grantee Type",
    ];
    let plan = Plan::new(&header, &grant, &options(Some("Default App"))).expect("plan");
    let m = |app: &'static str,
             role: &'static str,
             attribute: &'static str,
             grantee: &'static str,
             ty: &'static str| Membership {
        app,
        role,
        attribute,
        grantee,
        grantee_type: ty,
    };
    let table: [(&str, core::result::Result<Membership<'static>, &str>); 6] = [
        (
            "Payroll,Approver,appRoles,ann,User",
            Ok(m("Payroll", "Approver", "appRoles", "ann", "User")),
        ),
        (
            ",Approver,,ann,",
            Ok(m("Default App", "Approver", "appRoles", "ann", "User")),
        ),
        (
            "Payroll,'=Admin',,Admins,Group",
            Ok(m("Payroll", "=Admin", "appRoles", "Admins", "Group")),
        ),
        ("Payroll,,,ann,User", Err("Entitlement Value is empty")),
        ("Payroll,Approver,,,User", Err("Grantee Name is empty")),
        ("Payroll,Approver", Err("Grantee Name is empty")),
    ];
    for (line, expected) in table {
        let mut records = Records::new(line.as_bytes(), LIMITS);
        let (_, record) = records.next_record().expect("a row");
        let record = record.expect("cells");
        let got = plan.read(&record).map_err(|e| e.detail);
        match expected {
            Ok(membership) => assert_eq!(got, Ok(membership), "{line}"),
            Err(part) => assert!(got.expect_err(line).contains(part), "{line}"),
        }
    }
}
