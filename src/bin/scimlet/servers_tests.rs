use super::*;

#[test]
fn settings_are_set_by_dotted_keys() {
    let mut config = json!({ "resourceTypes": { "group": true }, "maxResults": 1000 });
    for (arg, pointer, expected) in [
        ("maxResults=50", "/maxResults", json!(50)),
        (
            "resourceTypes.group=false",
            "/resourceTypes/group",
            json!(false),
        ),
        (
            "patchResponse=noContent",
            "/patchResponse",
            json!("noContent"),
        ),
        ("ttlSeconds=null", "/ttlSeconds", Value::Null),
        ("new.nested.key=\"x\"", "/new/nested/key", json!("x")),
    ] {
        let (key, value) = crate::key_value(arg).expect(arg);
        set_dotted(&mut config, &key, value).expect(arg);
        assert_eq!(config.pointer(pointer), Some(&expected), "{arg}");
    }
    let before = config.clone();
    assert!(set_dotted(&mut config, "maxResults.x", json!(1)).is_err());
    assert_eq!(config, before);
}

#[test]
fn capacity_is_known_only_when_the_server_states_its_limit() {
    for (server, expected) in [
        (
            json!({"total": 11, "counts": {"User": 10}, "limits": {"maxResources": 20}}),
            Some((11, 20, 9)),
        ),
        (
            json!({"counts": {"User": 10, "Group": 2}, "limits": {"maxResources": 20}}),
            Some((12, 20, 8)),
        ),
        (
            json!({"total": 25, "limits": {"maxResources": 20}}),
            Some((25, 20, 0)),
        ),
        (json!({"total": 11, "counts": {"User": 11}}), None),
        (json!({"total": 11, "limits": {}}), None),
        (json!({"total": 11, "limits": {"maxResources": "20"}}), None),
        (json!({"limits": {"maxResources": 20}}), None),
    ] {
        let capacity = Capacity::of(&server);
        assert_eq!(
            capacity.map(|c| (c.total, c.max, c.free())),
            expected,
            "{server}"
        );
    }
}

#[test]
fn fetching_for_many_servers_answers_in_order() {
    let items: Vec<String> = (0..50).map(|i| format!("s{i}")).collect();
    let answers = fetch_all(&items, |item| {
        let n: u32 = item[1..].parse().map_err(|_| "bad".to_string())?;
        if n % 7 == 3 {
            Err(format!("no {item}"))
        } else {
            Ok(n * 2)
        }
    });
    assert_eq!(answers.len(), items.len());
    for (i, answer) in answers.iter().enumerate() {
        if i % 7 == 3 {
            assert_eq!(answer, &Err(format!("no s{i}")));
        } else {
            assert_eq!(answer, &Ok(i as u32 * 2));
        }
    }
    assert!(fetch_all(&[], |_| Ok(1)).is_empty());
}
