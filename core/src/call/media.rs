//! The seam between a call and the machine's media: what the call line needs
//! from a camera, a microphone, a speaker and a screen, as the
//! [`CallMedia`], [`PlaybackMedia`] and [`CaptureMedia`] traits, which the
//! `heima-media` crate implements with GStreamer and `app/testing.rs` with
//! fakes. The plain data that crosses the seam ([`Frame`]: pictures;
//! [`Source`], [`Speaker`], [`Devices`]: which devices exist) lives here so
//! the core can hold it without GStreamer.

use std::sync::Arc;

use serde::Serialize;

use super::{CallError, IncomingMedia, OutgoingMedia};

/// One picture for the screen.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Counts up with each new picture, so the screen fetches only new ones.
    pub number: u64,
    pub jpeg: Arc<Vec<u8>>,
}

/// What one side of a call sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The tablet's camera and microphone.
    Devices,
    /// A moving test picture and a soft tick: the demo nurse, and tests.
    TestPattern,
}

/// Where the other side's voice goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The tablet's speaker.
    Default,
    /// Decoded and measured but not played: the demo nurse, tests, benchmarks.
    Silent,
}

/// Which capture devices a capture actually has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Devices {
    pub camera: bool,
    pub microphone: bool,
}

impl Devices {
    /// No camera and no microphone (a tablet without either still calls).
    pub const NONE: Devices = Devices { camera: false, microphone: false };
}

/// The other side's audio and video: RTP in, pictures and sound out.
pub trait PlaybackMedia: IncomingMedia {
    /// The latest picture, if one came.
    fn frame(&self) -> Option<Frame>;
}

/// One side's camera and microphone going out as RTP.
pub trait CaptureMedia: Send + Sync + 'static {
    /// What actually goes out (a missing camera sends no picture).
    fn devices(&self) -> Devices;
    /// A small picture of what is sent, for the self view.
    fn preview(&self) -> Option<Frame>;
    fn set_muted(&self, muted: bool);
    fn set_camera_on(&self, on: bool);
}

/// Starts media for a call. Errors carry `media-…` codes.
pub trait CallMedia: Send + Sync + 'static {
    type Playback: PlaybackMedia;
    type Capture: CaptureMedia;
    /// Rings while it lives.
    type Ringer: Send + 'static;
    fn playback(&self, speaker: Speaker) -> Result<Arc<Self::Playback>, CallError>;
    fn capture(&self, source: Source, out: OutgoingMedia) -> Result<Self::Capture, CallError>;
    /// The ringing tone (an error when there is no speaker to ring on).
    fn ringer(&self) -> Result<Self::Ringer, CallError>;
    /// The camera outside a call, as a live view (`camera-missing` when
    /// the tablet has none).
    type Camera: crate::camera::CameraView;
    fn camera(
        &self,
        source: &crate::camera::CameraSource,
        for_use: crate::camera::CameraUse,
    ) -> Result<Self::Camera, CallError>;
}
