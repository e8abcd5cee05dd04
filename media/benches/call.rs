//! Call benchmarks (`cargo bench -p heima-media --bench call`), figures in
//! `bench/RESULTS.md`:
//! - set-up on loopback: from starting the patient's offer (media
//!   pipelines included) to both peers connected, 20 calls, median and worst;
//! - CPU during a 640×480 VP8 + Opus call both ways for 20 s (both peers
//!   in this process, so the figure is for encoding and decoding on both
//!   sides together; one side is about half).

use std::time::{Duration, Instant};

use heima_core::call::{CallOptions, CallPeer, CallState};
use heima_media::{Capture, Playback, Source, Speaker};

/// This process's CPU time (user + system) from /proc/self/stat.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of the line (utime, stime), counted from the state at 3.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10) // CLK_TCK is 100 on Linux
}

struct Call {
    patient: CallPeer,
    nurse: CallPeer,
    _media: (Capture, Capture),
    playback: (std::sync::Arc<Playback>, std::sync::Arc<Playback>),
}

async fn connect() -> (Call, Duration) {
    let started = Instant::now();
    let patient_play = Playback::start(Speaker::Silent).unwrap();
    let nurse_play = Playback::start(Speaker::Silent).unwrap();
    let (pending, offer) = CallPeer::offer(&CallOptions::loopback(), patient_play.clone()).await.unwrap();
    let (nurse, answer) = CallPeer::answer(&offer, &CallOptions::loopback(), nurse_play.clone()).await.unwrap();
    let patient = pending.accept(&answer).await.unwrap();
    let media = (
        Capture::start(Source::TestPattern, patient.outgoing()).unwrap(),
        Capture::start(Source::TestPattern, nurse.outgoing()).unwrap(),
    );
    while !(patient.state() == CallState::Connected && nurse.state() == CallState::Connected) {
        assert!(started.elapsed() < Duration::from_secs(10), "no connection");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    (Call { patient, nurse, _media: media, playback: (patient_play, nurse_play) }, started.elapsed())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut times = Vec::new();
    for _ in 0..20 {
        let (call, took) = connect().await;
        times.push(took);
        call.patient.hang_up().await.unwrap();
        call.nurse.hang_up().await.unwrap();
    }
    times.sort();
    println!(
        "call set-up on loopback (20 calls): median {:?}, fastest {:?}, slowest {:?}",
        times[10], times[0], times[19]
    );

    let (call, _) = connect().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (cpu0, wall0, frames0) = (cpu_time(), Instant::now(), call.playback.1.stats().video_frames);
    tokio::time::sleep(Duration::from_secs(20)).await;
    let (cpu, wall) = (cpu_time() - cpu0, wall0.elapsed());
    let frames = call.playback.1.stats().video_frames - frames0;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "640x480 call both ways for {:.0} s: CPU {:.1} s = {:.0} % of one core ({} cores), nurse side decoded {:.1} frames/s",
        wall.as_secs_f64(),
        cpu.as_secs_f64(),
        100.0 * cpu.as_secs_f64() / wall.as_secs_f64(),
        cores,
        frames as f64 / wall.as_secs_f64()
    );
    call.patient.hang_up().await.unwrap();
    call.nurse.hang_up().await.unwrap();
}
