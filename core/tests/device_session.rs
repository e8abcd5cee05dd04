//! The device session against simulated peripherals that send byte-exact
//! payloads, storing into the real (in-memory, encrypted) store.

use std::time::Duration;

use heima_core::{
    clock::{oslo, FixedClock},
    devices::{
        session::{self, Ended, SessionConfig, SessionReport, Transfer},
        simulator::{SimulatedDevice, SimulatedLink, SimulatedScanner, StoredRecord},
        transport::{Notification, Scanner, HEALTH_SERVICES},
    },
    gatt::{self, racp::ResponseValue, time::encode_current_time, time::AdjustReason},
    plan::MeasurementKind,
    store::{
        readings::{EnteredBy, Recorder},
        Store, StoreKey,
    },
    vocabulary::Meal,
};
use jiff::{civil::date, Timestamp};

const GLUCOSE: u16 = 0x2A18;
const BP: u16 = 0x2A35;

fn now() -> Timestamp {
    // 09:00 in Oslo (UTC+1).
    "2026-11-23T08:00:00Z".parse().unwrap()
}

/// A glucose record: 5.5 mmol/L, taken at 06:<minute> device time.
fn glucose_record(sequence: u16, minute: u8) -> StoredRecord {
    let mut bytes = vec![0x06];
    bytes.extend(sequence.to_le_bytes());
    bytes.extend([0xEA, 0x07, 11, 23, 6, minute, 0, 0x37, 0xC0, 0x11]);
    StoredRecord { sequence, characteristic: GLUCOSE, bytes }
}

fn glucose_meter(records: u16) -> SimulatedDevice {
    SimulatedDevice {
        id: "c0:ff:ee:00:00:01".into(),
        name: "Glucose meter".into(),
        services: vec![0x1808],
        characteristics: vec![GLUCOSE, 0x2A34, 0x2A52, 0x2A19],
        battery_percent: Some(77),
        stored: (1..=records).map(|n| glucose_record(n, n as u8)).collect(),
        ..SimulatedDevice::default()
    }
}

fn store() -> Store {
    let store = Store::open_in_memory(&StoreKey::from_bytes([3; 32])).unwrap();
    store
        .pair_device("c0:ff:ee:00:00:01", heima_core::vocabulary::HealthService::Glucose, "Glucose meter", now())
        .unwrap();
    store
        .pair_device(
            "b9:00:00:00:00:01",
            heima_core::vocabulary::HealthService::BloodPressure,
            "Blood pressure monitor",
            now(),
        )
        .unwrap();
    store
}

fn connect(device: &SimulatedDevice, store: &mut Store, set_clock: bool) -> (SessionReport, SimulatedLink) {
    let tz = oslo();
    let clock = FixedClock::oslo(now());
    let last_sequence = store.device_last_sequence(&device.id).unwrap();
    let config = SessionConfig {
        device_id: &device.id,
        time_zone: &tz,
        clock: &clock,
        last_sequence,
        set_clock,
        wait: Duration::from_millis(10),
    };
    let mut link = SimulatedLink::new(device.clone());
    let plan = heima_core::demo::sample_plan(&clock);
    let patient = Recorder::new(EnteredBy::Patient);
    let mut sink = heima_core::recording::StoreSink {
        store,
        device_id: &device.id,
        recorder: &patient,
        clock: &clock,
        plan: Some(&plan),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let report = runtime.block_on(session::run(&mut link, &config, &mut sink));
    heima_core::recording::remember_device(store, &device.id, &report, now()).unwrap();
    (report, link)
}

fn glucose_identifiers(store: &Store) -> Vec<String> {
    store
        .readings(MeasurementKind::BloodGlucose, Timestamp::MIN, Timestamp::MAX)
        .unwrap()
        .into_iter()
        .map(|r| r.identifier)
        .collect()
}

#[test]
fn stored_records_arrive_once_across_connections() {
    let mut store = store();
    let mut meter = glucose_meter(5);
    let (report, link) = connect(&meter, &mut store, true);
    assert_eq!(report.transfer, Transfer::Complete);
    assert_eq!(report.ended, Ended::Quiet);
    assert_eq!((report.measurements_stored, report.last_sequence, report.battery_percent), (5, Some(5), Some(77)));
    // "All records" the first time.
    assert_eq!(link.writes, vec![(0x2A52, vec![1, 1])]);
    assert_eq!(store.device_last_sequence(&meter.id).unwrap(), Some(5));
    let registry = store.paired_device(&meter.id).unwrap().unwrap();
    assert_eq!((registry.battery_percent, registry.last_seen), (Some(77), Some(now())));

    // Two more readings taken while the tablet was off.
    meter.stored.extend([glucose_record(6, 30), glucose_record(7, 31)]);
    let (report, link) = connect(&meter, &mut store, true);
    assert_eq!(link.writes, vec![(0x2A52, vec![1, 3, 1, 6, 0])], "asks for >= 6 only");
    assert_eq!((report.transfer, report.measurements_stored), (Transfer::Complete, 2));

    // Nothing new.
    let (report, _) = connect(&meter, &mut store, true);
    assert_eq!((report.transfer, report.measurements_stored), (Transfer::NoNewRecords, 0));
    let ids = glucose_identifiers(&store);
    assert_eq!(ids.len(), 7);
    assert!(ids.iter().all(|id| id.starts_with("c0:ff:ee:00:00:01/15074-8/seq-")));
}

/// A glucose record with "context follows" (flag 0x10) and, where given,
/// its Glucose Measurement Context with the meal field (1 before, 2 after
/// a meal, 3 fasting) for `context_sequence`.
fn with_context(sequence: u16, minute: u8, context: Option<(u16, u8)>) -> Vec<StoredRecord> {
    let mut record = glucose_record(sequence, minute);
    record.bytes[0] |= 0x10;
    let mut out = vec![record];
    if let Some((of, meal)) = context {
        let mut bytes = vec![0x02];
        bytes.extend(of.to_le_bytes());
        bytes.push(meal);
        out.push(StoredRecord { sequence, characteristic: 0x2A34, bytes });
    }
    out
}

fn glucose_meals(store: &Store) -> Vec<Option<Meal>> {
    store
        .readings(MeasurementKind::BloodGlucose, Timestamp::MIN, Timestamp::MAX)
        .unwrap()
        .into_iter()
        .map(|r| r.meal)
        .collect()
}

/// The meter's meal context reaches the reading it belongs to; a context
/// that never comes, or names another record, leaves the reading without
/// one, and every record is stored once — also when the link drops
/// between a record and its context.
#[test]
fn a_glucose_records_meal_context_is_kept_with_it() {
    let mut store = store();
    let mut meter = glucose_meter(0);
    meter.stored = [
        with_context(1, 1, Some((1, 2))),
        with_context(2, 2, None),
        vec![glucose_record(3, 3)],
        with_context(4, 4, Some((9, 1))),
        with_context(5, 5, Some((5, 3))),
    ]
    .concat();
    let (report, _) = connect(&meter, &mut store, false);
    assert_eq!(
        (report.transfer.clone(), report.measurements_stored, report.last_sequence),
        (Transfer::Complete, 5, Some(5))
    );
    assert!(report.bad_packets.is_empty(), "{:?}", report.bad_packets);
    assert_eq!(glucose_meals(&store), [Some(Meal::AfterMeal), None, None, None, Some(Meal::Fasting)]);

    // The link drops after a record, before its context: stored without.
    let mut store = self::store();
    let mut meter = glucose_meter(0);
    meter.stored = with_context(1, 1, Some((1, 2)));
    meter.disconnect_after = Some(1);
    let (report, _) = connect(&meter, &mut store, false);
    assert_eq!((report.ended, report.measurements_stored, report.last_sequence), (Ended::Disconnected, 1, Some(1)));
    assert_eq!(glucose_meals(&store), [None]);
}

#[test]
fn a_disconnect_mid_transfer_loses_nothing_and_duplicates_nothing() {
    let mut store = store();
    let mut meter = glucose_meter(6);
    meter.disconnect_after = Some(3);
    let (report, _) = connect(&meter, &mut store, false);
    assert_eq!((report.ended.clone(), report.transfer.clone()), (Ended::Disconnected, Transfer::Interrupted));
    assert_eq!((report.measurements_stored, report.last_sequence), (3, Some(3)));

    meter.disconnect_after = None;
    let (report, link) = connect(&meter, &mut store, false);
    assert_eq!(link.writes, vec![(0x2A52, vec![1, 3, 1, 4, 0])]);
    assert_eq!((report.measurements_stored, report.transfer), (3, Transfer::Complete));
    assert_eq!(glucose_identifiers(&store).len(), 6);
}

#[test]
fn duplicate_re_sends_are_stored_once() {
    let mut store = store();
    let mut meter = glucose_meter(4);
    meter.duplicate_records = true;
    let (report, _) = connect(&meter, &mut store, false);
    assert_eq!(report.measurements_stored, 4);
    assert_eq!(report.duplicates_skipped, 4);
    assert_eq!(glucose_identifiers(&store).len(), 4);
    // Four readings, and the two paired devices' announcements.
    assert_eq!(store.outbox_status().unwrap().waiting, 4 + 2);
}

fn bp_packet(hour: u8, minute: u8, systolic: u16) -> Vec<u8> {
    let mut p = vec![0x06];
    p.extend(systolic.to_le_bytes());
    p.extend([0x50, 0x00, 0x5D, 0x00, 0xEA, 0x07, 11, 23, hour, minute, 0, 0x48, 0x00]);
    p
}

fn bp_monitor(clock_writable: bool) -> SimulatedDevice {
    // The monitor's clock runs 5 minutes fast: 09:05 when it is 09:00.
    let fast = encode_current_time(date(2026, 11, 23).at(9, 5, 0, 0), AdjustReason::default());
    SimulatedDevice {
        id: "b9:00:00:00:00:01".into(),
        name: "Blood pressure monitor".into(),
        services: vec![0x1810],
        characteristics: vec![BP, 0x2A36, 0x2A2B],
        current_time: Some(fast.to_vec()),
        clock_writable,
        live: vec![
            // Taken earlier this morning, stamped by the fast clock.
            Notification { characteristic: BP, bytes: bp_packet(7, 35, 128) },
            // Intermediate cuff pressure is progress, not a reading.
            Notification { characteristic: 0x2A36, bytes: vec![0, 0x8C, 0, 0xFF, 0x07, 0xFF, 0x07] },
            // Taken after the clock was set.
            Notification { characteristic: BP, bytes: bp_packet(9, 10, 131) },
        ],
        ..SimulatedDevice::default()
    }
}

#[test]
fn the_clock_is_read_corrected_and_set() {
    let mut store = store();
    let (report, link) = connect(&bp_monitor(true), &mut store, true);
    assert!(report.clock_set);
    assert_eq!(report.clock.unwrap().device_ahead_by, jiff::SignedDuration::from_mins(5));
    // The tablet's local time went to the device.
    let (ch, bytes) = &link.writes[0];
    assert_eq!(*ch, 0x2A2B);
    let written = gatt::time::decode_current_time(bytes).unwrap();
    assert_eq!(written.date_time.to_civil(), Some(date(2026, 11, 23).at(9, 0, 0, 0)));
    assert_eq!(written.day_of_week, Some(1));

    let bp = store.readings(MeasurementKind::BloodPressure, Timestamp::MIN, Timestamp::MAX).unwrap();
    let times: Vec<_> = bp.iter().map(|r| (r.device_time.clone().unwrap(), r.effective.to_string())).collect();
    assert_eq!(
        times,
        vec![
            // 07:35 on a clock 5 min fast = 07:30 Oslo = 06:30 UTC.
            ("2026-11-23T07:35:00".to_string(), "2026-11-23T06:30:00Z".to_string()),
            // After the clock was set: taken as is.
            ("2026-11-23T09:10:00".to_string(), "2026-11-23T08:10:00Z".to_string()),
        ]
    );
    let pulses = store.readings(MeasurementKind::Pulse, Timestamp::MIN, Timestamp::MAX).unwrap();
    assert_eq!(pulses.len(), 2, "pulse from the cuff is its own reading");
    // Judged by the demo plan (version 1) as they were stored: 128/80 green,
    // 131/80 green; the cuff's pulse by the plan's pulse limits.
    let judged: Vec<_> = bp.iter().map(|r| (r.plan_version, r.colour.as_deref())).collect();
    assert_eq!(judged, vec![(Some(1), Some("green")), (Some(1), Some("green"))]);
    assert_eq!(pulses[0].colour.as_deref(), Some("green"));
    assert_eq!(pulses[0].judgement.causes()[0].activity, "pulse");
}

#[test]
fn a_read_only_clock_is_corrected_for_every_reading() {
    let mut store = store();
    let (report, _) = connect(&bp_monitor(false), &mut store, true);
    assert!(!report.clock_set);
    let bp = store.readings(MeasurementKind::BloodPressure, Timestamp::MIN, Timestamp::MAX).unwrap();
    assert_eq!(bp[1].effective.to_string(), "2026-11-23T08:05:00Z");
}

#[test]
fn bonding_needed_broken_packets_and_nan() {
    let mut store = store();
    let mut cuff = bp_monitor(true);
    cuff.needs_bonding = true;
    let (report, _) = connect(&cuff, &mut store, true);
    assert_eq!((report.ended, report.measurements_stored), (Ended::NeedsBonding, 0));

    let mut cuff = bp_monitor(true);
    cuff.live = vec![
        Notification { characteristic: BP, bytes: vec![0x06, 0x78] }, // cut off
        Notification {
            characteristic: BP,
            bytes: {
                let mut p = bp_packet(9, 20, 0x07FF);
                p[1] = 0xFF;
                p
            },
        }, // NaN systolic
    ];
    let (report, _) = connect(&cuff, &mut store, true);
    assert_eq!(report.bad_packets.len(), 1);
    assert_eq!(report.bad_packets[0].0, BP);
    assert!(matches!(report.bad_packets[0].1, gatt::DecodeError::TooShort { field: "systolic", .. }));
    let bp = store.readings(MeasurementKind::BloodPressure, Timestamp::MIN, Timestamp::MAX).unwrap();
    assert_eq!(bp.len(), 1);
    assert_eq!(bp[0].components[0].value, None, "NaN is never stored as a number");
    assert_eq!(bp[0].components[0].absent, Some(gatt::Special::Nan));
}

#[test]
fn empty_and_refusing_meters() {
    let mut store = store();
    let mut meter = glucose_meter(2);
    meter.stored.clear();
    let (report, _) = connect(&meter, &mut store, false);
    assert_eq!(report.transfer, Transfer::NoNewRecords);

    let mut meter = glucose_meter(2);
    meter.racp_refusal = Some(ResponseValue::ProcedureNotCompleted);
    let (report, _) = connect(&meter, &mut store, false);
    assert_eq!(report.transfer, Transfer::Refused { response: ResponseValue::ProcedureNotCompleted });
    assert_eq!((report.measurements_stored, report.ended), (0, Ended::Quiet));
}

#[test]
fn scanning_filters_by_health_service() {
    let mut scanner = SimulatedScanner {
        devices: vec![
            glucose_meter(0),
            bp_monitor(true),
            SimulatedDevice { id: "headphones".into(), services: vec![0x110B], ..SimulatedDevice::default() },
        ],
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let found = runtime.block_on(scanner.scan(&HEALTH_SERVICES, Duration::from_millis(1))).unwrap();
    let ids: Vec<_> = found.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, vec!["c0:ff:ee:00:00:01", "b9:00:00:00:00:01"]);
    let only_bp = runtime.block_on(scanner.scan(&[0x1810], Duration::from_millis(1))).unwrap();
    assert_eq!(only_bp.len(), 1);
    assert!(runtime.block_on(scanner.connect("nowhere")).is_err());
}

/// The Device Information Service: manufacturer, model and serial number
/// are read when offered, kept in the registry, and the `Device` is queued
/// again so the service hears them; a string that is not clean text is
/// not kept.
#[test]
fn a_device_tells_its_manufacturer_model_and_serial() {
    let mut store = store();
    let mut meter = glucose_meter(1);
    meter.characteristics.extend([0x2A29, 0x2A24, 0x2A25]);
    meter.information = vec![
        (0x2A29, b"Roche Diabetes Care\0\0".to_vec()),
        (0x2A24, b"Accu-Chek Guide ".to_vec()),
        (0x2A25, vec![0xFF, 0xFE, 0x01]),
    ];
    let device = format!("device/{}", meter.id);
    // The Device went out at pairing.
    let due = store.outbox_due(Timestamp::MAX, 100).unwrap();
    let queued = due.iter().find(|i| i.identifier == device).unwrap().id;
    store.outbox_sent(&[queued], now()).unwrap();

    let (report, _) = connect(&meter, &mut store, false);
    assert_eq!(report.device_info.manufacturer.as_deref(), Some("Roche Diabetes Care"));
    assert_eq!(report.device_info.model.as_deref(), Some("Accu-Chek Guide"));
    assert_eq!(report.device_info.serial, None, "not text: not kept");
    let registry = store.paired_device(&meter.id).unwrap().unwrap();
    assert_eq!(registry.info, report.device_info);
    assert!(store.outbox_due(Timestamp::MAX, 100).unwrap().iter().any(|i| i.identifier == device), "queued again");

    // The same again is no news.
    let due_before = store.outbox_status().unwrap().waiting;
    store.outbox_sent(&[queued], now()).unwrap();
    connect(&meter, &mut store, false);
    assert_eq!(store.outbox_status().unwrap().waiting, due_before - 1, "not queued again");
}
