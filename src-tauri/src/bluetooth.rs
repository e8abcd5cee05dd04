//! The btleplug adapter: the probe that finds out whether Bluetooth can be
//! used at all, with a timeout (a missing system bus or BlueZ daemon gives
//! "unavailable" and must never stop the app), and [`BtleRadio`],
//! [`BtleScanner`] and [`BtleLink`], the real `Radio`, [`Scanner`] and
//! [`Transport`] of the core's device watch and session.

use std::time::Duration;

use btleplug::api::Manager as _;
use heima_core::devices::{BluetoothStatus, UnavailableReason};

/// How long to wait for the OS Bluetooth service before calling it absent.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Asks the OS for Bluetooth adapters and whether the first is switched
/// on. Asked again and again while Bluetooth is away, so it logs at debug
/// level only (the device watch logs each change).
pub async fn probe() -> BluetoothStatus {
    match tokio::time::timeout(PROBE_TIMEOUT, adapters()).await {
        Ok(Ok((0, _))) => BluetoothStatus::Unavailable { reason: UnavailableReason::NoAdapter },
        Ok(Ok((_, CentralState::PoweredOff))) => {
            BluetoothStatus::Unavailable { reason: UnavailableReason::SwitchedOff }
        }
        Ok(Ok((adapters, _))) => BluetoothStatus::Available { adapters },
        Ok(Err(e)) => {
            log::debug!("bluetooth service not reachable: {e}");
            BluetoothStatus::Unavailable { reason: UnavailableReason::NoService }
        }
        Err(_) => {
            log::debug!("bluetooth service did not answer within {PROBE_TIMEOUT:?}");
            BluetoothStatus::Unavailable { reason: UnavailableReason::NoService }
        }
    }
}

/// How many adapters, and the first one's state.
async fn adapters() -> Result<(usize, CentralState), btleplug::Error> {
    let manager = btleplug::platform::Manager::new().await?;
    let adapters = manager.adapters().await?;
    let state = match adapters.first() {
        Some(adapter) => adapter.adapter_state().await?,
        None => CentralState::Unknown,
    };
    Ok((adapters.len(), state))
}

// ---------------------------------------------------------------------------
// The btleplug implementation of the core's `Scanner` and `Transport`.
// ---------------------------------------------------------------------------

use std::{collections::BTreeSet, pin::Pin};

use btleplug::api::{
    Central, CentralState, CharPropFlags, Characteristic, Peripheral as _, ScanFilter, ValueNotification, WriteType,
};
use btleplug::platform::{Adapter, Peripheral};
use futures::{Stream, StreamExt};
use heima_core::devices::transport::{
    full_uuid, short_uuid, Advertisement, Notification, Scanner, Transport, TransportError,
};
use uuid::Uuid;

fn uuid16(short: u16) -> Uuid {
    Uuid::parse_str(&full_uuid(short)).expect("base UUIDs parse")
}

/// Maps btleplug's errors; BlueZ reports a missing bond as an
/// authentication or permission failure.
fn transport_error(error: btleplug::Error) -> TransportError {
    let text = error.to_string();
    match error {
        btleplug::Error::NotConnected | btleplug::Error::DeviceNotFound => TransportError::Disconnected,
        btleplug::Error::PermissionDenied => TransportError::NeedsBonding,
        _ if ["Authentication", "NotPermitted", "Insufficient", "NotAuthorized"].iter().any(|k| text.contains(k)) => {
            TransportError::NeedsBonding
        }
        _ => TransportError::Other(text),
    }
}

/// The stable id the registry keys devices by: the Bluetooth address, or
/// the OS's peripheral id where there is none (macOS).
fn device_id(peripheral: &Peripheral) -> String {
    let address = peripheral.address();
    if address == btleplug::api::BDAddr::default() {
        peripheral.id().to_string()
    } else {
        address.to_string()
    }
}

/// The OS's Bluetooth for the core's device watch: the probe, and a
/// scanner on the first adapter (opened anew after BlueZ came back).
pub struct BtleRadio;

impl heima_core::devices::transport::Radio for BtleRadio {
    type Scanner = BtleScanner;
    async fn status(&mut self) -> BluetoothStatus {
        probe().await
    }
    async fn open(&mut self) -> Result<BtleScanner, TransportError> {
        BtleScanner::new().await
    }
}

/// Scans and connects through the first Bluetooth adapter.
pub struct BtleScanner {
    adapter: Adapter,
}

impl BtleScanner {
    pub async fn new() -> Result<BtleScanner, TransportError> {
        let manager = btleplug::platform::Manager::new().await.map_err(transport_error)?;
        let adapter = manager
            .adapters()
            .await
            .map_err(transport_error)?
            .into_iter()
            .next()
            .ok_or_else(|| TransportError::Other("no Bluetooth adapter".into()))?;
        Ok(BtleScanner { adapter })
    }
}

impl Scanner for BtleScanner {
    type Link = BtleLink;

    async fn scan(&mut self, services: &[u16], wait: Duration) -> Result<Vec<Advertisement>, TransportError> {
        let filter = ScanFilter { services: services.iter().copied().map(uuid16).collect() };
        self.adapter.start_scan(filter).await.map_err(transport_error)?;
        tokio::time::sleep(wait).await;
        self.adapter.stop_scan().await.map_err(transport_error)?;
        let mut found = vec![];
        for peripheral in self.adapter.peripherals().await.map_err(transport_error)? {
            let Some(properties) = peripheral.properties().await.map_err(transport_error)? else { continue };
            let offered: Vec<u16> = properties.services.iter().filter_map(|u| short_uuid(&u.to_string())).collect();
            let health: Vec<u16> = offered.into_iter().filter(|s| services.contains(s)).collect();
            if health.is_empty() {
                continue;
            }
            found.push(Advertisement {
                id: device_id(&peripheral),
                name: properties.local_name.or(properties.advertisement_name),
                services: health,
                rssi: properties.rssi,
            });
        }
        Ok(found)
    }

    async fn connect(&mut self, id: &str) -> Result<BtleLink, TransportError> {
        let peripheral = self
            .adapter
            .peripherals()
            .await
            .map_err(transport_error)?
            .into_iter()
            .find(|p| device_id(p) == id)
            .ok_or_else(|| TransportError::Other(format!("{id} is not in range")))?;
        if !peripheral.is_connected().await.map_err(transport_error)? {
            peripheral.connect().await.map_err(transport_error)?;
        }
        peripheral.discover_services().await.map_err(transport_error)?;
        // One stream for the whole link; btleplug keeps it across reconnects.
        let notifications = peripheral.notifications().await.map_err(transport_error)?;
        let characteristics = peripheral.characteristics();
        Ok(BtleLink { peripheral, characteristics, notifications })
    }
}

/// A connected peripheral.
pub struct BtleLink {
    peripheral: Peripheral,
    characteristics: BTreeSet<Characteristic>,
    notifications: Pin<Box<dyn Stream<Item = ValueNotification> + Send>>,
}

impl BtleLink {
    fn characteristic(&self, short: u16) -> Result<&Characteristic, TransportError> {
        let uuid = uuid16(short);
        self.characteristics.iter().find(|c| c.uuid == uuid).ok_or(TransportError::NotOffered(short))
    }
}

impl Transport for BtleLink {
    fn characteristics(&self) -> Vec<u16> {
        self.characteristics.iter().filter_map(|c| short_uuid(&c.uuid.to_string())).collect()
    }

    async fn subscribe(&mut self, characteristic: u16) -> Result<(), TransportError> {
        let c = self.characteristic(characteristic)?.clone();
        if !c.properties.intersects(CharPropFlags::NOTIFY | CharPropFlags::INDICATE) {
            return Err(TransportError::NotOffered(characteristic));
        }
        self.peripheral.subscribe(&c).await.map_err(transport_error)
    }

    async fn read(&mut self, characteristic: u16) -> Result<Vec<u8>, TransportError> {
        let c = self.characteristic(characteristic)?.clone();
        self.peripheral.read(&c).await.map_err(transport_error)
    }

    async fn write(&mut self, characteristic: u16, bytes: &[u8]) -> Result<(), TransportError> {
        let c = self.characteristic(characteristic)?.clone();
        self.peripheral.write(&c, bytes, WriteType::WithResponse).await.map_err(transport_error)
    }

    async fn disconnect(&mut self) {
        let _ = self.peripheral.disconnect().await;
    }

    async fn next_notification(&mut self, wait: Duration) -> Result<Option<Notification>, TransportError> {
        match tokio::time::timeout(wait, self.notifications.next()).await {
            // Quiet, or gone: btleplug's stream does not end when the
            // device drops the link, so a quiet link is asked whether it is
            // still there (a transfer cut short is then told as such).
            Err(_) => match self.peripheral.is_connected().await {
                Ok(true) => Ok(None),
                Ok(false) => Err(TransportError::Disconnected),
                Err(error) => Err(transport_error(error)),
            },
            Ok(None) => Err(TransportError::Disconnected),
            Ok(Some(n)) => match short_uuid(&n.uuid.to_string()) {
                Some(characteristic) => Ok(Some(Notification { characteristic, bytes: n.value })),
                // Not a SIG characteristic: ignore and wait for the next one.
                None => Ok(Some(Notification { characteristic: 0, bytes: n.value })),
            },
        }
    }
}
