//! The download policy: poll the service for CarePlans, Questionnaires
//! and Communications to the patient changed since the last poll, and save
//! what can be understood (through `fhir`), counting what was refused.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value as Json;

use super::{
    bundle::incoming_message,
    client::{FhirClient, SyncError},
};
use crate::store::{outbox::DOWNLOADED_UNTIL, Store};

/// What one download did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DownloadReport {
    pub messages_new: usize,
    pub plans_accepted: usize,
    pub plans_refused: usize,
    pub questionnaires_new: usize,
    pub questionnaires_refused: usize,
}

/// Polls the service for CarePlans, Questionnaires and Communications to
/// the patient changed since the last poll (`_lastUpdated=ge<newest seen>`,
/// every page) and saves them. A plan or questionnaire that cannot be
/// understood is refused and counted; the ones in force stay. `subject`
/// narrows CarePlans and messages to the patient.
pub async fn download(
    store: &mut Store,
    client: &FhirClient,
    subject: Option<&str>,
    now: Timestamp,
    tz: &jiff::tz::TimeZone,
) -> Result<DownloadReport, SyncError> {
    let since = store.setting(DOWNLOADED_UNTIL)?;
    // `ge`, not `gt`: resources sharing the newest instant are fetched again
    // and recognised as known, so none is missed.
    let filter = since.as_deref().map(|s| format!("&_lastUpdated=ge{s}")).unwrap_or_default();
    let recipient = subject.map(|s| format!("&recipient={s}"));
    let subject = subject.map(|s| format!("&subject={s}")).unwrap_or_default();
    let mut report = DownloadReport::default();
    let mut newest: Option<Timestamp> = since.as_deref().and_then(|s| s.parse().ok());
    let mut seen = |resource: &Json| {
        if let Some(t) = resource["meta"]["lastUpdated"].as_str().and_then(|s| s.parse::<Timestamp>().ok()) {
            newest = Some(newest.map_or(t, |n| n.max(t)));
        }
    };
    for plan in client.search_all(&format!("CarePlan?_count=50{filter}{subject}")).await? {
        seen(&plan);
        match crate::fhir::careplan::accept(store, &plan, now, tz) {
            Ok(crate::store::plans::PlanUpdate::Accepted { .. }) => report.plans_accepted += 1,
            Ok(_) => {}
            Err(_) => report.plans_refused += 1,
        }
    }
    for questionnaire in client.search_all(&format!("Questionnaire?_count=50{filter}")).await? {
        seen(&questionnaire);
        match crate::fhir::questionnaire::accept(store, &questionnaire, now) {
            Ok(true) => report.questionnaires_new += 1,
            Ok(false) => {}
            Err(_) => report.questionnaires_refused += 1,
        }
    }
    if let Some(recipient) = recipient {
        let mut incoming = vec![];
        for c in client.search_all(&format!("Communication?_count=50{filter}{recipient}")).await? {
            seen(&c);
            incoming.extend(incoming_message(&c));
        }
        report.messages_new = store.receive_messages(&incoming)?;
    }
    if let Some(t) = newest {
        store.set_setting(DOWNLOADED_UNTIL, &t.to_string())?;
    }
    Ok(report)
}
