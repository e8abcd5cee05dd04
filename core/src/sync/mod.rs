//! Sync with the follow-up service over plain FHIR R4 REST, in layers:
//! [`bundle`] builds and reads the resources (pure), [`client`] is the
//! HTTP client, [`upload`] and [`download`] are the policy (what to send,
//! what to keep, when to try again), [`round`] one round as the app runs
//! it, and [`enrol`] the HTTP side of enrolment. The push channel:
//! [`push`] its policy (pure), [`channel`] its subscription and socket.

pub mod bundle;
pub mod channel;
pub mod client;
pub mod download;
pub mod enrol;
pub mod push;
pub mod round;
pub mod upload;
