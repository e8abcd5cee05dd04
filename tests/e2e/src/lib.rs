//! Harness for end-to-end tests of the real `heima` binary.
//!
//! Each [`App`] starts its own `tauri-driver` (which starts WebKitWebDriver,
//! which starts the app) on free ports, with the app's data in a folder the
//! test owns (`HEIMA_DATA_DIR`). The tests run under Xvfb (`scripts/test.sh`
//! sees to that). Also here: waits; axe-core (vendored in
//! `vendor/axe-core/`, WCAG 2.1 A/AA) and the 48 px target check;
//! screenshots to `target/e2e/` after two animation frames (while a
//! transparent 1 px element keeps the page painting: WebKitWebDriver takes
//! the picture after the next paint, and a CPU-painted page with nothing to
//! paint never has one); [`Launch::log_to`] to capture the app's log; and
//! [`ServiceEnv`], the environment for enrolling with a test service.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

pub use fantoccini;

pub mod nurse_desk;
pub mod service;
pub mod x11;

/// Bare HTTP/1.1 plumbing shared with the core's test servers.
use heima_test_support::http;

/// How long a page may take to show what a test waits for.
pub const WAIT: Duration = Duration::from_secs(20);

/// The workspace's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target"))
}

/// The app binary under test: `HEIMA_APP_BIN`, or the debug build.
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("HEIMA_APP_BIN").map(PathBuf::from).unwrap_or_else(|| target_dir().join("debug/heima"));
    assert!(path.exists(), "{} is missing; build it with `cargo build -p heima-app`", path.display());
    path
}

/// Where screenshots go: `target/e2e/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = target_dir().join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A D-Bus session bus of the test's own (for the one-copy handover), gone
/// when dropped.
pub struct SessionBus {
    daemon: Child,
    /// Its `DBUS_SESSION_BUS_ADDRESS`.
    pub address: String,
}

impl SessionBus {
    pub fn start() -> SessionBus {
        use std::io::{BufRead, BufReader};
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (scripts/setup.sh installs dbus)");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap()).read_line(&mut address).unwrap();
        SessionBus { daemon, address: address.trim().to_string() }
    }
}

impl SessionBus {
    /// Waits until `name` has an owner on this bus (`what`, for the message).
    fn wait_for_name(&self, name: &str, what: &str) {
        let started = Instant::now();
        loop {
            let out = Command::new("dbus-send")
                .args(["--session", "--dest=org.freedesktop.DBus", "--print-reply", "/org/freedesktop/DBus"])
                .args(["org.freedesktop.DBus.NameHasOwner", &format!("string:{name}")])
                .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                .output()
                .expect("dbus-send");
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            assert!(started.elapsed() < WAIT, "{what} did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// A fresh home: its folder and the XDG folders in it.
pub struct Home {
    _dir: tempfile::TempDir,
    pub home: String,
    pub data: String,
    pub config: String,
}

impl Home {
    pub fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().to_str().unwrap().to_string();
        Home { data: format!("{home}/.local/share"), config: format!("{home}/.config"), home, _dir: dir }
    }

    pub fn path(&self) -> &Path {
        Path::new(&self.home)
    }
}

impl Default for Home {
    fn default() -> Home {
        Home::new()
    }
}

/// A real Secret Service (gnome-keyring's) on the test's own session bus,
/// its keyrings in a fresh home, unlocked with a password the test gives;
/// gone when dropped.
pub struct SecretService {
    daemon: Child,
    bus: String,
    runtime: tempfile::TempDir,
}

impl SecretService {
    const PASSWORD: &'static str = "heima-test-keyring";

    /// Starts it for `home` and waits until it owns its name on the bus.
    pub fn start(bus: &SessionBus, home: &Path) -> SecretService {
        use std::io::Write;
        let runtime = tempfile::tempdir().unwrap();
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_RUNTIME_DIR", runtime.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (scripts/setup.sh installs gnome-keyring)");
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(Self::PASSWORD.as_bytes()).unwrap();
        drop(stdin);
        let service = SecretService { daemon, bus: bus.address.clone(), runtime };
        bus.wait_for_name("org.freedesktop.secrets", "the Secret Service");
        service
    }

    /// Whether its default collection holds at least one item.
    pub fn holds_an_item(&self) -> bool {
        let out = Command::new("dbus-send")
            .args(["--session", "--dest=org.freedesktop.secrets", "--print-reply"])
            .args(["/org/freedesktop/secrets/aliases/default", "org.freedesktop.DBus.Properties.Get"])
            .args(["string:org.freedesktop.Secret.Collection", "string:Items"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .output()
            .expect("dbus-send");
        String::from_utf8_lossy(&out.stdout).contains("object path")
    }

    /// The environment of a program in `home` that uses it.
    pub fn env<'a>(&'a self, home: &'a Home) -> Vec<(&'a str, &'a str)> {
        vec![
            ("HOME", home.home.as_str()),
            ("XDG_DATA_HOME", home.data.as_str()),
            ("XDG_CONFIG_HOME", home.config.as_str()),
            ("DBUS_SESSION_BUS_ADDRESS", self.bus.as_str()),
            ("XDG_RUNTIME_DIR", self.runtime.path().to_str().unwrap()),
        ]
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// The enrolment the app keeps in its encrypted store (in `data_dir`,
/// opened with the test's key file), read through a connection of the
/// test's own; `None` when there is none yet.
pub fn kept_enrolment(data_dir: &Path) -> Option<heima_core::enrolment::Enrolment> {
    let key = std::fs::read_to_string(data_dir.join("test-store.key")).ok()?;
    let key = heima_core::store::StoreKey::from_hex(key.trim())?;
    let store = heima_core::store::Store::connect_again(&data_dir.join("heima.db"), &key).ok()?;
    let json = store.setting(heima_core::app::ENROLMENT_SETTING).ok()??;
    Some(serde_json::from_str(&json).expect("the kept enrolment reads"))
}

/// The process of the app started with this data folder. Linux only: it
/// finds the process by its `HEIMA_DATA_DIR` in `/proc`.
pub fn app_pid(data_dir: &Path) -> u32 {
    let wanted = format!("HEIMA_DATA_DIR={}", data_dir.display());
    let binary = std::fs::canonicalize(app_binary()).unwrap();
    let pids: Vec<u32> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|var| var == wanted.as_bytes()))
        })
        .collect();
    assert_eq!(pids.len(), 1, "one app process for {}", data_dir.display());
    pids[0]
}

/// A real notification server (GNOME's notification-daemon, on the
/// display) on a test's session bus, and what the app asked it to show
/// (`dbus-monitor` listening to its `Notify` calls); gone when dropped.
pub struct NotificationServer {
    daemon: Child,
    monitor: Child,
    seen: std::sync::Arc<std::sync::Mutex<String>>,
}

impl NotificationServer {
    const DAEMON: &'static str = "/usr/lib/notification-daemon/notification-daemon";

    /// Starts both and waits until the server owns its name on the bus.
    pub fn start(bus: &SessionBus) -> NotificationServer {
        use std::io::Read;
        let daemon = Command::new(Self::DAEMON)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("notification-daemon (scripts/setup.sh installs it)");
        let mut monitor = Command::new("dbus-monitor")
            .args(["--address", &bus.address])
            .arg("type='method_call',interface='org.freedesktop.Notifications',member='Notify'")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor (scripts/setup.sh installs dbus)");
        let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (mut out, into) = (monitor.stdout.take().unwrap(), seen.clone());
        std::thread::spawn(move || {
            let mut buffer = [0; 4096];
            while let Ok(n @ 1..) = out.read(&mut buffer) {
                into.lock().unwrap().push_str(&String::from_utf8_lossy(&buffer[..n]));
            }
        });
        let server = NotificationServer { daemon, monitor, seen };
        bus.wait_for_name("org.freedesktop.Notifications", "the notification server");
        server
    }

    /// Everything the app has asked to show so far (each call's strings).
    pub fn asked(&self) -> String {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for NotificationServer {
    fn drop(&mut self) {
        for child in [&mut self.monitor, &mut self.daemon] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Kills (SIGKILL, as a crash or a pulled battery would) the app process
/// started with this data folder, and waits until it is gone. Linux only:
/// it finds the process by its `HEIMA_DATA_DIR` in `/proc`.
pub fn kill_app_process(data_dir: &Path) {
    let pid = app_pid(data_dir);
    let killed = Command::new("kill").args(["-KILL", &pid.to_string()]).status().unwrap();
    assert!(killed.success());
    let started = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}/exe")).exists() {
        assert!(started.elapsed() < WAIT, "the app did not die");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running app with a WebDriver session on it.
pub struct App {
    pub client: Client,
    driver: Child,
}

/// The environment that lets the app enrol with a test service: the
/// gateway's activation endpoint, the gateway (and the call desk, if any)
/// trusted, plain http on loopback, and the nurse code `7531`.
pub struct ServiceEnv {
    endpoint: String,
    trusted: String,
}

impl ServiceEnv {
    /// `call_desk`: the call endpoint's origin, trusted too.
    pub fn new(gateway: &heima_test_support::auth::AuthServer, call_desk: Option<&str>) -> ServiceEnv {
        let mut trusted = format!("{}=Testkommunen", gateway.base);
        if let Some(desk) = call_desk {
            trusted.push_str(&format!(";{desk}=Testkommunen (samtaler)"));
        }
        ServiceEnv { endpoint: gateway.activation_endpoint(), trusted }
    }

    pub fn vars(&self) -> Vec<(&str, &str)> {
        vec![
            ("HEIMA_ENROL_ENDPOINT", &self.endpoint),
            ("HEIMA_NURSE_CODE", "7531"),
            ("HEIMA_TRUSTED_SERVICES", &self.trusted),
            ("HEIMA_ALLOW_LOOPBACK_HTTP", "1"),
        ]
    }
}

/// Options for starting the app.
#[derive(Default)]
pub struct Launch<'a> {
    /// The app's data folder (settings, later the database).
    pub data_dir: Option<&'a Path>,
    /// Extra environment for the app process.
    pub env: Vec<(&'a str, &'a str)>,
    /// Where the app's log (its standard error, through tauri-driver and
    /// WebKitWebDriver) goes; the test's own standard error if none.
    pub log_to: Option<&'a Path>,
}

impl App {
    pub async fn start(launch: Launch<'_>) -> App {
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(tauri_driver());
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(match launch.log_to {
                Some(path) => Stdio::from(
                    std::fs::OpenOptions::new().create(true).append(true).open(path).expect("log file opens"),
                ),
                None => Stdio::inherit(),
            });
        // Only the variables the test names reach the app.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("HEIMA_") {
                command.env_remove(name);
            }
        }
        if let Some(dir) = launch.data_dir {
            command.env("HEIMA_DATA_DIR", dir);
            // Headless: no keyring daemon, so the key lives in a file the test names.
            command.env("HEIMA_KEY_FILE", dir.join("test-store.key"));
        }
        for (key, value) in &launch.env {
            command.env(key, value);
        }
        let driver = command.spawn().expect("tauri-driver starts (cargo install tauri-driver)");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert("tauri:options".into(), json!({ "application": app_binary() }));
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let builder =
                ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&url).await;
            match builder {
                Ok(client) => break client,
                Err(e) if started.elapsed() < WAIT => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("no WebDriver session on {url}: {e}"),
            }
        };
        let app = App { client, driver };
        app.wait_for_js("return document.body && document.body.dataset.ready === 'true'").await;
        app
    }

    /// Polls a script until it returns `true`.
    pub async fn wait_for_js(&self, script: &str) {
        let started = Instant::now();
        loop {
            match self.client.execute(script, vec![]).await {
                Ok(Value::Bool(true)) => return,
                Ok(_) | Err(_) if started.elapsed() < WAIT => tokio::time::sleep(Duration::from_millis(100)).await,
                other => panic!("timed out waiting for `{script}`: last answer {other:?}"),
            }
        }
    }

    /// Waits until the element's text contains `needle`, and returns the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let started = Instant::now();
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return text;
            }
            assert!(started.elapsed() < WAIT, "`{css}` never contained {needle:?}; last text {text:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible text of every element matching `css`. A screen the core
    /// redraws meanwhile (a change it told) is read again.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let started = Instant::now();
        'again: loop {
            let mut out = vec![];
            for element in self.client.find_all(Locator::Css(css)).await.unwrap() {
                match element.text().await {
                    Ok(text) => out.push(text),
                    Err(e) if e.is_stale_element_reference() && started.elapsed() < WAIT => continue 'again,
                    Err(e) => panic!("{css}: {e}"),
                }
            }
            return out;
        }
    }

    /// Clicks the element matching `css`, once it is there (screens fill
    /// some parts after the core answers); if the core redrew the screen
    /// between finding and clicking, the new one is clicked.
    pub async fn click(&self, css: &str) {
        let started = Instant::now();
        loop {
            let element = self
                .client
                .wait()
                .at_most(WAIT)
                .for_element(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css}: {e}"));
            match element.click().await {
                Ok(()) => return,
                Err(e) if e.is_stale_element_reference() && started.elapsed() < WAIT => continue,
                Err(e) => panic!("{css}: {e}"),
            }
        }
    }

    /// Saves a screenshot as `target/e2e/<name>.png`, after two animation
    /// frames so the picture is not older than the last change.
    ///
    /// WebKitWebDriver takes the picture after the page's *next* paint. The
    /// app paints on the CPU (`src-tauri/src/webview_env.rs`), and then a
    /// page that has nothing left to paint never paints again and the
    /// screenshot waits forever. So while the picture is taken, a 1 px
    /// element flips between two fully transparent colours: WebKit repaints
    /// it each time, and nothing shows in the picture.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        self.client
            .execute_async(
                "const done = arguments[0];
                 const tick = document.createElement('div');
                 tick.id = 'e2e-paint-tick';
                 tick.setAttribute('aria-hidden', 'true');
                 tick.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none';
                 document.body.append(tick);
                 let flip = false;
                 window.__e2ePaintTick = setInterval(() => {
                   flip = !flip;
                   tick.style.backgroundColor = flip ? 'rgba(255,255,255,0)' : 'rgba(0,0,0,0)';
                 }, 20);
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await;
        self.client
            .execute(
                "clearInterval(window.__e2ePaintTick); document.getElementById('e2e-paint-tick')?.remove();",
                vec![],
            )
            .await
            .unwrap();
        let png = png.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
        let path = screenshot_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Ends the session, which closes the app.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
        // Drop stops tauri-driver and with it WebKitWebDriver.
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver (and so the app);
        // SIGKILL would leave them behind.
        let _ = Command::new("kill").arg("-TERM").arg(self.driver.id().to_string()).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(3) {
            if let Ok(Some(_)) = self.driver.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let installed = home.join("bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// axe-core (vendored in `tests/e2e/vendor/axe-core`), run inside the app.
const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");

impl App {
    /// Runs axe-core on the page against WCAG 2.1 A and AA and returns the
    /// violations as `rule: target …` lines (empty when there are none).
    pub async fn axe_violations(&self) -> Vec<String> {
        let loaded = self.client.execute("return typeof window.axe === 'object'", vec![]).await.unwrap();
        if loaded != Value::Bool(true) {
            self.client.execute(&format!("{AXE}\nreturn true;"), vec![]).await.expect("axe-core loads in the page");
        }
        let result = self
            .client
            .execute_async(
                "const done = arguments[0];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
                   .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ') + ' — ' + v.help)))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        result.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    }

    /// Visible interactive elements smaller than 48×48 CSS pixels.
    pub async fn small_targets(&self) -> Vec<String> {
        let result = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, select, label.choice'))
                   .filter(e => e.offsetParent !== null && !e.closest('.skip-link') && getComputedStyle(e).visibility !== 'hidden')
                   .filter(e => e.type !== 'radio' && e.type !== 'checkbox')
                   .map(e => [e, e.getBoundingClientRect()])
                   .filter(([e, r]) => r.width < 48 || r.height < 48)
                   .map(([e, r]) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));",
                vec![],
            )
            .await
            .unwrap();
        result.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    }

    /// Enrols the app as the nurse does on her page: opened with
    /// `nurse_code`, the activation `code` typed and sent, the service
    /// confirmed.
    pub async fn enrol_with_code(&self, nurse_code: &str, code: &str) {
        self.go("#/nurse").await;
        self.type_into("#nurse-code", nurse_code).await;
        self.click("#nurse-code-form button").await;
        self.wait_for_js("return !!document.getElementById('enrol-code')").await;
        self.type_into("#enrol-code", code).await;
        self.click("#enrol-code-form button").await;
        self.click("#enrol-confirm-yes").await;
        self.wait_for_text("#service-status", "Koblet til").await;
    }

    /// In a questionnaire: waits until the question on the screen is the
    /// item `link_id` (the screen is redrawn after each answer).
    pub async fn wait_for_question(&self, link_id: &str) {
        self.wait_for_js(&format!(
            "const q = document.querySelector('.question'); return !!q && q.dataset.linkId === '{link_id}'"
        ))
        .await
    }

    /// In a questionnaire: taps the `n`th answer button (1 is the first;
    /// for yes/no, 1 is yes).
    pub async fn answer(&self, n: usize) {
        self.click(&format!(".answer-choices button.answer:nth-child({n})")).await
    }

    /// Types into the element matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Goes to a route (`#/…`) as a click on a link would, and waits until
    /// the router has drawn it (the UI sets `body[data-ready]` after each
    /// route). The hash must differ from the current one.
    pub async fn go(&self, hash: &str) {
        self.client
            .execute(&format!("document.body.dataset.ready = 'false'; location.hash = {hash:?}"), vec![])
            .await
            .unwrap();
        self.wait_for_js("return document.body.dataset.ready === 'true'").await;
    }

    /// On the call screen: waits until the nurse's picture has been
    /// replaced `count` times and is a real 640×480 picture.
    /// On a timeout it says how far the pictures came.
    pub async fn wait_for_call_pictures(&self, count: u32) {
        let script = "const img = document.getElementById('call-remote'); \
            return img ? [Number(img.dataset.frame || 0), img.complete ? img.naturalWidth : -1, img.naturalHeight] : null";
        let started = Instant::now();
        loop {
            let seen = self.client.execute(script, vec![]).await;
            if let Ok(Value::Array(seen)) = &seen {
                let seen: Vec<i64> = seen.iter().map(|v| v.as_i64().unwrap_or(-2)).collect();
                if seen[0] >= i64::from(count) && seen[1] == 640 && seen[2] == 480 {
                    return;
                }
            }
            assert!(
                started.elapsed() < WAIT,
                "no {count} pictures of 640×480 from the other side: [frames, width, height] {seen:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Checks a screen: no axe violations, every target at least 48 px,
    /// and a screenshot `target/e2e/<name>.png`.
    pub async fn check_screen(&self, name: &str) {
        let violations = self.axe_violations().await;
        assert!(violations.is_empty(), "{name}: WCAG violations:\n{}", violations.join("\n"));
        let small = self.small_targets().await;
        assert!(small.is_empty(), "{name}: touch targets under 48 px: {small:?}");
        self.screenshot(name).await;
    }
}
