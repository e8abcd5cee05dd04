//! What Heima's tests and benchmarks share, in one crate instead of
//! `#[path]` includes: a real FHIR server ([`hfs`]), the test
//! authorisation gateway in front of it ([`auth`]), bare HTTP plumbing for
//! test servers ([`http`]) and sample readings ([`readings`]).

pub mod auth;
pub mod hfs;
pub mod http;
pub mod readings;
