//! The installed package (run by `scripts/package-test.sh` after it has
//! installed the `.deb` with apt, with `HEIMA_APP_BIN=/usr/bin/heima`): the
//! installed program shows the today screen, and a `heima-enrol:` link
//! opened with `xdg-open` (as the tablet's camera app would) reaches it —
//! through the desktop entry's scheme, a second start and the one-copy
//! handover — and fills in the nurse's enrolment form, still waiting for
//! her confirmation. Not part of the plain test run: it needs the package
//! installed.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use heima_e2e::{app_binary, App, Launch, WAIT};

#[tokio::test(flavor = "multi_thread")]
async fn the_installed_program_opens_a_heima_enrol_link() {
    assert!(app_binary().starts_with("/usr/bin"), "the installed program, not {}", app_binary().display());
    let desktop = std::fs::read_to_string("/usr/share/applications/Heima.desktop").expect("the desktop entry");
    assert!(desktop.contains("MimeType=x-scheme-handler/heima-enrol") && desktop.contains("%u"), "{desktop}");

    let bus = heima_e2e::SessionBus::start();
    let address = bus.address.clone();
    let data = tempfile::tempdir().unwrap();
    let env = vec![("DBUS_SESSION_BUS_ADDRESS", address.as_str()), ("HEIMA_NURSE_CODE", "7531")];
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.clone(), ..Launch::default() }).await;
    app.wait_for_text("main h1", "I dag").await;
    app.check_screen("installed-today-nb").await;

    let code = heima_core::enrolment::new_code(&[5, 5, 3, 2, 1, 8, 9, 1, 2, 3, 4]);
    let link = format!("heima-enrol:?endpoint=https%3A%2F%2Fdho.heimbas.kommune.no%2Factivate&code={code}");
    let mut open = Command::new("xdg-open")
        .arg(&link)
        .env("HEIMA_DATA_DIR", data.path())
        .env("HEIMA_KEY_FILE", data.path().join("test-store.key"))
        .envs(env.iter().copied())
        .spawn()
        .expect("xdg-open");
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
    app.type_into("#nurse-code", "7531").await;
    app.click("#nurse-code-form button").await;
    app.wait_for_js(&format!("return document.getElementById('enrol-code')?.value === {link:?}")).await;
    app.check_screen("installed-link-nb").await;
    app.close().await;
    drop(bus);
}
