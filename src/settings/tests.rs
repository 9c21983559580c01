use super::*;
use crate::json;

fn parse(text: &str) -> core::result::Result<Settings, (u16, String)> {
    Settings::from_json(text.as_bytes()).map_err(|e| (e.status, e.detail))
}

#[test]
fn settings_parse_strictly() {
    // (body, Ok(check) or Err(status, part of the detail))
    type Expected = core::result::Result<fn(&Settings) -> bool, (u16, &'static str)>;
    let table: &[(&str, Expected)] = &[
        ("{}", Ok(|s| *s == Settings::default())),
        (
            r#"{"strict": true}"#,
            Ok(|s| s.strict && s.max_results == 1000),
        ),
        (r#"{"maxResults": 10000}"#, Ok(|s| s.max_results == 10_000)),
        (r#"{"ttlSeconds": null}"#, Ok(|s| s.ttl_seconds.is_none())),
        (
            r#"{"allowDuplicateGroupNames": true}"#,
            Ok(|s| s.allow_duplicate_group_names),
        ),
        (r#"{"persona": "oci"}"#, Ok(|s| s.persona == Persona::Oci)),
        (r#"{"persona": "scim"}"#, Ok(|s| s.persona == Persona::Scim)),
        (
            r#"{"rateLimits": {"enabled": true}}"#,
            Ok(|s| s.rate_limits.enabled && s.rate_limits.bulk_per_second == 5),
        ),
        (
            r#"{"rateLimits": {"bulkPerMinute": 100, "othersPerSecond": 90}}"#,
            Ok(|s| {
                !s.rate_limits.enabled
                    && s.rate_limits.bulk_per_minute == 100
                    && s.rate_limits.others_per_second == 90
            }),
        ),
        (
            r#"{"tokenLifetimeSeconds": 3600}"#,
            Ok(|s| s.token_lifetime_seconds == 3600),
        ),
        (r#"{"persona": "OCI"}"#, Err((400, "unknown variant"))),
        (r#"{"persona": "okta"}"#, Err((400, "unknown variant"))),
        (
            r#"{"rateLimits": {"enabled": true, "burst": 3}}"#,
            Err((400, "unknown field `burst`")),
        ),
        (
            r#"{"rateLimits": {"bulkPerSecond": 0}}"#,
            Err((
                400,
                "rateLimits.bulkPerSecond must be between 1 and 10000, got 0",
            )),
        ),
        (
            r#"{"rateLimits": {"othersPerSecond": 10001}}"#,
            Err((400, "rateLimits.othersPerSecond must be between")),
        ),
        (
            r#"{"rateLimits": {"bulkPerMinute": -1}}"#,
            Err((400, "invalid value")),
        ),
        (
            r#"{"tokenLifetimeSeconds": 59}"#,
            Err((
                400,
                "tokenLifetimeSeconds must be between 60 and 604800, got 59",
            )),
        ),
        (
            r#"{"tokenLifetimeSeconds": 604801}"#,
            Err((400, "tokenLifetimeSeconds")),
        ),
        (r#"{"stirct": true}"#, Err((400, "unknown field `stirct`"))),
        (
            r#"{"resourceTypes": {"groups": false}}"#,
            Err((400, "unknown field `groups`")),
        ),
        (r#"{"strict": "yes"}"#, Err((400, "invalid type"))),
        (
            r#"{"patchResponse": "maybe"}"#,
            Err((400, "unknown variant")),
        ),
        (
            r#"{"maxResults": 0}"#,
            Err((400, "maxResults must be between 1 and 10000, got 0")),
        ),
        (
            r#"{"maxResults": 10001}"#,
            Err((400, "maxResults must be between 1 and 10000")),
        ),
        (
            r#"{"bulkMaxOperations": 4000000000}"#,
            Err((400, "bulkMaxOperations must be between")),
        ),
        (
            r#"{"bulkMaxPayloadSize": 1023}"#,
            Err((400, "bulkMaxPayloadSize must be between 1024")),
        ),
        (
            r#"{"bulkMaxPayloadSize": 8388609}"#,
            Err((400, "bulkMaxPayloadSize")),
        ),
        (
            r#"{"patchMaxOperations": 10001}"#,
            Err((400, "patchMaxOperations")),
        ),
        (
            r#"{"maxValuesPerAttribute": 0}"#,
            Err((400, "maxValuesPerAttribute")),
        ),
        (
            r#"{"ttlSeconds": 1000000000000000}"#,
            Err((400, "ttlSeconds must be between 1 and 315360000")),
        ),
        (r#"{"ttlSeconds": 0}"#, Err((400, "ttlSeconds"))),
        (r#"{"maxResults": -1}"#, Err((400, "invalid value"))),
        (r#"{"maxResults": 1e3}"#, Err((400, "invalid type"))),
        ("[]", Err((400, "must be a JSON object"))),
        ("null", Err((400, "must be a JSON object"))),
        ("", Err((400, "not valid JSON"))),
    ];
    for (body, expected) in table {
        match (parse(body), expected) {
            (Ok(s), Ok(check)) => assert!(check(&s), "{body}: {s:?}"),
            (Err((status, detail)), Err((want_status, want_detail))) => {
                assert_eq!(status, *want_status, "{body}");
                assert!(detail.contains(want_detail), "{body}: {detail}");
            }
            (got, _) => panic!("{body}: unexpected {got:?}"),
        }
    }
}

#[test]
fn an_oversized_settings_body_is_413() {
    let big = alloc::format!("{{\"strict\": true{}}}", " ".repeat(MAX_SETTINGS_BYTES));
    assert_eq!(parse(&big).map_err(|e| e.0), Err(413));
}

#[test]
fn merge_patch_changes_only_the_keys_sent() {
    let base = Settings {
        strict: true,
        max_results: 50,
        ttl_seconds: Some(3600),
        ..Settings::default()
    };
    // (patch, expected change to `base`, or an error detail)
    type Change = core::result::Result<fn(&mut Settings), &'static str>;
    let table: &[(&str, Change)] = &[
        ("{}", Ok(|_| {})),
        (r#"{"maxResults": 70}"#, Ok(|s| s.max_results = 70)),
        (r#"{"strict": null}"#, Ok(|s| s.strict = false)),
        (r#"{"ttlSeconds": null}"#, Ok(|s| s.ttl_seconds = None)),
        (
            r#"{"resourceTypes": {"role": false}}"#,
            Ok(|s| s.resource_types.role = false),
        ),
        (r#"{"persona": "oci"}"#, Ok(|s| s.persona = Persona::Oci)),
        (
            r#"{"rateLimits": {"enabled": true}}"#,
            Ok(|s| s.rate_limits.enabled = true),
        ),
        (
            r#"{"tokenLifetimeSeconds": 1}"#,
            Err("tokenLifetimeSeconds"),
        ),
        (r#"{"stirct": false}"#, Err("unknown field `stirct`")),
        (r#"{"maxResults": 0}"#, Err("maxResults must be between")),
        (r#"{"resourceTypes": 3}"#, Err("invalid type")),
        ("[1]", Err("must be a JSON object")),
        ("not json", Err("not valid JSON")),
    ];
    for (patch, expected) in table {
        let got = base.merged(patch.as_bytes());
        match expected {
            Ok(change) => {
                let mut want = base.clone();
                change(&mut want);
                assert_eq!(got.as_ref().ok(), Some(&want), "{patch}: {got:?}");
            }
            Err(detail) => {
                let e = got.expect_err(patch);
                assert_eq!(e.status, 400, "{patch}");
                assert!(e.detail.contains(detail), "{patch}: {}", e.detail);
            }
        }
    }
}

#[test]
fn rfc_7396_appendix_a_examples() {
    let table = [
        (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
        (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
        (json!({"a":"b"}), json!({"a":null}), json!({})),
        (
            json!({"a":"b","b":"c"}),
            json!({"a":null}),
            json!({"b":"c"}),
        ),
        (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
        (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
        (
            json!({"a":{"b":"c"}}),
            json!({"a":{"b":"d","c":null}}),
            json!({"a":{"b":"d"}}),
        ),
        (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a":"b"}), json!(["c"]), json!(["c"])),
        (json!({"a":"foo"}), json!(null), json!(null)),
        (json!({"a":"foo"}), json!("bar"), json!("bar")),
        (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
        (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
        (
            json!({}),
            json!({"a":{"bb":{"ccc":null}}}),
            json!({"a":{"bb":{}}}),
        ),
    ];
    for (target, patch, expected) in table {
        let mut got = target.clone();
        merge_patch(&mut got, patch.clone());
        assert_eq!(got, expected, "{target} + {patch}");
    }
}
