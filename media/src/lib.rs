//! The media of a call, on GStreamer (gstreamer-rs 0.24 over Debian's
//! GStreamer 1.22): the patient's camera and microphone encoded to RTP (VP8,
//! Opus) for [`heima_core::call::OutgoingMedia`], and the nurse's RTP
//! decoded into pictures for the screen and sound for the speaker
//! ([`Playback`], an [`heima_core::call::IncomingMedia`]).
//!
//! - [`Capture`]: the camera ([`CAMERA_SOURCE`]: V4L2 on Linux, the
//!   platform's source elsewhere, `docs/platforms.md`) and the microphone
//!   (autoaudiosrc), or a test pattern, → 640×480 at 15 fps in VP8 and Opus
//!   → RTP payloaders → the core, plus a small JPEG self view; mute
//!   (`volume`) and camera off (an `input-selector` switches to black and
//!   the camera source is stopped, so the camera is really off). A missing
//!   camera or microphone is reported, not an error.
//! - [`Playback`]: the core's RTP → jitter buffers → VP8 and Opus decoders →
//!   JPEG pictures for the screen and the speaker (autoaudiosink), with
//!   counters for tests.
//! - [`Ringer`]: the ringing tone of an incoming call.
//! - [`Camera`]: the camera outside a call (or a picture file through the
//!   same pipeline): a live view and its grey levels, for reading a QR
//!   code at enrolment.
//! - [`Gstreamer`] implements the core's `CallMedia` with these.
//!
//! GStreamer because Debian ships it with every piece needed — V4L2 and
//! PulseAudio capture, libvpx's VP8 and libopus encoders and decoders, RTP
//! payloaders with a jitter buffer, JPEG for the webview — and it is the
//! maintained, widely used way to do this on Linux. This crate is the only
//! one that knows GStreamer; the core only moves RTP packets.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, Mutex,
};

use gstreamer as gst;
use gstreamer::prelude::*;
use gstreamer_app as gst_app;
pub use heima_core::call::media::{Devices, Frame, Source, Speaker};
use heima_core::call::{
    media::{CallMedia, CaptureMedia, PlaybackMedia},
    CallError, IncomingMedia, MediaKind, OutgoingMedia,
};
pub use heima_core::camera::{CameraFrame, CameraSource, CameraUse, CameraView, Grey};
use heima_core::error::ErrorCode;
use serde::Serialize;

/// Why media could not start. `code` is for the UI's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct MediaError {
    /// `media-missing-plugin`, `media-no-devices`, `media-failed`.
    pub code: ErrorCode,
    pub detail: String,
}

fn media_failed(e: impl std::fmt::Display) -> MediaError {
    MediaError { code: ErrorCode::MediaFailed, detail: e.to_string() }
}

/// The picture size sent and shown.
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 480;
/// Frames per second sent: enough for a face, kind to a tablet's CPU.
pub const FRAME_RATE: i32 = 15;

const VIDEO_PT: u8 = 96;
const AUDIO_PT: u8 = 111;

/// Starts GStreamer once and checks the elements calls need are installed.
pub fn init() -> Result<(), MediaError> {
    gst::init().map_err(media_failed)?;
    let needed = [
        "videotestsrc",
        "audiotestsrc",
        "videoconvert",
        "videoscale",
        "videorate",
        "input-selector",
        "vp8enc",
        "vp8dec",
        "rtpvp8pay",
        "rtpvp8depay",
        "opusenc",
        "opusdec",
        "rtpopuspay",
        "rtpopusdepay",
        "rtpjitterbuffer",
        "jpegenc",
        "appsrc",
        "appsink",
        "volume",
        "tee",
        "imagefreeze",
        "decodebin",
        "audioconvert",
        "audioresample",
    ];
    let missing: Vec<&str> = needed.iter().copied().filter(|name| gst::ElementFactory::find(name).is_none()).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(MediaError {
            code: ErrorCode::MediaMissingPlugin,
            detail: format!("GStreamer elements missing: {}", missing.join(", ")),
        })
    }
}

/// Looks for a camera and a microphone (GStreamer's device monitor: V4L2,
/// PipeWire or PulseAudio, whatever the machine has).
pub fn find_devices() -> Devices {
    let has = |class: &str| {
        let monitor = gst::DeviceMonitor::new();
        monitor.add_filter(Some(class), None);
        if monitor.start().is_err() {
            return false;
        }
        let found = !monitor.devices().is_empty();
        monitor.stop();
        found
    };
    Devices { camera: has("Video/Source"), microphone: has("Audio/Source") }
}

fn rtp_sink(pipeline: &gst::Pipeline, name: &str, kind: MediaKind, out: OutgoingMedia) -> Result<(), MediaError> {
    let sink = pipeline
        .by_name(name)
        .and_then(|e| e.downcast::<gst_app::AppSink>().ok())
        .ok_or_else(|| media_failed(format!("no {name}")))?;
    sink.set_callbacks(
        gst_app::AppSinkCallbacks::builder()
            .new_sample(move |sink| {
                let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                if let Some(map) = sample.buffer().and_then(|b| b.map_readable().ok()) {
                    out.send(kind, map.as_slice());
                }
                Ok(gst::FlowSuccess::Ok)
            })
            .build(),
    );
    Ok(())
}

/// The latest JPEG picture from an appsink, and how many came.
#[derive(Default)]
struct Pictures {
    latest: Mutex<Option<Arc<Vec<u8>>>>,
    count: AtomicU64,
}

impl Pictures {
    fn attach(self: &Arc<Self>, pipeline: &gst::Pipeline, name: &str) -> Result<(), MediaError> {
        let sink = pipeline
            .by_name(name)
            .and_then(|e| e.downcast::<gst_app::AppSink>().ok())
            .ok_or_else(|| media_failed(format!("no {name}")))?;
        let pictures = self.clone();
        sink.set_callbacks(
            gst_app::AppSinkCallbacks::builder()
                .new_sample(move |sink| {
                    let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                    if let Some(map) = sample.buffer().and_then(|b| b.map_readable().ok()) {
                        if let Ok(mut latest) = pictures.latest.lock() {
                            *latest = Some(Arc::new(map.as_slice().to_vec()));
                        }
                        pictures.count.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(gst::FlowSuccess::Ok)
                })
                .build(),
        );
        Ok(())
    }

    fn frame(&self) -> Option<Frame> {
        let jpeg = self.latest.lock().ok()?.clone()?;
        Some(Frame { number: self.count.load(Ordering::Relaxed), jpeg })
    }
}

fn launch(description: &str) -> Result<gst::Pipeline, MediaError> {
    gst::parse::launch(description)
        .map_err(media_failed)?
        .downcast::<gst::Pipeline>()
        .map_err(|_| media_failed("not a pipeline"))
}

fn play(pipeline: &gst::Pipeline) -> Result<(), MediaError> {
    pipeline.set_state(gst::State::Playing).map_err(|e| {
        let _ = pipeline.set_state(gst::State::Null);
        media_failed(e)
    })?;
    Ok(())
}

/// The camera's GStreamer source on this platform (`docs/platforms.md`):
/// V4L2 on Linux, AVFoundation on macOS and iOS, Media Foundation on
/// Windows, the Android camera on Android; elsewhere GStreamer's own pick.
pub const CAMERA_SOURCE: &str = if cfg!(target_os = "linux") {
    "v4l2src"
} else if cfg!(any(target_os = "macos", target_os = "ios")) {
    "avfvideosrc"
} else if cfg!(target_os = "windows") {
    "mfvideosrc"
} else if cfg!(target_os = "android") {
    "ahcsrc"
} else {
    "autovideosrc"
};

/// The patient's camera and microphone going out, with a small picture of
/// what is sent for the screen's self view.
pub struct Capture {
    pipeline: gst::Pipeline,
    preview: Arc<Pictures>,
    /// What actually goes out (a missing camera sends no picture).
    pub devices: Devices,
}

impl Capture {
    /// Starts capturing and encoding into `out`. With [`Source::Devices`] a
    /// missing camera or microphone is left out (see `devices`), not an
    /// error: a call without a picture is still a call.
    pub fn start(source: Source, out: OutgoingMedia) -> Result<Capture, MediaError> {
        init()?;
        let devices = match source {
            Source::TestPattern => Devices { camera: true, microphone: true },
            Source::Devices => find_devices(),
        };
        let video_in = match source {
            Source::TestPattern => "videotestsrc is-live=true pattern=ball motion=sweep background-color=0xff1f4e79 foreground-color=0xffffd34d",
            Source::Devices => CAMERA_SOURCE,
        };
        let audio_in = match source {
            Source::TestPattern => "audiotestsrc is-live=true wave=ticks freq=660 volume=0.3",
            Source::Devices => "autoaudiosrc",
        };
        let mut parts = Vec::new();
        if devices.camera {
            // The camera and a black picture both feed a selector: camera
            // off switches to black and stops the camera itself, so it is
            // really off (its light too), while the nurse sees black.
            let raw = format!(
                "video/x-raw,format=I420,width={WIDTH},height={HEIGHT},framerate={FRAME_RATE}/1,pixel-aspect-ratio=1/1"
            );
            parts.push(format!(
                "input-selector name=selector sync-streams=false ! tee name=camera \
                 camera. ! queue max-size-buffers=2 leaky=downstream ! vp8enc deadline=1 cpu-used=16 end-usage=cbr target-bitrate=700000 keyframe-max-dist=30 lag-in-frames=0 threads=1 \
                 ! rtpvp8pay pt={VIDEO_PT} mtu=1200 picture-id-mode=15-bit ! appsink name=video sync=false \
                 camera. ! queue max-size-buffers=1 leaky=downstream ! videorate ! videoscale ! video/x-raw,width=160,height=120,framerate=5/1 ! jpegenc quality=60 ! appsink name=preview sync=false max-buffers=1 drop=true \
                 {video_in} name=camera_src ! videoconvert ! videoscale ! videorate ! {raw} ! selector.sink_0 \
                 videotestsrc is-live=true pattern=black ! {raw} ! selector.sink_1"
            ));
        }
        if devices.microphone {
            parts.push(format!(
                "{audio_in} ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1 ! volume name=mute \
                 ! opusenc bitrate=32000 frame-size=20 ! rtpopuspay pt={AUDIO_PT} mtu=1200 ! appsink name=audio sync=false"
            ));
        }
        if parts.is_empty() {
            return Err(MediaError {
                code: ErrorCode::MediaNoDevices,
                detail: "neither a camera nor a microphone".into(),
            });
        }
        let pipeline = launch(&parts.join(" "))?;
        let preview = Arc::new(Pictures::default());
        if devices.camera {
            rtp_sink(&pipeline, "video", MediaKind::Video, out.clone())?;
            preview.attach(&pipeline, "preview")?;
        }
        if devices.microphone {
            rtp_sink(&pipeline, "audio", MediaKind::Audio, out)?;
        }
        play(&pipeline)?;
        Ok(Capture { pipeline, preview, devices })
    }

    /// Mutes or unmutes the microphone (silence is still sent, so the call
    /// stays alive and the nurse's side shows the patient as muted-quiet).
    pub fn set_muted(&self, muted: bool) {
        if let Some(volume) = self.pipeline.by_name("mute") {
            volume.set_property("mute", muted);
        }
    }

    /// Turns the camera off (it stops; black frames go out) or on again.
    pub fn set_camera_on(&self, on: bool) {
        let (Some(selector), Some(camera)) = (self.pipeline.by_name("selector"), self.pipeline.by_name("camera_src"))
        else {
            return;
        };
        if on {
            camera.set_locked_state(false);
            let _ = camera.sync_state_with_parent();
        }
        if let Some(pad) = selector.static_pad(if on { "sink_0" } else { "sink_1" }) {
            selector.set_property("active-pad", &pad);
        }
        if !on {
            camera.set_locked_state(true);
            let _ = camera.set_state(gst::State::Null);
        }
    }

    /// Is the camera stopped (released by the app)?
    pub fn camera_stopped(&self) -> bool {
        self.pipeline.by_name("camera_src").is_none_or(|c| c.current_state() == gst::State::Null)
    }

    /// The latest small picture of what is sent.
    pub fn preview(&self) -> Option<Frame> {
        self.preview.frame()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// The camera's pictures a second outside a call (enough to read a QR
/// code held still, or to aim for a photo; kind to the CPU).
const VIEW_RATE: i32 = 5;

/// The camera on its own, outside a call: a live view as JPEG pictures
/// for the screen and their grey levels for reading (a QR code), at 5 a
/// second, as large as its use says ([`CameraUse`]). [`CameraSource::Image`] feeds a picture file through
/// the same pipeline (decoded, frozen into a live stream). Dropping it
/// stops the camera.
pub struct Camera {
    pipeline: gst::Pipeline,
    jpeg: Arc<Pictures>,
    grey: Arc<Pictures>,
    size: (usize, usize),
}

impl Camera {
    pub fn start(source: &CameraSource, for_use: CameraUse) -> Result<Camera, MediaError> {
        let (width, height) = for_use.size();
        let quality = for_use.jpeg_quality();
        init()?;
        let input = match source {
            CameraSource::Device => {
                if !find_devices().camera {
                    return Err(MediaError { code: ErrorCode::CameraMissing, detail: "no camera".into() });
                }
                CAMERA_SOURCE.to_string()
            }
            // The location is set below, as a property: any path, quoted or not.
            CameraSource::Image(_) => "filesrc name=file ! decodebin ! imagefreeze is-live=true".to_string(),
        };
        let pipeline = launch(&format!(
            "{input} ! videoconvert ! videoscale add-borders=true ! videorate \
             ! video/x-raw,width={width},height={height},pixel-aspect-ratio=1/1,framerate={VIEW_RATE}/1 \
             ! tee name=view \
             view. ! queue max-size-buffers=1 leaky=downstream ! videoconvert ! video/x-raw,format=GRAY8 \
             ! appsink name=grey sync=false max-buffers=1 drop=true \
             view. ! queue max-size-buffers=1 leaky=downstream ! jpegenc quality={quality} ! appsink name=jpeg sync=false max-buffers=1 drop=true"
        ))?;
        if let CameraSource::Image(path) = source {
            let file = pipeline.by_name("file").ok_or_else(|| media_failed("no file source"))?;
            file.set_property("location", path.to_string_lossy().as_ref());
        }
        let (jpeg, grey) = (Arc::new(Pictures::default()), Arc::new(Pictures::default()));
        jpeg.attach(&pipeline, "jpeg")?;
        grey.attach(&pipeline, "grey")?;
        play(&pipeline)?;
        Ok(Camera { pipeline, jpeg, grey, size: (width, height) })
    }

    /// The latest picture, once both its forms have come.
    pub fn frame(&self) -> Option<CameraFrame> {
        let jpeg = self.jpeg.frame()?;
        let grey = self.grey.frame()?;
        let pixels = grey.jpeg.as_ref().clone();
        let (width, height) = self.size;
        (pixels.len() == width * height).then(|| CameraFrame {
            number: grey.number,
            jpeg: jpeg.jpeg,
            grey: Arc::new(Grey { width, height, pixels }),
        })
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

impl CameraView for Camera {
    fn frame(&self) -> Option<CameraFrame> {
        Camera::frame(self)
    }
}

/// A ringing tone on the speaker while someone calls: one second on, two
/// off, until dropped.
pub struct Ringer {
    pipeline: gst::Pipeline,
}

impl Ringer {
    pub fn start() -> Result<Ringer, MediaError> {
        init()?;
        let pipeline = launch(
            "audiotestsrc is-live=true wave=sine freq=480 volume=0.4 ! audioconvert ! volume name=gate ! autoaudiosink",
        )?;
        play(&pipeline)?;
        let gate = pipeline.by_name("gate").ok_or_else(|| media_failed("no gate"))?;
        let weak = pipeline.downgrade();
        std::thread::spawn(move || {
            let mut on = true;
            while weak
                .upgrade()
                .is_some_and(|p| p.current_state() == gst::State::Playing || p.pending_state() == gst::State::Playing)
            {
                gate.set_property("mute", !on);
                std::thread::sleep(std::time::Duration::from_millis(if on { 1000 } else { 2000 }));
                on = !on;
            }
        });
        Ok(Ringer { pipeline })
    }
}

impl Drop for Ringer {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

/// What arrived from the other side, decoded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PlaybackStats {
    /// Pictures decoded.
    pub video_frames: u64,
    /// Audio samples decoded (48 kHz mono).
    pub audio_samples: u64,
    /// The loudest sample so far (0 to 32767): sound, not just silence.
    pub audio_peak: u16,
}

/// The nurse's audio and video: RTP in, pictures and sound out.
pub struct Playback {
    pipeline: gst::Pipeline,
    video_src: gst_app::AppSrc,
    audio_src: gst_app::AppSrc,
    pictures: Arc<Pictures>,
    audio_samples: Arc<AtomicU64>,
    audio_peak: Arc<AtomicU64>,
    recent_peak: Arc<AtomicU64>,
}

impl Playback {
    pub fn start(speaker: Speaker) -> Result<Arc<Playback>, MediaError> {
        init()?;
        let speaker_sink = match speaker {
            Speaker::Default => "autoaudiosink",
            Speaker::Silent => "fakesink sync=false",
        };
        let description = format!(
            "appsrc name=video_in is-live=true format=time do-timestamp=true caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload={VIDEO_PT} \
             ! rtpjitterbuffer latency=150 ! rtpvp8depay ! vp8dec ! videoconvert ! videoscale add-borders=true ! video/x-raw,width={WIDTH},height={HEIGHT},pixel-aspect-ratio=1/1 \
             ! jpegenc quality=75 ! appsink name=pictures sync=false max-buffers=1 drop=true \
             appsrc name=audio_in is-live=true format=time do-timestamp=true caps=application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload={AUDIO_PT} \
             ! rtpjitterbuffer latency=100 ! rtpopusdepay ! opusdec plc=true ! audioconvert ! audioresample ! audio/x-raw,format=S16LE,rate=48000,channels=1 ! tee name=sound \
             sound. ! queue ! {speaker_sink} \
             sound. ! queue ! appsink name=loudness sync=false"
        );
        let pipeline = launch(&description)?;
        let app_src = |name: &str| {
            pipeline
                .by_name(name)
                .and_then(|e| e.downcast::<gst_app::AppSrc>().ok())
                .ok_or_else(|| media_failed(format!("no {name}")))
        };
        let (video_src, audio_src) = (app_src("video_in")?, app_src("audio_in")?);
        let pictures = Arc::new(Pictures::default());
        pictures.attach(&pipeline, "pictures")?;
        let (audio_samples, audio_peak, recent_peak) =
            (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let loudness = pipeline
            .by_name("loudness")
            .and_then(|e| e.downcast::<gst_app::AppSink>().ok())
            .ok_or_else(|| media_failed("no loudness"))?;
        let (samples, peak, recent) = (audio_samples.clone(), audio_peak.clone(), recent_peak.clone());
        loudness.set_callbacks(
            gst_app::AppSinkCallbacks::builder()
                .new_sample(move |sink| {
                    let sample = sink.pull_sample().map_err(|_| gst::FlowError::Eos)?;
                    if let Some(map) = sample.buffer().and_then(|b| b.map_readable().ok()) {
                        let pcm = map.as_slice();
                        samples.fetch_add((pcm.len() / 2) as u64, Ordering::Relaxed);
                        let loudest = pcm
                            .chunks_exact(2)
                            .map(|s| i16::from_le_bytes([s[0], s[1]]).unsigned_abs())
                            .max()
                            .unwrap_or(0);
                        peak.fetch_max(u64::from(loudest), Ordering::Relaxed);
                        recent.fetch_max(u64::from(loudest), Ordering::Relaxed);
                    }
                    Ok(gst::FlowSuccess::Ok)
                })
                .build(),
        );
        play(&pipeline)?;
        Ok(Arc::new(Playback { pipeline, video_src, audio_src, pictures, audio_samples, audio_peak, recent_peak }))
    }

    /// The nurse's latest picture.
    pub fn frame(&self) -> Option<Frame> {
        self.pictures.frame()
    }

    /// The loudest sample since the last call of this (0 to 32767).
    pub fn take_recent_peak(&self) -> u16 {
        self.recent_peak.swap(0, Ordering::Relaxed).min(u64::from(u16::MAX)) as u16
    }

    pub fn stats(&self) -> PlaybackStats {
        PlaybackStats {
            video_frames: self.pictures.count.load(Ordering::Relaxed),
            audio_samples: self.audio_samples.load(Ordering::Relaxed),
            audio_peak: self.audio_peak.load(Ordering::Relaxed).min(u64::from(u16::MAX)) as u16,
        }
    }
}

impl IncomingMedia for Playback {
    fn rtp(&self, kind: MediaKind, packet: &[u8]) {
        if packet.len() < 12 {
            return;
        }
        // The decoder's caps name one payload type; the call may have
        // negotiated another number for the same codec.
        let (src, pt) = match kind {
            MediaKind::Video => (&self.video_src, VIDEO_PT),
            MediaKind::Audio => (&self.audio_src, AUDIO_PT),
        };
        let mut bytes = packet.to_vec();
        bytes[1] = (bytes[1] & 0x80) | pt;
        let _ = src.push_buffer(gst::Buffer::from_mut_slice(bytes));
    }
}

impl Drop for Playback {
    fn drop(&mut self) {
        let _ = self.pipeline.set_state(gst::State::Null);
    }
}

impl From<MediaError> for CallError {
    fn from(e: MediaError) -> CallError {
        CallError::new(e.code, e.detail)
    }
}

impl PlaybackMedia for Playback {
    fn frame(&self) -> Option<Frame> {
        Playback::frame(self)
    }
}

impl CaptureMedia for Capture {
    fn devices(&self) -> Devices {
        self.devices
    }
    fn preview(&self) -> Option<Frame> {
        Capture::preview(self)
    }
    fn set_muted(&self, muted: bool) {
        Capture::set_muted(self, muted)
    }
    fn set_camera_on(&self, on: bool) {
        Capture::set_camera_on(self, on)
    }
}

/// The machine's media through GStreamer, for the core's call line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Gstreamer;

impl CallMedia for Gstreamer {
    type Playback = Playback;
    type Capture = Capture;
    type Ringer = Ringer;
    type Camera = Camera;

    fn playback(&self, speaker: Speaker) -> Result<Arc<Playback>, CallError> {
        Ok(Playback::start(speaker)?)
    }
    fn capture(&self, source: Source, out: OutgoingMedia) -> Result<Capture, CallError> {
        Ok(Capture::start(source, out)?)
    }
    fn ringer(&self) -> Result<Ringer, CallError> {
        Ok(Ringer::start()?)
    }
    fn camera(&self, source: &CameraSource, for_use: CameraUse) -> Result<Camera, CallError> {
        Ok(Camera::start(source, for_use)?)
    }
}
