//! What the app's window means for the follow-up: what closing it does,
//! and whether the app starts at login. While a follow-up is active the
//! app must go on without its window (reminders fall due, the service
//! pushes, a nurse calls), so closing only hides it; a kiosk tablet's
//! window never closes. The shell does what this says: it hides, keeps or
//! closes the window, and brings it back when Heima is started again or a
//! call rings ([`Change::brings_window_forward`](super::Change)).

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

    /// Whether the app is to start when the user logs in (the system-wide
    /// file's `autostart`; on by default in kiosk).
    pub fn starts_at_login(&self) -> bool {
        self.config.starts_at_login
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
}
