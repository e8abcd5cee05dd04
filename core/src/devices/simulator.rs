//! A simulated peripheral that speaks byte-exact GATT payloads: it answers
//! reads (Current Time, battery, Device Information), accepts writes (the
//! clock, the Record Access Control Point), keeps stored records and replays
//! them for RACP requests, pushes live readings, and can misbehave the ways
//! real devices do: disconnect in the middle of a transfer, send every
//! record twice, refuse indications until bonded, refuse RACP requests, or
//! send a broken packet. [`SimulatedRadio`] is the OS's Bluetooth around
//! them, which can go away and come back (BlueZ stopping).

use std::{
    collections::VecDeque,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use super::{
    transport::{
        Advertisement, Notification, Radio, Scanner, Transport, TransportError, BATTERY_LEVEL, CURRENT_TIME,
        RECORD_ACCESS_CONTROL_POINT,
    },
    BluetoothStatus, UnavailableReason,
};
use crate::gatt::racp::{Filter, OpCode, RacpMessage, ResponseValue, Selection};

/// A stored record: its sequence number and the measurement bytes
/// (plus the characteristic they belong to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub sequence: u16,
    pub characteristic: u16,
    pub bytes: Vec<u8>,
}

/// How the simulated device behaves.
#[derive(Debug, Clone, Default)]
pub struct SimulatedDevice {
    pub id: String,
    pub name: String,
    pub services: Vec<u16>,
    pub characteristics: Vec<u16>,
    /// Current Time bytes the device answers with (10 bytes).
    pub current_time: Option<Vec<u8>>,
    /// Whether a write to Current Time is accepted.
    pub clock_writable: bool,
    pub battery_percent: Option<u8>,
    /// Device Information Service strings by characteristic (0x2A29 …), as bytes.
    pub information: Vec<(u16, Vec<u8>)>,
    pub stored: Vec<StoredRecord>,
    /// Pushed after subscription (e.g. a cuff sending its new reading).
    pub live: Vec<Notification>,
    /// Drop the link after this many pushed values.
    pub disconnect_after: Option<usize>,
    /// Send every stored record twice.
    pub duplicate_records: bool,
    /// Refuse subscriptions as an unbonded A&D/Omron monitor does.
    pub needs_bonding: bool,
    /// Answer every RACP request with this response instead of records.
    pub racp_refusal: Option<ResponseValue>,
}

/// The connected simulated device.
#[derive(Debug)]
pub struct SimulatedLink {
    device: SimulatedDevice,
    queue: VecDeque<Notification>,
    subscribed: Vec<u16>,
    pushed: usize,
    disconnected: bool,
    /// Every write the session made, in order.
    pub writes: Vec<(u16, Vec<u8>)>,
}

impl SimulatedLink {
    pub fn new(device: SimulatedDevice) -> SimulatedLink {
        SimulatedLink {
            device,
            queue: VecDeque::new(),
            subscribed: vec![],
            pushed: 0,
            disconnected: false,
            writes: vec![],
        }
    }

    fn check(&self) -> Result<(), TransportError> {
        if self.disconnected {
            Err(TransportError::Disconnected)
        } else {
            Ok(())
        }
    }

    fn offered(&self, characteristic: u16) -> Result<(), TransportError> {
        if self.device.characteristics.contains(&characteristic) {
            Ok(())
        } else {
            Err(TransportError::NotOffered(characteristic))
        }
    }

    fn respond(&mut self, request: OpCode, value: ResponseValue) {
        self.queue.push_back(Notification {
            characteristic: RECORD_ACCESS_CONTROL_POINT,
            bytes: RacpMessage::Response { request, value }.encode(),
        });
    }

    fn racp(&mut self, bytes: &[u8]) {
        if let Some(refusal) = self.device.racp_refusal {
            return self.respond(OpCode::ReportStoredRecords, refusal);
        }
        let Ok(message) = crate::gatt::racp::decode(bytes) else {
            return self.respond(OpCode::ReportStoredRecords, ResponseValue::InvalidOperand);
        };
        let RacpMessage::ReportStoredRecords { selection } = message else {
            return self.respond(OpCode::ReportStoredRecords, ResponseValue::OpCodeNotSupported);
        };
        let selected: Vec<StoredRecord> = self
            .device
            .stored
            .iter()
            .filter(|r| match selection {
                Selection::AllRecords => true,
                Selection::GreaterThanOrEqual { bound: Filter::SequenceNumber(n) } => r.sequence >= n,
                Selection::LessThanOrEqual { bound: Filter::SequenceNumber(n) } => r.sequence <= n,
                Selection::WithinRange { from: Filter::SequenceNumber(a), to: Filter::SequenceNumber(b) } => {
                    (a..=b).contains(&r.sequence)
                }
                _ => false,
            })
            .cloned()
            .collect();
        if selected.is_empty() {
            return self.respond(OpCode::ReportStoredRecords, ResponseValue::NoRecordsFound);
        }
        for record in selected {
            let n = Notification { characteristic: record.characteristic, bytes: record.bytes };
            if self.device.duplicate_records {
                self.queue.push_back(n.clone());
            }
            self.queue.push_back(n);
        }
        self.respond(OpCode::ReportStoredRecords, ResponseValue::Success);
    }
}

impl Transport for SimulatedLink {
    fn characteristics(&self) -> Vec<u16> {
        self.device.characteristics.clone()
    }

    async fn subscribe(&mut self, characteristic: u16) -> Result<(), TransportError> {
        self.check()?;
        self.offered(characteristic)?;
        if self.device.needs_bonding {
            return Err(TransportError::NeedsBonding);
        }
        self.subscribed.push(characteristic);
        // Live values go out once their characteristic is subscribed.
        let (ready, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut self.device.live)
            .into_iter()
            .partition(|n| self.subscribed.contains(&n.characteristic));
        self.device.live = waiting;
        self.queue.extend(ready);
        Ok(())
    }

    async fn read(&mut self, characteristic: u16) -> Result<Vec<u8>, TransportError> {
        self.check()?;
        self.offered(characteristic)?;
        match characteristic {
            CURRENT_TIME => self.device.current_time.clone().ok_or(TransportError::NotOffered(characteristic)),
            BATTERY_LEVEL => {
                self.device.battery_percent.map(|b| vec![b]).ok_or(TransportError::NotOffered(characteristic))
            }
            other => match self.device.information.iter().find(|(c, _)| *c == other) {
                Some((_, bytes)) => Ok(bytes.clone()),
                None => Err(TransportError::Other(format!("read of {other:#06x} not simulated"))),
            },
        }
    }

    async fn write(&mut self, characteristic: u16, bytes: &[u8]) -> Result<(), TransportError> {
        self.check()?;
        self.offered(characteristic)?;
        self.writes.push((characteristic, bytes.to_vec()));
        match characteristic {
            CURRENT_TIME if self.device.clock_writable => {
                self.device.current_time = Some(bytes.to_vec());
                Ok(())
            }
            CURRENT_TIME => Err(TransportError::Other("write not permitted".into())),
            RECORD_ACCESS_CONTROL_POINT => {
                if !self.subscribed.contains(&RECORD_ACCESS_CONTROL_POINT) {
                    // The profile says: CCCD not configured → error.
                    return Err(TransportError::Other(
                        "client characteristic configuration improperly configured".into(),
                    ));
                }
                self.racp(bytes);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    async fn disconnect(&mut self) {
        self.disconnected = true;
    }

    async fn next_notification(&mut self, _wait: Duration) -> Result<Option<Notification>, TransportError> {
        self.check()?;
        if self.device.disconnect_after == Some(self.pushed) {
            self.disconnected = true;
            return Err(TransportError::Disconnected);
        }
        match self.queue.pop_front() {
            Some(n) => {
                self.pushed += 1;
                Ok(Some(n))
            }
            // Nothing more: the simulated device is quiet.
            None => Ok(None),
        }
    }
}

/// A room full of simulated devices.
#[derive(Debug, Default)]
pub struct SimulatedScanner {
    pub devices: Vec<SimulatedDevice>,
}

impl Scanner for SimulatedScanner {
    type Link = SimulatedLink;

    async fn scan(&mut self, services: &[u16], _wait: Duration) -> Result<Vec<Advertisement>, TransportError> {
        Ok(self
            .devices
            .iter()
            .filter(|d| d.services.iter().any(|s| services.contains(s)))
            .map(|d| Advertisement {
                id: d.id.clone(),
                name: Some(d.name.clone()),
                services: d.services.clone(),
                rssi: Some(-60),
            })
            .collect())
    }

    async fn connect(&mut self, id: &str) -> Result<SimulatedLink, TransportError> {
        let device = self
            .devices
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| TransportError::Other(format!("{id} not in range")))?;
        Ok(SimulatedLink::new(device.clone()))
    }
}
/// The OS's Bluetooth with simulated devices in range; it can go away
/// (the service stops: it says so, and its scanners fail) and come back.
/// Clones share the room and whether it is there.
#[derive(Debug, Clone, Default)]
pub struct SimulatedRadio {
    devices: Arc<std::sync::Mutex<Vec<SimulatedDevice>>>,
    away: Arc<AtomicBool>,
}

impl SimulatedRadio {
    pub fn new(devices: Vec<SimulatedDevice>) -> SimulatedRadio {
        SimulatedRadio { devices: Arc::new(std::sync::Mutex::new(devices)), away: Arc::default() }
    }
    /// A device comes into range.
    pub fn bring(&self, device: SimulatedDevice) {
        self.devices.lock().unwrap().push(device);
    }
    fn room(&self) -> SimulatedScanner {
        SimulatedScanner { devices: self.devices.lock().unwrap().clone() }
    }
    /// The Bluetooth service stops.
    pub fn go_away(&self) {
        self.away.store(true, Ordering::SeqCst);
    }
    /// It runs again.
    pub fn come_back(&self) {
        self.away.store(false, Ordering::SeqCst);
    }
    fn is_away(&self) -> bool {
        self.away.load(Ordering::SeqCst)
    }
}

impl Radio for SimulatedRadio {
    type Scanner = SimulatedRadio;
    async fn status(&mut self) -> BluetoothStatus {
        if self.is_away() {
            BluetoothStatus::Unavailable { reason: UnavailableReason::NoService }
        } else {
            BluetoothStatus::Available { adapters: 1 }
        }
    }
    async fn open(&mut self) -> Result<SimulatedRadio, TransportError> {
        if self.is_away() {
            return Err(TransportError::Disconnected);
        }
        Ok(self.clone())
    }
}

/// Its scanner: the room's devices while the radio is there.
impl Scanner for SimulatedRadio {
    type Link = SimulatedLink;
    async fn scan(&mut self, services: &[u16], wait: Duration) -> Result<Vec<Advertisement>, TransportError> {
        if self.is_away() {
            return Err(TransportError::Disconnected);
        }
        self.room().scan(services, wait).await
    }
    async fn connect(&mut self, id: &str) -> Result<SimulatedLink, TransportError> {
        if self.is_away() {
            return Err(TransportError::Disconnected);
        }
        self.room().connect(id).await
    }
}
