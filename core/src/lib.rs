//! `heima-core`: everything Heima knows, as plain data and pure functions.
//!
//! This crate has no Tauri, no webview and no I/O of its own: the clock is
//! passed in (see [`clock`]), and the shell (`src-tauri`) reads and writes
//! files, talks to Bluetooth and the network, and hands the results here.
//! Every type that crosses to the UI is plain `serde` data; errors are codes
//! (see [`error`]) that the UI turns into words from the Fluent files.

pub mod app;
pub mod atomic_file;
pub mod call;
pub mod clock;
pub mod contacts;
pub mod demo;
pub mod devices;
pub mod enrolment;
pub mod error;
pub mod fhir;
pub mod gatt;
pub mod holidays;
pub mod judging;
pub mod locale;
pub mod manual;
pub mod material;
pub mod measurement;
pub mod net;
pub mod plan;
pub mod plan_change;
pub mod questionnaire;
pub mod recording;
pub mod reminders;
pub mod results;
pub mod schedule;
pub mod settings;
pub mod store;
pub mod sync;
pub mod today;
pub mod traffic_light;
pub mod trust;
pub mod vocabulary;
