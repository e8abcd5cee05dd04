//! A call through a TURN relay in the real app: enrolled with a service
//! (test gateway over hfs, the test desk as its call endpoint), told to use
//! relay candidates only (`HEIMA_ICE_TRANSPORTS=relay`, as behind a
//! carrier-grade NAT), with coturn (Debian's) handing out time-limited
//! credentials through the desk's `Link` headers. First the credentials
//! have expired: the patient is told so in plain words. Then the service
//! hands out fresh ones: the patient calls, the nurse (headless Chromium,
//! relay only too) answers, pictures and sound go both ways, both sides'
//! selected candidates are relays, and coturn's own counters show the
//! media went through it.

use std::time::{Duration, Instant};

use heima_e2e::{
    nurse_desk::{nurse_browser, nurse_sees_and_hears_the_patient, run, selected_pair, DeskOptions, NurseDesk},
    service::TestService,
    App, Launch,
};
use heima_test_support::turn::Coturn;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_relay_only_call_with_expired_then_fresh_credentials() {
    let service = TestService::start([5, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4]).await;
    let coturn = Coturn::start().await;
    let now = jiff::Timestamp::now().as_second();
    let desk = NurseDesk::start(DeskOptions {
        token: None,
        ice_links: vec![coturn.link(now - 60)],
        ring_limit: Duration::from_secs(30),
        announce: None,
    })
    .await;
    service.take_calls_at(&desk);
    let data = tempfile::tempdir().unwrap();
    let service_env = service.env(Some(&desk));
    let mut env = service_env.vars();
    env.extend([("HEIMA_CALL_SOURCE", "test-pattern"), ("HEIMA_ICE_TRANSPORTS", "relay")]);
    let app = App::start(Launch { data_dir: Some(data.path()), env, ..Launch::default() }).await;
    app.enrol_with_code("7531", &service.code).await;

    // Expired credentials (asked twice): a clear message, no call.
    app.go("#/call").await;
    app.wait_for_text("#call-start", "Videosamtale med oppfølgingstjenesten").await;
    app.click("#call-start").await;
    let told = app.wait_for_text("main", "tilgangen til samtaletjenesten har gått ut").await;
    assert!(told.contains("ring oppfølgingstjenesten på telefon"), "{told}");
    app.screenshot("call-relay-expired-nb").await;
    assert_eq!(desk.ringing().await, 0, "nothing rang at the service");

    // Fresh credentials; the nurse's browser uses the relay only too.
    let in_an_hour = now + 3600;
    desk.set_ice_links(vec![coturn.link(in_an_hour)]).await;
    let nurse = nurse_browser(&desk.nurse_page()).await;
    let (username, credential) = coturn.credentials(in_an_hour);
    let config = json!({
        "iceServers": [{ "urls": format!("turn:127.0.0.1:{}?transport=udp", coturn.port),
                         "username": username, "credential": credential }],
        "iceTransportPolicy": "relay",
    });
    nurse.client.execute(&format!("window.rtcConfig = {config};"), vec![]).await.unwrap();
    app.go("#/today").await;
    app.go("#/call").await;
    app.wait_for_text("#call-start", "Videosamtale med oppfølgingstjenesten").await;
    app.click("#call-start").await;
    app.wait_for_text("#call-calling", "Ringer").await;
    let answered = run(&nurse.client, "window.answerNextCall()").await;
    assert!(answered.is_u64(), "{answered}");
    app.wait_for_js("return document.querySelector('.screen--call').dataset.state === 'connected'").await;
    app.wait_for_call_pictures(10).await;
    nurse_sees_and_hears_the_patient(&nurse.client).await;
    assert_eq!(selected_pair(&nurse.client).await, "relay/relay", "both sides talk through the relay");
    app.screenshot("call-relay-nb").await;
    app.click("#call-hang-up").await;
    app.wait_for_text("#call-ended", "Samtalen er avsluttet").await;
    // coturn writes each session's usage when it closes.
    let started = Instant::now();
    loop {
        let relayed = coturn.relayed();
        if relayed.sessions >= 2 && relayed.received_bytes > 100_000 && relayed.sent_bytes > 100_000 {
            eprintln!("coturn relayed {relayed:?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "coturn did not relay the call: {relayed:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    nurse.client.clone().close().await.unwrap();
    app.close().await;
}
