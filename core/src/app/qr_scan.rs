//! Enrolment by the tablet's own camera: on the nurse's page, "Skann
//! QR-koden" opens the camera ([`App::qr_scan_start`], nurse only) and the
//! scan loop ([`App::run_qr_scan`]) reads the QR codes in each new picture
//! ([`crate::camera::qr_texts`]). The first `heima-enrol:` link that
//! reads as an activation code closes the camera and is told to the page
//! ([`ScanView::Read`]), which sends it through the same enrolment as a
//! typed code (`enrol_with_code`: a trusted service only, then the
//! nurse's confirmation). A QR code of anything else is not used, and
//! the page says so. The camera closes when the nurse stops, leaves or the
//! nurse screens lock, and after [`SCAN_GIVES_UP`]. The live view goes to
//! the window as JPEG pictures ([`App::next_scan_picture`]).

use std::{sync::PoisonError, time::Duration};

use jiff::Timestamp;
use serde::Serialize;

use super::{App, Change, Platform};
use crate::{
    call::media::{CallMedia, Frame},
    camera::{next_picture, qr_texts, CameraView},
    enrolment::{parse_activation, QR_SCHEME},
    error::CoreError,
};

/// How often the scan loop looks at the camera's latest picture.
pub const SCAN_LOOK_EVERY: Duration = Duration::from_millis(200);
/// How long the camera stays open without finding a Heima code.
pub const SCAN_GIVES_UP: Duration = Duration::from_secs(120);

/// What the scan part of the nurse's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", rename_all = "kebab-case")]
pub enum ScanView {
    /// The camera is closed.
    Off,
    /// The camera is open and the app looks for a code; `other_code`: a QR
    /// code was seen that is not a Heima enrolment code.
    Looking { other_code: bool },
    /// A Heima enrolment link was read; the camera is closed.
    Read { link: String },
    /// Nothing was found in time; the camera is closed.
    GaveUp,
}

/// The scan's state: the open camera and what it found.
pub(crate) struct QrScan<C> {
    camera: Option<C>,
    view: ScanView,
    started: Option<Timestamp>,
    /// The newest picture read.
    seen: u64,
}

impl<C> Default for QrScan<C> {
    fn default() -> Self {
        QrScan { camera: None, view: ScanView::Off, started: None, seen: 0 }
    }
}

/// Whether `text` is a Heima enrolment link the enrolment can take.
fn is_enrolment_link(text: &str) -> bool {
    text.starts_with(QR_SCHEME) && parse_activation(text).is_ok()
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// Opens the camera and starts looking for the enrolment QR code
    /// (nurse only). `camera-missing` when the tablet has no camera.
    pub fn qr_scan_start(&self) -> Result<ScanView, CoreError> {
        self.require_nurse()?;
        let camera = self
            .media
            .camera(&self.config.camera_source, crate::camera::CameraUse::ReadCode)
            .map_err(|e| CoreError::new(e.code, e.detail))?;
        let view = ScanView::Looking { other_code: false };
        *self.qr_scan.lock().unwrap() =
            QrScan { camera: Some(camera), view: view.clone(), started: Some(self.clock.now()), seen: 0 };
        self.qr_scan_wake.notify_one();
        self.tell(Change::Scan { view: view.clone() });
        Ok(view)
    }

    /// Closes the camera (the nurse stops, or leaves the page).
    pub fn qr_scan_stop(&self) {
        let mut scan = self.qr_scan.lock().unwrap_or_else(PoisonError::into_inner);
        let was_on = scan.camera.take().is_some();
        if was_on {
            scan.view = ScanView::Off;
            drop(scan);
            self.tell(Change::Scan { view: ScanView::Off });
        }
    }

    /// What the scan part of the nurse's page shows now.
    pub fn qr_scan_view(&self) -> ScanView {
        self.qr_scan.lock().unwrap().view.clone()
    }

    /// One look at the camera: reads the codes of a new picture, ends the
    /// scan with a Heima link, when the nurse screens locked, or after
    /// [`SCAN_GIVES_UP`]. Returns whether the camera is still open.
    pub(crate) fn qr_scan_look(&self) -> bool {
        let locked = !self.nurse_unlocked();
        let now = self.clock.now();
        // The picture is read without the lock held: the page can stop
        // the scan meanwhile.
        let (frame, timed_out) = {
            let mut scan = self.qr_scan.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(camera) = scan.camera.as_ref() else { return false };
            let timed_out = scan.started.is_some_and(|s| now.duration_since(s).unsigned_abs() >= SCAN_GIVES_UP);
            let frame = camera.frame().filter(|f| f.number > scan.seen);
            if let Some(f) = &frame {
                scan.seen = f.number;
            }
            (frame, timed_out)
        };
        let texts = match (&frame, locked) {
            (Some(frame), false) => qr_texts(&frame.grey),
            _ => vec![],
        };
        let mut scan = self.qr_scan.lock().unwrap_or_else(PoisonError::into_inner);
        if scan.camera.is_none() {
            return false;
        }
        let mut told = None;
        if locked {
            told = Some(ScanView::Off);
        } else if let Some(link) = texts.iter().find(|t| is_enrolment_link(t)) {
            told = Some(ScanView::Read { link: link.clone() });
        } else if !texts.is_empty() && scan.view == (ScanView::Looking { other_code: false }) {
            scan.view = ScanView::Looking { other_code: true };
            self.tell(Change::Scan { view: scan.view.clone() });
        }
        if told.is_none() && timed_out {
            told = Some(ScanView::GaveUp);
        }
        match told {
            Some(view) => {
                scan.camera = None;
                scan.view = view.clone();
                drop(scan);
                self.tell(Change::Scan { view });
                false
            }
            None => true,
        }
    }

    /// Looks at the camera every [`SCAN_LOOK_EVERY`] while a scan is on;
    /// waits for one otherwise. The shell runs it for as long as the app.
    pub async fn run_qr_scan(&self) {
        loop {
            if self.qr_scan_look() {
                tokio::time::sleep(SCAN_LOOK_EVERY).await;
            } else {
                self.qr_scan_wake.notified().await;
            }
        }
    }

    /// The live view's pictures newer than `seen`, while the camera is
    /// open; `None` once it is closed.
    pub async fn next_scan_picture(&self, seen: &mut u64) -> Option<Frame> {
        let look = || self.qr_scan.lock().unwrap_or_else(PoisonError::into_inner).camera.as_ref().map(|c| c.frame());
        let frame = next_picture(look, seen, SCAN_LOOK_EVERY).await?;
        Some(Frame { number: frame.number, jpeg: frame.jpeg })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{app::testing::TestApp, camera::Grey};

    /// The scan needs the nurse and a camera; a code of something else is
    /// said and not used; a Heima link closes the camera and is told, and
    /// an untrusted one is then refused as a typed one is; a lock closes
    /// the camera, and so does the time running out.
    #[tokio::test(flavor = "multi_thread")]
    async fn the_camera_reads_the_enrolment_code_and_closes() {
        let t = TestApp::demo();
        assert_eq!(t.app.qr_scan_start().unwrap_err().code, "nurse-locked");
        t.app.nurse_unlock(crate::app::DEMO_NURSE_CODE).unwrap();
        assert_eq!(t.app.qr_scan_start().unwrap_err().code, "camera-missing", "no camera yet");
        let media = t.app.media.clone();
        *media.camera_sees.lock().unwrap() = Some(Grey { width: 8, height: 8, pixels: vec![200; 64] });
        let mut changes = t.app.listen();
        assert_eq!(t.app.qr_scan_start().unwrap(), ScanView::Looking { other_code: false });
        assert_eq!(media.cameras_open.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(t.app.qr_scan_look(), "nothing seen: still looking");
        *media.camera_sees.lock().unwrap() = Some(crate::camera::qr_picture("https://example.no/not-heima", 4));
        assert!(t.app.qr_scan_look());
        assert_eq!(t.app.qr_scan_view(), ScanView::Looking { other_code: true });
        let link = "heima-enrol:?endpoint=https%3A%2F%2Fdho.example.no%2Factivate&code=".to_string()
            + &crate::enrolment::new_code(&[7; crate::enrolment::CODE_DATA_LEN]);
        *media.camera_sees.lock().unwrap() = Some(crate::camera::qr_picture(&link, 4));
        assert!(!t.app.qr_scan_look(), "read: the camera closes");
        assert_eq!(t.app.qr_scan_view(), ScanView::Read { link: link.clone() });
        assert_eq!(media.cameras_open.load(std::sync::atomic::Ordering::SeqCst), 0, "the camera is off");
        let mut told = vec![];
        while let Some(change) = changes.try_next() {
            if let Change::Scan { view } = change {
                told.push(view);
            }
        }
        assert_eq!(told.last(), Some(&ScanView::Read { link: link.clone() }));
        // What was read goes through the typed code's checks: this
        // installation does not trust dho.example.no.
        assert_eq!(t.app.enrol_with_code(&link).await.unwrap_err().code, "enrol-untrusted");

        // The nurse leaves the page: the screens lock and the camera closes.
        t.app.qr_scan_start().unwrap();
        t.app.nurse_lock();
        assert!(!t.app.qr_scan_look());
        assert_eq!(t.app.qr_scan_view(), ScanView::Off);
        assert_eq!(media.cameras_open.load(std::sync::atomic::Ordering::SeqCst), 0);

        // Nothing found in two minutes: the camera closes.
        t.app.nurse_unlock(crate::app::DEMO_NURSE_CODE).unwrap();
        *media.camera_sees.lock().unwrap() = Some(Grey { width: 8, height: 8, pixels: vec![200; 64] });
        t.app.qr_scan_start().unwrap();
        t.app.qr_scan.lock().unwrap().started = Some(t.app.clock.now() - jiff::SignedDuration::from_secs(121));
        assert!(!t.app.qr_scan_look());
        assert_eq!(t.app.qr_scan_view(), ScanView::GaveUp);
        assert_eq!(media.cameras_open.load(std::sync::atomic::Ordering::SeqCst), 0);
    }
}
