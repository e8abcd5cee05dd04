//! The in-process demo follow-up service, used when no real service is
//! configured: a sample patient, the self-care plan and two questionnaires
//! as FHIR resources (`core/demo/*.json`, read through the same parsers as a
//! real service's), appointments around now ([`appointments_json`]: a video
//! call that can be joined within a quarter of an hour, a home visit, one
//! held last week), and a day's history, so that every screen has content.
//! [`DemoService::seed`] puts them into the demo's own store file
//! (`demo.db`), so demo mode and a real service are read the same way.
//! [`devices`] are simulated Bluetooth devices (one per kind) that send
//! byte-exact GATT packets through the real decoders and session.

use jiff::civil::time;

use crate::{
    clock::Clock,
    error::CoreError,
    fhir,
    measurement::{Component, ComponentValue, Measurement},
    plan::{CarePlan, MeasurementKind},
    questionnaire::Questionnaire,
    store::{
        readings::{EnteredBy, NewReading},
        Store,
    },
    vocabulary::Decimal,
};

/// The demo's FHIR resources.
pub const CAREPLAN_JSON: &str = include_str!("../demo/careplan.json");
pub const QUESTIONNAIRES_JSON: [&str; 2] = [
    include_str!("../demo/questionnaire-daily-copd-check.json"),
    include_str!("../demo/questionnaire-heart-failure-check.json"),
];

/// The demo service's state.
#[derive(Debug, Clone)]
pub struct DemoService {
    pub patient_name: String,
    /// The day's history so far (put into the demo store by [`DemoService::seed`]).
    pub readings: Vec<Measurement>,
}

/// The demo plan, read from its FHIR CarePlan.
pub fn sample_plan(clock: &dyn Clock) -> CarePlan {
    let json: serde_json::Value = serde_json::from_str(CAREPLAN_JSON).expect("demo CarePlan is JSON");
    fhir::careplan::parse(&json, &clock.time_zone()).expect("demo CarePlan is valid")
}

/// The demo questionnaires, read from their FHIR resources.
pub fn sample_questionnaires() -> Vec<Questionnaire> {
    QUESTIONNAIRES_JSON
        .iter()
        .map(|text| {
            let json: serde_json::Value = serde_json::from_str(text).expect("demo Questionnaire is JSON");
            fhir::questionnaire::parse(&json).expect("demo Questionnaire is valid")
        })
        .collect()
}

/// The demo scale's morning reading: 73.450 kg.
fn demo_weight(at: jiff::Timestamp) -> Measurement {
    Measurement {
        kind: MeasurementKind::BodyWeight,
        code: "29463-7",
        components: vec![Component {
            code: "29463-7",
            value: ComponentValue::Value(Decimal::new(73_450, -3)),
            unit: "kg",
        }],
        device_time: None,
        effective: at,
        identifier: format!("demo-scale/29463-7/{}", at.as_second()),
        device_id: "demo-scale".into(),
        meal: None,
    }
}

impl DemoService {
    /// A fresh demo: the weighing was done at 07:34 this morning if that time
    /// has passed, everything else is open.
    pub fn new(clock: &dyn Clock) -> DemoService {
        let tz = clock.time_zone();
        let now = clock.now();
        let morning =
            now.to_zoned(tz.clone()).date().to_datetime(time(7, 34, 0, 0)).to_zoned(tz).map(|z| z.timestamp());
        let readings = match morning {
            Ok(at) if at <= now => vec![demo_weight(at)],
            _ => vec![],
        };
        DemoService { patient_name: "Kari Nordmann".into(), readings }
    }

    /// Puts the demo's plan, questionnaires and morning reading into a
    /// store (the demo's own file, never the real one), so every screen
    /// reads the same way in demo mode as with a real service. Seeding
    /// again adds nothing twice.
    pub fn seed(&self, store: &mut Store, clock: &dyn Clock) -> Result<(), CoreError> {
        let tz = clock.time_zone();
        let plan: serde_json::Value = serde_json::from_str(CAREPLAN_JSON).expect("demo CarePlan is JSON");
        // Valid from the start of time, so the demo day always has a plan.
        crate::fhir::careplan::accept(store, &plan, jiff::Timestamp::UNIX_EPOCH, &tz)?;
        for text in QUESTIONNAIRES_JSON {
            let q: serde_json::Value = serde_json::from_str(text).expect("demo Questionnaire is JSON");
            crate::fhir::questionnaire::accept(store, &q, clock.now())?;
        }
        // Judged as any reading is, by the plan in force when it was taken.
        let judged = self
            .readings
            .iter()
            .map(|m| crate::judging::judge_at_its_time(store, m, &tz, None))
            .collect::<Result<Vec<_>, _>>()?;
        let rows: Vec<NewReading<'_>> = self
            .readings
            .iter()
            .zip(&judged)
            .map(|(m, j)| NewReading {
                judged: j.as_ref().map(|(v, j)| (*v, j)),
                ..NewReading::unjudged(m, EnteredBy::Patient, m.effective)
            })
            .collect();
        store.insert_readings(&rows)?;
        // Read as a real service's are; seeding again moves them to now.
        let keep: Vec<crate::vocabulary::Appointment> = appointments_json(clock)
            .iter()
            .filter_map(|a| match fhir::appointment::read(a, None) {
                Ok(fhir::appointment::AppointmentRead::Keep(a)) => Some(a),
                _ => None,
            })
            .collect();
        store.save_appointments("", &keep, &[], clock.now())?;
        Ok(())
    }
}

/// The demo's appointments as FHIR `Appointment`s, timed from `now`: a
/// video call with the nurse at the next quarter hour but one (so it can be
/// joined within a quarter of an hour), a home visit in two days at 10:00,
/// and a video call held a week ago.
pub fn appointments_json(clock: &dyn Clock) -> Vec<serde_json::Value> {
    use jiff::{SignedDuration, ToSpan};
    let tz = clock.time_zone();
    let now = clock.now();
    let quarter = 15 * 60;
    let video_start = jiff::Timestamp::from_second(now.as_second() - now.as_second().rem_euclid(quarter) + quarter)
        .expect("a time near now");
    let local_day = now.to_zoned(tz.clone()).date();
    let at_ten = |days: i64| {
        local_day
            .checked_add(days.days())
            .unwrap_or(local_day)
            .at(10, 0, 0, 0)
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
    };
    let visit_start = at_ten(2).expect("a local time");
    let held = at_ten(-7).expect("a local time") + SignedDuration::from_hours(3);
    let nurse = serde_json::json!({ "actor": { "reference": "Practitioner/demo-nurse", "display": "Sykepleier Anne Hansen" }, "status": "accepted" });
    let patient = serde_json::json!({ "actor": { "reference": "Patient/demo", "display": "Kari Nordmann" }, "status": "accepted" });
    let one = |id: &str,
               status: &str,
               code: &str,
               display: &str,
               start: jiff::Timestamp,
               minutes: i64,
               text: &str,
               instruction: Option<&str>| {
        let mut a = serde_json::json!({
            "resourceType": "Appointment",
            "id": id,
            "status": status,
            "serviceType": [{ "coding": [{ "system": fhir::appointment::ACT_CODE, "code": code, "display": display }] }],
            "description": text,
            "start": start.to_string(),
            "end": (start + SignedDuration::from_mins(minutes)).to_string(),
            "participant": [patient.clone(), nurse.clone()]
        });
        if let Some(i) = instruction {
            a["patientInstruction"] = serde_json::json!(i);
        }
        a
    };
    vec![
        one(
            "demo-video",
            "booked",
            "VR",
            "virtual",
            video_start,
            30,
            "Videosamtale om hvordan det går",
            Some("Ha blodtrykksmåleren i nærheten."),
        ),
        one(
            "demo-visit",
            "booked",
            "HH",
            "home health",
            visit_start,
            60,
            "Hjemmebesøk: vi ser på måleutstyret sammen",
            Some("Legg fram medisinene dine."),
        ),
        one("demo-held", "fulfilled", "VR", "virtual", held, 30, "Videosamtale etter oppstart", None),
    ]
}

/// A store with the demo in it, in memory (for tests).
pub fn demo_store(clock: &dyn Clock) -> Store {
    let mut store = Store::open_in_memory(&crate::store::StoreKey::from_bytes([0xde; 32])).expect("in-memory store");
    DemoService::new(clock).seed(&mut store, clock).expect("the demo seeds");
    store
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::FixedClock, schedule::TaskState};

    #[test]
    fn demo_day_has_content_at_any_hour() {
        for utc_hour in 0..24 {
            let now = format!("2026-03-10T{utc_hour:02}:15:00Z").parse().unwrap();
            let clock = FixedClock::oslo(now);
            let view = crate::today::view(&demo_store(&clock), &clock, true, None).unwrap().unwrap();
            assert!(view.demo);
            // weight, bp ×2, spo2, copd check, the diuretic's morning dose,
            // the heart-failure check (3 a week) and the legs' photo (once a week).
            assert_eq!(view.tasks.len(), 8, "hour {utc_hour}");
            assert_eq!(view.medicines["diuretic"].name.get(crate::locale::Locale::Bokmal), "Furosemid 40 mg");
            assert_eq!(
                view.questionnaire_titles["daily-copd-check"].get(crate::locale::Locale::Bokmal),
                "Daglige spørsmål om pusten"
            );
        }
    }

    #[test]
    fn morning_weighing_is_done_once_its_time_has_passed() {
        let clock = FixedClock::oslo("2026-03-10T11:00:00Z".parse().unwrap());
        let view = crate::today::view(&demo_store(&clock), &clock, true, None).unwrap().unwrap();
        let weight = view.tasks.iter().find(|t| t.activity_id == "weight").unwrap();
        assert_eq!(weight.state, TaskState::Done);
        let early = FixedClock::oslo("2026-03-10T05:00:00Z".parse().unwrap());
        let view = crate::today::view(&demo_store(&early), &early, true, None).unwrap().unwrap();
        assert!(view.tasks.iter().all(|t| t.state == TaskState::ToDo));
    }

    #[test]
    fn the_morning_weight_is_judged_green_with_advice() {
        let clock = FixedClock::oslo("2026-03-10T11:00:00Z".parse().unwrap());
        let view = crate::today::view(&demo_store(&clock), &clock, true, None).unwrap().unwrap();
        let [latest] = &view.latest[..] else { panic!("{:?}", view.latest) };
        let shown = crate::vocabulary::ShownValue { code: "29463-7".into(), value: "73.450".into(), unit: "kg".into() };
        assert_eq!(latest.values, vec![shown]);
        assert_eq!(latest.judgement.colour(), Some(crate::traffic_light::Colour::Green));
        assert_eq!(
            latest.advice.as_ref().unwrap().exactly(crate::locale::Locale::Nynorsk).map(String::as_str),
            Some("Alt ser bra ut. Hald fram som vanleg.")
        );
        assert_eq!(latest.at_local, "07:34");
    }

    #[test]
    fn every_plan_questionnaire_is_served() {
        let clock = FixedClock::oslo("2026-03-10T11:00:00Z".parse().unwrap());
        let store = demo_store(&clock);
        let plan = crate::fhir::careplan::in_force(&store, clock.now, &clock.time_zone())
            .unwrap()
            .expect("the demo plan is in force");
        for activity in &plan.activities {
            if let crate::plan::ActivityKind::Questionnaire { questionnaire } = &activity.kind {
                assert!(crate::fhir::questionnaire::load(&store, questionnaire).unwrap().is_some(), "{questionnaire}");
            }
        }
    }
}

/// The demo's simulated Bluetooth devices: one per kind it can measure,
/// sending a live reading as the real device would (byte-exact GATT
/// payloads, read by the same decoders). `wobble` (0..=99, from the
/// caller's randomness) varies the values a little from one try to the next.
pub mod devices {
    use crate::{
        devices::{simulator::SimulatedDevice, transport::Notification},
        plan::MeasurementKind,
    };

    /// A value as an IEEE-11073 SFLOAT with exponent 0.
    fn sfloat(value: u16) -> [u8; 2] {
        (value & 0x0FFF).to_le_bytes()
    }

    /// Device id, Bluetooth service, characteristic and a name for a kind.
    pub fn identity(kind: MeasurementKind) -> Option<(&'static str, u16, u16, &'static str)> {
        Some(match kind {
            MeasurementKind::BloodPressure => ("demo-bp", 0x1810, 0x2A35, "Demo blodtrykksmålar"),
            MeasurementKind::OxygenSaturation => ("demo-oximeter", 0x1822, 0x2A5E, "Demo pulsoksymeter"),
            MeasurementKind::BodyWeight => ("demo-scale", 0x181D, 0x2A9D, "Demo vekt"),
            MeasurementKind::BodyTemperature => ("demo-thermometer", 0x1809, 0x2A1C, "Demo termometer"),
            MeasurementKind::Pulse => ("demo-heart-rate", 0x180D, 0x2A37, "Demo pulsbelte"),
            MeasurementKind::BloodGlucose | MeasurementKind::PeakFlow | MeasurementKind::Fev1 => return None,
        })
    }

    /// The live packet a demo device sends.
    pub fn packet(kind: MeasurementKind, wobble: u16) -> Option<Vec<u8>> {
        let w = wobble % 100;
        Some(match kind {
            // Flags: pulse rate present, mmHg. Systolic, diastolic, MAP, pulse.
            MeasurementKind::BloodPressure => {
                let (sys, dia, pulse) = (118 + w % 30, 72 + w % 15, 64 + w % 20);
                let map = (sys + 2 * dia) / 3;
                [vec![0x04], sfloat(sys).to_vec(), sfloat(dia).to_vec(), sfloat(map).to_vec(), sfloat(pulse).to_vec()]
                    .concat()
            }
            // PLX spot-check: flags 0, SpO2, pulse rate.
            MeasurementKind::OxygenSaturation => {
                [vec![0x00], sfloat(91 + w % 8).to_vec(), sfloat(62 + w % 25).to_vec()].concat()
            }
            // Weight, SI, resolution 0.005 kg: 73.0 .. 74.0 kg.
            MeasurementKind::BodyWeight => [vec![0x00], (14_600 + w * 2).to_le_bytes().to_vec()].concat(),
            // Temperature, °C, FLOAT with exponent -1: 36.4 .. 37.4.
            MeasurementKind::BodyTemperature => {
                let tenths = 364 + u32::from(w % 11);
                let m = tenths.to_le_bytes();
                vec![0x00, m[0], m[1], m[2], 0xFF]
            }
            // Heart rate, u8 format.
            MeasurementKind::Pulse => vec![0x00, (60 + w % 30) as u8],
            MeasurementKind::BloodGlucose | MeasurementKind::PeakFlow | MeasurementKind::Fev1 => return None,
        })
    }

    /// The demo's device that sends by itself, as a real one does when the
    /// patient uses it with the app closed: the oximeter, with a low
    /// saturation (86 %, red by the demo plan) and pulse 96, so the demo
    /// shows what a red reading from the background does.
    pub fn background_device() -> SimulatedDevice {
        let (id, service, characteristic, name) = identity(MeasurementKind::OxygenSaturation).expect("a demo oximeter");
        SimulatedDevice {
            id: id.into(),
            name: name.into(),
            services: vec![service],
            characteristics: vec![characteristic, 0x2A19],
            battery_percent: Some(90),
            live: vec![Notification {
                characteristic,
                bytes: [vec![0x00], sfloat(86).to_vec(), sfloat(96).to_vec()].concat(),
            }],
            ..SimulatedDevice::default()
        }
    }

    /// The simulated device for a kind, ready to send one reading.
    pub fn device(kind: MeasurementKind, wobble: u16) -> Option<SimulatedDevice> {
        let (id, service, characteristic, name) = identity(kind)?;
        Some(SimulatedDevice {
            id: id.into(),
            name: name.into(),
            services: vec![service],
            characteristics: vec![characteristic, 0x2A19],
            battery_percent: Some(90),
            live: vec![Notification { characteristic, bytes: packet(kind, wobble)? }],
            ..SimulatedDevice::default()
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::{
            clock::FixedClock,
            devices::{
                session::{self, SessionConfig},
                simulator::SimulatedLink,
            },
            store::readings::EnteredBy,
        };

        /// Every demo device's packet decodes to the kind it is for, at any wobble.
        #[test]
        fn demo_devices_send_readings_the_decoders_accept() {
            let clock = FixedClock::oslo("2026-11-23T09:00:00Z".parse().unwrap());
            let tz = crate::clock::oslo();
            let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
            for kind in MeasurementKind::ALL {
                let Some((id, ..)) = identity(kind) else { continue };
                for wobble in [0, 37, 99] {
                    let mut store = super::super::demo_store(&clock);
                    let before = store.readings(kind, jiff::Timestamp::MIN, jiff::Timestamp::MAX).unwrap().len();
                    let mut link = SimulatedLink::new(device(kind, wobble).unwrap());
                    let config = SessionConfig {
                        device_id: id,
                        time_zone: &tz,
                        clock: &clock,
                        last_sequence: None,
                        set_clock: false,
                        wait: std::time::Duration::from_millis(5),
                    };
                    let mut sink = crate::recording::StoreSink {
                        store: &mut store,
                        device_id: id,
                        recorder: &crate::store::readings::Recorder::new(EnteredBy::Patient),
                        clock: &clock,
                        plan: None,
                    };
                    let report = runtime.block_on(session::run(&mut link, &config, &mut sink));
                    assert!(report.bad_packets.is_empty(), "{kind:?} {wobble}: {:?}", report.bad_packets);
                    // A monitor's pulse comes as a reading of its own.
                    assert!((1..=2).contains(&report.measurements_stored), "{kind:?} {wobble}");
                    let after = store.readings(kind, jiff::Timestamp::MIN, jiff::Timestamp::MAX).unwrap();
                    assert_eq!(after.len(), before + 1, "{kind:?}");
                }
            }
        }
    }
}
