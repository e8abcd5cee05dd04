//! Who records, and the nurse's lock. Who records: the patient, a relative
//! (by name and reference when the plan's care team names them, checked
//! here), or the nurse's practice in training, which overrides both.
//!
//! The nurse code opens the nurse screens (enrolment, pairing, training,
//! ending the follow-up); training marks everything recorded as the nurse's
//! practice, never sent or counted. The code is the tablet's own, issued by
//! the service with the enrolment and kept only as an Argon2id hash with the
//! enrolment in the keyring; in demo mode it is [`DEMO_NURSE_CODE`] (or the
//! installation's, for tests: `HEIMA_NURSE_CODE`). Wrong codes slow down
//! (after the first 5, a wait of 6 minutes doubling to an hour). Tries are
//! taken one at a time, each counted before the code is checked, so
//! parallel tries count one by one. The wait runs on the time since the
//! tablet started ([`crate::clock::Clock::since_boot`]), which setting the
//! tablet's clock does not move and which runs on while it sleeps; the
//! count and the wait's end (with the start it counts from) are kept in
//! `nurse-guesses.json` in the data folder across restarts of the app,
//! whatever the mode. After the tablet itself has started again, a wait
//! that was due starts over from then (the wall clock could have been set).
//! The screens lock themselves after [`NURSE_IDLE_LOCK`] without use
//! and when the nurse leaves her page — unless training is on: then after
//! [`TRAINING_IDLE_LOCK`] without a use of the nurse page or a recording in
//! training, and training ends with the lock (told as a change). Pairing
//! devices is here too.

use jiff::{SignedDuration, Timestamp};

use super::{App, Change, Mode, Platform, TrainingSwitch};
use crate::{
    call::media::CallMedia,
    error::{CoreError, ErrorCode},
    plan::KnownRelative,
    store::devices::PairedDevice,
    store::readings::{EnteredBy, Recorder},
    vocabulary::HealthService,
};

/// What a form (a typed reading, a questionnaire) was opened as: with
/// the training note on it, or for real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormFor {
    Real,
    Training,
}

/// Who may record: who does now, and the relatives the plan names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Recorders {
    pub current: Recorder,
    pub relatives: Vec<KnownRelative>,
}

/// Demo mode's nurse code, shown on the nurse lock screen in demo mode.
pub const DEMO_NURSE_CODE: &str = "2468";
/// The nurse screens lock themselves after this long without use.
pub const NURSE_IDLE_LOCK: SignedDuration = SignedDuration::from_mins(5);
/// During training the nurse walks the patient through the other screens,
/// so a reading, answer or message in training counts as use too; after
/// this long without any, the screens lock and training ends (with a
/// notice), so practice never goes on unattended.
pub const TRAINING_IDLE_LOCK: SignedDuration = SignedDuration::from_mins(15);
/// The file in the data folder that keeps the tablet's nurse code hash
/// beside the keyring's copy: when the keyring is lost (the recovery
/// screen), the nurse can still open her page and end the follow-up in a
/// release build. An Argon2id hash, owner-only, removed by the end like
/// everything in the folder.
pub(super) const NURSE_CODE_FILE: &str = "nurse-code.json";

/// Keeps the tablet's nurse code hash in the data folder (see
/// [`NURSE_CODE_FILE`]), or that there is none; a failure is logged (the
/// keyring still has it).
pub(crate) fn keep_nurse_code_hash(data_dir: &std::path::Path, hash: Option<&str>) {
    let json = serde_json::json!({ "hash": hash }).to_string();
    let path = data_dir.join(NURSE_CODE_FILE);
    if let Err(e) = crate::atomic_file::write(&path, json.as_bytes(), crate::atomic_file::Access::OwnerOnly) {
        log::warn!("the nurse code hash is not kept in the data folder: {e}");
    }
}

/// The nurse code hash kept in the data folder, if any.
fn kept_nurse_code_hash(data_dir: &std::path::Path) -> Option<String> {
    let bytes = crate::atomic_file::read(&data_dir.join(NURSE_CODE_FILE))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    json["hash"].as_str().filter(|h| h.starts_with("$argon2id$")).map(str::to_string)
}

/// Wrong codes allowed before waits begin.
const FREE_GUESSES: u32 = 5;
/// The file in the data folder that keeps wrong guesses across restarts
/// (a count and a time; no secret).
const GUESSES_FILE: &str = "nurse-guesses.json";

/// Wrong guesses so far and when the next guess is allowed: the end of
/// the wait on the clock of the tablet's start named `boot`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Guesses {
    failures: u32,
    #[serde(default)]
    boot: Option<String>,
    #[serde(default)]
    wait_ends: Option<std::time::Duration>,
}

impl Guesses {
    /// The wait's end if it was kept on this start of the tablet's clock
    /// (one kept on an earlier start means nothing now).
    fn wait_ends_on(&self, clock: &crate::clock::SinceBoot) -> Option<std::time::Duration> {
        self.wait_ends.filter(|_| self.boot.as_deref() == Some(clock.boot.as_str()))
    }
}

/// The code that opens the nurse screens.
enum NurseCode {
    /// Demo mode's, or the installation's (tests and development).
    Plain(String),
    /// The tablet's own, as an Argon2id hash (PHC string).
    Hashed(String),
}

impl NurseCode {
    fn matches(&self, typed: &str) -> bool {
        use argon2::{password_hash::PasswordHash, Argon2, PasswordVerifier};
        let typed = typed.trim();
        match self {
            NurseCode::Plain(code) => typed == code,
            // Only a hash made with the app's own parameters: a planted one
            // asking for huge memory or time is refused, not computed.
            NurseCode::Hashed(phc) => {
                crate::enrolment::is_nurse_code_hash(phc)
                    && PasswordHash::new(phc)
                        .is_ok_and(|hash| Argon2::default().verify_password(typed.as_bytes(), &hash).is_ok())
            }
        }
    }
}

/// The tablet's nurse code as kept: an Argon2id hash (the crate's default
/// parameters, 19 MiB and 2 passes, as OWASP recommends) with a random
/// 16-byte salt.
pub(crate) fn hash_nurse_code(code: &str, salt: &[u8; 16]) -> Result<String, CoreError> {
    use argon2::{password_hash::SaltString, Argon2, PasswordHasher};
    let salt = SaltString::encode_b64(salt).map_err(|e| CoreError::new(ErrorCode::StoreFailed, e.to_string()))?;
    Argon2::default()
        .hash_password(code.trim().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| CoreError::new(ErrorCode::StoreFailed, e.to_string()))
}

/// The wait after `failures` wrong codes: none for the first 5, then 6
/// minutes doubling up to an hour (at most 10 guesses an hour).
fn wait_after(failures: u32) -> Option<SignedDuration> {
    let beyond = failures.checked_sub(FREE_GUESSES + 1)?;
    Some(SignedDuration::from_mins(6 << beyond.min(4)).min(SignedDuration::from_hours(1)))
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// The code that opens the nurse screens: in demo mode the configured
    /// one, the installation's, or [`DEMO_NURSE_CODE`]; otherwise the
    /// tablet's own from the enrolment, or (a service that issued none)
    /// the configured one or the installation's (`nurse_code_hash` in the
    /// system-wide file: a release build's way in without a service code).
    fn nurse_code(&self) -> Option<NurseCode> {
        let configured = self.config.nurse_code.clone().map(NurseCode::Plain);
        let installation = self.config.installation_nurse_code_hash.clone().map(NurseCode::Hashed);
        if self.mode() == Mode::Demo {
            return configured.or(installation).or_else(|| Some(NurseCode::Plain(DEMO_NURSE_CODE.into())));
        }
        // The stored enrolment decides when it can be read; the data
        // folder's copy only when it cannot (the store's key lost).
        let tablet = match self.enrolment() {
            Ok(Some(enrolment)) => enrolment.nurse_code_hash,
            Ok(None) | Err(_) => kept_nurse_code_hash(&self.config.data_dir),
        };
        tablet.map(NurseCode::Hashed).or(configured).or(installation)
    }

    /// The demo's nurse code when it is the one in force (shown on the lock
    /// screen so anyone can try the nurse screens).
    pub fn demo_nurse_code(&self) -> Option<&'static str> {
        let none_configured = self.config.nurse_code.is_none() && self.config.installation_nurse_code_hash.is_none();
        (none_configured && self.mode() == Mode::Demo).then_some(DEMO_NURSE_CODE)
    }

    /// Wrong guesses so far and when the next guess is allowed: what this
    /// run remembers, or the file's when it counts more (the first try
    /// after a start). Never fewer than either.
    fn guesses(&self) -> Guesses {
        let kept = crate::atomic_file::read(&self.config.data_dir.join(GUESSES_FILE))
            .and_then(|bytes| serde_json::from_slice::<Guesses>(&bytes).ok());
        let remembered = self.people.lock().unwrap().guesses.clone();
        match kept {
            Some(kept) if kept.failures > remembered.failures => kept,
            _ => remembered,
        }
    }

    fn remember_guesses(&self, guesses: Guesses) {
        let json = serde_json::to_vec(&guesses).unwrap_or_default();
        self.people.lock().unwrap().guesses = guesses;
        let path = self.config.data_dir.join(GUESSES_FILE);
        if let Err(e) = crate::atomic_file::write(&path, &json, crate::atomic_file::Access::OwnerOnly) {
            log::warn!("nurse code guesses not kept: {e}");
        }
    }

    /// How long the wait after wrong codes still runs on this start's
    /// clock (`None`: no wait runs), for the loop that forgets it when over.
    pub(crate) fn nurse_wait_left(&self) -> Option<std::time::Duration> {
        let clock = self.clock.since_boot();
        let guesses = self.guesses();
        let end = guesses.wait_ends_on(&clock)?;
        end.checked_sub(clock.elapsed).filter(|left| !left.is_zero())
    }

    /// Forgets a wait after wrong codes that has ended on this start's
    /// clock (the count of wrong codes stays), so a later restart of the
    /// tablet does not start an old wait over. Run by the nurse-lock loop.
    pub(crate) fn forget_an_ended_wait(&self) {
        let _one_at_a_time = self.nurse_tries.lock().unwrap_or_else(|e| e.into_inner());
        let clock = self.clock.since_boot();
        let guesses = self.guesses();
        if guesses.wait_ends_on(&clock).is_some_and(|end| clock.elapsed >= end) {
            self.remember_guesses(Guesses { wait_ends: None, ..guesses });
        }
    }

    /// Opens the nurse screens with the nurse code. While a wait after
    /// wrong guesses runs, every code (the right one too) is refused with
    /// `nurse-wait`, and does not count. One try at a time: each is
    /// counted as wrong before the code is checked, and forgiven when it
    /// was right.
    pub fn nurse_unlock(&self, code: &str) -> Result<bool, CoreError> {
        let Some(expected) = self.nurse_code() else {
            return Err(CoreError::new(ErrorCode::NurseNoCode, "no nurse code is configured"));
        };
        let _one_at_a_time = self.nurse_tries.lock().unwrap_or_else(|e| e.into_inner());
        let (now, clock) = (self.clock.now(), self.clock.since_boot());
        let guesses = self.guesses();
        let failures = guesses.failures;
        let after = |wait: SignedDuration| Some(clock.elapsed + std::time::Duration::try_from(wait).ok()?);
        // The wait's end on this start's clock; one kept on an earlier
        // start of the tablet means nothing now: the whole wait, from now.
        let wait_ends = match (guesses.wait_ends_on(&clock), guesses.wait_ends) {
            (Some(end), _) => Some(end),
            (None, Some(_)) => wait_after(failures).and_then(after),
            (None, None) => None,
        };
        if wait_ends.is_some_and(|end| clock.elapsed < end) {
            self.remember_guesses(Guesses { failures, boot: Some(clock.boot), wait_ends });
            return Err(CoreError::new(ErrorCode::NurseWait, "too many wrong codes; wait"));
        }
        let failures = failures + 1;
        let wait_ends = wait_after(failures).and_then(after);
        self.remember_guesses(Guesses { failures, boot: Some(clock.boot), wait_ends });
        if wait_ends.is_some() {
            // The nurse-lock loop wakes when it has run out, to forget it.
            self.nurse_lock_changed.notify_one();
        }
        if expected.matches(code) {
            self.remember_guesses(Guesses::default());
            let mut people = self.people.lock().unwrap();
            people.nurse_unlocked = true;
            people.nurse_active_at = Some(now);
            drop(people);
            self.tell(Change::NurseLock { unlocked: true });
            self.nurse_lock_changed.notify_one();
            return Ok(true);
        }
        self.people.lock().unwrap().nurse_unlocked = false;
        Err(CoreError::new(ErrorCode::NurseWrongCode, "wrong nurse code"))
    }

    /// The nurse left her page: it locks — unless training is on, which
    /// goes on (with its banner) while she walks the patient through the
    /// other screens, until she switches it off or the lock closes.
    pub fn nurse_page_left(&self) {
        // The camera is only open on her page.
        self.qr_scan_stop();
        let mut people = self.people.lock().unwrap();
        if !people.training && people.nurse_unlocked {
            people.nurse_unlocked = false;
            drop(people);
            self.tell(Change::NurseLock { unlocked: false });
        }
    }

    /// Closes the nurse screens (and ends training).
    pub fn nurse_lock(&self) {
        self.close_nurse_lock();
    }

    /// Locks the nurse screens and ends training, telling the screens.
    fn close_nurse_lock(&self) {
        let mut people = self.people.lock().unwrap();
        let (was_unlocked, was_training) = (people.nurse_unlocked, people.training);
        people.nurse_unlocked = false;
        people.training = false;
        drop(people);
        if was_unlocked {
            self.tell(Change::NurseLock { unlocked: false });
        }
        if was_training {
            log::info!("training ended: the nurse screens locked");
            self.tell(Change::Training { on: false, why: TrainingSwitch::NurseLocked });
        }
    }

    /// When the nurse screens lock by themselves if nothing happens: after
    /// [`NURSE_IDLE_LOCK`] without use, [`TRAINING_IDLE_LOCK`] in
    /// training; `None` while they are locked.
    pub(crate) fn nurse_lock_due(&self) -> Option<Timestamp> {
        let people = self.people.lock().unwrap();
        if !people.nurse_unlocked {
            return None;
        }
        let idle = if people.training { TRAINING_IDLE_LOCK } else { NURSE_IDLE_LOCK };
        Some(people.nurse_active_at.and_then(|at| at.checked_add(idle).ok()).unwrap_or(Timestamp::MIN))
    }

    /// Locks the nurse screens (ending training) if their time is up.
    pub(crate) fn lock_nurse_screens_if_idle(&self) {
        if self.nurse_lock_due().is_some_and(|due| self.clock.now() >= due) {
            self.close_nurse_lock();
        }
    }

    /// Are the nurse screens open? They lock themselves after
    /// [`NURSE_IDLE_LOCK`] without use ([`TRAINING_IDLE_LOCK`] in
    /// training), and training ends with them.
    pub fn nurse_unlocked(&self) -> bool {
        self.lock_nurse_screens_if_idle();
        self.people.lock().unwrap().nurse_unlocked
    }

    /// Fails with `nurse-locked` unless the nurse screens are open; a use
    /// keeps them open.
    pub fn require_nurse(&self) -> Result<(), CoreError> {
        if self.nurse_unlocked() {
            self.people.lock().unwrap().nurse_active_at = Some(self.clock.now());
            Ok(())
        } else {
            Err(CoreError::new(ErrorCode::NurseLocked, "the nurse code was not given"))
        }
    }

    /// Switches training mode on (nurse only) or off.
    pub fn set_training(&self, on: bool) -> Result<bool, CoreError> {
        if on {
            self.require_nurse()?;
        }
        let was = std::mem::replace(&mut self.people.lock().unwrap().training, on);
        if was != on {
            self.tell(Change::Training { on, why: TrainingSwitch::ByNurse });
            self.nurse_lock_changed.notify_one();
        }
        Ok(on)
    }

    pub fn training(&self) -> bool {
        self.people.lock().unwrap().training
    }

    /// Who takes the next readings and answers: the patient or a relative,
    /// one the plan's care team names (`relative`: its reference) or
    /// another (training is switched on in the nurse screen, not here).
    pub fn set_taken_by(&self, taken_by: EnteredBy, relative: Option<&str>) -> Result<(), CoreError> {
        if taken_by == EnteredBy::NurseTraining {
            return Err(CoreError::new(ErrorCode::NurseLocked, "training is switched on in the nurse screen"));
        }
        let plan = self.plan_in_force();
        if let Some(reference) = relative {
            let known = plan.as_ref().is_some_and(|p| p.relatives.iter().any(|r| r.reference == reference));
            if taken_by != EnteredBy::Relative || !known {
                return Err(CoreError::new(ErrorCode::RelativeUnknown, "not a relative the plan names"));
            }
        }
        let mut people = self.people.lock().unwrap();
        people.taken_by = Recorder { by: taken_by, relative: relative.map(str::to_string) };
        people.taken_by_plan = plan.map(|p| p.version);
        Ok(())
    }

    /// `recorder` as it may be named now: a relative by reference only
    /// while the plan in force names them and they were chosen from a plan
    /// of the service followed now (after a hand-over, an earlier
    /// service's id could be someone else's here); otherwise a relative
    /// the service does not know.
    fn still_named(&self, mut recorder: Recorder, chosen_from: Option<u32>) -> Recorder {
        let Some(reference) = recorder.relative.clone() else { return recorder };
        let chosen_here = self.with_store(|s| Ok(s.plan_of_this_service(chosen_from.map(i64::from))?)).unwrap_or(false);
        let named = self.plan_in_force().is_some_and(|p| p.relatives.iter().any(|k| k.reference == reference));
        if !(chosen_here && named) {
            recorder.relative = None;
        }
        recorder
    }

    /// Who the reading, answer or message being recorded now is entered
    /// by; in training, recording counts as use of the nurse screens.
    pub(crate) fn recording_by(&self) -> Recorder {
        let (recorder, chosen_from) = {
            let mut people = self.people.lock().unwrap();
            if people.training {
                people.nurse_active_at = Some(self.clock.now());
                return Recorder::new(EnteredBy::NurseTraining);
            }
            (people.taken_by.clone(), people.taken_by_plan)
        };
        self.still_named(recorder, chosen_from)
    }

    /// Who records a form that was opened `form` (its training note shown
    /// or not): refused with `training-changed` when training has been
    /// switched since, so practice values are never sent as real, nor a
    /// real reading kept as practice. Touches the nurse lock as
    /// [`App::recording_by`] does.
    pub(crate) fn recording_for(&self, form: FormFor) -> Result<Recorder, CoreError> {
        let mut people = self.people.lock().unwrap();
        match (people.training, form) {
            (true, FormFor::Training) => {
                people.nurse_active_at = Some(self.clock.now());
                Ok(Recorder::new(EnteredBy::NurseTraining))
            }
            (false, FormFor::Real) => {
                let (recorder, chosen_from) = (people.taken_by.clone(), people.taken_by_plan);
                drop(people);
                Ok(self.still_named(recorder, chosen_from))
            }
            (true, FormFor::Real) | (false, FormFor::Training) => {
                Err(CoreError::new(ErrorCode::TrainingChanged, "training was switched while the form was open"))
            }
        }
    }

    /// Who a reading or answer recorded now would be entered by.
    pub fn recorder(&self) -> Recorder {
        let (recorder, chosen_from) = {
            let people = self.people.lock().unwrap();
            if people.training {
                return Recorder::new(EnteredBy::NurseTraining);
            }
            (people.taken_by.clone(), people.taken_by_plan)
        };
        self.still_named(recorder, chosen_from)
    }

    /// Who may record ("Hvem måler?"): who records now, and the relatives
    /// the plan's care team names.
    pub fn recorders(&self) -> Recorders {
        let relatives = self.plan_in_force().map(|p| p.relatives).unwrap_or_default();
        Recorders { current: self.recorder(), relatives }
    }

    /// Pairs a device the nurse chose (nurse only).
    pub fn pair_device(&self, id: &str, service: HealthService, name: &str) -> Result<Vec<PairedDevice>, CoreError> {
        self.require_nurse()?;
        let now = self.clock.now();
        self.with_store(|s| {
            s.pair_device(id, service, name, now)?;
            Ok(s.paired_devices()?)
        })
    }

    pub fn paired_devices(&self) -> Result<Vec<PairedDevice>, CoreError> {
        self.with_store(|s| Ok(s.paired_devices()?))
    }
}

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;

    use crate::{
        app::testing::{TestApp, TestClock},
        store::readings::EnteredBy,
    };

    /// A relative the plan's care team names can be chosen by reference;
    /// one it does not name, or a reference with the patient, is refused.
    #[tokio::test]
    async fn only_the_plans_relatives_are_chosen_by_name() {
        let t = TestApp::demo();
        let app = &t.app;
        let daughter = "RelatedPerson/demo-daughter";
        let recorders = app.recorders();
        assert_eq!(recorders.relatives[0].reference, daughter);
        assert_eq!(recorders.current.by, EnteredBy::Patient);
        app.set_taken_by(EnteredBy::Relative, Some(daughter)).unwrap();
        assert_eq!(app.recorder().relative.as_deref(), Some(daughter));
        for (by, relative) in [(EnteredBy::Relative, "RelatedPerson/stranger"), (EnteredBy::Patient, daughter)] {
            assert_eq!(app.set_taken_by(by, Some(relative)).unwrap_err().code, "relative-unknown");
        }
        assert_eq!(app.recorder().relative.as_deref(), Some(daughter), "a refusal changes nothing");
        app.set_taken_by(EnteredBy::Relative, None).unwrap();
        assert_eq!(app.recorder().relative, None);
    }

    #[tokio::test]
    async fn the_nurse_code_opens_the_lock_and_training_marks_the_recorder() {
        let t = TestApp::demo();
        let app = &t.app;
        assert_eq!(app.demo_nurse_code(), Some("2468"));
        assert_eq!(app.set_training(true).unwrap_err().code, "nurse-locked");
        assert_eq!(app.nurse_unlock("1111").unwrap_err().code, "nurse-wrong-code");
        assert!(!app.nurse_unlocked());
        assert!(app.nurse_unlock(" 2468 ").unwrap());
        app.set_taken_by(EnteredBy::Relative, None).unwrap();
        assert_eq!(app.recorder().by, EnteredBy::Relative);
        app.set_training(true).unwrap();
        assert_eq!(app.recorder().by, EnteredBy::NurseTraining);
        assert_eq!(app.set_taken_by(EnteredBy::NurseTraining, None).unwrap_err().code, "nurse-locked");
        app.nurse_lock();
        assert!(!app.training());
        assert_eq!(app.recorder().by, EnteredBy::Relative);
        assert_eq!(
            app.pair_device("a", crate::vocabulary::HealthService::BloodPressure, "cuff").unwrap_err().code,
            "nurse-locked"
        );
    }

    /// A tablet enrolled with the service's nurse code for it (its
    /// Argon2id hash kept with the enrolment).
    fn enrolled_with_code(code: &str, clock: &TestClock) -> TestApp {
        let mut enrolment = TestApp::enrolment("https://fhir.invalid/r4");
        enrolment.nurse_code_hash = Some(super::hash_nurse_code(code, &[5; 16]).unwrap());
        TestApp::enrolled_with(enrolment).restart_with(|c| c.clock = std::sync::Arc::new(clock.clone()))
    }

    /// 200 wrong codes in a loop, one every 18 s of simulated time for an
    /// hour, at an enrolled tablet's own code: the first 5 are tried, then
    /// the waits let only a few more in, and the screens stay locked; the
    /// right code works after the wait.
    #[tokio::test]
    async fn wrong_codes_slow_down_and_the_right_one_works_after_the_wait() {
        let clock = TestClock::at("2026-11-30T08:00:00Z");
        let t = enrolled_with_code("583920", &clock);
        let app = &t.app;
        let mut tried = 0;
        for n in 0..200 {
            clock.set(clock.start() + SignedDuration::from_secs(n * 18));
            match app.nurse_unlock(&format!("{:06}", 100_000 + n)).unwrap_err().code.as_str() {
                "nurse-wrong-code" => tried += 1,
                "nurse-wait" => {}
                other => panic!("{other}"),
            }
            assert!(!app.nurse_unlocked());
        }
        // 200 × 18 s = an hour: 5 free, then waits of 6, 12, 24 minutes.
        assert_eq!(tried, 9, "codes tried in an hour");
        // The wait also refuses the right code, without counting it.
        assert_eq!(app.nurse_unlock("583920").unwrap_err().code, "nurse-wait");
        // It survives a restart (kept in the data folder).
        let t = t.restart();
        assert_eq!(t.app.nurse_unlock("583920").unwrap_err().code, "nurse-wait");
        clock.set(clock.start() + SignedDuration::from_hours(3));
        assert!(t.app.nurse_unlock("583920").unwrap());
        // The count starts again after the right code.
        assert_eq!(t.app.nurse_unlock("000000").unwrap_err().code, "nurse-wrong-code");
    }

    /// Someone sets the tablet's clock: forward does not end the wait,
    /// back does not lock the nurse out for longer than the wait — in a
    /// run, and after a restart of the app; after a restart of the tablet
    /// the wait starts over.
    #[tokio::test]
    async fn setting_the_clock_neither_skips_nor_stretches_the_wait() {
        let clock = TestClock::at("2026-11-30T08:00:00Z");
        let t = enrolled_with_code("583920", &clock);
        for n in 0..6 {
            assert_eq!(t.app.nurse_unlock(&format!("{:06}", n)).unwrap_err().code, "nurse-wrong-code");
        }
        assert_eq!(t.app.nurse_unlock("583920").unwrap_err().code, "nurse-wait");
        // Forward a day: the wait of 6 minutes still runs.
        clock.set_wall_clock(clock.start() + SignedDuration::from_hours(24));
        assert_eq!(t.app.nurse_unlock("583920").unwrap_err().code, "nurse-wait");
        // Back a year: after the 6 minutes have passed, the code works.
        clock.set_wall_clock(clock.start() - SignedDuration::from_hours(24 * 365));
        clock.set(clock.start() - SignedDuration::from_hours(24 * 365) + SignedDuration::from_mins(5));
        assert_eq!(t.app.nurse_unlock("583920").unwrap_err().code, "nurse-wait");
        clock.set(clock.start() - SignedDuration::from_hours(24 * 365) + SignedDuration::from_mins(7));
        assert!(t.app.nurse_unlock("583920").unwrap());

        // Six wrong again, then the clock set forward a day and the app
        // restarted: the wait still runs (it is kept on the tablet's boot
        // clock); set back two years and restarted: not a minute longer.
        for n in 0..6 {
            let _ = t.app.nurse_unlock(&format!("{:06}", n));
        }
        let wrong_at = crate::clock::Clock::now(&clock);
        clock.set_wall_clock(wrong_at + SignedDuration::from_hours(24));
        let t = t.restart();
        assert_eq!(t.app.nurse_unlock("583920").unwrap_err().code, "nurse-wait");
        clock.set_wall_clock(wrong_at - SignedDuration::from_hours(2 * 24 * 365));
        let t = t.restart();
        assert_eq!(t.app.nurse_unlock("583920").unwrap_err().code, "nurse-wait");
        clock.set(wrong_at - SignedDuration::from_hours(2 * 24 * 365) + SignedDuration::from_mins(7));
        assert!(t.app.nurse_unlock("583920").unwrap());

        // Six wrong, then the tablet itself restarts (with its clock set
        // forward a day): the wait starts over from the start.
        for n in 0..6 {
            let _ = t.app.nurse_unlock(&format!("{:06}", n));
        }
        let wrong_at = crate::clock::Clock::now(&clock);
        clock.set(wrong_at + SignedDuration::from_mins(1));
        clock.reboot();
        clock.set_wall_clock(wrong_at + SignedDuration::from_hours(24));
        let t = t.restart();
        assert_eq!(t.app.nurse_unlock("583920").unwrap_err().code, "nurse-wait");
        clock.set(wrong_at + SignedDuration::from_hours(24) + SignedDuration::from_mins(5));
        assert_eq!(t.app.nurse_unlock("583920").unwrap_err().code, "nurse-wait", "5 of the 6 minutes");
        clock.set(wrong_at + SignedDuration::from_hours(24) + SignedDuration::from_mins(7));
        assert!(t.app.nurse_unlock("583920").unwrap());

        // Six wrong, the wait runs out while the app runs (its loop
        // forgets it), and the tablet restarts the next night: the nurse is
        // not locked out again.
        for n in 0..6 {
            let _ = t.app.nurse_unlock(&format!("{:06}", n));
        }
        assert!(t.app.nurse_wait_left().is_some_and(|left| left <= std::time::Duration::from_secs(360)));
        let wrong_at = crate::clock::Clock::now(&clock);
        clock.set(wrong_at + SignedDuration::from_mins(7));
        assert_eq!(t.app.nurse_wait_left(), None);
        t.app.forget_an_ended_wait();
        clock.set(wrong_at + SignedDuration::from_hours(12));
        clock.reboot();
        let t = t.restart();
        assert!(t.app.nurse_unlock("583920").unwrap());
    }

    /// Eight wrong codes sent at once (as a script could) count one by
    /// one: the five free ones and the sixth are tried, the rest wait.
    #[tokio::test]
    async fn parallel_tries_count_one_by_one() {
        let clock = TestClock::at("2026-11-30T08:00:00Z");
        let t = enrolled_with_code("583920", &clock);
        let app = &t.app;
        let answers: Vec<String> = std::thread::scope(|s| {
            let tries: Vec<_> =
                (0..8).map(|n| s.spawn(move || app.nurse_unlock(&format!("{:06}", n)).unwrap_err().code)).collect();
            tries.into_iter().map(|t| t.join().unwrap().as_str().to_string()).collect()
        });
        let wrong = answers.iter().filter(|a| *a == "nurse-wrong-code").count();
        let waits = answers.iter().filter(|a| *a == "nurse-wait").count();
        assert_eq!((wrong, waits), (6, 2), "{answers:?}");
    }

    /// The tablet's own code opens it; the demo's and an installation's
    /// code do not; the code itself is nowhere in what is kept.
    #[tokio::test]
    async fn an_enrolled_tablet_opens_with_its_own_code_only() {
        let clock = TestClock::at("2026-11-30T08:00:00Z");
        let t = enrolled_with_code("583920", &clock);
        let t = t.restart_with(|c| c.nurse_code = Some("9753".into()));
        assert_eq!(t.app.demo_nurse_code(), None);
        assert_eq!(t.app.nurse_unlock("2468").unwrap_err().code, "nurse-wrong-code");
        assert_eq!(t.app.nurse_unlock("9753").unwrap_err().code, "nurse-wrong-code");
        assert!(t.app.nurse_unlock(" 583920 ").unwrap());
        let kept = serde_json::to_string(&t.kept_enrolment().unwrap()).unwrap();
        assert!(kept.contains("$argon2id$") && !kept.contains("583920"), "{kept}");
        assert!(t.platform().enrolment().is_none(), "moved out of the keyring");
    }

    #[tokio::test]
    async fn the_nurse_screens_lock_themselves_when_left_alone() {
        let clock = TestClock::at("2026-11-30T08:00:00Z");
        let t = TestApp::demo_with(|c| c.clock = std::sync::Arc::new(clock.clone()));
        t.app.nurse_unlock("2468").unwrap();
        clock.set(clock.start() + SignedDuration::from_mins(4));
        t.app.require_nurse().unwrap();
        clock.set(clock.start() + SignedDuration::from_mins(8));
        assert!(t.app.nurse_unlocked(), "a use four minutes ago keeps them open");
        clock.set(clock.start() + SignedDuration::from_mins(9));
        assert!(!t.app.nurse_unlocked(), "five minutes without use lock them");
        assert_eq!(
            t.app.pair_device("a", crate::vocabulary::HealthService::BloodPressure, "cuff").unwrap_err().code,
            "nurse-locked"
        );

        // Leaving the page locks it.
        t.app.nurse_unlock("2468").unwrap();
        t.app.nurse_page_left();
        assert!(!t.app.nurse_unlocked());

        // Training: the nurse shows the other screens; leaving the page
        // neither locks it nor ends training, and it is kept open longer.
        t.app.nurse_unlock("2468").unwrap();
        t.app.set_training(true).unwrap();
        t.app.nurse_page_left();
        clock.set(clock.start() + SignedDuration::from_mins(9 + 14));
        assert!(t.app.nurse_unlocked() && t.app.training());
        // Left alone for the training's idle time: it locks, and training ends.
        clock.set(clock.start() + SignedDuration::from_mins(9 + 16));
        assert!(!t.app.nurse_unlocked());
        assert!(!t.app.training(), "practice never goes on unattended");
    }

    #[test]
    fn waits_double_from_six_minutes_to_an_hour() {
        let waits: Vec<Option<i64>> = (1..=11).map(|n| super::wait_after(n).map(|w| w.as_mins())).collect();
        assert_eq!(waits, [None, None, None, None, None, Some(6), Some(12), Some(24), Some(48), Some(60), Some(60)]);
    }

    #[tokio::test]
    async fn a_configured_nurse_code_wins_and_an_enrolled_tablet_needs_one() {
        let t = TestApp::demo_with(|c| c.nurse_code = Some("9753".into()));
        assert_eq!(t.app.demo_nurse_code(), None);
        assert_eq!(t.app.nurse_unlock("2468").unwrap_err().code, "nurse-wrong-code");
        assert!(t.app.nurse_unlock("9753").unwrap());
        let t = TestApp::enrolled();
        assert_eq!(t.app.nurse_unlock("2468").unwrap_err().code, "nurse-no-code");
    }

    /// A release build (no code from the environment) on a service that
    /// issues no nurse code: the installation's (`nurse_code_hash` in the
    /// system-wide file) opens the demo's page instead of the public demo
    /// code, the enrolled tablet's, and its recovery screen's when the
    /// keyring is lost.
    #[tokio::test]
    async fn the_installations_code_opens_a_tablet_whose_service_issues_none() {
        // Made as the README says, with the argon2 command line tool.
        let installation = Some(
            "$argon2id$v=19$m=19456,t=2,p=1$UmRuWTFYM1dGYmRSSWdQN3VjbDVPZz09$95Cxmtap9FQUbVPoWoK6gw2mEm49BAdi9FcNklcFAL4"
                .to_string(),
        );
        let t = TestApp::demo_with(|c| c.installation_nurse_code_hash = installation.clone());
        assert_eq!(t.app.demo_nurse_code(), None, "the public demo code is not offered");
        assert_eq!(t.app.nurse_unlock("2468").unwrap_err().code, "nurse-wrong-code");
        assert!(t.app.nurse_unlock("864200").unwrap());
        let t = TestApp::enrolled().restart_with(|c| c.installation_nurse_code_hash = installation.clone());
        assert!(t.app.enrolment().unwrap().unwrap().nurse_code_hash.is_none(), "the service issued none");
        assert!(t.app.nurse_unlock("864200").unwrap());
        drop(t.app.take_store_for_tests());
        t.platform().forget_store_key();
        t.platform().forget_enrolment();
        let t = t.restart_with(|c| c.installation_nurse_code_hash = installation.clone());
        assert_eq!(t.app.mode(), crate::app::Mode::Recovery);
        assert!(t.app.nurse_unlock("864200").unwrap());
    }

    /// The nurse-lock loop, over a clock that moves with tokio's paused
    /// time: training left on ends when the lock closes, at that moment and
    /// told on the change stream; recording in training keeps it going.
    #[tokio::test(start_paused = true)]
    async fn training_left_on_ends_by_itself_when_the_lock_closes() {
        use crate::app::{testing::TokioClock, Change, TrainingSwitch};
        let clock = TokioClock::at("2026-11-30T08:00:00Z");
        let t = TestApp::demo_with(|c| c.clock = std::sync::Arc::new(clock.clone()));
        let mut changes = t.app.listen();
        let lock_loop = t.app.run_nurse_lock();
        tokio::pin!(lock_loop);
        let minutes = |n: u64| std::time::Duration::from_secs(60 * n);
        let story = async {
            t.app.nurse_unlock("2468").unwrap();
            t.app.set_training(true).unwrap();
            t.app.nurse_page_left();
            tokio::time::sleep(minutes(10)).await;
            t.app.send_message("Øvingsmelding").unwrap();
            tokio::time::sleep(minutes(14)).await;
            assert!(t.app.training(), "a message in training ten minutes in kept it going");
            tokio::time::sleep(minutes(2)).await;
            assert!(!t.app.training(), "ended by the loop, without anyone asking");
        };
        tokio::select! {
            _ = &mut lock_loop => unreachable!("the loop runs for as long as the app"),
            _ = story => {}
        }
        let told: Vec<Change> = std::iter::from_fn(|| changes.try_next())
            .filter(|c| matches!(c, Change::Training { .. } | Change::NurseLock { .. }))
            .collect();
        assert_eq!(
            told,
            [
                Change::NurseLock { unlocked: true },
                Change::Training { on: true, why: TrainingSwitch::ByNurse },
                Change::NurseLock { unlocked: false },
                Change::Training { on: false, why: TrainingSwitch::NurseLocked },
            ]
        );
    }

    /// A relative chosen from an earlier service's plan (still in force
    /// just after a hand-over) is not named by that id once the new
    /// service's plan comes, even when the new plan uses the same id (for
    /// someone else): the reading says only that a relative took it.
    #[tokio::test]
    async fn a_relative_chosen_from_an_earlier_services_plan_is_not_named() {
        let t = TestApp::demo();
        let daughter = "RelatedPerson/demo-daughter";
        t.app.set_taken_by(EnteredBy::Relative, Some(daughter)).unwrap();
        assert_eq!(t.app.recording_by().relative.as_deref(), Some(daughter));
        let now = t.app.clock().now();
        let mut plan: serde_json::Value = serde_json::from_str(crate::demo::CAREPLAN_JSON).unwrap();
        plan["id"] = "another-services-plan".into();
        let new_plan = |hand_over: bool| {
            t.app
                .with_store(|s| {
                    if hand_over {
                        let first = s.plan_version_in_force(jiff::Timestamp::MAX)?.unwrap_or(0) + 1;
                        s.set_setting(crate::store::outbox::FIRST_PLAN_SETTING, &first.to_string())?;
                    }
                    s.save_plan(plan["id"].as_str().unwrap(), &format!("{hand_over}"), now, &plan.to_string(), now)?;
                    Ok(())
                })
                .unwrap()
        };
        // A new version from the same service still names her.
        new_plan(false);
        assert_eq!(t.app.recording_by().relative.as_deref(), Some(daughter));
        // After a hand-over: the same id in the new plan is not her.
        new_plan(true);
        let recorder = t.app.recording_by();
        assert_eq!((recorder.by, recorder.relative), (EnteredBy::Relative, None));
        assert_eq!(t.app.recorder().relative, None);
    }

    /// The nurse-lock loop forgets a wait after wrong codes within seconds
    /// of its end (the count stays), so a restart of the tablet after it
    /// never locks the nurse out again.
    #[tokio::test(start_paused = true)]
    async fn the_loop_forgets_a_wait_soon_after_it_ends() {
        use crate::app::testing::TokioClock;
        let clock = TokioClock::at("2026-11-30T08:00:00Z");
        let t = TestApp::demo_with(|c| c.clock = std::sync::Arc::new(clock.clone()));
        let kept = || std::fs::read_to_string(t.data_dir().join("nurse-guesses.json")).unwrap();
        let lock_loop = t.app.run_nurse_lock();
        tokio::pin!(lock_loop);
        let story = async {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            for n in 0..6 {
                let _ = t.app.nurse_unlock(&format!("{:04}", n));
            }
            assert!(kept().contains("\"wait_ends\":{"), "{}", kept());
            tokio::time::sleep(std::time::Duration::from_secs(6 * 60 + 5)).await;
            assert!(kept().contains("\"wait_ends\":null") && kept().contains("\"failures\":6"), "{}", kept());
        };
        tokio::select! {
            _ = &mut lock_loop => unreachable!("the loop runs for as long as the app"),
            _ = story => {}
        }
    }
}
