//! The crash test's driver: runs `crash-writer`, kills it with SIGKILL after
//! a random delay, and after each kill opens the database, runs
//! `PRAGMA integrity_check` and checks every acknowledged reading is there.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use heima_core::store::{Store, StoreKey};

/// What a crash run measured.
#[derive(Debug, Default)]
pub struct CrashReport {
    pub kills: u32,
    pub acknowledged: usize,
    pub stored: i64,
    pub elapsed: Duration,
}

/// A small deterministic generator for kill delays (xorshift64).
struct Delays(u64);

impl Delays {
    fn next_ms(&mut self, max: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % max
    }
}

/// Runs `kills` kill cycles against a database in `dir`.
pub fn run(writer: &Path, dir: &Path, kills: u32, seed: u64) -> CrashReport {
    let db = dir.join("heima.db");
    let key = StoreKey::from_bytes([42; 32]);
    let mut acknowledged = Vec::new();
    let mut delays = Delays(seed.max(1));
    let started = Instant::now();
    for run in 0..kills {
        let mut child = Command::new(writer)
            .args([db.to_str().unwrap(), &key.to_hex(), &run.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("crash-writer starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(id) = line.strip_prefix("ack ") {
                    let _ = tx.send(id.to_string());
                }
            }
        });
        // Let it open the store and write for a random while, then kill it.
        std::thread::sleep(Duration::from_millis(20 + delays.next_ms(120)));
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        reader.join().unwrap();
        acknowledged.extend(rx.try_iter());

        let opened = Store::open(&db, &key, jiff::Timestamp::now()).expect("store reopens after a kill");
        assert!(opened.notices.is_empty(), "kill {run}: {:?}", opened.notices);
        opened.store.integrity_check().unwrap_or_else(|e| panic!("kill {run}: integrity_check: {e}"));
        for id in &acknowledged {
            assert!(opened.store.has_reading(id).unwrap(), "kill {run}: acknowledged reading {id} is missing");
        }
    }
    let store = Store::open(&db, &key, jiff::Timestamp::now()).unwrap().store;
    CrashReport {
        kills,
        acknowledged: acknowledged.len(),
        stored: store.reading_count().unwrap(),
        elapsed: started.elapsed(),
    }
}
