//! The upload policy: drain the outbox in transaction Bundles of a set
//! size, load each item's local data, mark what the service confirmed, and
//! schedule what failed for a later try (exponential backoff with jitter,
//! the random part passed in). One resource type per transaction; a 403
//! reschedules that batch and the drain goes on with the others. A 401
//! leaves the items due for the try after a token refresh.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use serde_json::Value as Json;

use super::{
    bundle::{self, read_transaction_response, Entry, EntryOutcome},
    client::{FhirClient, SyncError},
};
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

/// What one drain of the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UploadReport {
    pub batches: usize,
    pub created: usize,
    pub already_there: usize,
    pub failed: usize,
    /// Items of a kind the service refused (403), to be tried again later.
    pub forbidden: usize,
}

/// How far a drain of the outbox has come, for the progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Items the service has confirmed in this drain.
    pub done: usize,
    /// Items that were waiting when the drain started.
    pub total: usize,
}

/// Where and how a drain sends.
#[derive(Clone, Copy)]
pub struct Drain<'a> {
    pub client: &'a FhirClient,
    /// The patient reference the service gave at enrolment.
    pub subject: Option<&'a str>,
    /// Items per transaction.
    pub batch_size: usize,
}

/// The transaction entry for one outbox item; `None` when its local data
/// is gone.
fn entry_for(
    store: &Store,
    item: &OutboxItem,
    subject: Option<&str>,
    now: Timestamp,
) -> Result<Option<Entry>, StoreError> {
    let own = |resource: Json, system: &str| (resource, system.to_string(), item.identifier.clone());
    let found = match (item.resource_type.as_str(), item.local_id) {
        ("Observation", Some(id)) => {
            store.reading_by_id(id)?.map(|r| own(fhir::observation(&r, subject), fhir::OBSERVATION_IDENTIFIER_SYSTEM))
        }
        ("Communication", Some(id)) => {
            store.message_by_id(id)?.map(|m| own(bundle::message(&m, subject), bundle::MESSAGE_IDENTIFIER_SYSTEM))
        }
        ("Communication", None) => {
            Some(own(bundle::notice(&item.identifier, subject, now), bundle::NOTICE_IDENTIFIER_SYSTEM))
        }
        ("QuestionnaireResponse", Some(id)) => store
            .response_by_id(id)?
            .map(|r| own(bundle::questionnaire_response(&r, subject), bundle::RESPONSE_IDENTIFIER_SYSTEM)),
        ("Device", None) => {
            let device_id = item.identifier.strip_prefix("device/").unwrap_or(&item.identifier);
            store
                .paired_device(device_id)?
                .map(|d| (bundle::device(&d, subject), fhir::BLUETOOTH_SYSTEM.to_string(), d.id.clone()))
        }
        _ => None,
    };
    Ok(found.map(|(resource, system, value)| Entry {
        resource_type: item.resource_type.clone(),
        identifier: item.identifier.clone(),
        resource,
        system,
        value,
    }))
}

/// When an item that failed `attempts` times before is tried next.
fn next_try(at: Timestamp, attempts: u32, unit: &mut dyn FnMut() -> f64) -> Timestamp {
    at.checked_add(backoff(attempts, unit())).unwrap_or(Timestamp::MAX)
}

impl Drain<'_> {
    /// Sends everything due in the outbox, telling `progress` after every
    /// batch. A failed transaction schedules its items for a later try
    /// (backoff with jitter from `unit`) and stops the drain; a retry is
    /// safe because every entry is a conditional create.
    pub async fn run(
        &self,
        store: &mut Store,
        now: impl Fn() -> Timestamp,
        mut unit: impl FnMut() -> f64,
        progress: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<UploadReport, SyncError> {
        let mut report = UploadReport::default();
        let total = store.outbox_status()?.waiting as usize;
        let mut done = 0;
        if total > 0 {
            progress(Progress { done, total });
        }
        loop {
            let at = now();
            let mut items = store.outbox_due(at, self.batch_size)?;
            let Some(first) = items.first().map(|i| i.resource_type.clone()) else { return Ok(report) };
            // One resource type per transaction: a service that refuses one
            // type (403) still takes the others.
            items.retain(|i| i.resource_type == first);
            let mut carried = vec![];
            let mut entries = vec![];
            for item in &items {
                match entry_for(store, item, self.subject, at)? {
                    Some(entry) => {
                        entries.push(entry);
                        carried.push(item);
                    }
                    None => store.outbox_failed(item.id, "local data missing", Timestamp::MAX)?,
                }
            }
            if carried.is_empty() {
                continue;
            }
            report.batches += 1;
            let answered = self.client.transaction(&bundle::transaction(&entries)).await;
            let outcomes = match answered.and_then(|r| read_transaction_response(&r)) {
                Ok(outcomes) if outcomes.len() == carried.len() => outcomes,
                Ok(outcomes) => {
                    let error =
                        SyncError::BadResponse(format!("{} entries answered for {}", outcomes.len(), carried.len()));
                    return Err(fail_all(store, &carried, at, &mut unit, error)?);
                }
                // Not the items' fault: they stay due for the try after a token refresh.
                Err(error @ SyncError::Unauthorized(_)) => return Err(error),
                // This kind is refused: try it again later, send the others now.
                Err(error @ SyncError::Forbidden) => {
                    report.forbidden += carried.len();
                    fail_all(store, &carried, at, &mut unit, error)?;
                    continue;
                }
                Err(error) => return Err(fail_all(store, &carried, at, &mut unit, error)?),
            };
            let mut sent = vec![];
            for (item, outcome) in carried.iter().zip(&outcomes) {
                match outcome {
                    EntryOutcome::Created => report.created += 1,
                    EntryOutcome::AlreadyThere => report.already_there += 1,
                    EntryOutcome::Failed(status) => {
                        report.failed += 1;
                        store.outbox_failed(item.id, status, next_try(at, item.attempts, &mut unit))?;
                        continue;
                    }
                }
                sent.push(item.id);
            }
            store.outbox_sent(&sent, at)?;
            done += sent.len();
            progress(Progress { done, total: total.max(done) });
        }
    }
}

/// Schedules every carried item for a later try after `error`; hands the
/// error back.
fn fail_all(
    store: &mut Store,
    carried: &[&OutboxItem],
    at: Timestamp,
    unit: &mut dyn FnMut() -> f64,
    error: SyncError,
) -> Result<SyncError, SyncError> {
    for item in carried {
        store.outbox_failed(item.id, &error.to_string(), next_try(at, item.attempts, unit))?;
    }
    Ok(error)
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
}
