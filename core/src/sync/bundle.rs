//! The FHIR resources sync sends and reads, as pure functions: the
//! patient's messages, answered questionnaires, devices and notices as
//! resources; a `transaction` Bundle where every entry is a conditional
//! create on its identifier (`ifNoneExist`), so a retry after a lost
//! response never makes a duplicate; the transaction-response read per
//! entry; and messages from the service. No store, no network.

use jiff::Timestamp;
use serde_json::{json, Value as Json};

use super::client::SyncError;
use crate::{
    fhir,
    store::{
        devices::PairedDevice,
        messages::{IncomingMessage, Message},
        readings::EnteredBy,
        responses::StoredResponse,
    },
};

use crate::fhir::canonical::{MESSAGE_IDENTIFIER, NOTICE_IDENTIFIER, RESPONSE_IDENTIFIER};

/// One entry of a transaction: the resource, its type and the identifiers
/// (system and value) its conditional create matches on — any of them.
pub struct Entry {
    pub resource_type: String,
    /// Names the entry (`fullUrl`).
    pub identifier: String,
    pub resource: Json,
    pub matches: Vec<(String, String)>,
}

/// The `transaction` Bundle for `entries`, each a conditional create
/// (`identifier=a|x,b|y` matches either).
pub fn transaction<'a>(entries: impl Iterator<Item = &'a Entry>) -> Json {
    let entries: Vec<Json> = entries
        .map(|e| {
            let matches: Vec<String> = e.matches.iter().map(|(system, value)| format!("{system}|{value}")).collect();
            json!({
                "fullUrl": fhir::urn_uuid(&e.identifier),
                "resource": e.resource,
                "request": {
                    "method": "POST",
                    "url": e.resource_type,
                    "ifNoneExist": format!("identifier={}", matches.join(",")),
                }
            })
        })
        .collect();
    json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries })
}

/// The patient's message as a `Communication` from the patient.
pub(super) fn message(m: &Message, subject: Option<&str>) -> Json {
    let mut c = json!({
        "resourceType": "Communication",
        "identifier": [{ "system": MESSAGE_IDENTIFIER, "value": m.identifier }],
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
pub(super) fn questionnaire_response(r: &StoredResponse, subject: Option<&str>) -> Json {
    let mut q = r.resource.clone();
    q["identifier"] = json!({ "system": RESPONSE_IDENTIFIER, "value": r.identifier });
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
pub(super) fn device(d: &PairedDevice, subject: Option<&str>) -> Json {
    let mut j = json!({
        "resourceType": "Device",
        "identifier": [fhir::device_identifier(&d.id)],
        "status": "active",
        "deviceName": [{ "name": d.name, "type": "user-friendly-name" }],
        "type": { "text": format!("Bluetooth health service 0x{}", d.service) },
    });
    if let Some(s) = subject {
        j["patient"] = json!({ "reference": s });
    }
    j
}

/// A notice to the service (e.g. the local database was quarantined),
/// without health data.
pub(super) fn notice(identifier: &str, subject: Option<&str>, now: Timestamp) -> Json {
    let event = identifier.split('/').nth(1).unwrap_or("notice");
    let mut c = json!({
        "resourceType": "Communication",
        "identifier": [{ "system": NOTICE_IDENTIFIER, "value": identifier }],
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
    let own = fhir::array(c, "identifier").iter().any(|i| {
        let system = i["system"].as_str().unwrap_or_default();
        crate::fhir::canonical::is(system, MESSAGE_IDENTIFIER) || crate::fhir::canonical::is(system, NOTICE_IDENTIFIER)
    });
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
pub fn read_transaction_response(response: &Json) -> Result<Vec<EntryOutcome>, SyncError> {
    if response["resourceType"] != "Bundle" || response["type"] != "transaction-response" {
        return Err(SyncError::BadResponse(format!(
            "not a transaction-response (resourceType {}, type {})",
            response["resourceType"], response["type"]
        )));
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
