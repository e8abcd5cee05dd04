//! What the app knows about Bluetooth health devices. For now: whether the
//! tablet's Bluetooth can be used at all, as the device screen shows it.

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
}
