//! A stand-in for the follow-up service's call endpoint, for the interop
//! tests: it speaks the patient's half of `docs/calls.md` exactly as a
//! service must (`/call/…`), and gives the nurse's browser page a small desk
//! API to see ringing calls, answer, call the patient and hang up
//! (`/desk/…`, test-only: a real service has its own nurse application). It
//! also serves the nurse page (`nurse/nurse.html`), so the page and the desk
//! share an origin, and runs a minimal STUN server. It relays SDP; the media
//! go straight between the peers. With `announce`, a call the nurse makes is
//! announced on the FHIR server as `docs/calls.md` says (a `Communication`
//! in progress, completed when the call is over), so the tablet hears of it
//! through its push channel.

use std::{collections::HashMap, sync::Arc, time::Duration};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::Instant;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::{oneshot, Mutex},
};

struct Call {
    offer: String,
    answer: Option<String>,
    /// Rung by the patient (else by the nurse).
    from_patient: bool,
    /// The nurse's desk has picked it up (a patient's call stops ringing).
    picked: bool,
    /// Wakes the patient's `POST …/calls` when the nurse answers.
    answered: Option<oneshot::Sender<String>>,
    /// The `Communication` that announced it (a nurse's call).
    announcement: Option<String>,
}

#[derive(Default)]
struct Desk {
    calls: HashMap<u32, Call>,
    next: u32,
    /// Requests to the call endpoint (`/call/…`), for the benchmarks.
    requests: usize,
    /// `Link` values announced instead of the options' (new credentials).
    ice_links: Option<Vec<String>>,
}

/// A running desk; dropped, it stops.
pub struct NurseDesk {
    pub port: u16,
    desk: Arc<Mutex<Desk>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for NurseDesk {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The settings a desk runs with.
#[derive(Clone)]
pub struct DeskOptions {
    /// The patient's bearer token; other requests to `/call/` get 401.
    /// `None`: any bearer token (one issued by the test gateway).
    pub token: Option<String>,
    /// `Link` header values announced on `OPTIONS /call/calls`.
    pub ice_links: Vec<String>,
    /// How long a patient's call rings before `504`.
    pub ring_limit: Duration,
    /// Where the nurse's calls are announced (`None`: not at all).
    pub announce: Option<Announce>,
}

/// The FHIR server the service writes its call announcements to, and the
/// patient they are for.
#[derive(Clone)]
pub struct Announce {
    /// The server's base, reached directly (the service's own access).
    pub fhir_base: String,
    /// `Patient/<id>`.
    pub patient: String,
}

/// The announcement of a nurse's call, as `docs/calls.md` has it.
fn announcement(patient: &str, status: &str, id: Option<&str>) -> Value {
    let mut c = json!({
        "resourceType": "Communication", "status": status,
        "category": [{ "coding": [{ "system": "https://fhir.heima.no/CodeSystem/follow-up", "code": "video-call" }] }],
        "medium": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode", "code": "VIDEOCONF" }] }],
        "subject": { "reference": patient }, "recipient": [{ "reference": patient }],
        "sent": jiff::Timestamp::now().to_string()
    });
    if let Some(id) = id {
        c["id"] = json!(id);
    }
    c
}

/// Writes the announcement (a create, or a new status on `id`); its id.
async fn announce(to: &Announce, status: &str, id: Option<&str>) -> Option<String> {
    let http = heima_core::net::client_builder().build().unwrap();
    let body = announcement(&to.patient, status, id).to_string();
    let request = match id {
        Some(id) => http.put(format!("{}/Communication/{id}", to.fhir_base)),
        None => http.post(format!("{}/Communication", to.fhir_base)),
    };
    let written: Value =
        request.header("Content-Type", "application/fhir+json").body(body).send().await.ok()?.json().await.ok()?;
    written["id"].as_str().map(str::to_string)
}

/// The call is over: its announcement says so.
async fn announce_end(options: &DeskOptions, call: Option<Call>) {
    if let (Some(to), Some(id)) = (&options.announce, call.and_then(|c| c.announcement)) {
        announce(to, "completed", Some(&id)).await;
    }
}

impl NurseDesk {
    pub async fn start(options: DeskOptions) -> NurseDesk {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let desk = Arc::new(Mutex::new(Desk::default()));
        let options = Arc::new(options);
        let shared = desk.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (desk, options) = (shared.clone(), options.clone());
                tokio::spawn(async move { serve(stream, desk, options).await });
            }
        });
        NurseDesk { port, desk, task }
    }

    /// The call endpoint to give the app (`Enrolment::call_endpoint`).
    pub fn call_endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/call", self.port)
    }

    /// From now on the desk announces these ICE servers (a service hands
    /// out fresh TURN credentials).
    pub async fn set_ice_links(&self, links: Vec<String>) {
        self.desk.lock().await.ice_links = Some(links);
    }

    /// Requests the call endpoint (`/call/…`) has had.
    pub async fn requests(&self) -> usize {
        self.desk.lock().await.requests
    }

    /// Patients' calls ringing at the desk, not yet picked up.
    pub async fn ringing(&self) -> usize {
        self.desk.lock().await.calls.values().filter(|c| c.from_patient && !c.picked).count()
    }

    pub fn nurse_page(&self) -> String {
        format!("http://127.0.0.1:{}/desk/nurse.html", self.port)
    }
}

/// Removes a patient's ringing call when its request goes away unanswered.
struct Ringing {
    desk: Arc<Mutex<Desk>>,
    id: Option<u32>,
}

impl Ringing {
    fn answered(mut self) {
        self.id = None;
    }
}

impl Drop for Ringing {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let desk = self.desk.clone();
            tokio::spawn(async move {
                desk.lock().await.calls.remove(&id);
            });
        }
    }
}

struct Request {
    method: String,
    path: String,
    authorization: Option<String>,
    body: String,
}

/// One request, read with the plumbing the core's test servers use.
async fn read(stream: &mut TcpStream) -> Option<Request> {
    let raw = crate::http::read_request(stream).await?;
    let (method, path, head, body) = crate::http::parts(&raw);
    let authorization = head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case("authorization").then(|| v.trim().to_string())
    });
    Some(Request { method, path, authorization, body })
}

struct Answer {
    status: &'static str,
    headers: Vec<(String, String)>,
    body: String,
}

fn answer(status: &'static str, content_type: &str, body: impl Into<String>) -> Answer {
    let headers = if content_type.is_empty() { vec![] } else { vec![("Content-Type".into(), content_type.into())] };
    Answer { status, headers, body: body.into() }
}

fn empty(status: &'static str) -> Answer {
    answer(status, "", "")
}

async fn serve(mut stream: TcpStream, desk: Arc<Mutex<Desk>>, options: Arc<DeskOptions>) {
    let Some(request) = read(&mut stream).await else { return };
    // A client that goes away (a patient who stops calling while it
    // rings) ends the request; the ringing call then disappears.
    let reply = {
        let (mut reader, _) = stream.split();
        let mut byte = [0u8; 1];
        tokio::select! {
            reply = route(request, desk, options) => reply,
            _ = reader.read(&mut byte) => return,
        }
    };
    let mut out = format!(
        "HTTP/1.1 {}\r\nConnection: close\r\nCache-Control: no-store\r\nContent-Length: {}\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(&reply.body);
    let _ = stream.write_all(out.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn id_in(path: &str, prefix: &str) -> Option<u32> {
    path.strip_prefix(prefix)?.split('/').next()?.parse().ok()
}

async fn route(request: Request, desk: Arc<Mutex<Desk>>, options: Arc<DeskOptions>) -> Answer {
    if request.path.starts_with("/call/") {
        desk.lock().await.requests += 1;
    }
    let Request { method, path, authorization, body } = request;
    let authorised = match (&options.token, authorization.as_deref()) {
        (Some(token), Some(given)) => given == format!("Bearer {token}"),
        (None, Some(given)) => given.starts_with("Bearer ") && given.len() > 7,
        (_, None) => false,
    };
    if path.starts_with("/call/") && !authorised {
        return empty("401 Unauthorized");
    }
    match (method.as_str(), path.as_str()) {
        ("GET", "/desk/nurse.html") => {
            let page = std::fs::read_to_string(crate::repo_root().join("tests/e2e/nurse/nurse.html")).unwrap();
            answer("200 OK", "text/html; charset=utf-8", page)
        }
        // The patient's half (docs/calls.md).
        ("OPTIONS", "/call/calls") => {
            let mut reply = empty("204 No Content");
            let links = desk.lock().await.ice_links.clone().unwrap_or_else(|| options.ice_links.clone());
            reply.headers.extend(links.into_iter().map(|l| ("Link".to_string(), l)));
            reply
        }
        ("POST", "/call/calls") => {
            let (tx, rx) = oneshot::channel();
            let id = {
                let mut d = desk.lock().await;
                d.next += 1;
                let id = d.next;
                d.calls.insert(
                    id,
                    Call {
                        offer: body,
                        answer: None,
                        from_patient: true,
                        picked: false,
                        answered: Some(tx),
                        announcement: None,
                    },
                );
                id
            };
            let ringing = Ringing { desk: desk.clone(), id: Some(id) };
            let answered = tokio::time::timeout(options.ring_limit, rx).await;
            ringing.answered();
            match answered {
                Ok(Ok(sdp)) => {
                    let mut reply = answer("201 Created", "application/sdp", sdp);
                    reply.headers.push(("Location".into(), format!("/call/calls/{id}")));
                    reply
                }
                _ => {
                    desk.lock().await.calls.remove(&id);
                    empty("504 Gateway Timeout")
                }
            }
        }
        ("GET", "/call/calls/incoming") => {
            let d = desk.lock().await;
            match d.calls.iter().filter(|(_, c)| !c.from_patient && c.answer.is_none()).min_by_key(|(id, _)| **id) {
                Some((id, call)) => {
                    let mut reply = answer("200 OK", "application/sdp", call.offer.clone());
                    reply.headers.push(("Location".into(), format!("/call/calls/{id}")));
                    reply
                }
                None => empty("204 No Content"),
            }
        }
        ("POST", p) if id_in(p, "/call/calls/").is_some() => {
            let id = id_in(p, "/call/calls/").unwrap();
            match desk.lock().await.calls.get_mut(&id) {
                Some(call) if !call.from_patient && call.answer.is_none() => {
                    call.answer = Some(body);
                    empty("204 No Content")
                }
                Some(_) => empty("409 Conflict"),
                None => empty("404 Not Found"),
            }
        }
        ("GET", p) if id_in(p, "/call/calls/").is_some() => {
            let on = desk.lock().await.calls.contains_key(&id_in(p, "/call/calls/").unwrap());
            if on {
                answer("200 OK", "application/json", "{}")
            } else {
                empty("404 Not Found")
            }
        }
        ("DELETE", p) if id_in(p, "/call/calls/").is_some() => {
            let call = desk.lock().await.calls.remove(&id_in(p, "/call/calls/").unwrap());
            announce_end(&options, call).await;
            empty("204 No Content")
        }
        // The nurse's desk (test-only).
        ("GET", "/desk/ringing") => {
            let mut d = desk.lock().await;
            match d.calls.iter_mut().filter(|(_, c)| c.from_patient && !c.picked).min_by_key(|(id, _)| **id) {
                Some((id, call)) => {
                    call.picked = true;
                    answer("200 OK", "application/json", json!({ "id": id, "offer": call.offer }).to_string())
                }
                None => empty("204 No Content"),
            }
        }
        ("POST", "/desk/calls") => {
            let mut d = desk.lock().await;
            d.next += 1;
            let id = d.next;
            d.calls.insert(
                id,
                Call {
                    offer: body,
                    answer: None,
                    from_patient: false,
                    picked: true,
                    answered: None,
                    announcement: None,
                },
            );
            drop(d);
            if let Some(to) = &options.announce {
                let written = announce(to, "in-progress", None).await;
                if let Some(call) = desk.lock().await.calls.get_mut(&id) {
                    call.announcement = written;
                }
            }
            answer("201 Created", "application/json", json!({ "id": id }).to_string())
        }
        ("POST", p) if p.starts_with("/desk/calls/") && p.ends_with("/answer") => {
            let id = id_in(p, "/desk/calls/").unwrap_or(0);
            match desk.lock().await.calls.get_mut(&id).and_then(|c| c.answered.take()) {
                Some(tx) => {
                    let _ = tx.send(body);
                    empty("204 No Content")
                }
                None => empty("404 Not Found"),
            }
        }
        ("GET", p) if id_in(p, "/desk/calls/").is_some() => {
            match desk.lock().await.calls.get(&id_in(p, "/desk/calls/").unwrap()) {
                Some(call) => answer("200 OK", "application/json", json!({ "answer": call.answer }).to_string()),
                None => empty("404 Not Found"),
            }
        }
        ("DELETE", p) if id_in(p, "/desk/calls/").is_some() => {
            let call = desk.lock().await.calls.remove(&id_in(p, "/desk/calls/").unwrap());
            announce_end(&options, call).await;
            empty("204 No Content")
        }
        _ => empty("404 Not Found"),
    }
}

/// A minimal STUN server (RFC 8489 Binding only) on loopback, so the
/// `Link: <stun:…>` the desk announces points at something that answers,
/// as a service's STUN server would.
pub struct StunServer {
    pub port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StunServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const MAGIC_COOKIE: u32 = 0x2112_A442;

impl StunServer {
    pub async fn start() -> StunServer {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let port = socket.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            while let Ok((n, from)) = socket.recv_from(&mut buf).await {
                // A Binding request: type 0x0001, the magic cookie, a transaction id.
                if n < 20 || buf[0..2] != [0x00, 0x01] || buf[4..8] != MAGIC_COOKIE.to_be_bytes() {
                    continue;
                }
                let std::net::SocketAddr::V4(from4) = from else { continue };
                let mut reply = vec![0x01, 0x01, 0x00, 12];
                reply.extend_from_slice(&buf[4..20]);
                // XOR-MAPPED-ADDRESS: family IPv4, port and address XORed with the cookie.
                reply.extend_from_slice(&[0x00, 0x20, 0x00, 0x08, 0x00, 0x01]);
                reply.extend_from_slice(&(from4.port() ^ (MAGIC_COOKIE >> 16) as u16).to_be_bytes());
                reply.extend_from_slice(&(u32::from(*from4.ip()) ^ MAGIC_COOKIE).to_be_bytes());
                let _ = socket.send_to(&reply, from).await;
            }
        });
        StunServer { port, task }
    }
}

/// Headless Chromium playing the nurse; dropped, it stops.
pub struct Chromium {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // chromedriver and the browsers it started share a process group:
        // a failed test must not leave Chromium running.
        // (`--` matters: procps reads a bare `-<n>` after a signal as more options.)
        let _ = Command::new("kill").args(["-s", "KILL", "--", &format!("-{}", self.driver.id())]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Headless Chromium with the flags from issue 8 (fake camera and
/// microphone), driven by chromedriver, on the nurse page.
pub async fn nurse_browser(page: &str) -> Chromium {
    let port = crate::free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian's chromium-driver; scripts/setup.sh installs it)");
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                format!("--user-data-dir={}", profile.path().display()),
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--autoplay-policy=no-user-gesture-required"
            ]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
            Ok(c) => break c,
            Err(_) if started.elapsed() < Duration::from_secs(20) => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(e) => panic!("no chromedriver session: {e}"),
        }
    };
    client.goto(page).await.unwrap();
    Chromium { client, driver, _profile: profile }
}

/// Runs a promise-returning script on the page and returns its value.
pub async fn run(client: &Client, script: &str) -> Value {
    client
        .execute_async(&format!("{script}.then(arguments[0], (e) => arguments[0]('error: ' + e))"), vec![])
        .await
        .unwrap()
}

/// Waits (30 s at most) until the nurse's page has decoded pictures and
/// heard sound from the patient.
pub async fn nurse_sees_and_hears_the_patient(client: &Client) {
    let started = Instant::now();
    loop {
        let r = report(client).await;
        if r["framesDecoded"].as_u64().unwrap_or(0) >= 20 && r["audioPeak"].as_f64().unwrap_or(0.0) > 0.05 {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the nurse did not get the patient's picture and sound: {r}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The candidate types of the nurse's selected pair (`local/remote`, e.g.
/// `relay/relay`), or `none`.
pub async fn selected_pair(client: &Client) -> String {
    let script = r#"const done = arguments[0];
        pc.getStats().then((stats) => {
          let pair = null;
          stats.forEach((s) => { if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
          done(pair ? `${stats.get(pair.localCandidateId).candidateType}/${stats.get(pair.remoteCandidateId).candidateType}` : "none");
        });"#;
    client.execute_async(script, vec![]).await.unwrap().as_str().unwrap_or("none").to_string()
}

/// The page's report: connection state, who ended, packets, decoded
/// frames, audio heard.
pub async fn report(client: &Client) -> Value {
    run(client, "window.report()").await
}
