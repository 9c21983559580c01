use super::*;

#[test]
fn query_components_are_percent_encoded() {
    for (raw, encoded) in [
        ("plain", "plain"),
        (
            "(userName ew \"@x.example.org\") and id gt \"a\"",
            "%28userName%20ew%20%22%40x.example.org%22%29%20and%20id%20gt%20%22a%22",
        ),
        ("é+&=", "%C3%A9%2B%26%3D"),
        ("a-b.c_d~e", "a-b.c_d~e"),
    ] {
        assert_eq!(encode(raw), encoded);
    }
}

#[test]
fn the_origin_is_what_the_user_typed_without_the_path() {
    for (url, origin) in [
        ("http://127.0.0.1:8787/api/servers", "http://127.0.0.1:8787"),
        ("https://scimlet.example.com", "https://scimlet.example.com"),
        ("https://h/scim-identifier/x/scim/v2/Bulk", "https://h"),
        ("no-scheme/path", "no-scheme"),
    ] {
        assert_eq!(origin_of(url), origin);
    }
}

#[test]
fn refusals_say_what_the_server_said_and_a_401_what_to_do() {
    let reply = |status, body: &str| Reply {
        status,
        body: body.as_bytes().to_vec(),
    };
    for (status, body, says, hinted) in [
        (
            401,
            r#"{"detail":"bad token","status":"401"}"#,
            "refused (401 Unauthorized): bad token",
            true,
        ),
        (
            403,
            r#"{"detail":"server 'x' is full"}"#,
            "forbidden (403): server 'x' is full",
            false,
        ),
        (404, "", "not found (404): (no body)", false),
        (500, "oops", "answered 500: oops", false),
    ] {
        let message = status_message("GET", "http://h/x", &reply(status, body), "THE HINT");
        assert!(message.starts_with("GET http://h/x"), "{message}");
        assert!(message.contains(says), "{message}");
        assert_eq!(message.contains("THE HINT"), hinted, "{message}");
    }
}

#[test]
fn a_detail_is_the_scim_detail_else_the_body_shortened() {
    let long = "x".repeat(400);
    for (body, detail) in [
        (
            r#"{"detail":"userName taken"}"#.to_string(),
            "userName taken".to_string(),
        ),
        ("  plain text \n".into(), "plain text".into()),
        (String::new(), "(no body)".into()),
        (long.clone(), format!("{}...", &long[..300])),
    ] {
        assert_eq!(detail_of(body.as_bytes()), detail);
    }
}
