//! The tablet's life in the real app, against a real FHIR server (hfs)
//! behind the test authorisation gateway: patient A is enrolled, the nurse
//! opens her page with the tablet's own code, the app is killed right after
//! a token refresh (the next round after a restart still goes through),
//! A's settings file is lost (still A's enrolled tablet), A saves a copy
//! of their data in Documents, readings wait while the service is out of
//! reach, the nurse ends the follow-up (they are sent first; the copy is
//! named and removed), A's tokens are refused afterwards and the data
//! folder is empty; A leaves a hostile configuration file of their own,
//! which the next start tells and does not use; patient B is enrolled on
//! the same tablet and sees nothing of A's. What
//! the app wrote meanwhile (its log, its settings) holds no token,
//! identity number, name, Bluetooth address or reading value. And a lost
//! key: the recovery screen, the database's bytes untouched.

use std::{path::Path, time::Duration};

use fantoccini::Locator;
use heima_core::{
    enrolment::Enrolment,
    store::{readings::EnteredBy, Store, StoreKey},
    sync::client::FhirClient,
};
use heima_e2e::{App, Home, Launch};
use heima_test_support::{auth::AuthServer, hfs::Hfs};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

const T: Duration = Duration::from_secs(10);
const NAME: &str = "Ragnhild Testesen";
const FNR_A: &str = "01017012345";
const FNR_B: &str = "02028054321";
const SCALE: &str = "aa:bb:cc:00:00:07";
const TABLET_CODE: &str = "583920";

/// A patient with a name and a fødselsnummer on hfs, their plan (returned
/// as stored), and an activation code for them at the gateway.
async fn patient(
    direct: &FhirClient,
    gateway: &AuthServer,
    fnr: &str,
    seed: u8,
) -> (String, String, serde_json::Value) {
    let resource = json!({
        "resourceType": "Patient",
        "name": [{ "text": NAME }],
        "identifier": [{ "system": heima_core::enrolment::FNR_SYSTEM, "value": fnr }]
    });
    let id = direct.post("Patient", &resource).await.unwrap()["id"].as_str().unwrap().to_string();
    let mut plan: serde_json::Value = serde_json::from_str(heima_core::demo::CAREPLAN_JSON).unwrap();
    plan.as_object_mut().unwrap().remove("meta");
    plan["subject"] = json!({ "reference": format!("Patient/{id}") });
    let plan = direct.post("CarePlan", &plan).await.unwrap();
    let code = heima_core::enrolment::new_code(&[seed; 11]);
    gateway.state.lock().unwrap().activation_codes.insert(code.clone(), id.clone());
    (format!("Patient/{id}"), code, plan)
}

/// The installation's variables for a tablet that trusts `gateway`.
fn service_env(gateway: &AuthServer) -> [(&'static str, String); 3] {
    [
        ("HEIMA_ENROL_ENDPOINT", gateway.activation_endpoint()),
        ("HEIMA_TRUSTED_SERVICES", format!("{}=Testkommunen", gateway.base)),
        ("HEIMA_ALLOW_LOOPBACK_HTTP", "1".into()),
    ]
}

async fn type_code(app: &App, css: &str, text: &str) {
    let field = app.client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// From the today screen: the nurse's page, opened with `nurse_code`.
async fn open_nurse_page(app: &App, nurse_code: &str) {
    app.click("nav a[data-route=settings]").await;
    app.click("a[href='#/nurse']").await;
    app.wait_for_text("main h1", "Sykepleiersiden").await;
    type_code(app, "#nurse-code", nurse_code).await;
    app.click("#nurse-code-form button").await;
}

/// Enrols with a typed activation code and confirms the service.
async fn enrol(app: &App, code: &str) {
    app.wait_for_text("#enrolment", "Aktiveringskode").await;
    type_code(app, "#enrol-code", code).await;
    app.click("#enrol-code-form button").await;
    app.wait_for_text("#enrol-confirm-question", "Testkommunen").await;
    app.click("#enrol-confirm-yes").await;
    app.wait_for_text("#service-status", "Koblet til Test service").await;
}

/// Whether the demo banner is hidden.
async fn demo_banner_hidden(app: &App) -> bool {
    app.client.execute("return document.getElementById('demo-banner').hidden", vec![]).await.unwrap() == true
}

/// Every regular file under `dir`, with its contents.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lent_tablet_goes_from_one_patient_to_the_next() {
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let gateway = AuthServer::start(&hfs.base).await;
    {
        let mut state = gateway.state.lock().unwrap();
        state.nurse_code = Some(TABLET_CODE.into());
        // Access tokens that live a minute: every round refreshes first.
        state.expires_in = 60;
    }
    let (patient_a, code_a, mut plan_a) = patient(&direct, &gateway, FNR_A, 3).await;
    let (patient_b, code_b, _) = patient(&direct, &gateway, FNR_B, 4).await;

    let data = tempfile::tempdir().unwrap();
    let home = Home::new();
    let log = data.path().with_extension("log");
    let service = service_env(&gateway);
    let mut env = service.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>();
    env.extend([("HOME", home.home.as_str()), ("XDG_CONFIG_HOME", home.config.as_str())]);
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.clone(), log_to: Some(&log) }).await;

    // Before enrolment, the demo's code opens the nurse's page.
    open_nurse_page(&app, "2468").await;
    enrol(&app, &code_a).await;
    #[cfg(unix)]
    {
        assert_eq!(mode(data.path()), 0o700, "the data folder is private");
        for (file, _) in files_under(data.path()) {
            assert_eq!(mode(Path::new(&file)), 0o600, "{file}");
        }
    }
    let enrolment: Enrolment = heima_e2e::kept_enrolment(data.path()).expect("kept in the encrypted store");
    assert!(!data.path().join("test-store.key.service.json").exists(), "nothing beside the key");
    assert_eq!(enrolment.national_id.as_deref(), Some(&*format!("urn:oid:2.16.578.1.12.4.1.4.1|{FNR_A}")));

    // Once enrolled, only the tablet's own code opens the page.
    app.click("#nurse-lock").await;
    open_nurse_page(&app, "2468").await;
    app.wait_for_text("#notices", "Feil kode").await;
    type_code(&app, "#nurse-code", TABLET_CODE).await;
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#ending", "Avslutt oppfølgingen").await;

    // A crash right after a token refresh (the round still under way): the
    // rotated tokens were kept the moment they came, so after a restart the
    // next round refreshes with them instead of reading as a withdrawal.
    let refresh_token = || -> String { heima_e2e::kept_enrolment(data.path()).unwrap().refresh_token.unwrap() };
    let spent = refresh_token();
    gateway.state.lock().unwrap().fhir_delay_ms = 30_000;
    app.go("#/settings").await;
    app.click("#sync-now").await;
    let started = std::time::Instant::now();
    while refresh_token() == spent {
        assert!(started.elapsed() < heima_e2e::WAIT, "the rotated refresh token was not kept");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    heima_e2e::kill_app_process(data.path());
    app.close().await;
    let refreshes = {
        let mut state = gateway.state.lock().unwrap();
        state.fhir_delay_ms = 0;
        state.refreshes
    };
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.clone(), log_to: Some(&log) }).await;
    app.go("#/settings").await;
    app.wait_for_text("#service-status", "Test service").await;
    app.click("#sync-now").await;
    let started = std::time::Instant::now();
    while gateway.state.lock().unwrap().refreshes == refreshes {
        assert!(started.elapsed() < heima_e2e::WAIT, "no round refreshed after the crash");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The service ends A's plan; the patient saves a copy of their data in
    // Documents (the end must not leave it for the next borrower).
    plan_a["status"] = json!("completed");
    plan_a["period"]["end"] =
        json!((Timestamp::now() - SignedDuration::from_hours(24)).strftime("%Y-%m-%d").to_string());
    hfs.update(&plan_a).await;
    app.go("#/today").await;
    let started = std::time::Instant::now();
    loop {
        app.go("#/settings").await;
        app.click("#sync-now").await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        app.go("#/today").await;
        if app.client.find(Locator::Css("#ended-export")).await.is_ok() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the end of the plan did not arrive");
    }
    app.click("#ended-export").await;
    let saved = app.wait_for_text("#export-saved", "Dataene er lagret i").await;
    let copy = saved.trim_start_matches("Dataene er lagret i").split(". Flytt").next().unwrap().trim().to_string();
    assert!(copy.starts_with(&home.home) && Path::new(&copy).exists(), "{copy}");

    // Readings taken while the service is out of reach: they wait.
    gateway.state.lock().unwrap().reject_all_fhir = true;
    let key = StoreKey::from_hex(&std::fs::read_to_string(data.path().join("test-store.key")).unwrap()).unwrap();
    {
        let mut store = Store::open(&data.path().join("heima.db"), &key, Timestamp::now()).unwrap().store;
        let now = Timestamp::now();
        let ms: Vec<_> = (0..3)
            .map(|n| {
                let at = now - SignedDuration::from_mins(10 + n);
                heima_test_support::readings::weight(81_234 + n as i32, at, SCALE, &format!("life-{n}"))
            })
            .collect();
        heima_test_support::readings::store_unjudged(&mut store, &ms, EnteredBy::Patient);
    }
    let settings_written = std::fs::read(data.path().join("settings.json")).unwrap();
    // The log file (in the data folder's `logs` here), before the end removes it.
    let file_log = std::fs::read(data.path().join("logs/heima.log")).expect("the app logs to a file");

    // The settings file is lost: the tablet starts as the same enrolled
    // tablet (its readings wait to be sent), not as the demo, and the
    // demo's code opens nothing.
    app.close().await;
    std::fs::remove_file(data.path().join("settings.json")).unwrap();
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.clone(), log_to: Some(&log) }).await;
    assert!(demo_banner_hidden(&app).await, "not the demo");
    open_nurse_page(&app, "2468").await;
    app.wait_for_text("#notices", "Feil kode").await;
    type_code(&app, "#nurse-code", TABLET_CODE).await;
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#service-status", "Test service").await;
    app.click("#end-open").await;
    app.wait_for_text("#end-panel", "Ikke sendt ennå: 3 målinger").await;
    app.wait_for_text("#end-copies", "En fil med pasientens data er lagret på nettbrettet").await;
    app.check_screen("nurse-end-nb").await;
    // Back in reach: the nurse sends and ends.
    gateway.state.lock().unwrap().reject_all_fhir = false;
    app.click("#end-send").await;
    app.wait_for_text("#goodbye", "Oppfølgingen er avsluttet").await;
    app.wait_for_text("#goodbye", "Måleapparatene").await;
    app.check_screen("goodbye-nb").await;

    // On the server: A's readings, under A's name only.
    let all = direct.search_all("Observation").await.unwrap();
    assert_eq!(all.iter().filter(|o| o["subject"]["reference"] == patient_a.as_str()).count(), 3, "sent first");
    // A's tokens are refused by the service now.
    let with_a = FhirClient::new(&enrolment.fhir_base, T, Some(enrolment.access_token.clone())).unwrap();
    assert_eq!(with_a.count("Observation").await.unwrap_err().code(), "sync-unauthorised");
    let refresh = heima_core::sync::enrol::refresh(&enrolment, T, Timestamp::now()).await.unwrap_err();
    assert_eq!(refresh.code(), "sync-revoked");
    // The push channel was set up and removed through the gateway, and
    // every call the app made was covered by the scopes it asked for.
    {
        let state = gateway.state.lock().unwrap();
        assert!(state.requests.iter().any(|r| r == "POST /fhir/Subscription"), "push set up");
        assert!(state.requests.iter().any(|r| r.starts_with("DELETE /fhir/Subscription/")), "push removed at the end");
        assert!(state.scope_refusals.is_empty(), "calls outside the scopes: {:?}", state.scope_refusals);
        // Each request says which build sent it.
        let expected = format!("Heima/{} (linux)", env!("CARGO_PKG_VERSION"));
        let others: Vec<&String> = state.user_agents.iter().filter(|ua| **ua != expected).collect();
        assert!(others.is_empty(), "requests without {expected:?}: {others:?}");
    }
    // Nothing is left on the tablet.
    let left: Vec<String> = files_under(data.path()).into_iter().map(|(f, _)| f).collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(!Path::new(&copy).exists(), "the copy in Documents went with the end");
    app.close().await;

    // What the app wrote holds nothing personal or secret.
    let mut written = files_under(data.path());
    written.push(("settings.json (before the end)".into(), settings_written));
    written.push(("logs/heima.log (before the end)".into(), file_log));
    written.push((log.display().to_string(), std::fs::read(&log).unwrap()));
    assert!(String::from_utf8_lossy(&written.last().unwrap().1).contains("follow-up ended"), "the log was captured");
    let secrets = [
        enrolment.access_token.as_str(),
        enrolment.refresh_token.as_deref().unwrap(),
        FNR_A,
        NAME,
        "Ragnhild",
        SCALE,
        "81.234",
        "81234",
        TABLET_CODE,
        patient_a.trim_start_matches("Patient/"),
    ];
    for (file, bytes) in &written {
        let text = String::from_utf8_lossy(bytes);
        for secret in secrets {
            assert!(!text.contains(secret), "{file} holds {secret:?}");
        }
    }

    // A left a configuration file of their own: it names an activation
    // endpoint and a "trusted" service of A's choosing (a listener that
    // must never hear from the tablet).
    let hostile = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    hostile.set_nonblocking(true).unwrap();
    let hostile_origin = format!("https://127.0.0.1:{}", hostile.local_addr().unwrap().port());
    let user_file = Path::new(&home.config).join("heima/config.toml");
    std::fs::create_dir_all(user_file.parent().unwrap()).unwrap();
    std::fs::write(
        &user_file,
        format!("activation_endpoint = \"{hostile_origin}/activate\"\n\n[[trusted_service]]\norigin = \"{hostile_origin}\"\nname = \"Testkommunen\"\n"),
    )
    .unwrap();

    // The next patient on the same tablet: a new start, nothing of A's.
    // This installation names no activation endpoint: a typed code needs
    // the QR code's.
    env.retain(|(k, _)| *k != "HEIMA_ENROL_ENDPOINT");
    let app = App::start(Launch { data_dir: Some(data.path()), env, log_to: Some(&log) }).await;
    app.wait_for_js("return !document.getElementById('demo-banner').hidden").await;
    app.wait_for_text("#notices", "activation_endpoint på linje 1").await;
    app.wait_for_text("#notices", "trusted_service på linje 3").await;
    open_nurse_page(&app, "2468").await;
    app.wait_for_text("#enrolment", "Aktiveringskode").await;
    type_code(&app, "#enrol-code", &code_b).await;
    app.click("#enrol-code-form button").await;
    app.wait_for_text("#notices", "Appen vet ikke hvor koden skal sendes").await;
    let endpoint: String = url::form_urlencoded::byte_serialize(gateway.activation_endpoint().as_bytes()).collect();
    enrol(&app, &format!("heima-enrol:?endpoint={endpoint}&code={code_b}")).await;
    assert!(hostile.accept().is_err(), "the user's file sent the tablet to its own endpoint");
    let copies: Vec<String> = files_under(home.path())
        .into_iter()
        .map(|(f, _)| f)
        .filter(|f| f.contains("heima-") && f.ends_with(".json"))
        .collect();
    assert!(copies.is_empty(), "a copy of A's data is left in the home: {copies:?}");
    app.click("#nurse-lock").await;
    app.click("nav a[data-route=today]").await;
    app.wait_for_text("main h1", "I dag").await;
    assert!(app.texts("#latest").await.is_empty(), "no reading of A's is shown");
    app.click("nav a[data-route=messages]").await;
    app.wait_for_text("main h1", "Meldinger").await;
    assert!(app.texts(".message-body").await.is_empty(), "no message of A's is shown");
    app.close().await;
    let all = direct.search_all("Observation").await.unwrap();
    assert!(all.iter().all(|o| o["subject"]["reference"] == patient_a.as_str()), "nothing under B's name");
    assert!(!all.iter().any(|o| o["subject"]["reference"] == patient_b.as_str()));
}

/// The keyring lost the database's key: the recovery screen, and the
/// database file's bytes exactly as they were.
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_key_shows_the_recovery_screen_and_touches_nothing() {
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let gateway = AuthServer::start(&hfs.base).await;
    let (_, code, _) = patient(&direct, &gateway, FNR_A, 5).await;
    let data = tempfile::tempdir().unwrap();
    let service = service_env(&gateway);
    let mut env = service.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>();
    env.push(("HEIMA_NURSE_CODE", "7531"));
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.clone(), ..Launch::default() }).await;
    open_nurse_page(&app, "7531").await;
    enrol(&app, &code).await;
    app.close().await;

    let database = data.path().join("heima.db");
    let before = std::fs::read(&database).unwrap();
    std::fs::remove_file(data.path().join("test-store.key")).unwrap();
    let app = App::start(Launch { data_dir: Some(data.path()), env, ..Launch::default() }).await;
    app.wait_for_text("#recovery", "Spør sykepleieren din").await;
    app.wait_for_text("#recovery", "Ingenting er slettet").await;
    // The plan cannot be read: the national numbers, for what cannot wait.
    let calls = app.texts("#recovery-calls .result-call").await;
    assert!(calls[0].contains("116 117") && calls[1].contains("113"), "{calls:?}");
    app.check_screen("recovery-nb").await;
    assert_eq!(app.texts("nav a:not([hidden])").await, ["I dag", "Innstillinger"], "only tabs that lead somewhere");
    // Only the nurse's way out is offered.
    app.click("#recovery-nurse").await;
    type_code(&app, "#nurse-code", "7531").await;
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#ending", "Avslutt oppfølgingen").await;
    app.close().await;
    assert_eq!(std::fs::read(&database).unwrap(), before, "the database is untouched");
    assert!(!data.path().join("test-store.key").exists(), "no new key was made");
}
