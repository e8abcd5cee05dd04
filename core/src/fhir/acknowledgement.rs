//! The service's acknowledgement, read from a FHIR R4 `Task` (profile:
//! `docs/careplan-profile.md`, "Acknowledgement"): `status` `completed`,
//! `for` the patient, `focus` naming the reading or answers by the
//! identifier the app sent (`focus.identifier`), seen at
//! `executionPeriod.end` (else `lastModified`), by `owner.display`.

use jiff::Timestamp;
use serde_json::Value as Json;

use super::{canonical, str_at};
use crate::store::readings::Seen;

/// The identifier a completed Task acknowledges and when; `None` for any
/// other Task. A heart rate sent beside another reading
/// (`<reading>/8867-4`) acknowledges that reading.
pub fn read(task: &Json) -> Option<(String, Seen)> {
    if str_at(task, "resourceType") != Some("Task") || str_at(task, "status") != Some("completed") {
        return None;
    }
    let identifier = task.get("focus")?.get("identifier")?;
    let system = str_at(identifier, "system")?;
    let ours = [canonical::OBSERVATION_IDENTIFIER, canonical::RESPONSE_IDENTIFIER];
    if !ours.iter().any(|c| canonical::is(system, c)) {
        return None;
    }
    let value = str_at(identifier, "value")?;
    let value = value.strip_suffix(&format!("/{}", crate::vocabulary::loinc::HEART_RATE)).unwrap_or(value);
    let at = task
        .get("executionPeriod")
        .and_then(|p| str_at(p, "end"))
        .or_else(|| str_at(task, "lastModified"))
        .and_then(|t| t.parse::<Timestamp>().ok())?;
    let by = task.get("owner").and_then(|o| str_at(o, "display")).map(str::to_string);
    Some((value.to_string(), Seen { at, by }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn task(edit: impl FnOnce(&mut Json)) -> Json {
        let mut t = json!({
            "resourceType": "Task",
            "status": "completed",
            "intent": "order",
            "for": { "reference": "Patient/1" },
            "focus": { "type": "Observation", "identifier": { "system": canonical::OBSERVATION_IDENTIFIER, "value": "r-1" } },
            "executionPeriod": { "end": "2026-11-30T09:12:00Z" },
            "owner": { "display": "Ingrid Berg" }
        });
        edit(&mut t);
        t
    }

    #[test]
    fn which_tasks_acknowledge_what() {
        let seen = |at: &str, by: Option<&str>| Seen { at: at.parse().unwrap(), by: by.map(str::to_string) };
        type Case = (&'static str, Json, Option<(&'static str, Seen)>);
        let cases: Vec<Case> = vec![
            ("completed", task(|_| {}), Some(("r-1", seen("2026-11-30T09:12:00Z", Some("Ingrid Berg"))))),
            (
                "the pulse beside it",
                task(|t| t["focus"]["identifier"]["value"] = json!("r-1/8867-4")),
                Some(("r-1", seen("2026-11-30T09:12:00Z", Some("Ingrid Berg")))),
            ),
            (
                "lastModified, no owner",
                task(|t| {
                    t.as_object_mut().unwrap().remove("executionPeriod");
                    t.as_object_mut().unwrap().remove("owner");
                    t["lastModified"] = json!("2026-11-30T10:00:00+01:00");
                }),
                Some(("r-1", seen("2026-11-30T09:00:00Z", None))),
            ),
            ("in progress", task(|t| t["status"] = json!("in-progress")), None),
            ("someone else's system", task(|t| t["focus"]["identifier"]["system"] = json!("urn:other")), None),
            ("a literal reference only", task(|t| t["focus"] = json!({ "reference": "Observation/9" })), None),
            ("no time", task(|t| t["executionPeriod"] = json!({})), None),
            ("not a Task", task(|t| t["resourceType"] = json!("Communication")), None),
        ];
        for (name, t, expected) in cases {
            assert_eq!(read(&t), expected.map(|(id, s)| (id.to_string(), s)), "{name}");
        }
    }
}
