//! Photos for the plan's photo activities ("Bilde av leggene"): the
//! camera's live view to aim with (the screen draws a frame to help), a
//! still taken from it ([`App::photo_take`]), or a picture file the
//! patient chose ([`App::photo_from_file`]); each made ready by
//! [`crate::photo::prepare`] (upright, scaled, no metadata) and shown
//! before it is kept ("Send bildet" or "Ta et nytt"). One photo waits at a
//! time, in memory only; [`App::photo_keep`] keeps and queues it
//! ([`recording::keep_photo`]: the plan must still ask for it). The camera
//! closes with the still, when the screen is left or the window hidden,
//! and after [`CAMERA_FOR`].

use serde::Serialize;

use super::{App, Change, Platform};
use crate::{
    call::media::{CallMedia, Frame},
    camera::{next_picture, CameraUse, CameraView},
    error::{CoreError, ErrorCode},
    photo::{self, Photo},
    recording,
    store::photos::{PhotoSource, StoredPhoto},
};

/// The photo camera closes by itself after this long.
pub const CAMERA_FOR: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// The photo shown before it is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoPreview {
    /// Names this photo when it is kept (another one since is refused).
    pub ticket: String,
    pub activity: String,
    pub width: u32,
    pub height: u32,
    /// The JPEG's size in bytes, as it will be sent.
    pub bytes: usize,
}

/// The photo screen's camera and the photo waiting to be kept.
pub(crate) struct PhotoDesk<C> {
    camera: Option<C>,
    /// When the camera opened (it closes by itself after [`CAMERA_FOR`]).
    opened: Option<jiff::Timestamp>,
    activity: Option<String>,
    waiting: Option<(PhotoPreview, Photo, PhotoSource)>,
}

impl<C> Default for PhotoDesk<C> {
    fn default() -> Self {
        PhotoDesk { camera: None, opened: None, activity: None, waiting: None }
    }
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// Whether the plan in force asks for a photo at `activity`.
    fn check_photo_asked(&self, activity: &str) -> Result<(), CoreError> {
        let asked = self.with_plan(|_, plan| Ok(plan.is_some_and(|p| p.photo_title(activity).is_some())))?;
        match asked {
            true => Ok(()),
            false => Err(CoreError::new(ErrorCode::PhotoNotAsked, "the plan in force asks no photo there")),
        }
    }

    /// Opens the camera to take a photo for `activity` (`camera-missing`
    /// without one: the patient can still choose a file).
    pub fn photo_camera_start(&self, activity: &str) -> Result<(), CoreError> {
        self.check_photo_asked(activity)?;
        let camera = self
            .media
            .camera(&self.config.camera_source, CameraUse::Photo)
            .map_err(|e| CoreError::new(e.code, e.detail))?;
        let mut desk = self.photo_desk.lock().unwrap();
        desk.camera = Some(camera);
        desk.opened = Some(self.clock().now());
        desk.activity = Some(activity.to_string());
        Ok(())
    }

    /// Closes the camera (the screen is left, or the patient chose a file).
    pub fn photo_camera_stop(&self) {
        self.photo_desk.lock().unwrap().camera = None;
    }

    /// The live view's pictures newer than `seen` while the camera is
    /// open; `None` once it is closed.
    pub async fn next_photo_picture(&self, seen: &mut u64) -> Option<Frame> {
        let look = || {
            let mut desk = self.photo_desk.lock().unwrap();
            let open_for = desk.opened.map(|at| self.clock().now().duration_since(at).unsigned_abs());
            if open_for.is_some_and(|d| d >= CAMERA_FOR) {
                desk.camera = None;
            }
            desk.camera.as_ref().map(|c| c.frame())
        };
        let frame = next_picture(look, seen, super::qr_scan::SCAN_LOOK_EVERY).await?;
        Some(Frame { number: frame.number, jpeg: frame.jpeg })
    }

    /// Takes the still the camera shows now, closes the camera, and shows
    /// it before it is kept.
    pub fn photo_take(&self) -> Result<PhotoPreview, CoreError> {
        let (frame, activity) = {
            let mut desk = self.photo_desk.lock().unwrap();
            let frame = desk.camera.as_ref().and_then(|c| c.frame());
            let Some(frame) = frame else {
                return Err(CoreError::new(ErrorCode::MediaFailed, "the camera has shown no picture yet"));
            };
            desk.camera = None;
            (frame, desk.activity.clone().unwrap_or_default())
        };
        self.photo_waits(&activity, photo::prepare(&frame.jpeg)?, PhotoSource::Camera)
    }

    /// A picture file the patient chose for `activity`, made ready and
    /// shown before it is kept.
    pub fn photo_from_file(&self, activity: &str, bytes: &[u8]) -> Result<PhotoPreview, CoreError> {
        self.check_photo_asked(activity)?;
        self.photo_camera_stop();
        self.photo_waits(activity, photo::prepare(bytes)?, PhotoSource::File)
    }

    fn photo_waits(&self, activity: &str, photo: Photo, source: PhotoSource) -> Result<PhotoPreview, CoreError> {
        let ticket = super::hex(&self.random_bytes::<16>()?);
        let preview = PhotoPreview {
            ticket,
            activity: activity.to_string(),
            width: photo.width,
            height: photo.height,
            bytes: photo.jpeg.len(),
        };
        self.photo_desk.lock().unwrap().waiting = Some((preview.clone(), photo, source));
        Ok(preview)
    }

    /// The waiting photo's JPEG, to show it.
    pub fn photo_waiting_jpeg(&self) -> Option<Vec<u8>> {
        self.photo_desk.lock().unwrap().waiting.as_ref().map(|(_, photo, _)| photo.jpeg.clone())
    }

    /// Keeps the waiting photo named by `ticket` and queues it for the
    /// service (training's stays on the tablet).
    pub fn photo_keep(&self, ticket: &str) -> Result<StoredPhoto, CoreError> {
        let waiting = {
            let mut desk = self.photo_desk.lock().unwrap();
            match &desk.waiting {
                Some((preview, _, _)) if preview.ticket == ticket => desk.waiting.take(),
                _ => None,
            }
        };
        let Some((preview, photo, source)) = waiting else {
            return Err(CoreError::new(ErrorCode::PhotoNotAsked, "no such photo waits"));
        };
        let by = self.recording_by();
        let identifier = self.new_identifier("photo")?;
        let kept = self.with_store_mut(|store| {
            recording::keep_photo(store, self.clock(), &preview.activity, &photo, source, &by, &identifier)
        })?;
        self.tell(Change::PhotoKept { id: kept.id });
        self.sync_soon();
        Ok(kept)
    }

    /// Forgets the waiting photo ("Ta et nytt", or the screen left).
    pub fn photo_discard(&self) {
        let mut desk = self.photo_desk.lock().unwrap();
        desk.waiting = None;
        desk.camera = None;
    }

    /// The photos of the last `days` days (1 to 366), oldest first.
    pub fn photos(&self, days: u16) -> Result<Vec<StoredPhoto>, CoreError> {
        let now = self.clock().now();
        let from = now - jiff::SignedDuration::from_hours(24 * i64::from(days.clamp(1, 366)));
        self.with_store(|store| Ok(store.photos(from, now)?))
    }

    /// A kept photo's JPEG (the history screen).
    pub fn photo_jpeg(&self, id: i64) -> Result<Vec<u8>, CoreError> {
        self.with_store(|store| {
            store.photo_jpeg(id)?.ok_or_else(|| CoreError::new(ErrorCode::StoreFailed, "no such photo"))
        })
    }
}
