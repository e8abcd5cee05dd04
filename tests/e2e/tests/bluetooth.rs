//! The real app with its real Bluetooth adapter (btleplug over BlueZ's
//! D-Bus API) against BlueZ simulated at that API
//! (`heima_test_support::bluez`), enrolled with hfs behind the test gateway
//! and the demo's plan: the nurse pairs a blood-pressure cuff, an oximeter
//! and a scale from her page; the patient measures with each, and each
//! reading is shown judged by the plan and arrives on the server. Then
//! BlueZ stops: the patient is told at once that Bluetooth does not work
//! now (and may type the reading), the devices screen says the service is
//! gone; when BlueZ is back the app finds it by itself and the next
//! reading arrives. The peripherals send the core simulator's bytes.

use std::time::{Duration, Instant};

use heima_core::{demo, plan::MeasurementKind};
use heima_e2e::{service::TestService, App, Launch};
use heima_test_support::bluez::{spec, Bluez};
use serde_json::{json, Value};

/// The device watch asks every 15 s and listens 8 s: a reading takes up to
/// half a minute to come.
const DEVICE_WAIT: Duration = Duration::from_secs(90);

/// Waits until `script` returns true in the app's page.
async fn until_page(app: &App, script: &str, within: Duration, what: &str) {
    let started = Instant::now();
    loop {
        if app.client.execute(script, vec![]).await.ok() == Some(Value::Bool(true)) {
            return;
        }
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

struct Device {
    kind: MeasurementKind,
    route: &'static str,
    address: &'static str,
    /// The LOINC code of its Observation.
    code: &'static str,
}

const DEVICES: [Device; 3] = [
    Device {
        kind: MeasurementKind::BloodPressure,
        route: "blood-pressure",
        address: "C0:FF:EE:00:00:01",
        code: "85354-9",
    },
    Device {
        kind: MeasurementKind::OxygenSaturation,
        route: "oxygen-saturation",
        address: "C0:FF:EE:00:00:02",
        code: "2708-6",
    },
    Device { kind: MeasurementKind::BodyWeight, route: "body-weight", address: "C0:FF:EE:00:00:03", code: "29463-7" },
];

/// The demo device of `kind` at its address, sending nothing until a
/// reading is taken on it ([`Bluez::add_live`]); its object path.
fn add(bluez: &Bluez, device: &Device) -> String {
    let simulated = demo::devices::device(device.kind, 11).unwrap();
    let mut spec = spec(device.address, &simulated);
    spec["live"] = json!([]);
    bluez.add_device_json(&spec)
}

/// The colour the demo plan gives the demo device's reading of `kind` at
/// `wobble`: the same bytes through the core's simulator and session.
async fn expected_colour(kind: MeasurementKind, wobble: u16) -> String {
    use heima_core::{
        clock::{oslo, FixedClock},
        devices::{session, simulator::SimulatedLink},
        store::{
            readings::{EnteredBy, Recorder},
            Store, StoreKey,
        },
    };
    let clock = FixedClock::oslo(jiff::Timestamp::now());
    let plan = demo::sample_plan(&clock);
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([4; 32])).unwrap();
    let mut link = SimulatedLink::new(demo::devices::device(kind, wobble).unwrap());
    let tz = oslo();
    let config = session::SessionConfig {
        device_id: "expected",
        time_zone: &tz,
        clock: &clock,
        last_sequence: None,
        set_clock: false,
        wait: Duration::from_millis(20),
    };
    let patient = Recorder::new(EnteredBy::Patient);
    let mut sink = heima_core::recording::StoreSink {
        store: &mut store,
        device_id: "expected",
        recorder: &patient,
        clock: &clock,
        plan: Some(&plan),
    };
    session::run(&mut link, &config, &mut sink).await;
    let readings = store.readings(kind, jiff::Timestamp::MIN, jiff::Timestamp::MAX).unwrap();
    readings[0].colour.clone().expect("the demo plan judges it")
}

/// A reading taken on the device, then "Mål med apparat" on its screen:
/// the result screen with its colour.
async fn measure(app: &App, bluez: &Bluez, path: &str, device: &Device, wobble: u16) -> String {
    let simulated = demo::devices::device(device.kind, wobble).unwrap();
    let values: Vec<(u16, Vec<u8>)> = simulated.live.iter().map(|n| (n.characteristic, n.bytes.clone())).collect();
    bluez.add_live(path, &values);
    app.go(&format!("#/measure/{}", device.route)).await;
    app.click("button[data-l10n-id=measure-with-device]").await;
    until_page(app, "return !!document.getElementById('result')", DEVICE_WAIT, device.route).await;
    let colour = app.client.execute("return document.getElementById('result').dataset.colour", vec![]).await.unwrap();
    colour.as_str().unwrap().to_string()
}

/// Observations on the server with `code` among their codings.
async fn count_on_server(direct: &heima_core::sync::client::FhirClient, code: &str) -> usize {
    let all = direct.search_all("Observation").await.unwrap();
    let has =
        |o: &Value| o["code"]["coding"].as_array().is_some_and(|codings| codings.iter().any(|c| c["code"] == code));
    all.iter().filter(|o| has(o)).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn devices_pair_and_measure_through_bluez_and_bluez_going_away_is_told() {
    let service = TestService::start([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4]).await;
    service.post_plan(demo::CAREPLAN_JSON).await;
    let mut bluez = Bluez::start();
    let paths: Vec<String> = DEVICES.iter().map(|d| add(&bluez, d)).collect();
    let data = tempfile::tempdir().unwrap();
    let service_env = service.env(None);
    let mut env = service_env.vars();
    env.push(("DBUS_SYSTEM_BUS_ADDRESS", &bluez.address));
    let app = App::start(Launch { data_dir: Some(data.path()), env, ..Launch::default() }).await;
    app.enrol_with_code("7531", &service.code).await;

    // The nurse pairs the three from her page (a scan through BlueZ).
    app.click("#pairing .button--big").await;
    for device in &DEVICES {
        let name = demo::devices::identity(device.kind).unwrap().3;
        until_page(
            &app,
            &format!("return !!document.querySelector(\"#found-devices li[data-id='{}'] button\")", device.address),
            Duration::from_secs(30),
            name,
        )
        .await;
        app.click(&format!("#found-devices li[data-id='{}'] button", device.address)).await;
        app.wait_for_text("#paired-devices", name).await;
    }

    // The patient measures with each: judged on the screen.
    for (device, path) in DEVICES.iter().zip(&paths) {
        let colour = measure(&app, &bluez, path, device, 23).await;
        assert_eq!(colour, expected_colour(device.kind, 23).await, "{}: judged by the plan", device.route);
    }
    // And on the server, each once.
    let direct = service.direct();
    let started = Instant::now();
    loop {
        let mut counts = vec![];
        for device in &DEVICES {
            counts.push(count_on_server(&direct, device.code).await);
        }
        if counts == [1, 1, 1] {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "on the server: {counts:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // BlueZ stops: measuring says so at once instead of waiting.
    bluez.stop_daemon();
    let oximeter = &DEVICES[1];
    app.go(&format!("#/measure/{}", oximeter.route)).await;
    app.click("button[data-l10n-id=measure-with-device]").await;
    until_page(
        &app,
        "return !!document.querySelector('#notices [data-code=bluetooth-unavailable]')",
        DEVICE_WAIT,
        "the patient is told",
    )
    .await;
    app.wait_for_text("#notices", "Bluetooth virker ikke på nettbrettet nå").await;
    app.screenshot("bluetooth-gone-measure-nb").await;
    app.go("#/devices").await;
    app.wait_for_text("#bluetooth-status", "fant ikke Bluetooth-tjenesten").await;
    app.screenshot("bluetooth-gone-devices-nb").await;

    // Back (the daemon knows its devices again): found by itself, measured.
    bluez.start_daemon();
    let paths: Vec<String> = DEVICES.iter().map(|d| add(&bluez, d)).collect();
    until_page(
        &app,
        "return !!document.querySelector('#bluetooth-status .notice--ok')",
        Duration::from_secs(60),
        "Bluetooth told available again",
    )
    .await;
    let colour = measure(&app, &bluez, &paths[1], oximeter, 77).await;
    assert_eq!(colour, expected_colour(oximeter.kind, 77).await, "judged by the plan");
    let started = Instant::now();
    while count_on_server(&direct, oximeter.code).await != 2 {
        assert!(started.elapsed() < Duration::from_secs(60), "the second oximeter reading on the server");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let calls = bluez.calls();
    assert!(calls.contains("StartNotify"), "{calls}");
    app.close().await;
}
