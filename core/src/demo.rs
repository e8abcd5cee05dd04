//! The in-process demo follow-up service, used when no real service is
//! configured: a sample patient, a self-care plan and a day's history, so
//! that every screen has content.

use jiff::civil::time;
use serde::Serialize;

use crate::{
    clock::Clock,
    plan::{Activity, ActivityKind, CarePlan, MeasurementKind, ServiceContact, Timing},
    schedule::{tasks_for_today, Completion, Task},
};

/// What the "today" screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodayView {
    /// True when the data comes from the demo service.
    pub demo: bool,
    pub patient_name: String,
    pub service: ServiceContact,
    pub plan_version: u32,
    pub tasks: Vec<Task>,
}

/// The demo service's state.
#[derive(Debug, Clone)]
pub struct DemoService {
    pub patient_name: String,
    pub plan: CarePlan,
    pub completions: Vec<Completion>,
}

impl DemoService {
    /// A fresh demo: the weighing was done at 07:34 this morning if that time
    /// has passed, everything else is open.
    pub fn new(clock: &dyn Clock) -> DemoService {
        let plan = sample_plan();
        let tz = clock.time_zone();
        let now = clock.now();
        let morning = now
            .to_zoned(tz.clone())
            .date()
            .to_datetime(time(7, 34, 0, 0))
            .to_zoned(tz)
            .map(|z| z.timestamp());
        let completions = match morning {
            Ok(at) if at <= now => vec![Completion { activity_id: "weight".into(), at }],
            _ => vec![],
        };
        DemoService { patient_name: "Kari Nordmann".into(), plan, completions }
    }

    pub fn today(&self, clock: &dyn Clock) -> TodayView {
        TodayView {
            demo: true,
            patient_name: self.patient_name.clone(),
            service: self.plan.service.clone(),
            plan_version: self.plan.version,
            tasks: tasks_for_today(&self.plan, &self.completions, clock),
        }
    }
}

/// The sample plan of a patient with COPD (KOLS) and heart failure.
pub fn sample_plan() -> CarePlan {
    let measure = |id: &str, measurement, times| Activity {
        id: id.into(),
        kind: ActivityKind::Measure { measurement },
        timing: Timing::DailyAt { times },
    };
    CarePlan {
        id: "demo-plan".into(),
        version: 1,
        service: ServiceContact { name: "Heima demo-oppfølging".into(), phone: "+47 22 00 00 00".into() },
        activities: vec![
            measure("weight", MeasurementKind::BodyWeight, vec![time(7, 30, 0, 0)]),
            measure("bp", MeasurementKind::BloodPressure, vec![time(8, 0, 0, 0), time(20, 0, 0, 0)]),
            measure("spo2", MeasurementKind::OxygenSaturation, vec![time(8, 0, 0, 0)]),
            Activity {
                id: "copd-check".into(),
                kind: ActivityKind::Questionnaire { questionnaire: "daily-copd-check".into() },
                timing: Timing::DailyAt { times: vec![time(9, 0, 0, 0)] },
            },
            measure("temperature", MeasurementKind::BodyTemperature, vec![]).with_timing(Timing::WhenNeeded),
        ],
    }
}

impl Activity {
    fn with_timing(mut self, timing: Timing) -> Activity {
        self.timing = timing;
        self
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
            assert_eq!(view.tasks.len(), 5, "hour {utc_hour}");
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
}
