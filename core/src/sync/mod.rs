//! Sync with the follow-up service over plain FHIR R4 REST.
//!
//! The pure part lives here: turning outbox items into a `transaction`
//! Bundle where every entry is a conditional create on its identifier
//! (`ifNoneExist`), so a retry after a lost response never makes a
//! duplicate; reading the transaction-response; and the retry schedule
//! (exponential backoff with jitter, the random part passed in).
//! [`client`] is the reqwest (rustls) HTTP side.

pub mod client;
pub mod enrol;
pub mod round;

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value as Json};

use crate::{
    fhir,
    store::{
        devices::PairedDevice,
        messages::{IncomingMessage, Message},
        outbox::OutboxItem,
        readings::EnteredBy,
        responses::StoredResponse,
        Store, StoreError,
    },
};

/// First retry after this long; doubles per attempt.
pub const BACKOFF_BASE: SignedDuration = SignedDuration::from_secs(5);
/// Never wait longer than this between tries.
pub const BACKOFF_CAP: SignedDuration = SignedDuration::from_mins(30);

/// When to try again after `attempts` failures. `unit` is a random number
/// in `[0, 1)`; the wait is uniformly spread over the upper half of the
/// exponential step ("equal jitter"), so many tablets do not retry in step.
pub fn backoff(attempts: u32, unit: f64) -> SignedDuration {
    let step = BACKOFF_BASE.as_secs_f64() * 2f64.powi(attempts.min(20) as i32);
    let capped = step.min(BACKOFF_CAP.as_secs_f64());
    SignedDuration::from_secs_f64(capped / 2.0 + capped / 2.0 * unit.clamp(0.0, 1.0))
}

/// The transaction Bundle for a batch of outbox items, and the items it
/// carries (items whose local data is gone are left out and returned
/// separately, so they can be marked).
pub struct Batch {
    pub bundle: Json,
    pub carried: Vec<i64>,
    pub missing: Vec<i64>,
}

/// Identifier system of the patient's messages to the service.
pub const MESSAGE_IDENTIFIER_SYSTEM: &str = "urn:heima:message";
/// Identifier system of answered questionnaires.
pub const RESPONSE_IDENTIFIER_SYSTEM: &str = "urn:heima:questionnaire-response";

/// The resource for one outbox item and the identifier (system and value)
/// its conditional create matches on; `None` when the local data is gone.
fn resource_for(
    store: &Store,
    item: &OutboxItem,
    subject: Option<&str>,
    now: Timestamp,
) -> Result<Option<(Json, String, String)>, StoreError> {
    let id = item.local_id;
    Ok(match (item.resource_type.as_str(), id) {
        ("Observation", Some(id)) => store.reading_by_id(id)?.map(|r| {
            (fhir::observation(&r, subject), fhir::OBSERVATION_IDENTIFIER_SYSTEM.to_string(), item.identifier.clone())
        }),
        ("Communication", Some(id)) => store
            .message_by_id(id)?
            .map(|m| (message(&m, subject), MESSAGE_IDENTIFIER_SYSTEM.to_string(), item.identifier.clone())),
        ("Communication", None) => Some((
            notice(&item.identifier, subject, now),
            NOTICE_IDENTIFIER_SYSTEM.to_string(),
            item.identifier.clone(),
        )),
        ("QuestionnaireResponse", Some(id)) => store.response_by_id(id)?.map(|r| {
            (questionnaire_response(&r, subject), RESPONSE_IDENTIFIER_SYSTEM.to_string(), item.identifier.clone())
        }),
        ("Device", None) => {
            let device_id = item.identifier.strip_prefix("device/").unwrap_or(&item.identifier);
            store
                .paired_device(device_id)?
                .map(|d| (device(&d, subject), fhir::BLUETOOTH_SYSTEM.to_string(), d.id.clone()))
        }
        _ => None,
    })
}

/// Builds the transaction for `items`. `subject` is the patient reference
/// the service gave at enrolment.
pub fn transaction(
    store: &Store,
    items: &[OutboxItem],
    subject: Option<&str>,
    now: Timestamp,
) -> Result<Batch, StoreError> {
    let mut entries = vec![];
    let (mut carried, mut missing) = (vec![], vec![]);
    for item in items {
        let Some((resource, system, value)) = resource_for(store, item, subject, now)? else {
            missing.push(item.id);
            continue;
        };
        entries.push(json!({
            "fullUrl": fhir::urn_uuid(&item.identifier),
            "resource": resource,
            "request": {
                "method": "POST",
                "url": item.resource_type,
                "ifNoneExist": format!("identifier={system}|{value}"),
            }
        }));
        carried.push(item.id);
    }
    Ok(Batch { bundle: json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries }), carried, missing })
}

/// The patient's message as a `Communication` from the patient.
fn message(m: &Message, subject: Option<&str>) -> Json {
    let mut c = json!({
        "resourceType": "Communication",
        "identifier": [{ "system": MESSAGE_IDENTIFIER_SYSTEM, "value": m.identifier }],
        "status": "completed",
        "sent": m.sent.to_string(),
        "payload": [{ "contentString": m.body }],
    });
    if let Some(s) = subject {
        c["subject"] = json!({ "reference": s });
        c["sender"] = json!({ "reference": s });
    }
    c
}

/// A stored `QuestionnaireResponse` with the current subject.
fn questionnaire_response(r: &StoredResponse, subject: Option<&str>) -> Json {
    let mut q = r.resource.clone();
    q["identifier"] = json!({ "system": RESPONSE_IDENTIFIER_SYSTEM, "value": r.identifier });
    if let Some(s) = subject {
        q["subject"] = json!({ "reference": s });
        if r.entered_by == EnteredBy::Patient {
            q["source"] = json!({ "reference": s });
        }
    }
    q
}

/// A paired device as a FHIR `Device`, identified by its Bluetooth address
/// (the same identifier Observations name in `device`).
fn device(d: &PairedDevice, subject: Option<&str>) -> Json {
    let mut j = json!({
        "resourceType": "Device",
        "identifier": [{ "system": fhir::BLUETOOTH_SYSTEM, "value": d.id }],
        "status": "active",
        "deviceName": [{ "name": d.name, "type": "user-friendly-name" }],
        "type": { "text": format!("Bluetooth health service 0x{}", d.service) },
    });
    if let Some(s) = subject {
        j["patient"] = json!({ "reference": s });
    }
    j
}

/// Identifier system of the app's notices to the service.
pub const NOTICE_IDENTIFIER_SYSTEM: &str = "urn:heima:notice";

/// A notice to the service (e.g. the local database was quarantined),
/// without health data.
fn notice(identifier: &str, subject: Option<&str>, now: Timestamp) -> Json {
    let event = identifier.split('/').nth(1).unwrap_or("notice");
    let mut c = json!({
        "resourceType": "Communication",
        "identifier": [{ "system": NOTICE_IDENTIFIER_SYSTEM, "value": identifier }],
        "status": "completed",
        "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/communication-category", "code": "alert" }] }],
        "sent": now.to_string(),
        "payload": [{ "contentString": format!("Heima: {event}") }],
    });
    if let Some(s) = subject {
        c["subject"] = json!({ "reference": s });
    }
    c
}

/// Reads a `Communication` the service sent to the patient. Ones without
/// text, not yet sent, or written by the patient are skipped.
pub fn incoming_message(c: &Json) -> Option<IncomingMessage> {
    if c["resourceType"] != "Communication" || c["status"] == "entered-in-error" || c["status"] == "preparation" {
        return None;
    }
    let own = fhir::array(c, "identifier")
        .iter()
        .any(|i| i["system"] == MESSAGE_IDENTIFIER_SYSTEM || i["system"] == NOTICE_IDENTIFIER_SYSTEM);
    if own {
        return None;
    }
    let body: Vec<&str> = fhir::array(c, "payload").iter().filter_map(|p| p["contentString"].as_str()).collect();
    if body.is_empty() {
        return None;
    }
    let sent = c["sent"].as_str().or(c["meta"]["lastUpdated"].as_str())?.parse().ok()?;
    let id = fhir::str_at(c, "id")?;
    Some(IncomingMessage { identifier: format!("Communication/{id}"), sent, body: body.join("\n\n") })
}

/// The result of one entry of a transaction-response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryOutcome {
    /// 201: created now.
    Created,
    /// 200: an equal resource (same identifier) was already there.
    AlreadyThere,
    Failed(String),
}

/// Reads a transaction-response Bundle: one outcome per entry, in order.
pub fn read_transaction_response(response: &Json) -> Result<Vec<EntryOutcome>, String> {
    if response["resourceType"] != "Bundle" || response["type"] != "transaction-response" {
        return Err(format!(
            "not a transaction-response (resourceType {}, type {})",
            response["resourceType"], response["type"]
        ));
    }
    Ok(response["entry"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(|e| {
            let status = e["response"]["status"].as_str().unwrap_or("");
            match status.split_whitespace().next() {
                Some("201") => EntryOutcome::Created,
                Some("200") => EntryOutcome::AlreadyThere,
                _ => EntryOutcome::Failed(status.to_string()),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        assert_eq!(backoff(0, 0.0), SignedDuration::from_millis(2500));
        assert_eq!(backoff(0, 1.0), SignedDuration::from_secs(5));
        assert_eq!(backoff(3, 0.5), SignedDuration::from_secs(30));
        assert_eq!(backoff(30, 1.0), BACKOFF_CAP);
        assert_eq!(backoff(30, 0.0), BACKOFF_CAP / 2);
        for attempts in 0..10 {
            assert!(backoff(attempts + 1, 0.0) >= backoff(attempts, 0.0));
        }
    }

    #[test]
    fn transaction_responses_are_read_per_entry() {
        let r = json!({ "resourceType": "Bundle", "type": "transaction-response", "entry": [
            { "response": { "status": "201 Created" } },
            { "response": { "status": "200 OK" } },
            { "response": { "status": "400 Bad Request" } }
        ]});
        assert_eq!(
            read_transaction_response(&r).unwrap(),
            vec![EntryOutcome::Created, EntryOutcome::AlreadyThere, EntryOutcome::Failed("400 Bad Request".into())]
        );
        assert!(read_transaction_response(&json!({ "resourceType": "OperationOutcome" })).is_err());
    }
}
