//! The tablet's camera outside a call: a live view the screen shows while
//! the core reads what it sees (the QR code of an enrolment, [`qr_texts`]).
//! The seam is [`CameraView`] (opened by the media's
//! [`crate::call::media::CallMedia::camera`]: GStreamer in `heima-media`,
//! a fake in `app/testing.rs`); the plain data crossing it is
//! [`CameraFrame`]. [`CameraSource::Image`] feeds a still picture through
//! the same camera pipeline, for tests and for a tablet without a camera.

use std::{path::PathBuf, sync::Arc};

/// Where the camera's pictures come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraSource {
    /// The tablet's own camera.
    Device,
    /// A picture file (PNG or JPEG) shown as if the camera saw it.
    Image(PathBuf),
}

/// What the camera is opened for: its picture size and JPEG quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraUse {
    /// Reading a QR code: 640×480, the screen's view at quality 70.
    ReadCode,
    /// A photo for the service: 1280×960 at quality 90 (the still is
    /// scaled and written again by [`crate::photo::prepare`]).
    Photo,
}

impl CameraUse {
    /// Width and height of its pictures.
    pub fn size(self) -> (usize, usize) {
        match self {
            CameraUse::ReadCode => (640, 480),
            CameraUse::Photo => (1280, 960),
        }
    }

    pub fn jpeg_quality(self) -> u8 {
        match self {
            CameraUse::ReadCode => 70,
            CameraUse::Photo => 90,
        }
    }
}

/// One picture of the live view: a JPEG for the screen, and its grey
/// levels (one byte a pixel, row by row) for reading.
#[derive(Debug, Clone)]
pub struct CameraFrame {
    /// Counts up with each new picture.
    pub number: u64,
    pub jpeg: Arc<Vec<u8>>,
    pub grey: Arc<Grey>,
}

/// A picture's grey levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grey {
    pub width: usize,
    pub height: usize,
    /// `width × height` bytes, row by row.
    pub pixels: Vec<u8>,
}

/// An open camera: its latest picture. Dropping it closes the camera
/// (its light goes off).
pub trait CameraView: Send + Sync + 'static {
    fn frame(&self) -> Option<CameraFrame>;
}

/// The next picture newer than `seen` (which it moves on), looking every
/// `every`: `look` gives the open camera's latest picture, or `None` once
/// the camera is closed (then this is `None` too).
pub async fn next_picture(
    mut look: impl FnMut() -> Option<Option<CameraFrame>>,
    seen: &mut u64,
    every: std::time::Duration,
) -> Option<CameraFrame> {
    loop {
        if let Some(frame) = look()?.filter(|f| f.number > *seen) {
            *seen = frame.number;
            return Some(frame);
        }
        tokio::time::sleep(every).await;
    }
}

thread_local! {
    /// Set while this thread reads a picture for QR codes.
    static READING_CODES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether a panic now is one [`qr_texts`] catches (rqrr 0.10 asserts on
/// some degenerate pictures, WanzenBug/rqrr#54): the shell's crash hook
/// then only logs it, and the app goes on.
pub fn panic_is_contained() -> bool {
    READING_CODES.with(|r| r.get())
}

/// The texts of the QR codes in a picture (none when there is none, or
/// it cannot be read: a blurred or partly hidden code, or a picture that
/// makes the decoder panic).
pub fn qr_texts(grey: &Grey) -> Vec<String> {
    if grey.width == 0 || grey.height == 0 || grey.pixels.len() != grey.width * grey.height {
        return vec![];
    }
    READING_CODES.with(|r| r.set(true));
    let read = std::panic::catch_unwind(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(grey.width, grey.height, |x, y| {
            grey.pixels[y * grey.width + x]
        });
        prepared.detect_grids().into_iter().filter_map(|grid| grid.decode().ok().map(|(_, text)| text)).collect()
    });
    READING_CODES.with(|r| r.set(false));
    read.unwrap_or_default()
}

/// `text` as a QR code: `scale` pixels a module, a quiet zone of four
/// modules, dark on light.
#[cfg(test)]
pub(crate) fn qr_picture(text: &str, scale: usize) -> Grey {
    let (side, pixels) = heima_test_support::photos::qr_code(text, scale, 20, 235);
    Grey { width: side, height: side, pixels }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_code_is_read_and_a_blank_or_broken_picture_gives_nothing() {
        let link = "heima-enrol:?endpoint=https%3A%2F%2Fdho.example.no%2Factivate&code=ABCD-EFGH-JKLM";
        assert_eq!(qr_texts(&qr_picture(link, 4)), [link]);
        let blank = Grey { width: 64, height: 64, pixels: vec![200; 64 * 64] };
        assert!(qr_texts(&blank).is_empty());
        let short = Grey { width: 64, height: 64, pixels: vec![200; 10] };
        assert!(qr_texts(&short).is_empty(), "a picture shorter than it says is not read");
        // Half the code hidden: nothing, never a guess.
        let mut hidden = qr_picture(link, 4);
        let half = hidden.pixels.len() / 2;
        hidden.pixels[half..].fill(235);
        assert!(qr_texts(&hidden).is_empty());
    }
}
