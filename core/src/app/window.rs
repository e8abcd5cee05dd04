//! What the app's window means for the follow-up: what closing it does,
//! and whether the app starts at login. While a follow-up is active the
//! app must go on without its window (reminders fall due, the service
//! pushes, a nurse calls), so closing only hides it; a kiosk tablet's
//! window never closes. Hiding hangs up a call and locks the nurse's
//! pages. The shell does what this says: it hides, keeps or closes the
//! window, and brings it back when Heima is started again, a call rings, a
//! reading must be seen now or the app must restart
//! ([`Change::brings_window_forward`](super::Change)).

use serde::Serialize;

use super::{App, Mode, Platform};
use crate::call::media::CallMedia;

/// What closing the window does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WindowClose {
    /// Nothing is waiting for the patient: the app ends.
    Quit,
    /// A follow-up is active: the window hides and the app goes on;
    /// starting Heima again (or a ringing call) brings it back.
    Hide,
    /// A kiosk tablet: the window stays as it is.
    Stay,
}

/// Whether the app starts when the user logs in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StartAtLogin {
    /// The installation wants it (the entry is written at every start).
    Yes,
    /// The installation forbids it (an entry is removed).
    No,
    /// The installation does not say: whatever the user set stays.
    #[default]
    UsersChoice,
}

/// How the installation is locked down (the system-wide file's `kiosk`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lockdown {
    /// A desktop app like any other.
    Desktop,
    /// Full screen, no window controls, never closed.
    Kiosk,
}

/// What closing the window does in `mode` on an installation locked down
/// as `lockdown`. Only an enrolled follow-up has work of its own to go on
/// with: the demo, a revoked or unreadable tablet and an ended follow-up
/// have nothing to remind, receive or answer.
pub fn on_close(lockdown: Lockdown, mode: Mode) -> WindowClose {
    match (lockdown, mode) {
        (Lockdown::Kiosk, _) => WindowClose::Stay,
        (Lockdown::Desktop, Mode::Enrolled) => WindowClose::Hide,
        (Lockdown::Desktop, Mode::Demo | Mode::Revoked | Mode::Recovery | Mode::Ended) => WindowClose::Quit,
    }
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// What closing the window does now.
    pub fn window_close(&self) -> WindowClose {
        let lockdown = if self.config.kiosk { Lockdown::Kiosk } else { Lockdown::Desktop };
        on_close(lockdown, self.mode())
    }

    /// The window was hidden (closed while a follow-up runs): what must
    /// not go on unseen stops. A call ringing or running is hung up
    /// (closing the window is how many end a call, and the camera and
    /// microphone must not stay on behind it), and the nurse's pages lock,
    /// which ends training (the next person to open Heima is not let in).
    pub async fn window_hidden(&self) {
        if self.calls.view().phase.is_on() {
            self.call_hang_up().await;
        }
        // No camera goes on unseen: the photo's closes (a photo not sent
        // is forgotten), and the nurse's scan with her page's lock.
        self.photo_discard();
        self.qr_scan_stop();
        self.nurse_lock();
    }

    /// Whether the app is to start when the user logs in: as the
    /// system-wide file's `autostart` says, on in kiosk unless it says
    /// not; without either, the user's own choice is left as it is.
    pub fn start_at_login(&self) -> StartAtLogin {
        self.config.start_at_login
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every mode on both kinds of installation.
    #[test]
    fn only_an_active_follow_up_outlives_its_window_and_a_kiosk_never_closes() {
        let cases = [
            (Lockdown::Desktop, Mode::Enrolled, WindowClose::Hide),
            (Lockdown::Desktop, Mode::Demo, WindowClose::Quit),
            (Lockdown::Desktop, Mode::Revoked, WindowClose::Quit),
            (Lockdown::Desktop, Mode::Recovery, WindowClose::Quit),
            (Lockdown::Desktop, Mode::Ended, WindowClose::Quit),
            (Lockdown::Kiosk, Mode::Enrolled, WindowClose::Stay),
            (Lockdown::Kiosk, Mode::Demo, WindowClose::Stay),
            (Lockdown::Kiosk, Mode::Revoked, WindowClose::Stay),
            (Lockdown::Kiosk, Mode::Recovery, WindowClose::Stay),
            (Lockdown::Kiosk, Mode::Ended, WindowClose::Stay),
        ];
        for (lockdown, mode, expected) in cases {
            assert_eq!(on_close(lockdown, mode), expected, "{lockdown:?} {mode:?}");
        }
    }

    /// Hiding the window ends what must not go on behind it: a ringing
    /// call is declined, a call running is hung up, and the nurse's pages
    /// lock, which ends training.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hidden_window_hangs_up_and_locks_the_nurses_pages() {
        use crate::app::{call_line::CallPhase, testing::TestApp, DEMO_NURSE_CODE};
        let demo = TestApp::demo();
        demo.app.call_demo_ring().await.unwrap();
        assert_eq!(demo.app.call_screen().line.phase, CallPhase::Incoming);
        assert!(demo.app.nurse_unlock(DEMO_NURSE_CODE).unwrap());
        assert!(demo.app.set_training(true).unwrap());
        demo.app.window_hidden().await;
        assert!(!demo.app.call_screen().line.phase.is_on(), "{:?}", demo.app.call_screen().line.phase);
        assert!(!demo.app.nurse_unlocked() && !demo.app.training());

        demo.app.call_start().unwrap();
        assert!(demo.app.call_screen().line.phase.is_on());
        demo.app.window_hidden().await;
        assert!(!demo.app.call_screen().line.phase.is_on(), "the call is hung up");
    }
}
