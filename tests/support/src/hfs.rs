//! Starts a real FHIR server, helios-hfs (`hfs`), on a free port with its
//! own data folder, for the sync tests, the e2e tests and the benchmarks:
//! with subscriptions and Heima's topic, or without ([`Push`]).

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use heima_core::sync::client::FhirClient;
use serde_json::json;

/// A running `hfs`; stopped on drop.
pub struct Hfs {
    child: Child,
    pub base: String,
    _data: tempfile::TempDir,
}

fn hfs_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("HEIMA_HFS") {
        return path.into();
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".cargo"));
    let installed = home.join("bin/hfs");
    assert!(
        installed.exists(),
        "hfs is not installed; scripts/test.sh installs it (cargo install helios-hfs --locked)"
    );
    installed
}

/// Whether the server offers topic-based subscriptions (its engine on,
/// with Heima's topic), or is a plain REST server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Push {
    Offered,
    NotOffered,
}

/// How a test's hfs runs.
#[derive(Debug, Clone)]
pub struct HfsOptions {
    pub push: Push,
    /// The address hfs writes into its answers (links, the WebSocket's
    /// address), when clients reach it through something in front.
    pub public_base: Option<String>,
    /// The port to listen on (0: a free one).
    pub port: u16,
}

impl Default for HfsOptions {
    fn default() -> Self {
        HfsOptions { push: Push::Offered, public_base: None, port: 0 }
    }
}

/// Heima's subscription topic, as a service publishes it.
pub const FOLLOW_UP_TOPIC: &str = include_str!("../../../docs/fhir/Basic-topic-patient-follow-up.json");

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Hfs {
    /// hfs with subscriptions and Heima's topic.
    pub async fn start() -> Hfs {
        Hfs::start_with(HfsOptions::default()).await
    }

    pub async fn start_with(options: HfsOptions) -> Hfs {
        let port = if options.port == 0 { free_port() } else { options.port };
        let data = tempfile::tempdir().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let public_base = options.public_base.clone().unwrap_or_else(|| base.clone());
        let child = Command::new(hfs_binary())
            .args([
                "--port",
                &port.to_string(),
                "--search-param-cache-ttl",
                "1",
                "--base-url",
                &public_base,
                "--log-level",
                "warn",
            ])
            .arg("--data-dir")
            .arg(data.path())
            .env("HFS_SUBSCRIPTIONS_ENABLED", if options.push == Push::Offered { "true" } else { "false" })
            // Its SQLite database goes to the working directory.
            .current_dir(data.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("hfs starts");
        let client = FhirClient::new(&base, Duration::from_secs(5), None).unwrap();
        let started = Instant::now();
        while client.get("metadata").await.is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "hfs did not answer /metadata on {base}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // hfs ships without the standard search parameters; register the
        // ones the app's conditional creates rely on.
        let params = [
            ("Observation", "identifier", "token"),
            ("Communication", "identifier", "token"),
            ("QuestionnaireResponse", "identifier", "token"),
            ("Device", "identifier", "token"),
            ("MedicationAdministration", "identifier", "token"),
            ("MedicationAdministration", "subject", "reference"),
            ("Observation", "code", "token"),
            ("Communication", "recipient", "reference"),
            ("CarePlan", "subject", "reference"),
            ("Media", "identifier", "token"),
            ("Media", "subject", "reference"),
            ("Appointment", "actor", "reference"),
            ("Appointment", "date", "date"),
        ];
        for (resource, code, kind) in params {
            // The path where it is not the parameter's own name.
            let expression = match (resource, code) {
                ("Appointment", "actor") => "Appointment.participant.actor".to_string(),
                ("Appointment", "date") => "Appointment.start".to_string(),
                _ => format!("{resource}.{code}"),
            };
            client
                .post(
                    "SearchParameter",
                    &json!({
                        "resourceType": "SearchParameter",
                        "url": format!("urn:heima:test:SearchParameter/{resource}-{code}"),
                        "name": code,
                        "status": "active",
                        "description": code,
                        "code": code,
                        "base": [resource],
                        "type": kind,
                        "expression": expression,
                    }),
                )
                .await
                .unwrap();
        }
        if options.push == Push::Offered {
            let topic: serde_json::Value = serde_json::from_str(FOLLOW_UP_TOPIC).unwrap();
            client.post("Basic", &topic).await.expect("hfs takes Heima's subscription topic");
        }
        tokio::time::sleep(Duration::from_millis(1100)).await; // the search-parameter cache TTL
        Hfs { child, base, _data: data }
    }
}

impl Hfs {
    /// Writes a new version of `resource` (PUT by its type and id), as the
    /// service does when it changes a plan.
    pub async fn update(&self, resource: &serde_json::Value) {
        let kind = resource["resourceType"].as_str().expect("a resource type");
        let id = resource["id"].as_str().expect("an id");
        let status = heima_core::net::client_builder()
            .build()
            .unwrap()
            .put(format!("{}/{kind}/{id}", self.base))
            .header("Content-Type", "application/fhir+json")
            .body(resource.to_string())
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "{status}");
    }
}

impl Hfs {
    /// The server's process id (for its CPU and memory).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Hfs {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
