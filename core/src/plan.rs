//! The self-care plan (egenbehandlingsplan) as plain data: what the patient
//! measures or answers, when, and the traffic-light limits and advice for
//! each. [`crate::fhir::careplan`] reads it from the service's FHIR
//! `CarePlan` (profile: `docs/careplan-profile.md`).

use jiff::{
    civil::{Time, Weekday},
    Timestamp,
};
use serde::{Deserialize, Serialize};

pub use crate::vocabulary::MeasurementKind;
use crate::{
    traffic_light::{judge, Judgeable, Judgement, NotJudged, TrafficLight},
    vocabulary::{ComponentValue, Measurement},
};

/// What one activity of the plan asks the patient to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ActivityKind {
    /// Take a reading of this kind.
    Measure { measurement: MeasurementKind },
    /// Answer the questionnaire with this id.
    Questionnaire { questionnaire: String },
}

/// When an activity is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Timing {
    /// Every day at these local times.
    DailyAt { times: Vec<Time> },
    /// On these weekdays at these local times.
    WeeklyAt {
        #[serde(with = "weekday_codes")]
        days: Vec<Weekday>,
        times: Vec<Time>,
    },
    /// This many times a week, any day, any time.
    TimesPerWeek { count: u8 },
    /// Only when the patient feels the need; never a task of its own.
    WhenNeeded,
}

/// One line of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Stable id within the plan.
    pub id: String,
    pub kind: ActivityKind,
    pub timing: Timing,
    /// Limits, advice and whom to call, per colour.
    #[serde(default)]
    pub traffic_light: TrafficLight,
}

/// A goal of the plan: what the patient aims for, in the service's words,
/// with measurable targets where the service gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub text: String,
    pub targets: Vec<GoalTarget>,
}

/// A goal's target: a LOINC-coded measure within a range, by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalTarget {
    pub code: Option<String>,
    pub low: Option<crate::vocabulary::Decimal>,
    pub high: Option<crate::vocabulary::Decimal>,
    pub unit: Option<String>,
    /// `YYYY-MM-DD`, when given.
    pub due: Option<String>,
}

/// How the patient reaches the follow-up service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceContact {
    pub name: String,
    /// Phone number as the service wants it shown.
    pub phone: String,
}

/// The self-care plan in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarePlan {
    pub id: String,
    /// Increases every time the service changes the plan.
    pub version: u32,
    /// From when this version is in force.
    pub valid_from: Timestamp,
    pub title: Option<String>,
    /// What the plan is for, in the service's words.
    pub description: Option<String>,
    /// The patient's goals (`CarePlan.goal`, contained `Goal`s).
    pub goals: Vec<Goal>,
    pub service: ServiceContact,
    pub activities: Vec<Activity>,
    /// The service's own reminder text (shown on a locked screen, so the
    /// service words it without health details); none: the app's own.
    pub reminder_text: Option<String>,
}

impl CarePlan {
    /// Judges a device or manual reading against the plan's activity for its
    /// kind; a kind the plan does not ask for has no limits.
    pub fn judge(&self, m: &Measurement) -> Judgement {
        let Some(activity) = self.activity_for(m.kind) else { return Judgement::NotJudged(NotJudged::NoLimits) };
        let values: Vec<Judgeable<'_>> = m
            .components
            .iter()
            .map(|c| Judgeable {
                code: c.code,
                value: match c.value {
                    ComponentValue::Value(d) => Some(d),
                    ComponentValue::Absent(_) => None,
                },
                unit: c.unit,
            })
            .collect();
        judge(&activity.traffic_light, &values)
    }

    pub fn activity(&self, id: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.id == id)
    }

    /// The activity that asks for this kind of measurement, if any.
    pub fn activity_for(&self, kind: MeasurementKind) -> Option<&Activity> {
        self.activities.iter().find(|a| a.kind == ActivityKind::Measure { measurement: kind })
    }
}

/// Weekdays as FHIR's `dayOfWeek` codes (`mon` … `sun`).
mod weekday_codes {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    const CODES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    pub fn serialize<S: Serializer>(days: &[Weekday], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(days.iter().map(|d| CODES[d.to_monday_zero_offset() as usize]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|code| {
                let i = CODES
                    .iter()
                    .position(|c| c == code)
                    .ok_or_else(|| serde::de::Error::custom(format!("day {code:?}")))?;
                Ok(Weekday::from_monday_zero_offset(i as i8).expect("0..7"))
            })
            .collect()
    }
}
