//! Sync with the follow-up service over plain FHIR R4 REST.
//!
//! The pure part lives here: turning outbox items into a `transaction`
//! Bundle where every entry is a conditional create on its identifier
//! (`ifNoneExist`), so a retry after a lost response never makes a
//! duplicate; reading the transaction-response; and the retry schedule
//! (exponential backoff with jitter, the random part passed in).
//! [`client`] is the reqwest (rustls) HTTP side.

pub mod client;

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value as Json};

use crate::{
    fhir,
    store::{outbox::OutboxItem, Store, StoreError},
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

/// Builds the transaction for `items`. `subject` is the patient reference
/// the service gave at enrolment.
pub fn transaction(store: &Store, items: &[OutboxItem], subject: Option<&str>, now: Timestamp) -> Result<Batch, StoreError> {
    let mut entries = vec![];
    let (mut carried, mut missing) = (vec![], vec![]);
    for item in items {
        let resource = match item.resource_type.as_str() {
            "Observation" => match item.local_id.map(|id| store.reading_by_id(id)).transpose()?.flatten() {
                Some(reading) => fhir::observation(&reading, subject),
                None => {
                    missing.push(item.id);
                    continue;
                }
            },
            "Communication" => notice(&item.identifier, subject, now),
            _ => {
                missing.push(item.id);
                continue;
            }
        };
        let system = match item.resource_type.as_str() {
            "Observation" => fhir::OBSERVATION_IDENTIFIER_SYSTEM,
            _ => NOTICE_IDENTIFIER_SYSTEM,
        };
        entries.push(json!({
            "fullUrl": fhir::urn_uuid(&item.identifier),
            "resource": resource,
            "request": {
                "method": "POST",
                "url": item.resource_type,
                "ifNoneExist": format!("identifier={system}|{}", item.identifier),
            }
        }));
        carried.push(item.id);
    }
    Ok(Batch { bundle: json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries }), carried, missing })
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
        return Err(format!("not a transaction-response (resourceType {}, type {})", response["resourceType"], response["type"]));
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
