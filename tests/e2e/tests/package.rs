//! The installed release package (run by `scripts/package-test.sh` after it
//! has installed the release `.deb` with apt, with
//! `HEIMA_APP_BIN=/usr/bin/heima`), as a patient gets it: no `HEIMA_*`
//! variable reaches it, its data lives in the platform's folder of a fresh
//! home, and its store key in a real Secret Service (gnome-keyring, on the
//! test's own session bus, unlocked by the test). It shows the today
//! screen; a `heima-enrol:` link opened with `xdg-open` (as the tablet's
//! camera app would) reaches it — through the desktop entry's scheme, a
//! second start and the one-copy handover — and fills in the nurse's
//! enrolment form behind the demo's nurse code. A restart with hostile
//! `HEIMA_*` variables (another data folder, a key file, a nurse code)
//! changes nothing: the same store opens with the keyring's key (no key
//! file is made), nothing goes to the other folder, only the demo's code
//! opens the nurse's page, and a typed code goes nowhere (no endpoint).
//! Then, as a municipality installs it: `/etc/heima/config.toml` trusts
//! the service (hfs behind the test gateway, behind an HTTPS front whose
//! certificate authority the machine's store is given with
//! `update-ca-certificates`) and turns on the start at login; a
//! `heima-enrol:` link through `xdg-open` enrols the tablet, a weight typed
//! in arrives on the server, and a restart opens the same store with the
//! keyring's key, still enrolled. The test takes out the CA and the file
//! again. Not part of the plain test run: it needs the package installed,
//! and root (or sudo without a password) for `/etc`.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use fantoccini::Locator;
use heima_e2e::{app_binary, service::TestService, App, Home, Launch, SecretService, SessionBus, WAIT};
use heima_test_support::tls::{https_front, TestPki};

/// `command` as root: itself when the test is root, else through
/// `sudo -n` (the package test's apt steps need the same).
fn root_command(command: &[&str]) -> Command {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout == b"0\n");
    let mut run = Command::new(if root { command[0] } else { "sudo" });
    if !root {
        run.args(["-n", command[0]]);
    }
    run.args(&command[1..]);
    run
}

fn as_root(command: &[&str]) {
    let status = root_command(command).status().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(status.success(), "{command:?}: {status}");
}

/// What the municipality's installation puts on the machine: a CA in the
/// system's trust store and the system-wide configuration file. Taken out
/// again when dropped, also after a failed step (the guard exists before
/// the first change; `scripts/package-test.sh` checks afterwards, and
/// takes them out if a killed test could not).
struct Installed {
    made_etc_heima: bool,
}

impl Installed {
    const CA: &'static str = "/usr/local/share/ca-certificates/heima-package-test.crt";
    const CONFIG: &'static str = "/etc/heima/config.toml";

    fn new(pki: &TestPki, config: &str) -> Installed {
        assert!(!Path::new(Self::CONFIG).exists(), "{} is this machine's own; not replaced", Self::CONFIG);
        let installed = Installed { made_etc_heima: !Path::new("/etc/heima").exists() };
        let staged = tempfile::tempdir().unwrap();
        let (ca, toml) = (staged.path().join("ca.crt"), staged.path().join("config.toml"));
        std::fs::write(&ca, &pki.ca_pem).unwrap();
        std::fs::write(&toml, config).unwrap();
        as_root(&["install", "-m", "644", ca.to_str().unwrap(), Self::CA]);
        as_root(&["update-ca-certificates"]);
        as_root(&["install", "-D", "-m", "644", toml.to_str().unwrap(), Self::CONFIG]);
        installed
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        // Never a panic here (it may run while one unwinds): what fails is told.
        let mut steps = vec![vec!["rm", "-f", Self::CA, Self::CONFIG], vec!["update-ca-certificates"]];
        if self.made_etc_heima {
            steps.push(vec!["rmdir", "/etc/heima"]);
        }
        for step in steps {
            if !root_command(&step).status().is_ok_and(|s| s.success()) {
                eprintln!("package test: {step:?} failed; take it out by hand");
            }
        }
    }
}

/// Opens `link` with `xdg-open` in the environment `env` (no `HEIMA_*`).
async fn open_link(link: &str, env: &[(&str, &str)]) {
    let mut open = Command::new("xdg-open");
    for (name, _) in std::env::vars_os().filter(|(name, _)| name.to_string_lossy().starts_with("HEIMA_")) {
        open.env_remove(name);
    }
    let mut open = open.arg(link).envs(env.iter().copied()).spawn().expect("xdg-open");
    let started = Instant::now();
    let opened = loop {
        if let Some(status) = open.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < WAIT, "xdg-open did not return");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(opened.success(), "xdg-open found no handler for heima-enrol: {opened}");
}

/// The data folder of the installed app in the home `home`.
fn data_folder(home: &Path) -> std::path::PathBuf {
    home.join(".local/share/no.heima.patient")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_installed_release_keeps_its_key_in_the_keyring_and_ignores_heima_variables() {
    assert!(app_binary().starts_with("/usr/bin"), "the installed program, not {}", app_binary().display());
    let desktop = std::fs::read_to_string("/usr/share/applications/Heima.desktop").expect("the desktop entry");
    assert!(desktop.contains("MimeType=x-scheme-handler/heima-enrol") && desktop.contains("%u"), "{desktop}");

    let bus = SessionBus::start();
    let home = Home::new();
    let keyring = SecretService::start(&bus, home.path());
    let env = keyring.env(&home);
    let app = App::start(Launch { env: env.clone(), ..Launch::default() }).await;
    app.wait_for_text("main h1", "I dag").await;
    app.check_screen("installed-today-nb").await;
    let store = data_folder(home.path()).join("demo.db");
    assert!(store.exists(), "the store is in the platform's data folder: {}", store.display());
    assert!(
        keyring.holds_an_item(),
        "the store key is in the Secret Service, not in a file: {:?}",
        std::fs::read_dir(data_folder(home.path())).unwrap().flatten().map(|e| e.file_name()).collect::<Vec<_>>()
    );

    let code = heima_core::enrolment::new_code(&[5, 5, 3, 2, 1, 8, 9, 1, 2, 3, 4]);
    let link = format!("heima-enrol:?endpoint=https%3A%2F%2Fdho.heimbas.kommune.no%2Factivate&code={code}");
    open_link(&link, &env).await;
    app.wait_for_text("main h1", "Sykepleiersiden").await;
    app.type_into("#nurse-code", heima_core::app::DEMO_NURSE_CODE).await;
    app.click("#nurse-code-form button").await;
    app.wait_for_js(&format!("return document.getElementById('enrol-code')?.value === {link:?}")).await;
    app.check_screen("installed-link-nb").await;
    app.close().await;

    // A restart with hostile variables, as a local user could set them.
    let elsewhere = tempfile::tempdir().unwrap();
    let key_file = elsewhere.path().join("planted.key");
    let (elsewhere_str, key_file_str) =
        (elsewhere.path().to_str().unwrap().to_string(), key_file.to_str().unwrap().to_string());
    // An activation endpoint of the user's own: a listener that must never
    // hear from the app.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let own_endpoint = format!("http://{}/activate", listener.local_addr().unwrap());
    let mut hostile = env.clone();
    hostile.extend([
        ("HEIMA_ENROL_ENDPOINT", own_endpoint.as_str()),
        ("HEIMA_ALLOW_LOOPBACK_HTTP", "1"),
        ("HEIMA_DATA_DIR", elsewhere_str.as_str()),
        ("HEIMA_KEY_FILE", key_file_str.as_str()),
        ("HEIMA_NURSE_CODE", "7531"),
        ("HEIMA_TRUSTED_SERVICES", "https://evil.example=Falsk teneste"),
        ("HEIMA_SYSTEM_CONFIG", key_file_str.as_str()),
    ]);
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let before = inode(&store);
    let app = App::start(Launch { env: hostile, ..Launch::default() }).await;
    app.wait_for_text("main h1", "I dag").await;
    assert_eq!(inode(&store), before, "the same store opened with the keyring's key, not a new one");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing went to HEIMA_DATA_DIR");
    app.go("#/nurse").await;
    app.wait_for_text("main h1", "Sykepleiersiden").await;
    app.type_into("#nurse-code", "7531").await;
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#notices", "Feil kode").await;
    app.type_into("#nurse-code", heima_core::app::DEMO_NURSE_CODE).await;
    app.click("#nurse-code-form button").await;
    app.wait_for_js("return !!document.getElementById('enrol-code')").await;
    // A code typed by hand: the release has no endpoint for it (the
    // variable's is not read), so nothing is sent anywhere.
    app.type_into("#enrol-code", &code).await;
    app.click("#enrol-code-form button").await;
    app.wait_for_text("#notices", "Appen vet ikke hvor koden skal sendes").await;
    app.close().await;
    assert!(listener.accept().is_err(), "HEIMA_ENROL_ENDPOINT was used");
    assert!(!key_file.exists(), "HEIMA_KEY_FILE was used");

    // The municipality's installation: its service trusted, over HTTPS
    // with its own CA in the machine's store; start at login.
    let service = TestService::start([8, 6, 4, 2, 0, 9, 7, 5, 3, 1, 8]).await;
    service.post_plan(heima_core::demo::CAREPLAN_JSON).await;
    let pki = TestPki::new();
    let front = https_front(service.gateway.base.trim_start_matches("http://").to_string(), &pki).await;
    {
        let mut gateway = service.gateway.state.lock().unwrap();
        gateway.fhir_base_override = Some(format!("{front}/fhir"));
        gateway.public_base = Some(front.clone());
    }
    let installed = Installed::new(
        &pki,
        &format!("autostart = true\n\n[[trusted_service]]\norigin = \"{front}\"\nname = \"Testkommunen\"\n"),
    );
    let app = App::start(Launch { env: env.clone(), ..Launch::default() }).await;
    app.wait_for_text("main h1", "I dag").await;
    let endpoint: String = url::form_urlencoded::byte_serialize(format!("{front}/activate").as_bytes()).collect();
    open_link(&format!("heima-enrol:?endpoint={endpoint}&code={}", service.code), &env).await;
    app.wait_for_text("main h1", "Sykepleiersiden").await;
    app.type_into("#nurse-code", heima_core::app::DEMO_NURSE_CODE).await;
    app.click("#nurse-code-form button").await;
    app.wait_for_js("return (document.getElementById('enrol-code')?.value || '').startsWith('heima-enrol:')").await;
    app.click("#enrol-code-form button").await;
    app.click("#enrol-confirm-yes").await;
    app.wait_for_text("#service-status", "Koblet til").await;
    let enrolled = data_folder(home.path()).join("heima.db");
    assert!(enrolled.exists(), "the follow-up's store: {}", enrolled.display());

    // A weight typed in reaches the server.
    app.go("#/measure/body-weight").await;
    app.type_into("#manual-29463-7", "72,4").await;
    app.click("#manual-form button[type=submit]").await;
    app.wait_for_js("return !!document.getElementById('result')").await;
    let started = Instant::now();
    loop {
        let observations = service.direct().search_all("Observation").await.unwrap();
        if observations.iter().any(|o| o["valueQuantity"]["value"].as_f64() == Some(72.4)) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "the weight never reached the server: {observations:?}");
        app.go("#/settings").await;
        if let Ok(button) = app.client.find(Locator::Css("#sync-now")).await {
            let _ = button.click().await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    app.close().await;

    // A restart: the same store, opened with the keyring's key, enrolled.
    let before = inode(&enrolled);
    let app = App::start(Launch { env: env.clone(), ..Launch::default() }).await;
    app.go("#/settings").await;
    app.wait_for_text("#service-status", "Koblet til").await;
    assert_eq!(inode(&enrolled), before, "the same store opened");
    app.close().await;
    let autostart = home.path().join(".config/autostart/Heima.desktop");
    let entry = std::fs::read_to_string(&autostart).unwrap_or_else(|e| panic!("{}: {e}", autostart.display()));
    assert!(entry.contains("Exec=/usr/bin/heima"), "{entry}");
    drop(installed);
    drop(keyring);
    drop(bus);
}
