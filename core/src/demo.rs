//! The in-process demo follow-up service, used when no real service is
//! configured: a sample patient, the self-care plan and questionnaires as
//! FHIR resources (`core/demo/*.json`, read through the same parsers as a
//! real service's), and a day's history, so that every screen has content.

use std::collections::BTreeMap;

use jiff::civil::time;
use serde::Serialize;

use crate::{
    clock::Clock,
    fhir,
    gatt::Decimal,
    locale::Locale,
    measurement::{Component, ComponentValue, Measurement},
    plan::{CarePlan, MeasurementKind, ServiceContact},
    questionnaire::{Questionnaire, Text},
    schedule::{tasks_for_today, Completion, Task},
    traffic_light::{judge_measurement, Call, Judgement},
};

/// The demo's FHIR resources.
pub const CAREPLAN_JSON: &str = include_str!("../demo/careplan.json");
pub const QUESTIONNAIRES_JSON: [&str; 2] = [
    include_str!("../demo/questionnaire-daily-copd-check.json"),
    include_str!("../demo/questionnaire-heart-failure-check.json"),
];

/// What the "today" screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodayView {
    /// True when the data comes from the demo service.
    pub demo: bool,
    pub patient_name: String,
    pub service: ServiceContact,
    pub plan_version: u32,
    pub tasks: Vec<Task>,
    /// Titles of the questionnaires the tasks name, by id.
    pub questionnaire_titles: BTreeMap<String, Text>,
    /// The latest reading of each kind taken today, judged by the plan.
    pub latest: Vec<LatestResult>,
}

/// A reading as the today screen shows it, with its traffic-light result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LatestResult {
    pub kind: MeasurementKind,
    /// `(LOINC code, exact value, UCUM unit)` of each value with a number.
    pub values: Vec<(String, String, String)>,
    /// Local `HH:MM`.
    pub at_local: String,
    pub judgement: Judgement,
    /// The plan's advice for the colour, in each language it has.
    pub advice: Option<Text>,
    pub calls: Vec<Call>,
}

impl LatestResult {
    pub fn new(plan: &CarePlan, m: &Measurement, clock: &dyn Clock) -> LatestResult {
        let judgement = judge_measurement(plan, m);
        let light = plan.activity_for(m.kind).map(|a| &a.traffic_light);
        let (advice, calls) = match (judgement.colour(), light) {
            (Some(colour), Some(light)) => {
                let advice = light.advice(colour, Locale::Bokmal).map(|nb| Text {
                    nb: nb.to_string(),
                    nn: light.advice(colour, Locale::Nynorsk).map(str::to_string),
                    en: light.advice(colour, Locale::English).map(str::to_string),
                });
                (advice, light.calls(colour))
            }
            _ => (None, vec![]),
        };
        LatestResult {
            kind: m.kind,
            values: m
                .components
                .iter()
                .filter_map(|c| match c.value {
                    ComponentValue::Value(d) => Some((c.code.to_string(), d.to_string(), c.unit.to_string())),
                    ComponentValue::Absent(_) => None,
                })
                .collect(),
            at_local: m.effective.to_zoned(clock.time_zone()).strftime("%H:%M").to_string(),
            judgement,
            advice,
            calls,
        }
    }
}

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

    pub fn today(&self, clock: &dyn Clock) -> TodayView {
        TodayView {
            demo: true,
            patient_name: self.patient_name.clone(),
            service: self.plan.service.clone(),
            plan_version: self.plan.version,
            tasks: tasks_for_today(&self.plan, &self.completions, clock),
            questionnaire_titles: self.questionnaires.iter().map(|q| (q.id.clone(), q.title.clone())).collect(),
            latest: self.readings.iter().map(|m| LatestResult::new(&self.plan, m, clock)).collect(),
        }
    }
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
            let view = DemoService::new(&clock).today(&clock);
            assert!(view.demo);
            // weight, bp ×2, spo2, copd check, and the heart-failure check (3 a week).
            assert_eq!(view.tasks.len(), 6, "hour {utc_hour}");
            assert_eq!(view.questionnaire_titles["daily-copd-check"].nb, "Daglige spørsmål om pusten");
        }
    }

    #[test]
    fn morning_weighing_is_done_once_its_time_has_passed() {
        let clock = FixedClock::oslo("2026-03-10T11:00:00Z".parse().unwrap());
        let view = DemoService::new(&clock).today(&clock);
        let weight = view.tasks.iter().find(|t| t.activity_id == "weight").unwrap();
        assert_eq!(weight.state, TaskState::Done);
        let early = FixedClock::oslo("2026-03-10T05:00:00Z".parse().unwrap());
        let view = DemoService::new(&early).today(&early);
        assert!(view.tasks.iter().all(|t| t.state == TaskState::ToDo));
    }

    #[test]
    fn the_morning_weight_is_judged_green_with_advice() {
        let clock = FixedClock::oslo("2026-03-10T11:00:00Z".parse().unwrap());
        let view = DemoService::new(&clock).today(&clock);
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
