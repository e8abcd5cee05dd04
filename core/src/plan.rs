//! The self-care plan (egenbehandlingsplan) as plain data: what the patient
//! measures or answers, and when.
//!
//! This is the shape the rest of the core works with; reading it from a FHIR
//! `CarePlan` and the traffic-light limits come with the clinical issue.

use jiff::civil::Time;
use serde::{Deserialize, Serialize};

/// A kind of reading the app can take or receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeasurementKind {
    BloodPressure,
    Pulse,
    OxygenSaturation,
    BodyTemperature,
    BodyWeight,
    BloodGlucose,
}

impl MeasurementKind {
    pub const ALL: [MeasurementKind; 6] = [
        MeasurementKind::BloodPressure,
        MeasurementKind::Pulse,
        MeasurementKind::OxygenSaturation,
        MeasurementKind::BodyTemperature,
        MeasurementKind::BodyWeight,
        MeasurementKind::BloodGlucose,
    ];
}

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
    pub service: ServiceContact,
    pub activities: Vec<Activity>,
}
