//! A video call in the real app, enrolled with a service: the app gets the
//! call endpoint with its tokens (activation code, test gateway over hfs),
//! the nurse is headless Chromium on the test desk. The patient calls and
//! hangs up; then the nurse calls, the call screen comes up by itself, the
//! patient answers, and the nurse hangs up. Pictures and sound are checked
//! on the nurse's side, the nurse's picture in the app.

use std::time::Duration;

use heima_e2e::{
    nurse_desk::{nurse_browser, nurse_sees_and_hears_the_patient, report, run, DeskOptions, NurseDesk, StunServer},
    service::TestService,
    App, Launch,
};

#[tokio::test(flavor = "multi_thread")]
async fn an_enrolled_tablet_calls_the_service_and_answers_the_nurse() {
    let service = TestService::start([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4]).await;
    let stun = StunServer::start().await;
    let desk = NurseDesk::start(DeskOptions {
        token: None,
        ice_links: vec![format!(r#"<stun:127.0.0.1:{}>; rel="ice-server""#, stun.port)],
        ring_limit: Duration::from_secs(30),
        announce: Some(service.announce()),
    })
    .await;
    service.take_calls_at(&desk);
    let code = service.code.clone();
    let data = tempfile::tempdir().unwrap();
    let service_env = service.env(Some(&desk));
    let mut env = service_env.vars();
    env.push(("HEIMA_CALL_SOURCE", "test-pattern"));
    let app = App::start(Launch { data_dir: Some(data.path()), env, ..Launch::default() }).await;
    app.go("#/nurse").await;
    app.type_into("#nurse-code", "7531").await;
    app.click("#nurse-code-form button").await;
    app.wait_for_text("#enrolment", "Aktiveringskode").await;
    app.type_into("#enrol-code", &code).await;
    app.click("#enrol-code-form button").await;
    app.wait_for_text("#enrol-confirm-question", "Testkommunen").await;
    app.click("#enrol-confirm-yes").await;
    app.wait_for_text("#service-status", "Koblet til Test service").await;

    // The patient calls and gives up while it rings: the call stops
    // ringing at the service.
    let nurse = nurse_browser(&desk.nurse_page()).await;
    app.go("#/call").await;
    app.wait_for_text("#call-start", "Videosamtale med oppfølgingstjenesten").await;
    app.click("#call-start").await;
    app.wait_for_text("#call-calling", "Ringer").await;
    let started = std::time::Instant::now();
    while desk.ringing().await == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the call never rang at the service");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.click("#call-cancel").await;
    app.wait_for_text("#call-ended", "Samtalen er avsluttet").await;
    let started = std::time::Instant::now();
    while desk.ringing().await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the call still rings at the service after the patient gave up"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The patient calls again; the nurse answers in her browser.
    app.wait_for_text("#call-start", "Videosamtale med oppfølgingstjenesten").await;
    app.click("#call-start").await;
    app.wait_for_text("#call-calling", "Ringer").await;
    let answered = run(&nurse.client, "window.answerNextCall()").await;
    assert!(answered.is_u64(), "{answered}");
    app.wait_for_js("return document.querySelector('.screen--call').dataset.state === 'connected'").await;
    app.wait_for_call_pictures(10).await;
    nurse_sees_and_hears_the_patient(&nurse.client).await;
    app.screenshot("call-service-nb").await;
    // The patient hangs up: the nurse's side ends too.
    app.click("#call-hang-up").await;
    app.wait_for_text("#call-ended", "Samtalen er avsluttet").await;
    let started = std::time::Instant::now();
    while report(&nurse.client).await["state"] != "closed" {
        assert!(started.elapsed() < Duration::from_secs(5), "the nurse's side did not end");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(report(&nurse.client).await["endedBy"], "patient");

    // The nurse calls; the call screen comes up by itself, wherever the patient is.
    app.go("#/today").await;
    let calling = {
        let client = nurse.client.clone();
        tokio::spawn(async move { run(&client, "window.callPatient()").await })
    };
    app.wait_for_js("return document.getElementById('main').dataset.screen === 'call'").await;
    app.wait_for_text("#call-incoming", "Sykepleieren ringer deg").await;
    app.click("#call-answer").await;
    assert_eq!(calling.await.unwrap(), "answered");
    app.wait_for_call_pictures(10).await;
    nurse_sees_and_hears_the_patient(&nurse.client).await;
    // The nurse hangs up: the app says so.
    run(&nurse.client, "window.hangUp()").await;
    app.wait_for_js("return document.querySelector('#call-ended')?.dataset.reason === 'hung-up-there'").await;
    app.wait_for_text("#call-ended", "Sykepleieren la på").await;
    app.screenshot("call-hung-up-there-nb").await;
    nurse.client.clone().close().await.unwrap();
    app.close().await;
}
