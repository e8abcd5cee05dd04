//! Bluetooth health devices: whether Bluetooth can be used at all
//! ([`BluetoothStatus`], as the device screen shows it), the
//! [`transport::Transport`] seam between the session logic and a radio, the
//! session itself ([`session`]), when the device watch scans ([`scan_plan`])
//! and a simulated peripheral ([`simulator`]) that speaks byte-exact
//! payloads. It imports nothing of the store: a session hands each record to
//! a sink (`recording::StoreSink` judges and stores it).

pub mod scan_plan;
pub mod session;
pub mod simulator;
pub mod transport;

use serde::Serialize;

/// Whether Bluetooth can be used, as found by the shell's adapter probe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum BluetoothStatus {
    /// The probe has not answered yet.
    Checking,
    /// At least one adapter is present.
    Available { adapters: usize },
    /// No adapter, no system bus, or no permission. `reason` is a code.
    Unavailable { reason: UnavailableReason },
}

/// Why Bluetooth cannot be used; the UI words each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnavailableReason {
    /// The OS Bluetooth service could not be reached (e.g. no D-Bus system bus
    /// or no BlueZ daemon).
    NoService,
    /// The service answered, but there is no adapter.
    NoAdapter,
    /// There is an adapter, switched off (the tablet's Bluetooth setting).
    SwitchedOff,
}
