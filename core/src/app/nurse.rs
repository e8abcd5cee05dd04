//! Who records, and the nurse's lock: the nurse code opens the nurse
//! screens (enrolment, pairing, training); training marks everything
//! recorded as the nurse's practice, never sent or counted.

use super::{App, Mode, Platform};
use crate::{
    call::media::CallMedia,
    error::{CoreError, ErrorCode},
    store::devices::PairedDevice,
    store::readings::EnteredBy,
};

/// Demo mode's nurse code, shown on the nurse lock screen in demo mode.
pub const DEMO_NURSE_CODE: &str = "2468";

impl<P: Platform, M: CallMedia> App<P, M> {
    /// The nurse code that opens the nurse screens: the configured one, or
    /// in demo mode [`DEMO_NURSE_CODE`].
    fn nurse_code(&self) -> Option<&str> {
        match (&self.config.nurse_code, self.mode()) {
            (Some(code), _) => Some(code),
            (None, Mode::Demo) => Some(DEMO_NURSE_CODE),
            (None, _) => None,
        }
    }

    /// The demo's nurse code when it is the one in force (shown on the lock
    /// screen so anyone can try the nurse screens).
    pub fn demo_nurse_code(&self) -> Option<&'static str> {
        (self.config.nurse_code.is_none() && self.mode() == Mode::Demo).then_some(DEMO_NURSE_CODE)
    }

    /// Opens the nurse screens with the nurse code.
    pub fn nurse_unlock(&self, code: &str) -> Result<bool, CoreError> {
        let Some(expected) = self.nurse_code() else {
            return Err(CoreError::new(ErrorCode::NurseNoCode, "no nurse code is configured"));
        };
        let ok = code.trim() == expected;
        self.people.lock().unwrap().nurse_unlocked = ok;
        if ok {
            Ok(true)
        } else {
            Err(CoreError::new(ErrorCode::NurseWrongCode, "wrong nurse code"))
        }
    }

    /// Closes the nurse screens (and ends training).
    pub fn nurse_lock(&self) {
        let mut people = self.people.lock().unwrap();
        people.nurse_unlocked = false;
        people.training = false;
    }

    pub fn nurse_unlocked(&self) -> bool {
        self.people.lock().unwrap().nurse_unlocked
    }

    /// Fails with `nurse-locked` unless the nurse code was given.
    pub fn require_nurse(&self) -> Result<(), CoreError> {
        if self.nurse_unlocked() {
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
        self.people.lock().unwrap().training = on;
        Ok(on)
    }

    pub fn training(&self) -> bool {
        self.people.lock().unwrap().training
    }

    /// Who takes the next readings and answers: the patient or a relative
    /// (training is switched on in the nurse screen, not here).
    pub fn set_taken_by(&self, taken_by: EnteredBy) -> Result<(), CoreError> {
        if taken_by == EnteredBy::NurseTraining {
            return Err(CoreError::new(ErrorCode::NurseLocked, "training is switched on in the nurse screen"));
        }
        self.people.lock().unwrap().taken_by = taken_by;
        Ok(())
    }

    /// Who a reading or answer recorded now is entered by.
    pub fn recorder(&self) -> EnteredBy {
        let people = self.people.lock().unwrap();
        if people.training {
            EnteredBy::NurseTraining
        } else {
            people.taken_by
        }
    }

    /// Pairs a device the nurse chose (nurse only).
    pub fn pair_device(&self, id: &str, service: &str, name: &str) -> Result<Vec<PairedDevice>, CoreError> {
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
    use crate::{app::testing::TestApp, store::readings::EnteredBy};

    #[tokio::test]
    async fn the_nurse_code_opens_the_lock_and_training_marks_the_recorder() {
        let t = TestApp::demo();
        let app = &t.app;
        assert_eq!(app.demo_nurse_code(), Some("2468"));
        assert_eq!(app.set_training(true).unwrap_err().code, "nurse-locked");
        assert_eq!(app.nurse_unlock("1111").unwrap_err().code, "nurse-wrong-code");
        assert!(!app.nurse_unlocked());
        assert!(app.nurse_unlock(" 2468 ").unwrap());
        app.set_taken_by(EnteredBy::Relative).unwrap();
        assert_eq!(app.recorder(), EnteredBy::Relative);
        app.set_training(true).unwrap();
        assert_eq!(app.recorder(), EnteredBy::NurseTraining);
        assert_eq!(app.set_taken_by(EnteredBy::NurseTraining).unwrap_err().code, "nurse-locked");
        app.nurse_lock();
        assert!(!app.training());
        assert_eq!(app.recorder(), EnteredBy::Relative);
        assert_eq!(app.pair_device("a", "1810", "cuff").unwrap_err().code, "nurse-locked");
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
}
