//! The seam between the device session and a Bluetooth stack: the
//! [`Scanner`] and [`Transport`] traits and [`TransportError`] (including
//! [`TransportError::NeedsBonding`]). The shell implements them with
//! btleplug; [`super::simulator`] implements them in memory. Characteristics
//! are named by their 16-bit assigned numbers.

use std::time::Duration;

use serde::Serialize;

use crate::vocabulary::HealthService;

/// Health services the app scans for (16-bit assigned numbers).
pub const HEALTH_SERVICES: [u16; 7] = {
    let mut numbers = [0; 7];
    let mut i = 0;
    while i < numbers.len() {
        numbers[i] = HealthService::ALL[i].uuid16();
        i += 1;
    }
    numbers
};

/// Characteristics the session subscribes to when a device offers them.
pub const MEASUREMENT_CHARACTERISTICS: [u16; 10] =
    [0x2A35, 0x2A36, 0x2A1C, 0x2A9D, 0x2A9C, 0x2A18, 0x2A34, 0x2A5E, 0x2A5F, 0x2A37];

pub const RECORD_ACCESS_CONTROL_POINT: u16 = 0x2A52;
pub const CURRENT_TIME: u16 = 0x2A2B;
pub const DATE_TIME: u16 = 0x2A08;
pub const BATTERY_LEVEL: u16 = 0x2A19;
/// Device Information Service (0x180A) strings read when offered.
pub const MANUFACTURER_NAME: u16 = 0x2A29;
pub const MODEL_NUMBER: u16 = 0x2A24;
pub const SERIAL_NUMBER: u16 = 0x2A25;

/// Converts a full 128-bit Bluetooth UUID in the base range to its 16-bit
/// number.
pub fn short_uuid(uuid: &str) -> Option<u16> {
    let lower = uuid.to_ascii_lowercase();
    let rest = lower.strip_suffix("-0000-1000-8000-00805f9b34fb")?;
    u16::from_str_radix(rest.strip_prefix("0000")?, 16).ok()
}

/// The 128-bit form of a 16-bit number.
pub fn full_uuid(short: u16) -> String {
    format!("0000{short:04x}-0000-1000-8000-00805f9b34fb")
}

/// A value the device pushed (notification or indication).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub characteristic: u16,
    pub bytes: Vec<u8>,
}

/// A device seen while scanning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advertisement {
    /// Stable id: the Bluetooth address where the OS gives one (not on macOS).
    pub id: String,
    pub name: Option<String>,
    /// Health services it advertises.
    pub services: Vec<u16>,
    pub rssi: Option<i16>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", content = "detail", rename_all = "kebab-case")]
pub enum TransportError {
    #[error("the device disconnected")]
    Disconnected,
    /// Some monitors refuse indications until bonded through the OS.
    #[error("the device requires pairing (bonding) through the system settings first")]
    NeedsBonding,
    #[error("the device does not offer characteristic {0:#06x}")]
    NotOffered(u16),
    #[error("Bluetooth error: {0}")]
    Other(String),
}

impl TransportError {
    /// What kind of failure, for the log: the OS's own text can name the
    /// device's address, which is never logged.
    pub fn kind(&self) -> &'static str {
        match self {
            TransportError::Disconnected => "disconnected",
            TransportError::NeedsBonding => "needs bonding",
            TransportError::NotOffered(_) => "characteristic not offered",
            TransportError::Other(_) => "Bluetooth error",
        }
    }
}

/// A connected device.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Characteristics the device offers, after service discovery.
    fn characteristics(&self) -> Vec<u16>;
    /// Turns on notifications or indications for a characteristic.
    async fn subscribe(&mut self, characteristic: u16) -> Result<(), TransportError>;
    async fn read(&mut self, characteristic: u16) -> Result<Vec<u8>, TransportError>;
    /// Writes with response.
    async fn write(&mut self, characteristic: u16, bytes: &[u8]) -> Result<(), TransportError>;
    /// The next pushed value, or `None` when nothing came within `wait`.
    async fn next_notification(&mut self, wait: Duration) -> Result<Option<Notification>, TransportError>;
    /// Ends the connection (the device may sleep again); errors are of no
    /// use to the caller and are dropped.
    async fn disconnect(&mut self);
}

/// The OS's Bluetooth as the device watch sees it: whether it can be used
/// now (asked again after a scan fails, and until it can), and a scanner
/// once it can. BlueZ may stop and start again while the app runs.
#[allow(async_fn_in_trait)]
pub trait Radio {
    type Scanner: Scanner;
    /// Whether Bluetooth can be used now (never waits long).
    async fn status(&mut self) -> super::BluetoothStatus;
    /// A scanner on the first adapter.
    async fn open(&mut self) -> Result<Self::Scanner, TransportError>;
}

/// Finds and connects devices.
#[allow(async_fn_in_trait)]
pub trait Scanner {
    type Link: Transport;
    /// Devices advertising any of `services`, seen within `wait`.
    async fn scan(&mut self, services: &[u16], wait: Duration) -> Result<Vec<Advertisement>, TransportError>;
    async fn connect(&mut self, id: &str) -> Result<Self::Link, TransportError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_convert_both_ways() {
        for n in [0x1810u16, 0x2A35, 0x2A52] {
            assert_eq!(short_uuid(&full_uuid(n)), Some(n));
        }
        assert_eq!(short_uuid("00002A35-0000-1000-8000-00805F9B34FB"), Some(0x2A35));
        assert_eq!(short_uuid("12345678-0000-1000-8000-00805f9b34fb"), None);
        assert_eq!(short_uuid("00002a35-0000-1000-8000-00805f9b34fc"), None);
    }
}
