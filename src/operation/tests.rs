//! Which write a method makes on a route.

use super::*;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

fn routes() -> Vec<Route> {
    vec![
        Route::ServiceProviderConfig,
        Route::ResourceTypes(None),
        Route::Schemas(Some("urn:x".into())),
        Route::RootSearch,
        Route::Bulk,
        Route::Me,
        Route::Collection(1),
        Route::Search(1),
        Route::Resource(1, "id-7".into()),
    ]
}

fn methods() -> Vec<Method> {
    vec![
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Other("HEAD".into()),
    ]
}

#[test]
fn writes_come_from_exactly_four_method_and_route_pairs() {
    let id = || "id-7".to_string();
    for route in routes() {
        for method in methods() {
            let expected = match (&method, &route) {
                (Method::Post, Route::Collection(1)) => Some(Write::Create { type_index: 1 }),
                (Method::Put, Route::Resource(1, _)) => Some(Write::Replace {
                    type_index: 1,
                    id: id(),
                }),
                (Method::Patch, Route::Resource(1, _)) => Some(Write::Modify {
                    type_index: 1,
                    id: id(),
                }),
                (Method::Delete, Route::Resource(1, _)) => Some(Write::Delete {
                    type_index: 1,
                    id: id(),
                }),
                _ => None,
            };
            let allowed = route.allowed().contains(&method);
            let described = alloc::format!("{} {route:?}", method.as_str());
            let write = Write::of(&method, route.clone());
            assert_eq!(write, expected, "{described}");
            // A write is only ever made where the route serves the method (405 otherwise).
            assert!(write.is_none() || allowed, "{described}");
            assert_eq!(
                write.as_ref().is_some_and(Write::takes_body),
                matches!(method, Method::Post | Method::Put | Method::Patch) && write.is_some(),
                "{described}"
            );
        }
    }
}
