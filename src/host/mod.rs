//! Hosts: thin adapters around the core.
#[cfg(feature = "web")]
pub mod web;
#[cfg(feature = "worker")]
pub mod worker;
