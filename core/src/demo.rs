//! The in-process demo follow-up service, used when no real service is
//! configured: a sample patient, the self-care plan and questionnaires as
//! FHIR resources (`core/demo/*.json`, read through the same parsers as a
//! real service's), and a day's history, so that every screen has content.

use jiff::civil::time;

use crate::{
    clock::Clock,
    error::CoreError,
    fhir,
    gatt::Decimal,
    measurement::{Component, ComponentValue, Measurement},
    plan::{CarePlan, MeasurementKind},
    questionnaire::Questionnaire,
    schedule::Completion,
    store::{
        readings::{EnteredBy, NewReading},
        Store,
    },
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
    pub plan: CarePlan,
    pub questionnaires: Vec<Questionnaire>,
    pub completions: Vec<Completion>,
    /// Readings behind the completions.
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
        components: vec![Component { code: "29463-7", value: ComponentValue::Value(Decimal::new(73_450, -3)), unit: "kg" }],
        device_time: None,
        effective: at,
        identifier: format!("demo-scale/29463-7/{}", at.as_second()),
        device_id: "demo-scale".into(),
    }
}

impl DemoService {
    /// A fresh demo: the weighing was done at 07:34 this morning if that time
    /// has passed, everything else is open.
    pub fn new(clock: &dyn Clock) -> DemoService {
        let plan = sample_plan(clock);
        let tz = clock.time_zone();
        let now = clock.now();
        let morning = now.to_zoned(tz.clone()).date().to_datetime(time(7, 34, 0, 0)).to_zoned(tz).map(|z| z.timestamp());
        let (completions, readings) = match morning {
            Ok(at) if at <= now => (vec![Completion { activity_id: "weight".into(), at }], vec![demo_weight(at)]),
            _ => (vec![], vec![]),
        };
        DemoService { patient_name: "Kari Nordmann".into(), plan, questionnaires: sample_questionnaires(), completions, readings }
    }

    pub fn questionnaire(&self, id: &str) -> Option<&Questionnaire> {
        self.questionnaires.iter().find(|q| q.id == id)
    }

    /// Puts the demo's plan, questionnaires and morning reading into a
    /// store (the demo's own file, never the real one), so every screen
    /// reads the same way in demo mode as with a real service. Seeding
    /// again adds nothing twice.
    pub fn seed(&self, store: &mut Store, clock: &dyn Clock) -> Result<(), CoreError> {
        let tz = clock.time_zone();
        let plan: serde_json::Value = serde_json::from_str(CAREPLAN_JSON).expect("demo CarePlan is JSON");
        // Valid from the start of time, so the demo day always has a plan.
        store.accept_plan(&plan, jiff::Timestamp::UNIX_EPOCH, &tz)?;
        for text in QUESTIONNAIRES_JSON {
            let q: serde_json::Value = serde_json::from_str(text).expect("demo Questionnaire is JSON");
            store.accept_questionnaire(&q, clock.now())?;
        }
        let rows: Vec<NewReading<'_>> = self
            .readings
            .iter()
            .map(|m| NewReading { measurement: m, entered_by: EnteredBy::Patient, manual: false, received_at: m.effective, judged: None })
            .collect();
        store.insert_readings(&rows).map_err(|e| CoreError::new(e.code(), e.to_string()))?;
        Ok(())
    }
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
            // weight, bp ×2, spo2, copd check, and the heart-failure check (3 a week).
            assert_eq!(view.tasks.len(), 6, "hour {utc_hour}");
            assert_eq!(view.questionnaire_titles["daily-copd-check"].nb, "Daglige spørsmål om pusten");
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
        assert_eq!(latest.values, vec![("29463-7".into(), "73.450".into(), "kg".into())]);
        assert_eq!(latest.judgement.colour(), Some(crate::traffic_light::Colour::Green));
        assert_eq!(latest.advice.as_ref().unwrap().nn.as_deref(), Some("Alt ser bra ut. Hald fram som vanleg."));
        assert_eq!(latest.at_local, "07:34");
    }

    #[test]
    fn every_plan_questionnaire_is_served() {
        let clock = FixedClock::oslo("2026-03-10T11:00:00Z".parse().unwrap());
        let demo = DemoService::new(&clock);
        for activity in &demo.plan.activities {
            if let crate::plan::ActivityKind::Questionnaire { questionnaire } = &activity.kind {
                assert!(demo.questionnaire(questionnaire).is_some(), "{questionnaire}");
            }
        }
    }
}
