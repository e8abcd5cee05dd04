//! An appointment the service booked with the patient ([`Appointment`]: a
//! video call, a home visit or another meeting, with its time and the
//! service's words), as read from a FHIR `Appointment` and kept in the
//! store. What it means for the screen and the reminders is
//! `crate::appointments`.

use jiff::Timestamp;
use serde::Serialize;

/// What kind of meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppointmentKind {
    /// A video call with the service, joined from the app.
    Video,
    /// A nurse comes to the patient's home.
    HomeVisit,
    /// Any other meeting (the service's description says which).
    Other,
}

/// Where the booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
    /// It took place (or the patient did not come): kept as history.
    Over,
}

impl AppointmentKind {
    pub const ALL: [AppointmentKind; 3] = [AppointmentKind::Video, AppointmentKind::HomeVisit, AppointmentKind::Other];

    /// As the store keeps it (and the UI's message ids name it).
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentKind::Video => "video",
            AppointmentKind::HomeVisit => "home-visit",
            AppointmentKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<AppointmentKind> {
        AppointmentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 3] =
        [AppointmentStatus::Booked, AppointmentStatus::Cancelled, AppointmentStatus::Over];

    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Over => "over",
        }
    }

    pub fn parse(text: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One appointment, as the service last sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appointment {
    /// The service's id of the `Appointment` (a FHIR id).
    pub id: String,
    pub kind: AppointmentKind,
    pub status: AppointmentStatus,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The service's own words: what it is about (`description`).
    pub description: Option<String>,
    /// What the patient should do before it (`patientInstruction`).
    pub instruction: Option<String>,
    /// Who the patient meets, by the names the service gives.
    pub with: Vec<String>,
}
