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
    plan::{CarePlan, ServiceContact},
    questionnaire::{Questionnaire, Text},
    schedule::{tasks_for_today, Completion, Task},
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
}

/// The demo service's state.
#[derive(Debug, Clone)]
pub struct DemoService {
    pub patient_name: String,
    pub plan: CarePlan,
    pub questionnaires: Vec<Questionnaire>,
    pub completions: Vec<Completion>,
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

impl DemoService {
    /// A fresh demo: the weighing was done at 07:34 this morning if that time
    /// has passed, everything else is open.
    pub fn new(clock: &dyn Clock) -> DemoService {
        let plan = sample_plan(clock);
        let tz = clock.time_zone();
        let now = clock.now();
        let morning = now.to_zoned(tz.clone()).date().to_datetime(time(7, 34, 0, 0)).to_zoned(tz).map(|z| z.timestamp());
        let completions = match morning {
            Ok(at) if at <= now => vec![Completion { activity_id: "weight".into(), at }],
            _ => vec![],
        };
        DemoService { patient_name: "Kari Nordmann".into(), plan, questionnaires: sample_questionnaires(), completions }
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
