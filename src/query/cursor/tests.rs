use super::*;
use crate::json;

fn check() -> QueryCheck {
    QueryCheck::new(
        &["User"],
        Some("username sw \"J\""),
        Some("userName"),
        false,
    )
}

fn position(direction: Direction, type_index: usize, key: SortValue, id: &str) -> Position {
    Position {
        direction,
        type_index,
        key,
        id: id.into(),
    }
}

#[test]
fn positions_survive_the_round_trip_as_unreserved_text() {
    let table = [
        position(Direction::After, 0, SortValue::None, "id-1"),
        position(Direction::Before, 3, SortValue::None, ""),
        position(
            Direction::After,
            1,
            SortValue::Text("ssmith".into()),
            "2819c223-7f76",
        ),
        position(
            Direction::Before,
            0,
            SortValue::Text(String::new()),
            "é/?&=+%",
        ),
        position(Direction::After, 0, SortValue::Json(json!(42.5)), "x"),
        position(
            Direction::After,
            0,
            SortValue::Json(json!("2026-12-04T20:00:00Z")),
            "x",
        ),
        position(
            Direction::After,
            0,
            SortValue::Json(json!({"value": "a", "primary": true})),
            "x",
        ),
        position(
            Direction::After,
            70000,
            SortValue::Json(json!(false)),
            "ünïcödé",
        ),
    ];
    for p in table {
        let cursor = check().encode(&p);
        assert!(
            cursor
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
            "{cursor}"
        );
        assert_eq!(check().decode(&cursor), Ok(p.clone()), "{p:?}");
    }
}

#[test]
fn altered_cursors_and_other_queries_are_invalid() {
    let cursor = check().encode(&position(
        Direction::After,
        0,
        SortValue::Text("jensen".into()),
        "id-7",
    ));
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // Every one-character change: none decodes to a position.
    for i in 0..cursor.len() {
        for &c in alphabet {
            let mut altered = cursor.clone().into_bytes();
            if altered[i] == c {
                continue;
            }
            altered[i] = c;
            let altered = String::from_utf8(altered).unwrap();
            let err = check().decode(&altered).unwrap_err();
            assert_eq!(err.scim_type, Some(ScimType::InvalidCursor), "{altered}");
            assert_eq!(err.status, 400);
        }
    }
    // The same position for another query.
    let others = [
        QueryCheck::new(
            &["Group"],
            Some("username sw \"J\""),
            Some("userName"),
            false,
        ),
        QueryCheck::new(
            &["User", "Group"],
            Some("username sw \"J\""),
            Some("userName"),
            false,
        ),
        QueryCheck::new(
            &["User"],
            Some("username sw \"j\""),
            Some("userName"),
            false,
        ),
        QueryCheck::new(&["User"], None, Some("userName"), false),
        QueryCheck::new(&["User"], Some("username sw \"J\""), None, false),
        QueryCheck::new(
            &["User"],
            Some("username sw \"J\""),
            Some("name.familyName"),
            false,
        ),
        QueryCheck::new(&["User"], Some("username sw \"J\""), Some("userName"), true),
    ];
    for other in others {
        let err = other.decode(&cursor).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::InvalidCursor));
    }
    // sortBy is a name: its case does not make another query.
    let same = QueryCheck::new(
        &["User"],
        Some("username sw \"J\""),
        Some(" USERNAME "),
        false,
    );
    assert!(same.decode(&cursor).is_ok());
}

#[test]
fn garbage_is_invalid_never_a_panic() {
    let long = "A".repeat(10_000);
    for garbage in [
        "",
        "=",
        "A",
        "AAAA",
        "!!!!",
        "%00",
        "AQ",
        "AQAAAAAAAAAAAAAAAAAAAAAA",
        long.as_str(),
    ] {
        let err = check().decode(garbage).unwrap_err();
        assert_eq!(err.scim_type, Some(ScimType::InvalidCursor), "{garbage}");
    }
}

#[test]
fn filter_names_fold_and_literals_do_not() {
    let table = [
        ("userName sw \"J\"", "username sw \"J\""),
        (
            "name.familyName eq \"O\\\"Neil X\"",
            "name.familyname eq \"O\\\"Neil X\"",
        ),
        (
            "emails[type eq \"Work\"] and Active eq TRUE",
            "emails[type eq \"Work\"] and active eq true",
        ),
        ("x eq \"a\\\\\" or Y pr", "x eq \"a\\\\\" or y pr"),
    ];
    for (filter, folded) in table {
        assert_eq!(fold_names(filter), folded, "{filter}");
    }
}
