//! The `oci` persona end to end, as a host drives it: a server created with
//! `{"persona": "oci"}`, its token endpoint, `/admin/v1` requests authenticated by access
//! token, server token or API-key signature, and what identity-domain clients read back.
//! Every refusal is checked to change nothing.

use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use scimlet::admin::{self, CreateOrder, Fresh, Policy, Server, Site, EDGE};
use scimlet::env::SequentialIds;
use scimlet::persona::oci::{self, DomainRequest, Locator};
use scimlet::{Env, Method};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const NOW: i64 = 1_796_408_640_000; // Fri, 04 Dec 2026 18:24:00 GMT
const DATE: &str = "Fri, 04 Dec 2026 18:24:00 GMT";
const ORIGIN: &str = "http://127.0.0.1:8787";
const SERVER_TOKEN: &str = "server-token-0123456789";
const PRIVATE_1: &str = include_str!("oci/keys/user1_private.pem");
const PUBLIC_1: &str = include_str!("oci/keys/user1_public.pem");
const PUBLIC_2: &str = include_str!("oci/keys/user2_public.pem");

fn b64(bytes: &[u8]) -> String {
    use std::fmt::Write;
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                let _ = write!(out, "=");
            }
        }
    }
    out
}

/// How a request authenticates.
#[derive(Clone)]
enum Auth {
    None,
    Bearer(String),
    /// Signed with user1's private key under this keyId.
    Signed(String),
}

struct Domain {
    server: Server,
    ids: SequentialIds,
    now: i64,
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn policy() -> Policy {
    Policy {
        max_resources: 10_000,
        ttl_cap_seconds: None,
        import_max_bytes: 1 << 20,
        admin_token_digest: None,
    }
}

/// A new `oci` server (`body` adds to the order) and its creation answer.
fn domain(id: &str, extra: Value) -> (Domain, Value) {
    let mut order = json!({"id": id, "token": SERVER_TOKEN, "settings": {"persona": "oci"}});
    if let (Some(o), Some(e)) = (order.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    let fresh = Fresh {
        id: "unused".into(),
        token: "unused-token-0000".into(),
        key: "17".repeat(32),
    };
    let order = CreateOrder::parse(order.to_string().as_bytes(), fresh, &policy(), NOW).unwrap();
    let mut ids = SequentialIds {
        prefix: "id-".into(),
        last: 0,
    };
    let base = EDGE.scim_base(ORIGIN, id);
    let mut env = Env {
        now_ms: NOW,
        base_url: &base,
        ids: &mut ids,
    };
    let created = admin::create(order, None, usize::MAX, &mut env).unwrap();
    let site = Site {
        origin: ORIGIN,
        layout: EDGE,
    };
    let answer: Value = serde_json::from_slice(&created.response(&site).body).unwrap();
    (
        Domain {
            server: created.server,
            ids,
            now: NOW,
        },
        answer,
    )
}

fn sign(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    key_id: &str,
    body: &[u8],
) -> String {
    let mut names = vec!["date", "(request-target)", "host"];
    if !matches!(method, "get" | "delete") {
        names.extend(["content-length", "content-type", "x-content-sha256"]);
    }
    let lines: Vec<String> = names
        .iter()
        .map(|n| match *n {
            "(request-target)" => format!("(request-target): {method} {target}"),
            n => format!(
                "{n}: {}",
                headers
                    .iter()
                    .find(|(k, _)| k == n)
                    .map_or("", |(_, v)| v.as_str())
            ),
        })
        .collect();
    let _ = body;
    let key = RsaPrivateKey::from_pkcs8_pem(PRIVATE_1).unwrap();
    let sig = SigningKey::<Sha256>::new(key).sign(lines.join("\n").as_bytes());
    format!(
        "Signature algorithm=\"rsa-sha256\",headers=\"{}\",keyId=\"{key_id}\",signature=\"{}\",version=\"1\"",
        names.join(" "),
        b64(&sig.to_bytes())
    )
}

impl Domain {
    fn base(&self) -> String {
        format!("{ORIGIN}/admin/v1")
    }

    /// One request to `/admin/v1{path}` through the persona, as a host makes it.
    fn call(&mut self, auth: &Auth, method: &str, path: &str, body: Option<Value>) -> Answer {
        let body = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let target = format!("/admin/v1{path}");
        let (rest, query) = path.split_once('?').unwrap_or((path, ""));
        let mut headers: Vec<(String, String)> = vec![
            ("date".into(), DATE.into()),
            ("host".into(), "127.0.0.1:8787".into()),
            ("content-type".into(), "application/scim+json".into()),
        ];
        if !body.is_empty() {
            headers.push(("content-length".into(), body.len().to_string()));
            headers.push(("x-content-sha256".into(), b64(&Sha256::digest(&body))));
        }
        match auth {
            Auth::None => {}
            Auth::Bearer(t) => headers.push(("authorization".into(), format!("Bearer {t}"))),
            Auth::Signed(key_id) => {
                let m = method.to_ascii_lowercase();
                let s = sign(&m, &target, &headers, key_id, &body);
                headers.push(("authorization".into(), s));
            }
        }
        let req = DomainRequest {
            method: Method::parse(method),
            rest,
            target: &target,
            query,
            headers: &headers,
            body,
        };
        let authorization = headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.clone());
        let located = oci::locate(authorization.as_deref(), b"");
        let caller = located
            .and_then(|l| match l {
                Locator::Server(id) if id == self.server.record.id => Ok(()),
                Locator::TokenDigest(_) => Ok(()),
                Locator::Server(_) => Err(scimlet::ScimError::new(401, None, "another server")),
            })
            .and_then(|()| oci::authenticate(&self.server, &req, self.now));
        let response = match caller {
            Err(e) => oci::error_response(&e),
            Ok(caller) => {
                let base = self.base();
                let mut env = Env {
                    now_ms: self.now,
                    base_url: &base,
                    ids: &mut self.ids,
                };
                oci::handle(&mut self.server, req, caller, &mut env).response
            }
        };
        Answer {
            status: response.status,
            body: serde_json::from_slice(&response.body).unwrap_or(Value::Null),
            headers: response.headers,
        }
    }

    /// `POST /oauth2/v1/token` with HTTP Basic.
    fn token(&self, client_id: &str, secret: &str, form: &str) -> (u16, Value) {
        let basic = format!("Basic {}", b64(format!("{client_id}:{secret}").as_bytes()));
        let r = oci::token(&self.server, Some(&basic), form.as_bytes(), self.now);
        (
            r.status,
            serde_json::from_slice(&r.body).unwrap_or(Value::Null),
        )
    }

    fn access_token(&self, client_id: &str, secret: &str) -> Auth {
        let (status, body) = self.token(client_id, secret, GRANT);
        assert_eq!(status, 200, "{body}");
        Auth::Bearer(body["access_token"].as_str().unwrap().into())
    }

    /// The id of the app made with the server.
    fn app_id(&self) -> String {
        let app = self
            .server
            .tenant
            .resources()
            .find(|r| r["displayName"] == "scimlet");
        app.and_then(|a| a["id"].as_str().map(String::from))
            .unwrap_or_default()
    }

    /// The stored resources, to check a refusal changed nothing.
    fn snapshot(&self) -> Vec<String> {
        self.server
            .tenant
            .resources()
            .map(|r| r.to_string())
            .collect()
    }
}

const GRANT: &str = "grant_type=client_credentials&scope=urn%3Aopc%3Aidm%3A__myscopes__";

fn user(name: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": name,
        "name": {"givenName": "Ada", "familyName": "Lovelace", "formatted": "Ada Lovelace"},
        "emails": [{"value": name, "type": "work", "primary": true}],
        "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User:bypassNotification": true,
    })
}

#[test]
fn a_new_domain_has_its_app_roles_and_an_answer_the_sdk_can_use() {
    let (d, answer) = domain("dom", json!({"seed": {"users": 3, "groups": 1, "seed": 4}}));
    let oci_part = &answer["oci"];
    assert_eq!(oci_part["domainUrl"], ORIGIN);
    assert_eq!(oci_part["tenancy"], oci::ident::tenancy("dom"));
    let client_id = oci_part["clientId"].as_str().unwrap();
    assert_eq!(
        oci::ident::server_of_client_id(client_id).as_deref(),
        Some("dom")
    );
    assert!(oci_part["clientSecret"]
        .as_str()
        .unwrap()
        .starts_with("idcscs-"));
    let counts = &answer["counts"];
    let kinds = ["User", "Group", "App", "AppRole", "Grant", "ApiKey"];
    assert_eq!(
        kinds.map(|k| counts[k].as_u64()),
        [3, 1, 1, 7, 0, 0].map(Some),
        "{counts}"
    );
    for kind in [
        "AuthToken",
        "CustomerSecretKey",
        "UserDbCredential",
        "OAuth2ClientCredential",
        "SmtpCredential",
    ] {
        assert!(counts[kind].as_u64().is_some(), "{kind} is served");
    }
    // Seeded users (and their credentials) were made by the app; the app and the roles by
    // the domain itself.
    let app = d
        .server
        .tenant
        .resources()
        .find(|r| r["meta"]["resourceType"] == "App")
        .unwrap();
    for r in d.server.tenant.resources() {
        let by = r
            .get("idcsCreatedBy")
            .and_then(|w| w.get("value"))
            .and_then(|v| v.as_str());
        let expected = match r["meta"]["resourceType"].as_str() {
            Some("App" | "AppRole") => Some(oci::DOMAIN_APP),
            _ => app["id"].as_str(),
        };
        assert_eq!(by, expected, "{r}");
        assert!(
            r["ocid"].as_str().is_some_and(|o| o.starts_with("ocid1.")),
            "{r}"
        );
    }
    // The secret is stored as a digest only.
    assert!(app["clientSecret"]
        .as_str()
        .unwrap()
        .starts_with("{SSHA256}"));
}

#[test]
fn the_token_endpoint_takes_client_credentials_and_refuses_the_rest() {
    let (d, answer) = domain("dom", json!({}));
    let client = answer["oci"]["clientId"].as_str().unwrap();
    let secret = answer["oci"]["clientSecret"].as_str().unwrap();
    let (status, body) = d.token(client, secret, GRANT);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 8 * 3600);
    assert_eq!(body["scope"], "urn:opc:idm:__myscopes__");
    // (client id, secret, form, status, error)
    let table = [
        (client, "idcscs-wrong", GRANT, 401, "invalid_client"),
        (
            "mrswk3y9000000000000000000000000",
            secret,
            GRANT,
            401,
            "invalid_client",
        ),
        (
            client,
            secret,
            "grant_type=password&username=a",
            400,
            "unsupported_grant_type",
        ),
        (client, secret, "", 400, "unsupported_grant_type"),
    ];
    for (c, s, form, status, error) in table {
        assert_eq!(
            d.token(c, s, form),
            (
                status,
                json!({"error": error, "error_description": d.token(c, s, form).1["error_description"]})
            ),
            "{c} {s} {form}"
        );
    }
    // Client credentials in the form body work too (client_secret_post).
    let form = format!("{GRANT}&client_id={client}&client_secret={secret}");
    let r = oci::token(&d.server, None, form.as_bytes(), NOW);
    assert_eq!(r.status, 200);
}

#[test]
fn credentials_at_the_root_name_their_server_or_get_401() {
    let (mut d, answer) = domain("dom", json!({}));
    let (client, secret) = (
        answer["oci"]["clientId"].as_str().unwrap(),
        answer["oci"]["clientSecret"].as_str().unwrap(),
    );
    let Auth::Bearer(token) = d.access_token(client, secret) else {
        unreachable!()
    };
    let record = d.server.record.public();
    assert!(record.key.is_empty(), "the registry copy has no key");
    let bearer = |t: &str| format!("Bearer {t}");
    // (Authorization, where it goes)
    let located = [
        (bearer(&token), Ok(Locator::Server("dom".into()))),
        (
            bearer(SERVER_TOKEN),
            Ok(Locator::TokenDigest(admin::token_digest(SERVER_TOKEN))),
        ),
        (
            format!("Basic {}", b64(format!("{client}:x").as_bytes())),
            Ok(Locator::Server("dom".into())),
        ),
        (
            format!(
                "Signature keyId=\"{}/u/f\",signature=\"AA==\"",
                oci::ident::tenancy("dom")
            ),
            Ok(Locator::Server("dom".into())),
        ),
        (
            "Signature keyId=\"ocid1.tenancy.oc1..aaaa/u/f\",signature=\"AA==\"".into(),
            Err(401),
        ),
        ("Digest abc".into(), Err(401)),
    ];
    for (header, expected) in located {
        assert_eq!(
            oci::locate(Some(&header), b"").map_err(|e| e.status),
            expected,
            "{header}"
        );
    }
    assert_eq!(oci::locate(None, b"").map_err(|e| e.status), Err(401));
    // The edge: right server and unexpired, or the server's own token; else 401.
    assert!(oci::preflight(Some(&bearer(&token)), b"", Some(&record), NOW).is_ok());
    assert!(oci::preflight(Some(&bearer(SERVER_TOKEN)), b"", Some(&record), NOW).is_ok());
    let refused = [
        (bearer(&token), None, NOW),
        (bearer(&token), Some(&record), NOW + 8 * 3_600_000),
        (bearer("not-a-token-at-all"), Some(&record), NOW),
    ];
    for (header, record, now) in refused {
        assert_eq!(
            oci::preflight(Some(&header), b"", record, now).map_err(|e| e.status),
            Err(401),
            "{header}"
        );
    }
    // The owner: a token of another server (same id, another key) is refused.
    let (other, other_answer) = domain("dom", json!({}));
    let _ = other;
    let mut twin = domain("dom", json!({})).0;
    twin.server.record.key = "99".repeat(32);
    twin.server
        .tenant
        .set_identity(Some(twin.server.record.identity()));
    let before = twin.snapshot();
    let r = twin.call(
        &Auth::Bearer(token.clone()),
        "POST",
        "/Users",
        Some(user("x@example.com")),
    );
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(
        r.body["schemas"],
        json!(["urn:ietf:params:scim:api:messages:2.0:Error"])
    );
    assert_eq!(twin.snapshot(), before);
    let _ = other_answer;
    // Expired tokens, garbage and no credential at all: 401, nothing written.
    let before = d.snapshot();
    d.now = NOW + 8 * 3_600_000;
    for auth in [
        Auth::Bearer(token.clone()),
        Auth::Bearer("x.y.z".into()),
        Auth::None,
    ] {
        let r = d.call(&auth, "POST", "/Users", Some(user("y@example.com")));
        assert_eq!(r.status, 401, "{}", r.body);
    }
    assert_eq!(d.snapshot(), before);
    // The server token never expires.
    assert_eq!(
        d.call(&Auth::Bearer(SERVER_TOKEN.into()), "GET", "/Users", None)
            .status,
        200
    );
}

#[test]
fn apps_are_made_activated_and_found_by_client_id_and_tokens_follow_them() {
    let (mut d, answer) = domain("dom", json!({}));
    let admin = d.access_token(
        answer["oci"]["clientId"].as_str().unwrap(),
        answer["oci"]["clientSecret"].as_str().unwrap(),
    );
    let made = d.call(&admin, "POST", "/Apps", Some(json!({
        "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:App"],
        "displayName": "loader", "clientType": "confidential", "isOAuthClient": true,
        "allowedGrants": ["client_credentials"], "basedOnTemplate": {"value": "CustomWebAppTemplateId"},
        "name": "i-choose", "clientSecret": "i-choose-too",
    })));
    assert_eq!(made.status, 201, "{}", made.body);
    let (id, name, secret) = (
        made.body["id"].as_str().unwrap().to_string(),
        made.body["name"].as_str().unwrap().to_string(),
        made.body["clientSecret"].as_str().unwrap().to_string(),
    );
    assert_ne!(id, name);
    assert_ne!(name, "i-choose");
    assert!(secret.starts_with("idcscs-"));
    assert_eq!(made.body["active"], false);
    assert_eq!(made.body["idcsCreatedBy"]["value"], d.app_id().as_str());
    // Shown once: never again.
    let read = d.call(&admin, "GET", &format!("/Apps/{id}"), None);
    assert_eq!(read.body["clientSecret"], Value::Null);
    // Inactive: no token.
    assert_eq!(d.token(&name, &secret, GRANT).0, 401);
    let changed = d.call(
        &admin,
        "PUT",
        &format!("/AppStatusChanger/{id}"),
        Some(json!({
        "active": true, "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:AppStatusChanger"]})),
    );
    assert_eq!(
        (changed.status, &changed.body["active"]),
        (200, &json!(true)),
        "{}",
        changed.body
    );
    let loader = d.access_token(&name, &secret);
    let found = d.call(
        &loader,
        "GET",
        &format!("/Apps?filter=name+eq+%22{name}%22&attributes=id"),
        None,
    );
    assert_eq!(found.body["totalResults"], 1);
    assert_eq!(found.body["Resources"][0]["id"], id.as_str());
    // Refusals change nothing.
    let before = d.snapshot();
    for (method, path, body) in [
        (
            "PUT",
            format!("/AppStatusChanger/{id}"),
            json!({"active": "maybe"}),
        ),
        (
            "POST",
            format!("/AppStatusChanger/{id}"),
            json!({"active": true}),
        ),
        (
            "PUT",
            "/AppStatusChanger/nope".to_string(),
            json!({"active": true}),
        ),
    ] {
        let r = d.call(&loader, method, &path, Some(body));
        assert!(r.status >= 400, "{method} {path}: {}", r.body);
    }
    assert_eq!(d.snapshot(), before);
    // Deactivated: its tokens stop working.
    d.call(
        &admin,
        "PUT",
        &format!("/AppStatusChanger/{id}"),
        Some(json!({"active": false})),
    );
    assert_eq!(d.call(&loader, "GET", "/Users", None).status, 401);
    // Admin roles are there to grant.
    let roles = d.call(
        &admin,
        "GET",
        "/AppRoles?filter=displayName+eq+%22User+Administrator%22",
        None,
    );
    assert_eq!(roles.body["totalResults"], 1, "{}", roles.body);
    let grant = d.call(&admin, "POST", "/Grants", Some(json!({
        "schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:Grant"],
        "grantee": {"type": "App", "value": id}, "app": {"value": "IDCSAppId"},
        "entitlement": {"attributeName": "appRoles", "attributeValue": roles.body["Resources"][0]["id"]},
        "grantMechanism": "ADMINISTRATOR_TO_APP"})));
    assert_eq!(grant.status, 201, "{}", grant.body);
}

#[test]
fn bulk_loads_record_their_app_and_its_clean_up_finds_exactly_its_users() {
    let (mut d, answer) = domain("dom", json!({}));
    let admin = d.access_token(
        answer["oci"]["clientId"].as_str().unwrap(),
        answer["oci"]["clientSecret"].as_str().unwrap(),
    );
    let mut apps = Vec::new();
    for name in ["one", "two"] {
        let made = d.call(
            &admin,
            "POST",
            "/Apps",
            Some(json!({"displayName": name, "clientType": "confidential"})),
        );
        let id = made.body["id"].as_str().unwrap().to_string();
        d.call(
            &admin,
            "PUT",
            &format!("/AppStatusChanger/{id}"),
            Some(json!({"active": true})),
        );
        let auth = d.access_token(
            made.body["name"].as_str().unwrap(),
            made.body["clientSecret"].as_str().unwrap(),
        );
        apps.push((id, auth));
    }
    for (n, (_, auth)) in apps.iter().enumerate() {
        let ops: Vec<Value> = (0..7)
            .map(|i| {
                json!({"method": "POST", "path": "/Users/", "bulkId": format!("b{i}"),
                "data": user(&format!("u{n}-{i}@example.com"))})
            })
            .collect();
        let r = d.call(auth, "POST", "/Bulk", Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": ops})));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.body["Operations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["status"] == "201"),
            "{}",
            r.body
        );
    }
    // A repeated userName is 409 and never a second user.
    let dup = d.call(
        &apps[0].1,
        "POST",
        "/Bulk",
        Some(json!({"Operations": [
        {"method": "POST", "path": "/Users/", "bulkId": "x", "data": user("u0-1@example.com")}]})),
    );
    assert_eq!(dup.body["Operations"][0]["status"], "409");
    // An empty Bulk is fine.
    let empty = d.call(&apps[0].1, "POST", "/Bulk", Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": []})));
    assert_eq!(empty.status, 200);
    // The clean-up walk of app one, exactly as the script asks.
    let (one, auth) = &apps[0];
    let mut last = String::from("0");
    let mut seen = Vec::new();
    loop {
        let query = format!(
            "/Users?sortBy=id&attributes=id&filter=idcsCreatedBy.value+eq+%22{one}%22+and+id+gt+%22{last}%22&count=3"
        );
        let page = d.call(auth, "GET", &query, None);
        assert_eq!(page.status, 200, "{}", page.body);
        if page.body["totalResults"] == 0 {
            break;
        }
        for u in page.body["Resources"].as_array().unwrap() {
            assert!(
                u["userName"].as_str().unwrap().starts_with("u0-"),
                "userName is always returned: {u}"
            );
            assert_eq!(u.get("emails"), None);
            seen.push(u["id"].as_str().unwrap().to_string());
            last = u["id"].as_str().unwrap().to_string();
        }
    }
    assert_eq!(seen.len(), 7);
    let ops: Vec<Value> = seen
        .iter()
        .map(|id| json!({"method": "DELETE", "path": format!("/Users/{id}"), "bulkId": id}))
        .collect();
    let r = d.call(auth, "POST", "/Bulk", Some(json!({"Operations": ops})));
    assert!(
        r.body["Operations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "204"),
        "{}",
        r.body
    );
    let left = d.call(
        auth,
        "GET",
        "/Users?attributes=idcsCreatedBy&count=100",
        None,
    );
    assert_eq!(left.body["totalResults"], 7);
    for u in left.body["Resources"].as_array().unwrap() {
        assert_eq!(u["idcsCreatedBy"]["value"], apps[1].0.as_str());
        assert_eq!(u["idcsCreatedBy"]["type"], "App");
        assert_eq!(
            u.get("urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User"),
            None,
            "bypassNotification is never returned"
        );
    }
    // A PATCH by app two records it as the last writer and keeps the creator.
    let id = left.body["Resources"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let patched = d.call(&admin, "PATCH", &format!("/Users/{id}"), Some(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "path": "active", "value": false}]})));
    assert_eq!(patched.body["idcsCreatedBy"]["value"], apps[1].0.as_str());
    assert_eq!(
        patched.body["idcsLastModifiedBy"]["value"],
        d.app_id().as_str()
    );
    // A PUT cannot drop what the domain set.
    let mut body = patched.body.clone();
    body.as_object_mut()
        .unwrap()
        .retain(|k, _| !["ocid", "idcsCreatedBy", "idcsLastModifiedBy"].contains(&k.as_str()));
    let put = d.call(&admin, "PUT", &format!("/Users/{id}"), Some(body));
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["ocid"], patched.body["ocid"]);
    assert_eq!(put.body["idcsCreatedBy"], patched.body["idcsCreatedBy"]);
    // Client input cannot forge the writer.
    let forged = d.call(&admin, "POST", "/Users", Some(json!({"userName": "f@example.com", "idcsCreatedBy": {"value": "someone"}, "ocid": "ocid1.user.oc1..x"})));
    assert_ne!(forged.body["idcsCreatedBy"]["value"], "someone");
    assert_ne!(forged.body["ocid"], "ocid1.user.oc1..x");
}

#[test]
fn lists_page_through_opc_next_page_and_cap_count_at_1000() {
    let (mut d, _) = domain("dom", json!({"seed": {"users": 11, "groups": 0}}));
    let auth = Auth::Bearer(SERVER_TOKEN.into());
    let mut query = String::from("/Users?count=4&sortBy=userName&sortOrder=DESCENDING");
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let r = d.call(&auth, "GET", &query, None);
        assert_eq!(r.status, 200, "{}", r.body);
        pages += 1;
        names.extend(
            r.body["Resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["userName"].as_str().unwrap().to_string()),
        );
        match r.header("opc-next-page") {
            Some(token) => {
                query = format!("/Users?count=4&sortBy=userName&sortOrder=DESCENDING&page={token}")
            }
            None => break,
        }
    }
    assert_eq!((pages, names.len()), (3, 11));
    let mut sorted = names.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(names, sorted);
    let big = d.call(&auth, "GET", "/Users?count=5000", None);
    assert_eq!(big.body["itemsPerPage"], 11);
    let first = d.call(&auth, "GET", "/Users?count=4", None);
    let token = first.header("opc-next-page").unwrap().to_string();
    let wrong = d.call(
        &auth,
        "GET",
        &format!("/Users?count=4&filter=userName+pr&page={token}"),
        None,
    );
    assert_eq!(wrong.status, 400);
    let last = d.call(&auth, "GET", "/Users?count=11", None);
    assert_eq!(last.header("opc-next-page"), None);
}

/// The script that walks users by `opc-next-page` and deletes each page as it goes sees
/// every user once and leaves none behind (a token is a place, not an index).
#[test]
fn a_walk_by_opc_next_page_that_deletes_each_page_sees_every_user_once() {
    let (mut d, _) = domain("dom", json!({"seed": {"users": 25, "groups": 0}}));
    let auth = Auth::Bearer(SERVER_TOKEN.into());
    let all = d.call(&auth, "GET", "/Users?count=1000&attributes=id", None);
    let mut expected: Vec<String> = all.body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(expected.len(), 25);
    let mut seen = Vec::new();
    let mut query = String::from("/Users?count=4&attributes=id");
    loop {
        let r = d.call(&auth, "GET", &query, None);
        assert_eq!(r.status, 200, "{}", r.body);
        for u in r.body["Resources"].as_array().unwrap() {
            let id = u["id"].as_str().unwrap().to_string();
            let gone = d.call(&auth, "DELETE", &format!("/Users/{id}"), None);
            assert_eq!(gone.status, 204, "{}", gone.body);
            seen.push(id);
        }
        match r.header("opc-next-page") {
            Some(token) => query = format!("/Users?count=4&attributes=id&page={token}"),
            None => break,
        }
    }
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected);
    let left = d.call(&auth, "GET", "/Users?count=0", None);
    assert_eq!(left.body["totalResults"], 0);
}

#[test]
fn credentials_belong_to_users_their_capabilities_allow_and_show_secrets_once() {
    let (mut d, _) = domain("dom", json!({}));
    let admin = Auth::Bearer(SERVER_TOKEN.into());
    let alice = d.call(&admin, "POST", "/Users", Some(user("alice@example.com")));
    assert_eq!(alice.status, 201, "{}", alice.body);
    let caps = "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User";
    assert_eq!(
        alice.body[caps]["canUseApiKeys"], true,
        "a new domain's defaults"
    );
    let mut bob_body = user("bob@example.com");
    bob_body[caps] = json!({"canUseApiKeys": false, "canUseAuthTokens": false});
    let bob = d.call(&admin, "POST", "/Users", Some(bob_body));
    assert_eq!(bob.body[caps]["canUseSmtpCredentials"], true);
    let (alice_id, alice_ocid) = (
        alice.body["id"].as_str().unwrap().to_string(),
        alice.body["ocid"].as_str().unwrap().to_string(),
    );
    let bob_id = bob.body["id"].as_str().unwrap().to_string();

    let key = d.call(&admin, "POST", "/ApiKeys", Some(json!({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:apikey"], "key": PUBLIC_1, "user": {"ocid": alice_ocid}})));
    assert_eq!(key.status, 201, "{}", key.body);
    assert_eq!(
        key.body["fingerprint"],
        "ff:35:c2:58:55:90:06:fb:40:7b:c6:6c:5e:8b:0d:a5"
    );
    assert_eq!(key.body["user"]["value"], alice_id.as_str());
    // (endpoint, body, secret attribute shown once)
    let kinds = [
        ("/AuthTokens", json!({"description": "ci"}), Some("token")),
        (
            "/CustomerSecretKeys",
            json!({"displayName": "s3"}),
            Some("secretKey"),
        ),
        (
            "/UserDbCredentials",
            json!({"dbPassword": "Db-Passw0rd-123"}),
            None,
        ),
        (
            "/OAuth2ClientCredentials",
            json!({"name": "c", "scopes": [{"audience": "a", "scope": "s"}]}),
            Some("secret"),
        ),
        (
            "/SmtpCredentials",
            json!({"description": "mail"}),
            Some("password"),
        ),
    ];
    for (endpoint, mut body, secret) in kinds {
        body["user"] = json!({"value": alice_id});
        let made = d.call(&admin, "POST", endpoint, Some(body));
        assert_eq!(made.status, 201, "{endpoint}: {}", made.body);
        let id = made.body["id"].as_str().unwrap();
        assert!(made.body["ocid"].as_str().is_some());
        let read = d.call(&admin, "GET", &format!("{endpoint}/{id}"), None);
        if let Some(attr) = secret {
            assert!(
                made.body[attr].as_str().is_some_and(|s| s.len() >= 20),
                "{endpoint}: {}",
                made.body
            );
            assert_eq!(
                read.body.get(attr),
                None,
                "{endpoint} shows its secret again"
            );
            let stored = d.server.tenant.resources().find(|r| r["id"] == id).unwrap();
            assert!(stored[attr].as_str().unwrap().starts_with("{SSHA256}"));
        }
        let count = d.call(
            &admin,
            "GET",
            &format!("{endpoint}?filter=user.value+eq+%22{alice_id}%22&count=1&attributes=id"),
            None,
        );
        assert_eq!(count.body["totalResults"], 1, "{endpoint}");
    }
    // Bob's capabilities forbid API keys and auth tokens: 400, nothing stored.
    let before = d.snapshot();
    for (endpoint, body) in [
        (
            "/ApiKeys",
            json!({"key": PUBLIC_2, "user": {"value": bob_id}}),
        ),
        ("/AuthTokens", json!({"user": {"value": bob_id}})),
        ("/AuthTokens", json!({"user": {"value": "nobody"}})),
        ("/AuthTokens", json!({})),
        (
            "/ApiKeys",
            json!({"key": "not a key", "user": {"value": alice_id}}),
        ),
        (
            "/ApiKeys",
            json!({"key": PUBLIC_1, "user": {"value": alice_id}}),
        ),
    ] {
        let r = d.call(&admin, "POST", endpoint, Some(body.clone()));
        assert!(
            matches!(r.status, 400 | 409),
            "{endpoint} {body}: {} {}",
            r.status,
            r.body
        );
    }
    assert_eq!(d.snapshot(), before);

    // Alice's key signs requests: she is the writer.
    let tenancy = oci::ident::tenancy("dom");
    let fp = "ff:35:c2:58:55:90:06:fb:40:7b:c6:6c:5e:8b:0d:a5";
    let signed = Auth::Signed(format!("{tenancy}/{alice_ocid}/{fp}"));
    let listed = d.call(&signed, "GET", "/Users?count=1", None);
    assert_eq!(listed.status, 200, "{}", listed.body);
    let made = d.call(
        &signed,
        "POST",
        "/Groups",
        Some(json!({"displayName": "signed"})),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.body["idcsCreatedBy"]["type"], "User");
    assert_eq!(made.body["idcsCreatedBy"]["value"], alice_id.as_str());
    let me = d.call(&signed, "GET", "/Me", None);
    assert_eq!((me.status, &me.body["id"]), (200, &json!(alice_id)));
    // Wrong user, unknown key, other tenancy, stale date: 401, nothing written.
    let before = d.snapshot();
    let bob_ocid = bob.body["ocid"].as_str().unwrap();
    for key_id in [
        format!("{tenancy}/{bob_ocid}/{fp}"),
        format!("{tenancy}/{alice_ocid}/59:b7:1d:e4:18:1b:bd:26:bf:51:36:04:f5:fa:62:ef"),
        format!("{}/{alice_ocid}/{fp}", oci::ident::tenancy("elsewhere")),
    ] {
        let r = d.call(
            &Auth::Signed(key_id.clone()),
            "POST",
            "/Groups",
            Some(json!({"displayName": "x"})),
        );
        assert_eq!(r.status, 401, "{key_id}: {}", r.body);
    }
    d.now = NOW + 6 * 60_000;
    assert_eq!(d.call(&signed, "GET", "/Users", None).status, 401);
    assert_eq!(d.snapshot(), before);
}

#[test]
fn discovery_serves_the_domain_schemas() {
    let (mut d, _) = domain("dom", json!({}));
    let auth = Auth::Bearer(SERVER_TOKEN.into());
    let types = d.call(&auth, "GET", "/ResourceTypes", None);
    let names: Vec<&str> = types.body["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "User",
            "Group",
            "App",
            "AppRole",
            "Grant",
            "ApiKey",
            "AuthToken",
            "CustomerSecretKey",
            "UserDbCredential",
            "OAuth2ClientCredential",
            "SmtpCredential"
        ]
    );
    let caps = d.call(
        &auth,
        "GET",
        "/Schemas/urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User",
        None,
    );
    let flags: Vec<&str> = caps.body["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(flags.len(), 8);
    assert!(flags.contains(&"canUseDbCredentials"));
    let ext = d.call(
        &auth,
        "GET",
        "/Schemas/urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User",
        None,
    );
    assert_eq!(ext.status, 200);
    let by_sort = d.call(
        &auth,
        "GET",
        "/AppRoles?sortBy=idcsCreatedBy.value&filter=idcsCreatedBy.type+eq+%22App%22",
        None,
    );
    assert_eq!(by_sort.body["totalResults"], 7);
}

#[test]
fn rate_limits_answer_429_with_retry_after_when_switched_on() {
    let (mut d, _) = domain(
        "dom",
        json!({"settings": {"persona": "oci", "rateLimits": {"enabled": true}}}),
    );
    let auth = Auth::Bearer(SERVER_TOKEN.into());
    let bulk = || Some(json!({"Operations": []}));
    for _ in 0..5 {
        assert_eq!(d.call(&auth, "POST", "/Bulk", bulk()).status, 200);
    }
    let refused = d.call(&auth, "POST", "/Bulk", bulk());
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.header("Retry-After"), Some("1"));
    // Other requests have their own count.
    assert_eq!(d.call(&auth, "GET", "/Users", None).status, 200);
    d.now += 1000;
    assert_eq!(d.call(&auth, "POST", "/Bulk", bulk()).status, 200);
}

#[test]
fn generated_users_get_capabilities_at_their_rates_and_credentials_they_may_hold() {
    let seed = json!({"users": 400, "groups": 0, "seed": 9,
        "capabilities": {"authTokens": 0.5, "smtpCredentials": 0.0},
        "credentials": {"authTokens": 0.5, "smtpCredentials": 1.0, "customerSecretKeys": 0.0,
                        "dbCredentials": 0.25, "oAuth2ClientCredentials": 0.0}});
    let (d, answer) = domain("dom", json!({"seed": seed}));
    let caps = "urn:ietf:params:scim:schemas:oracle:idcs:extension:capabilities:User";
    let users: Vec<_> = d
        .server
        .tenant
        .resources()
        .filter(|r| r["meta"]["resourceType"] == "User")
        .collect();
    assert_eq!(users.len(), 400);
    let can = |u: &scimlet::Value, flag: &str| u[caps][flag].as_bool().unwrap();
    let with_tokens = users.iter().filter(|u| can(u, "canUseAuthTokens")).count();
    assert!(
        (150..250).contains(&with_tokens),
        "{with_tokens} of 400 at 0.5"
    );
    assert!(users
        .iter()
        .all(|u| can(u, "canUseApiKeys") && !can(u, "canUseSmtpCredentials")));
    let counts = &answer["counts"];
    // No SMTP credentials (nobody may hold one), tokens only for users who may.
    assert_eq!(
        (
            counts["SmtpCredential"].as_u64(),
            counts["CustomerSecretKey"].as_u64()
        ),
        (Some(0), Some(0))
    );
    let tokens = counts["AuthToken"].as_u64().unwrap() as usize;
    assert!(tokens > 40 && tokens < with_tokens, "{tokens}");
    let db = counts["UserDbCredential"].as_u64().unwrap();
    assert!((60..140).contains(&db), "{db} of 400 at 0.25");
    for token in d
        .server
        .tenant
        .resources()
        .filter(|r| r["meta"]["resourceType"] == "AuthToken")
    {
        let owner = d
            .server
            .tenant
            .resources()
            .find(|u| u["id"] == token["user"]["value"])
            .unwrap();
        assert!(can(&owner, "canUseAuthTokens"));
        assert!(token["token"].as_str().unwrap().starts_with("{SSHA256}"));
    }
    // The same seed gives the same domain.
    let (again, _) = domain("dom", json!({"seed": seed}));
    let ids = |d: &Domain| {
        d.server
            .tenant
            .resources()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&d), ids(&again));
    // Rates outside 0..1 are refused before anything is made.
    let fresh = Fresh {
        id: "x".into(),
        token: "unused-token-0000".into(),
        key: "17".repeat(32),
    };
    let bad = json!({"settings": {"persona": "oci"}, "seed": {"credentials": {"authTokens": 1.5}}});
    let order = CreateOrder::parse(bad.to_string().as_bytes(), fresh, &policy(), NOW).unwrap();
    let mut ids = SequentialIds::default();
    let mut env = Env {
        now_ms: NOW,
        base_url: ORIGIN,
        ids: &mut ids,
    };
    let e = admin::create(order, None, usize::MAX, &mut env)
        .err()
        .unwrap();
    assert!(
        e.detail.contains("seed.credentials.authTokens"),
        "{}",
        e.detail
    );
}

#[test]
fn a_domain_can_be_made_with_an_administrator_whose_key_signs_at_once() {
    let (mut d, answer) = domain(
        "dom",
        json!({"oci": {"apiKey": PUBLIC_1, "userName": "root@example.com"}}),
    );
    let oci_part = &answer["oci"];
    assert_eq!(
        oci_part["fingerprint"],
        "ff:35:c2:58:55:90:06:fb:40:7b:c6:6c:5e:8b:0d:a5"
    );
    let user = oci_part["user"].as_str().unwrap().to_string();
    let signed = Auth::Signed(format!(
        "{}/{user}/{}",
        oci_part["tenancy"].as_str().unwrap(),
        oci_part["fingerprint"].as_str().unwrap()
    ));
    let me = d.call(&signed, "GET", "/Me", None);
    assert_eq!(
        (me.status, &me.body["userName"]),
        (200, &json!("root@example.com"))
    );
    // (order, part of the 400's detail): nothing is made for a bad one.
    let table = [
        (json!({"oci": {"apiKey": "not a key"}}), "PEM public key"),
        (
            json!({"oci": {"apiKey": PUBLIC_1, "extra": 1}}),
            "unknown field",
        ),
        (
            json!({"settings": {"persona": "scim"}, "oci": {"apiKey": PUBLIC_1}}),
            "persona",
        ),
    ];
    for (extra, detail) in table {
        let mut order = json!({"id": "x", "settings": {"persona": "oci"}});
        if let (Some(o), Some(e)) = (order.as_object_mut(), extra.as_object()) {
            o.extend(e.clone());
        }
        let fresh = Fresh {
            id: "x".into(),
            token: "unused-token-0000".into(),
            key: "17".repeat(32),
        };
        let e =
            CreateOrder::parse(order.to_string().as_bytes(), fresh, &policy(), NOW).unwrap_err();
        assert_eq!(e.status, 400, "{extra}");
        assert!(e.detail.contains(detail), "{extra}: {}", e.detail);
    }
}

#[test]
fn an_export_imported_again_keeps_apps_keys_and_writers() {
    let (mut d, answer) = domain("dom", json!({"seed": {"users": 4, "groups": 1}}));
    let client = answer["oci"]["clientId"].as_str().unwrap();
    let secret = answer["oci"]["clientSecret"].as_str().unwrap();
    let made = d.call(
        &Auth::Bearer(SERVER_TOKEN.into()),
        "POST",
        "/Users",
        Some(user("kept@example.com")),
    );
    d.call(
        &Auth::Bearer(SERVER_TOKEN.into()),
        "POST",
        "/ApiKeys",
        Some(json!({"key": PUBLIC_1, "user": {"value": made.body["id"]}})),
    );
    let before = d.snapshot();
    let exported = admin::export(&d.server.tenant);
    let site = Site {
        origin: ORIGIN,
        layout: EDGE,
    };
    let method = Method::Put;
    let request = admin::Request {
        method: &method,
        action: admin::Action::Import,
        access: admin::Access::Owner,
        body: &exported,
    };
    let out = admin::handle(&request, &mut d.server, &policy(), &site);
    assert_eq!(
        out.response.status,
        200,
        "{}",
        String::from_utf8_lossy(&out.response.body)
    );
    // Parsed: stored forms are the same whatever the order of their keys.
    let parsed = |texts: Vec<String>| {
        let mut values: Vec<Value> = texts
            .iter()
            .map(|t| serde_json::from_str(t).unwrap())
            .collect();
        values.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
        values
    };
    let (after, expected) = (parsed(d.snapshot()), parsed(before));
    assert_eq!(after.len(), expected.len());
    for (a, e) in after.iter().zip(&expected) {
        assert!(
            a == e,
            "the same stored form (digests, writers and OCIDs included): {}",
            a["id"]
        );
    }
    // The app still gets tokens, and they still open the server.
    let auth = d.access_token(client, secret);
    assert_eq!(d.call(&auth, "GET", "/Users?count=1", None).status, 200);
    let signed = Auth::Signed(format!(
        "{}/{}/ff:35:c2:58:55:90:06:fb:40:7b:c6:6c:5e:8b:0d:a5",
        oci::ident::tenancy("dom"),
        made.body["ocid"].as_str().unwrap()
    ));
    assert_eq!(d.call(&signed, "GET", "/Me", None).status, 200);
}
