//! Generator tests: name lists, JSON shapes, determinism, distributions, uniqueness.

use super::*;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::ToString;

/// Everything `generate` produced, as (resource type, stored form with a readable id).
fn collect(spec: &SeedSpec) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut sink = |resource_type: &str, mut resource: Value| -> Result<Arc<Value>> {
        let id = format!("{}{}", resource_type.to_ascii_lowercase(), out.len() + 1);
        if let Value::Object(map) = &mut resource {
            map.insert("id", Value::String(crate::value::Text::from(id)));
        }
        out.push((resource_type.to_string(), resource.clone()));
        Ok(Arc::new(resource))
    };
    generate(spec, &mut sink).expect("generation succeeds");
    out
}

fn of_type<'a>(all: &'a [(String, Value)], resource_type: &str) -> Vec<&'a Value> {
    all.iter()
        .filter(|(t, _)| t == resource_type)
        .map(|(_, v)| v)
        .collect()
}

fn spec(users: usize, groups: usize, entitlements: usize, roles: usize, seed: u64) -> SeedSpec {
    SeedSpec {
        users,
        groups,
        entitlements,
        roles,
        seed,
        ..SeedSpec::default()
    }
}

#[test]
fn ascii_slug_spells_out_diacritics_and_drops_punctuation() {
    for (name, expected) in [
        ("Smith", "smith"),
        ("O'Brien", "obrien"),
        ("Nguyễn", "nguyen"),
        ("Đặng", "dang"),
        ("Dương", "duong"),
        ("van den Berg", "van-den-berg"),
        ("Jean-Luc", "jean-luc"),
        ("Weiß", "weiss"),
        ("İlker", "ilker"),
        ("Yıldırım", "yildirim"),
        ("Þóra", "thora"),
        ("Guðrún", "gudrun"),
        ("Ødegård", "odegard"),
        ("Łukasz", "lukasz"),
        ("Dvořák", "dvorak"),
        ("Sōta", "sota"),
        ("Gonçalves", "goncalves"),
    ] {
        assert_eq!(ascii_slug(name), expected, "{name}");
    }
}

#[test]
fn name_lists_are_large_and_their_ascii_forms_unique_and_safe() {
    let catalog = Catalog::new(&SeedSpec::default());
    assert!(
        names::CULTURES.len() >= 30,
        "cultures: {}",
        names::CULTURES.len()
    );
    for (list, what) in [(&catalog.given, "given"), (&catalog.family, "family")] {
        assert!(list.len() >= 400, "{what} names: {}", list.len());
        let mut seen = BTreeSet::new();
        for name in list.iter() {
            assert!(
                !name.ascii.is_empty()
                    && name
                        .ascii
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'-')
                    && !name.ascii.starts_with('-')
                    && !name.ascii.ends_with('-'),
                "{what} name {:?} has ASCII form {:?}",
                name.name,
                name.ascii
            );
            assert!(
                seen.insert(name.ascii.clone()),
                "{what} ASCII form {:?} twice",
                name.ascii
            );
        }
    }
}

#[test]
fn group_entitlement_and_role_names_stay_distinct_past_their_lists() {
    for seed in [0, 1, 42] {
        let naming = Catalog::new(&spec(0, 0, 0, 0, seed)).naming;
        for (what, names) in [
            (
                "group",
                (0..2000).map(|i| naming.group(i)).collect::<Vec<_>>(),
            ),
            (
                "entitlement",
                (0..2000).map(|i| naming.entitlement(i).1).collect(),
            ),
            ("role", (0..2000).map(|i| naming.role(i)).collect()),
        ] {
            let unique: BTreeSet<_> = names.iter().collect();
            assert_eq!(
                unique.len(),
                names.len(),
                "{what} names repeat for seed {seed}"
            );
            assert!(
                names.iter().all(|n| !n.is_empty() && !n.starts_with(' ')),
                "{what}"
            );
        }
    }
}

#[test]
fn entitlements_cycle_through_the_three_okta_kinds() {
    let naming = Catalog::new(&SeedSpec::default()).naming;
    let kinds: Vec<&str> = (0..6).map(|i| naming.entitlement(i).0).collect();
    assert_eq!(
        kinds,
        [
            "License",
            "Profile",
            "Permission",
            "License",
            "Profile",
            "Permission"
        ]
    );
}

#[test]
fn generation_order_is_entitlements_roles_users_groups() {
    let all = collect(&SeedSpec::default());
    let types: Vec<&str> = all.iter().map(|(t, _)| t.as_str()).collect();
    let mut expected = vec!["Entitlement"; 8];
    expected.extend(["Role"; 4]);
    expected.extend(["User"; 10]);
    expected.extend(["Group"; 5]);
    assert_eq!(types, expected);
}

#[test]
fn a_user_carries_every_attribute_in_scim_shape() {
    let all = collect(&spec(50, 5, 8, 4, 7));
    let users = of_type(&all, "User");
    for user in &users {
        let user_name = user["userName"].as_str().expect("userName");
        let (local, domain) = user_name.split_once('@').expect("an address");
        assert!(EXAMPLE_DOMAINS.contains(&domain), "{user_name}");
        assert!(
            local
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
            "{user_name}"
        );
        assert_eq!(user["emails"][0]["value"], user["userName"]);
        assert_eq!(user["emails"][0]["type"], "work");
        assert_eq!(user["emails"][0]["primary"], true);
        for key in ["givenName", "familyName", "formatted"] {
            assert!(
                !user["name"][key].as_str().unwrap_or("").is_empty(),
                "name.{key}"
            );
        }
        assert_eq!(user["displayName"], user["name"]["formatted"]);
        for key in [
            "nickName",
            "title",
            "userType",
            "locale",
            "preferredLanguage",
            "timezone",
        ] {
            assert!(
                !user[key].as_str().unwrap_or("").is_empty(),
                "{key} of {user_name}"
            );
        }
        assert!(user["active"].is_boolean());
        let phones = user["phoneNumbers"].as_array().expect("phones");
        let phone_types: Vec<&str> = phones
            .iter()
            .map(|p| p["type"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(phone_types, ["work", "mobile"]);
        for p in phones {
            let number = p["value"].as_str().unwrap_or("");
            assert!(
                number.contains("555-01") || number.starts_with("+44 20 7946 0"),
                "{number} is not a fictional number"
            );
        }
        let address = &user["addresses"][0];
        for key in [
            "streetAddress",
            "locality",
            "region",
            "postalCode",
            "country",
            "formatted",
        ] {
            assert!(address[key].is_string(), "addresses[0].{key}");
        }
        let enterprise = &user[ENTERPRISE_USER];
        for key in [
            "employeeNumber",
            "costCenter",
            "organization",
            "division",
            "department",
        ] {
            assert!(enterprise[key].is_string(), "{key}");
        }
        assert_eq!(user["schemas"], crate::json!([USER, ENTERPRISE_USER]));
    }
}

#[test]
fn references_point_at_generated_resources() {
    let all = collect(&spec(300, 6, 9, 5, 3));
    let ids_of = |t: &str| -> BTreeMap<String, Value> {
        of_type(&all, t)
            .into_iter()
            .map(|v| (v["id"].as_str().unwrap_or("").to_string(), v.clone()))
            .collect()
    };
    let (users, entitlements, roles) = (ids_of("User"), ids_of("Entitlement"), ids_of("Role"));
    let position: BTreeMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (v["id"].as_str().unwrap_or(""), i))
        .collect();
    for user in users.values() {
        if let Some(manager) = user[ENTERPRISE_USER].get("manager") {
            let manager_id = manager["value"].as_str().expect("manager.value");
            assert!(users.contains_key(manager_id), "manager {manager_id}");
            assert!(
                position[manager_id] < position[user["id"].as_str().unwrap_or("")],
                "managers come first"
            );
        }
        for (attribute, targets) in [("entitlements", &entitlements), ("roles", &roles)] {
            for grant in user
                .get(attribute)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let target = &targets[grant["value"].as_str().expect("value")];
                assert_eq!(grant["display"], target["displayName"]);
                assert_eq!(grant.get("type"), target.get("type"));
            }
        }
    }
    let mut memberships: BTreeMap<String, usize> = BTreeMap::new();
    for group in of_type(&all, "Group") {
        for member in group["members"].as_array().expect("members") {
            let id = member["value"].as_str().expect("member value");
            assert_eq!(member["display"], users[id]["displayName"]);
            assert_eq!(member["type"], "User");
            *memberships.entry(id.to_string()).or_default() += 1;
        }
    }
    assert_eq!(memberships.len(), users.len(), "every user is in a group");
    assert!(memberships.values().all(|n| (1..=4).contains(n)));
}

#[test]
fn the_same_seed_gives_the_same_data_and_other_seeds_differ() {
    for base in [
        SeedSpec::default(),
        spec(500, 12, 20, 7, 99),
        spec(200, 0, 0, 0, 0),
    ] {
        let again = collect(&base);
        assert_eq!(collect(&base), again, "seed {}", base.seed);
        let other = collect(&SeedSpec {
            seed: base.seed + 1,
            ..base.clone()
        });
        let names = |all: &[(String, Value)]| -> Vec<Value> {
            of_type(all, "User")
                .into_iter()
                .map(|u| u["userName"].clone())
                .collect()
        };
        assert_ne!(
            names(&again),
            names(&other),
            "seed {} vs {}",
            base.seed,
            base.seed + 1
        );
    }
}

#[test]
fn a_user_does_not_depend_on_how_many_users_follow() {
    // The CLI's `load` and `servers create` must agree on user n whatever the total.
    let small = collect(&spec(20, 0, 0, 0, 5));
    let large = collect(&spec(2000, 0, 0, 0, 5));
    assert_eq!(
        of_type(&small, "User"),
        of_type(&large, "User")[..20].to_vec()
    );
}

/// Measured shares over `n` people, for the distribution table.
struct Shares {
    active: f64,
    contractor: f64,
    with_manager: f64,
    with_entitlements: f64,
    with_roles: f64,
    mixed_names: f64,
    groups_hist: [f64; 5],
    max_entitlements: usize,
    max_roles: usize,
}

fn measure(spec: &SeedSpec) -> Shares {
    let mut people = People::new(spec).expect("valid spec");
    let n = spec.users as f64;
    let mut counts = [0usize; 6];
    let mut groups_hist = [0f64; 5];
    let (mut max_entitlements, mut max_roles) = (0, 0);
    let catalog = Catalog::new(spec);
    let culture_of_family: BTreeMap<&str, usize> = catalog
        .family_ranges
        .iter()
        .enumerate()
        .flat_map(|(c, (start, end))| {
            catalog.family[*start..*end]
                .iter()
                .map(move |f| (f.name, c))
        })
        .collect();
    let culture_of_given: BTreeMap<&str, usize> = catalog
        .given_ranges
        .iter()
        .enumerate()
        .flat_map(|(c, (start, end))| catalog.given[*start..*end].iter().map(move |g| (g.name, c)))
        .collect();
    for _ in 0..spec.users {
        let p = people.next_person();
        let u = &p.user;
        counts[0] += usize::from(u["active"] == true);
        counts[1] += usize::from(u["userType"] == "Contractor");
        counts[2] += usize::from(p.manager.is_some());
        counts[3] += usize::from(!p.entitlements.is_empty());
        counts[4] += usize::from(!p.roles.is_empty());
        let given = u["name"]["givenName"].as_str().unwrap_or("");
        let family = u["name"]["familyName"].as_str().unwrap_or("");
        counts[5] += usize::from(culture_of_given[given] != culture_of_family[family]);
        groups_hist[p.groups.len()] += 1.0;
        assert!(p.groups.iter().all(|g| *g < spec.groups.max(1)));
        assert_eq!(
            p.groups.iter().collect::<BTreeSet<_>>().len(),
            p.groups.len(),
            "distinct groups"
        );
        assert_eq!(
            p.entitlements.iter().collect::<BTreeSet<_>>().len(),
            p.entitlements.len()
        );
        max_entitlements = max_entitlements.max(p.entitlements.len());
        max_roles = max_roles.max(p.roles.len());
        if let Some(m) = p.manager {
            assert!(m < p.index);
        }
    }
    Shares {
        active: counts[0] as f64 / n,
        contractor: counts[1] as f64 / n,
        with_manager: counts[2] as f64 / (n - 1.0),
        with_entitlements: counts[3] as f64 / n,
        with_roles: counts[4] as f64 / n,
        mixed_names: counts[5] as f64 / n,
        groups_hist: groups_hist.map(|c| c / n),
        max_entitlements,
        max_roles,
    }
}

/// Expected shares for one spec in the distribution table.
#[derive(Clone, Copy)]
struct Expected {
    active: f64,
    contractor: f64,
    manager: f64,
    entitlements: f64,
    roles: f64,
    /// Shares of users in 1, 2, 3 and 4 groups.
    groups: [f64; 4],
    max_entitlements: usize,
    max_roles: usize,
}

#[test]
fn rates_are_honoured_within_tolerance() {
    const TOLERANCE: f64 = 0.016; // 12,000 draws: 3 standard deviations is under 0.014
    let custom = SeedSpec {
        active_ratio: 0.5,
        groups_per_user: [0.0, 0.0, 1.0, 3.0],
        entitlement_ratio: 0.2,
        max_entitlements_per_user: 5,
        role_ratio: 1.0,
        max_roles_per_user: 1,
        manager_ratio: 0.0,
        contractor_ratio: 0.5,
        mixed_name_ratio: 0.0,
        ..spec(12_000, 10, 10, 3, 11)
    };
    let defaults = spec(12_000, 10, 10, 3, 12);
    let three_groups = spec(12_000, 3, 10, 3, 13);
    let by_default = Expected {
        active: 0.95,
        contractor: 0.10,
        manager: 0.90,
        entitlements: 0.70,
        roles: 0.30,
        groups: [0.50, 0.30, 0.15, 0.05],
        max_entitlements: 3,
        max_roles: 2,
    };
    // (spec, expected shares)
    let table = [
        (&defaults, by_default),
        (
            &custom,
            Expected {
                active: 0.50,
                contractor: 0.50,
                manager: 0.00,
                entitlements: 0.20,
                roles: 1.00,
                groups: [0.0, 0.0, 0.25, 0.75],
                max_entitlements: 5,
                max_roles: 1,
            },
        ),
        // Only three groups: a user drawn for four is in all three.
        (
            &three_groups,
            Expected {
                groups: [0.50, 0.30, 0.20, 0.0],
                ..by_default
            },
        ),
    ];
    for (spec, want) in table {
        let got = measure(spec);
        let close = |what: &str, got: f64, want: f64| {
            assert!(
                (got - want).abs() <= TOLERANCE,
                "seed {}: {what} is {got:.4}, expected {want}",
                spec.seed
            );
        };
        close("active", got.active, want.active);
        close("contractor", got.contractor, want.contractor);
        close("manager", got.with_manager, want.manager);
        close("entitlements", got.with_entitlements, want.entitlements);
        close("roles", got.with_roles, want.roles);
        close("no group", got.groups_hist[0], 0.0);
        for (k, share) in want.groups.iter().enumerate() {
            close(&format!("{} groups", k + 1), got.groups_hist[k + 1], *share);
        }
        assert_eq!(
            (got.max_entitlements, got.max_roles),
            (want.max_entitlements, want.max_roles),
            "seed {}",
            spec.seed
        );
    }
    // Mixing draws the family culture anew, which can land on the same culture.
    let mixed = measure(&spec(12_000, 0, 0, 0, 14)).mixed_names;
    assert!((0.10..0.16).contains(&mixed), "mixed names {mixed}");
    assert_eq!(measure(&custom).mixed_names, 0.0);
}

#[test]
fn managers_form_shallow_teams() {
    let mut people = People::new(&SeedSpec {
        manager_ratio: 1.0,
        ..spec(10_000, 0, 0, 0, 8)
    })
    .expect("spec");
    let mut depth = vec![0usize; 10_000];
    let mut reports = vec![0usize; 10_000];
    for n in 0..10_000 {
        let p = people.next_person();
        if let Some(m) = p.manager {
            depth[n] = depth[m] + 1;
            reports[m] += 1;
        }
    }
    let deepest = depth.iter().max().copied().unwrap_or(0);
    let widest = reports.iter().max().copied().unwrap_or(0);
    assert!((4..=12).contains(&deepest), "hierarchy depth {deepest}");
    assert!(widest <= 40, "a manager has {widest} reports");
}

fn assert_unique_user_names(users: usize) {
    let mut people = People::new(&spec(users, 0, 0, 0, 1)).expect("spec");
    let mut seen = BTreeSet::new();
    for _ in 0..users {
        let p = people.next_person();
        let name = p.user["userName"]
            .as_str()
            .unwrap_or("")
            .to_ascii_lowercase();
        assert!(seen.insert(name.clone()), "{name} generated twice");
    }
}

#[test]
fn user_names_are_unique_at_100k() {
    assert_unique_user_names(100_000);
}

#[test]
#[ignore = "a million users: run with --release -- --ignored"]
fn user_names_are_unique_at_1m() {
    assert_unique_user_names(1_000_000);
}

#[test]
fn bad_specs_are_rejected_naming_the_field() {
    let base = SeedSpec::default();
    #[rustfmt::skip]
    let table = [
        (SeedSpec { users: MAX_USERS + 1, ..base.clone() }, "seed.users"),
        (SeedSpec { groups: MAX_OTHERS + 1, ..base.clone() }, "seed.groups"),
        (SeedSpec { roles: MAX_OTHERS + 1, ..base.clone() }, "seed.roles"),
        (SeedSpec { active_ratio: 1.5, ..base.clone() }, "seed.activeRatio"),
        (SeedSpec { manager_ratio: f64::NAN, ..base.clone() }, "seed.managerRatio"),
        (SeedSpec { role_ratio: -0.1, ..base.clone() }, "seed.roleRatio"),
        (SeedSpec { groups_per_user: [0.0; 4], ..base.clone() }, "seed.groupsPerUser"),
        (SeedSpec { groups_per_user: [1.0, f64::INFINITY, 0.0, 0.0], ..base.clone() }, "seed.groupsPerUser"),
        (SeedSpec { max_entitlements_per_user: 0, ..base.clone() }, "seed.maxEntitlementsPerUser"),
        (SeedSpec { max_roles_per_user: 65, ..base.clone() }, "seed.maxRolesPerUser"),
        (SeedSpec { domain: Some("gmail.com".into()), ..base.clone() }, "seed.domain"),
        (SeedSpec { domain: Some("notexample.com".into()), ..base.clone() }, "seed.domain"),
        (SeedSpec { domain: Some("Acme.example.com".into()), ..base.clone() }, "seed.domain"),
        (SeedSpec { domain: Some("a..example.com".into()), ..base.clone() }, "seed.domain"),
        (SeedSpec { organization: Some(" ".into()), ..base.clone() }, "seed.organization"),
    ];
    for (bad, field) in table {
        let err = bad.check().expect_err(field);
        assert_eq!(
            (err.status, err.scim_type),
            (400, Some(crate::ScimType::InvalidValue)),
            "{field}"
        );
        assert!(err.detail.contains(field), "{field}: {}", err.detail);
        assert!(generate(&bad, &mut |_, _| unreachable!("nothing is generated")).is_err());
    }
}

#[test]
fn chosen_domain_and_organization_are_used() {
    for domain in ["example.org", "load.example.net", "a-1.b.example.com"] {
        let all = collect(&SeedSpec {
            domain: Some(domain.into()),
            organization: Some("Initech".into()),
            ..spec(5, 0, 0, 0, 1)
        });
        for user in of_type(&all, "User") {
            assert!(user["userName"]
                .as_str()
                .unwrap_or("")
                .ends_with(&format!("@{domain}")));
            assert_eq!(user[ENTERPRISE_USER]["organization"], "Initech");
        }
    }
}

#[test]
fn seed_spec_json_fills_missing_fields_with_defaults() {
    for (json, expected) in [
        ("{}", SeedSpec::default()),
        (
            r#"{"users": 3, "seed": 9}"#,
            SeedSpec {
                users: 3,
                seed: 9,
                ..SeedSpec::default()
            },
        ),
        (
            r#"{"activeRatio": 0.5, "groupsPerUser": [1, 0, 0, 0], "domain": "example.net"}"#,
            SeedSpec {
                active_ratio: 0.5,
                groups_per_user: [1.0, 0.0, 0.0, 0.0],
                domain: Some("example.net".into()),
                ..SeedSpec::default()
            },
        ),
    ] {
        let parsed: SeedSpec = serde_json::from_str(json).expect(json);
        assert_eq!(parsed, expected, "{json}");
    }
}

fn populated(settings: crate::Settings, spec: &SeedSpec) -> Result<(Tenant, ChangeSet)> {
    let mut tenant = Tenant::new(settings)?;
    let mut ids = crate::env::SequentialIds::default();
    let mut env = Env {
        now_ms: 1_767_225_600_000,
        base_url: "http://127.0.0.1:8787/scim/v2",
        ids: &mut ids,
    };
    let changes = populate(&mut tenant, spec, &mut env)?;
    Ok((tenant, changes))
}

#[test]
fn every_generated_resource_passes_validation_like_a_post() {
    let strict = crate::Settings {
        strict: true,
        ..crate::Settings::default()
    };
    let mut no_okta = crate::Settings::default();
    no_okta.resource_types.entitlement = false;
    no_okta.resource_types.role = false;
    // (settings, spec, expected [users, groups, entitlements, roles])
    let table = [
        (
            crate::Settings::default(),
            SeedSpec::default(),
            [10, 5, 8, 4],
        ),
        (strict, spec(2_000, 12, 30, 7, 77), [2_000, 12, 30, 7]),
        (no_okta, spec(200, 3, 8, 4, 5), [200, 3, 0, 0]),
    ];
    for (settings, spec, [users, groups, entitlements, roles]) in table {
        let (tenant, changes) =
            populated(settings, &spec).expect("every generated resource is valid");
        let counts = tenant.counts();
        let count = |t: &str| counts.get(t).copied().unwrap_or(0);
        assert_eq!(
            [
                count("User"),
                count("Group"),
                count("Entitlement"),
                count("Role")
            ],
            [users, groups, entitlements, roles],
            "seed {}",
            spec.seed
        );
        assert_eq!(
            changes.upserted.len(),
            users + groups + entitlements + roles
        );
        assert!(changes.deleted.is_empty());
        for (_, stored) in &changes.upserted {
            assert!(stored["id"].is_string() && stored["meta"]["created"].is_string());
            if entitlements == 0 {
                assert!(stored.get("entitlements").is_none() && stored.get("roles").is_none());
            }
        }
        // User.groups is computed from the generated memberships.
        let mut tenant = tenant;
        for (key, _) in changes
            .upserted
            .iter()
            .filter(|(k, _)| k.resource_type == "User")
            .take(50)
        {
            let mut ids = crate::env::SequentialIds::default();
            let mut env = Env {
                now_ms: 0,
                base_url: "http://127.0.0.1:8787/scim/v2",
                ids: &mut ids,
            };
            let req = crate::Request::new(crate::Method::Get, &format!("/Users/{}", key.id));
            let out = tenant.handle(&req, &mut env);
            assert_eq!(out.response.status, 200);
            let body = crate::value::from_slice(&out.response.body).expect("json");
            let n = body
                .get("groups")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            assert!(
                (1..=4).contains(&n.max(usize::from(groups == 0))),
                "user {} in {n} groups",
                key.id
            );
        }
    }
}

#[test]
fn the_same_seed_populates_identical_tenants() {
    let spec = spec(300, 6, 9, 3, 21);
    let (a, _) = populated(crate::Settings::default(), &spec).expect("valid");
    let (b, _) = populated(crate::Settings::default(), &spec).expect("valid");
    assert_eq!(crate::admin::export(&a), crate::admin::export(&b));
}

#[test]
fn populating_a_tenant_twice_is_a_uniqueness_conflict() {
    let spec = spec(5, 0, 0, 0, 1);
    let (mut tenant, _) = populated(crate::Settings::default(), &spec).expect("valid");
    let mut ids = crate::env::SequentialIds {
        prefix: "again-".into(),
        last: 0,
    };
    let mut env = Env {
        now_ms: 0,
        base_url: "http://127.0.0.1:8787/scim/v2",
        ids: &mut ids,
    };
    let err = populate(&mut tenant, &spec, &mut env).expect_err("second run collides");
    assert_eq!(
        (err.status, err.scim_type),
        (409, Some(crate::ScimType::Uniqueness))
    );
}

#[test]
fn chunked_generation_makes_the_same_data_as_one_run() {
    let spec = spec(60, 5, 4, 3, 11);
    let whole = collect(&spec);
    for budget in [1, 4, 7, 59, 1000] {
        let mut generator = Generator::new(&spec).unwrap();
        assert_eq!(generator.total(), 72);
        let mut all = Vec::new();
        let mut n = 0u64;
        let mut steps = 0;
        while !generator.is_finished() {
            let before = generator.done();
            let made = generator
                .step(budget, &mut |resource_type, mut resource| {
                    n += 1;
                    if let Some(obj) = resource.as_object_mut() {
                        let id = format!("{}{n}", resource_type.to_ascii_lowercase());
                        obj.insert("id", Value::from(id));
                    }
                    all.push((resource_type.to_string(), resource.clone()));
                    Ok(Arc::new(resource))
                })
                .unwrap();
            assert_eq!(made, budget.min(72 - before), "budget {budget}");
            assert_eq!(generator.done(), before + made);
            steps += 1;
        }
        assert_eq!(steps, 72usize.div_ceil(budget), "budget {budget}");
        assert!(all == whole, "budget {budget}: chunked data differs");
    }
}

#[test]
fn groups_fill_up_to_the_tenants_value_cap_and_no_further() {
    let settings = crate::Settings {
        max_values_per_attribute: 40,
        ..crate::Settings::default()
    };
    let mut tenant = Tenant::new(settings).unwrap();
    let mut ids = crate::env::SequentialIds::default();
    let mut env = Env {
        now_ms: 0,
        base_url: "http://x",
        ids: &mut ids,
    };
    // 300 users in 2 groups would put about 200 in each.
    let changes = populate(&mut tenant, &spec(300, 2, 0, 0, 3), &mut env).unwrap();
    let groups: Vec<&Value> = changes
        .upserted
        .iter()
        .map(|(_, v)| &**v)
        .filter(|v| v["meta"]["resourceType"] == "Group")
        .collect();
    assert_eq!(groups.len(), 2);
    for group in groups {
        assert_eq!(group["members"].as_array().map(Vec::len), Some(40));
    }
}
