//! Test doubles for the app room: a platform in memory (`FakePlatform`),
//! media that sends numbered RTP packets instead of a camera's
//! (`FakeMedia`), clocks for tests (`TestClock`, and `TokioClock`, which
//! moves with tokio's paused time), and a [`TestApp`] in a temporary data
//! folder.

use std::{
    path::Path,
    sync::{
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use jiff::Timestamp;

use super::{call_line::CallTimings, App, AppConfig, Platform, SecretError};
use crate::{
    call::{
        media::{CallMedia, CaptureMedia, Devices, Frame, PlaybackMedia, Source, Speaker},
        CallError, IncomingMedia, MediaKind, OutgoingMedia,
    },
    camera::{CameraFrame, CameraSource, CameraView, Grey},
    clock::SystemClock,
    devices::transport::{Advertisement, Scanner, TransportError},
    enrolment::Enrolment,
    error::{CoreError, ErrorCode},
    settings::{ServiceEnrolment, Settings},
    store::StoreKey,
    trust::Trust,
};

/// A clock the test moves (shared by clones), in Europe/Oslo.
#[derive(Clone)]
pub(crate) struct TestClock {
    start: Timestamp,
    /// The wall clock, and the time that has really passed.
    now: Arc<Mutex<(Timestamp, std::time::Duration)>>,
    /// The tablet's starts so far, and the time passed at the last.
    boots: Arc<Mutex<(u32, std::time::Duration)>>,
}

impl TestClock {
    pub fn at(text: &str) -> TestClock {
        let start: Timestamp = text.parse().unwrap();
        TestClock {
            start,
            now: Arc::new(Mutex::new((start, std::time::Duration::ZERO))),
            boots: Arc::new(Mutex::new((0, std::time::Duration::ZERO))),
        }
    }
    pub fn start(&self) -> Timestamp {
        self.start
    }
    /// Time passes until `now` (a `now` before the clock's is only the
    /// clock set back: no time passes).
    pub fn set(&self, now: Timestamp) {
        let mut clock = self.now.lock().unwrap();
        let passed = now.duration_since(clock.0);
        clock.1 += std::time::Duration::try_from(passed).unwrap_or_default();
        clock.0 = now;
    }
    /// Someone sets the tablet's clock to `now`: no time passes.
    pub fn set_wall_clock(&self, now: Timestamp) {
        self.now.lock().unwrap().0 = now;
    }
    /// The tablet starts again: its boot clock starts from zero.
    pub fn reboot(&self) {
        let passed = self.now.lock().unwrap().1;
        let mut boots = self.boots.lock().unwrap();
        *boots = (boots.0 + 1, passed);
    }
}

impl crate::clock::Clock for TestClock {
    fn now(&self) -> Timestamp {
        self.now.lock().unwrap().0
    }
    fn time_zone(&self) -> jiff::tz::TimeZone {
        crate::clock::oslo()
    }
    fn since_boot(&self) -> crate::clock::SinceBoot {
        let passed = self.now.lock().unwrap().1;
        let (boot, at) = *self.boots.lock().unwrap();
        crate::clock::SinceBoot { boot: format!("boot-{boot}"), elapsed: passed.saturating_sub(at) }
    }
}

/// A clock that moves with tokio's time, so a test with paused time
/// (`start_paused`) moves the app's clock and its loops' sleeps together.
#[derive(Clone)]
pub(crate) struct TokioClock {
    start: Timestamp,
    base: tokio::time::Instant,
}

impl TokioClock {
    pub fn at(text: &str) -> TokioClock {
        TokioClock { start: text.parse().unwrap(), base: tokio::time::Instant::now() }
    }
}

impl crate::clock::Clock for TokioClock {
    fn now(&self) -> Timestamp {
        let elapsed = jiff::SignedDuration::try_from(self.base.elapsed()).unwrap();
        self.start + elapsed
    }
    fn time_zone(&self) -> jiff::tz::TimeZone {
        crate::clock::oslo()
    }
    fn since_boot(&self) -> crate::clock::SinceBoot {
        crate::clock::SinceBoot { boot: "tokio".into(), elapsed: self.base.elapsed() }
    }
}

/// What the fake platform holds (shared across a restart).
#[derive(Default)]
pub(crate) struct Vault {
    enrolment: Mutex<Option<Enrolment>>,
    settings: Mutex<Option<Settings>>,
    fail_settings: AtomicBool,
    /// The keyring lost the store key.
    key_forgotten: AtomicBool,
    key_created: AtomicBool,
    /// How often the enrolment was read from the keyring.
    enrolment_reads: AtomicUsize,
    /// The keyring refuses to remove the old enrolment.
    keep_old_enrolment_stuck: AtomicBool,
    /// How often the store key was read from the keyring.
    key_reads: AtomicUsize,
    /// A key under the old identifier (`Err`: the keyring cannot tell).
    old_key: Mutex<Option<Result<StoreKey, ()>>>,
}

/// The keyring and settings file, in memory.
#[derive(Clone, Default)]
pub(crate) struct FakePlatform(Arc<Vault>);

impl FakePlatform {
    /// The enrolment where earlier versions kept it (the keyring).
    pub fn enrolment(&self) -> Option<Enrolment> {
        self.0.enrolment.lock().unwrap().clone()
    }
    /// Puts an enrolment where earlier versions kept it (the keyring).
    pub fn keep_old_enrolment(&self, enrolment: &Enrolment) {
        *self.0.enrolment.lock().unwrap() = Some(enrolment.clone());
    }
    pub fn saved_settings(&self) -> Option<Settings> {
        self.0.settings.lock().unwrap().clone()
    }
    pub fn forget_enrolment(&self) {
        *self.0.enrolment.lock().unwrap() = None;
    }
    /// How often the app looked for the enrolment where earlier versions
    /// kept it.
    pub fn old_enrolment_reads(&self) -> usize {
        self.0.enrolment_reads.load(Ordering::SeqCst)
    }
    /// Removing the old enrolment from the keyring fails (`true`) or works.
    pub fn stick_old_enrolment(&self, stuck: bool) {
        self.0.keep_old_enrolment_stuck.store(stuck, Ordering::SeqCst);
    }
    pub fn forget_store_key(&self) {
        self.0.key_forgotten.store(true, Ordering::SeqCst);
    }
    pub fn created_a_key(&self) -> bool {
        self.0.key_created.load(Ordering::SeqCst)
    }
    /// How often the app read the keyring (the enrolment, the store key)
    /// so far.
    pub fn keyring_reads(&self) -> usize {
        self.0.enrolment_reads.load(Ordering::SeqCst) + self.0.key_reads.load(Ordering::SeqCst)
    }
    /// The key kept under the old identifier: none, one (the store's
    /// own is `[7; 32]`), or `Err`: the keyring cannot tell.
    pub fn set_old_store_key(&self, key: Option<Result<[u8; 32], ()>>) {
        *self.0.old_key.lock().unwrap() = key.map(|k| k.map(StoreKey::from_bytes));
    }
    pub fn fail_settings_save(&self) {
        self.0.fail_settings.store(true, Ordering::SeqCst);
    }
}

impl Platform for FakePlatform {
    fn load_store_key(&self) -> Result<Option<StoreKey>, SecretError> {
        self.0.key_reads.fetch_add(1, Ordering::SeqCst);
        let forgotten = self.0.key_forgotten.load(Ordering::SeqCst);
        Ok((!forgotten).then(|| StoreKey::from_bytes([7; 32])))
    }
    fn create_store_key(&self) -> Result<StoreKey, SecretError> {
        self.0.key_created.store(true, Ordering::SeqCst);
        self.0.key_forgotten.store(false, Ordering::SeqCst);
        Ok(StoreKey::from_bytes([7; 32]))
    }
    fn store_key_in_file(&self, _: &Path) -> Result<StoreKey, SecretError> {
        Err(SecretError { detail: "no files in tests".into() })
    }
    fn old_enrolment(&self) -> Result<Option<Enrolment>, SecretError> {
        self.0.enrolment_reads.fetch_add(1, Ordering::SeqCst);
        Ok(self.enrolment())
    }
    fn forget_store_key(&self) -> Result<(), SecretError> {
        FakePlatform::forget_store_key(self);
        Ok(())
    }
    fn forget_old_enrolment(&self) -> Result<(), SecretError> {
        if self.0.keep_old_enrolment_stuck.load(Ordering::SeqCst) {
            return Err(SecretError { detail: "the keyring is locked".into() });
        }
        FakePlatform::forget_enrolment(self);
        Ok(())
    }
    fn old_store_key(&self) -> Result<Option<StoreKey>, SecretError> {
        match self.0.old_key.lock().unwrap().clone() {
            None => Ok(None),
            Some(Ok(key)) => Ok(Some(key)),
            Some(Err(())) => Err(SecretError { detail: "the keyring is locked".into() }),
        }
    }
    fn save_settings(&self, settings: &Settings) -> Result<(), CoreError> {
        if self.0.fail_settings.load(Ordering::SeqCst) {
            return Err(CoreError::new(ErrorCode::SettingsUnwritable, "the test said no"));
        }
        *self.0.settings.lock().unwrap() = Some(settings.clone());
        Ok(())
    }
    fn fill_random(&self, bytes: &mut [u8]) -> Result<(), CoreError> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let n = NEXT.fetch_add(1, Ordering::SeqCst).to_le_bytes();
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = n[i % 8] ^ (i as u8);
        }
        Ok(())
    }
}

/// Media without GStreamer: captures send a numbered audio RTP packet every
/// 20 ms (until [`FakeMedia::stall`]), playbacks count what arrives, and
/// ringers count how many ring.
#[derive(Default)]
pub(crate) struct FakeMedia {
    stalled: Arc<AtomicBool>,
    ringing: Arc<AtomicUsize>,
    /// What the fake camera sees (`None`: the tablet has no camera).
    pub camera_sees: Arc<Mutex<Option<Grey>>>,
    /// How many fake cameras are open.
    pub cameras_open: Arc<AtomicUsize>,
}

/// A camera that shows what [`FakeMedia::camera_sees`] holds, a new
/// picture each time it is asked.
pub(crate) struct FakeCamera {
    sees: Arc<Mutex<Option<Grey>>>,
    number: AtomicU64,
    open: Arc<AtomicUsize>,
}

impl CameraView for FakeCamera {
    fn frame(&self) -> Option<CameraFrame> {
        let grey = self.sees.lock().unwrap().clone()?;
        let number = self.number.fetch_add(1, Ordering::SeqCst) + 1;
        Some(CameraFrame { number, jpeg: Arc::new(vec![0xff, 0xd8]), grey: Arc::new(grey) })
    }
}

impl Drop for FakeCamera {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl FakeMedia {
    /// Every capture stops sending (as when the network drops everything).
    pub fn stall(&self) {
        self.stalled.store(true, Ordering::SeqCst);
    }
    /// How many ringers ring now.
    pub fn ringing(&self) -> usize {
        self.ringing.load(Ordering::SeqCst)
    }
}

/// A speech service that keeps what it is asked to say, with voices for
/// `languages`, and says each reading at once unless `hold` keeps it
/// speaking until it is stopped.
#[derive(Default)]
pub(crate) struct RecordingSpeech {
    pub languages: Vec<String>,
    pub hold: bool,
    /// Fails each reading after it began (a speech service gone away).
    pub fail: bool,
    pub said: Mutex<Vec<Vec<(String, String)>>>,
    /// Readings that ended by a stop.
    pub stopped: AtomicUsize,
}

impl RecordingSpeech {
    pub fn with(languages: &[&str]) -> RecordingSpeech {
        RecordingSpeech { languages: languages.iter().map(|l| l.to_string()).collect(), ..Default::default() }
    }

    /// One whose every reading fails once begun.
    pub fn failing(languages: &[&str]) -> RecordingSpeech {
        RecordingSpeech { fail: true, ..RecordingSpeech::with(languages) }
    }

    /// One that keeps speaking each reading until it is stopped.
    pub fn holding(languages: &[&str]) -> RecordingSpeech {
        RecordingSpeech { hold: true, ..RecordingSpeech::with(languages) }
    }
}

impl crate::speech::Speech for RecordingSpeech {
    fn languages(&self) -> Result<Vec<String>, CoreError> {
        Ok(self.languages.clone())
    }
    fn speak(&self, parts: &[(String, String)], stop: &AtomicBool) -> Result<(), CoreError> {
        self.said.lock().unwrap().push(parts.to_vec());
        if self.fail {
            return Err(CoreError::new(ErrorCode::SpeechFailed, "gone"));
        }
        while self.hold && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(5));
        }
        if stop.load(Ordering::SeqCst) {
            self.stopped.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

#[derive(Default)]
pub(crate) struct FakePlayback {
    packets: AtomicU64,
}

impl IncomingMedia for FakePlayback {
    fn rtp(&self, _: MediaKind, _: &[u8]) {
        self.packets.fetch_add(1, Ordering::SeqCst);
    }
}

impl PlaybackMedia for FakePlayback {
    fn frame(&self) -> Option<Frame> {
        let number = self.packets.load(Ordering::SeqCst);
        (number > 0).then(|| Frame { number, jpeg: Arc::new(vec![0xff, 0xd8]) })
    }
}

pub(crate) struct FakeCapture {
    stop: Arc<AtomicBool>,
    muted: Arc<AtomicBool>,
}

impl CaptureMedia for FakeCapture {
    fn devices(&self) -> Devices {
        Devices { camera: false, microphone: true }
    }
    fn preview(&self) -> Option<Frame> {
        None
    }
    fn set_muted(&self, muted: bool) {
        self.muted.store(muted, Ordering::SeqCst);
    }
    fn set_camera_on(&self, _: bool) {}
}

impl Drop for FakeCapture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

pub(crate) struct FakeRinger(Arc<AtomicUsize>);

impl Drop for FakeRinger {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl CallMedia for FakeMedia {
    type Playback = FakePlayback;
    type Capture = FakeCapture;
    type Ringer = FakeRinger;

    fn playback(&self, _: Speaker) -> Result<Arc<FakePlayback>, CallError> {
        Ok(Arc::default())
    }

    fn capture(&self, _: Source, out: OutgoingMedia) -> Result<FakeCapture, CallError> {
        let stop = Arc::new(AtomicBool::new(false));
        let muted = Arc::new(AtomicBool::new(false));
        let (stopped, stalled, silent) = (stop.clone(), self.stalled.clone(), muted.clone());
        std::thread::spawn(move || {
            let mut sequence: u16 = 0;
            while !stopped.load(Ordering::SeqCst) {
                if !stalled.load(Ordering::SeqCst) && !silent.load(Ordering::SeqCst) {
                    sequence = sequence.wrapping_add(1);
                    let mut packet = vec![0x80, 111];
                    packet.extend_from_slice(&sequence.to_be_bytes());
                    packet.extend_from_slice(&(u32::from(sequence) * 960).to_be_bytes());
                    packet.extend_from_slice(&[0, 0, 0, 1, 0xf8, 0xff, 0xfe]);
                    out.send(MediaKind::Audio, &packet);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Ok(FakeCapture { stop, muted })
    }

    fn ringer(&self) -> Result<FakeRinger, CallError> {
        self.ringing.fetch_add(1, Ordering::SeqCst);
        Ok(FakeRinger(self.ringing.clone()))
    }

    type Camera = FakeCamera;
    fn camera(&self, _: &CameraSource, _: crate::camera::CameraUse) -> Result<FakeCamera, CallError> {
        if self.camera_sees.lock().unwrap().is_none() {
            return Err(CallError::new(ErrorCode::CameraMissing, "no camera"));
        }
        self.cameras_open.fetch_add(1, Ordering::SeqCst);
        Ok(FakeCamera { sees: self.camera_sees.clone(), number: AtomicU64::new(0), open: self.cameras_open.clone() })
    }
}

/// A scanner for tests that must not get as far as scanning.
pub(crate) async fn no_scanner() -> Result<NoScanner, TransportError> {
    Err(TransportError::Disconnected)
}

pub(crate) struct NoScanner;

/// No Bluetooth adapter at all.
impl crate::devices::transport::Radio for NoScanner {
    type Scanner = NoScanner;
    async fn status(&mut self) -> crate::devices::BluetoothStatus {
        crate::devices::BluetoothStatus::Unavailable { reason: crate::devices::UnavailableReason::NoAdapter }
    }
    async fn open(&mut self) -> Result<NoScanner, TransportError> {
        Err(TransportError::Disconnected)
    }
}

impl Scanner for NoScanner {
    type Link = crate::devices::simulator::SimulatedLink;
    async fn scan(&mut self, _: &[u16], _: Duration) -> Result<Vec<Advertisement>, TransportError> {
        Err(TransportError::Disconnected)
    }
    async fn connect(&mut self, _: &str) -> Result<Self::Link, TransportError> {
        Err(TransportError::Disconnected)
    }
}

/// An app in a temporary data folder, with fakes for the platform and media.
pub(crate) struct TestApp {
    pub app: App<FakePlatform, FakeMedia>,
    dir: Arc<tempfile::TempDir>,
    config: AppConfig,
}

impl TestApp {
    fn config(dir: &Path) -> AppConfig {
        AppConfig {
            clock: Arc::new(SystemClock),
            runtime: tokio::runtime::Handle::current(),
            data_dir: dir.to_path_buf(),
            nurse_code: None,
            installation_nurse_code_hash: None,
            call_source: Some(Source::Devices),
            camera_source: CameraSource::Device,
            ice_transports: crate::call::IceTransports::All,
            enrol_endpoint: None,
            trust: Trust::default(),
            call_timings: CallTimings {
                follow_every: Duration::from_millis(50),
                network_window: Duration::from_millis(300),
            },
            demo_ring: Duration::from_millis(100),
            demo_seen_after: crate::app::DEMO_SEEN_AFTER,
            kiosk: false,
            start_at_login: crate::app::StartAtLogin::UsersChoice,
            default_locale: None,
            default_text_size: None,
            speech: Arc::new(crate::speech::NoSpeech),
        }
    }

    fn build(dir: Arc<tempfile::TempDir>, config: AppConfig, platform: FakePlatform, settings: Settings) -> TestApp {
        let app = App::start(platform, Arc::new(FakeMedia::default()), config.clone(), settings, Vec::new());
        TestApp { app, dir, config }
    }

    /// A fresh app in demo mode.
    pub fn demo() -> TestApp {
        TestApp::demo_with(|_| {})
    }

    /// A fresh app in demo mode, set up with `change`.
    pub fn demo_with(change: impl FnOnce(&mut AppConfig)) -> TestApp {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let mut config = TestApp::config(dir.path());
        change(&mut config);
        TestApp::build(dir, config, FakePlatform::default(), Settings::default())
    }

    /// An app enrolled with a service at an address nobody answers.
    pub fn enrolled() -> TestApp {
        TestApp::enrolled_at("https://fhir.invalid/r4")
    }

    /// An app enrolled with the service at `fhir_base`.
    pub fn enrolled_at(fhir_base: &str) -> TestApp {
        TestApp::enrolled_with(TestApp::enrolment(fhir_base))
    }

    /// An app enrolled with `enrolment`.
    pub fn enrolled_with(enrolment: Enrolment) -> TestApp {
        TestApp::enrolled_with_config(enrolment, |_| {})
    }

    /// An app enrolled with `enrolment`, set up with `change`.
    pub fn enrolled_with_config(enrolment: Enrolment, change: impl FnOnce(&mut AppConfig)) -> TestApp {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let mut config = TestApp::config(dir.path());
        change(&mut config);
        let platform = FakePlatform::default();
        // Where earlier versions kept it: the first read moves it into the store.
        platform.keep_old_enrolment(&enrolment);
        let settings =
            Settings { service: Some(ServiceEnrolment { base_url: enrolment.fhir_base }), ..Settings::default() };
        TestApp::build(dir, config, platform, settings)
    }

    /// The enrolment the real store in the data folder holds (read
    /// through its own connection), if there is one.
    pub fn kept_enrolment(&self) -> Option<Enrolment> {
        let path = crate::app::StoreFile::Real.path(self.data_dir());
        if !crate::store::Store::exists_at(&path) {
            return None;
        }
        let store = crate::store::Store::connect_again(&path, &StoreKey::from_bytes([7; 32])).ok()?;
        let json = store.setting(crate::app::ENROLMENT_SETTING).unwrap()?;
        Some(serde_json::from_str(&json).unwrap())
    }

    /// The same data folder and platform, started again.
    pub fn restart(&self) -> TestApp {
        self.restart_with(|_| {})
    }

    /// The same data folder and platform, started again set up with `change`.
    pub fn restart_with(&self, change: impl FnOnce(&mut AppConfig)) -> TestApp {
        let mut config = self.config.clone();
        change(&mut config);
        TestApp::build(self.dir.clone(), config, self.app.platform().clone(), self.app.settings())
    }

    /// Started again with the settings lost (a new tablet's).
    pub fn restart_without_settings(&self) -> TestApp {
        TestApp::build(self.dir.clone(), self.config.clone(), self.app.platform().clone(), Settings::default())
    }

    pub fn platform(&self) -> &FakePlatform {
        self.app.platform()
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// An enrolment with the service at `fhir_base`.
    pub fn enrolment(fhir_base: &str) -> Enrolment {
        Enrolment {
            fhir_base: fhir_base.into(),
            token_endpoint: format!("{fhir_base}/token"),
            patient: "Patient/p1".into(),
            service_name: Some("Testkommunen".into()),
            access_token: "token".into(),
            enrolled_at: Timestamp::UNIX_EPOCH,
            ..Enrolment::default()
        }
    }
}
