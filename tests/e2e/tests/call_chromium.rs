//! Interop of the core's WebRTC peer (`heima_core::call`) with a standard
//! browser: headless Chromium with a fake camera and microphone plays the
//! nurse (`tests/e2e/nurse/nurse.html`), driven over WebDriver
//! (chromedriver). The nurse offers; the core answers; the call connects and
//! the nurse's audio and video arrive in the core; hanging up ends it.
//! First step of issue 8: the core does not send media yet.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::ClientBuilder;
use heima_core::call::{CallPeer, CallState};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_core_answers_a_browser_call_and_receives_its_audio_and_video() {
    let port = free_port();
    let _driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver; scripts/setup.sh installs it)"),
    );
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                format!("--user-data-dir={}", profile.path().display()),
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"
            ]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
            Ok(c) => break c,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("no chromedriver session: {e}"),
        }
    };
    let page = heima_e2e::repo_root().join("tests/e2e/nurse/nurse.html");
    client.goto(&format!("file://{}", page.display())).await.unwrap();

    let set_up = Instant::now();
    let offer = client.execute_async("window.makeOffer().then(arguments[0])", vec![]).await.unwrap();
    let (peer, answer) = CallPeer::answer(offer.as_str().unwrap(), "127.0.0.1".parse().unwrap()).await.unwrap();
    client.execute_async("window.takeAnswer(arguments[0]).then(arguments[1])", vec![Value::String(answer)]).await.unwrap();
    let report = || async { client.execute_async("window.report().then(arguments[0])", vec![]).await.unwrap() };
    while !(peer.state() == CallState::Connected && report().await["state"] == "connected") {
        assert!(set_up.elapsed() < Duration::from_secs(15), "no connection: core {:?}, browser {}", peer.state(), report().await);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!("call set up in {:?}", set_up.elapsed());

    // The nurse's audio and video arrive.
    while peer.received().audio_packets < 50 || peer.received().video_packets < 50 {
        assert!(set_up.elapsed() < Duration::from_secs(20), "media did not arrive: {:?}, browser {}", peer.received(), report().await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let browser = report().await;
    assert!(browser["sent"]["audio"].as_u64().unwrap() >= 50 && browser["sent"]["video"].as_u64().unwrap() >= 50, "{browser}");

    // Hanging up ends the call here at once.
    peer.hang_up().await.unwrap();
    assert_eq!(peer.state(), CallState::Ended);
    let packets = peer.received();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(peer.received(), packets, "nothing arrives after hang-up");
    client.close().await.unwrap();
}
