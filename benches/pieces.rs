//! Single pieces of the engine, timed alone: `cargo bench --bench pieces`.
//!
//! - `normalize`: `normalize_resource` on one rich user (client JSON to stored form), as
//!   the difference between clone + normalize + drop and clone + drop alone.
//! - `projection`: `attributes=id` and no projection over a page of 1,000 stored users.
//!
//! Each figure is the best of 30 batches, since the machine is shared.

use scimlet::project::{parse_attribute_list, Projection, ProjectionPlan};
use scimlet::schema::builtin::{resource_type, ENTERPRISE_USER, USER};
use scimlet::schema::normalize_resource;
use scimlet::{json, Value};
use std::hint::black_box;
use std::time::Instant;

/// Best time per item over 30 batches of `items` runs of `f`, in nanoseconds.
fn best_ns(items: usize, mut f: impl FnMut()) -> f64 {
    (0..30)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_nanos() as f64 / items as f64
        })
        .fold(f64::MAX, f64::min)
}

fn normalize() {
    let rs = resource_type("User").expect("User");
    let user = json!({
        "schemas": [USER, ENTERPRISE_USER],
        "externalId": "00u1abcd",
        "userName": "ann.lee@example.com",
        "name": {"givenName": "Ann", "familyName": "Lee", "formatted": "Ann Lee"},
        "displayName": "Ann Lee",
        "nickName": "Annie",
        "title": "Engineer",
        "userType": "Employee",
        "preferredLanguage": "en-US",
        "locale": "en-US",
        "timezone": "Europe/Oslo",
        "active": true,
        "password": "hunter2!",
        "emails": [{"value": "ann.lee@example.com", "type": "work", "primary": true},
                   {"value": "ann@home.example", "type": "home"}],
        "phoneNumbers": [{"value": "+47 555 12345", "type": "work"}],
        ENTERPRISE_USER: {"employeeNumber": "12345", "department": "R&D",
                          "manager": {"value": "00u1boss"}}
    });
    let rounds = 10_000;
    let baseline = best_ns(rounds, || {
        for _ in 0..rounds {
            black_box(user.clone());
        }
    });
    let total = best_ns(rounds, || {
        for _ in 0..rounds {
            let stored = normalize_resource(&rs, user.clone(), false).expect("a valid user");
            black_box(stored);
        }
    });
    println!(
        "normalize_resource: {:.0} ns per user (clone + drop alone: {baseline:.0} ns)",
        total - baseline
    );
}

fn projection() {
    let rs = resource_type("User").expect("User");
    let page: Vec<Value> = (0..1000)
        .map(|i| {
            json!({
                "schemas": [USER, ENTERPRISE_USER],
                "id": format!("u{i}"),
                "externalId": "e1",
                "userName": format!("ann{i}"),
                "name": {"givenName": "Ann", "familyName": "Lee"},
                "active": true,
                "emails": [{"value": "a@x.org", "type": "work", "primary": true},
                           {"value": "b@x.org", "type": "home"}],
                "meta": {"resourceType": "User", "created": "2026-01-01T00:00:00Z",
                         "lastModified": "2026-01-02T00:00:00Z",
                         "location": "https://example.com/v2/Users/u1", "version": "W/\"1\""},
                ENTERPRISE_USER: {"employeeNumber": "7", "department": "Ops"}
            })
        })
        .collect();
    for (name, attributes) in [("attributes=id", "id"), ("no projection", "")] {
        let projection = Projection {
            attributes: parse_attribute_list(attributes),
            excluded: Vec::new(),
        };
        let ns = best_ns(page.len(), || {
            let plan = ProjectionPlan::new(&rs, &projection);
            black_box(page.iter().map(|u| plan.apply(u)).collect::<Vec<Value>>());
        });
        println!("projection, {name}: {ns:.0} ns per resource (page of 1,000)");
    }
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let run = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if run("normalize") {
        normalize();
    }
    if run("projection") {
        projection();
    }
}
