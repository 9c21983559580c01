//! # scimlet
//!
//! A SCIM 2.0 service provider (RFC 7643, RFC 7644) as a `no_std` + `alloc` library: the
//! engine behind scimlet's Cloudflare Worker, its browser sandbox and any in-process host.
//!
//! The core does no I/O and reads no clock or random source: a host builds a
//! [`Request`], passes the time, the SCIM base URL and an id source in an [`Env`], and
//! gets back a [`Response`] plus the [`ChangeSet`] to persist.
//!
//! ```
//! use scimlet::{env::UuidIds, Env, Method, Request, Settings, Tenant};
//!
//! let mut tenant = Tenant::new(Settings::default()).unwrap();
//! let mut ids = UuidIds::new(42);
//! let mut env = Env { now_ms: 1_795_000_000_000, base_url: "http://localhost/scim/v2", ids: &mut ids };
//! let post = Request::new(Method::Post, "/Users").with_body(r#"{"userName":"bjensen"}"#);
//! let out = tenant.handle(&post, &mut env);
//! assert_eq!(out.response.status, 201);
//! for (key, stored) in &out.changes.upserted {
//!     // Persist `stored` under `key`; rebuild later with `Tenant::load`.
//!     let _ = (key, scimlet::value::from_str(&stored.to_string()).unwrap());
//! }
//! ```
//!
//! ## The public surface
//!
//! At the root, what a host needs: [`Tenant`] (one virtual server: `handle`, `load`,
//! `export`, `import`), [`Request`], [`Response`], [`Method`], [`Env`] and [`IdSource`],
//! [`Outcome`], [`ChangeSet`] and [`ResourceKey`] (what to persist), [`Settings`],
//! [`ScimError`] and its kind [`ScimType`], and the JSON [`Value`], [`Map`], [`Text`] and
//! [`json!`].
//!
//! Modules, for hosts and for using one SCIM piece on its own:
//! - [`env`](mod@env): id sources ([`env::UuidIds`], [`env::SequentialIds`]) and the seeded
//!   [`env::Rng`];
//! - [`settings`]: everything a server's settings hold;
//! - [`value`]: the JSON value and the one parser from JSON text;
//! - [`schema`]: schemas as data, the built-in ones, and validation of client JSON;
//! - [`filter`]: parse, print and evaluate RFC 7644 filters;
//! - [`path`] and [`patch`]: PATCH paths and applying a `PatchOp` to a resource;
//! - [`project`]: `attributes` and `excludedAttributes`;
//! - [`generate`]: deterministic fake users, groups, entitlements and roles;
//! - [`admin`]: what hosts share to administer servers (ids, tokens, records);
//! - [`csv`](mod@csv): identity domains' Users.csv, Groups.csv and AppRoleMembership.csv,
//!   imported a budget of rows at a time and exported in pieces;
//! - [`store`]: the SQLite database a host lends a tenant ([`store::Sql`]), for
//!   [`Tenant::with_sql`] and [`Tenant::with_sql_mirrored`].
//!
//! Routing, the operations, Bulk, list queries, discovery documents, indexes and columns
//! are the engine's own and reachable only through [`Tenant::handle`].
//!
//! See `ARCHITECTURE.md` for the code map and the invariants.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
// The tests' SQLite adapter (`tests/client/sqlite.rs`) names the crate as integration tests
// do; the store's unit tests include it too.
#[cfg(test)]
extern crate self as scimlet;
// Hosts and native builds link std for their runtime (allocator, panic handling); the
// core's code never names `std`, which the bare wasm32 build below proves.
#[cfg(any(
    test,
    not(target_arch = "wasm32"),
    feature = "worker",
    feature = "web",
    feature = "cli"
))]
extern crate std;

pub mod admin;
mod bulk;
mod column;
pub mod csv;
mod discovery;
mod encoding;
pub mod env;
mod error;
pub mod filter;
mod fold;
pub mod generate;
mod http;
mod index;
pub mod jobs;
mod membership;
mod operation;
pub mod patch;
pub mod path;
pub mod persona;
pub mod project;
mod query;
mod resource;
mod route;
mod router;
pub mod schema;
pub mod secret;
pub mod settings;
pub mod store;
mod tenant;
mod time;
pub mod value;

#[cfg(any(feature = "worker", feature = "web"))]
pub mod host;

/// The README's Rust examples run as doctests, so the front page never lies.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use env::{Env, IdSource};
pub use error::{ScimError, ScimType};
pub use http::{Method, Request, Response};
pub use settings::Settings;
pub use tenant::{ChangeSet, Outcome, ResourceKey, Tenant};
pub use value::{Map, Text, Value};

/// The runtime of the bare core build (`cargo build --target wasm32-unknown-unknown
/// --no-default-features`), which links no std: an allocator and a panic handler. The core
/// never panics by design; if it ever did, trapping is all wasm can do.
#[cfg(all(
    target_arch = "wasm32",
    not(any(test, feature = "worker", feature = "web", feature = "cli"))
))]
mod bare_runtime {
    #[global_allocator]
    static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
        core::arch::wasm32::unreachable()
    }
}
