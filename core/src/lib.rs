//! `heima-core`: everything Heima knows, as plain data and functions, with
//! no Tauri, no webview and no OS device or codec library. `lib.rs` names
//! the modules; they import each other in no cycle (`tests/tidy` keeps this
//! and the leaves).
//!
//! Wall-clock time comes from an injected clock (see [`clock`]) and
//! randomness from the shell. The core's own I/O is the encrypted store file
//! and the app's data folder (`store`, `atomic_file`, `app`), HTTP to the
//! follow-up service (`net`, `sync`, `call::signalling`) and a call's WebRTC
//! sockets (`call`), each behind its own type; the shell (`src-tauri`) does
//! the rest — the keyring, the settings file, Bluetooth, notifications — and
//! hands the results here. Every type that crosses to the UI is plain
//! `serde` data; errors are codes (see [`error`]) that the UI turns into
//! words from the Fluent files.

pub mod app;
pub mod appointments;
pub mod atomic_file;
pub mod call;
pub mod camera;
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
pub mod photo;
pub mod plan;
pub mod plan_change;
pub mod questionnaire;
pub mod recording;
pub mod reminders;
pub mod results;
pub mod schedule;
pub mod settings;
pub mod speech;
pub mod store;
pub mod sync;
pub mod today;
pub mod traffic_light;
pub mod trust;
pub mod vocabulary;
