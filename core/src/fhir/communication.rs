//! The patient's messages, the service's replies and the tablet's notices
//! as FHIR `Communication`s (a notice carries no health data, and its
//! `sent` is when it was queued, the same on every retry).

use jiff::Timestamp;
use serde_json::{json, Value as Json};

use super::canonical::{MESSAGE_IDENTIFIER, NOTICE_IDENTIFIER};
use crate::{
    store::{
        messages::{Direction, Message},
        plans::RefusedPlan,
    },
    vocabulary::EnteredBy,
};

/// A message as a `Communication`: the patient's own from the patient to
/// `recipient` (the follow-up service), a reply to the patient (in the
/// export).
pub fn message(m: &Message, subject: Option<&str>, recipient: Option<&Json>) -> Json {
    let mut c = json!({
        "resourceType": "Communication",
        "status": "completed",
        "sent": m.sent.to_string(),
        "payload": [{ "contentString": m.body }],
    });
    if m.direction == Direction::ToService {
        c["identifier"] = json!([{ "system": MESSAGE_IDENTIFIER, "value": m.identifier }]);
        if let Some(recipient) = recipient {
            c["recipient"] = json!([recipient]);
        }
    }
    if let Some(s) = subject {
        c["subject"] = json!({ "reference": s });
        match (m.direction, m.entered_by) {
            (Direction::ToService, Some(EnteredBy::Relative)) => match &m.relative {
                Some(known) => c["sender"] = json!({ "reference": known }),
                None => {
                    c["contained"] = json!([super::observation::relative(s)]);
                    c["sender"] = json!({ "reference": "#relative" });
                }
            },
            (Direction::ToService, _) => c["sender"] = json!({ "reference": s }),
            (Direction::FromService, _) => c["recipient"] = json!([{ "reference": s }]),
        }
    }
    c
}

/// A notice to the service (e.g. the local database was quarantined),
/// without health data; `queued` is when it was queued. A `plan-refused`
/// notice names the refused plan (`about`) and the reason, so the service
/// can send one the app reads.
pub fn notice(identifier: &str, subject: Option<&str>, queued: Timestamp, refused: Option<&RefusedPlan>) -> Json {
    let event = identifier.split('/').nth(1).unwrap_or("notice");
    let text = match refused.filter(|_| event == "plan-refused") {
        Some(r) => format!(
            "Heima: {event}: {} version {}: {} ({}). The plan in force before it still holds on the tablet.",
            r.plan,
            r.version.as_deref().unwrap_or("-"),
            r.reason.as_str(),
            r.detail
        ),
        None => format!("Heima: {event}"),
    };
    let mut c = json!({
        "resourceType": "Communication",
        "identifier": [{ "system": NOTICE_IDENTIFIER, "value": identifier }],
        "status": "completed",
        "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/communication-category", "code": "alert" }] }],
        "sent": queued.to_string(),
        "payload": [{ "contentString": text }],
    });
    if let Some(r) = refused.filter(|r| event == "plan-refused" && r.plan.contains('/')) {
        let reference = match &r.version {
            Some(v) => format!("{}/_history/{v}", r.plan),
            None => r.plan.clone(),
        };
        c["about"] = json!([{ "reference": reference }]);
    }
    if let Some(s) = subject {
        c["subject"] = json!({ "reference": s });
    }
    c
}
