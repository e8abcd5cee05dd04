//! Every resource the app writes, checked by independent validators
//! (`tests/fhir-validator/`: the official R4 JSON schema with ajv, and
//! Medplum's validator with the R4 StructureDefinitions and vital-signs
//! profiles, their fixed values and required slices read off the profiles):
//! no findings, with the counts per type and profile printed; and a broken
//! Observation of each kind of mistake is found, so the validators really
//! look.
//!
//! Built from a real store: readings of every kind from simulated devices
//! (byte-exact GATT packets through the decoders and a session) and typed by
//! hand, by the patient and by a relative (training left out), answered
//! questionnaires, messages, a notice, the paired devices; the export; the
//! demo CarePlan and Questionnaires; the push channel's Subscription;
//! everything under `docs/fhir/`.

use std::{collections::BTreeMap, path::Path, process::Command, time::Duration};

use heima_core::{
    clock::{oslo, FixedClock},
    demo::{self, demo_store},
    devices::{
        session::{self, SessionConfig},
        simulator::{SimulatedDevice, SimulatedLink, StoredRecord},
    },
    questionnaire::{Answer, Answers},
    recording::{record_manual, submit_answers, take_colour_medicine},
    store::{
        readings::{EnteredBy, Recorder},
        Store,
    },
    sync::upload::resources_due,
    vocabulary::MeasurementKind,
};
use serde_json::{json, Value};

fn clock() -> FixedClock {
    FixedClock::oslo("2026-11-23T08:30:00Z".parse().unwrap())
}

/// One session with a simulated device, into the store.
fn session_with(store: &mut Store, device: &SimulatedDevice, clock: &FixedClock) {
    let tz = oslo();
    let service = heima_core::vocabulary::HealthService::from_uuid16(device.services[0]).unwrap();
    store.pair_device(&device.id, service, &device.name, clock.now).unwrap();
    let config = SessionConfig {
        device_id: &device.id,
        time_zone: &tz,
        clock,
        last_sequence: None,
        set_clock: false,
        wait: Duration::from_millis(10),
    };
    let plan = demo::sample_plan(clock);
    let mut sink = heima_core::recording::StoreSink {
        store,
        device_id: &device.id,
        recorder: &Recorder::new(EnteredBy::Patient),
        clock,
        plan: Some(&plan),
    };
    let mut link = SimulatedLink::new(device.clone());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    let report = runtime.block_on(session::run(&mut link, &config, &mut sink));
    assert!(report.measurements_stored >= 1, "{} stored nothing: {report:?}", device.id);
    heima_core::recording::remember_device(store, &device.id, &report, clock.now).unwrap();
}

/// A glucose meter with two records, mg/dL and mmol/L.
fn glucose_meter() -> SimulatedDevice {
    let record = |sequence: u16, units_flag: u8, value: [u8; 2]| {
        let mut bytes = vec![0x06 | units_flag];
        bytes.extend(sequence.to_le_bytes());
        bytes.extend([0xEA, 0x07, 11, 23, 6, sequence as u8, 0, value[0], value[1], 0x11]);
        StoredRecord { sequence, characteristic: 0x2A18, bytes }
    };
    SimulatedDevice {
        id: "c0:ff:ee:00:00:01".into(),
        name: "Glucose meter".into(),
        services: vec![0x1808],
        characteristics: vec![0x2A18, 0x2A34, 0x2A52, 0x2A19, 0x2A29, 0x2A24, 0x2A25],
        battery_percent: Some(77),
        information: vec![
            (0x2A29, b"Roche Diabetes Care".to_vec()),
            (0x2A24, b"Accu-Chek Guide".to_vec()),
            (0x2A25, b"92345678".to_vec()),
        ],
        // 0.00104 kg/L (104 mg/dL), then 5.5 mmol/L (0.0055 mol/L) before
        // a meal (its Glucose Measurement Context follows: meal 1).
        stored: vec![
            record(1, 0, [0x68, 0xB0]),
            record(2, 0x04 | 0x10, [0x37, 0xC0]),
            StoredRecord { sequence: 2, characteristic: 0x2A34, bytes: vec![0x02, 2, 0, 1] },
        ],
        ..SimulatedDevice::default()
    }
}

fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The store as a tablet has it after a day of every kind of record.
fn a_full_day() -> Store {
    let clock = clock();
    let mut store = demo_store(&clock);
    for kind in MeasurementKind::ALL {
        if let Some(device) = demo::devices::device(kind, 37) {
            session_with(&mut store, &device, &clock);
        }
    }
    session_with(&mut store, &glucose_meter(), &clock);
    // The app as the gateway its Observations name.
    let eui64 = heima_core::fhir::device::gateway_eui64([7; 8]);
    store.announce_gateway(&eui64, heima_core::fhir::device::APP_VERSION, clock.now).unwrap();
    type Typed = (MeasurementKind, &'static [(&'static str, &'static str)], Recorder);
    // A relative the service knows, named by its RelatedPerson.
    let known = Recorder { by: EnteredBy::Relative, relative: Some("RelatedPerson/daughter".into()) };
    let by_hand: [Typed; 10] = [
        (
            MeasurementKind::BloodPressure,
            &[("8480-6", "132"), ("8462-4", "84"), ("8867-4", "66")],
            Recorder::new(EnteredBy::Patient),
        ),
        (MeasurementKind::OxygenSaturation, &[("2708-6", "95"), ("8867-4", "71")], Recorder::new(EnteredBy::Relative)),
        (MeasurementKind::Pulse, &[("8867-4", "64")], Recorder::new(EnteredBy::Patient)),
        (MeasurementKind::BodyTemperature, &[("8310-5", "37,2")], Recorder::new(EnteredBy::Patient)),
        (MeasurementKind::BodyWeight, &[("29463-7", "80,4")], Recorder::new(EnteredBy::Relative)),
        (MeasurementKind::BloodGlucose, &[("15074-8", "6,1")], Recorder::new(EnteredBy::Patient)),
        (MeasurementKind::PeakFlow, &[("19935-6", "190")], Recorder::new(EnteredBy::Patient)),
        (MeasurementKind::Fev1, &[("20150-9", "1,42")], Recorder::new(EnteredBy::Patient)),
        (MeasurementKind::BodyWeight, &[("29463-7", "79,9")], Recorder::new(EnteredBy::NurseTraining)),
        (MeasurementKind::BodyWeight, &[("29463-7", "80,1")], known.clone()),
    ];
    for (n, (kind, values, by)) in by_hand.into_iter().enumerate() {
        let at = FixedClock::oslo(clock.now - jiff::SignedDuration::from_mins(n as i64 + 1));
        record_manual(&mut store, &at, kind, &typed(values), &by).unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
    }
    // The plan's course for yellow, taken: by the patient, and the
    // reliever by a relative.
    let yellow = record_manual(
        &mut store,
        &clock,
        MeasurementKind::PeakFlow,
        &typed(&[("19935-6", "240")]),
        &Recorder::new(EnteredBy::Patient),
    )
    .unwrap();
    let item = heima_core::vocabulary::ResultItem::Reading { id: yellow.id };
    let patient = Recorder::new(EnteredBy::Patient);
    take_colour_medicine(&mut store, &clock, item, "prednisolone", &patient, "taken/01").unwrap();
    let later = FixedClock::oslo(clock.now + jiff::SignedDuration::from_mins(3));
    take_colour_medicine(&mut store, &later, item, "reliever", &known, "taken/02").unwrap();
    // The diuretic's 08:30 dose of the day, by the patient.
    let due = "2026-11-23T07:30:00Z".parse().unwrap();
    heima_core::recording::take_dose(&mut store, &later, "diuretic", due, &patient, "taken/03").unwrap();
    // The legs' photo of the week, by the patient and by a relative.
    let photo = heima_core::photo::prepare(&heima_test_support::photos::phone_photo(640, 480, 1)).unwrap();
    let source = heima_core::store::photos::PhotoSource::File;
    heima_core::recording::keep_photo(&mut store, &later, "leg-photo", &photo, source, &patient, "photo/01").unwrap();
    let relative = Recorder::new(EnteredBy::Relative);
    heima_core::recording::keep_photo(&mut store, &later, "leg-photo", &photo, source, &relative, "photo/02").unwrap();
    let q = heima_core::fhir::questionnaire::load(&store, "daily-copd-check").unwrap().unwrap();
    let coding = |code: &str| Answer::Coding {
        system: Some("https://fhir.heima.no/demo/CodeSystem/daily-copd-check".into()),
        code: code.into(),
    };
    let mut answers = Answers::new();
    answers.insert("breath".into(), coding("much-worse"));
    answers.insert("cough".into(), coding("bit-more"));
    answers.insert("sputum".into(), Answer::Boolean(false));
    answers.insert("extra-medicine".into(), Answer::Boolean(false));
    submit_answers(&mut store, &clock, &q, &answers, &Recorder::new(EnteredBy::Patient), "resp-patient").unwrap();
    submit_answers(&mut store, &clock, &q, &answers, &Recorder::new(EnteredBy::Relative), "resp-relative").unwrap();
    submit_answers(&mut store, &clock, &q, &answers, &known, "resp-known-relative").unwrap();
    store.send_message("Eg har vondt i brystet", "msg-1", clock.now, &Recorder::new(EnteredBy::Patient)).unwrap();
    store.send_message("Mor er tung i pusten i dag", "msg-2", clock.now, &Recorder::new(EnteredBy::Relative)).unwrap();
    store.send_message("Eg kjem innom i kveld", "msg-3", clock.now, &known).unwrap();
    store
}

/// Runs the validators on `resources`; the parsed report.
fn validate(resources: &[Value]) -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), serde_json::to_vec(&json!({ "resources": resources })).unwrap()).unwrap();
    let out = Command::new("node")
        .arg(root.join("tests/fhir-validator/validate.mjs"))
        .arg(file.path())
        .output()
        .expect("node runs (scripts/setup.sh installs it and the validator)");
    assert!(out.status.success(), "validator failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn every_resource_the_app_writes_passes_the_schema_and_the_profiles() {
    let store = a_full_day();
    let mut resources = resources_due(&store, Some("Patient/p1")).unwrap();
    // As sent to a service that gave the patient's fødselsnummer.
    for r in &mut resources {
        heima_core::fhir::name_subject(r, "urn:oid:2.16.578.1.12.4.1.4.1|01017012345");
    }
    assert!(resources.iter().all(|r| r["subject"]["identifier"]["value"] == "01017012345"
        || r["patient"]["identifier"]["value"] == "01017012345"));
    assert!(resources.iter().all(|r| !r.to_string().contains("nurse-training")), "training is never sent");
    let sent = resources.len();
    let judged = resources.iter().filter(|r| r["interpretation"][0]["coding"][0]["system"].is_string()).count();
    assert!(judged >= 5, "readings carry their colour: {judged}");
    let by_plan = |r: &&Value| r.to_string().contains("_history");
    assert!(resources.iter().filter(|r| r["resourceType"] == "QuestionnaireResponse").all(|r| by_plan(&r)));
    let from_relative =
        resources.iter().find(|r| r["payload"][0]["contentString"] == "Mor er tung i pusten i dag").unwrap();
    assert_eq!(from_relative["sender"]["reference"], "#relative");
    assert_eq!(from_relative["contained"][0]["resourceType"], "RelatedPerson");
    let message = resources.iter().find(|r| r["resourceType"] == "Communication").unwrap();
    assert_eq!(message["recipient"][0]["display"], "Heima demo-oppfølging", "{message}");
    let meter = resources.iter().find(|r| r["resourceType"] == "Device" && r["manufacturer"].is_string());
    assert_eq!(meter.map(|d| d["modelNumber"].clone()), Some(json!("Accu-Chek Guide")), "the meter told its model");
    // The meter's meal context, as the PHD IG's coded enumeration derived
    // from its glucose; a typed peak flow as an exam.
    let meal = resources.iter().find(|r| r["code"]["coding"][0]["code"] == "8417864").expect("the meal context");
    assert_eq!(meal["valueCodeableConcept"]["coding"][0]["code"], "8417868", "before a meal");
    assert!(meal["derivedFrom"][0]["identifier"]["value"].as_str().unwrap().ends_with("/15074-8/seq-2"), "{meal}");
    let pef = resources.iter().find(|r| r["code"]["coding"][0]["code"] == "19935-6").expect("a typed peak flow");
    assert_eq!(
        (pef["category"][0]["coding"][0]["code"].clone(), pef["valueQuantity"]["code"].clone()),
        (json!("exam"), json!("L/min"))
    );
    let given: Vec<&Value> = resources.iter().filter(|r| r["resourceType"] == "MedicationAdministration").collect();
    assert_eq!(given.len(), 3, "the course, the reliever and a scheduled dose");
    assert!(given[2].get("reasonCode").is_none(), "a scheduled dose has no colour");
    // That relative is not in the demo plan's care team: contained, not named.
    assert_eq!(given[1]["performer"][0]["actor"]["reference"], "#relative");
    assert_eq!(given[1]["contained"][0]["resourceType"], "RelatedPerson");
    // A notice (what is queued when the follow-up ends with items given up).
    let mut ended = Store::open_in_memory(&heima_core::store::StoreKey::from_bytes([5; 32])).unwrap();
    ended.give_up_unsent(clock().now).unwrap();
    resources.extend(resources_due(&ended, Some("Patient/p1")).unwrap());
    let export = heima_core::fhir::export_bundle(&store, Some("Patient/p1"), clock().now).unwrap();
    resources.push(export.clone());
    resources.extend(export["entry"].as_array().unwrap().iter().map(|e| e["resource"].clone()));
    resources.push(serde_json::from_str(demo::CAREPLAN_JSON).unwrap());
    for text in demo::QUESTIONNAIRES_JSON {
        resources.push(serde_json::from_str(text).unwrap());
    }
    // The appointments the demo service books, as a service sends them.
    resources.extend(demo::appointments_json(&clock()));
    // The push channel's subscription, as the tablet creates it.
    resources.push(heima_core::fhir::subscription::subscription("Patient/p1"));
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/fhir");
    for entry in std::fs::read_dir(docs).unwrap() {
        resources.push(serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap());
    }

    let report = validate(&resources);
    println!("checked per resource type: {}", report["checked"]);
    println!("checked per profile: {}", report["profiles"]);
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.is_empty(), "{} findings:\n{}", findings.len(), serde_json::to_string_pretty(findings).unwrap());

    // Every kind was there to be checked.
    let checked = &report["checked"];
    for (kind, at_least) in [
        ("Observation", 20),
        ("QuestionnaireResponse", 2),
        ("Communication", 3),
        ("Device", 6),
        ("Bundle", 1),
        ("CarePlan", 1),
        ("Questionnaire", 2),
        ("StructureDefinition", 7),
        ("NamingSystem", 5),
        ("CodeSystem", 2),
        ("Subscription", 1),
        ("Basic", 1),
        ("Appointment", 3),
        ("Media", 2),
    ] {
        assert!(checked[kind].as_u64().unwrap_or(0) >= at_least, "{kind}: {checked}");
    }
    for profile in ["bp", "heartrate", "oxygensat", "bodytemp", "bodyweight", "vitalsigns"] {
        let url = format!("http://hl7.org/fhir/StructureDefinition/{profile}");
        assert!(report["profiles"][&url].as_u64().unwrap_or(0) >= 1, "{url} never checked");
    }
    assert!(sent > 20, "{sent}");
}

/// The validators can fail: a broken Observation of each kind of mistake
/// is found.
#[test]
fn the_validators_find_what_is_wrong() {
    let store = a_full_day();
    let good = resources_due(&store, Some("Patient/p1")).unwrap();
    let heart_rate = good
        .iter()
        .find(|r| r["meta"]["profile"][0] == "http://hl7.org/fhir/StructureDefinition/heartrate")
        .unwrap()
        .clone();
    let mut wrong_unit = heart_rate.clone();
    wrong_unit["valueQuantity"]["code"] = json!("kg");
    let mut no_category = heart_rate.clone();
    no_category.as_object_mut().unwrap().remove("category");
    let mut unknown_element = heart_rate.clone();
    unknown_element["colour"] = json!("red");
    let mut wrong_type = heart_rate;
    wrong_type["valueQuantity"]["value"] = json!("72");
    let report = validate(&[wrong_unit, no_category, unknown_element, wrong_type]);
    let findings = report["findings"].as_array().unwrap();
    let by = |needle: &str| findings.iter().filter(|f| f.to_string().contains(needle)).count();
    assert!(by(r#"\"kg\" is not the fixed"#) >= 1, "{findings:?}");
    assert!(by("VSCat") >= 1, "{findings:?}");
    assert!(by("colour") >= 1, "{findings:?}");
    assert!(findings.iter().any(|f| f["by"] == "schema"), "{findings:?}");
}
