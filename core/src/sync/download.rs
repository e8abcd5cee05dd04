//! The download policy: poll the service for CarePlans, Questionnaires,
//! Communications to the patient and completed Tasks for them (a nurse has
//! seen a reading) changed since the newest `meta.lastUpdated` seen — never
//! later than the server's own `Date` — and save what can be understood
//! (through `fhir`), counting what was refused. Plans and messages naming
//! another patient are left alone. The patient's Appointments of the
//! window the app shows are listed whole each round, and replace what the
//! tablet had ([`appointments_of`]).

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value as Json;

use super::{
    bundle::incoming_message,
    client::{FhirClient, Search, SyncError},
};
use crate::{
    fhir::{appointment::AppointmentRead, is_fhir_id, names_patient},
    store::{outbox::DOWNLOADED_UNTIL, plans::RefusedPlan, Store},
};

/// What one download did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DownloadReport {
    pub messages_new: usize,
    pub plans_accepted: usize,
    pub plans_refused: usize,
    /// A plan version refused for the first time (the patient is told).
    pub refused_plan_new: bool,
    /// A notice about it was queued for the service.
    pub refusal_notice_queued: bool,
    /// Drafts and plans entered in error, left alone.
    pub plans_not_in_use: usize,
    pub questionnaires_new: usize,
    pub questionnaires_refused: usize,
    /// Readings and answers the service newly says a nurse has seen.
    pub acknowledgements_new: usize,
    /// Plans and messages for someone else than this patient, left alone.
    pub not_for_this_patient: usize,
    /// Appointments new, changed or no longer shown.
    pub appointments_changed: usize,
    /// Appointments that could not be read (no time, an end before the
    /// start, over-long text): not shown.
    pub appointments_refused: usize,
}

/// A CarePlan is for `patient` when its subject names them.
fn plan_is_for(plan: &Json, patient: Option<&str>) -> bool {
    patient_is(plan, "subject", patient)
}

/// Whether the reference at `key` names `patient`.
fn patient_is(resource: &Json, key: &str, patient: Option<&str>) -> bool {
    patient.is_none_or(|p| names_patient(&resource[key], p))
}

/// A Communication is for `patient` when one of its recipients names them.
fn message_is_for(message: &Json, patient: Option<&str>) -> bool {
    patient.is_none_or(|p| message["recipient"].as_array().into_iter().flatten().any(|r| names_patient(r, p)))
}

/// The newest `meta.lastUpdated` among `resources` that is not later than
/// the server's own clock (a date in the future would hide every later
/// change), or than `now` when the server sent no `Date`.
fn newest_updated(resources: &[&Json], server_time: Timestamp) -> Option<Timestamp> {
    resources
        .iter()
        .filter_map(|r| r["meta"]["lastUpdated"].as_str().and_then(|s| s.parse::<Timestamp>().ok()))
        .filter(|t| *t <= server_time)
        .max()
}

/// The patient's Appointments of the window the app shows (from
/// [`crate::appointments::LIST_BACK`] ago on), all of them each round —
/// not only those changed since the last poll, so one booked before this
/// tablet knew appointments (or before a new token allowed them) comes
/// too, and one the service deleted goes. `None` when the service keeps
/// none here, or the tablet's token has no `patient/Appointment.rs` (403,
/// 404 or 400): what the tablet has stays, and the round goes on.
async fn appointments_of(client: &FhirClient, subject: &str, now: Timestamp) -> Result<Option<Search>, SyncError> {
    let since = (now - crate::appointments::LIST_BACK).strftime("%Y-%m-%d");
    match client.search(&format!("Appointment?_count=50&actor={subject}&date=ge{since}")).await {
        Err(SyncError::Forbidden | SyncError::Status { status: 400 | 404 }) => Ok(None),
        other => other.map(Some),
    }
}

/// Polls the service for CarePlans, Questionnaires and Communications to
/// the patient changed since the last poll (`_lastUpdated=ge<newest seen>`,
/// every page) and saves them. A plan or questionnaire that cannot be
/// understood is refused and counted; the ones in force stay. `subject`
/// narrows CarePlans and messages to the patient, and any that still name
/// someone else are left alone.
pub async fn download(
    store: &mut Store,
    client: &FhirClient,
    subject: Option<&str>,
    now: Timestamp,
    tz: &jiff::tz::TimeZone,
) -> Result<DownloadReport, SyncError> {
    // The service the store follows as the round began: after a hand-over
    // (noted on another connection while this round waited on the
    // network), nothing more of what it fetched is saved. Checked before
    // each write.
    let service = store.service_followed()?;
    let still_ours = |store: &Store| -> Result<bool, SyncError> { Ok(store.service_followed()? == service) };
    let since = store.setting(DOWNLOADED_UNTIL)?;
    // `ge`, not `gt`: resources sharing the newest instant are fetched again
    // and recognised as known, so none is missed.
    let filter = since.as_deref().map(|s| format!("&_lastUpdated=ge{s}")).unwrap_or_default();
    let subject_filter = subject.map(|s| format!("&subject={s}")).unwrap_or_default();
    let mut report = DownloadReport::default();
    let plans = client.search(&format!("CarePlan?_count=50{filter}{subject_filter}")).await?;
    let questionnaires = client.search(&format!("Questionnaire?_count=50{filter}")).await?;
    let (messages, tasks, appointments) = match subject {
        Some(s) => (
            client.search(&format!("Communication?_count=50{filter}&recipient={s}")).await?,
            client.search(&format!("Task?_count=50{filter}&patient={s}&status=completed")).await?,
            appointments_of(client, s, now).await?,
        ),
        None => (Search::default(), Search::default(), None),
    };
    if !still_ours(store)? {
        return Ok(report);
    }
    // The plan the patient was told could not be read is asked for again
    // by its id each round (the watermark is not held back for it): mended,
    // it is taken; gone or no longer in use, the refusal is over.
    let mut plans_seen: Vec<&Json> = plans.resources.iter().collect();
    let again = match store.refused_plan()?.as_ref().and_then(|r| r.plan.strip_prefix("CarePlan/").map(str::to_string))
    {
        Some(id) if is_fhir_id(&id) && !plans.resources.iter().any(|p| p["id"].as_str() == Some(id.as_str())) => {
            let found = client.search(&format!("CarePlan?_id={id}{subject_filter}")).await?;
            let in_use =
                found.resources.iter().any(|p| !matches!(p["status"].as_str(), Some("draft" | "entered-in-error")));
            if !in_use && still_ours(store)? {
                store.forget_refused_plan()?;
            }
            found.resources
        }
        _ => vec![],
    };
    plans_seen.extend(again.iter());
    let mut refused: Option<RefusedPlan> = None;
    for plan in plans_seen {
        if !plan_is_for(plan, subject) {
            report.not_for_this_patient += 1;
            continue;
        }
        // A draft (or one entered in error) is not for the patient yet:
        // neither taken nor refused.
        if matches!(plan["status"].as_str(), Some("draft" | "entered-in-error")) {
            report.plans_not_in_use += 1;
            continue;
        }
        if !still_ours(store)? {
            return Ok(report);
        }
        match crate::fhir::careplan::accept(store, plan, now, tz) {
            Ok(crate::store::plans::PlanUpdate::Accepted { .. }) => report.plans_accepted += 1,
            Ok(_) => {}
            Err(error) => {
                report.plans_refused += 1;
                let named = match plan["id"].as_str() {
                    Some(id) => format!("CarePlan/{id}"),
                    None => "CarePlan".to_string(),
                };
                let version = plan["meta"]["versionId"].as_str().map(str::to_string);
                refused = Some(RefusedPlan { plan: named, version, reason: error.code, detail: error.detail, at: now });
            }
        }
    }
    // A plan taken after a refusal ends it: the service has acted, and the
    // plan in force is its newest readable one. A refusal already told is
    // not told again.
    if !still_ours(store)? {
        return Ok(report);
    }
    if report.plans_accepted > 0 {
        store.forget_refused_plan()?;
    }
    if let Some(plan) = &refused {
        let refusal = store.remember_refused_plan(plan)?;
        report.refused_plan_new = refusal.new;
        report.refusal_notice_queued = refusal.notice_queued;
    }
    for questionnaire in &questionnaires.resources {
        match crate::fhir::questionnaire::accept(store, questionnaire, now) {
            Ok(true) => report.questionnaires_new += 1,
            Ok(false) => {}
            Err(_) => report.questionnaires_refused += 1,
        }
    }
    let mut incoming = vec![];
    for message in &messages.resources {
        if message_is_for(message, subject) {
            incoming.extend(incoming_message(message));
        } else {
            report.not_for_this_patient += 1;
        }
    }
    if !still_ours(store)? {
        return Ok(report);
    }
    report.messages_new = store.receive_messages(&incoming)?;
    let mut seen = vec![];
    for task in &tasks.resources {
        if patient_is(task, "for", subject) {
            seen.extend(crate::fhir::acknowledgement::read(task));
        } else {
            report.not_for_this_patient += 1;
        }
    }
    if !still_ours(store)? {
        return Ok(report);
    }
    report.acknowledgements_new = store.save_acknowledgements(&seen)?;
    if let Some(listed) = &appointments {
        // What is not kept here (proposed, declined, someone else's,
        // unreadable) is forgotten if the tablet had it: never a stale
        // "booked" with a join button.
        let mut keep = vec![];
        for resource in &listed.resources {
            match crate::fhir::appointment::read(resource, subject) {
                Ok(AppointmentRead::Keep(a)) => keep.push(a),
                Ok(AppointmentRead::Forget { .. }) => {}
                Ok(AppointmentRead::NotForThisPatient) => report.not_for_this_patient += 1,
                Err(_) => report.appointments_refused += 1,
            }
        }
        if !still_ours(store)? {
            return Ok(report);
        }
        let since = now - crate::appointments::LIST_BACK;
        report.appointments_changed =
            store.replace_appointments(service.as_deref().unwrap_or_default(), since, &keep, now)?;
    }
    let server_time = [plans.server_time, questionnaires.server_time, messages.server_time, tasks.server_time]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(now);
    let all: Vec<&Json> = plans
        .resources
        .iter()
        .chain(&questionnaires.resources)
        .chain(&messages.resources)
        .chain(&tasks.resources)
        .collect();
    let previous: Option<Timestamp> = since.as_deref().and_then(|s| s.parse().ok());
    if let Some(t) = newest_updated(&all, server_time) {
        if previous.is_none_or(|p| t > p) && still_ours(store)? {
            store.set_setting(DOWNLOADED_UNTIL, &t.to_string())?;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn plans_and_messages_must_name_this_patient() {
        let cases = [
            (json!({ "subject": { "reference": "Patient/p1" } }), Some("Patient/p1"), true),
            (json!({ "subject": { "reference": "https://fhir.example.no/r4/Patient/p1" } }), Some("Patient/p1"), true),
            (json!({ "subject": { "reference": "Patient/p2" } }), Some("Patient/p1"), false),
            (json!({ "subject": { "reference": "Patient/p11" } }), Some("Patient/p1"), false),
            (json!({}), Some("Patient/p1"), false),
            (json!({}), None, true),
        ];
        for (plan, patient, expected) in cases {
            assert_eq!(plan_is_for(&plan, patient), expected, "{plan} for {patient:?}");
        }
        let to = |r: &str| json!({ "recipient": [{ "reference": "Practitioner/n" }, { "reference": r }] });
        assert!(message_is_for(&to("Patient/p1"), Some("Patient/p1")));
        assert!(!message_is_for(&to("Patient/p2"), Some("Patient/p1")));
        assert!(!message_is_for(&json!({}), Some("Patient/p1")));
    }

    #[test]
    fn a_date_in_the_future_does_not_become_the_watermark() {
        let at = |s: &str| json!({ "meta": { "lastUpdated": s } });
        let (a, b, future) = (at("2026-11-30T10:00:00Z"), at("2026-11-30T10:05:00Z"), at("2099-01-01T00:00:00Z"));
        let server: Timestamp = "2026-11-30T10:06:00Z".parse().unwrap();
        assert_eq!(newest_updated(&[&a, &future, &b], server), Some("2026-11-30T10:05:00Z".parse().unwrap()));
        assert_eq!(newest_updated(&[&future], server), None);
        assert_eq!(newest_updated(&[], server), None);
    }
}
