//! The real Bluetooth adapter (`bluetooth.rs`: btleplug over BlueZ's D-Bus
//! API), unchanged, against BlueZ simulated at that API
//! (`heima_test_support::bluez`): scanning with a service filter, connecting,
//! service discovery, indications and notifications, reads, the Record
//! Access Control Point, a device that drops in the middle of a transfer,
//! one already bonded, an unknown service, and BlueZ going away and coming
//! back. The peripherals send the core simulator's bytes, so what arrives
//! through BlueZ must be what the simulator gives the same session.
//!
//! Each test runs in its own process (nextest), which is what lets it point
//! `DBUS_SYSTEM_BUS_ADDRESS` at its own bus.

use std::time::Duration;

use heima_app::bluetooth::{self, BtleScanner};
use heima_core::{
    clock::{oslo, FixedClock},
    demo,
    devices::{
        session::{self, Ended, SessionConfig, SessionReport, Transfer},
        simulator::{SimulatedDevice, SimulatedLink, StoredRecord},
        transport::{Scanner, Transport, HEALTH_SERVICES},
        BluetoothStatus, UnavailableReason,
    },
    plan::MeasurementKind,
    store::{
        readings::{EnteredBy, Recorder},
        Store, StoreKey,
    },
    vocabulary::HealthService,
};
use heima_test_support::bluez::Bluez;
use jiff::Timestamp;
use serde_json::json;

const SCAN: Duration = Duration::from_secs(1);

fn now() -> Timestamp {
    "2026-11-23T08:00:00Z".parse().unwrap()
}

/// BlueZ on a bus of this test's own, which btleplug takes for the system bus.
fn bluez() -> Bluez {
    let bluez = Bluez::start();
    // SAFETY: set before btleplug (or any other thread) reads it; each test
    // is its own process.
    unsafe { std::env::set_var("DBUS_SYSTEM_BUS_ADDRESS", &bluez.address) };
    bluez
}

fn store() -> Store {
    Store::open_in_memory(&StoreKey::from_bytes([3; 32])).unwrap()
}

/// One connection's session into `store`, as the app runs it.
async fn session<T: Transport>(link: &mut T, id: &str, store: &mut Store, wait: Duration) -> SessionReport {
    let tz = oslo();
    let clock = FixedClock::oslo(now());
    let last_sequence = store.device_last_sequence(id).unwrap();
    let config = SessionConfig { device_id: id, time_zone: &tz, clock: &clock, last_sequence, set_clock: false, wait };
    let plan = demo::sample_plan(&clock);
    let patient = Recorder::new(EnteredBy::Patient);
    let mut sink =
        heima_core::recording::StoreSink { store, device_id: id, recorder: &patient, clock: &clock, plan: Some(&plan) };
    let report = session::run(link, &config, &mut sink).await;
    heima_core::recording::remember_device(store, id, &report, now()).unwrap();
    report
}

/// What a store holds of a kind: each reading's values (LOINC code and
/// value), the device's own time and colour, in order.
fn readings(store: &Store, kind: MeasurementKind) -> Vec<String> {
    store
        .readings(kind, Timestamp::MIN, Timestamp::MAX)
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {:?} {:?} {:?} {:?}", r.code, r.components, r.effective, r.device_time, r.colour))
        .collect()
}

/// A cuff, an oximeter and a scale (the demo's devices, their bytes) are
/// found by a scan filtered to the health services, connected, their
/// services discovered, their indications received and their battery read:
/// the readings stored are exactly those the core's simulator gives the
/// same session. A device advertising an unknown service is not listed.
#[tokio::test(flavor = "multi_thread")]
async fn a_cuff_an_oximeter_and_a_scale_read_through_bluez_as_through_the_simulator() {
    let bluez = bluez();
    let kinds = [
        (MeasurementKind::BloodPressure, "C0:FF:EE:00:00:01"),
        (MeasurementKind::OxygenSaturation, "C0:FF:EE:00:00:02"),
        (MeasurementKind::BodyWeight, "C0:FF:EE:00:00:03"),
    ];
    let devices: Vec<(MeasurementKind, &str, SimulatedDevice)> =
        kinds.iter().map(|(k, a)| (*k, *a, demo::devices::device(*k, 41).unwrap())).collect();
    for (_, address, device) in &devices {
        bluez.add_device(address, device);
    }
    // Something else in the room: an unknown 128-bit service only.
    bluez.add_device_json(&json!({
        "address": "C0:FF:EE:00:00:09", "name": "Lamp",
        "advertised": ["9a3c2b10-0000-4000-8000-00805f9b34fb"],
        "characteristics": [],
    }));

    assert_eq!(bluetooth::probe().await, BluetoothStatus::Available { adapters: 1 });
    let mut scanner = BtleScanner::new().await.unwrap();
    let mut found = scanner.scan(&HEALTH_SERVICES, SCAN).await.unwrap();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    let listed: Vec<(String, Vec<u16>)> = found.iter().map(|a| (a.id.clone(), a.services.clone())).collect();
    assert_eq!(
        listed,
        vec![
            ("C0:FF:EE:00:00:01".to_string(), vec![0x1810]),
            ("C0:FF:EE:00:00:02".to_string(), vec![0x1822]),
            ("C0:FF:EE:00:00:03".to_string(), vec![0x181D]),
        ],
        "the health devices only"
    );
    assert_eq!(found[0].name.as_deref(), Some(devices[0].2.name.as_str()));

    for (kind, address, device) in &devices {
        let mut through_bluez = store();
        let mut link = scanner.connect(address).await.unwrap();
        let mut offered = link.characteristics();
        offered.sort();
        let mut expected = device.characteristics.clone();
        expected.sort();
        assert_eq!(offered, expected, "{kind:?}: services discovered");
        let report = session(&mut link, address, &mut through_bluez, Duration::from_secs(2)).await;
        link.disconnect().await;
        assert!(report.bad_packets.is_empty(), "{kind:?}: {:?}", report.bad_packets);
        assert_eq!(report.battery_percent, device.battery_percent, "{kind:?}: the battery read");

        let mut through_simulator = store();
        let mut simulated = SimulatedLink::new(device.clone());
        session(&mut simulated, address, &mut through_simulator, Duration::from_millis(20)).await;
        let (real, simulated) = (readings(&through_bluez, *kind), readings(&through_simulator, *kind));
        assert_eq!(real.len(), 1, "{kind:?}: one reading");
        assert_eq!(real, simulated, "{kind:?}: the same reading as the simulator's");
    }
    let calls = bluez.calls();
    assert!(calls.contains("SetDiscoveryFilter") && calls.contains("StartDiscovery"), "{calls}");
    assert!(calls.contains("StartNotify"), "{calls}");
}

fn glucose_record(sequence: u16, minute: u8) -> StoredRecord {
    let mut bytes = vec![0x06];
    bytes.extend(sequence.to_le_bytes());
    bytes.extend([0xEA, 0x07, 11, 23, 6, minute, 0, 0x37, 0xC0, 0x11]);
    StoredRecord { sequence, characteristic: 0x2A18, bytes }
}

fn glucose_meter(records: u16) -> SimulatedDevice {
    SimulatedDevice {
        id: "C0:FF:EE:00:00:05".into(),
        name: "Glucose meter".into(),
        services: vec![0x1808],
        characteristics: vec![0x2A18, 0x2A34, 0x2A52, 0x2A19],
        battery_percent: Some(77),
        stored: (1..=records).map(|n| glucose_record(n, n as u8)).collect(),
        ..SimulatedDevice::default()
    }
}

/// A glucose meter already bonded (as after pairing in the OS) sends its
/// stored records on a RACP request; it drops the link after three: the
/// three are kept, the transfer is interrupted, and the next connection
/// asks for the rest from record 4 and gets them: six, none twice. Two
/// more taken while away come on the third connection.
#[tokio::test(flavor = "multi_thread")]
async fn a_meter_that_drops_in_the_middle_of_a_racp_transfer_loses_nothing() {
    let bluez = bluez();
    let mut meter = glucose_meter(6);
    meter.disconnect_after = Some(3);
    let mut spec = heima_test_support::bluez::spec(&meter.id, &meter);
    spec["paired"] = json!(true);
    let path = bluez.add_device_json(&spec);
    let mut store = store();
    store.pair_device(&meter.id, HealthService::Glucose, "Glucose meter", now()).unwrap();
    let mut scanner = BtleScanner::new().await.unwrap();
    assert_eq!(scanner.scan(&HEALTH_SERVICES, SCAN).await.unwrap().len(), 1);

    let mut link = scanner.connect(&meter.id).await.unwrap();
    let report = session(&mut link, &meter.id, &mut store, Duration::from_secs(2)).await;
    link.disconnect().await;
    assert_eq!(
        (report.ended.clone(), report.transfer.clone()),
        (Ended::Disconnected, Transfer::Interrupted),
        "{report:?}"
    );
    assert_eq!((report.measurements_stored, report.last_sequence), (3, Some(3)));

    let mut link = scanner.connect(&meter.id).await.unwrap();
    let report = session(&mut link, &meter.id, &mut store, Duration::from_secs(2)).await;
    link.disconnect().await;
    assert_eq!((report.measurements_stored, report.transfer), (3, Transfer::Complete));
    assert_eq!(readings(&store, MeasurementKind::BloodGlucose).len(), 6);
    let calls = bluez.calls();
    let writes: Vec<&str> = calls.lines().filter_map(|l| l.split_once(" WriteValue ").map(|(_, w)| w)).collect();
    assert_eq!(
        writes,
        vec![r#"[1, 1] {"type": "request"}"#, r#"[1, 3, 1, 4, 0] {"type": "request"}"#],
        "all records, then from record 4 on, as write requests"
    );

    bluez.add_stored(&path, &[glucose_record(7, 40), glucose_record(8, 41)]);
    let mut link = scanner.connect(&meter.id).await.unwrap();
    let report = session(&mut link, &meter.id, &mut store, Duration::from_secs(2)).await;
    link.disconnect().await;
    assert_eq!((report.measurements_stored, report.transfer), (2, Transfer::Complete));
    let ids: Vec<String> = store
        .readings(MeasurementKind::BloodGlucose, Timestamp::MIN, Timestamp::MAX)
        .unwrap()
        .into_iter()
        .map(|r| r.identifier)
        .collect();
    assert_eq!(ids.len(), 8, "{ids:?}");
}

/// A cuff that offers a vendor's own service beside the health one: the
/// unknown service and its notifications are ignored, the reading arrives.
#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_service_on_a_health_device_is_ignored() {
    let bluez = bluez();
    let cuff = demo::devices::device(MeasurementKind::BloodPressure, 7).unwrap();
    let mut spec = heima_test_support::bluez::spec("C0:FF:EE:00:00:01", &cuff);
    let vendor = "9a3c2b11-0000-4000-8000-00805f9b34fb";
    spec["characteristics"].as_array_mut().unwrap().push(json!({
        "uuid": "9a3c2b12-0000-4000-8000-00805f9b34fb", "service": vendor, "flags": ["notify"],
    }));
    spec["live"].as_array_mut().unwrap().insert(
        0,
        json!({
            "characteristic": "9a3c2b12-0000-4000-8000-00805f9b34fb", "bytes": "deadbeef",
        }),
    );
    bluez.add_device_json(&spec);
    let mut scanner = BtleScanner::new().await.unwrap();
    scanner.scan(&HEALTH_SERVICES, SCAN).await.unwrap();
    let mut link = scanner.connect("C0:FF:EE:00:00:01").await.unwrap();
    let mut offered = link.characteristics();
    offered.sort();
    assert_eq!(offered, vec![0x2A19, 0x2A35], "the vendor's characteristic is not among them");
    let mut store = store();
    let report = session(&mut link, "C0:FF:EE:00:00:01", &mut store, Duration::from_secs(2)).await;
    assert!(report.bad_packets.is_empty(), "{:?}", report.bad_packets);
    assert_eq!(readings(&store, MeasurementKind::BloodPressure).len(), 1);
}

/// The adapter switched off is told as such. BlueZ stops (its name leaves
/// the bus): the probe says the service is gone and a scan fails; once it is back, a new scanner finds the device
/// again.
#[tokio::test(flavor = "multi_thread")]
async fn bluez_going_away_is_seen_and_it_is_found_again_when_back() {
    let mut bluez = bluez();
    let cuff = demo::devices::device(MeasurementKind::BloodPressure, 3).unwrap();
    bluez.add_device("C0:FF:EE:00:00:01", &cuff);
    let mut scanner = BtleScanner::new().await.unwrap();
    assert_eq!(scanner.scan(&HEALTH_SERVICES, SCAN).await.unwrap().len(), 1);

    // Switched off in the tablet's settings: said so.
    bluez.set_powered(false);
    assert_eq!(bluetooth::probe().await, BluetoothStatus::Unavailable { reason: UnavailableReason::SwitchedOff });
    bluez.set_powered(true);

    bluez.stop_daemon();
    assert!(scanner.scan(&HEALTH_SERVICES, SCAN).await.is_err(), "no BlueZ, no scan");
    assert_eq!(bluetooth::probe().await, BluetoothStatus::Unavailable { reason: UnavailableReason::NoService });

    bluez.start_daemon();
    bluez.add_device("C0:FF:EE:00:00:01", &cuff);
    assert_eq!(bluetooth::probe().await, BluetoothStatus::Available { adapters: 1 });
    let mut scanner = BtleScanner::new().await.unwrap();
    let found = scanner.scan(&HEALTH_SERVICES, SCAN).await.unwrap();
    assert_eq!(found.len(), 1);
    let mut link = scanner.connect("C0:FF:EE:00:00:01").await.unwrap();
    let mut store = store();
    let report = session(&mut link, "C0:FF:EE:00:00:01", &mut store, Duration::from_secs(2)).await;
    assert_eq!(report.measurements_stored, 2, "the pressure and the pulse");
}
