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
//! opens the nurse's page, and a typed code goes nowhere (no endpoint). Not part of the plain test run:
//! it needs the package installed.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use heima_e2e::{app_binary, App, Home, Launch, SecretService, SessionBus, WAIT};

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
    let mut open = Command::new("xdg-open");
    for (name, _) in std::env::vars_os().filter(|(name, _)| name.to_string_lossy().starts_with("HEIMA_")) {
        open.env_remove(name);
    }
    let mut open = open.arg(&link).envs(env.iter().copied()).spawn().expect("xdg-open");
    let started = Instant::now();
    let opened = loop {
        if let Some(status) = open.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < WAIT, "xdg-open did not return");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(opened.success(), "xdg-open found no handler for heima-enrol: {opened}");
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
    drop(keyring);
    drop(bus);
}
