//! What Heima's tests and benchmarks share, in one crate instead of
//! `#[path]` includes: a real FHIR server ([`hfs`]), the test
//! authorisation gateway in front of it ([`auth`]), an independent OpenID
//! provider ([`oidc`]), bare HTTP plumbing for
//! test servers ([`http`]), sample readings ([`readings`]), a phone's
//! photo with EXIF and a place ([`photos`]), a hostile
//! service for the trust tests ([`tamper`]), HTTPS with a test CA ([`tls`])
//! a TCP relay a test can cut ([`relay`]), a TURN server, coturn
//! ([`turn`]), and BlueZ simulated at its D-Bus API ([`bluez`]).

pub mod auth;
pub mod bluez;
pub mod hfs;
pub mod http;
pub mod oidc;
pub mod photos;
pub mod readings;
pub mod relay;
pub mod tamper;
pub mod tls;
pub mod turn;
