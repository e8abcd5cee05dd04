//! One follow-up: what lives while this tablet follows its patient along
//! one route — the in-process demo service, or a real follow-up service —
//! and nothing longer. Its store, the real store's key and the enrolment
//! (each read once, the enrolment written through to the store), the
//! plan in force (parsed once per version), what sync and push are doing.
//! The enrolment (addresses, tokens, the nurse code's hash) lives in the
//! encrypted store; only the store's key is in the OS keyring. An enrolment
//! an earlier version left in the keyring is moved into the store once.
//! [`super::App`] holds at most one: starting opens one, an enrolment
//! replaces it with a new one (nothing of the old one's caches survives),
//! and ending the follow-up takes it away and drops it. Whether the app is
//! in demo is decided by the route, here; [`super::App::mode`] reads it.

use std::{path::Path, sync::Mutex};

use jiff::Timestamp;
use serde::Serialize;

use super::{Mode, Platform, SecretError, StoreFile};
use crate::{
    clock::Clock,
    demo::DemoService,
    enrolment::Enrolment,
    error::{CoreError, ErrorCode},
    plan::CarePlan,
    store::{Store, StoreError, StoreKey, StoreNotice},
    sync::{push::PushState, upload::Progress},
};

/// Store setting that remembers a revoked enrolment across restarts.
pub const REVOKED_SETTING: &str = "sync.revoked";

/// Store setting holding the enrolment as JSON (inside the encrypted
/// store, like the patient's data it opens).
pub const ENROLMENT_SETTING: &str = "service.enrolment";

/// Store setting saying the copy an earlier version kept in the OS keyring
/// is gone ("true"); until then each start tries to remove it again.
const OLD_ENROLMENT_GONE_SETTING: &str = "service.enrolment.old-copy-removed";

/// What sync is doing, for the UI.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncStatus {
    /// The service no longer accepts this tablet.
    pub revoked: bool,
    /// The running drain's progress, for large uploads.
    pub progress: Option<Progress>,
    pub running: bool,
    /// The last round's error code, if it failed.
    pub last_error: Option<ErrorCode>,
    pub last_success: Option<Timestamp>,
    /// While revoked, when a token refresh is tried again (long backoff),
    /// and how many have failed.
    pub next_refresh_try: Option<Timestamp>,
    pub refresh_failures: u32,
}

impl SyncStatus {
    pub fn at_start(store: Option<&Store>) -> SyncStatus {
        let revoked = store.and_then(|s| s.setting(REVOKED_SETTING).ok().flatten()).is_some_and(|v| v == "true");
        SyncStatus { revoked, ..SyncStatus::default() }
    }
}

/// What the settings say the tablet is at start (the data folder has the
/// last word: [`FollowUp::at_start`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SettingsSay {
    Demo,
    Service,
}

/// Where the follow-up's data goes and its answers come from.
pub(super) enum Route {
    /// No service configured: the in-process demo answers.
    Demo(DemoService),
    /// A follow-up service over FHIR.
    Service(Box<ServiceRoute>),
}

/// A real service's secrets, each read once (a failed read is tried
/// again at the next use).
pub(super) struct ServiceRoute {
    /// The store's key (sync rounds open their own connection with it);
    /// `None` when the keyring had none for an existing database.
    key: Option<StoreKey>,
    /// The store's key is gone and the database is kept untouched
    /// ([`Mode::Recovery`]).
    key_missing: bool,
    /// The enrolment as the store holds it (`None`: not read yet).
    enrolment: Mutex<Option<Option<Enrolment>>>,
}

/// The follow-up now; see the module.
pub(super) struct FollowUp {
    pub route: Route,
    /// The open store; `None` when it could not be opened (the reason is
    /// among the start-up notices).
    pub store: Mutex<Option<Store>>,
    /// The plan in force, parsed once per version ([`FollowUp::plan_now`]).
    plan: Mutex<Option<CarePlan>>,
    pub sync: Mutex<SyncStatus>,
    /// Held by a sync round while it runs (ending the follow-up waits for
    /// it instead of asking again and again).
    pub round: tokio::sync::Mutex<()>,
    /// Where the push channel stands (`app/push.rs`).
    pub push: Mutex<PushState>,
    /// Replaced by an enrolment or ended: it writes no secret any more
    /// (a round still under way cannot put its tokens back). Held through
    /// each write of the enrolment, so none is under way once it is set.
    closed: Mutex<bool>,
}

/// Where refreshed tokens went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokensKept {
    /// To the store (and memory): the follow-up goes on with them.
    Saved,
    /// The follow-up was closed (replaced or ending): memory only, and no
    /// one will use them; they are to be revoked.
    Closed,
}

impl FollowUp {
    /// The follow-up at start: its store opened (the demo's seeded);
    /// problems become notices. What is on disk decides, not the settings
    /// alone: a real store in the data folder is this tablet's follow-up
    /// even when the settings say demo (a lost or damaged settings file
    /// must not turn an enrolled tablet into the demo, whose readings are
    /// never sent and whose nurse code is public).
    pub fn at_start(
        platform: &impl Platform,
        data_dir: &Path,
        settings_say: SettingsSay,
        clock: &dyn Clock,
        notices: &mut Vec<CoreError>,
    ) -> FollowUp {
        let now = clock.now();
        let real_store = Store::exists_at(&StoreFile::Real.path(data_dir));
        if settings_say == SettingsSay::Demo && real_store {
            log::warn!("the settings say demo, but this tablet has a real store: it is opened");
        }
        if settings_say == SettingsSay::Demo && !real_store {
            let service = DemoService::new(clock);
            let store = open_store(platform, data_dir, StoreFile::Demo, now, notices).map(|(mut store, _)| {
                if let Err(error) = service.seed(&mut store, clock) {
                    log::error!("demo content not seeded: {error}");
                    notices.push(error);
                }
                store
            });
            return FollowUp::new(Route::Demo(service), store);
        }
        let (store, key) = open_store(platform, data_dir, StoreFile::Real, now, notices).unzip();
        let key_missing = notices.iter().any(|n| n.code == ErrorCode::StoreKeyMissing);
        let route = ServiceRoute { key, key_missing, enrolment: Mutex::new(None) };
        FollowUp::new(Route::Service(Box::new(route)), store)
    }

    /// A new enrolment's follow-up: the real store opened (its first open
    /// in this run, with the start-up check) and the person in it checked
    /// and kept, the enrolment saved in it.
    pub fn enrolled(
        platform: &impl Platform,
        data_dir: &Path,
        now: Timestamp,
        enrolment: &Enrolment,
    ) -> Result<FollowUp, CoreError> {
        let key = store_key(platform, data_dir, StoreFile::Real)?;
        let mut store = Store::open(&StoreFile::Real.path(data_dir), &key, now)?.store;
        crate::atomic_file::keep_private(data_dir);
        store.begin_service(&enrolment.service_patient(), now)?;
        save_enrolment(&store, enrolment)?;
        let route =
            ServiceRoute { key: Some(key), key_missing: false, enrolment: Mutex::new(Some(Some(enrolment.clone()))) };
        Ok(FollowUp::new(Route::Service(Box::new(route)), Some(store)))
    }

    fn new(route: Route, store: Option<Store>) -> FollowUp {
        FollowUp {
            sync: Mutex::new(SyncStatus::at_start(store.as_ref())),
            route,
            store: Mutex::new(store),
            plan: Mutex::new(None),
            round: tokio::sync::Mutex::new(()),
            push: Mutex::new(PushState::Off),
            closed: Mutex::new(false),
        }
    }

    /// It is no longer the app's (replaced or ended), or its end has
    /// begun: from now on it writes no secret and starts no round. A write
    /// of the enrolment under way finishes first.
    pub fn close(&self) {
        *self.closed.lock().unwrap_or_else(|e| e.into_inner()) = true;
    }

    /// Whether [`FollowUp::close`] was called.
    pub fn is_closed(&self) -> bool {
        *self.closed.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Demo, enrolled, revoked or recovery (ended is no follow-up at all).
    pub fn mode(&self) -> Mode {
        match &self.route {
            Route::Demo(_) => Mode::Demo,
            Route::Service(service) if service.key_missing => Mode::Recovery,
            Route::Service(_) if self.sync.lock().unwrap().revoked => Mode::Revoked,
            Route::Service(_) => Mode::Enrolled,
        }
    }

    /// The demo service, on the demo's route.
    pub fn demo(&self) -> Option<&DemoService> {
        match &self.route {
            Route::Demo(demo) => Some(demo),
            Route::Service(_) => None,
        }
    }

    /// The plan in force now in `store` (this follow-up's): which version
    /// is asked of the store each time, and a version is read from FHIR
    /// only once.
    fn plan_now(&self, store: &Store, clock: &dyn Clock) -> Result<Option<CarePlan>, StoreError> {
        let Some(version) = store.plan_version_in_force(clock.now())? else { return Ok(None) };
        let mut kept = self.plan.lock().unwrap();
        if let Some(plan) = kept.as_ref().filter(|p| p.version == version) {
            return Ok(Some(plan.clone()));
        }
        let plan = crate::fhir::careplan::saved_version(store, version, &clock.time_zone())?
            .ok_or_else(|| StoreError::Corrupt("the plan in force does not read".into()))?;
        *kept = Some(plan.clone());
        Ok(Some(plan))
    }

    /// The enrolment: read from the store the first time, kept after that
    /// (changes go through [`FollowUp::keep_enrolment`]); the demo has
    /// none. A copy an earlier version kept in the OS keyring is moved
    /// into the store at the first read (and removed from the keyring once
    /// the store holds it). Without an open store (recovery) the keyring's
    /// old copy, if any, is read as it is.
    pub fn enrolment(&self, platform: &impl Platform) -> Result<Option<Enrolment>, SecretError> {
        let Route::Service(service) = &self.route else { return Ok(None) };
        if let Some(enrolment) = service.enrolment.lock().unwrap().as_ref() {
            return Ok(enrolment.clone());
        }
        // Read with no lock held (the keyring may ask to be unlocked);
        // tokens kept meanwhile by a round are newer and win.
        let read = self.enrolment_from_store(platform, service.key_missing)?;
        let mut kept = service.enrolment.lock().unwrap();
        Ok(kept.get_or_insert(read).clone())
    }

    /// The enrolment the store holds; one an earlier version left in the
    /// OS keyring moves into the store first, and the keyring's copy is
    /// removed once the store has it (tried again at each start until it
    /// is gone). The store is locked only to read and write it, never
    /// while the keyring is asked (an unlock prompt must not stop the
    /// screens). Without an open store (recovery) the keyring's old copy,
    /// if any, is read as it is.
    fn enrolment_from_store(
        &self,
        platform: &impl Platform,
        key_missing: bool,
    ) -> Result<Option<Enrolment>, SecretError> {
        let store_error = |e: StoreError| SecretError { detail: format!("store: {e}") };
        let on_store = |f: &dyn Fn(&Store) -> Result<Option<String>, StoreError>| {
            let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
            store.as_ref().map(|s| f(s).map_err(store_error)).transpose()
        };
        let Some(json) = on_store(&|s| s.setting(ENROLMENT_SETTING))? else {
            // No store: its key is lost (recovery: an old copy may still
            // revoke), or it did not open (locked, failing): not "none".
            return match key_missing {
                true => platform.old_enrolment(),
                false => Err(SecretError { detail: "the store is not open".into() }),
            };
        };
        let saved = match json {
            Some(json) => Some(read_enrolment(&json)?),
            None => match platform.old_enrolment()? {
                Some(old) => {
                    let json = serde_json::to_string(&old).map_err(|_| SecretError { detail: "not written".into() })?;
                    if let Err(error) = on_store(&|s| s.set_setting(ENROLMENT_SETTING, &json).map(|()| None)) {
                        // Read from the keyring again next start.
                        log::warn!("the enrolment was not moved into the store: {error}");
                        return Ok(Some(old));
                    }
                    Some(old)
                }
                None => return Ok(None),
            },
        };
        // Bookkeeping only: a failure here is logged, never in the way.
        let old_gone = match on_store(&|s| s.setting(OLD_ENROLMENT_GONE_SETTING)) {
            Ok(flag) => flag.flatten().is_some_and(|v| v == "true"),
            Err(error) => {
                log::warn!("whether the keyring's old copy is gone is not known: {error}");
                true
            }
        };
        if !old_gone {
            match platform.forget_old_enrolment() {
                Ok(()) => {
                    if let Err(error) = on_store(&|s| s.set_setting(OLD_ENROLMENT_GONE_SETTING, "true").map(|()| None))
                    {
                        log::warn!("the old copy's removal is not remembered: {error}");
                    }
                }
                Err(error) => log::warn!("the keyring's old copy of the enrolment stays for now: {error}"),
            }
        }
        Ok(saved)
    }

    /// Keeps a changed enrolment (refreshed tokens) in memory at once, so
    /// the next use takes the newest even when the store cannot be
    /// written, then saves it in the store (a failure comes back to be
    /// told). Once closed, the store is not written (it holds the next
    /// follow-up's enrolment, or none after the end); the newest tokens are
    /// still kept in memory, so the end revokes the ones the service holds,
    /// and the caller revokes them at once (`Closed`): they may have come
    /// after the end's revocation.
    pub fn keep_enrolment(&self, enrolment: &Enrolment) -> Result<TokensKept, SecretError> {
        let Route::Service(service) = &self.route else { return Ok(TokensKept::Saved) };
        let closed = self.closed.lock().unwrap_or_else(|e| e.into_inner());
        *service.enrolment.lock().unwrap() = Some(Some(enrolment.clone()));
        if *closed {
            return Ok(TokensKept::Closed);
        }
        let store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        let store = store.as_ref().ok_or_else(|| SecretError { detail: "no store to keep the tokens in".into() })?;
        save_enrolment(store, enrolment)?;
        Ok(TokensKept::Saved)
    }

    /// Another connection to this follow-up's real store (sync rounds use
    /// their own, so the screens never wait for the network); the start-up
    /// check is not run again.
    pub fn connect_again(&self, data_dir: &Path) -> Result<Store, CoreError> {
        let key = match &self.route {
            Route::Service(service) => service.key.as_ref(),
            Route::Demo(_) => None,
        };
        let key = key.ok_or_else(|| CoreError::new(ErrorCode::StoreFailed, "no real store on this route"))?;
        Ok(Store::connect_again(&StoreFile::Real.path(data_dir), key)?)
    }

    /// Runs `f` on this follow-up's open store.
    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T, CoreError>) -> Result<T, CoreError> {
        let guard = self.store.lock().unwrap();
        f(guard.as_ref().ok_or_else(super::not_open)?)
    }

    /// Runs `f` on this follow-up's open store, mutably.
    pub fn with_store_mut<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, CoreError>) -> Result<T, CoreError> {
        let mut guard = self.store.lock().unwrap();
        f(guard.as_mut().ok_or_else(super::not_open)?)
    }

    /// Runs `f` on this follow-up's open store with the plan in force in
    /// it ([`FollowUp::plan_now`]).
    pub fn with_plan<T>(
        &self,
        clock: &dyn Clock,
        f: impl FnOnce(&Store, Option<CarePlan>) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.with_store(|store| f(store, self.plan_now(store, clock)?))
    }

    /// Closes the store (the ending, before the files go; tests).
    pub fn close_store(&self) -> Option<Store> {
        self.store.lock().unwrap().take()
    }
}

/// The key of a store file. A database that exists never gets a new key
/// silently (it could never be read again, and what waits to be sent
/// would be lost): without its key the app says so and leaves the file
/// untouched.
fn store_key(platform: &impl Platform, data_dir: &Path, file: StoreFile) -> Result<StoreKey, CoreError> {
    match platform.load_store_key() {
        Ok(Some(key)) => Ok(key),
        Ok(None) if file.path(data_dir).exists() => {
            log::error!("the store's key is missing; the database is left untouched");
            Err(CoreError::new(ErrorCode::StoreKeyMissing, "no key for the existing database"))
        }
        Ok(None) => Ok(platform.create_store_key()?),
        Err(error) if file == StoreFile::Demo => {
            log::warn!("keyring unavailable ({error}); demo mode keeps its key in the data folder");
            Ok(platform.store_key_in_file(&data_dir.join("demo-store.key"))?)
        }
        Err(error) => Err(error.into()),
    }
}

/// Writes the enrolment into the store (replacing any).
fn save_enrolment(store: &Store, enrolment: &Enrolment) -> Result<(), SecretError> {
    let json = serde_json::to_string(enrolment).map_err(|_| SecretError { detail: "not written".into() })?;
    store.set_setting(ENROLMENT_SETTING, &json).map_err(|e| SecretError { detail: format!("store: {e}") })
}

/// An enrolment as the store keeps it. What does not read is said by its
/// place only: serde's message may quote a value (a token).
fn read_enrolment(json: &str) -> Result<Enrolment, SecretError> {
    serde_json::from_str(json).map_err(|e| SecretError {
        detail: format!(
            "the stored enrolment does not read ({:?} at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ),
    })
}

/// A damaged store was moved aside and a new one made: the enrolment (the
/// tablet's tokens) is read out of the damaged file if it still can be,
/// so the tablet goes on sending (and tells the service what happened)
/// instead of reading as withdrawn.
fn rescue_enrolment(damaged: &Path, key: &StoreKey, store: &Store) {
    let rescued =
        Store::setting_in_damaged(damaged, key, ENROLMENT_SETTING).filter(|json| read_enrolment(json).is_ok());
    match rescued {
        Some(json) => match store.set_setting(ENROLMENT_SETTING, &json) {
            Ok(()) => log::info!("the enrolment was read out of the damaged database"),
            Err(error) => log::error!("the rescued enrolment was not kept: {error}"),
        },
        None => log::warn!("the enrolment could not be read out of the damaged database"),
    }
}

/// Opens a store file; problems become notices.
fn open_store(
    platform: &impl Platform,
    data_dir: &Path,
    file: StoreFile,
    now: Timestamp,
    notices: &mut Vec<CoreError>,
) -> Option<(Store, StoreKey)> {
    let key = match store_key(platform, data_dir, file) {
        Ok(key) => key,
        Err(error) => {
            notices.push(error);
            return None;
        }
    };
    match Store::open(&file.path(data_dir), &key, now) {
        Ok(opened) => {
            for notice in opened.notices {
                let StoreNotice::Quarantined { moved_to, .. } = notice;
                log::warn!("damaged database moved to {}", moved_to.display());
                if file == StoreFile::Real {
                    rescue_enrolment(&moved_to, &key, &opened.store);
                }
                notices.push(CoreError::new(ErrorCode::StoreQuarantined, moved_to.display().to_string()));
            }
            Some((opened.store, key))
        }
        Err(error) => {
            log::error!("store did not open: {error}");
            notices.push(CoreError::new(error.code(), error.to_string()));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::{
        app::{testing::TestApp, EndWith, Mode},
        store::{Store, StoreKey},
    };

    /// The settings file is lost or damaged on an enrolled tablet: it
    /// starts as the same enrolled tablet, not as the demo (whose public
    /// nurse code would open the nurse's page and whose readings are
    /// never sent). A revoked one stays revoked; a tablet without a real
    /// store is the demo.
    #[tokio::test]
    async fn a_lost_settings_file_does_not_make_an_enrolled_tablet_the_demo() {
        let t = TestApp::enrolled();
        let t = t.restart_without_settings();
        assert_eq!(t.app.mode(), Mode::Enrolled);
        assert!(t.app.nurse_unlock(crate::app::DEMO_NURSE_CODE).is_err(), "the demo's code opens nothing");
        assert_eq!(t.app.service_status().demo_nurse_code, None);
        t.app.with_store(|s| Ok(s.set_setting(super::REVOKED_SETTING, "true")?)).unwrap();
        assert_eq!(t.restart_without_settings().app.mode(), Mode::Revoked);

        let demo = TestApp::demo().restart_without_settings();
        assert_eq!(demo.app.mode(), Mode::Demo);
    }

    /// An earlier version kept the enrolment (tokens, the nurse code's
    /// hash) in the keyring, where Windows' Credential Manager has no room
    /// for it: the first read moves it into the encrypted store, and the
    /// keyring's copy is removed (tried again at each start while the
    /// keyring refuses). After that the keyring is never asked for it.
    #[tokio::test]
    async fn an_enrolment_in_the_keyring_moves_into_the_store_once() {
        let t = TestApp::enrolled();
        let old = t.platform().enrolment().expect("an earlier version's copy");
        t.platform().stick_old_enrolment(true);
        assert_eq!(t.app.enrolment().unwrap(), Some(old.clone()));
        assert_eq!(t.kept_enrolment(), Some(old.clone()), "moved into the store");
        assert_eq!(t.platform().enrolment(), Some(old.clone()), "the keyring refused to let it go");

        let t = t.restart();
        t.platform().stick_old_enrolment(false);
        assert_eq!(t.app.enrolment().unwrap(), Some(old.clone()));
        assert_eq!(t.platform().enrolment(), None, "removed at the next start");

        // Even an old copy coming back (a restored keyring) is not read.
        t.platform().keep_old_enrolment(&TestApp::enrolment("https://fhir.other.example/r4"));
        let t = t.restart();
        let reads = t.platform().old_enrolment_reads();
        assert_eq!(t.app.enrolment().unwrap(), Some(old), "the store's");
        assert_eq!(t.platform().old_enrolment_reads(), reads, "the keyring is not asked");
        assert_eq!(t.app.mode(), Mode::Enrolled);
    }

    /// The database is damaged and moved aside, and the tokens were in it.
    /// A damaged file that still reads gives its enrolment to the new
    /// store; one that reads no more leaves the tablet withdrawn after its
    /// next round ("ask your nurse"), not silently unsent.
    #[tokio::test]
    async fn a_damaged_store_gives_its_enrolment_back_or_the_tablet_reads_as_withdrawn() {
        let t = TestApp::enrolled();
        let enrolment = t.app.enrolment().unwrap().expect("moved into the store");
        assert!(t.platform().enrolment().is_none(), "no keyring copy left");
        drop(t.app.take_store_for_tests());
        let path = crate::app::StoreFile::Real.path(t.data_dir());

        // A copy that still reads: its enrolment is rescued.
        let readable = t.data_dir().join("readable.db");
        std::fs::copy(&path, &readable).unwrap();
        let wal = |p: &std::path::Path| std::path::PathBuf::from(format!("{}-wal", p.display()));
        if wal(&path).exists() {
            std::fs::copy(wal(&path), wal(&readable)).unwrap();
        }
        let fresh = Store::open_in_memory(&StoreKey::from_bytes([1; 32])).unwrap();
        super::rescue_enrolment(&readable, &StoreKey::from_bytes([7; 32]), &fresh);
        let rescued = fresh.setting(super::ENROLMENT_SETTING).unwrap().expect("rescued");
        assert_eq!(serde_json::from_str::<crate::enrolment::Enrolment>(&rescued).unwrap(), enrolment);
        for file in [readable.clone(), wal(&readable)] {
            let _ = std::fs::remove_file(file);
        }

        // The file itself damaged beyond reading: quarantined, a new one made.
        let mut bytes = std::fs::read(&path).unwrap();
        for b in bytes.iter_mut().take(4096).skip(100) {
            *b ^= 0x5A;
        }
        std::fs::write(&path, &bytes).unwrap();
        let t = t.restart();
        assert_eq!(t.app.mode(), Mode::Enrolled);
        t.app.sync_round().await;
        assert_eq!(t.app.mode(), Mode::Revoked, "the patient is asked to call, not left unsent");
        assert_eq!(t.restart().app.mode(), Mode::Revoked, "and it is remembered");
    }

    /// One run of the app, one follow-up after another: the demo, an
    /// enrolment that replaces it (nothing of the demo's store, plan or
    /// late replies reaches the real one), the end (the follow-up dropped,
    /// its files gone, nothing waits), and after the next start an
    /// enrolment again — each follow-up reading the keyring once, if at all.
    #[tokio::test(start_paused = true)]
    async fn the_follow_ups_life_demo_enrolled_ended_enrolled_again() {
        let t = TestApp::demo_with(|c| c.nurse_code = Some("9753".into()));
        assert_eq!(t.app.mode(), Mode::Demo);
        assert!(t.app.today().unwrap().is_some(), "the demo's plan");
        assert!(t.app.demo_nurse_code().is_none(), "a configured code is not shown");
        // The demo's nurse answers in a few seconds; the tablet is enrolled before.
        t.app.send_message("Hei").unwrap();
        t.app.set_taken_by(crate::store::readings::EnteredBy::Relative, Some("RelatedPerson/demo-daughter")).unwrap();

        let enrolment = TestApp::enrolment("https://127.0.0.1:9/r4");
        t.app.finish_enrolment(&enrolment).unwrap();
        assert_eq!(t.app.mode(), Mode::Enrolled);
        assert_eq!(t.kept_enrolment(), Some(enrolment.clone()), "written through to the store");
        assert_eq!(t.platform().enrolment(), None, "nothing in the keyring");
        assert!(t.app.today().unwrap().is_none(), "no plan: the demo's is not carried over");
        tokio::time::sleep(Duration::from_secs(10)).await;
        assert!(t.app.messages().unwrap().is_empty(), "neither the demo's message nor its late reply");
        assert!(!t.app.sync_status().revoked);
        assert_eq!(t.app.recorder().by, crate::store::readings::EnteredBy::Patient, "the demo's relative is not kept");
        let reads = t.platform().keyring_reads();
        for _ in 0..20 {
            let _ = (t.app.service_status(), t.app.call_screen(), t.app.today());
        }
        assert_eq!(t.platform().keyring_reads(), reads, "the enrolment is kept, not read again");

        t.app.send_message("Hei fra det nye nettbrettet").unwrap();
        t.app.nurse_unlock("9753").unwrap();
        let enrolled = t.app.follow_up().unwrap();
        let ended = t.app.end_follow_up(EndWith::GivingUpUnsent).await.unwrap();
        assert_eq!(
            (ended.given_up.messages, ended.given_up.other),
            (1, 1),
            "the message that could not be sent, and the app's gateway Device"
        );
        assert_eq!(t.app.mode(), Mode::Ended);
        assert_eq!(t.app.today().unwrap_err().code, "store-failed", "no store after the end");
        assert_eq!(t.app.sync_status().last_success, None);
        assert!(t.kept_enrolment().is_none());
        // A round still under way when it ended cannot put its tokens back.
        enrolled.keep_enrolment(&enrolment).unwrap();
        assert!(t.kept_enrolment().is_none(), "an ended follow-up writes no secret");
        assert!(t.platform().enrolment().is_none());
        drop(enrolled);
        assert_eq!(std::fs::read_dir(t.data_dir()).unwrap().count(), 0, "nothing left");
        t.app.sync_round().await;
        assert_eq!(std::fs::read_dir(t.data_dir()).unwrap().count(), 0, "a round after the end opens nothing");

        let t = t.restart();
        assert_eq!(t.app.mode(), Mode::Demo, "the next start is a new tablet's");
        let again = TestApp::enrolment("https://127.0.0.1:9/r4");
        t.app.finish_enrolment(&again).unwrap();
        assert_eq!(t.app.mode(), Mode::Enrolled);
        assert!(t.app.messages().unwrap().is_empty(), "the new store is empty");
        assert_eq!(t.app.service_status().service_name.as_deref(), Some("Testkommunen"));
    }
}
