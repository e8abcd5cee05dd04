//! Sync in the real app against a real FHIR server (hfs) behind the test
//! authorisation gateway: the nurse types the activation code, the plan
//! comes down, 400 waiting readings go up with a progress bar and show as
//! sent, and a revoked tablet shows "ask your nurse" and keeps its data.

use std::time::{Duration, Instant};

use heima_core::{
    measurement::Measurement,
    store::{readings::EnteredBy, Store, StoreKey},
    sync::client::FhirClient,
};
use heima_e2e::{App, Launch, ServiceEnv};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

#[allow(dead_code)]
use heima_test_support::{auth, hfs};

const READINGS: usize = 400;

fn weights(now: Timestamp) -> Vec<Measurement> {
    (0..READINGS)
        .map(|n| {
            // The newest a minute ago: today's latest reading.
            let at = now - SignedDuration::from_mins(1 + (READINGS - n) as i64 * 3);
            heima_test_support::readings::weight(81_000 + n as i32, at, "aa:bb:cc:00:00:01", &format!("e2e-{n}"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn enrol_with_a_code_send_with_progress_and_ask_the_nurse_when_revoked() {
    let hfs = hfs::Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let patient = json!({ "resourceType": "Patient",
        "name": [{ "given": ["Kari"], "family": "Nordmann" }], "birthDate": "1944-03-12" });
    let patient = direct.post("Patient", &patient).await.unwrap();
    let patient_id = patient["id"].as_str().unwrap().to_string();
    let mut plan: serde_json::Value = serde_json::from_str(heima_core::demo::CAREPLAN_JSON).unwrap();
    plan.as_object_mut().unwrap().remove("meta");
    plan["subject"] = json!({ "reference": format!("Patient/{patient_id}") });
    direct.post("CarePlan", &plan).await.unwrap();
    let gateway = auth::AuthServer::start(&hfs.base).await;
    let code = heima_core::enrolment::new_code(&[1, 1, 2, 3, 5, 8, 13, 21, 3, 24, 14]);
    gateway.state.lock().unwrap().activation_codes.insert(code.clone(), patient_id.clone());

    let data = tempfile::tempdir().unwrap();
    let service = ServiceEnv::new(&gateway, None);
    let app = App::start(Launch { data_dir: Some(data.path()), env: service.vars(), ..Launch::default() }).await;
    app.click("nav a[data-route=settings]").await;
    app.wait_for_text("#service-status", "Demo").await;
    // The demo's privacy notice says first that nothing leaves the tablet.
    app.click("#privacy-open").await;
    app.wait_for_text("#privacy", "Dette er demoen av Heima").await;
    app.click("#privacy-back").await;
    // Enrolment is the nurse's, behind the nurse code.
    app.click("a[href='#/nurse']").await;
    app.wait_for_text("main h1", "Sykepleiersiden").await;
    let code_field = app.client.find(fantoccini::Locator::Css("#nurse-code")).await.unwrap();
    code_field.send_keys("0000").await.unwrap();
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#notices", "Feil kode").await;
    let code_field = app.client.find(fantoccini::Locator::Css("#nurse-code")).await.unwrap();
    code_field.send_keys("7531").await.unwrap();
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#enrolment", "Aktiveringskode").await;

    // A typo first: a clear message, nothing changes.
    let field = app.client.find(fantoccini::Locator::Css("#enrol-code")).await.unwrap();
    field.send_keys("ABCD-EFGH-JKMN").await.unwrap();
    app.click("#enrol-code-form button").await;
    app.wait_for_text("#notices", "Koden stemmer ikke").await;
    field.clear().await.unwrap();
    // Read out and typed the way people type: lower case, spaces.
    field.send_keys(&code.to_lowercase().replace('-', " ")).await.unwrap();
    app.click("#enrol-code-form button").await;
    // The nurse sees the service by the name this tablet trusts it under,
    // with its host, and confirms.
    let host = gateway.base.trim_start_matches("http://").to_string();
    app.wait_for_text("#enrol-confirm-question", "Testkommunen").await;
    app.wait_for_text("#enrol-confirm-question", &host).await;
    // And the patient the service names, so she knows it is this record.
    app.wait_for_text("#enrol-confirm-patient", "Kari Nordmann, født 12. mars 1944").await;
    app.check_screen("nurse-enrol-confirm-nb").await;
    app.click("#enrol-confirm-yes").await;
    app.wait_for_text("#service-status", "Koblet til Test service").await;
    app.check_screen("nurse-enrolled-nb").await;

    // The plan comes down from the service.
    app.click("nav a[data-route=today]").await;
    let started = Instant::now();
    while app.texts("li.task").await.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "the plan never came down");
        app.click("nav a[data-route=settings]").await;
        app.click("nav a[data-route=today]").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(app.texts("#demo-banner:not([hidden])").await.is_empty(), "no demo banner once enrolled");

    // The new follow-up's patient is asked to read the privacy notice,
    // which names the service responsible; once read, it is not asked
    // again, and the settings lead back to it.
    app.click("#privacy-ask-open").await;
    app.wait_for_text("#privacy", "Test service har ansvaret for opplysningene dine").await;
    app.wait_for_text("#privacy", "Hvor lenge").await;
    assert!(app.texts("#privacy .notice").await.is_empty(), "not the demo's words once enrolled");
    app.check_screen("privacy-nb").await;
    app.click("#privacy-read").await;
    app.wait_for_js("return document.getElementById('main').dataset.screen === 'today'").await;
    app.wait_for_js("return !document.getElementById('privacy-ask') && document.body.dataset.ready === 'true'").await;
    app.click("nav a[data-route=settings]").await;
    app.click("#privacy-open").await;
    app.wait_for_text("#privacy-back", "Tilbake til innstillingene").await;

    // 400 readings wait (stored while offline, straight into the app's
    // database); the network is slow.
    let key = StoreKey::from_hex(&std::fs::read_to_string(data.path().join("test-store.key")).unwrap()).unwrap();
    {
        let mut store = Store::open(&data.path().join("heima.db"), &key, Timestamp::now()).unwrap().store;
        let ms = weights(Timestamp::now());
        heima_test_support::readings::store_unjudged(&mut store, &ms, EnteredBy::Patient);
    }
    app.click("nav a[data-route=today]").await;
    app.wait_for_text("#latest", "Venter på å bli sendt").await;
    app.screenshot("today-waiting-nb").await;

    gateway.state.lock().unwrap().fhir_delay_ms = 700;
    app.click("nav a[data-route=settings]").await;
    app.wait_for_text("#service-status", "400 venter").await;
    app.click("#sync-now").await;
    // The progress bar shows while the batches go.
    let progress = app.wait_for_text("#service-status", "Sender ").await;
    assert!(progress.contains(" av 400"), "{progress}");
    let bar = app
        .client
        .execute("const p = document.getElementById('sync-progress'); return p ? [p.value, p.max] : null", vec![])
        .await
        .unwrap();
    assert_eq!(bar[1], 400, "{bar:?}");
    app.screenshot("settings-progress-nb").await;
    gateway.state.lock().unwrap().fhir_delay_ms = 0;
    app.wait_for_js(
        "const c = document.querySelector('#service-status .service-counts'); return !!c && c.dataset.waiting === '0'",
    )
    .await;
    // The 400 readings and the app's own gateway Device, sent at the first
    // round (the counts are of everything sent, devices and notices too).
    app.wait_for_text("#service-status", "401 sendt, 0 venter").await;
    assert_eq!(direct.count("Observation").await.unwrap(), READINGS as u64, "every reading on the server once");

    app.click("nav a[data-route=today]").await;
    app.wait_for_text("#latest", "Sendt til oppfølgingstjenesten").await;
    app.screenshot("today-sent-nb").await;

    // The service withdraws the tablet: "ask your nurse", nothing deleted.
    gateway.state.lock().unwrap().revoke_all();
    app.click("nav a[data-route=settings]").await;
    app.click("#sync-now").await;
    app.wait_for_text("#service-status", "ikke lenger koblet til").await;
    app.click("nav a[data-route=today]").await;
    app.wait_for_text("#revoked", "Spør sykepleieren din").await;
    app.wait_for_text("#revoked", "tatt vare på").await;
    app.check_screen("revoked-nb").await;
    app.close().await;
    let store = Store::open(&data.path().join("heima.db"), &key, Timestamp::now()).unwrap().store;
    assert_eq!(store.reading_count().unwrap(), READINGS as i64);
}

/// `text` as a QR code in a PNG file (8 pixels a module, a quiet zone of
/// four modules), as a service prints it.
fn qr_png(text: &str, path: &std::path::Path) {
    let (side, pixels) = heima_test_support::photos::qr_code(text, 8, 0, 255);
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header().unwrap().write_image_data(&pixels).unwrap();
}

/// Enrolment by the tablet's own camera: the QR code of a test enrolment
/// (a PNG fed through the camera's GStreamer pipeline, as if held in
/// front of it) is read on the nurse's page and goes through the same
/// checks as a typed code: the trusted service is named for the nurse to
/// confirm, and the tablet is then enrolled. In Nynorsk, after the
/// Bokmål page with the scan button.
#[tokio::test(flavor = "multi_thread")]
async fn the_nurse_enrols_the_tablet_by_scanning_the_qr_code_with_its_camera() {
    let service = heima_e2e::service::TestService::start([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]).await;
    let endpoint =
        url::form_urlencoded::byte_serialize(service.gateway.activation_endpoint().as_bytes()).collect::<String>();
    let link = format!("heima-enrol:?endpoint={endpoint}&code={}", service.code);
    let data = tempfile::tempdir().unwrap();
    let picture = data.path().join("enrolment-qr.png");
    qr_png(&link, &picture);
    let service_env = ServiceEnv::new(&service.gateway, None);
    let mut env = service_env.vars();
    let picture_path = picture.to_str().unwrap().to_string();
    env.push(("HEIMA_CAMERA_IMAGE", &picture_path));
    let app = App::start(Launch { data_dir: Some(data.path()), env, ..Launch::default() }).await;
    app.go("#/nurse").await;
    app.type_into("#nurse-code", "7531").await;
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#enrol-scan-start", "Skann QR-koden med kameraet").await;
    app.check_screen("enrol-scan-nb").await;

    app.go("#/settings").await;
    app.click("#language-nn").await;
    app.wait_for_text("main h1", "Innstillingar").await;
    // Leaving her page locked it: the code again.
    app.go("#/nurse").await;
    app.type_into("#nurse-code", "7531").await;
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#enrol-scan-start", "Skann QR-koden med kameraet").await;
    app.click("#enrol-scan-start").await;
    app.wait_for_text("#scan-status", "QR-koden er lesen").await;
    app.wait_for_js(&format!("return document.getElementById('enrol-code').value === {link:?}")).await;
    app.wait_for_text("#enrol-confirm-question", "Testkommunen").await;
    app.check_screen("enrol-scan-read-nn").await;
    app.click("#enrol-confirm-yes").await;
    app.wait_for_text("#service-status", "Test service").await;
    let activated = service.gateway.state.lock().unwrap().activation_codes.contains_key(&service.code);
    assert!(!activated, "the code was used (single use)");
    app.close().await;
}

/// A photo for the plan, through the real app: the test camera (a phone's
/// photo with EXIF and a place, fed through the camera's pipeline) shows
/// the live view, "Ta bildet" takes a still, the photo is shown with its
/// size before "Send bildet", and it reaches the server as a `Media`
/// without any metadata; the history shows it, sent, in Nynorsk.
#[tokio::test(flavor = "multi_thread")]
async fn a_photo_taken_with_the_test_camera_reaches_the_server_without_metadata() {
    use base64::Engine;
    let service = heima_e2e::service::TestService::start([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 5]).await;
    service.post_plan(heima_core::demo::CAREPLAN_JSON).await;
    let data = tempfile::tempdir().unwrap();
    let picture = data.path().join("legs.jpg");
    let original = heima_test_support::photos::phone_photo(1600, 1200, 1);
    assert!(heima_core::photo::has_metadata(&original));
    std::fs::write(&picture, &original).unwrap();
    let service_env = ServiceEnv::new(&service.gateway, None);
    let mut env = service_env.vars();
    let picture_path = picture.to_str().unwrap().to_string();
    env.push(("HEIMA_CAMERA_IMAGE", &picture_path));
    let app = App::start(Launch { data_dir: Some(data.path()), env, ..Launch::default() }).await;
    app.enrol_with_code("7531", &service.code).await;
    let started = Instant::now();
    while app.texts("li.task[data-activity=leg-photo]").await.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "the plan never came");
        app.go("#/settings").await;
        if let Ok(button) = app.client.find(fantoccini::Locator::Css("#sync-now")).await {
            let _ = button.click().await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        app.go("#/today").await;
    }
    app.wait_for_text("li.task[data-activity=leg-photo]", "Bilde: Leggene og anklene").await;
    app.click("li.task[data-activity=leg-photo] a").await;
    app.wait_for_text("#photo h1", "Bilde: Leggene og anklene").await;
    app.check_screen("photo-nb").await;
    app.click("#photo-camera").await;
    app.wait_for_js("return Number(document.getElementById('photo-live')?.dataset.frame || 0) >= 2").await;
    app.wait_for_js("return !document.getElementById('photo-take').disabled").await;
    app.check_screen("photo-camera-nb").await;
    app.click("#photo-take").await;
    app.wait_for_text("#photo-facts", "× 960 punkter").await;
    app.wait_for_text("#photo-facts", "Sted og andre skjulte opplysninger er fjernet").await;
    app.wait_for_js("return document.getElementById('photo-preview').naturalWidth === 1280").await;
    app.check_screen("photo-preview-nb").await;
    app.click("#photo-keep").await;
    app.wait_for_text("#photo-kept", "Bildet er lagret klokka").await;

    // On the server: one Media, the photo without any metadata.
    let started = Instant::now();
    let media = loop {
        let found = service.direct().search_all("Media").await.unwrap();
        if let Some(m) = found.into_iter().next() {
            break m;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the photo never reached the server");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(media["subject"]["reference"], format!("Patient/{}", service.patient_id));
    assert_eq!(media["content"]["title"], "Leggene og anklene");
    let jpeg = base64::engine::general_purpose::STANDARD.decode(media["content"]["data"].as_str().unwrap()).unwrap();
    assert!(!heima_core::photo::has_metadata(&jpeg), "no EXIF, no place on the server");
    assert!(!jpeg.windows(5).any(|w| w == b"Phone"), "no camera make");
    assert!(jpeg.len() <= heima_core::photo::MOST_BYTES);
    assert_eq!((media["width"].as_u64(), media["height"].as_u64()), (Some(1280), Some(960)));
    let mut shown = media.clone();
    shown["content"]["data"] = json!(format!("<{} bytes of JPEG, base64>", jpeg.len()));
    println!("Media on the server: {shown}");

    app.go("#/settings").await;
    app.click("#language-nn").await;
    app.wait_for_text("main h1", "Innstillingar").await;
    app.go("#/history/photos/7").await;
    app.wait_for_text("#history-photos", "Bilete: Leggene og anklene").await;
    app.wait_for_text("#history-photos", "Sendt til oppfølgingstenesta").await;
    app.wait_for_js("return document.querySelector('#history-photos img').naturalWidth === 1280").await;
    app.check_screen("history-photos-nn").await;
    app.close().await;
}
