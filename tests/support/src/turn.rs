//! A real TURN server for the call tests: coturn (Debian's `coturn`
//! package, installed by `scripts/setup.sh`) on loopback with time-limited
//! credentials (`use-auth-secret`, the TURN REST API: the username is
//! `<expiry in Unix seconds>:<name>`, the password the base64 HMAC-SHA1 of
//! it under the shared secret), as a follow-up service would run it. Its
//! own log's per-session `usage:` lines count what it relayed.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};

use crate::hfs::free_port;

/// A running coturn; stopped on drop.
pub struct Coturn {
    pub port: u16,
    secret: String,
    log: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Coturn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What coturn says it relayed, summed over its sessions' `usage:` lines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relayed {
    /// Sessions (allocations) that reported usage.
    pub sessions: usize,
    pub received_packets: u64,
    pub received_bytes: u64,
    pub sent_packets: u64,
    pub sent_bytes: u64,
}

impl Coturn {
    pub async fn start() -> Coturn {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        // A block of relay ports near a free one.
        let relay_from = free_port().clamp(20_000, 60_000);
        let secret = format!("heima-test-{}", std::process::id());
        let log = dir.path().join("turn.log");
        let child = Command::new("turnserver")
            .args([
                "-n",
                "--listening-ip=127.0.0.1",
                &format!("--listening-port={port}"),
                "--relay-ip=127.0.0.1",
                &format!("--min-port={relay_from}"),
                &format!("--max-port={}", relay_from + 200),
                "--use-auth-secret",
                &format!("--static-auth-secret={secret}"),
                "--realm=heima.test",
                "--no-tls",
                "--no-dtls",
                "--no-cli",
                "--no-tcp-relay",
                "--allow-loopback-peers",
                "--simple-log",
                "--verbose",
            ])
            .arg(format!("--log-file={}", log.display()))
            .arg(format!("--pidfile={}", dir.path().join("turn.pid").display()))
            .arg(format!("--userdb={}", dir.path().join("turn.db").display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("turnserver (Debian's coturn; scripts/setup.sh installs it)");
        let coturn = Coturn { port, secret, log, child, _dir: dir };
        let started = Instant::now();
        while !std::fs::read_to_string(&coturn.log).unwrap_or_default().contains("Total General servers") {
            assert!(started.elapsed() < Duration::from_secs(10), "coturn did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        coturn
    }

    /// Time-limited credentials valid until `expires` (Unix seconds).
    pub fn credentials(&self, expires: i64) -> (String, String) {
        let username = format!("{expires}:heima");
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(self.secret.as_bytes()).unwrap();
        mac.update(username.as_bytes());
        (username, STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// The `Link` header value a service gives for this relay (UDP).
    pub fn link(&self, expires: i64) -> String {
        let (username, credential) = self.credentials(expires);
        format!(
            r#"<turn:127.0.0.1:{}?transport=udp>; rel="ice-server"; username="{username}"; credential="{credential}"; credential-type="password""#,
            self.port
        )
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// What coturn's `usage:` lines say it relayed (written while a session
    /// lives and when it closes: `rp=`, `rb=`, `sp=`, `sb=`).
    pub fn relayed(&self) -> Relayed {
        let mut last = std::collections::HashMap::new();
        for line in self.log().lines().filter(|l| l.contains("usage:")) {
            // Counts are per session, cumulative: keep each session's last.
            let session = line.split("session ").nth(1).and_then(|r| r.split(':').next()).unwrap_or("").to_string();
            let field = |name: &str| {
                line.split([',', ' ']).find_map(|part| part.trim().strip_prefix(name)).and_then(|v| v.parse().ok())
            };
            let usage = Relayed {
                sessions: 1,
                received_packets: field("rp=").unwrap_or(0),
                received_bytes: field("rb=").unwrap_or(0),
                sent_packets: field("sp=").unwrap_or(0),
                sent_bytes: field("sb=").unwrap_or(0),
            };
            last.insert(session, usage);
        }
        last.values().fold(Relayed::default(), |sum, u| Relayed {
            sessions: sum.sessions + u.sessions,
            received_packets: sum.received_packets + u.received_packets,
            received_bytes: sum.received_bytes + u.received_bytes,
            sent_packets: sum.sent_packets + u.sent_packets,
            sent_bytes: sum.sent_bytes + u.sent_bytes,
        })
    }
}
