//! The HTTP side of sync: a small FHIR REST client on reqwest (rustls),
//! and the upload loop that drains the outbox in transaction Bundles.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value as Json;

use super::{backoff, read_transaction_response, transaction, EntryOutcome};
use crate::store::{outbox::DOWNLOADED_UNTIL, Store, StoreError};

/// Why a request to the service failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", content = "detail", rename_all = "kebab-case")]
pub enum SyncError {
    #[error("network: {0}")]
    Network(String),
    /// 401/403: the token was revoked or expired; the patient must ask the nurse.
    #[error("not authorised ({0})")]
    Unauthorized(u16),
    #[error("the service answered {status}")]
    Status { status: u16 },
    #[error("the service's answer could not be understood: {0}")]
    BadResponse(String),
    #[error("local store: {0}")]
    Store(String),
    /// The service refused the refresh token (or activation code): the
    /// patient must ask the nurse. Local data is kept.
    #[error("the service no longer accepts this tablet")]
    Revoked,
    /// A typed activation code, and no activation endpoint configured.
    #[error("no activation endpoint known")]
    NoEndpoint,
    /// The user or the service said no at the login page.
    #[error("authorization refused: {0}")]
    Refused(String),
}

impl SyncError {
    pub fn code(&self) -> crate::error::ErrorCode {
        match self {
            SyncError::Network(_) => crate::error::ErrorCode::SyncOffline,
            SyncError::Unauthorized(_) => crate::error::ErrorCode::SyncUnauthorised,
            SyncError::Status { .. } | SyncError::BadResponse(_) => crate::error::ErrorCode::SyncServiceError,
            SyncError::Store(_) => crate::error::ErrorCode::StoreFailed,
            SyncError::Revoked => crate::error::ErrorCode::SyncRevoked,
            SyncError::NoEndpoint => crate::error::ErrorCode::EnrolNoEndpoint,
            SyncError::Refused(_) => crate::error::ErrorCode::EnrolRefused,
        }
    }
}

impl From<SyncError> for crate::error::CoreError {
    fn from(e: SyncError) -> crate::error::CoreError {
        crate::error::CoreError::new(e.code(), e.to_string())
    }
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        SyncError::Store(e.to_string())
    }
}

/// A FHIR R4 server at `base` (e.g. `http://127.0.0.1:18080/fhir`).
#[derive(Clone)]
pub struct FhirClient {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

impl FhirClient {
    pub fn new(base: &str, timeout: Duration, token: Option<String>) -> Result<FhirClient, SyncError> {
        let http =
            reqwest::Client::builder().timeout(timeout).build().map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(FhirClient { base: base.trim_end_matches('/').to_string(), http, token })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}/{}", self.base, path.trim_start_matches('/'))
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Json, SyncError> {
        let mut request = request.header("Accept", "application/fhir+json");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| SyncError::Network(e.to_string()))?;
        let status = response.status().as_u16();
        if status == 401 || status == 403 {
            return Err(SyncError::Unauthorized(status));
        }
        if !(200..300).contains(&status) {
            return Err(SyncError::Status { status });
        }
        response.json::<Json>().await.map_err(|e| SyncError::BadResponse(e.to_string()))
    }

    /// GET a path relative to the base (or an absolute URL from a `next` link).
    pub async fn get(&self, path: &str) -> Result<Json, SyncError> {
        self.send(self.http.get(self.url(path))).await
    }

    /// POST a resource to a path (e.g. `SearchParameter`).
    pub async fn post(&self, path: &str, resource: &Json) -> Result<Json, SyncError> {
        self.send(
            self.http.post(self.url(path)).header("Content-Type", "application/fhir+json").body(resource.to_string()),
        )
        .await
    }

    /// POST a transaction Bundle to the base.
    pub async fn transaction(&self, bundle: &Json) -> Result<Json, SyncError> {
        self.post("", bundle).await
    }

    /// A search, following `Bundle.link[next]` through every page.
    pub async fn search_all(&self, path_and_query: &str) -> Result<Vec<Json>, SyncError> {
        let mut out = vec![];
        let mut next = Some(path_and_query.to_string());
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 1000 {
                return Err(SyncError::BadResponse("more than 1000 pages".into()));
            }
            let bundle = self.get(&url).await?;
            if bundle["resourceType"] != "Bundle" {
                return Err(SyncError::BadResponse(format!("search answered {}", bundle["resourceType"])));
            }
            for entry in bundle["entry"].as_array().into_iter().flatten() {
                if entry["search"]["mode"].as_str().unwrap_or("match") == "match" {
                    out.push(entry["resource"].clone());
                }
            }
            next = bundle["link"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|l| l["relation"] == "next")
                .and_then(|l| l["url"].as_str())
                .map(str::to_string);
        }
        Ok(out)
    }

    /// `_summary=count` of a search.
    pub async fn count(&self, path_and_query: &str) -> Result<u64, SyncError> {
        let sep = if path_and_query.contains('?') { '&' } else { '?' };
        let bundle = self.get(&format!("{path_and_query}{sep}_summary=count")).await?;
        bundle["total"].as_u64().ok_or_else(|| SyncError::BadResponse("no total".into()))
    }
}

/// What one drain of the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UploadReport {
    pub batches: usize,
    pub created: usize,
    pub already_there: usize,
    pub failed: usize,
}

/// How far a drain of the outbox has come, for the progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Items the service has confirmed in this drain.
    pub done: usize,
    /// Items that were waiting when the drain started.
    pub total: usize,
}

/// Sends everything due in the outbox, `batch_size` items per transaction.
/// A failed transaction schedules its items for a later try (backoff with
/// jitter from `unit`) and stops the drain; a retry is safe because every
/// entry is a conditional create.
pub async fn upload(
    store: &mut Store,
    client: &FhirClient,
    subject: Option<&str>,
    batch_size: usize,
    now: impl Fn() -> Timestamp,
    unit: impl FnMut() -> f64,
) -> Result<UploadReport, SyncError> {
    upload_with_progress(store, client, subject, batch_size, now, unit, &mut |_| {}).await
}

/// [`upload`], telling `progress` after every batch.
pub async fn upload_with_progress(
    store: &mut Store,
    client: &FhirClient,
    subject: Option<&str>,
    batch_size: usize,
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
        let items = store.outbox_due(at, batch_size)?;
        if items.is_empty() {
            return Ok(report);
        }
        let batch = transaction(store, &items, subject, at)?;
        for id in &batch.missing {
            store.outbox_failed(*id, "local data missing", Timestamp::MAX)?;
        }
        if batch.carried.is_empty() {
            continue;
        }
        report.batches += 1;
        let outcome = client
            .transaction(&batch.bundle)
            .await
            .and_then(|r| read_transaction_response(&r).map_err(SyncError::BadResponse));
        let fail_all = |store: &mut Store, error: &SyncError, unit: &mut dyn FnMut() -> f64| -> Result<(), SyncError> {
            for item in items.iter().filter(|i| batch.carried.contains(&i.id)) {
                let next = at.checked_add(backoff(item.attempts, unit())).unwrap_or(Timestamp::MAX);
                store.outbox_failed(item.id, &error.to_string(), next)?;
            }
            Ok(())
        };
        match outcome {
            Ok(outcomes) if outcomes.len() == batch.carried.len() => {
                let mut sent = vec![];
                for (id, o) in batch.carried.iter().zip(&outcomes) {
                    match o {
                        EntryOutcome::Created => {
                            report.created += 1;
                            sent.push(*id);
                        }
                        EntryOutcome::AlreadyThere => {
                            report.already_there += 1;
                            sent.push(*id);
                        }
                        EntryOutcome::Failed(status) => {
                            report.failed += 1;
                            let attempts = items.iter().find(|i| i.id == *id).map_or(0, |i| i.attempts);
                            let next = at.checked_add(backoff(attempts, unit())).unwrap_or(Timestamp::MAX);
                            store.outbox_failed(*id, status, next)?;
                        }
                    }
                }
                store.outbox_sent(&sent, at)?;
                done += sent.len();
                progress(Progress { done, total: total.max(done) });
            }
            Ok(outcomes) => {
                let error =
                    SyncError::BadResponse(format!("{} entries answered for {}", outcomes.len(), batch.carried.len()));
                fail_all(store, &error, &mut unit)?;
                return Err(error);
            }
            // Not the items' fault: they stay due for the try after a token refresh.
            Err(error @ SyncError::Unauthorized(_)) => return Err(error),
            Err(error) => {
                fail_all(store, &error, &mut unit)?;
                return Err(error);
            }
        }
    }
}

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
            incoming.extend(super::incoming_message(&c));
        }
        report.messages_new = store.receive_messages(&incoming)?;
    }
    if let Some(t) = newest {
        store.set_setting(DOWNLOADED_UNTIL, &t.to_string())?;
    }
    Ok(report)
}
