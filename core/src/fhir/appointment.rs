//! The service's FHIR R4 `Appointment`s with the patient, read into
//! [`Appointment`]s ([`read`]): which kind (from `serviceType` or
//! `appointmentType` coded in HL7 v3 ActCode: `VR` a video call, `HH` a
//! home visit; anything else is another meeting, shown but not joined),
//! its time, and the service's own words. Only appointments where the
//! patient is a participant (not declined) are read; a proposed, pending,
//! wait-listed or mistaken one is not shown ([`AppointmentRead::Forget`]).
//! Anything that cannot be read safely (no time, an end before the start,
//! over-long text) is refused and counted, never guessed.

use jiff::{SignedDuration, Timestamp};
use serde_json::Value as Json;

use super::{is_fhir_id, names_patient};
use crate::vocabulary::{Appointment, AppointmentKind, AppointmentStatus};

/// HL7 v3 ActCode, whose encounter classes name a virtual meeting (`VR`)
/// and home health (`HH`).
pub const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

/// How long an appointment with a start and no end or duration lasts.
pub const DEFAULT_LENGTH: SignedDuration = SignedDuration::from_mins(60);

/// The longest appointment the app takes (a longer one is a mistake).
pub const LONGEST: SignedDuration = SignedDuration::from_hours(12);

/// The longest description or instruction, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// At most this many names of whom the patient meets are kept, each at
/// most [`MAX_NAME_CHARS`].
pub const MAX_NAMES: usize = 4;
pub const MAX_NAME_CHARS: usize = 100;

/// What an `Appointment` from the service means for the tablet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppointmentRead {
    /// Shown (and kept) as it is now.
    Keep(Appointment),
    /// Not for the patient's screen (proposed, pending, on a waiting list,
    /// entered in error): forgotten if it was kept.
    Forget { id: String },
    /// The patient is not a participant, or has declined.
    NotForThisPatient,
}

/// Why an `Appointment` could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppointmentRefusal {
    NotAnAppointment,
    NoId,
    UnknownStatus,
    /// No start, or a start or end that is not an instant with its zone.
    NoTime,
    /// The end before the start, or longer than [`LONGEST`].
    BadLength,
    TextTooLong,
}

/// The kind from the codings of `serviceType` and `appointmentType`.
fn kind(resource: &Json) -> AppointmentKind {
    let service_types = resource["serviceType"].as_array().into_iter().flatten();
    let codings = service_types
        .chain(std::iter::once(&resource["appointmentType"]))
        .flat_map(|c| c["coding"].as_array().into_iter().flatten());
    for coding in codings {
        if coding["system"].as_str() == Some(ACT_CODE) {
            match coding["code"].as_str() {
                Some("VR") => return AppointmentKind::Video,
                Some("HH") => return AppointmentKind::HomeVisit,
                _ => {}
            }
        }
    }
    AppointmentKind::Other
}

/// A text field, trimmed; empty is none; over [`MAX_TEXT_CHARS`] refuses.
fn text(resource: &Json, key: &str) -> Result<Option<String>, AppointmentRefusal> {
    match resource[key].as_str().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > MAX_TEXT_CHARS => Err(AppointmentRefusal::TextTooLong),
        Some(t) => Ok(Some(t.to_string())),
    }
}

fn instant(value: &Json) -> Result<Option<Timestamp>, AppointmentRefusal> {
    match value.as_str() {
        None => Ok(None),
        Some(s) => s.parse::<Timestamp>().map(Some).map_err(|_| AppointmentRefusal::NoTime),
    }
}

/// Reads one `Appointment` for `patient` (`Patient/<id>`; `None` in demo
/// mode, where every appointment is the patient's).
pub fn read(resource: &Json, patient: Option<&str>) -> Result<AppointmentRead, AppointmentRefusal> {
    if resource["resourceType"].as_str() != Some("Appointment") {
        return Err(AppointmentRefusal::NotAnAppointment);
    }
    let id = resource["id"].as_str().filter(|id| is_fhir_id(id)).ok_or(AppointmentRefusal::NoId)?;
    let participants: Vec<&Json> = resource["participant"].as_array().into_iter().flatten().collect();
    if let Some(p) = patient {
        let takes_part =
            participants.iter().any(|x| names_patient(&x["actor"], p) && x["status"].as_str() != Some("declined"));
        if !takes_part {
            return Ok(AppointmentRead::NotForThisPatient);
        }
    }
    let status = match resource["status"].as_str() {
        Some("booked" | "arrived" | "checked-in") => AppointmentStatus::Booked,
        Some("cancelled") => AppointmentStatus::Cancelled,
        Some("fulfilled" | "noshow") => AppointmentStatus::Over,
        Some("proposed" | "pending" | "waitlist" | "entered-in-error") => {
            return Ok(AppointmentRead::Forget { id: id.to_string() })
        }
        _ => return Err(AppointmentRefusal::UnknownStatus),
    };
    let Some(start) = instant(&resource["start"])? else {
        // A cancelled request that never had a time is nothing to show.
        return match status {
            AppointmentStatus::Cancelled => Ok(AppointmentRead::Forget { id: id.to_string() }),
            _ => Err(AppointmentRefusal::NoTime),
        };
    };
    let end = match (instant(&resource["end"])?, resource["minutesDuration"].as_i64()) {
        (Some(end), _) => end,
        (None, Some(minutes)) if minutes > 0 && minutes <= LONGEST.as_mins() => {
            start + SignedDuration::from_mins(minutes)
        }
        (None, Some(_)) => return Err(AppointmentRefusal::BadLength),
        (None, None) => start + DEFAULT_LENGTH,
    };
    if end < start || end.duration_since(start) > LONGEST {
        return Err(AppointmentRefusal::BadLength);
    }
    let with = participants
        .iter()
        .filter(|x| patient.is_none_or(|p| !names_patient(&x["actor"], p)))
        .filter(|x| {
            !x["actor"]["reference"].as_str().is_some_and(|r| r.starts_with("Patient/") || r.contains("/Patient/"))
        })
        .filter_map(|x| x["actor"]["display"].as_str().map(str::trim))
        .filter(|name| !name.is_empty() && name.chars().count() <= MAX_NAME_CHARS)
        .take(MAX_NAMES)
        .map(str::to_string)
        .collect();
    Ok(AppointmentRead::Keep(Appointment {
        id: id.to_string(),
        kind: kind(resource),
        status,
        start,
        end,
        description: text(resource, "description")?,
        instruction: text(resource, "patientInstruction")?,
        with,
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn booked() -> Json {
        json!({
            "resourceType": "Appointment",
            "id": "a1",
            "status": "booked",
            "serviceType": [{ "coding": [{ "system": ACT_CODE, "code": "VR" }] }],
            "description": "Samtale om planen",
            "patientInstruction": "Ha blodtrykksmåleren klar",
            "start": "2026-12-04T09:00:00Z",
            "end": "2026-12-04T09:30:00Z",
            "participant": [
                { "actor": { "reference": "Patient/p1", "display": "Kari Nordmann" }, "status": "accepted" },
                { "actor": { "reference": "Practitioner/n1", "display": "Sykepleier Ola" }, "status": "accepted" }
            ]
        })
    }

    fn with(change: impl Fn(&mut Json)) -> Json {
        let mut a = booked();
        change(&mut a);
        a
    }

    #[test]
    fn a_booked_video_call_is_read_with_its_time_and_words() {
        let Ok(AppointmentRead::Keep(a)) = read(&booked(), Some("Patient/p1")) else { panic!("read") };
        assert_eq!(a.kind, AppointmentKind::Video);
        assert_eq!(a.status, AppointmentStatus::Booked);
        assert_eq!(a.start, "2026-12-04T09:00:00Z".parse().unwrap());
        assert_eq!(a.end, "2026-12-04T09:30:00Z".parse().unwrap());
        assert_eq!(a.description.as_deref(), Some("Samtale om planen"));
        assert_eq!(a.instruction.as_deref(), Some("Ha blodtrykksmåleren klar"));
        assert_eq!(a.with, ["Sykepleier Ola"], "the patient's own name is not whom they meet");
    }

    /// Each case: a change to a booked video call, and what comes of it.
    #[test]
    fn what_each_appointment_becomes() {
        type Case = (&'static str, fn(&mut Json), Result<&'static str, AppointmentRefusal>);
        let cases: &[Case] = &[
            ("home visit", |a| a["serviceType"][0]["coding"][0]["code"] = json!("HH"), Ok("home-visit booked")),
            (
                "appointmentType",
                |a| {
                    a.as_object_mut().unwrap().remove("serviceType");
                    a["appointmentType"] = json!({ "coding": [{ "system": ACT_CODE, "code": "HH" }] });
                },
                Ok("home-visit booked"),
            ),
            (
                "a code of another system",
                |a| a["serviceType"][0]["coding"][0]["system"] = json!("urn:x"),
                Ok("other booked"),
            ),
            (
                "no type",
                |a| {
                    a.as_object_mut().unwrap().remove("serviceType");
                },
                Ok("other booked"),
            ),
            ("arrived", |a| a["status"] = json!("arrived"), Ok("video booked")),
            ("cancelled", |a| a["status"] = json!("cancelled"), Ok("video cancelled")),
            ("fulfilled", |a| a["status"] = json!("fulfilled"), Ok("video over")),
            ("noshow", |a| a["status"] = json!("noshow"), Ok("video over")),
            ("proposed", |a| a["status"] = json!("proposed"), Ok("forget")),
            ("entered in error", |a| a["status"] = json!("entered-in-error"), Ok("forget")),
            (
                "cancelled without a time",
                |a| {
                    a["status"] = json!("cancelled");
                    a.as_object_mut().unwrap().remove("start");
                },
                Ok("forget"),
            ),
            ("another patient's", |a| a["participant"][0]["actor"]["reference"] = json!("Patient/p2"), Ok("not ours")),
            (
                "Patient/p11 is not p1",
                |a| a["participant"][0]["actor"]["reference"] = json!("Patient/p11"),
                Ok("not ours"),
            ),
            ("declined", |a| a["participant"][0]["status"] = json!("declined"), Ok("not ours")),
            (
                "absolute reference",
                |a| {
                    a["participant"][0]["actor"]["reference"] = json!("https://fhir.example.no/r4/Patient/p1");
                },
                Ok("video booked"),
            ),
            (
                "no start",
                |a| {
                    a.as_object_mut().unwrap().remove("start");
                },
                Err(AppointmentRefusal::NoTime),
            ),
            ("a start without zone", |a| a["start"] = json!("2026-12-04T09:00:00"), Err(AppointmentRefusal::NoTime)),
            ("end before start", |a| a["end"] = json!("2026-12-04T08:00:00Z"), Err(AppointmentRefusal::BadLength)),
            ("two days long", |a| a["end"] = json!("2026-12-06T09:00:00Z"), Err(AppointmentRefusal::BadLength)),
            (
                "no status",
                |a| {
                    a.as_object_mut().unwrap().remove("status");
                },
                Err(AppointmentRefusal::UnknownStatus),
            ),
            ("a hostile id", |a| a["id"] = json!("../x"), Err(AppointmentRefusal::NoId)),
            (
                "not an appointment",
                |a| a["resourceType"] = json!("Encounter"),
                Err(AppointmentRefusal::NotAnAppointment),
            ),
            (
                "a long description",
                |a| a["description"] = json!("x".repeat(MAX_TEXT_CHARS + 1)),
                Err(AppointmentRefusal::TextTooLong),
            ),
        ];
        for (name, change, expected) in cases {
            let got = read(&with(change), Some("Patient/p1")).map(|r| match r {
                AppointmentRead::Keep(a) => match (a.kind.as_str(), a.status.as_str()) {
                    ("video", "booked") => "video booked",
                    ("video", "cancelled") => "video cancelled",
                    ("video", "over") => "video over",
                    ("home-visit", "booked") => "home-visit booked",
                    ("other", "booked") => "other booked",
                    other => panic!("{name}: {other:?}"),
                },
                AppointmentRead::Forget { id } => {
                    assert_eq!(id, "a1");
                    "forget"
                }
                AppointmentRead::NotForThisPatient => "not ours",
            });
            assert_eq!(got, *expected, "{name}");
        }
    }

    #[test]
    fn an_end_comes_from_the_duration_or_an_hour() {
        let end = |a: &Json| match read(a, None) {
            Ok(AppointmentRead::Keep(a)) => a.end.to_string(),
            other => panic!("{other:?}"),
        };
        let no_end = with(|a| {
            a.as_object_mut().unwrap().remove("end");
        });
        assert_eq!(end(&no_end), "2026-12-04T10:00:00Z");
        let mut minutes = no_end.clone();
        minutes["minutesDuration"] = json!(20);
        assert_eq!(end(&minutes), "2026-12-04T09:20:00Z");
        minutes["minutesDuration"] = json!(0);
        assert_eq!(read(&minutes, None), Err(AppointmentRefusal::BadLength));
    }
}
