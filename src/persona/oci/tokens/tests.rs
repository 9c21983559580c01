use super::*;

fn identity(server: &str, key: u8) -> Identity {
    Identity {
        server_id: server.into(),
        key: alloc::vec![key; 32],
    }
}

const NOW: i64 = 1_800_000_000_000;

#[test]
fn tokens_verify_for_their_server_until_they_expire() {
    let id = identity("demo", 7);
    let token = issue(&id, "app-1", "client-1", "Loader", MY_SCOPES, NOW, 3600);
    assert_eq!(token.split('.').count(), 3);
    let claims = verify(&id, &token, NOW + 3_599_999).unwrap();
    assert_eq!(
        (
            claims.app_id.as_str(),
            claims.client_id.as_str(),
            claims.scope.as_str()
        ),
        ("app-1", "client-1", MY_SCOPES)
    );
    assert_eq!(claims.server_id().as_deref(), Some("demo"));
    assert_eq!(claims.caller().display, "Loader");
    // The edge reads the same claims without the key.
    assert_eq!(super::claims(&token), Some(claims));

    // (token, identity checking it, time, part of the 401's detail)
    let forged = {
        let (head, _) = token.rsplit_once('.').unwrap();
        alloc::format!("{head}.{}", base64url_encode(&[0u8; 32]))
    };
    let other_payload = {
        let mut parts: Vec<&str> = token.split('.').collect();
        let evil = base64url_encode(br#"{"tenant":"ocid1.tenancy.oc1..aaaaaaaamrswk3y","client_id":"c","app_id":"app-2","scope":"x","iat":0,"exp":9999999999}"#);
        parts[1] = &evil;
        parts.join(".")
    };
    let table = [
        (
            token.clone(),
            identity("demo", 7),
            NOW + 3_600_000,
            "expired",
        ),
        (token.clone(), identity("demo", 8), NOW, "not valid"),
        (token.clone(), identity("demo2", 7), NOW, "not valid"),
        (forged, identity("demo", 7), NOW, "not valid"),
        (other_payload, identity("demo", 7), NOW, "not valid"),
        (String::from("abc"), identity("demo", 7), NOW, "not valid"),
        (
            token.clone(),
            Identity {
                server_id: "demo".into(),
                key: Vec::new(),
            },
            NOW,
            "not valid",
        ),
    ];
    for (t, id, now, detail) in table {
        let e = verify(&id, &t, now).unwrap_err();
        assert_eq!(e.status, 401);
        assert!(e.detail.contains(detail), "{t}: {}", e.detail);
    }
    assert_eq!(super::claims("a.b"), None);
    assert_eq!(super::claims("a.b.c.d"), None);
}

#[test]
fn the_answer_is_what_oauthlib_accepts() {
    let answer = answer("t", MY_SCOPES, 28_800);
    assert_eq!(
        answer,
        crate::json!({"access_token": "t", "token_type": "Bearer", "expires_in": 28800, "scope": MY_SCOPES})
    );
}
