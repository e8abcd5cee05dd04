//! Two peers of the core call each other on loopback with real media: each
//! side sends a GStreamer test pattern and tick (VP8 + Opus) and decodes
//! the other's. Checks pictures and sound arrive both ways, that mute and
//! camera-off change what goes out, and that hang-up stops the flow.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use heima_core::call::{CallOptions, CallPeer, CallState};
use heima_media::{Capture, Playback, Source, Speaker};

async fn wait(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn mean_brightness(jpeg: &[u8]) -> f64 {
    let mut decoder = jpeg_decoder::Decoder::new(jpeg);
    let pixels = decoder.decode().expect("a JPEG");
    pixels.iter().map(|p| f64::from(*p)).sum::<f64>() / pixels.len() as f64
}

#[tokio::test(flavor = "multi_thread")]
async fn pictures_and_sound_go_both_ways_and_stop_at_hang_up() {
    let nurse_play = Playback::start(Speaker::Silent).unwrap();
    let patient_play = Playback::start(Speaker::Silent).unwrap();
    let (pending, offer) = CallPeer::offer(&CallOptions::loopback(), nurse_play.clone()).await.unwrap();
    let (patient, answer) = CallPeer::answer(&offer, &CallOptions::loopback(), patient_play.clone()).await.unwrap();
    let nurse = pending.accept(&answer).await.unwrap();
    let _nurse_media = Capture::start(Source::TestPattern, nurse.outgoing()).unwrap();
    let patient_media = Capture::start(Source::TestPattern, patient.outgoing()).unwrap();
    wait("connection", Duration::from_secs(10), || {
        patient.state() == CallState::Connected && nurse.state() == CallState::Connected
    })
    .await;

    wait("pictures and sound both ways", Duration::from_secs(15), || {
        let (n, p) = (nurse_play.stats(), patient_play.stats());
        n.video_frames >= 10
            && p.video_frames >= 10
            && n.audio_peak > 1000
            && p.audio_peak > 1000
            && n.audio_samples > 48_000
            && p.audio_samples > 48_000
    })
    .await;
    let frame = nurse_play.frame().expect("a picture");
    assert_eq!(&frame.jpeg[..2], &[0xff, 0xd8], "a JPEG for the screen");
    assert!(patient_media.preview().is_some(), "the self view has a picture");

    // Muted: silence goes out (the packets still flow); unmuted, sound again.
    patient_media.set_muted(true);
    tokio::time::sleep(Duration::from_millis(600)).await;
    nurse_play.take_recent_peak();
    let sent = patient.traffic().audio_sent;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let muted_peak = nurse_play.take_recent_peak();
    assert!(muted_peak < 50, "muted, yet the nurse hears a peak of {muted_peak}");
    assert!(patient.traffic().audio_sent > sent + 30, "audio packets keep flowing while muted");
    patient_media.set_muted(false);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let unmuted_peak = nurse_play.take_recent_peak();
    assert!(unmuted_peak > 1000, "unmuted, the tick is heard again: {unmuted_peak}");

    // Camera off: the frames that go out are black (video-range black,
    // luma 16, when read back from the JPEG).
    patient_media.set_camera_on(false);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (before, after) = (mean_brightness(&frame.jpeg), mean_brightness(&nurse_play.frame().unwrap().jpeg));
    assert!(before > 60.0 && after < 20.0, "camera off turns the picture black: {before} before, {after} after");
    assert!(patient_media.camera_stopped(), "camera off stops the camera itself");
    let frames = nurse_play.stats().video_frames;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(nurse_play.stats().video_frames > frames + 8, "black pictures keep coming while the camera is off");
    patient_media.set_camera_on(true);
    assert!(!patient_media.camera_stopped());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let again = mean_brightness(&nurse_play.frame().unwrap().jpeg);
    assert!(again > 60.0, "camera on again: the picture is back ({again})");

    patient.hang_up().await.unwrap();
    nurse.hang_up().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (after, traffic) = (nurse_play.stats().video_frames, nurse.traffic());
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(nurse.traffic(), traffic, "no packets after hang-up");
    assert!(nurse_play.stats().video_frames <= after + 1);
    let _ = Arc::strong_count(&nurse_play);
}
