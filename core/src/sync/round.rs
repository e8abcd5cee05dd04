//! One sync round with the enrolled service, as the app runs it: refresh the
//! token if it is due, drain the outbox, poll for changes. A 401 gets one
//! refresh and one more try; a second 401 fails the round, it does not
//! revoke. Only a refresh token refused with `invalid_grant` means the
//! service no longer accepts this tablet ([`SyncError::Revoked`]). Local
//! data always stays. New tokens are handed to the caller to keep the
//! moment the token endpoint answers ([`RoundHooks::keep_tokens`]), before
//! anything else is sent: a rotated refresh token is single-use, so a round
//! cut short after a refresh (a crash, a kill) must not lose it.

use std::time::Duration;

use jiff::{tz::TimeZone, Timestamp};
use serde::Serialize;

use super::{
    client::{FhirClient, SyncError},
    download::{download, DownloadReport},
    enrol,
    upload::{Drain, Progress, UploadReport},
};
use crate::{
    enrolment::Enrolment,
    store::{Store, StoreError},
};

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    pub upload: UploadReport,
    pub download: DownloadReport,
}

/// How a round ended, and the enrolment with new tokens if they changed
/// (already handed to [`RoundHooks::keep_tokens`]).
pub struct RoundResult {
    pub outcome: Result<RoundReport, SyncError>,
    pub refreshed: Option<Enrolment>,
}

/// Batch size and timeout of a round.
#[derive(Debug, Clone, Copy)]
pub struct RoundSettings {
    pub batch_size: usize,
    pub timeout: Duration,
}

impl Default for RoundSettings {
    fn default() -> Self {
        RoundSettings { batch_size: 100, timeout: Duration::from_secs(30) }
    }
}

/// What the caller hears while a round runs.
pub struct RoundHooks<'a> {
    /// Each batch sent.
    pub progress: &'a mut (dyn FnMut(Progress) + Send),
    /// New tokens, the moment the token endpoint gave them: keep them now.
    pub keep_tokens: &'a mut (dyn FnMut(&Enrolment) + Send),
}

/// Runs one round. `now` and `unit` (random in `[0, 1)`) are injected.
/// An enrolment whose patient is not the store's person gets nothing: not
/// one item is sent, nothing is fetched.
pub async fn run(
    store: &mut Store,
    enrolment: &Enrolment,
    settings: RoundSettings,
    now: impl Fn() -> Timestamp,
    mut unit: impl FnMut() -> f64,
    tz: &TimeZone,
    hooks: RoundHooks<'_>,
) -> RoundResult {
    let RoundHooks { progress, keep_tokens } = hooks;
    match store.check_person(&enrolment.service_patient()) {
        Ok(()) => {}
        Err(StoreError::Invalid(code)) => {
            return RoundResult { outcome: Err(SyncError::NotThisPerson(code)), refreshed: None }
        }
        Err(error) => return RoundResult { outcome: Err(error.into()), refreshed: None },
    }
    let mut current = enrolment.clone();
    let mut refreshed = false;
    if current.needs_refresh(now()) {
        match enrol::refresh(&current, settings.timeout, now()).await {
            Ok(e) => {
                keep_tokens(&e);
                current = e;
                refreshed = true;
            }
            Err(error) => return RoundResult { outcome: Err(error), refreshed: None },
        }
    }
    // The call endpoint's own token, fetched here so that every use of the
    // refresh token is one after another (a rotated refresh token used
    // twice would read as a revocation).
    if current.call_token_due(now()) {
        match enrol::call_token(&current, settings.timeout, now()).await {
            Ok(e) => {
                keep_tokens(&e);
                current = e;
                refreshed = true;
            }
            Err(SyncError::Revoked) => {
                return RoundResult { outcome: Err(SyncError::Revoked), refreshed: refreshed.then_some(current) }
            }
            // A service without resource indicators: the call endpoint gets no token.
            Err(error) => log::info!("no call token: {}", error.code()),
        }
    }
    let mut tried_refresh = false;
    let outcome = loop {
        let attempt = async {
            let client = FhirClient::new(&current.fhir_base, settings.timeout, Some(current.access_token.clone()))?;
            let drain = Drain {
                client: &client,
                subject: Some(&current.patient),
                national_id: current.national_id.as_deref(),
                batch_size: settings.batch_size,
            };
            let upload = drain.run(store, &now, &mut unit, progress).await?;
            let download = download(store, &client, Some(&current.patient), now(), tz).await?;
            Ok::<_, SyncError>(RoundReport { upload, download })
        };
        match attempt.await {
            Err(SyncError::Unauthorized(_)) if !tried_refresh => {
                tried_refresh = true;
                match enrol::refresh(&current, settings.timeout, now()).await {
                    Ok(e) => {
                        keep_tokens(&e);
                        current = e;
                        refreshed = true;
                    }
                    Err(error) => break Err(error),
                }
            }
            // A fresh token refused too: not a revocation (only the token
            // endpoint's `invalid_grant` is); the next round tries again.
            Err(error @ SyncError::Unauthorized(_)) => break Err(error),
            other => break other,
        }
    };
    RoundResult { outcome, refreshed: refreshed.then_some(current) }
}
