//! The self-care plan (egenbehandlingsplan) as plain data: what the patient
//! measures or answers, when, and the traffic-light limits and advice for
//! each. [`crate::fhir::careplan`] reads it from the service's FHIR
//! `CarePlan` (profile: `docs/careplan-profile.md`).

use jiff::{
    civil::{Date, Time, Weekday},
    tz::TimeZone,
    Timestamp,
};
use serde::{Deserialize, Serialize};

pub use crate::contacts::{ServiceContact, TeamMember};
pub use crate::vocabulary::MeasurementKind;
use crate::{
    contacts::{whom_now, WhomNow},
    material::{Block, Material},
    questionnaire::Text,
    traffic_light::{judge, Colour, Judgeable, Judgement, NotJudged, TrafficLight},
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
        #[serde(with = "crate::clock::weekday_codes")]
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
    /// How to do it, in the service's words (`detail.description`).
    pub description: Vec<Block>,
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

/// A medicine of the plan: taken as the plan says, or started when a
/// result has one colour ("ved gul sone: start kur X").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medicine {
    /// The medicine as the service names it.
    pub name: String,
    /// How to take it, in the service's words (one line per instruction).
    pub dosage: Vec<String>,
    /// None: part of the daily plan; a colour: for results of that colour.
    pub colour: Option<Colour>,
}

/// A relative the service knows, named in the plan's care team by their
/// `RelatedPerson` on the service: readings, answers and messages they
/// record name them by that reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownRelative {
    /// `RelatedPerson/<id>`.
    pub reference: String,
    pub name: String,
    /// The relationship in the service's words ("Datter").
    pub relationship: Option<String>,
}

/// Learning material as a link: its id and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialLink {
    pub id: String,
    pub title: String,
}

/// What a result brings besides the advice: whom to call now, the plan's
/// medicines for its colour, what the service does next, and the material
/// the advice refers to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Help {
    pub whom: WhomNow,
    pub medicines: Vec<Medicine>,
    pub next: Option<Text>,
    pub material: Vec<MaterialLink>,
}

/// Which phase the follow-up is in, from the CarePlan's status, category
/// and period (profile: `docs/careplan-profile.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "kebab-case")]
pub enum Phase {
    /// The 2–4 week trial before the plan meeting.
    Trial { from: Date, until: Option<Date> },
    /// Follow-up as planned.
    Active { since: Date, until: Option<Date> },
    /// Paused (e.g. a hospital stay): no reminders; readings still possible.
    Paused { since: Option<Date> },
    /// The service has ended the follow-up.
    Ended { on: Option<Date> },
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
    /// The care team (`CarePlan.careTeam`), in the service's order.
    pub team: Vec<TeamMember>,
    /// Relatives the service knows (from the care team).
    pub relatives: Vec<KnownRelative>,
    /// Medicines, general and per colour.
    pub medicines: Vec<Medicine>,
    /// Learning material the plan carries (`supportingInfo`).
    pub material: Vec<Material>,
    pub phase: Phase,
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

    /// Medicines for results of `colour`.
    pub fn medicines_for(&self, colour: Colour) -> Vec<Medicine> {
        self.medicines.iter().filter(|m| m.colour == Some(colour)).cloned().collect()
    }

    /// The help for a result judged by `light` (an activity's limits), at
    /// `at`: nothing without a colour.
    pub fn help(&self, light: Option<&TrafficLight>, judgement: &Judgement, at: Timestamp, tz: &TimeZone) -> Help {
        let (Some(colour), Some(light)) = (judgement.colour(), light) else { return Help::default() };
        Help {
            whom: whom_now(&self.service, colour, &light.calls(colour), at, tz),
            medicines: self.medicines_for(colour),
            next: light.next_for(colour),
            material: light
                .material_for(colour)
                .into_iter()
                .filter_map(|id| self.material.iter().find(|m| m.id == id))
                .map(|m| MaterialLink { id: m.id.clone(), title: m.title.clone() })
                .collect(),
        }
    }

    /// The light of the activity that asks for `kind`, if any.
    pub fn light_for(&self, kind: MeasurementKind) -> Option<&TrafficLight> {
        self.activity_for(kind).map(|a| &a.traffic_light)
    }

    /// Whether reminders and due tasks are off (a pause or the end).
    pub fn is_resting(&self) -> bool {
        matches!(self.phase, Phase::Paused { .. } | Phase::Ended { .. })
    }

    /// The activity that asks for this kind of measurement, if any.
    pub fn activity_for(&self, kind: MeasurementKind) -> Option<&Activity> {
        self.activities.iter().find(|a| a.kind == ActivityKind::Measure { measurement: kind })
    }
}
