//! The FHIR exchange sync does, as pure functions (the resources themselves
//! are `fhir`'s): a `transaction` Bundle where every entry is a conditional
//! create on its identifier (`ifNoneExist`; or on either name for an item
//! queued before the canonical names), so a retry after a lost response
//! never makes a duplicate — a `Device`, which changes, is a conditional
//! update on it instead; one item may be two entries (a reading and the
//! pulse taken with it); the transaction-response read per entry; and
//! messages from the service. No store, no network.

use serde_json::{json, Value as Json};

use super::client::SyncError;
use crate::{
    fhir::{
        self,
        canonical::{MESSAGE_IDENTIFIER, NOTICE_IDENTIFIER},
    },
    store::messages::IncomingMessage,
};

/// One entry of a transaction: the resource, its type and the identifiers
/// (system and value) its conditional create matches on — any of them.
pub struct Entry {
    pub resource_type: String,
    /// Names the entry (`fullUrl`).
    pub identifier: String,
    pub resource: Json,
    pub matches: Vec<(String, String)>,
    /// A conditional update (PUT) instead of a conditional create: for a
    /// resource that changes (a `Device` once it has told its model).
    pub updates: bool,
}

/// The `transaction` Bundle for `entries`, each a conditional create
/// (`identifier=a|x,b|y` matches either).
pub fn transaction<'a>(entries: impl Iterator<Item = &'a Entry>) -> Json {
    let entries: Vec<Json> = entries
        .map(|e| {
            let matches: Vec<String> = e.matches.iter().map(|(system, value)| format!("{system}|{value}")).collect();
            let search = format!("identifier={}", matches.join(","));
            let request = if e.updates {
                json!({ "method": "PUT", "url": format!("{}?{search}", e.resource_type) })
            } else {
                json!({ "method": "POST", "url": e.resource_type, "ifNoneExist": search })
            };
            json!({ "fullUrl": fhir::urn_uuid(&e.identifier), "resource": e.resource, "request": request })
        })
        .collect();
    json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries })
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
    // A video call announced (docs/calls.md) is not a message.
    let call = fhir::array(c, "category")
        .iter()
        .flat_map(|cat| fhir::array(cat, "coding"))
        .any(|coding| coding["system"] == crate::fhir::canonical::FOLLOW_UP_CODES && coding["code"] == "video-call");
    let body: Vec<&str> = fhir::array(c, "payload").iter().filter_map(|p| p["contentString"].as_str()).collect();
    if call || body.is_empty() {
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

    #[test]
    fn replies_are_messages_and_call_announcements_are_not() {
        let reply = |category: Json| {
            json!({ "resourceType": "Communication", "id": "c1", "status": "completed", "category": category,
                "sent": "2026-11-30T10:00:00Z", "payload": [{ "contentString": "Hei" }] })
        };
        let code = |system: &str, code: &str| json!([{ "coding": [{ "system": system, "code": code }] }]);
        let cases = [
            (reply(json!([])), true),
            (reply(code("http://terminology.hl7.org/CodeSystem/communication-category", "notification")), true),
            (reply(code(crate::fhir::canonical::FOLLOW_UP_CODES, "video-call")), false),
            (reply(code("https://elsewhere.example/codes", "video-call")), true),
        ];
        for (communication, message) in cases {
            assert_eq!(incoming_message(&communication).is_some(), message, "{communication}");
        }
    }
}
