//! The Videosamtale screen in demo mode through the real app: call the
//! demo nurse and see her test picture, the plain message when the tablet
//! has no camera or microphone, mute and camera off, hang up; the demo
//! nurse calling the patient brings the call screen up by itself. Each
//! state checked with axe-core and for 48 px targets, with screenshots.

use heima_e2e::{App, Launch};

async fn start(source: &str) -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let app = App::start(Launch {
        data_dir: Some(data.path()),
        env: vec![("HEIMA_CALL_SOURCE", source)],
        ..Launch::default()
    })
    .await;
    (app, data)
}

#[tokio::test(flavor = "multi_thread")]
async fn calling_the_demo_nurse_without_camera_or_microphone_then_she_calls_back() {
    let (app, _data) = start("none").await;
    app.wait_for_text("main h1", "I dag").await;
    app.click("nav a[data-route=messages]").await;
    app.wait_for_text("main h1", "Meldinger").await;
    app.click("#call-open").await;
    app.wait_for_text("main h1", "Videosamtale").await;
    app.wait_for_text("main", "demosykepleier").await;
    app.check_screen("call-nb").await;

    app.click("#call-start").await;
    app.wait_for_js("return document.querySelector('.screen--call').dataset.state === 'connected'").await;
    app.wait_for_call_pictures(10).await;
    // No camera and no microphone here: said in plain words, and the
    // buttons for them cannot be pressed.
    app.wait_for_text("#call-problems", "Fant ikke noe kamera").await;
    app.wait_for_text("#call-problems", "Fant ingen mikrofon").await;
    app.wait_for_js(
        "return document.getElementById('call-camera').disabled && document.getElementById('call-mute').disabled",
    )
    .await;
    app.check_screen("call-connected-no-camera-nb").await;

    app.click("#call-hang-up").await;
    app.wait_for_js("return document.querySelector('#call-ended')?.dataset.reason === 'hung-up-here'").await;
    app.wait_for_text("#call-ended", "Samtalen er avsluttet").await;
    app.check_screen("call-ended-nb").await;

    // The demo nurse calls the patient (from the nurse's page); the call
    // screen comes up by itself even when the patient is elsewhere.
    app.go("#/nurse").await;
    app.type_into("#nurse-code", "2468").await;
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#call-demo-ring", "La demosykepleieren ringe").await;
    app.click("#call-demo-ring").await;
    app.wait_for_text("main h1", "Videosamtale").await;
    app.go("#/today").await;
    app.wait_for_js("return document.getElementById('main').dataset.screen === 'call'").await;
    app.wait_for_text("#call-incoming", "Sykepleieren ringer deg").await;
    app.check_screen("call-incoming-nb").await;
    app.click("#call-answer").await;
    app.wait_for_call_pictures(5).await;
    app.click("#call-hang-up").await;
    app.wait_for_text("#call-ended", "Samtalen er avsluttet").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_call_the_patient_sees_herself_and_can_mute_and_turn_the_camera_off_in_nynorsk() {
    let (app, _data) = start("test-pattern").await;
    app.wait_for_text("main h1", "I dag").await;
    app.click("nav a[data-route=settings]").await;
    app.click("label.choice:has(#language-nn)").await;
    app.wait_for_text("main h1", "Innstillingar").await;
    app.go("#/call").await;
    app.wait_for_text("#call-start", "Videosamtale med oppfølgingstenesta").await;
    app.click("#call-start").await;
    app.wait_for_text("#call-calling", "Ringjer").await;
    app.wait_for_call_pictures(10).await;
    // The self view shows what is sent; no device problems with a source.
    app.wait_for_js("const img = document.getElementById('call-self'); return !img.hidden && img.naturalWidth === 160")
        .await;
    assert!(app.texts("#call-problems p").await.is_empty());
    app.wait_for_text("#call-state", "Du er i samtale med sjukepleiaren").await;
    app.check_screen("call-nn").await;

    app.click("#call-mute").await;
    app.wait_for_js("const b = document.getElementById('call-mute'); return b.getAttribute('aria-pressed') === 'true' && b.textContent === 'Slå på mikrofonen'").await;
    app.click("#call-camera").await;
    app.wait_for_js("const b = document.getElementById('call-camera'); return b.getAttribute('aria-pressed') === 'true' && b.textContent === 'Slå på kameraet' && document.getElementById('call-self').hidden").await;
    app.click("#call-camera").await;
    app.wait_for_js("return document.getElementById('call-camera').getAttribute('aria-pressed') === 'false'").await;
    app.click("#call-hang-up").await;
    app.wait_for_text("#call-ended", "Samtalen er avslutta").await;
    app.close().await;
}
