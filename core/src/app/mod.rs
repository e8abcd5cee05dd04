//! The app itself, without Tauri: what lives for the whole program (the
//! settings, clock, platform, installation, who is recording, the nurse
//! lock, the call line, the change stream) and at most one follow-up
//! (`follow_up.rs`: its route — demo or a real service — with the store
//! file per route, `demo.db` or `heima.db`, the enrolment, the plan, sync
//! and push). Its mode ([`Mode`]: demo, enrolled, revoked, recovery,
//! ended) is the follow-up's, or ended when there is none. The data
//! folder is made private at every start (folders 0700, files 0600); a
//! settings change is saved before it counts; what start-up found is told
//! as notices. The shell (`src-tauri`) holds one [`App`], asks it, and does
//! what only the operating system can ([`Platform`]: the keyring, the
//! settings file, randomness).

pub mod call_line;
mod calls;
mod changes;
mod config;
mod devices;
mod ending;
mod follow_up;
mod installation;
mod loops;
mod nurse;
mod photos;
mod push;
mod qr_scan;
mod read_aloud;
mod screens;
mod service;
mod window;

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use jiff::Timestamp;
use serde::Serialize;

pub use calls::{CallRoute, CallScreen, PicturesSeen, CALL_LOOK_EVERY};
pub use changes::{Change, Listener, Notification, NotifyWhen, TrainingSwitch};
pub use config::{AppConfig, Variable};
pub use devices::{FoundDevice, SessionOrigin, SessionWith};
pub use ending::{EndChecklist, EndWith, Ended, SavedCopy};
pub use follow_up::{SyncStatus, ENROLMENT_SETTING, REVOKED_SETTING};
pub use installation::{ConfigFile, ConfigSource, Installation};
pub use loops::{DEVICE_ASK_EVERY, REMINDER_EVERY};
pub use nurse::{FormFor, Recorders, DEMO_NURSE_CODE};
pub use photos::PhotoPreview;
pub use qr_scan::{ScanView, SCAN_GIVES_UP};
pub use screens::{AnswersOutcome, EntryOutcome, Export, PlanView};
pub use service::{EnrolmentToConfirm, ServiceStatus};
pub use window::{Lockdown, StartAtLogin, WindowClose};

use crate::{
    call::{demo_nurse::DemoNurse, media::CallMedia},
    clock::Clock,
    devices::BluetoothStatus,
    enrolment::Enrolment,
    error::{CoreError, ErrorCode},
    locale::Locale,
    settings::{ReminderSound, Settings, TextSize},
    store::{
        readings::{EnteredBy, Recorder},
        Store, StoreKey,
    },
    vocabulary::{Colour, ResultItem},
};

use call_line::CallLine;
use follow_up::{FollowUp, SettingsSay};

/// Why the platform could not hand over a secret (the store key or the
/// enrolment). The detail is for the log; it never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("secret unavailable: {detail}")]
pub struct SecretError {
    pub detail: String,
}

impl From<SecretError> for CoreError {
    fn from(e: SecretError) -> CoreError {
        CoreError::new(ErrorCode::StoreKeyUnavailable, e.detail)
    }
}

/// What the app needs from the operating system. The shell implements it
/// with the OS keyring and files; tests with memory.
pub trait Platform: Send + Sync + 'static {
    /// The store key as configured (the keyring, or a named key file), if
    /// there is one.
    fn load_store_key(&self) -> Result<Option<StoreKey>, SecretError>;
    /// Makes a new store key and keeps it (the first start).
    fn create_store_key(&self) -> Result<StoreKey, SecretError>;
    /// A key kept in a file, created on first use (demo mode without a keyring).
    fn store_key_in_file(&self, path: &Path) -> Result<StoreKey, SecretError>;
    /// The enrolment where earlier versions kept it (the OS keyring,
    /// or the file beside a named key file), if it is still there. Today
    /// the enrolment lives in the encrypted store (its tokens and the nurse
    /// code's hash are too big for some OS stores, and one secret there is
    /// enough); the follow-up moves an old copy into the store once.
    fn old_enrolment(&self) -> Result<Option<Enrolment>, SecretError>;
    /// Removes the store key (ending the follow-up: the key goes first, so
    /// whatever of the database might be left can never be read).
    fn forget_store_key(&self) -> Result<(), SecretError>;
    /// Removes the enrolment where earlier versions kept it
    /// ([`Platform::old_enrolment`]), if it is there.
    fn forget_old_enrolment(&self) -> Result<(), SecretError>;
    /// A store key still kept where an earlier version of the app kept it
    /// (its old identifier's keyring entry, not moved: the keyring was
    /// locked at the start that should have moved it, or both identifiers
    /// had one). A database the current key cannot open may open with it.
    /// An error: it cannot be told (a locked keyring).
    fn old_store_key(&self) -> Result<Option<StoreKey>, SecretError>;
    /// Saves the settings durably.
    fn save_settings(&self, settings: &Settings) -> Result<(), CoreError>;
    /// Fills `bytes` with random bytes from the operating system.
    fn fill_random(&self, bytes: &mut [u8]) -> Result<(), CoreError>;
}

/// What the app is connected to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// No service configured: the in-process demo service answers.
    Demo,
    /// Enrolled with a follow-up service.
    Enrolled,
    /// The service no longer accepts this tablet: "ask your nurse".
    Revoked,
    /// The key of the tablet's database is gone: the file is kept as it
    /// is, and the patient is asked to call the nurse, who can end the
    /// follow-up from her page.
    Recovery,
    /// The follow-up was ended on this tablet: everything is removed, the
    /// patient sees the goodbye; the next start is a new tablet's.
    Ended,
}

/// How long the demo's nurse takes to see a yellow or red result.
pub const DEMO_SEEN_AFTER: Duration = Duration::from_secs(120);

/// A screen a mode may limit the app to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Screen {
    Today,
    Settings,
    Nurse,
}

impl Mode {
    /// The only screens that make sense in this mode (the rest show the
    /// today screen, which then is the recovery screen or the goodbye);
    /// `None`: every screen.
    pub fn only_screens(self) -> Option<&'static [Screen]> {
        match self {
            Mode::Recovery => Some(&[Screen::Today, Screen::Settings, Screen::Nurse]),
            Mode::Ended => Some(&[Screen::Today]),
            Mode::Demo | Mode::Enrolled | Mode::Revoked => None,
        }
    }
}

/// Which store file: the demo's data never mixes with real data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreFile {
    Demo,
    Real,
}

impl StoreFile {
    pub fn path(self, data_dir: &Path) -> PathBuf {
        data_dir.join(match self {
            StoreFile::Demo => "demo.db",
            StoreFile::Real => "heima.db",
        })
    }
}

/// Who records now, and the nurse's lock.
#[derive(Debug, Clone)]
struct People {
    /// Who is taking readings and answering (patient or relative, and
    /// which relative when the service knows them).
    taken_by: Recorder,
    /// The plan (the app's number) a relative was chosen from.
    taken_by_plan: Option<u32>,
    /// The nurse's training mode: everything recorded is marked as
    /// training, shown with a banner, never sent or counted.
    training: bool,
    /// The nurse has typed the nurse code since the app started.
    nurse_unlocked: bool,
    /// When the nurse screens were last used (they lock after a while).
    nurse_active_at: Option<Timestamp>,
    /// Wrong nurse codes, as this run remembers them (the data folder
    /// keeps them across restarts).
    guesses: nurse::Guesses,
}

/// The app's state, shared by every command.
pub struct App<P: Platform, M: CallMedia> {
    platform: P,
    clock: Arc<dyn Clock>,
    config: AppConfig,
    settings: Mutex<Settings>,
    /// Problems found at start-up that the user should hear about once.
    notices: Mutex<Vec<CoreError>>,
    bluetooth: Mutex<BluetoothStatus>,
    /// The follow-up (its route, store, enrolment, plan, sync and push);
    /// `None` once it has ended ([`Mode::Ended`]).
    follow_up: Mutex<Option<Arc<FollowUp>>>,
    /// Wakes the sync loop at once (enrolment, "send now", a new reading).
    sync_wake: tokio::sync::Notify,
    /// Starts the push channel afresh: an enrolment (or a new service).
    push_wake: tokio::sync::Notify,
    /// Wakes the call loop: the push channel announced a call.
    call_wake: tokio::sync::Notify,
    /// Counts readings stored from devices, for whoever waits for one.
    device_readings: tokio::sync::watch::Sender<u64>,
    /// What the core tells the screen ([`Change`]).
    changes: changes::Changes,
    /// Wakes the call-screen loop: a call started, rang, was answered,
    /// hung up, muted or its camera switched.
    call_changed: tokio::sync::Notify,
    /// Wakes the nurse-lock loop: the screens opened or training switched.
    nurse_lock_changed: tokio::sync::Notify,
    people: Mutex<People>,
    /// Held through one try of the nurse code, so tries count one by one.
    nurse_tries: Mutex<()>,
    calls: CallLine<M, CallRoute<M>>,
    demo_nurse: DemoNurse<M>,
    /// Where background work (a demo reply) runs.
    runtime: tokio::runtime::Handle,
    /// An enrolment the nurse has not confirmed yet.
    pending_enrolment: Mutex<Option<service::PendingEnrolment>>,
    /// A `heima-enrol:` link that opened the app, for the enrolment form.
    arrived_link: Mutex<Option<String>>,
    /// What the device watch's scan plan needs to know.
    scans: Mutex<devices::Scans>,
    /// The machine's media (the camera outside a call).
    media: Arc<M>,
    /// Reading the enrolment QR code with the camera.
    qr_scan: Mutex<qr_scan::QrScan<M::Camera>>,
    /// Wakes the scan loop: the camera opened.
    qr_scan_wake: tokio::sync::Notify,
    /// The photo screen's camera and the photo waiting to be kept.
    photo_desk: Mutex<photos::PhotoDesk<M::Camera>>,
    /// The stop of the reading aloud now under way (a newer one or a
    /// stop sets it).
    reading: Arc<Mutex<Option<Arc<std::sync::atomic::AtomicBool>>>>,
    /// How many stops of reading aloud there have been.
    reading_stops: std::sync::atomic::AtomicU64,
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// Starts the app: opens the follow-up the settings name, with its
    /// store (seeding the demo's). Problems found (and `notices` from before) are told to the
    /// user once; they never stop the start.
    pub fn start(
        platform: P,
        media: Arc<M>,
        config: AppConfig,
        settings: Settings,
        mut notices: Vec<CoreError>,
    ) -> App<P, M> {
        let (clock, runtime) = (config.clock.clone(), config.runtime.clone());
        let started = clock.now();
        let settings_say = if settings.is_demo() { SettingsSay::Demo } else { SettingsSay::Service };
        let follow_up = FollowUp::at_start(&platform, &config.data_dir, settings_say, &*clock, &mut notices);
        // Once, with the store's own files (database, WAL, key check) there.
        crate::atomic_file::keep_private(&config.data_dir);
        let calls = CallLine::new(media.clone(), config.call_source, config.call_timings, runtime.clone());
        let demo_nurse = DemoNurse::new(media.clone(), config.demo_ring);
        App {
            platform,
            clock,
            config,
            settings: Mutex::new(settings),
            notices: Mutex::new(notices),
            bluetooth: Mutex::new(BluetoothStatus::Checking),
            follow_up: Mutex::new(Some(Arc::new(follow_up))),
            sync_wake: tokio::sync::Notify::new(),
            call_wake: tokio::sync::Notify::new(),
            push_wake: tokio::sync::Notify::new(),
            device_readings: tokio::sync::watch::Sender::new(0),
            changes: changes::Changes::new(),
            nurse_lock_changed: tokio::sync::Notify::new(),
            call_changed: tokio::sync::Notify::new(),
            nurse_tries: Mutex::new(()),
            people: Mutex::new(People {
                taken_by: Recorder::new(EnteredBy::Patient),
                taken_by_plan: None,
                training: false,
                nurse_unlocked: false,
                nurse_active_at: None,
                guesses: nurse::Guesses::default(),
            }),
            calls,
            demo_nurse,
            runtime,
            pending_enrolment: Mutex::new(None),
            arrived_link: Mutex::new(None),
            scans: Mutex::new(devices::Scans::new(started)),
            media,
            qr_scan: Mutex::new(qr_scan::QrScan::default()),
            qr_scan_wake: tokio::sync::Notify::new(),
            photo_desk: Mutex::new(photos::PhotoDesk::default()),
            reading: Default::default(),
            reading_stops: Default::default(),
        }
    }

    /// Demo, enrolled, revoked, recovery or ended: the follow-up's route
    /// and state decide ([`FollowUp::mode`]); none is the end.
    pub fn mode(&self) -> Mode {
        self.follow_up().map_or(Mode::Ended, |f| f.mode())
    }

    /// The follow-up now (`None`: it has ended). A task that keeps it
    /// keeps this one, even if an enrolment replaces it meanwhile.
    fn follow_up(&self) -> Option<Arc<FollowUp>> {
        self.follow_up.lock().unwrap().clone()
    }

    /// Whether `follow_up` is still the app's (not replaced or ended).
    fn is_current(&self, follow_up: &Arc<FollowUp>) -> bool {
        self.follow_up.lock().unwrap().as_ref().is_some_and(|now| Arc::ptr_eq(now, follow_up))
    }

    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    pub fn platform(&self) -> &P {
        &self.platform
    }

    /// Listens to what changes from now on ([`Change`]).
    pub fn listen(&self) -> Listener {
        self.changes.listen()
    }

    /// Tells the screens what changed.
    fn tell(&self, change: Change) {
        self.changes.tell(change);
    }

    /// A reading or answers were stored and judged: tells the screens. In
    /// demo mode the demo's nurse sees a yellow or red one after
    /// [`AppConfig::demo_seen_after`], as a service's would, so it leaves the today
    /// screen there too.
    fn recorded(&self, item: ResultItem, colour: Option<Colour>) {
        self.tell(Change::Recorded { item, colour });
        if !matches!(colour, Some(Colour::Yellow | Colour::Red)) {
            return;
        }
        // Only in the demo's store, if it is the follow-up now: two minutes
        // on, the app may have enrolled, and a row id there is another item.
        let Some(follow_up) = self.follow_up().filter(|f| f.demo().is_some()) else { return };
        let follow_up = Arc::downgrade(&follow_up);
        let changes = self.changes.clone();
        let after = self.config.demo_seen_after;
        let after_signed = jiff::SignedDuration::try_from(after).unwrap_or(jiff::SignedDuration::MAX);
        let Ok(at) = self.clock.now().checked_add(after_signed) else { return };
        let seen = crate::store::readings::Seen { at, by: None };
        self.runtime.spawn(async move {
            tokio::time::sleep(after).await;
            let Some(follow_up) = follow_up.upgrade() else { return };
            let guard = follow_up.store.lock().unwrap();
            let Some(store) = guard.as_ref() else { return };
            let Ok(Some(identifier)) = store.result_identifier(item) else { return };
            match store.save_acknowledgements(&[(identifier, seen)]) {
                Ok(_) => changes.tell(Change::Acknowledged),
                Err(e) => log::warn!("the demo's acknowledgement not stored: {e}"),
            }
        });
    }

    /// Waits until something should be sent at once.
    pub async fn sync_wanted(&self) {
        self.sync_wake.notified().await
    }

    /// Something new waits to be sent: wake the sync loop.
    pub fn sync_soon(&self) {
        self.sync_wake.notify_one();
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap().clone()
    }

    /// What the UI needs to write in the language `tag`: its Fluent
    /// sources, how a service's text falls back, and how dates and numbers
    /// are written (the language's tag, the core's time zone).
    pub fn locale_sources(&self, tag: &str) -> Result<crate::locale::LocaleSources, CoreError> {
        Ok(crate::locale::LocaleSources::new(crate::locale::Locale::from_tag(tag)?, &self.clock().time_zone()))
    }

    /// The settings, with what was found at start-up (told once).
    pub fn settings_with_notices(&self) -> SettingsView {
        SettingsView { settings: self.settings(), notices: std::mem::take(&mut *self.notices.lock().unwrap()) }
    }

    /// Applies a change to the settings and saves it before returning; if
    /// saving fails, the old settings stay.
    fn change_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<Settings, CoreError> {
        let mut settings = self.settings.lock().unwrap();
        let mut changed = settings.clone();
        change(&mut changed);
        self.platform.save_settings(&changed)?;
        *settings = changed.clone();
        drop(settings);
        self.tell(Change::Settings);
        Ok(changed)
    }

    /// Switches the language (a BCP 47 tag: `nb`, `nn`, `en`).
    pub fn set_locale(&self, tag: &str) -> Result<Settings, CoreError> {
        let locale = Locale::from_tag(tag)?;
        self.change_settings(|s| s.locale = locale)
    }

    /// Sets the text size and high contrast.
    pub fn set_display(&self, text_size: TextSize, high_contrast: bool) -> Result<Settings, CoreError> {
        self.change_settings(|s| {
            s.text_size = text_size;
            s.high_contrast = high_contrast;
        })
    }

    /// Sets the reminders' sound.
    pub fn set_reminder_sound(&self, sound: ReminderSound) -> Result<Settings, CoreError> {
        self.change_settings(|s| s.reminder_sound = sound)
    }

    /// A reminder now, as one would come (without naming a task), so the
    /// patient hears the chosen sound.
    pub fn try_reminder_sound(&self) {
        let Settings { locale, reminder_sound: sound, .. } = self.settings();
        let notification = Notification {
            title: crate::locale::format(locale, "reminder-title", &[]),
            body: crate::locale::format(locale, "reminder-sample", &[]),
        };
        self.tell(Change::Remind { notification, sound });
    }

    pub fn bluetooth(&self) -> BluetoothStatus {
        self.bluetooth.lock().unwrap().clone()
    }

    pub fn set_bluetooth(&self, status: BluetoothStatus) {
        *self.bluetooth.lock().unwrap() = status;
        self.tell(Change::Bluetooth);
    }

    /// Runs `f` on the open store with the plan in force in it (parsed
    /// once per version by the store's own follow-up).
    fn with_plan<T>(
        &self,
        f: impl FnOnce(&Store, Option<crate::plan::CarePlan>) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.follow_up().ok_or_else(not_open)?.with_plan(self.clock(), f)
    }

    /// The enrolment, as the follow-up keeps it (read from the keyring
    /// once); none in demo, or after the end.
    fn enrolment(&self) -> Result<Option<Enrolment>, SecretError> {
        self.follow_up().map_or(Ok(None), |f| f.enrolment(&self.platform))
    }

    /// Runs `f` on the open store.
    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T, CoreError>) -> Result<T, CoreError> {
        self.follow_up().ok_or_else(not_open)?.with_store(f)
    }

    /// Runs `f` on the open store, mutably.
    pub fn with_store_mut<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, CoreError>) -> Result<T, CoreError> {
        self.follow_up().ok_or_else(not_open)?.with_store_mut(f)
    }

    fn random_bytes<const N: usize>(&self) -> Result<[u8; N], CoreError> {
        let mut bytes = [0u8; N];
        self.platform.fill_random(&mut bytes)?;
        Ok(bytes)
    }

    /// A random number in [0, 1) (the retries' jitter); 0.5 when the
    /// system gives no randomness.
    fn random_unit(&self) -> f64 {
        match self.random_bytes::<8>() {
            Ok(b) => (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64,
            Err(_) => 0.5,
        }
    }

    /// A fresh random identifier (hex), for records the app creates.
    fn new_identifier(&self, prefix: &str) -> Result<String, CoreError> {
        Ok(format!("{prefix}/{}", hex(&self.random_bytes::<16>()?)))
    }

    /// Closes the store (tests compare the file's bytes afterwards).
    #[cfg(test)]
    pub(crate) fn take_store_for_tests(&self) -> Option<Store> {
        self.follow_up().and_then(|f| f.close_store())
    }
}

fn not_open() -> CoreError {
    CoreError::new(ErrorCode::StoreFailed, "the store is not open")
}

/// Settings plus anything found at start-up that the user should be told.
#[derive(Debug, Serialize)]
pub struct SettingsView {
    pub settings: Settings,
    pub notices: Vec<CoreError>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::{testing::TestApp, Mode};
    use crate::{locale::Locale, settings::TextSize};

    #[tokio::test]
    async fn settings_changes_are_saved_before_they_count() {
        let t = TestApp::demo();
        assert_eq!(t.app.set_locale("xx").unwrap_err().code, "unknown-locale");
        let changed = t.app.set_locale("nn").unwrap();
        assert_eq!(changed.locale, Locale::Nynorsk);
        assert_eq!(t.platform().saved_settings().unwrap().locale, Locale::Nynorsk);
        t.platform().fail_settings_save();
        assert_eq!(t.app.set_display(TextSize::Largest, true).unwrap_err().code, "settings-unwritable");
        assert_eq!(t.app.settings().text_size, TextSize::Normal, "a change not saved does not count");
    }

    /// The keyring lost the key of an existing database: no new key, the
    /// file untouched, and the user told.
    #[tokio::test]
    async fn a_missing_key_never_gets_a_new_one_over_an_existing_database() {
        let t = TestApp::enrolled();
        t.app.with_store(|s| Ok(s.set_setting("probe", "kept")?)).unwrap();
        drop(t.app.take_store_for_tests());
        let database = t.data_dir().join("heima.db");
        let before = std::fs::read(&database).unwrap();
        t.platform().forget_store_key();
        let t = t.restart();
        let notices = t.app.settings_with_notices().notices;
        assert_eq!(notices.iter().map(|n| n.code.as_str()).collect::<Vec<_>>(), ["store-key-missing"]);
        assert_eq!(t.app.today().unwrap_err().code, "store-failed", "no store is open");
        assert!(!t.platform().created_a_key(), "no new key was made");
        assert_eq!(std::fs::read(&database).unwrap(), before, "the file is untouched");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_data_folder_and_its_files_are_private_after_start() {
        use std::os::unix::fs::PermissionsExt;
        let t = TestApp::demo();
        let dir = t.data_dir().to_path_buf();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::create_dir_all(dir.join("quarantine/old")).unwrap();
        std::fs::write(dir.join("quarantine/old/heima.db"), b"old").unwrap();
        std::fs::set_permissions(dir.join("demo.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
        let t = t.restart();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("quarantine/old")), 0o700);
        for file in std::fs::read_dir(&dir).unwrap().flatten().filter(|e| e.file_type().unwrap().is_file()) {
            assert_eq!(mode(&file.path()), 0o600, "{}", file.path().display());
        }
        assert_eq!(mode(&dir.join("quarantine/old/heima.db")), 0o600);
        drop(t);
    }

    #[tokio::test]
    async fn the_demo_and_a_real_service_keep_separate_stores() {
        let demo = TestApp::demo();
        assert_eq!(demo.app.mode(), Mode::Demo);
        assert!(demo.data_dir().join("demo.db").exists());
        assert!(!demo.data_dir().join("heima.db").exists());
        let enrolled = TestApp::enrolled();
        assert!(enrolled.data_dir().join("heima.db").exists());
        assert!(!enrolled.data_dir().join("demo.db").exists());
        assert!(enrolled.app.today().unwrap().is_none(), "no plan until the service sends one");
    }
}
