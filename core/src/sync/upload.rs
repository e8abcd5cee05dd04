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
    fhir::{self, canonical},
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
    /// The patient's national identity number as the service gave it
    /// (`<system>|<value>`), named beside the reference.
    pub national_id: Option<&'a str>,
    /// Items per transaction.
    pub batch_size: usize,
}

/// The identifiers a conditional create matches on: the resource's own,
/// and for an item queued before the canonical URLs (`named_before`), the
/// name it may have been sent under then too — so nothing sent before is
/// created again.
fn matches(system: &str, value: &str, legacy: Option<(String, String)>) -> Vec<(String, String)> {
    std::iter::once((system.to_string(), value.to_string())).chain(legacy).collect()
}

/// The reference of the plan that judged a row, when that plan came from
/// the service the tablet follows now; otherwise none: after a hand-over,
/// the earlier service's ids could name someone else here.
fn plan_of_this_service(store: &Store, version: Option<i64>) -> Result<Option<String>, StoreError> {
    match store.plan_of_this_service(version)? {
        true => fhir::plan_reference(store, version),
        false => Ok(None),
    }
}

/// Whether a row's relative (`RelatedPerson/<id>`) may be named to the
/// service: the plan the row goes with (`version`) is this service's
/// (`this_service`) and names them. A relative chosen from another plan
/// (an earlier service's, still in force when they were chosen) is told
/// without the reference. No relative: nothing to leave out.
fn relative_named(
    store: &Store,
    version: Option<i64>,
    this_service: bool,
    relative: Option<&str>,
) -> Result<bool, StoreError> {
    let (Some(relative), Some(version), true) = (relative, version, this_service) else {
        return Ok(relative.is_none());
    };
    let Ok(version) = u32::try_from(version) else { return Ok(false) };
    Ok(store.plan_resource(version)?.is_some_and(|plan| fhir::careplan::names_relative(&plan, relative)))
}

/// The transaction entries for one outbox item (a reading with a pulse is
/// two Observations); empty when its local data is gone.
fn entries_for(
    store: &Store,
    item: &OutboxItem,
    subject: Option<&str>,
    named_before: i64,
) -> Result<Vec<Entry>, StoreError> {
    let old = item.id <= named_before;
    let gateway = store.gateway_eui64()?;
    let legacy_of =
        |system: &str, value: &str| canonical::legacy(system).filter(|_| old).map(|system| (system, value.to_string()));
    let entry = |resource: Json, system: &str, value: &str, legacy: Option<(String, String)>| Entry {
        resource_type: item.resource_type.clone(),
        identifier: value.to_string(),
        resource,
        matches: matches(system, value, legacy),
        updates: false,
    };
    let own = |resource: Json, system: &str| {
        vec![entry(resource, system, &item.identifier, legacy_of(system, &item.identifier))]
    };
    Ok(match (item.resource_type.as_str(), item.local_id) {
        ("Observation", Some(id)) => match store.reading_by_id(id)? {
            Some(mut r) => {
                let plan = plan_of_this_service(store, r.plan_version)?;
                if !relative_named(store, r.plan_version, plan.is_some(), r.relative.as_deref())? {
                    r.relative = None;
                }
                fhir::observations(&r, subject, plan.as_deref())
            }
            .into_iter()
            .map(|mut o| {
                if let Some(gateway) = &gateway {
                    fhir::device::name_gateway(&mut o.resource, gateway);
                }
                let legacy = legacy_of(canonical::OBSERVATION_IDENTIFIER, &o.identifier);
                entry(o.resource, canonical::OBSERVATION_IDENTIFIER, &o.identifier, legacy)
            })
            .collect(),
            None => vec![],
        },
        ("Communication", Some(id)) => match store.message_by_id(id)? {
            Some(mut m) => {
                let in_force = store.plan_version_in_force(item.created)?.map(i64::from);
                let this_service = store.plan_of_this_service(in_force)?;
                if !relative_named(store, in_force, this_service, m.relative.as_deref())? {
                    m.relative = None;
                }
                let recipient = match this_service {
                    true => fhir::careplan::message_recipient(store, item.created)?,
                    false => None,
                };
                own(fhir::communication::message(&m, subject, recipient.as_ref()), canonical::MESSAGE_IDENTIFIER)
            }
            None => vec![],
        },
        ("Communication", None) => {
            let refused = store.refusal_of_notice(&item.identifier)?;
            let notice = fhir::communication::notice(&item.identifier, subject, item.created, refused.as_ref());
            own(notice, canonical::NOTICE_IDENTIFIER)
        }
        ("QuestionnaireResponse", Some(id)) => match store.response_by_id(id)? {
            Some(mut r) => {
                let plan = plan_of_this_service(store, r.plan_version)?;
                let relative = fhir::questionnaire::known_relative(&r.resource["author"]);
                if !relative_named(store, r.plan_version, plan.is_some(), relative.as_deref())? {
                    fhir::questionnaire::forget_known_relative(&mut r.resource);
                }
                own(fhir::questionnaire::response_to_send(&r, subject, plan.as_deref()), canonical::RESPONSE_IDENTIFIER)
            }
            None => vec![],
        },
        ("MedicationAdministration", Some(id)) => match store.medicine_taken_by_id(id)? {
            Some(mut m) => {
                let plan = plan_of_this_service(store, m.plan_version)?;
                if !relative_named(store, m.plan_version, plan.is_some(), m.relative.as_deref())? {
                    m.relative = None;
                }
                own(
                    fhir::medication::administration(&m, subject, plan.as_deref()),
                    canonical::MEDICINE_TAKEN_IDENTIFIER,
                )
            }
            None => vec![],
        },
        ("Media", Some(id)) => match (store.photo_by_id(id)?, store.photo_jpeg(id)?) {
            (Some(mut p), Some(jpeg)) => {
                let plan = plan_of_this_service(store, p.plan_version)?;
                if !relative_named(store, p.plan_version, plan.is_some(), p.relative.as_deref())? {
                    p.relative = None;
                }
                own(fhir::media::media(&p, &jpeg, subject, plan.as_deref()), canonical::PHOTO_IDENTIFIER)
            }
            _ => vec![],
        },
        ("Device", None) if item.identifier == crate::store::outbox::GATEWAY_ITEM => match &gateway {
            Some(eui64) => {
                let mut e = entry(fhir::device::gateway(eui64, subject), fhir::device::EUI64_SYSTEM, eui64, None);
                e.identifier = item.identifier.clone();
                e.updates = true;
                vec![e]
            }
            None => vec![],
        },
        ("Device", None) => {
            let device_id = item.identifier.strip_prefix("device/").unwrap_or(&item.identifier);
            match store.paired_device(device_id)? {
                Some(d) => {
                    let (system, value) = fhir::device::device_system_value(&d.id);
                    // Sent before with the address as the OS writes it.
                    let legacy = old.then(|| (fhir::BLUETOOTH_SYSTEM.to_string(), d.id.clone()));
                    let mut e = entry(fhir::device::device(&d, subject), system, &value, legacy);
                    e.identifier = item.identifier.clone();
                    e.updates = true;
                    vec![e]
                }
                None => vec![],
            }
        }
        _ => vec![],
    })
}

/// Every resource the next drain would send, in order (for checking them
/// against the profiles; nothing is sent or marked).
pub fn resources_due(store: &Store, subject: Option<&str>) -> Result<Vec<Json>, StoreError> {
    let named_before = store.named_before()?;
    let mut out = vec![];
    for item in store.outbox_due(Timestamp::MAX, usize::MAX >> 1)? {
        out.extend(entries_for(store, &item, subject, named_before)?.into_iter().map(|e| e.resource));
    }
    Ok(out)
}

/// At most this many photos go in one transaction.
pub const MEDIA_PER_TRANSACTION: usize = 3;

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
        // The service the store follows as the drain began: after a
        // hand-over (noted on another connection), no further batch goes,
        // and one under way is not marked sent (what waits goes to the new
        // service).
        let service = store.service_followed()?;
        let still_ours = |store: &Store| -> Result<bool, StoreError> { Ok(store.service_followed()? == service) };
        let total = store.outbox_status()?.waiting as usize;
        let mut done = 0;
        if total > 0 {
            progress(Progress { done, total });
        }
        loop {
            if !still_ours(store)? {
                return Ok(report);
            }
            let at = now();
            let mut items = store.outbox_due(at, self.batch_size)?;
            let Some(first) = items.first().map(|i| i.resource_type.clone()) else { return Ok(report) };
            // One resource type per transaction: a service that refuses one
            // type (403) still takes the others. Photos go a few at a time
            // (each up to 500 kB, two thirds more as base64).
            items.retain(|i| i.resource_type == first);
            if first == "Media" {
                items.truncate(MEDIA_PER_TRANSACTION);
            }
            let named_before = store.named_before()?;
            let mut carried = vec![];
            // Each entry with the index of its item in `carried`.
            let mut entries = vec![];
            for item in &items {
                let mut for_item = entries_for(store, item, self.subject, named_before)?;
                if let Some(national_id) = self.national_id {
                    for entry in &mut for_item {
                        fhir::name_subject(&mut entry.resource, national_id);
                    }
                }
                if for_item.is_empty() {
                    store.outbox_failed(item.id, "local data missing", Timestamp::MAX)?;
                    continue;
                }
                entries.extend(for_item.into_iter().map(|e| (carried.len(), e)));
                carried.push(item);
            }
            if carried.is_empty() {
                continue;
            }
            report.batches += 1;
            let bundle = bundle::transaction(entries.iter().map(|(_, e)| e));
            let answered = self.client.transaction(&bundle).await;
            let outcomes = match answered.and_then(|r| read_transaction_response(&r)) {
                Ok(outcomes) if outcomes.len() == entries.len() => per_item(&entries, outcomes, carried.len()),
                Ok(outcomes) => {
                    let error =
                        SyncError::BadResponse(format!("{} entries answered for {}", outcomes.len(), entries.len()));
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
            if !still_ours(store)? {
                return Ok(report);
            }
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

/// One outcome per item from the outcomes of its entries: failed if one
/// failed, created if one was created, else already there.
fn per_item(entries: &[(usize, Entry)], outcomes: Vec<EntryOutcome>, items: usize) -> Vec<EntryOutcome> {
    let mut per_item = vec![EntryOutcome::AlreadyThere; items];
    for ((item, _), outcome) in entries.iter().zip(outcomes) {
        let worse = match (&per_item[*item], &outcome) {
            (EntryOutcome::Failed(_), _) => false,
            (_, EntryOutcome::Failed(_)) => true,
            (EntryOutcome::AlreadyThere, EntryOutcome::Created) => true,
            _ => false,
        };
        if worse {
            per_item[*item] = outcome;
        }
    }
    per_item
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
