//! Call benchmarks (`cargo bench -p heima-media --bench call`), figures in
//! `bench/RESULTS.md`:
//! - set-up on loopback: from starting the patient's offer (media
//!   pipelines included) to both peers connected, 20 calls, median and worst;
//! - CPU during a 640×480 VP8 + Opus call both ways for 20 s: the
//!   patient's side in this process (what the tablet pays: encoding its
//!   camera and microphone, decoding the nurse's), the nurse's in a child
//!   process (this program with `--nurse`), each measured on its own.

use std::{
    io::{BufRead, BufReader, Read, Write},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use heima_core::call::{CallOptions, CallPeer, CallState};
use heima_media::{Capture, Playback, Source, Speaker};

/// A process's CPU time (user + system) from /proc/<pid>/stat.
fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
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
    _playback: (std::sync::Arc<Playback>, std::sync::Arc<Playback>),
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
    (Call { patient, nurse, _media: media, _playback: (patient_play, nurse_play) }, started.elapsed())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if std::env::args().any(|a| a == "--nurse") {
        return nurse_side().await;
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

    // One call, each side in its own process.
    let mut nurse = Command::new(std::env::current_exe().unwrap())
        .arg("--nurse")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let patient_play = Playback::start(Speaker::Silent).unwrap();
    let (pending, offer) = CallPeer::offer(&CallOptions::loopback(), patient_play.clone()).await.unwrap();
    let mut to_nurse = nurse.stdin.take().unwrap();
    let mut from_nurse = BufReader::new(nurse.stdout.take().unwrap());
    send(&mut to_nurse, &offer);
    let patient = pending.accept(&receive(&mut from_nurse)).await.unwrap();
    let _media = Capture::start(Source::TestPattern, patient.outgoing()).unwrap();
    let started = Instant::now();
    while patient.state() != CallState::Connected {
        assert!(started.elapsed() < Duration::from_secs(10), "no connection");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pid = nurse.id().to_string();
    let (mine0, theirs0, wall0) = (cpu_time("self"), cpu_time(&pid), Instant::now());
    let frames0 = patient_play.stats().video_frames;
    tokio::time::sleep(Duration::from_secs(20)).await;
    let (mine, theirs, wall) = (cpu_time("self") - mine0, cpu_time(&pid) - theirs0, wall0.elapsed());
    let frames = patient_play.stats().video_frames - frames0;
    let share = |cpu: Duration| 100.0 * cpu.as_secs_f64() / wall.as_secs_f64();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "640x480 call both ways for {:.0} s ({cores} cores): the patient's side {:.1} s CPU = {:.0} % of one core, \
         the nurse's {:.0} %, both {:.0} %; the patient decoded {:.1} frames/s",
        wall.as_secs_f64(),
        mine.as_secs_f64(),
        share(mine),
        share(theirs),
        share(mine + theirs),
        frames as f64 / wall.as_secs_f64()
    );
    patient.hang_up().await.unwrap();
    drop(to_nurse);
    nurse.wait().unwrap();
}

/// One SDP over a pipe: its length on a line, then its bytes.
fn send(to: &mut impl Write, sdp: &str) {
    write!(to, "{}\n{sdp}", sdp.len()).unwrap();
    to.flush().unwrap();
}

fn receive(from: &mut impl BufRead) -> String {
    let mut length = String::new();
    from.read_line(&mut length).unwrap();
    let mut sdp = vec![0; length.trim().parse().unwrap()];
    from.read_exact(&mut sdp).unwrap();
    String::from_utf8(sdp).unwrap()
}

/// The nurse's side, in its own process: answers the offer on stdin, sends
/// the test pattern back, and hangs up when stdin closes.
async fn nurse_side() {
    let mut input = BufReader::new(std::io::stdin());
    let offer = receive(&mut input);
    let play = Playback::start(Speaker::Silent).unwrap();
    let (nurse, answer) = CallPeer::answer(&offer, &CallOptions::loopback(), play.clone()).await.unwrap();
    let _media = Capture::start(Source::TestPattern, nurse.outgoing()).unwrap();
    send(&mut std::io::stdout(), &answer);
    tokio::task::spawn_blocking(move || while input.read(&mut [0; 64]).is_ok_and(|n| n > 0) {}).await.unwrap();
    nurse.hang_up().await.unwrap();
}
