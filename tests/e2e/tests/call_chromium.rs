//! Interop of the app's call (the core's WebRTC peer, `heima_core::call`,
//! with GStreamer media from `heima-media`) with a standard browser:
//! headless Chromium with a fake camera and microphone plays the nurse
//! (`tests/e2e/nurse/nurse.html`), driven over WebDriver (chromedriver),
//! signalling through the test desk that speaks `docs/calls.md`.
//!
//! Both ways: the patient calls and hangs up; the nurse calls and hangs up.
//! Each checks that pictures and sound arrive on both sides (decoded
//! frames and audio energy in Chromium; decoded frames and a non-silent
//! peak in the core) and that the hang-up ends the call on both sides.
//! The patient's side sends GStreamer's test pattern: this machine has no
//! camera. A third call goes through a TURN relay only (coturn, time-limited
//! credentials from the desk's `Link` header): both sides restricted to relay
//! candidates, and coturn's own counters show the media went through it;
//! expired credentials are told as such.

use std::time::{Duration, Instant};

use fantoccini::Client;
use heima_core::call::{
    signalling::{follow, CallEnd, CallService, CallSignalling},
    CallOptions, CallPeer, CallState, IceTransports,
};
use heima_e2e::nurse_desk::{nurse_browser, report, run, selected_pair, DeskOptions, NurseDesk, StunServer};
use heima_media::{Capture, Playback, Source, Speaker};
use heima_test_support::turn::Coturn;

const TOKEN: &str = "patient-token";

/// The desk, announcing a STUN server that answers.
async fn desk() -> (NurseDesk, StunServer) {
    let stun = StunServer::start().await;
    let desk = NurseDesk::start(DeskOptions {
        token: Some(TOKEN.into()),
        ice_links: vec![format!(r#"<stun:127.0.0.1:{}>; rel="ice-server""#, stun.port)],
        ring_limit: Duration::from_secs(30),
        announce: None,
    })
    .await;
    (desk, stun)
}

/// Waits until pictures and sound have arrived on both sides.
async fn media_both_ways(client: &Client, playback: &Playback, since: Instant) {
    loop {
        let browser = report(client).await;
        let core = playback.stats();
        let browser_ok = browser["framesDecoded"].as_u64().unwrap_or(0) >= 20
            && browser["audioPeak"].as_f64().unwrap_or(0.0) > 0.05
            && browser["frameWidth"] == 640;
        let core_ok = core.video_frames >= 20 && core.audio_peak > 1000 && core.audio_samples > 48_000;
        if browser_ok && core_ok {
            eprintln!("media both ways after {:?}: browser {browser}, core {core:?}", since.elapsed());
            return;
        }
        assert!(
            since.elapsed() < Duration::from_secs(30),
            "media did not arrive both ways: browser {browser}, core {core:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn wait_for(what: &str, limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_patient_calls_the_nurse_and_hanging_up_ends_it_on_both_sides() {
    let (desk, stun) = desk().await;
    let nurse = nurse_browser(&desk.nurse_page()).await;
    let service = CallService::new(&desk.call_endpoint(), Some(TOKEN.into())).unwrap();
    let refused = CallService::new(&desk.call_endpoint(), Some("wrong".into())).unwrap();
    assert_eq!(refused.ice_servers().await.unwrap_err().code, "call-refused");

    // The service's STUN server comes from its Link header.
    let ice_servers = service.ice_servers().await.unwrap();
    assert_eq!(ice_servers.len(), 1);
    assert_eq!(ice_servers[0].urls, vec![format!("stun:127.0.0.1:{}", stun.port)]);

    let set_up = Instant::now();
    let playback = Playback::start(Speaker::Silent).unwrap();
    let options = CallOptions { ice_servers, ..CallOptions::loopback() };
    let (pending, offer) = CallPeer::offer(&options, playback.clone()).await.unwrap();
    let (placed, answered) = tokio::join!(service.place(&offer), run(&nurse.client, "window.answerNextCall()"));
    assert!(answered.is_u64(), "the nurse answered: {answered}");
    let placed = placed.unwrap();
    let peer = pending.accept(&placed.answer).await.unwrap();
    let _capture = Capture::start(Source::TestPattern, peer.outgoing()).unwrap();
    wait_for("connected on both sides", Duration::from_secs(15), async || {
        peer.state() == CallState::Connected && report(&nurse.client).await["state"] == "connected"
    })
    .await;
    eprintln!(
        "patient's call set up in {:?} (offer to both sides connected, including the nurse's page answering)",
        set_up.elapsed()
    );

    media_both_ways(&nurse.client, &playback, set_up).await;
    let sent_frame = playback.frame().expect("the nurse's picture");
    assert_eq!(&sent_frame.jpeg[..2], &[0xff, 0xd8]);

    // The patient hangs up: the core closes, the service forgets the call,
    // and the nurse's page ends its side.
    let following = {
        let (service, url) = (service.clone(), placed.url.clone());
        let peer = std::sync::Arc::new(peer);
        let watched = peer.clone();
        (
            peer,
            tokio::spawn(async move {
                follow(&service, &url, &watched, Duration::from_millis(200), &Default::default()).await
            }),
        )
    };
    let (peer, follower) = following;
    let hung_up = Instant::now();
    peer.hang_up().await.unwrap();
    assert_eq!(follower.await.unwrap(), CallEnd::HungUpHere);
    let took = wait_for("the nurse's side ends", Duration::from_secs(5), async || {
        report(&nurse.client).await["state"] == "closed"
    })
    .await;
    assert_eq!(report(&nurse.client).await["endedBy"], "patient");
    eprintln!("the nurse's side ended {:?} after the patient hung up", hung_up.elapsed().max(took));
    assert!(!service.is_on(&placed.url).await.unwrap(), "the service forgot the call");
    nurse.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_nurse_calls_the_patient_and_hanging_up_ends_it_on_both_sides() {
    let (desk, _stun) = desk().await;
    let nurse = nurse_browser(&desk.nurse_page()).await;
    let service = CallService::new(&desk.call_endpoint(), Some(TOKEN.into())).unwrap();
    assert_eq!(service.incoming().await.unwrap(), None, "nobody calls yet");

    let calling = {
        let client = nurse.client.clone();
        tokio::spawn(async move { run(&client, "window.callPatient()").await })
    };
    let mut incoming = None;
    wait_for("the call rings at the patient's", Duration::from_secs(15), async || {
        incoming = service.incoming().await.unwrap();
        incoming.is_some()
    })
    .await;
    let incoming = incoming.unwrap();
    assert!(incoming.offer.contains("VP8/90000"));

    let playback = Playback::start(Speaker::Silent).unwrap();
    let (peer, answer) = CallPeer::answer(&incoming.offer, &CallOptions::loopback(), playback.clone()).await.unwrap();
    let _capture = Capture::start(Source::TestPattern, peer.outgoing()).unwrap();
    service.answer(&incoming.url, &answer).await.unwrap();
    assert_eq!(calling.await.unwrap(), "answered");
    let started = Instant::now();
    wait_for("connected on both sides", Duration::from_secs(15), async || {
        peer.state() == CallState::Connected && report(&nurse.client).await["state"] == "connected"
    })
    .await;
    media_both_ways(&nurse.client, &playback, started).await;

    // The nurse hangs up: the core sees the call gone at the service and ends.
    let peer = std::sync::Arc::new(peer);
    let follower = {
        let (service, url, peer) = (service.clone(), incoming.url.clone(), peer.clone());
        tokio::spawn(
            async move { follow(&service, &url, &peer, Duration::from_millis(200), &Default::default()).await },
        )
    };
    let hung_up = Instant::now();
    run(&nurse.client, "window.hangUp()").await;
    assert_eq!(follower.await.unwrap(), CallEnd::HungUpThere);
    assert_eq!(peer.state(), CallState::Ended);
    eprintln!("the patient's side ended {:?} after the nurse hung up", hung_up.elapsed());
    let traffic = peer.traffic();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(peer.traffic(), traffic, "nothing flows after the hang-up");
    assert_eq!(service.incoming().await.unwrap(), None);
    nurse.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_through_the_turn_relay_only_carries_pictures_and_sound_both_ways() {
    let coturn = Coturn::start().await;
    let in_an_hour = jiff::Timestamp::now().as_second() + 3600;
    let desk = NurseDesk::start(DeskOptions {
        token: Some(TOKEN.into()),
        ice_links: vec![coturn.link(in_an_hour)],
        ring_limit: Duration::from_secs(30),
        announce: None,
    })
    .await;
    let nurse = nurse_browser(&desk.nurse_page()).await;
    let (username, credential) = coturn.credentials(in_an_hour);
    let config = serde_json::json!({
        "iceServers": [{ "urls": format!("turn:127.0.0.1:{}?transport=udp", coturn.port), "username": username, "credential": credential }],
        "iceTransportPolicy": "relay",
    });
    nurse.client.execute(&format!("window.rtcConfig = {config};"), vec![]).await.unwrap();
    let service =
        CallService::new(&desk.call_endpoint(), Some(TOKEN.into())).unwrap().with_ice_transports(IceTransports::Relay);
    let options = CallSignalling::options(&service).await.unwrap();
    assert_eq!(options.ice_transports, IceTransports::Relay);
    assert!(options.ice_servers[0].urls[0].starts_with("turn:"), "{options:?}");

    let set_up = Instant::now();
    let playback = Playback::start(Speaker::Silent).unwrap();
    let (pending, offer) = CallPeer::offer(&options, playback.clone()).await.unwrap();
    assert!(offer.contains("typ relay"), "the offer has relay candidates");
    assert!(!offer.contains("typ host"), "and no others: {offer}");
    let (placed, answered) = tokio::join!(service.place(&offer), run(&nurse.client, "window.answerNextCall()"));
    assert!(answered.is_u64(), "the nurse answered: {answered}");
    let placed = placed.unwrap();
    let peer = pending.accept(&placed.answer).await.unwrap();
    let _capture = Capture::start(Source::TestPattern, peer.outgoing()).unwrap();
    wait_for("connected through the relay", Duration::from_secs(20), async || {
        peer.state() == CallState::Connected && report(&nurse.client).await["state"] == "connected"
    })
    .await;
    media_both_ways(&nurse.client, &playback, set_up).await;
    assert_eq!(selected_pair(&nurse.client).await, "relay/relay", "the nurse's side talks relay to relay");
    peer.hang_up().await.unwrap();
    run(&nurse.client, "window.hangUp()").await;
    // coturn writes each session's usage when it closes.
    let relayed = wait_for("coturn's usage lines", Duration::from_secs(20), async || {
        let r = coturn.relayed();
        r.sessions >= 2 && r.received_bytes > 200_000 && r.sent_bytes > 200_000
    })
    .await;
    eprintln!("coturn relayed {:?} (counted {relayed:?} after the hang-up)", coturn.relayed());
    nurse.client.clone().close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_relay_credentials_are_told_as_such() {
    let coturn = Coturn::start().await;
    let an_hour_ago = jiff::Timestamp::now().as_second() - 3600;
    let desk = NurseDesk::start(DeskOptions {
        token: Some(TOKEN.into()),
        ice_links: vec![coturn.link(an_hour_ago)],
        ring_limit: Duration::from_secs(30),
        announce: None,
    })
    .await;
    let service = CallService::new(&desk.call_endpoint(), Some(TOKEN.into())).unwrap();
    let error = CallSignalling::options(&service).await.unwrap_err();
    // The call screen words it (`error-call-relay-expired` in every locale).
    assert_eq!(error.code, "call-relay-expired");
}
