use super::*;

#[test]
fn record_accepts_only_its_own_tokens_and_expires_after_ttl() {
    let settings = Settings {
        ttl_seconds: Some(60),
        ..Settings::default()
    };
    let record = ServerRecord::new("demo", "right-token", 1_000, settings);
    let table = [
        ("right-token", true),
        ("wrong-token", false),
        ("", false),
        ("right-token ", false),
    ];
    for (token, expected) in table {
        assert_eq!(record.accepts(token), expected, "{token:?}");
    }
    assert_eq!(record.expires_ms, Some(61_000));
    for (now, expired) in [(60_999, false), (61_000, true), (i64::MAX, true)] {
        assert_eq!(record.is_expired(now), expired, "{now}");
    }
}

#[test]
fn huge_ttl_saturates_instead_of_overflowing() {
    let mut record = ServerRecord::new("x", "t", 5, Settings::default());
    assert_eq!(record.expires_ms, None);
    record.set_settings(Settings {
        ttl_seconds: Some(u64::MAX),
        ..Settings::default()
    });
    assert_eq!(record.expires_ms, Some(i64::MAX));
    assert!(!record.is_expired(i64::MAX - 1));
}

#[test]
fn record_round_trips_through_json_in_camel_case() {
    let record = ServerRecord::new("demo", "t", 7, Settings::default());
    let json = crate::value::to_value(&record).unwrap();
    assert_eq!(json["createdMs"], 7);
    assert_eq!(json["tokenDigests"][0], token_digest("t"));
    let back: ServerRecord = crate::value::from_value(json).unwrap();
    assert_eq!(back, record);
}
