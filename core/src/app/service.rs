//! The connection with the follow-up service: its status for the screens
//! ([`ServiceStatus`], [`SyncStatus`]); a `heima-enrol:` link that opened
//! the app, kept for the nurse's form ([`App::link_arrived`]); enrolment (an
//! activation code, or a login at the service in the browser the shell
//! opens; every address checked against [`crate::trust`], and held as an
//! [`EnrolmentToConfirm`] until the nurse confirms the service's trusted
//! name and host) and its finish; and one sync round with what its outcome
//! means for the app. A revocation is remembered in the store, across
//! restarts, and the tablet says "ask your nurse"; a revoked tablet tries
//! its refresh token again after 15 minutes, doubling to 6 hours, and a
//! refresh that works lifts the revocation.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::{
    follow_up::{FollowUp, SyncStatus, TokensKept, REVOKED_SETTING},
    App, Change, Mode, Platform,
};
use crate::{
    call::media::CallMedia,
    enrolment::{authorize_url, parse_activation, Enrolment, Pkce},
    error::{CoreError, ErrorCode},
    locale,
    settings::ServiceEnrolment,
    store::{
        outbox::OutboxStatus,
        readings::{EnteredBy, Recorder},
        Store,
    },
    sync::{
        client::SyncError,
        enrol,
        round::{self, RoundHooks, RoundSettings},
        upload::Progress,
    },
};

const NETWORK_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the login page in the browser may take.
const LOGIN_TIMEOUT: Duration = Duration::from_secs(600);

/// The first wait before a revoked tablet tries its refresh token again;
/// doubles per failure up to [`REFRESH_RETRY_CAP`].
const REFRESH_RETRY_BASE: SignedDuration = SignedDuration::from_mins(15);
const REFRESH_RETRY_CAP: SignedDuration = SignedDuration::from_hours(6);

fn refresh_retry_after(failures: u32) -> SignedDuration {
    let minutes = REFRESH_RETRY_BASE.as_mins() << failures.saturating_sub(1).min(10);
    SignedDuration::from_mins(minutes).min(REFRESH_RETRY_CAP)
}

/// An enrolment that waits for the nurse's yes: which service (by the
/// installation's name for it) on which host, for which patient (as the
/// service names them, when it does), and the ticket her yes must carry:
/// a yes counts only for the enrolment she was shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrolmentToConfirm {
    pub service_name: String,
    pub host: String,
    pub patient_name: Option<String>,
    pub patient_birth_date: Option<jiff::civil::Date>,
    pub ticket: String,
}

/// An enrolment held for the nurse's yes, with the ticket she was shown.
pub(crate) struct PendingEnrolment {
    ticket: String,
    enrolment: Enrolment,
}

/// The connection with the follow-up service, for the settings screen and
/// the "ask your nurse" screen.
#[derive(Debug, Serialize)]
pub struct ServiceStatus {
    pub mode: Mode,
    /// The only screens this mode allows (`None`: all).
    pub only_screens: Option<&'static [super::Screen]>,
    pub service_name: Option<String>,
    /// The service's phone number from the plan in force.
    pub phone: Option<String>,
    pub waiting: i64,
    pub sent: i64,
    pub progress: Option<Progress>,
    pub running: bool,
    pub last_error: Option<ErrorCode>,
    pub last_success: Option<Timestamp>,
    /// Replies the patient has not seen (the badge).
    pub unread: i64,
    /// Training mode is on: banner on every screen.
    pub training: bool,
    pub nurse_unlocked: bool,
    /// Demo mode's nurse code, shown on the nurse lock screen (demo only).
    pub demo_nurse_code: Option<&'static str>,
    /// When the service's newest plan was refused (the plan in force
    /// before it still holds; the patient is asked to call).
    pub plan_refused: Option<Timestamp>,
    /// The privacy notice (this version of it) has not been read in this
    /// follow-up with a service yet: the today screen asks the patient to
    /// read it (the demo's is in the settings, unasked).
    pub privacy_unread: bool,
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// The service status. Without a store (its problem is among the
    /// start-up notices) the screens still get one: nothing sent or waiting.
    pub fn service_status(&self) -> ServiceStatus {
        let mode = self.mode();
        let sync = self.sync_status();
        // Read once (cached): the service's name and whose notice was read.
        let enrolment = match mode {
            Mode::Demo | Mode::Ended => None,
            Mode::Enrolled | Mode::Revoked | Mode::Recovery => self.enrolment().ok().flatten(),
        };
        let service_base = enrolment.as_ref().map(|e| e.fhir_base.as_str()).unwrap_or_default();
        let (outbox, plan, unread, refused, privacy_read) = self
            .with_plan(|store, plan| {
                let refused = store.refused_plan()?.map(|r| r.at);
                let privacy_read = super::screens::privacy_read(store, service_base);
                Ok((store.outbox_status()?, plan, store.unread_messages()?, refused, privacy_read))
            })
            .unwrap_or((OutboxStatus { waiting: 0, sent: 0 }, None, 0, None, true));
        // The demo sends nothing: its outbox is not the patient's.
        let outbox = if mode == Mode::Demo { OutboxStatus { waiting: 0, sent: 0 } } else { outbox };
        let enrolled_name = enrolment.as_ref().and_then(|e| e.service_name.clone());
        ServiceStatus {
            mode,
            only_screens: mode.only_screens(),
            service_name: enrolled_name.or_else(|| plan.as_ref().map(|p| p.service.name.clone())),
            phone: plan.map(|p| p.service.phone),
            waiting: outbox.waiting,
            sent: outbox.sent,
            progress: sync.progress,
            running: sync.running,
            last_error: sync.last_error,
            last_success: sync.last_success,
            unread,
            training: self.training(),
            nurse_unlocked: self.nurse_unlocked(),
            demo_nurse_code: self.demo_nurse_code(),
            plan_refused: refused,
            privacy_unread: !privacy_read && matches!(mode, Mode::Enrolled | Mode::Revoked),
        }
    }

    /// Keeps a new enrolment: a new follow-up in place of the one before
    /// (the demo's store is left behind; nothing of the old caches, sync
    /// or push state goes on) — the real store opened, the tokens kept in
    /// it, local history kept and what waits sent to the new service,
    /// then a sync round at once.
    pub fn finish_enrolment(&self, enrolment: &Enrolment) -> Result<(), CoreError> {
        // First, so a tablet left half-enrolled (a real store, no
        // enrolment) still has its nurse code; a service that issues none
        // leaves none from the service before.
        super::nurse::keep_nurse_code_hash(&self.config.data_dir, enrolment.nurse_code_hash.as_deref());
        let follow_up = FollowUp::enrolled(&self.platform, &self.config.data_dir, self.clock.now(), enrolment)?;
        follow_up.with_store(|store| Ok(self.lift_revocation(&follow_up, store)?))?;
        let base_url = enrolment.fhir_base.clone();
        self.change_settings(|s| s.service = Some(ServiceEnrolment { base_url }))?;
        let follow_up = std::sync::Arc::new(follow_up);
        let before = self.follow_up.lock().unwrap().replace(follow_up.clone());
        if let Some(before) = before {
            before.close();
            // A round of the one before may have kept its refreshed tokens
            // in the same store just before the close: the new enrolment
            // is written again, now that nothing else writes it.
            if let Err(error) = follow_up.keep_enrolment(enrolment) {
                // In memory it is kept; the next refresh writes it again.
                log::error!("the new enrolment was not written again: {error}");
            }
        }
        // Who records is the patient until told otherwise: a relative the
        // old plan named is not one of the new record.
        self.people.lock().unwrap().taken_by = Recorder::new(EnteredBy::Patient);
        self.push_wake.notify_one();
        self.sync_soon();
        log::info!("enrolled with a follow-up service");
        Ok(())
    }

    /// Checks every address of a new enrolment against the trusted
    /// services and holds it for the nurse's confirmation.
    /// The patient is checked to be the person this tablet holds (if it
    /// holds anyone), and the service's nurse code is hashed.
    async fn hold_for_confirmation(&self, mut enrolment: Enrolment) -> Result<EnrolmentToConfirm, CoreError> {
        let trust = &self.config.trust;
        let service = trust.service_for(&enrolment.fhir_base)?;
        trust.service_for(&enrolment.token_endpoint)?;
        for address in [&enrolment.call_endpoint, &enrolment.revocation_endpoint].into_iter().flatten() {
            trust.service_for(address)?;
        }
        let patient = enrol::patient_shown(&enrolment, NETWORK_TIMEOUT).await?;
        enrolment.national_id = patient.national_id;
        if matches!(self.mode(), Mode::Enrolled | Mode::Revoked) {
            self.with_store(|store| Ok(store.check_person(&enrolment.service_patient())?))?;
        }
        if let Some(code) = enrolment.issued_nurse_code.take() {
            enrolment.nurse_code_hash = Some(super::nurse::hash_nurse_code(&code, &self.random_bytes::<16>()?)?);
        }
        let to_confirm = EnrolmentToConfirm {
            service_name: service.name.clone(),
            host: crate::trust::host_of(&enrolment.fhir_base),
            patient_name: patient.name,
            patient_birth_date: patient.birth_date,
            ticket: super::hex(&self.random_bytes::<16>()?),
        };
        // A newer one replaces it: a yes to the one before is then refused.
        *self.pending_enrolment.lock().unwrap() =
            Some(PendingEnrolment { ticket: to_confirm.ticket.clone(), enrolment });
        Ok(to_confirm)
    }

    /// The nurse confirms the service and patient shown with `ticket`: that
    /// enrolment is kept. A yes to another one (a login or code that ended
    /// later replaced it) is refused, and both are forgotten
    /// (`enrol-replaced`): she starts again and sees what she says yes to.
    pub fn confirm_enrolment(&self, ticket: &str) -> Result<(), CoreError> {
        self.require_nurse()?;
        let pending = self.pending_enrolment.lock().unwrap().take();
        let pending = pending
            .ok_or_else(|| CoreError::new(ErrorCode::EnrolNothingToConfirm, "no enrolment waits for confirmation"))?;
        if pending.ticket != ticket {
            return Err(CoreError::new(ErrorCode::EnrolReplaced, "another enrolment came in meanwhile"));
        }
        self.finish_enrolment(&pending.enrolment)
    }

    /// The nurse says no: the enrolment is forgotten.
    pub fn cancel_enrolment(&self) {
        *self.pending_enrolment.lock().unwrap() = None;
    }

    /// Enrols with the activation code the nurse gave (typed, or a QR
    /// code's text), on a trusted service only; the nurse then confirms.
    /// A `heima-enrol:` link arrived (a QR code opened by the camera app,
    /// or handed over by a second start): kept for the nurse's enrolment
    /// form when it reads as an activation link; `false` (and nothing
    /// kept) for anything else. Nothing happens until the nurse opens her
    /// page, confirms the code there, and then the service.
    pub fn link_arrived(&self, text: &str) -> bool {
        let readable = text.starts_with(crate::enrolment::QR_SCHEME) && parse_activation(text).is_ok();
        if readable {
            *self.arrived_link.lock().unwrap() = Some(text.to_string());
            self.tell(Change::LinkArrived);
        }
        readable
    }

    /// The link that opened the app, until it is used.
    pub fn arrived_link(&self) -> Option<String> {
        self.arrived_link.lock().unwrap().clone()
    }

    pub async fn enrol_with_code(&self, code: &str) -> Result<EnrolmentToConfirm, CoreError> {
        self.require_nurse()?;
        // The link that opened the app has been used.
        self.arrived_link.lock().unwrap().take_if(|link| link.as_str() == code);
        let code = parse_activation(code)?;
        let endpoint = code
            .endpoint
            .as_deref()
            .or(self.config.enrol_endpoint.as_deref())
            .ok_or_else(|| CoreError::from(SyncError::NoEndpoint))?
            .to_string();
        self.config.trust.service_for(&endpoint)?;
        let enrolment =
            enrol::activate(&code, Some(&endpoint), NETWORK_TIMEOUT, self.clock.now()).await.map_err(|e| match e {
                // A refused activation code is a wrong or used code, not a revoked tablet.
                SyncError::Revoked => {
                    CoreError::new(ErrorCode::EnrolCodeInvalid, "the service does not know this code")
                }
                other => other.into(),
            })?;
        self.hold_for_confirmation(enrolment).await
    }

    /// Enrols by logging in at the service (SMART on FHIR standalone
    /// launch): `open_browser` opens the service's login page; its answer
    /// comes back to a loopback address. Every address involved must be
    /// on a trusted service; the nurse then confirms. Nurse only.
    pub async fn enrol_with_login(
        &self,
        fhir_base: &str,
        open_browser: impl FnOnce(&str) -> Result<(), CoreError>,
    ) -> Result<EnrolmentToConfirm, CoreError> {
        self.require_nurse()?;
        let fhir_base = fhir_base.trim().trim_end_matches('/').to_string();
        self.config.trust.service_for(&fhir_base)?;
        let smart = enrol::discover(&fhir_base, NETWORK_TIMEOUT).await?;
        self.config.trust.service_for(&smart.authorization_endpoint)?;
        self.config.trust.service_for(&smart.token_endpoint)?;
        let loopback = enrol::Loopback::bind().await?;
        let pkce = Pkce::new(&self.random_bytes::<32>()?);
        let state = super::hex(&self.random_bytes::<16>()?);
        let url = authorize_url(&smart, &fhir_base, &loopback.redirect_uri, &state, &pkce)?;
        let redirect_uri = loopback.redirect_uri.clone();
        open_browser(&url)?;
        let page = format!(
            "<!doctype html><meta charset=utf-8><title>Heima</title><p style=\"font: 28px sans-serif\">{}</p>",
            locale::format(self.settings.lock().unwrap().locale, "enrol-browser-done", &[])
        );
        let code = loopback.wait(&state, smart.expected_issuer(), &page, LOGIN_TIMEOUT).await?;
        let now = self.clock.now();
        let enrolment =
            enrol::exchange_code(&smart, &fhir_base, &code, &redirect_uri, &pkce.verifier, NETWORK_TIMEOUT, now)
                .await?;
        self.hold_for_confirmation(enrolment).await
    }

    /// One sync round with the enrolled service, on its own connection to
    /// the store so the screens never wait for the network. Refreshed
    /// tokens are saved; a revocation is remembered. Nothing about
    /// readings is logged.
    pub async fn sync_round(&self) {
        let Some(follow_up) = self.follow_up() else { return };
        if matches!(follow_up.mode(), Mode::Demo | Mode::Recovery | Mode::Ended) {
            return;
        }
        // One round of this follow-up at a time, its token refresh included;
        // the ending waits for it, and a follow-up replaced or ended
        // meanwhile starts none.
        let _round = follow_up.round.lock().await;
        if !self.is_current(&follow_up) || follow_up.is_closed() {
            return;
        }
        if follow_up.mode() == Mode::Revoked && !self.refresh_while_revoked(&follow_up).await {
            return;
        }
        let enrolment = match follow_up.enrolment(&self.platform) {
            Ok(Some(e)) => e,
            Ok(None) => {
                // No tokens anywhere (a damaged store they could not be
                // read out of, an old keyring that lost them): this tablet
                // cannot send until the nurse enrols it again, and the
                // patient is told so, as when the service withdrew it.
                log::warn!("enrolled, but no enrolment found: the tablet reads as withdrawn");
                let mut sync = follow_up.sync.lock().unwrap();
                (sync.revoked, sync.last_error) = (true, Some(ErrorCode::SyncRevoked));
                drop(sync);
                // Not once replaced: the new enrolment's store is the same file.
                if !follow_up.is_closed() {
                    if let Err(error) = follow_up.with_store(|s| Ok(s.set_setting(REVOKED_SETTING, "true")?)) {
                        log::error!("the withdrawal was not remembered: {error}");
                    }
                }
                self.tell(Change::Sync);
                return;
            }
            Err(error) => {
                log::error!("enrolment secret unreadable: {error}");
                follow_up.sync.lock().unwrap().last_error = Some(ErrorCode::StoreKeyUnavailable);
                return;
            }
        };
        let mut store = match follow_up.connect_again(&self.config.data_dir) {
            Ok(store) => store,
            Err(error) => {
                log::error!("sync could not open the store: {error}");
                follow_up.sync.lock().unwrap().last_error = Some(ErrorCode::StoreFailed);
                return;
            }
        };
        // The app as the gateway its readings name: made once, sent
        // again with each new version.
        match self.random_bytes::<8>() {
            Ok(random) => {
                let eui64 = crate::fhir::device::gateway_eui64(random);
                let version = crate::fhir::device::APP_VERSION;
                if let Err(error) = store.announce_gateway(&eui64, version, self.clock.now()) {
                    log::warn!("the gateway device is not queued: {error}");
                }
            }
            Err(error) => log::warn!("no randomness for the gateway id: {}", error.code.as_str()),
        }
        follow_up.sync.lock().unwrap().running = true;
        self.tell(Change::Sync);
        let tz = self.clock.time_zone();
        // Each batch's progress is told, so the bar moves as they go.
        let mut progress = |p: Progress| {
            follow_up.sync.lock().unwrap().progress = Some(p);
            self.tell(Change::SyncProgress);
        };
        let clock = self.clock.clone();
        let now = move || clock.now();
        // New tokens are kept the moment they come (a rotated refresh
        // token is single-use), whatever the round does after.
        let mut keep_tokens = |refreshed: &Enrolment| match follow_up.keep_enrolment(refreshed) {
            Ok(TokensKept::Saved) => {}
            Ok(TokensKept::Closed) => self.revoke_unkept(refreshed.clone()),
            Err(error) => log::error!("refreshed tokens not saved: {error}"),
        };
        let hooks = RoundHooks { progress: &mut progress, keep_tokens: &mut keep_tokens };
        let result =
            round::run(&mut store, &enrolment, RoundSettings::default(), now, || self.random_unit(), &tz, hooks).await;
        let mut sync = follow_up.sync.lock().unwrap();
        sync.running = false;
        sync.progress = None;
        match result.outcome {
            Ok(report) => {
                log::info!(
                    "sync: {} sent, {} already there, {} failed; {} plans, {} questionnaires, {} messages",
                    report.upload.created,
                    report.upload.already_there,
                    report.upload.failed,
                    report.download.plans_accepted,
                    report.download.questionnaires_new,
                    report.download.messages_new
                );
                // Something refused (403) waits for its later try; say so.
                sync.last_error = (report.upload.forbidden > 0).then_some(ErrorCode::SyncForbidden);
                sync.last_success = Some(self.clock.now());
                let download = &report.download;
                for (happened, change) in [
                    (download.plans_accepted > 0, Change::PlanChanged),
                    (download.plans_refused > 0, Change::PlanRefused),
                    (download.messages_new > 0, Change::Messages),
                    (download.acknowledgements_new > 0, Change::Acknowledged),
                    (download.appointments_changed > 0, Change::Appointments),
                ] {
                    if happened {
                        self.tell(change);
                    }
                }
                if download.refused_plan_new || download.messages_new > 0 || download.appointments_changed > 0 {
                    // Told on the desktop too when the window is hidden,
                    // naming nothing of what came; a refused plan once (it
                    // is asked for again each round until it reads).
                    let locale = self.settings().locale;
                    let title = crate::locale::format(locale, "notify-service-title", &[]);
                    let body = crate::locale::format(locale, "notify-service-body", &[]);
                    self.tell(Change::Attention { notification: super::Notification { title, body } });
                }
                if download.plans_refused > 0 {
                    log::warn!("a plan from the service was refused; the plan in force still holds");
                }
                // The notice about a plan refused for the first time goes
                // with the next round, now (it fetches the plan again, too).
                if download.refusal_notice_queued {
                    self.sync_soon();
                }
            }
            Err(error) => {
                log::warn!("sync round failed: {}", error.code());
                if matches!(error, SyncError::Revoked) {
                    sync.revoked = true;
                    sync.refresh_failures = 1;
                    sync.next_refresh_try = self.clock.now().checked_add(refresh_retry_after(1)).ok();
                    if let Err(e) = store.set_setting(REVOKED_SETTING, "true") {
                        log::error!("revocation not remembered: {e}");
                    }
                }
                sync.last_error = Some(error.code());
            }
        }
        drop(sync);
        self.tell(Change::Sync);
    }

    /// The service accepts this tablet (again): remembered in `store`, and
    /// the sync status forgets the revocation and its retries.
    fn lift_revocation(&self, follow_up: &FollowUp, store: &Store) -> Result<(), crate::store::StoreError> {
        store.set_setting(REVOKED_SETTING, "false")?;
        let mut sync = follow_up.sync.lock().unwrap();
        (sync.revoked, sync.refresh_failures, sync.next_refresh_try, sync.last_error) = (false, 0, None, None);
        // Enrolled (again, or with another service): the push channel starts afresh.
        self.push_wake.notify_one();
        Ok(())
    }

    /// Revokes, in the background, tokens a round got after its follow-up
    /// was closed (replaced, or the end under way): no one keeps them, and
    /// they may have come after the end revoked the ones it knew.
    fn revoke_unkept(&self, tokens: Enrolment) {
        self.config.runtime.spawn(async move {
            match enrol::revoke(&tokens, super::ending::REVOKE_TIMEOUT).await {
                Ok(_) => log::info!("tokens refreshed after the follow-up closed were revoked"),
                Err(error) => log::warn!("tokens refreshed after the follow-up closed not revoked: {}", error.code()),
            }
        });
    }

    /// A revoked tablet tries its refresh token again now and then (long
    /// backoff): the service may have withdrawn access by mistake. When a
    /// refresh works the revocation is lifted. Returns whether it was.
    async fn refresh_while_revoked(&self, follow_up: &FollowUp) -> bool {
        let now = self.clock.now();
        if follow_up.sync.lock().unwrap().next_refresh_try.is_some_and(|at| now < at) {
            return false;
        }
        let Ok(Some(enrolment)) = follow_up.enrolment(&self.platform) else { return false };
        match enrol::refresh(&enrolment, NETWORK_TIMEOUT, now).await {
            Ok(refreshed) => {
                match follow_up.keep_enrolment(&refreshed) {
                    Ok(TokensKept::Saved) => {}
                    Ok(TokensKept::Closed) => {
                        self.revoke_unkept(refreshed);
                        return false;
                    }
                    Err(error) => {
                        log::error!("refreshed tokens not saved: {error}");
                        return false;
                    }
                }
                if let Err(error) = follow_up.with_store(|s| Ok(self.lift_revocation(follow_up, s)?)) {
                    log::error!("revocation not lifted in the store: {error}");
                }
                log::info!("the service accepts this tablet again");
                true
            }
            Err(error) => {
                let mut sync = follow_up.sync.lock().unwrap();
                sync.refresh_failures += 1;
                sync.next_refresh_try = now.checked_add(refresh_retry_after(sync.refresh_failures)).ok();
                log::info!("still not accepted by the service: {}", error.code());
                false
            }
        }
    }

    /// What sync is doing.
    pub fn sync_status(&self) -> SyncStatus {
        self.follow_up().map(|f| f.sync.lock().unwrap().clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;

    use super::NETWORK_TIMEOUT;
    use crate::{
        app::{testing::TestApp, Mode},
        sync::enrol,
        trust::{LoopbackHttp, Trust},
    };

    /// A link that opened the app waits for the nurse's form; anything
    /// that is not an activation link is not kept.
    #[tokio::test]
    async fn an_arrived_link_waits_for_the_enrolment_form() {
        let t = TestApp::demo();
        let code = crate::enrolment::new_code(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        let link = format!("heima-enrol:?endpoint=https%3A%2F%2Fdho.example.no%2Factivate&code={code}");
        for other in ["https://evil.example/heima-enrol:?code=1", "heima-enrol:?code=1", "heima-enrol:?endpoint=x"] {
            assert!(!t.app.link_arrived(other), "{other}");
        }
        assert_eq!(t.app.arrived_link(), None);
        assert!(t.app.link_arrived(&link));
        assert_eq!(t.app.arrived_link().as_deref(), Some(link.as_str()));
    }

    #[tokio::test]
    async fn the_demo_reports_its_mode_and_sends_nothing() {
        let t = TestApp::demo();
        let status = t.app.service_status();
        assert_eq!(status.mode, Mode::Demo);
        assert_eq!((status.waiting, status.sent), (0, 0));
        assert_eq!(status.demo_nurse_code, Some("2468"));
        assert!(status.phone.is_some(), "the demo plan names the service's phone");
    }

    #[tokio::test]
    async fn finishing_an_enrolment_leaves_the_demo_and_keeps_the_secret() {
        let t = TestApp::demo();
        t.app.finish_enrolment(&TestApp::enrolment("https://fhir.example.no/r4")).unwrap();
        assert_eq!(t.app.mode(), Mode::Enrolled);
        assert!(t.app.settings().service.is_some());
        assert!(t.platform().saved_settings().unwrap().service.is_some(), "the settings were saved");
        assert_eq!(t.kept_enrolment().unwrap().fhir_base, "https://fhir.example.no/r4");
        let status = t.app.service_status();
        assert_eq!(status.mode, Mode::Enrolled);
        assert_eq!(status.service_name.as_deref(), Some("Testkommunen"));
        assert_eq!(status.demo_nurse_code, None);
        assert!(t.data_dir().join("heima.db").exists(), "the real store was opened");
        assert_eq!(t.app.today().unwrap().map(|v| v.tasks.len()), None, "the demo's plan stays behind");
    }

    /// A new follow-up's patient is asked to read the privacy notice until
    /// they have; the demo does not ask.
    #[tokio::test]
    async fn the_privacy_notice_is_asked_for_until_it_is_read() {
        assert!(!TestApp::demo().app.service_status().privacy_unread);
        let t = TestApp::enrolled();
        assert!(t.app.service_status().privacy_unread);
        t.app.privacy_notice_read().unwrap();
        assert!(!t.app.service_status().privacy_unread);
        let t = t.restart();
        assert!(!t.app.service_status().privacy_unread, "remembered");
        // A hand-over: the notice names another service, and is asked for again.
        let other = serde_json::to_string(&TestApp::enrolment("https://fhir.other.example/r4")).unwrap();
        t.app.with_store(|s| Ok(s.set_setting(crate::app::ENROLMENT_SETTING, &other)?)).unwrap();
        assert!(t.restart().app.service_status().privacy_unread);
    }

    #[tokio::test]
    async fn a_revocation_is_remembered_across_restarts() {
        let t = TestApp::enrolled();
        assert_eq!(t.app.mode(), Mode::Enrolled);
        t.app.with_store(|s| Ok(s.set_setting(super::REVOKED_SETTING, "true")?)).unwrap();
        let restarted = t.restart();
        assert_eq!(restarted.app.mode(), Mode::Revoked);
        assert_eq!(restarted.app.service_status().mode, Mode::Revoked);
    }

    #[tokio::test]
    async fn a_sync_round_reports_what_went_wrong_and_the_demo_never_syncs() {
        let demo = TestApp::demo();
        demo.app.sync_round().await;
        let status = demo.app.sync_status();
        assert_eq!((status.last_error, status.last_success), (None, None), "the demo sends nothing");

        let t = TestApp::enrolled_at("http://127.0.0.1:9/fhir");
        t.app.sync_round().await;
        let status = t.app.sync_status();
        assert_eq!(status.last_error.map(|c| c.as_str()), Some("sync-offline"));
        assert!(!status.running && status.progress.is_none());
        assert_eq!(t.app.mode(), Mode::Enrolled, "being offline is not being revoked");

        // An earlier version's tablet whose keyring lost the enrolment
        // before it was moved into the store.
        let t = TestApp::enrolled_at("http://127.0.0.1:9/fhir");
        t.platform().forget_enrolment();
        let t = t.restart();
        t.app.sync_round().await;
        assert_eq!(t.app.sync_status().last_error.map(|c| c.as_str()), Some("sync-revoked"));
    }

    /// A tablet activated at the test gateway in front of a real hfs with
    /// a patient (the code made from `seed`): the servers and the enrolment.
    async fn activated(
        seed: u8,
    ) -> (heima_test_support::hfs::Hfs, heima_test_support::auth::AuthServer, crate::enrolment::Enrolment) {
        use heima_test_support::{auth::AuthServer, hfs::Hfs};
        let hfs = Hfs::start().await;
        let direct = crate::sync::client::FhirClient::new(&hfs.base, NETWORK_TIMEOUT, None).unwrap();
        let patient = direct.post("Patient", &serde_json::json!({ "resourceType": "Patient" })).await.unwrap();
        let server = AuthServer::start(&hfs.base).await;
        let code = crate::enrolment::new_code(&[seed; 11]);
        server.state.lock().unwrap().activation_codes.insert(code.clone(), patient["id"].as_str().unwrap().into());
        let typed = crate::enrolment::parse_activation(&code).unwrap();
        let now = jiff::Timestamp::now();
        let enrolment =
            enrol::activate(&typed, Some(&server.activation_endpoint()), NETWORK_TIMEOUT, now).await.unwrap();
        (hfs, server, enrolment)
    }

    /// A revoked tablet tries its refresh token again, rarely; when the
    /// service takes it again, the revocation is lifted. Against a real
    /// hfs behind the test authorisation gateway.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_revoked_tablet_retries_rarely_and_recovers_when_the_service_says_yes() {
        let (_hfs, server, enrolment) = activated(4).await;
        let now = jiff::Timestamp::now();
        let refresh_token = enrolment.refresh_token.clone().unwrap();

        let t = TestApp::enrolled_with(enrolment);
        t.app.with_store(|s| Ok(s.set_setting(super::REVOKED_SETTING, "true")?)).unwrap();
        let t = t.restart();
        assert_eq!(t.app.mode(), Mode::Revoked);

        // The service still says no: one try, then a long wait.
        let kept = server.state.lock().unwrap().refresh_tokens.remove(&refresh_token).unwrap();
        t.app.sync_round().await;
        t.app.sync_round().await;
        assert_eq!(server.state.lock().unwrap().refresh_attempts, 1, "one try, not one a round");
        let status = t.app.sync_status();
        assert!(status.next_refresh_try.is_some_and(|at| at >= now + SignedDuration::from_mins(14)), "{status:?}");
        assert_eq!(t.app.mode(), Mode::Revoked);

        // The service takes the tablet back: the next try lifts the revocation.
        server.state.lock().unwrap().refresh_tokens.insert(refresh_token, kept);
        let t = t.restart();
        t.app.sync_round().await;
        assert_eq!(t.app.mode(), Mode::Enrolled);
        assert_eq!(t.app.with_store(|s| Ok(s.setting(super::REVOKED_SETTING)?)).unwrap().as_deref(), Some("false"));
        assert_eq!(t.app.sync_status().last_error, None, "the round after went through");
    }

    /// The app is killed right after the token endpoint rotated its
    /// refresh token (here: the round cut short while the FHIR server is
    /// slow): the new tokens are in the store already, so after a restart
    /// the next round goes through instead of reading as a withdrawal.
    #[tokio::test(flavor = "multi_thread")]
    async fn rotated_tokens_are_kept_the_moment_the_refresh_answers() {
        let (_hfs, server, mut enrolment) = activated(6).await;
        let now = jiff::Timestamp::now();
        let first = enrolment.refresh_token.clone().unwrap();
        enrolment.expires_at = Some(now - SignedDuration::from_mins(1));
        let t = TestApp::enrolled_with(enrolment);

        server.state.lock().unwrap().fhir_delay_ms = 20_000;
        let cut = tokio::time::timeout(std::time::Duration::from_secs(3), t.app.sync_round()).await;
        assert!(cut.is_err(), "the round was cut short");
        assert_eq!(server.state.lock().unwrap().refreshes, 1, "the refresh token was used, and rotated");
        let kept = t.kept_enrolment().unwrap().refresh_token.unwrap();
        assert_ne!(kept, first, "the new refresh token is in the store");
        assert!(server.state.lock().unwrap().refresh_tokens.contains_key(&kept));

        server.state.lock().unwrap().fhir_delay_ms = 0;
        let t = t.restart();
        t.app.sync_round().await;
        assert_eq!(t.app.mode(), Mode::Enrolled);
        assert_eq!(t.app.sync_status().last_error, None, "the round after a restart went through");
    }

    /// A round's refresh answers after its follow-up was closed (as when
    /// the end's wait for the round runs out and it revokes the tokens it
    /// knew): the tokens that come are never written, and are revoked at
    /// the service at once, so none stays valid there.
    #[tokio::test(flavor = "multi_thread")]
    async fn tokens_that_come_after_the_close_are_revoked_at_once() {
        let (_hfs, server, mut enrolment) = activated(8).await;
        let now = jiff::Timestamp::now();
        enrolment.expires_at = Some(now - SignedDuration::from_mins(1));
        let first = enrolment.refresh_token.clone();
        let t = TestApp::enrolled_with(enrolment);
        server.state.lock().unwrap().refresh_delay_ms = 2_000;
        let follow_up = t.app.follow_up().unwrap();
        let close = async {
            while server.state.lock().unwrap().refreshes == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            follow_up.close();
        };
        tokio::join!(t.app.sync_round(), close);
        assert_eq!(t.kept_enrolment().unwrap().refresh_token, first, "nothing written after the close");
        let started = std::time::Instant::now();
        while !server.state.lock().unwrap().refresh_tokens.is_empty() {
            assert!(started.elapsed() < std::time::Duration::from_secs(20), "the late tokens were not revoked");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(server.state.lock().unwrap().revocations, 1);
    }

    /// A service for the enrolment tests: hfs with a patient, the test
    /// gateway knowing an activation code for them, and an app in demo
    /// mode that trusts the gateway (plain http to loopback allowed), with
    /// the nurse code given.
    async fn enrolment_service() -> (heima_test_support::hfs::Hfs, heima_test_support::auth::AuthServer, String, TestApp)
    {
        use heima_test_support::{auth::AuthServer, hfs::Hfs};
        let hfs = Hfs::start().await;
        let direct = crate::sync::client::FhirClient::new(&hfs.base, NETWORK_TIMEOUT, None).unwrap();
        let patient = serde_json::json!({ "resourceType": "Patient",
            "name": [{ "given": ["Kari"], "family": "Nordmann" }], "birthDate": "1944-03-12" });
        let patient = direct.post("Patient", &patient).await.unwrap();
        let server = AuthServer::start(&hfs.base).await;
        let code = crate::enrolment::new_code(&[5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
        {
            let mut s = server.state.lock().unwrap();
            s.activation_codes.insert(code.clone(), patient["id"].as_str().unwrap().into());
            s.login_patient = patient["id"].as_str().unwrap().into();
        }
        let trust = format!("{}=Testkommunen", server.base);
        let t = TestApp::demo_with(|c| {
            c.trust = Trust::parse(&trust, LoopbackHttp::Allowed).unwrap();
        });
        t.app.nurse_unlock("2468").unwrap();
        let qr = format!(
            "heima-enrol:?endpoint={}&code={code}",
            url::form_urlencoded::byte_serialize(server.activation_endpoint().as_bytes()).collect::<String>()
        );
        (hfs, server, qr, t)
    }

    /// The nurse is shown the trusted name and host and the patient the
    /// service names, and only her yes keeps the enrolment.
    #[tokio::test(flavor = "multi_thread")]
    async fn an_enrolment_waits_for_the_nurse_to_confirm_the_service() {
        let (_hfs, server, qr, t) = enrolment_service().await;
        assert_eq!(t.app.confirm_enrolment("").unwrap_err().code, "enrol-nothing-to-confirm");
        let shown = t.app.enrol_with_code(&qr).await.unwrap();
        assert_eq!(shown.service_name, "Testkommunen");
        assert_eq!(shown.host, crate::trust::host_of(&server.base));
        assert_eq!(shown.patient_name.as_deref(), Some("Kari Nordmann"));
        assert_eq!(shown.patient_birth_date, Some(jiff::civil::date(1944, 3, 12)));
        assert_eq!(t.app.mode(), Mode::Demo, "nothing is kept before the nurse says yes");
        assert!(t.kept_enrolment().is_none());
        t.app.cancel_enrolment();
        assert_eq!(t.app.confirm_enrolment("").unwrap_err().code, "enrol-nothing-to-confirm");
    }

    /// Without the nurse code nobody enrols the tablet or says yes: not by
    /// a code, not by a login, not to an enrolment already waiting.
    #[tokio::test(flavor = "multi_thread")]
    async fn enrolling_and_confirming_need_the_nurse_code() {
        let (_hfs, server, qr, t) = enrolment_service().await;
        let shown = t.app.enrol_with_code(&qr).await.unwrap();
        t.app.nurse_lock();
        assert_eq!(t.app.confirm_enrolment(&shown.ticket).unwrap_err().code, "nurse-locked");
        assert_eq!(t.app.enrol_with_code(&qr).await.unwrap_err().code, "nurse-locked");
        let opened = std::sync::atomic::AtomicBool::new(false);
        let open = |_: &str| {
            opened.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        };
        assert_eq!(t.app.enrol_with_login(&server.fhir_base, open).await.unwrap_err().code, "nurse-locked");
        assert!(!opened.load(std::sync::atomic::Ordering::SeqCst), "no login page was opened");
        assert_eq!(t.app.mode(), Mode::Demo);
        assert!(t.kept_enrolment().is_none());
    }

    /// A login or a code that ends later replaces the enrolment the nurse
    /// is looking at: her yes to the one she saw is refused, and neither is
    /// kept (she starts again and sees what she says yes to).
    #[tokio::test(flavor = "multi_thread")]
    async fn a_yes_counts_only_for_the_enrolment_the_nurse_saw() {
        let (_hfs, server, qr, t) = enrolment_service().await;
        let seen = t.app.enrol_with_code(&qr).await.unwrap();
        let later = crate::enrolment::new_code(&[7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
        let patient = server.state.lock().unwrap().login_patient.clone();
        server.state.lock().unwrap().activation_codes.insert(later.clone(), patient);
        let replacing = t.app.enrol_with_code(&qr.replace(qr.rsplit("code=").next().unwrap(), &later)).await.unwrap();
        assert_ne!(seen.ticket, replacing.ticket);
        assert_eq!(t.app.confirm_enrolment(&seen.ticket).unwrap_err().code, "enrol-replaced");
        assert_eq!(t.app.confirm_enrolment(&replacing.ticket).unwrap_err().code, "enrol-nothing-to-confirm");
        assert_eq!(t.app.mode(), Mode::Demo);
        assert!(t.kept_enrolment().is_none(), "nothing was kept");
    }

    /// Attacks on enrolment that must fail, each before anything is kept.
    #[tokio::test(flavor = "multi_thread")]
    async fn enrolment_refuses_untrusted_and_insecure_services() {
        let (_hfs, server, qr, t) = enrolment_service().await;
        let untrusted_qr = "heima-enrol:?endpoint=https%3A%2F%2Fevil.example%2Factivate&code=".to_string()
            + qr.rsplit("code=").next().unwrap();
        assert_eq!(t.app.enrol_with_code(&untrusted_qr).await.unwrap_err().code, "enrol-untrusted");
        let http_qr = untrusted_qr.replace("https%3A", "http%3A");
        assert_eq!(t.app.enrol_with_code(&http_qr).await.unwrap_err().code, "enrol-insecure");

        // The token answer names a FHIR base on another origin.
        server.state.lock().unwrap().fhir_base_override = Some("http://127.0.0.1:9/fhir".into());
        assert_eq!(t.app.enrol_with_code(&qr).await.unwrap_err().code, "enrol-untrusted");
        assert_eq!(t.app.confirm_enrolment("").unwrap_err().code, "enrol-nothing-to-confirm");
        server.state.lock().unwrap().fhir_base_override = None;

        // Discovery names an http authorization endpoint: the browser is never opened.
        server.state.lock().unwrap().authorize_endpoint_override = Some("http://login.example.no/authorize".into());
        let opened = std::sync::atomic::AtomicBool::new(false);
        let open = |_: &str| {
            opened.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        };
        assert_eq!(t.app.enrol_with_login(&server.fhir_base, open).await.unwrap_err().code, "enrol-insecure");
        assert!(!opened.load(std::sync::atomic::Ordering::SeqCst));
        // A FHIR base typed by the nurse that is not trusted is refused before any request.
        let nowhere = |_: &str| Ok(());
        assert_eq!(
            t.app.enrol_with_login("https://evil.example/r4", nowhere).await.unwrap_err().code,
            "enrol-untrusted"
        );

        assert_eq!(t.app.mode(), Mode::Demo);
        assert!(t.kept_enrolment().is_none(), "no secret was kept");

        // The honest service, with a fresh code (the tampered answer used
        // up the first), confirmed, enrols.
        let fresh = crate::enrolment::new_code(&[6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]);
        let patient = server.state.lock().unwrap().login_patient.clone();
        server.state.lock().unwrap().activation_codes.insert(fresh.clone(), patient);
        let qr = qr.replace(qr.rsplit("code=").next().unwrap(), &fresh);
        let shown = t.app.enrol_with_code(&qr).await.unwrap();
        t.app.confirm_enrolment(&shown.ticket).unwrap();
        assert_eq!(t.app.mode(), Mode::Enrolled);
    }

    #[test]
    fn the_refresh_retry_waits_longer_each_time_up_to_six_hours() {
        let waits: Vec<i64> = (1..=8).map(|n| super::refresh_retry_after(n).as_mins()).collect();
        assert_eq!(waits, [15, 30, 60, 120, 240, 360, 360, 360]);
    }

    #[tokio::test]
    async fn a_failed_settings_save_keeps_the_demo() {
        let t = TestApp::demo();
        t.platform().fail_settings_save();
        let error = t.app.finish_enrolment(&TestApp::enrolment("https://fhir.example.no/r4")).unwrap_err();
        assert_eq!(error.code, "settings-unwritable");
        assert_eq!(t.app.mode(), Mode::Demo);
    }

    /// The follow-up's life, as the caches see it: the demo's plan (kept
    /// read, version 1 of the demo's store) never shows once the tablet is
    /// enrolled (version 1 of the real store is another plan), the
    /// enrolment is read from the store once and kept through, and a
    /// restart reads each again once.
    #[tokio::test]
    async fn what_is_kept_read_follows_the_follow_up() {
        use crate::fhir::careplan;
        let t = TestApp::demo();
        assert_eq!(t.app.today().unwrap().unwrap().plan_version, 1, "the demo's plan, kept read");
        let enrolment = TestApp::enrolment("https://127.0.0.1:9/r4");
        t.app.finish_enrolment(&enrolment).unwrap();
        assert_eq!(t.app.mode(), Mode::Enrolled);
        assert!(t.app.today().unwrap().is_none(), "no plan from the service yet: not the demo's");
        let mut plan: serde_json::Value = serde_json::from_str(crate::demo::CAREPLAN_JSON).unwrap();
        plan["title"] = serde_json::json!("Tjenestens plan");
        t.app.with_store(|s| careplan::accept(s, &plan, jiff::Timestamp::UNIX_EPOCH, &crate::clock::oslo())).unwrap();
        let view = t.app.plan().unwrap().unwrap();
        assert_eq!(
            (view.plan.version, view.plan.title.as_ref().map(|t| t.get(crate::locale::Locale::Bokmal).as_str())),
            (1, Some("Tjenestens plan"))
        );
        let reads = t.platform().keyring_reads();
        t.app.sync_round().await;
        let _ = (t.app.service_status(), t.app.sync_round().await);
        assert_eq!(t.platform().keyring_reads(), reads, "the enrolment and key are kept");
        let t = t.restart();
        assert_eq!(
            t.app.plan().unwrap().unwrap().plan.title.map(|t| t.get(crate::locale::Locale::Bokmal).clone()).as_deref(),
            Some("Tjenestens plan")
        );
        t.app.sync_round().await;
        assert!(t.platform().keyring_reads() > reads, "a new start reads them again, once");
    }
}
