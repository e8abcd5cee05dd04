//! The encrypted store: durability and de-duplication, the outbox (never
//! holding training), the device registry, no plaintext on disk, wrong keys,
//! newer databases, quarantine of damaged files (and a locked one left
//! alone), migrations from the frozen old schemas in `tests/schemas/vN.sql`,
//! and the FHIR export.

use std::{fs, path::Path};

use heima_core::{
    clock::oslo,
    gatt,
    measurement::{from_decoded, ClockCorrection, Measurement, ReadingContext},
    plan::MeasurementKind,
    store::{
        readings::{EnteredBy, Inserted, NewReading},
        Store, StoreError, StoreKey, StoreNotice, SCHEMA_VERSION,
    },
};
use jiff::Timestamp;

fn key() -> StoreKey {
    StoreKey::from_bytes([7; 32])
}

fn now() -> Timestamp {
    "2026-11-23T08:00:00Z".parse().unwrap()
}

fn weight(device: &str, minute: u8, raw: u16) -> Measurement {
    let tz = oslo();
    let ctx =
        ReadingContext { device_id: device, received_at: now(), clock: ClockCorrection::default(), time_zone: &tz };
    let mut bytes = vec![0x02];
    bytes.extend(raw.to_le_bytes());
    bytes.extend([0xEA, 0x07, 11, 23, 8, minute, 0]);
    let decoded = gatt::decode(gatt::Characteristic::WeightMeasurement, &bytes).unwrap();
    from_decoded(&decoded, &ctx).unwrap().remove(0)
}

fn reading(m: &Measurement, entered_by: EnteredBy) -> NewReading<'_> {
    NewReading::unjudged(m, entered_by, now())
}

fn open(path: &Path) -> Store {
    Store::open(path, &key(), now()).unwrap().store
}

#[test]
fn readings_are_stored_once_and_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heima.db");
    let a = weight("aa:bb", 1, 16100); // 80.500 kg
    let b = weight("aa:bb", 2, 16102);
    {
        let mut store = open(&path);
        let first = store.insert_reading(&reading(&a, EnteredBy::Patient)).unwrap();
        let Inserted::New { id } = first else { panic!("{first:?}") };
        // The same record re-sent by the device is recognised.
        assert_eq!(store.insert_reading(&reading(&a, EnteredBy::Patient)).unwrap(), Inserted::Duplicate { id });
        let batch =
            store.insert_readings(&[reading(&a, EnteredBy::Patient), reading(&b, EnteredBy::Relative)]).unwrap();
        assert!(matches!(batch[..], [Inserted::Duplicate { .. }, Inserted::New { .. }]));
    }
    // After closing and opening again, everything is there.
    let store = open(&path);
    let back = store.readings(MeasurementKind::BodyWeight, Timestamp::MIN, Timestamp::MAX).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(back[0].components[0].value.as_deref(), Some("80.500"));
    assert_eq!(back[0].components[0].unit, "kg");
    assert_eq!(back[0].device_time.as_deref(), Some("2026-11-23T08:01:00"));
    assert_eq!(back[0].effective, "2026-11-23T07:01:00Z".parse::<Timestamp>().unwrap());
    assert_eq!(back[1].entered_by, EnteredBy::Relative);
    assert_eq!(back[0].sent, Some(false));
    store.integrity_check().unwrap();
}

#[test]
fn outbox_tracks_attempts_and_never_holds_training_readings() {
    let mut store = Store::open_in_memory(&key()).unwrap();
    let real = weight("aa:bb", 1, 16100);
    let training = weight("aa:bb", 2, 16100);
    store.insert_reading(&reading(&real, EnteredBy::Patient)).unwrap();
    store.insert_reading(&reading(&training, EnteredBy::NurseTraining)).unwrap();
    let due = store.outbox_due(now(), 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].identifier, real.identifier);
    assert_eq!(due[0].resource_type, "Observation");

    let later: Timestamp = "2026-11-23T08:05:00Z".parse().unwrap();
    store.outbox_failed(due[0].id, "connection reset", later).unwrap();
    assert!(store.outbox_due(now(), 10).unwrap().is_empty(), "not due before its next try");
    let retry = store.outbox_due(later, 10).unwrap();
    assert_eq!((retry[0].attempts, retry[0].last_error.as_deref()), (1, Some("connection reset")));

    store.outbox_sent(&[retry[0].id], later).unwrap();
    assert!(store.outbox_due(later, 10).unwrap().is_empty());
    let status = store.outbox_status().unwrap();
    assert_eq!((status.waiting, status.sent), (0, 1));
    let readings = store.readings(MeasurementKind::BodyWeight, Timestamp::MIN, Timestamp::MAX).unwrap();
    let sent: Vec<_> = readings.iter().map(|r| (r.entered_by, r.sent)).collect();
    assert_eq!(sent, vec![(EnteredBy::Patient, Some(true)), (EnteredBy::NurseTraining, None)]);
}

#[test]
fn device_registry_pairs_forgets_and_never_lowers_the_sequence() {
    let store = Store::open_in_memory(&key()).unwrap();
    store.pair_device("aa:bb", heima_core::vocabulary::HealthService::Glucose, "Glucose meter", now()).unwrap();
    store
        .pair_device("cc:dd", heima_core::vocabulary::HealthService::BloodPressure, "Blood pressure monitor", now())
        .unwrap();
    store.device_seen("aa:bb", now(), Some(80), Some(42)).unwrap();
    store.device_seen("aa:bb", now(), None, Some(17)).unwrap(); // an old re-send
    let d = store.paired_device("aa:bb").unwrap().unwrap();
    assert_eq!((d.last_sequence, d.battery_percent), (Some(42), Some(80)));
    // The nurse replaces the blood-pressure monitor with a new one.
    store
        .pair_device("ee:ff", heima_core::vocabulary::HealthService::BloodPressure, "New blood pressure monitor", now())
        .unwrap();
    assert!(store.forget_device("cc:dd", Some("ee:ff"), now()).unwrap());
    assert!(!store.forget_device("cc:dd", None, now()).unwrap(), "already forgotten");
    let names: Vec<_> = store.paired_devices().unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(names, vec!["aa:bb", "ee:ff"]);
    // Re-pairing the meter keeps what was fetched, so nothing arrives twice.
    store.forget_device("aa:bb", None, now()).unwrap();
    store.pair_device("aa:bb", heima_core::vocabulary::HealthService::Glucose, "Glucose meter", now()).unwrap();
    assert_eq!(store.device_last_sequence("aa:bb").unwrap(), Some(42));
}

fn files_contain(dir: &Path, needle: &[u8]) -> bool {
    fs::read_dir(dir).unwrap().any(|e| {
        let p = e.unwrap().path();
        p.is_file() && fs::read(&p).unwrap().windows(needle.len()).any(|w| w == needle)
    })
}

#[test]
fn database_files_hold_no_plaintext() {
    let marker = "PLAINTEXT-CHECK-7f3a";
    let dir = tempfile::tempdir().unwrap();
    {
        let mut store = open(&dir.path().join("heima.db"));
        let m = weight(marker, 1, 16100);
        store.insert_reading(&reading(&m, EnteredBy::Patient)).unwrap();
        store.set_setting("note", marker).unwrap();
        // Closed without a checkpoint, so the WAL is checked too.
        assert!(dir.path().join("heima.db-wal").exists());
        assert!(!files_contain(dir.path(), marker.as_bytes()), "plaintext found while open");
    }
    assert!(!files_contain(dir.path(), marker.as_bytes()), "plaintext found after close");
    assert!(!files_contain(dir.path(), b"SQLite format 3"), "unencrypted SQLite header");

    // Control: the same search finds the marker in an unencrypted database.
    let plain = tempfile::tempdir().unwrap();
    let conn = rusqlite::Connection::open(plain.path().join("plain.db")).unwrap();
    conn.execute_batch(&format!("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('{marker}');")).unwrap();
    drop(conn);
    assert!(files_contain(plain.path(), marker.as_bytes()));
}

#[test]
fn wrong_key_is_refused_and_the_file_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heima.db");
    {
        let mut store = open(&path);
        store.insert_reading(&reading(&weight("aa:bb", 1, 16100), EnteredBy::Patient)).unwrap();
    }
    let before = fs::read(&path).unwrap();
    let wrong = StoreKey::from_bytes([8; 32]);
    let error = Store::open(&path, &wrong, now()).err().unwrap();
    assert!(matches!(error, StoreError::WrongKey), "{error}");
    assert_eq!(error.code(), "store-wrong-key");
    assert_eq!(fs::read(&path).unwrap(), before);
    assert!(!dir.path().join("quarantine").exists());
    // Without the fingerprint file a bad key still touches nothing.
    fs::remove_file(dir.path().join("heima.db.keycheck")).unwrap();
    assert!(matches!(Store::open(&path, &wrong, now()), Err(StoreError::WrongKey)));
    assert_eq!(fs::read(&path).unwrap(), before);
    // The right key still opens it.
    assert_eq!(open(&path).reading_count().unwrap(), 1);
}

#[test]
fn database_from_a_newer_version_is_refused_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heima.db");
    drop(open(&path));
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"; PRAGMA user_version = 99;", key().to_hex())).unwrap();
    }
    let before = fs::read(&path).unwrap();
    let error = Store::open(&path, &key(), now()).err().unwrap();
    assert!(matches!(error, StoreError::NewerVersion { found: 99, supported: SCHEMA_VERSION }), "{error}");
    assert_eq!(error.code(), "store-newer-version");
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn damaged_database_is_quarantined_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heima.db");
    {
        let mut store = open(&path);
        store.insert_reading(&reading(&weight("aa:bb", 1, 16100), EnteredBy::Patient)).unwrap();
        store.conn_checkpoint_for_tests();
    }
    // Scribble over the first page.
    let mut bytes = fs::read(&path).unwrap();
    for b in bytes.iter_mut().take(4096).skip(100) {
        *b ^= 0x5A;
    }
    fs::write(&path, &bytes).unwrap();

    let opened = Store::open(&path, &key(), now()).unwrap();
    let [StoreNotice::Quarantined { moved_to, .. }] = &opened.notices[..] else { panic!("{:?}", opened.notices) };
    assert_eq!(fs::read(moved_to).unwrap(), bytes, "the damaged file is kept as it was");
    assert!(moved_to.starts_with(dir.path().join("quarantine")));
    // The new database works and tells the service.
    let store = opened.store;
    assert_eq!(store.reading_count().unwrap(), 0);
    let due = store.outbox_due(now(), 10).unwrap();
    assert_eq!(due.len(), 1);
    assert!(due[0].identifier.starts_with("notice/store-quarantined/"), "{}", due[0].identifier);
}

/// Another connection that holds the database locked (readers too) until
/// it is dropped.
fn lock_exclusively(path: &Path) -> rusqlite::Connection {
    let locker = rusqlite::Connection::open(path).unwrap();
    locker
        .execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; \
             UPDATE setting SET value = value WHERE key = 'none'; COMMIT;",
            key().to_hex()
        ))
        .unwrap();
    locker
}

/// A database another connection holds locked for 2 s is waited for (the
/// busy timeout comes before the start-up check), not taken for damaged.
#[test]
fn a_database_locked_for_a_while_is_waited_for_not_quarantined() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heima.db");
    {
        let mut store = open(&path);
        store.insert_reading(&reading(&weight("aa:bb", 1, 16100), EnteredBy::Patient)).unwrap();
    }
    let locker = lock_exclusively(&path);
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(2));
        drop(locker);
    });
    let started = std::time::Instant::now();
    let opened = Store::open(&path, &key(), now()).unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(1500), "it waited for the lock");
    assert!(opened.notices.is_empty(), "{:?}", opened.notices);
    assert!(!dir.path().join("quarantine").exists(), "nothing was moved aside");
    assert_eq!(opened.store.reading_count().unwrap(), 1);
    release.join().unwrap();
}

/// Held longer than the busy timeout, the lock is a failed start (try
/// again later), never a reason to move the database aside.
#[test]
fn a_database_locked_longer_than_the_timeout_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heima.db");
    drop(open(&path));
    let locker = lock_exclusively(&path);
    let error = Store::open(&path, &key(), now()).err().expect("busy");
    assert_eq!(error.code(), "store-failed", "{error}");
    assert!(!dir.path().join("quarantine").exists(), "nothing was moved aside");
    drop(locker);
    assert!(Store::open(&path, &key(), now()).unwrap().notices.is_empty(), "later it opens");
}

/// Every frozen old schema (with its sample rows) upgrades to a database
/// whose schema equals a fresh one, and its rows survive.
#[test]
fn frozen_old_schemas_upgrade_to_the_newest() {
    let frozen_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas");
    for version in 1..SCHEMA_VERSION {
        let file = frozen_dir.join(format!("v{version}.sql"));
        let sql = fs::read_to_string(&file).unwrap_or_else(|_| panic!("{} must be frozen", file.display()));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("heima.db");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key().to_hex())).unwrap();
            conn.execute_batch(&sql).unwrap();
        }
        let upgraded = open(&path);
        assert_eq!(upgraded.schema_version().unwrap(), SCHEMA_VERSION);
        let fresh = Store::open_in_memory(&key()).unwrap();
        assert_eq!(upgraded.schema().unwrap(), fresh.schema().unwrap(), "v{version} upgraded differs from fresh");
        assert_eq!(fresh.named_before().unwrap(), 0, "a new database has nothing named the old way");
        assert_eq!(upgraded.reading_count().unwrap(), 1, "v{version} rows survive");
        assert_eq!(upgraded.setting("locale").unwrap().as_deref(), Some("nn"));
        if version >= 3 {
            // Enrolled before version 4: the queued reading is that patient's, and still goes.
            let person = upgraded.setting("person").unwrap();
            assert_eq!(person.as_deref(), Some("service:https://dho.example.no/fhir|Patient/123"));
            assert_eq!(upgraded.outbox_due(jiff::Timestamp::MAX, 10).unwrap().len(), 1);
        }
        if version == 9 {
            // Judged before the whole judgement was kept: its colour, no causes.
            let r = upgraded
                .readings(heima_core::plan::MeasurementKind::BodyWeight, jiff::Timestamp::MIN, jiff::Timestamp::MAX)
                .unwrap();
            assert_eq!(
                r[0].judgement,
                heima_core::traffic_light::Judgement::Judged {
                    colour: heima_core::traffic_light::Colour::Green,
                    causes: vec![]
                }
            );
        }
        if version == 12 {
            // A course started before scheduled doses came: kept as it was.
            let taken = upgraded.medicines_taken_since(jiff::Timestamp::MIN).unwrap();
            assert_eq!(taken.len(), 1);
            assert!(matches!(
                &taken[0].what,
                heima_core::store::medicines::MedicineTaken::ForColour {
                    colour: heima_core::traffic_light::Colour::Yellow,
                    ..
                }
            ));
        }
        if version == 14 {
            // An appointment kept before photos came: still shown.
            let service = "https://dho.example.no/fhir Patient/123";
            let kept = upgraded.appointment(service, "a1").unwrap().expect("the appointment survives");
            assert_eq!(kept.with, ["Ola"]);
        }
        // The queued reading was named the old way; it is matched both ways when sent.
        assert_eq!(upgraded.named_before().unwrap(), 1, "v{version}");
        upgraded.integrity_check().unwrap();
    }
}

#[test]
fn export_is_a_fhir_collection_bundle_without_training_readings() {
    let mut store = Store::open_in_memory(&key()).unwrap();
    let a = weight("aa:bb", 1, 16100);
    let t = weight("aa:bb", 2, 16100);
    store.insert_reading(&reading(&a, EnteredBy::Relative)).unwrap();
    store.insert_reading(&reading(&t, EnteredBy::NurseTraining)).unwrap();
    let bundle = heima_core::fhir::export_bundle(&store, Some("Patient/p1"), now()).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let o = &entries[0]["resource"];
    assert!(entries[0]["fullUrl"].as_str().unwrap().starts_with("urn:uuid:"));
    assert_eq!(o["resourceType"], "Observation");
    assert_eq!(o["status"], "final");
    assert_eq!(o["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(o["code"]["coding"][0]["code"], "29463-7");
    assert_eq!(o["valueQuantity"]["value"], 80.5);
    assert_eq!(o["valueQuantity"]["system"], "http://unitsofmeasure.org");
    assert_eq!(o["valueQuantity"]["code"], "kg");
    assert_eq!(o["effectiveDateTime"], "2026-11-23T07:01:00Z");
    assert_eq!(o["identifier"][0]["value"], a.identifier.as_str());
    assert_eq!(o["device"]["identifier"]["value"], "aa:bb");
    // Practice never counts as the patient's: the nurse's training message stays out.
    store
        .send_message("Øving", "msg-training", now(), &heima_core::vocabulary::Recorder::new(EnteredBy::NurseTraining))
        .unwrap();
    store.send_message("Hei", "msg-real", now(), &heima_core::vocabulary::Recorder::new(EnteredBy::Patient)).unwrap();
    let bundle = heima_core::fhir::export_bundle(&store, Some("Patient/p1"), now()).unwrap();
    let sent: Vec<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Communication")
        .map(|e| e["resource"]["identifier"][0]["value"].as_str().unwrap())
        .collect();
    assert_eq!(sent, ["msg-real"]);
}
