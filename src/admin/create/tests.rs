use super::*;
use crate::admin::record::Seeding;
use crate::admin::{Policy, EDGE};
use crate::env::SequentialIds;
use alloc::string::ToString;
use alloc::vec::Vec;

fn policy() -> Policy {
    Policy {
        max_resources: 50,
        ttl_cap_seconds: Some(600),
        import_max_bytes: 1 << 20,
        admin_token_digest: None,
    }
}

fn fresh() -> Fresh {
    Fresh {
        id: "s-fresh".into(),
        token: "fresh-token-0123456789".into(),
        key: "5e".repeat(32),
    }
}

#[test]
fn orders_are_checked_before_anything_is_created() {
    // (body, Ok((id, token, seeded users)) or Err((status, part of the detail)))
    type Expected = core::result::Result<(&'static str, &'static str, usize), (u16, &'static str)>;
    let huge = alloc::format!(
        "{{\"id\":\"x\",\"pad\":\"{}\"}}",
        "x".repeat(CREATE_MAX_BYTES)
    );
    let table: Vec<(&str, Expected)> = alloc::vec![
        ("", Ok(("s-fresh", "fresh-token-0123456789", 0))),
        ("{}", Ok(("s-fresh", "fresh-token-0123456789", 0))),
        (
            r#"{"id":"mine","token":"a-chosen-token-of-16+"}"#,
            Ok(("mine", "a-chosen-token-of-16+", 0))
        ),
        (
            r#"{"seed":{"users":20}}"#,
            Ok(("s-fresh", "fresh-token-0123456789", 20))
        ),
        (
            r#"{"id":"bad id"}"#,
            Err((400, "invalid server id 'bad id'"))
        ),
        (r#"{"id":""}"#, Err((400, "invalid server id"))),
        (r#"{"token":"short"}"#, Err((400, "a chosen token must be"))),
        (
            r#"{"token":"has a space in it ok"}"#,
            Err((400, "a chosen token must be"))
        ),
        (r#"{"nope":1}"#, Err((400, "unknown field `nope`"))),
        ("[]", Err((400, "must be a JSON object"))),
        ("{", Err((400, "invalid server order"))),
        (
            r#"{"settings":{"stirct":true}}"#,
            Err((400, "unknown field `stirct`"))
        ),
        (
            r#"{"settings":{"maxResults":0}}"#,
            Err((400, "maxResults must be between"))
        ),
        (
            r#"{"settings":{"customAttributes":[{"resourceType":"Widget","attribute":{"name":"x","type":"string"}}]}}"#,
            Err((400, "unknown or disabled resource type")),
        ),
        (
            r#"{"seed":{"users":40,"groups":11}}"#,
            Err((400, "the seed asks for 63 resources"))
        ),
        (
            r#"{"seed":{"users":18446744073709551615,"groups":9}}"#,
            Err((400, "the seed asks for"))
        ),
        (huge.as_str(), Err((413, "at most 262144"))),
    ];
    for (body, expected) in table {
        let got = CreateOrder::parse(body.as_bytes(), fresh(), &policy(), 5_000);
        match (got, expected) {
            (Ok(order), Ok((id, token, users))) => {
                assert_eq!(order.record.id, id, "{body}");
                assert_eq!(order.token, token, "{body}");
                assert!(order.record.accepts(token), "{body}");
                assert_eq!(order.seed.map_or(0, |s| s.users), users, "{body}");
                // The deployment's TTL cap applies to every new server.
                assert_eq!(order.record.expires_ms, Some(5_000 + 600_000), "{body}");
            }
            (Err(e), Err((status, detail))) => {
                assert_eq!(e.status, status, "{body}");
                assert!(e.detail.contains(detail), "{body}: {}", e.detail);
            }
            (got, _) => panic!("{body}: unexpected {got:?}"),
        }
    }
}

#[test]
fn create_answers_201_with_the_token_once_and_409_for_an_existing_id() {
    let site = Site {
        origin: "http://o",
        layout: EDGE,
    };
    let order = CreateOrder::parse(
        br#"{"id":"demo","seed":{"users":3,"groups":1,"entitlements":0,"roles":0}}"#,
        fresh(),
        &policy(),
        0,
    )
    .unwrap();
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: 0,
        base_url: "http://o/scim-identifier/demo/scim/v2",
        ids: &mut ids,
    };
    let created = create(order.clone(), None, SEED_CHUNK, &mut env).unwrap();
    assert!(created.generator.is_none());
    let response = created.response(&site);
    assert_eq!(response.status, 201);
    assert_eq!(
        response.header("Location"),
        Some("http://o/api/servers/demo")
    );
    let body: Value = crate::value::from_slice(&response.body).unwrap();
    assert_eq!(
        body,
        crate::json!({
            "id": "demo",
            "token": "fresh-token-0123456789",
            "scim": "http://o/scim-identifier/demo/scim/v2",
            "expires": "1970-01-01T00:10:00.000Z",
            "counts": {"User": 3, "Group": 1, "Entitlement": 0, "Role": 0},
        })
    );
    assert_eq!(created.changes.upserted.len(), 4);
    let server = created.server;
    assert_eq!(server.tenant.resources().count(), 4);
    // The record keeps only the token's digest.
    let stored = crate::value::to_value(&server.record).unwrap().to_string();
    assert!(!stored.contains("fresh-token"), "{stored}");

    let e = create(order, Some(&server.record), SEED_CHUNK, &mut env)
        .err()
        .unwrap();
    assert_eq!(
        (e.status, e.scim_type),
        (409, Some(crate::error::ScimType::Uniqueness))
    );
}

#[test]
fn a_big_seed_is_made_in_chunks_with_progress_in_the_record() {
    let big = Policy {
        max_resources: 20_000,
        ..policy()
    };
    let body = br#"{"id":"big","seed":{"users":12000,"groups":3,"entitlements":0,"roles":0}}"#;
    let order = CreateOrder::parse(body, fresh(), &big, 0).unwrap();
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: 0,
        base_url: "http://o/scim-identifier/big/scim/v2",
        ids: &mut ids,
    };
    let mut created = create(order, None, SEED_CHUNK, &mut env).unwrap();
    assert_eq!(created.changes.upserted.len(), SEED_CHUNK);
    assert_eq!(
        created.server.record.seeding,
        Some(Seeding {
            done: SEED_CHUNK,
            total: 12_003
        })
    );
    let site = Site {
        origin: "http://o",
        layout: EDGE,
    };
    let answer: Value = crate::value::from_slice(&created.response(&site).body).unwrap();
    assert_eq!(
        answer["seeding"],
        crate::json!({"done": 5000, "total": 12003})
    );
    assert_eq!(answer["counts"]["User"], 5000);
    let mut generator = created.generator.take().unwrap();
    let mut chunks = alloc::vec![created.changes.upserted.len()];
    while !generator.is_finished() {
        let changes = seed(&mut created.server, &mut generator, SEED_CHUNK, &mut env).unwrap();
        chunks.push(changes.upserted.len());
    }
    assert_eq!(chunks, alloc::vec![5000, 5000, 2003]);
    assert_eq!(created.server.record.seeding, None);
    assert_eq!(created.server.tenant.counts()["User"], 12_000);
    assert_eq!(created.server.tenant.counts()["Group"], 3);
}
