//! # scimlet
//!
//! A SCIM 2.0 service provider (RFC 7643, RFC 7644) as a `no_std` + `alloc` library: the
//! engine behind scimlet's Cloudflare Worker, its browser sandbox and any in-process host.
//!
//! The core does no I/O and reads no clock or random source: a host builds a
//! [`http::Request`], passes the time, the SCIM base URL and an id source in an
//! [`env::Env`], and gets back a [`http::Response`] plus the [`tenant::ChangeSet`] to
//! persist.
//!
//! See `ARCHITECTURE.md` for the code map and the invariants.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;
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
pub mod bulk;
mod column;
pub mod discovery;
pub mod env;
pub mod error;
pub mod filter;
pub mod generate;
pub mod http;
mod index;
mod membership;
mod operation;
pub mod patch;
pub mod path;
pub mod project;
pub mod query;
mod resource;
mod route;
mod router;
pub mod schema;
pub mod settings;
pub mod tenant;
pub mod time;
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
pub use tenant::{ChangeSet, Outcome, Tenant};
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
