//! The platform's speech for "Les opp", behind the core's
//! [`heima_core::speech::Speech`]: on Linux speech-dispatcher through its
//! own protocol (SSIP, the `ssip-client` crate: pure Rust, no libspeechd),
//! started on first use as libspeechd starts it; elsewhere none yet (the
//! button says there is no voice). In a debug build `HEIMA_SPEECH_LOG`
//! names a file that gets what would be spoken instead, one JSON line per
//! reading, with voices for Bokmål and English only (as espeak-ng has): the
//! end-to-end tests compare it with the screen.

use std::{
    path::PathBuf,
    sync::atomic::{AtomicBool, Ordering},
};

use heima_core::{
    error::{CoreError, ErrorCode},
    speech::Speech,
};

fn failed(what: &str, e: impl std::fmt::Display) -> CoreError {
    CoreError::new(ErrorCode::SpeechFailed, format!("{what}: {e}"))
}

/// The speech this installation has: the log in a debug build that names
/// one, else the platform's.
pub fn platform_speech(log: Option<PathBuf>) -> std::sync::Arc<dyn Speech> {
    match log {
        Some(file) => std::sync::Arc::new(SpeechLog { file }),
        None => platform(),
    }
}

#[cfg(target_os = "linux")]
fn platform() -> std::sync::Arc<dyn Speech> {
    std::sync::Arc::new(dispatcher::SpeechDispatcher::default())
}

#[cfg(not(target_os = "linux"))]
fn platform() -> std::sync::Arc<dyn Speech> {
    std::sync::Arc::new(heima_core::speech::NoSpeech)
}

/// What would be spoken, written to a file (debug builds, tests).
struct SpeechLog {
    file: PathBuf,
}

impl Speech for SpeechLog {
    fn languages(&self) -> Result<Vec<String>, CoreError> {
        Ok(vec!["nb".into(), "en".into()])
    }

    fn speak(&self, parts: &[(String, String)], _stop: &AtomicBool) -> Result<(), CoreError> {
        use std::io::Write;
        let line = serde_json::to_string(parts).map_err(|e| failed("log", e))?;
        let mut file =
            std::fs::OpenOptions::new().create(true).append(true).open(&self.file).map_err(|e| failed("log", e))?;
        writeln!(file, "{line}").map_err(|e| failed("log", e))
    }
}

#[cfg(target_os = "linux")]
pub mod dispatcher {
    //! speech-dispatcher over its Unix socket.

    use std::{
        os::unix::net::UnixStream,
        path::PathBuf,
        time::{Duration, Instant},
    };

    use ssip_client::{
        fifo, Client, ClientError, ClientName, ClientScope, EventType, MessageScope, NotificationType, OK_LANGUAGE_SET,
        OK_NOTIFICATION_SET,
    };

    use super::*;

    /// How often a reading looks at its stop while a part is spoken (the
    /// socket's read timeout).
    const LOOK: Duration = Duration::from_millis(100);
    /// How long an answer to a command may take (a daemon just started,
    /// a busy tablet).
    const PATIENCE: Duration = Duration::from_secs(5);

    /// An answer, waited for over several of the socket's short timeouts.
    fn patiently<T>(mut receive: impl FnMut() -> Result<T, ClientError>) -> Result<T, ClientError> {
        let started = Instant::now();
        loop {
            match receive() {
                Err(e) if timed_out(&e) && started.elapsed() < PATIENCE => {}
                other => return other,
            }
        }
    }

    /// SSIP ends a message's data at a line of one dot, so a line that
    /// starts with a dot is sent with it doubled.
    fn data_line(text: &str) -> String {
        if text.starts_with('.') {
            format!(".{text}")
        } else {
            text.to_string()
        }
    }

    /// speech-dispatcher at `socket` (none: its standard place under
    /// `$XDG_RUNTIME_DIR`, started there when it is not running).
    #[derive(Default)]
    pub struct SpeechDispatcher {
        pub socket: Option<PathBuf>,
    }

    impl SpeechDispatcher {
        /// A client whose socket reads wait at most `wait`: [`LOOK`] while
        /// speaking (to see a stop), [`PATIENCE`] for an answer of several
        /// lines that a timeout in its middle would cut.
        fn connect(&self, wait: Duration) -> Result<Client<UnixStream>, CoreError> {
            let build = || {
                let mut builder = fifo::Builder::new();
                if let Some(path) = &self.socket {
                    builder.path(path);
                }
                builder.timeout(wait).build()
            };
            let mut client = match build() {
                Ok(client) => client,
                Err(_) if self.socket.is_none() => {
                    // Not running: started as libspeechd would, then asked again.
                    let spawned = std::process::Command::new("speech-dispatcher").arg("--spawn").status();
                    if spawned.is_err() {
                        return Err(failed("connect", "speech-dispatcher is not installed"));
                    }
                    let mut tries = 0;
                    loop {
                        match build() {
                            Ok(client) => break client,
                            Err(e) if tries >= 30 => return Err(failed("connect", e)),
                            Err(_) => {
                                tries += 1;
                                std::thread::sleep(LOOK);
                            }
                        }
                    }
                }
                Err(e) => return Err(failed("connect", e)),
            };
            client.set_client_name(ClientName::new("heima", "read-aloud")).map_err(|e| failed("client name", e))?;
            patiently(|| client.check_client_name_set().map(|_| ())).map_err(|e| failed("client name", e))?;
            Ok(client)
        }
    }

    fn timed_out(e: &ClientError) -> bool {
        matches!(e, ClientError::Io(io) if matches!(io.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut))
    }

    impl Speech for SpeechDispatcher {
        fn languages(&self) -> Result<Vec<String>, CoreError> {
            let mut client = self.connect(PATIENCE)?;
            client.list_synthesis_voices().map_err(|e| failed("voices", e))?;
            let voices = patiently(|| client.receive_synthesis_voices()).map_err(|e| failed("voices", e))?;
            let mut languages: Vec<String> = voices.into_iter().filter_map(|v| v.language).collect();
            languages.sort();
            languages.dedup();
            let _ = client.quit();
            Ok(languages)
        }

        fn speak(&self, parts: &[(String, String)], stop: &AtomicBool) -> Result<(), CoreError> {
            let mut client = self.connect(LOOK)?;
            for kind in [NotificationType::End, NotificationType::Cancel] {
                client.set_notification(kind, true).map_err(|e| failed("notifications", e))?;
                patiently(|| client.check_status(OK_NOTIFICATION_SET).map(|_| ()))
                    .map_err(|e| failed("notifications", e))?;
            }
            // One part at a time: its language, its words, its end.
            for (language, text) in parts {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                client.set_language(ClientScope::Current, language).map_err(|e| failed("language", e))?;
                patiently(|| client.check_status(OK_LANGUAGE_SET).map(|_| ())).map_err(|e| failed("language", e))?;
                client.speak().map_err(|e| failed("speak", e))?;
                patiently(|| client.check_receiving_data().map(|_| ())).map_err(|e| failed("speak", e))?;
                client.send_line(&data_line(text)).map_err(|e| failed("speak", e))?;
                let id = patiently(|| client.receive_message_id()).map_err(|e| failed("speak", e))?;
                loop {
                    if stop.load(Ordering::SeqCst) {
                        let _ = client.cancel(MessageScope::Last);
                        let _ = client.quit();
                        return Ok(());
                    }
                    match client.receive_event() {
                        Ok(event) if event.id.message == id.to_string() => {
                            if matches!(event.ntype, EventType::End | EventType::Cancel) {
                                break;
                            }
                        }
                        Ok(_) => {}
                        Err(e) if timed_out(&e) => {}
                        Err(e) => return Err(failed("event", e)),
                    }
                }
            }
            let _ = client.quit();
            Ok(())
        }
    }
}

/// A real run: speech-dispatcher with espeak-ng, its sound written by
/// ALSA's `file` plugin instead of a sound card, measured with sox.
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::{
        path::{Path, PathBuf},
        process::{Child, Command, Stdio},
        sync::atomic::AtomicBool,
        time::{Duration, Instant},
    };

    use heima_core::speech::Speech;

    use super::dispatcher::SpeechDispatcher;

    /// speech-dispatcher of the test's own, ended with the test.
    struct Server {
        child: Child,
        dir: tempfile::TempDir,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    impl Server {
        fn start() -> Server {
            let dir = tempfile::tempdir().unwrap();
            let (conf, home) = (dir.path().join("conf"), dir.path().join("home"));
            std::fs::create_dir_all(conf.join("modules")).unwrap();
            std::fs::create_dir_all(&home).unwrap();
            std::fs::copy("/etc/speech-dispatcher/modules/espeak-ng.conf", conf.join("modules/espeak-ng.conf"))
                .expect("speech-dispatcher-espeak-ng is installed (scripts/setup.sh)");
            std::fs::write(
                conf.join("speechd.conf"),
                "AudioOutputMethod \"alsa\"\nAudioALSADevice \"default\"\n\
                 AddModule \"espeak-ng\" \"sd_espeak-ng\" \"espeak-ng.conf\"\nDefaultModule espeak-ng\n",
            )
            .unwrap();
            let wav = dir.path().join("out.wav");
            std::fs::write(
                home.join(".asoundrc"),
                format!(
                    "pcm.!default {{ type file; slave.pcm \"null\"; file \"{}\"; format \"wav\" }}\n",
                    wav.display()
                ),
            )
            .unwrap();
            let socket = dir.path().join("speechd.sock");
            let child = Command::new("speech-dispatcher")
                .args(["-s", "-t", "0", "-C"])
                .arg(&conf)
                .arg("-S")
                .arg(&socket)
                .env("HOME", &home)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("speech-dispatcher is installed (scripts/setup.sh)");
            let started = Instant::now();
            while !socket.exists() {
                assert!(started.elapsed() < Duration::from_secs(20), "speech-dispatcher never opened its socket");
                std::thread::sleep(Duration::from_millis(50));
            }
            Server { child, dir }
        }

        fn socket(&self) -> PathBuf {
            self.dir.path().join("speechd.sock")
        }

        fn wav(&self) -> PathBuf {
            self.dir.path().join("out.wav")
        }
    }

    /// Seconds and RMS amplitude of the 16-bit mono sound in `raw`, as
    /// sox measures them.
    fn measure(raw: &[u8], rate: u32, dir: &Path) -> (f64, f64) {
        let file = dir.join("part.raw");
        std::fs::write(&file, raw).unwrap();
        let out = Command::new("sox")
            .args(["-t", "raw", "-r", &rate.to_string(), "-e", "signed", "-b", "16", "-c", "1"])
            .arg(&file)
            .args(["-n", "stat"])
            .output()
            .expect("sox is installed (scripts/setup.sh)");
        let said = String::from_utf8_lossy(&out.stderr).to_string();
        let figure = |name: &str| -> f64 {
            said.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.rsplit(':').next())
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or_else(|| panic!("sox gave no {name}: {said}"))
        };
        (figure("Length (seconds)"), figure("RMS     amplitude"))
    }

    /// Speaks `parts` and returns the sound it added to the capture.
    fn spoken(server: &Server, speech: &SpeechDispatcher, parts: &[(&str, &str)]) -> Vec<u8> {
        let before = std::fs::metadata(server.wav()).map(|m| m.len() as usize).unwrap_or(0);
        let parts: Vec<(String, String)> = parts.iter().map(|(l, t)| (l.to_string(), t.to_string())).collect();
        speech.speak(&parts, &AtomicBool::new(false)).unwrap();
        // The last buffer reaches the file just after the end is told.
        std::thread::sleep(Duration::from_millis(300));
        let all = std::fs::read(server.wav()).unwrap();
        all[before.max(44)..].to_vec()
    }

    /// Norwegian is spoken: not silence, and a text three times as long
    /// takes about three times as long; a stop ends a reading at once.
    #[test]
    fn speech_dispatcher_reads_norwegian_aloud_in_proportion_and_stops() {
        let server = Server::start();
        let speech = SpeechDispatcher { socket: Some(server.socket()) };
        let languages = speech.languages().unwrap();
        assert!(languages.iter().any(|l| l == "nb"), "a Norwegian voice: {languages:?}");
        assert!(!languages.iter().any(|l| l == "se"), "no Sámi voice in espeak-ng: {languages:?}");

        let short = "Rød: gjør dette nå. Ring oppfølgingstjenesten i dag.";
        let long = [short; 3].join(" ");
        let first = spoken(&server, &speech, &[("nb", short)]);
        let header = std::fs::read(server.wav()).unwrap();
        assert_eq!(&header[..4], b"RIFF", "ALSA's file plugin wrote a WAV");
        let rate = u32::from_le_bytes(header[24..28].try_into().unwrap());
        let second = spoken(&server, &speech, &[("nb", &long)]);
        let (short_s, short_rms) = measure(&first, rate, server.dir.path());
        let (long_s, long_rms) = measure(&second, rate, server.dir.path());
        let ratio = long_s / short_s;
        println!(
            "read aloud through speech-dispatcher/espeak-ng at {rate} Hz: {} characters {short_s:.2} s (RMS {short_rms:.3}), \
             {} characters {long_s:.2} s (RMS {long_rms:.3}); length ratio {ratio:.2} for 3× the text",
            short.chars().count(),
            long.chars().count()
        );
        assert!(short_rms > 0.01 && long_rms > 0.01, "not silence: {short_rms} {long_rms}");
        assert!(short_s > 1.0, "the words take time to say: {short_s}");
        assert!((2.3..=3.7).contains(&ratio), "length in proportion to the text: {ratio}");

        // A stop ends the reading at once: far less is said than the
        // whole (the capture runs faster than real time, so the stop comes
        // early), and the call returns promptly.
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopper = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(150));
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
                Instant::now()
            })
        };
        let before = std::fs::metadata(server.wav()).unwrap().len() as usize;
        let parts: Vec<(String, String)> = (0..6).map(|_| ("nb".to_string(), long.clone())).collect();
        speech.speak(&parts, &stop).unwrap();
        let ended = Instant::now();
        let late = ended.saturating_duration_since(stopper.join().unwrap());
        std::thread::sleep(Duration::from_millis(300));
        let all = std::fs::read(server.wav()).unwrap();
        let (stopped_s, _) = measure(&all[before..], rate, server.dir.path());
        println!(
            "stopped: {stopped_s:.2} s said of about {:.0} s, returned {} ms after the stop",
            long_s * 6.0,
            late.as_millis()
        );
        assert!(stopped_s < long_s * 6.0 / 2.0, "the stop cut the reading short: {stopped_s} s");
        assert!(late < Duration::from_millis(500), "ended {late:?} after the stop");
    }
}
