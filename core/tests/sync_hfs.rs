//! Sync against a real FHIR server: helios-hfs (`hfs`), started here on a
//! free port with its own data folder. No mock of the server. Readings reach
//! it exactly once (counted on the server) even when sent twice, with
//! exactly the digits given (70.000 kg, a typed 132); a queue written under
//! the old identifier names is drained without duplicates; a device that
//! tells more is updated, not duplicated; the app is named as the
//! gateway of each Observation and its `Device` (with its version) sent once
//! per version; an unreachable server means a
//! retry later and nothing lost; paging and `_lastUpdated`; plans,
//! questionnaires, acknowledgements and a pause come down, a changed plan as
//! a new version and a broken one refused; and through a fault-injection
//! proxy (drops, 500, 429, delays, answers lost after the server committed)
//! every reading ends on the server exactly once.

use std::{net::TcpListener, time::Duration};

use heima_core::{
    measurement::Measurement,
    plan::MeasurementKind,
    store::{readings::EnteredBy, Store, StoreKey},
    sync::{client::FhirClient, upload::Drain},
};
use jiff::Timestamp;

use heima_test_support::{hfs::Hfs, readings};

fn weight(n: usize) -> Measurement {
    let at = Timestamp::from_second(1_795_420_800 + n as i64 * 60).unwrap();
    readings::weight(70_000 + n as i32 * 5, at, "aa:bb:cc:dd:ee:ff", &format!("test-{n}"))
}

fn store_with(count: usize) -> Store {
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([4; 32])).unwrap();
    let ms: Vec<Measurement> = (0..count).map(weight).collect();
    readings::store_unjudged(&mut store, &ms, EnteredBy::Patient);
    store
}

#[tokio::test(flavor = "multi_thread")]
async fn readings_reach_the_server_exactly_once_even_when_sent_twice() {
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let mut store = store_with(25);
    let report = Drain { client: &client, subject: None, national_id: None, batch_size: 10 }
        .run(&mut store, Timestamp::now, || 0.5, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((report.batches, report.created, report.already_there), (3, 25, 0));
    assert_eq!(store.outbox_status().unwrap().waiting, 0);
    assert_eq!(client.count("Observation").await.unwrap(), 25);

    // The same readings again, as after a response lost on the way back:
    // a second tablet store with the same identifiers sends them all.
    let mut again = store_with(25);
    let report = Drain { client: &client, subject: None, national_id: None, batch_size: 7 }
        .run(&mut again, Timestamp::now, || 0.5, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.created, 0, "{report:?}");
    assert_eq!(report.already_there, 25);
    assert_eq!(client.count("Observation").await.unwrap(), 25, "no duplicates on the server");

    // What arrived is the reading, coded.
    let found = client
        .search_all("Observation?identifier=https://fhir.heima.no/sid/observation%7Caa:bb:cc:dd:ee:ff/29463-7/test-3")
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let o = &found[0];
    assert_eq!(o["code"]["coding"][0]["code"], "29463-7");
    assert_eq!(o["valueQuantity"]["value"], 70.015);
    assert_eq!(o["valueQuantity"]["code"], "kg");
    assert_eq!(o["device"]["identifier"]["system"], "http://hl7.org/fhir/sid/eui-48/bluetooth");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_server_schedules_a_retry_and_keeps_everything() {
    // Nothing listens on this port.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = FhirClient::new(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2), None).unwrap();
    let mut store = store_with(3);
    // An hour after the readings were taken (08:00–08:02).
    let now: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
    let error = Drain { client: &client, subject: None, national_id: None, batch_size: 10 }
        .run(&mut store, || now, || 0.0, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.code(), "sync-offline");
    assert!(store.outbox_due(now, 10).unwrap().is_empty(), "not retried at once");
    let retry = store.outbox_due(now + jiff::SignedDuration::from_secs(3), 10).unwrap();
    assert_eq!(retry.len(), 3, "due again after the backoff (2.5 s at attempt 0 with no jitter)");
    assert_eq!(retry[0].attempts, 1);
    assert!(retry[0].last_error.as_deref().unwrap().starts_with("network"));
}

/// What the app relies on for download: paging through `Bundle.link next`
/// and `_lastUpdated` polling. Recorded in `docs/fhir-server.md`.
#[tokio::test(flavor = "multi_thread")]
async fn the_server_pages_and_filters_by_last_updated() {
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let before = Timestamp::now();
    let mut store = store_with(25);
    Drain { client: &client, subject: None, national_id: None, batch_size: 25 }
        .run(&mut store, Timestamp::now, || 0.5, &mut |_| {})
        .await
        .unwrap();

    let first_page = client.get("Observation?_count=10").await.unwrap();
    assert_eq!(first_page["entry"].as_array().unwrap().len(), 10);
    assert!(first_page["link"].as_array().unwrap().iter().any(|l| l["relation"] == "next"), "a next link");
    let all = client.search_all("Observation?_count=10").await.unwrap();
    assert_eq!(all.len(), 25, "three pages followed");

    let since = before.checked_sub(jiff::SignedDuration::from_secs(1)).unwrap();
    let recent = client.search_all(&format!("Observation?_lastUpdated=gt{since}&_count=50")).await.unwrap();
    assert_eq!(recent.len(), 25);
    let future = Timestamp::now().checked_add(jiff::SignedDuration::from_hours(1)).unwrap();
    let none = client.search_all(&format!("Observation?_lastUpdated=gt{future}")).await.unwrap();
    assert!(none.is_empty());
}

/// The plan and questionnaires come down from the service; a changed plan
/// comes down as a new version, a broken one is refused, and a second poll
/// with nothing new changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn plans_and_questionnaires_come_down_by_polling() {
    use heima_core::{clock::oslo, demo, sync::download::download};
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let tz = oslo();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([6; 32])).unwrap();
    let now = Timestamp::now();

    let mut plan: serde_json::Value = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
    plan.as_object_mut().unwrap().remove("meta");
    let created = client.post("CarePlan", &plan).await.unwrap();
    for q in demo::QUESTIONNAIRES_JSON {
        let mut q: serde_json::Value = serde_json::from_str(q).unwrap();
        q.as_object_mut().unwrap().remove("id");
        client.post("Questionnaire", &q).await.unwrap();
    }
    let report = download(&mut store, &client, None, now, &tz).await.unwrap();
    assert_eq!((report.plans_accepted, report.questionnaires_new, report.plans_refused), (1, 2, 0), "{report:?}");
    let in_force =
        heima_core::fhir::careplan::in_force(&store, now, &tz).unwrap().expect("the downloaded plan is in force");
    assert_eq!(in_force.service.phone, "+47 22 00 00 00");
    assert!(heima_core::fhir::questionnaire::load(&store, &client_id(&client, "heart-failure-check").await)
        .unwrap()
        .is_some());

    // Nothing new: nothing changes.
    let report = download(&mut store, &client, None, now, &tz).await.unwrap();
    assert_eq!((report.plans_accepted, report.questionnaires_new), (0, 0), "{report:?}");

    // The service changes the plan (a new version of the same resource).
    let mut changed = created.clone();
    changed["title"] = serde_json::json!("Egenbehandlingsplan (revidert)");
    hfs.update(&changed).await;
    // And posts a draft, which is not for the patient yet, and a broken
    // plan, which is refused without harm: remembered, with a notice for
    // the service queued once, and fetched again by the next poll.
    let mut draft = plan.clone();
    draft["status"] = serde_json::json!("draft");
    client.post("CarePlan", &draft).await.unwrap();
    let mut broken = plan.clone();
    broken["period"] = serde_json::json!({});
    let broken = client.post("CarePlan", &broken).await.unwrap();

    let report = download(&mut store, &client, None, now, &tz).await.unwrap();
    assert_eq!((report.plans_accepted, report.plans_refused, report.plans_not_in_use), (1, 1, 1), "{report:?}");
    assert!(report.refused_plan_new);
    assert_eq!(store.plan_versions().unwrap().len(), 2);
    let newest = heima_core::fhir::careplan::in_force(&store, now, &tz).unwrap().unwrap();
    assert_eq!(newest.version, 2);
    assert_eq!(
        newest.title.map(|t| t.get(heima_core::locale::Locale::Bokmal).clone()).as_deref(),
        Some("Egenbehandlingsplan (revidert)")
    );
    let refused = store.refused_plan().unwrap().expect("the refusal is remembered");
    assert_eq!(refused.plan, format!("CarePlan/{}", broken["id"].as_str().unwrap()));
    assert_eq!(refused.reason.as_str(), "plan-invalid");
    let notices = |store: &Store| {
        store
            .outbox_due(Timestamp::MAX, 50)
            .unwrap()
            .into_iter()
            .filter(|i| i.identifier.contains("plan-refused"))
            .count()
    };
    assert_eq!(notices(&store), 1);

    let report = download(&mut store, &client, None, now, &tz).await.unwrap();
    assert_eq!((report.plans_refused, report.refused_plan_new), (1, false), "fetched again, told once: {report:?}");
    assert_eq!(notices(&store), 1);

    // The service sends a readable plan under another id and leaves the
    // broken one: the refusal is over, and not told again.
    let mut another = plan.clone();
    another["title"] = serde_json::json!("Egenbehandlingsplan (ny)");
    client.post("CarePlan", &another).await.unwrap();
    let report = download(&mut store, &client, None, now, &tz).await.unwrap();
    assert_eq!(report.plans_accepted, 1, "{report:?}");
    assert_eq!(store.refused_plan().unwrap(), None);
    let report = download(&mut store, &client, None, now, &tz).await.unwrap();
    assert!(!report.refused_plan_new, "fetched or not, it is not told again: {report:?}");
    assert_eq!(store.refused_plan().unwrap(), None);
    assert_eq!(notices(&store), 1);

    // A new broken version is told; mended, it is taken and the refusal is over.
    let mut broken_again = broken.clone();
    broken_again["title"] = serde_json::json!("Still broken");
    hfs.update(&broken_again).await;
    let report = download(&mut store, &client, None, now, &tz).await.unwrap();
    assert!(report.refused_plan_new, "{report:?}");
    assert!(store.refused_plan().unwrap().is_some());
    let mut mended = broken.clone();
    mended["period"] = plan["period"].clone();
    hfs.update(&mended).await;
    let report = download(&mut store, &client, None, now, &tz).await.unwrap();
    assert_eq!((report.plans_accepted, report.plans_refused), (1, 0), "{report:?}");
    assert_eq!(store.refused_plan().unwrap(), None);
}

/// The server-assigned id of a questionnaire, looked up by its name.
async fn client_id(client: &FhirClient, suffix: &str) -> String {
    let all = client.search_all("Questionnaire").await.unwrap();
    all.iter()
        .find(|q| q["url"].as_str().unwrap_or("").ends_with(suffix))
        .and_then(|q| q["id"].as_str())
        .unwrap()
        .to_string()
}

/// A proxy between the app and the server that misbehaves on purpose, by a
/// fixed cycle per request: pass, drop the connection before the server
/// sees the request, answer 500, answer 429, delay, and — the nasty one —
/// pass the request to the server and then lose its answer.
mod fault_proxy {
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };
    use tokio::{io::AsyncWriteExt, net::TcpListener};

    use heima_test_support::http::{forward, read_request};

    pub const CYCLE: [&str; 7] = ["pass", "drop", "500", "lose-answer", "429", "delay", "pass"];

    pub struct Faults {
        pub seen: AtomicUsize,
    }

    pub async fn start(upstream: String) -> (String, Arc<Faults>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let faults = Arc::new(Faults { seen: AtomicUsize::new(0) });
        let shared = faults.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else { return };
                let upstream = upstream.clone();
                let faults = shared.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut client).await else { return };
                    let n = faults.seen.fetch_add(1, Ordering::SeqCst);
                    let reply = |status: &str| {
                        format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").into_bytes()
                    };
                    match CYCLE[n % CYCLE.len()] {
                        "drop" => {} // closes without a word
                        "500" => drop(client.write_all(&reply("500 Internal Server Error")).await),
                        "429" => drop(client.write_all(&reply("429 Too Many Requests")).await),
                        "lose-answer" => {
                            // The server commits; the app never hears.
                            let _ = forward(&upstream, &request, str::to_string).await;
                        }
                        mode => {
                            if mode == "delay" {
                                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                            }
                            if let Some(answer) = forward(&upstream, &request, str::to_string).await {
                                let _ = client.write_all(&answer).await;
                            }
                        }
                    }
                    let _ = client.shutdown().await;
                });
            }
        });
        (address, faults)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_between_app_and_server_end_with_every_reading_there_exactly_once() {
    let hfs = Hfs::start().await;
    let upstream = hfs.base.trim_start_matches("http://").to_string();
    let (proxy, faults) = fault_proxy::start(upstream).await;
    let through_proxy = FhirClient::new(&proxy, Duration::from_secs(5), None).unwrap();
    let direct = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();

    let readings = 60;
    let mut store = store_with(readings);
    // A clock that moves an hour per drain, past any backoff.
    let start: Timestamp = "2026-11-24T00:00:00Z".parse().unwrap();
    let mut rounds = 0;
    let mut errors = vec![];
    while store.outbox_status().unwrap().waiting > 0 {
        rounds += 1;
        assert!(rounds <= 100, "the outbox never drained: {:?}", store.outbox_status().unwrap());
        let now = start + jiff::SignedDuration::from_hours(rounds);
        if let Err(e) = (Drain { client: &through_proxy, subject: None, national_id: None, batch_size: 7 })
            .run(&mut store, || now, || 0.5, &mut |_| {})
            .await
        {
            errors.push(e.code().as_str());
        }
    }
    let requests = faults.seen.load(std::sync::atomic::Ordering::SeqCst);
    assert!(requests >= fault_proxy::CYCLE.len(), "every fault was tried ({requests} requests)");
    assert!(errors.contains(&"sync-offline") && errors.contains(&"sync-service-error"), "{errors:?}");
    // Counted on the server, past the proxy.
    assert_eq!(direct.count("Observation").await.unwrap(), readings as u64, "every reading exactly once");
    for n in [0, 17, 59] {
        let hits = direct
            .count(&format!(
                "Observation?identifier=https://fhir.heima.no/sid/observation%7Caa:bb:cc:dd:ee:ff/29463-7/test-{n}"
            ))
            .await
            .unwrap();
        assert_eq!(hits, 1, "reading {n}");
    }
}

/// The digits given are the digits the server stores: a scale's 70.000 kg
/// arrives as 70.000, a typed 132 as 132 (read back as the server's text).
#[tokio::test(flavor = "multi_thread")]
async fn the_server_stores_exactly_the_digits_given() {
    use std::collections::BTreeMap;
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([6; 32])).unwrap();
    let at = Timestamp::from_second(1_795_420_800).unwrap();
    readings::store_unjudged(
        &mut store,
        &[readings::weight(70_000, at, "aa:bb:cc:dd:ee:ff", "exact")],
        EnteredBy::Patient,
    );
    let typed = BTreeMap::from([("8867-4".to_string(), "132".to_string())]);
    let pulse = heima_core::manual::measurement(heima_core::vocabulary::MeasurementKind::Pulse, &typed, at).unwrap();
    store.insert_reading(&heima_core::store::readings::NewReading::unjudged(&pulse, EnteredBy::Patient, at)).unwrap();
    let report = Drain { client: &client, subject: Some("Patient/p1"), national_id: None, batch_size: 10 }
        .run(&mut store, Timestamp::now, || 0.5, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(report.created, 2);
    let http = heima_core::net::client_builder().build().unwrap();
    let text = http.get(format!("{}/Observation", hfs.base)).send().await.unwrap().text().await.unwrap();
    let values: Vec<&str> =
        text.match_indices(r#""value":"#).map(|(i, _)| text[i + 8..].split([',', '}']).next().unwrap()).collect();
    assert!(values.contains(&"70.000"), "{values:?}");
    assert!(values.contains(&"132"), "{values:?}");
    println!("precision: values as the server stores them: {values:?}");
}

/// Items queued under the app's earlier `urn:heima:*` identifier names and
/// drained after the upgrade to the canonical https names: the server
/// already holding some of them under the old names (sent, but the answer
/// was lost), nothing is created twice.
#[tokio::test(flavor = "multi_thread")]
async fn items_queued_under_the_old_names_are_not_sent_twice() {
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let mut store = store_with(6);
    store
        .pair_device("aa:bb:cc:dd:ee:ff", heima_core::vocabulary::HealthService::WeightScale, "Vekt", Timestamp::now())
        .unwrap();
    // What schema v5's migration records for a queue written before it.
    let queued = store.outbox_due(Timestamp::MAX, 100).unwrap();
    let last = queued.iter().map(|i| i.id).max().unwrap();
    store.set_setting(heima_core::store::outbox::NAMED_BEFORE_SETTING, &last.to_string()).unwrap();
    // The server holds readings 0–2 and the scale as the old app sent them.
    for item in queued.iter().filter(|i| i.resource_type == "Observation").take(3) {
        let old = serde_json::json!({
            "resourceType": "Observation", "status": "final", "code": { "text": "weight" },
            "identifier": [{ "system": "urn:heima:observation", "value": item.identifier }]
        });
        client.post("Observation", &old).await.unwrap();
    }
    let old_device = serde_json::json!({
        "resourceType": "Device",
        "identifier": [{ "system": "http://hl7.org/fhir/sid/eui-48/bluetooth", "value": "aa:bb:cc:dd:ee:ff" }]
    });
    client.post("Device", &old_device).await.unwrap();

    let report = Drain { client: &client, subject: None, national_id: None, batch_size: 10 }
        .run(&mut store, Timestamp::now, || 0.5, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((report.created, report.already_there), (3, 4), "{report:?}");
    assert_eq!(client.count("Observation").await.unwrap(), 6, "no reading twice");
    assert_eq!(client.count("Device").await.unwrap(), 1, "the scale once");
    println!("identifier migration: 7 items queued under the old names, 4 found sent before, 3 created, 0 duplicates");
}

/// A device's `Device` is one resource on the server, updated when the
/// device later tells its manufacturer, model and serial number.
#[tokio::test(flavor = "multi_thread")]
async fn a_device_is_updated_not_duplicated_when_it_tells_more() {
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([8; 32])).unwrap();
    store
        .pair_device(
            "c0:ff:ee:00:00:01",
            heima_core::vocabulary::HealthService::Glucose,
            "Blodsukkermåler",
            Timestamp::now(),
        )
        .unwrap();
    let drain = Drain { client: &client, subject: Some("Patient/p1"), national_id: None, batch_size: 10 };
    drain.run(&mut store, Timestamp::now, || 0.5, &mut |_| {}).await.unwrap();
    let info = heima_core::store::devices::DeviceInfo {
        manufacturer: Some("Roche Diabetes Care".into()),
        model: Some("Accu-Chek Guide".into()),
        serial: Some("92345678".into()),
    };
    assert!(store.device_info_seen("c0:ff:ee:00:00:01", &info, Timestamp::now()).unwrap());
    drain.run(&mut store, Timestamp::now, || 0.5, &mut |_| {}).await.unwrap();
    let devices = client.search_all("Device").await.unwrap();
    assert_eq!(devices.len(), 1, "one Device, updated");
    let d = &devices[0];
    assert_eq!(d["manufacturer"], "Roche Diabetes Care");
    assert_eq!(d["modelNumber"], "Accu-Chek Guide");
    assert_eq!(d["serialNumber"], "92345678");
    assert_eq!(d["identifier"][0]["value"], "C0-FF-EE-00-00-01");
    assert_eq!(d["identifier"][0]["type"]["coding"][0]["code"], "BTMAC");
    assert_eq!(d["specialization"][0]["systemType"]["coding"][0]["code"], "528401");
}

/// The app is the PHD guide's gateway: each Observation names it (the core
/// `observation-gatewayDevice` extension, by its EUI-64), and its `Device`
/// on the server says which version sent them. It is made once: a new
/// version updates the same `Device`, and the same version queues nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_app_is_named_as_the_gateway_with_its_version() {
    use heima_core::fhir::device::{gateway_eui64, APP_VERSION, EUI64_SYSTEM, GATEWAY_EXTENSION};
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let mut store = store_with(2);
    let eui64 =
        store.announce_gateway(&gateway_eui64([0x51, 1, 2, 3, 4, 5, 6, 7]), APP_VERSION, Timestamp::now()).unwrap();
    assert_eq!(eui64, "52-01-02-03-04-05-06-07", "locally administered, unicast");
    let again = store.announce_gateway(&gateway_eui64([9; 8]), APP_VERSION, Timestamp::now()).unwrap();
    assert_eq!(again, eui64, "made once");
    let drain = Drain { client: &client, subject: Some("Patient/p1"), national_id: None, batch_size: 10 };
    drain.run(&mut store, Timestamp::now, || 0.5, &mut |_| {}).await.unwrap();
    let observations = client.search_all("Observation").await.unwrap();
    assert_eq!(observations.len(), 2);
    for o in &observations {
        let named = o["extension"].as_array().unwrap().iter().find(|e| e["url"] == GATEWAY_EXTENSION).unwrap();
        assert_eq!(named["valueReference"]["identifier"]["system"], EUI64_SYSTEM, "{o}");
        assert_eq!(named["valueReference"]["identifier"]["value"], eui64.as_str(), "{o}");
    }
    let devices = client.search_all("Device").await.unwrap();
    assert_eq!(devices.len(), 1, "{devices:?}");
    assert_eq!(devices[0]["identifier"][0]["value"], eui64.as_str());
    assert_eq!(devices[0]["type"]["coding"][0]["code"], "531981");
    assert_eq!(devices[0]["version"][0]["value"], APP_VERSION);
    assert_eq!(store.outbox_status().unwrap().waiting, 0);

    // The same version again queues nothing; a new one sends the Device again.
    store.announce_gateway(&eui64, APP_VERSION, Timestamp::now()).unwrap();
    assert_eq!(store.outbox_status().unwrap().waiting, 0);
    store.announce_gateway(&eui64, "99.0.0", Timestamp::now()).unwrap();
    assert_eq!(store.outbox_status().unwrap().waiting, 1);
    drain.run(&mut store, Timestamp::now, || 0.5, &mut |_| {}).await.unwrap();
    assert_eq!(client.search_all("Device").await.unwrap().len(), 1, "updated, not duplicated");
}

/// The service's side of the journey, on a real server: a nurse marks an
/// uploaded reading as seen (a completed `Task` naming it), the plan
/// changes (the app says what changed, once), and the follow-up is paused
/// (no tasks due, no reminders) — each coming down with the next poll.
#[tokio::test(flavor = "multi_thread")]
async fn acknowledgement_plan_change_and_pause_come_down() {
    use heima_core::{
        clock::{oslo, FixedClock},
        demo,
        fhir::careplan,
        plan::Phase,
        plan_change::PlanChange,
        sync::download::download,
        today,
    };
    use serde_json::json;
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let tz = oslo();
    let patient = client.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    let subject = format!("Patient/{}", patient["id"].as_str().unwrap());
    let mut plan: serde_json::Value = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
    plan.as_object_mut().unwrap().remove("meta");
    plan["subject"] = json!({ "reference": subject });
    let created = client.post("CarePlan", &plan).await.unwrap();

    let mut store = store_with(1);
    Drain { client: &client, subject: Some(&subject), national_id: None, batch_size: 10 }
        .run(&mut store, Timestamp::now, || 0.5, &mut |_| {})
        .await
        .unwrap();
    let report = download(&mut store, &client, Some(&subject), Timestamp::now(), &tz).await.unwrap();
    assert_eq!(report.plans_accepted, 1, "{report:?}");
    let reading = &store.readings(MeasurementKind::BodyWeight, Timestamp::MIN, Timestamp::MAX).unwrap()[0];
    assert_eq!(reading.seen, None);

    // The nurse has seen it; a Task for someone else is left alone.
    let task = |who: &str, value: &str| {
        json!({
            "resourceType": "Task", "status": "completed", "intent": "order",
            "for": { "reference": who },
            "focus": { "type": "Observation", "identifier": { "system": "https://fhir.heima.no/sid/observation", "value": value } },
            "executionPeriod": { "end": "2026-11-30T09:12:00Z" },
            "owner": { "display": "Ingrid Berg" }
        })
    };
    client.post("Task", &task(&subject, &reading.identifier)).await.unwrap();
    client.post("Task", &task("Patient/someone-else", &reading.identifier)).await.unwrap();
    let report = download(&mut store, &client, Some(&subject), Timestamp::now(), &tz).await.unwrap();
    assert_eq!((report.acknowledgements_new, report.not_for_this_patient), (1, 1), "{report:?}");
    let reading = &store.readings(MeasurementKind::BodyWeight, Timestamp::MIN, Timestamp::MAX).unwrap()[0];
    let seen = reading.seen.as_ref().expect("the acknowledgement is kept");
    assert_eq!((seen.at.to_string().as_str(), seen.by.as_deref()), ("2026-11-30T09:12:00Z", Some("Ingrid Berg")));

    // The plan changes: oxygen twice a day, one medicine less.
    let mut changed = created.clone();
    let spo2 = changed["activity"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["extension"][0]["valueId"] == "spo2")
        .unwrap();
    spo2["detail"]["scheduledTiming"]["repeat"]["timeOfDay"] = json!(["08:00:00", "18:00:00"]);
    changed["activity"].as_array_mut().unwrap().retain(|a| a["reference"]["reference"] != "#diuretic");
    changed["contained"].as_array_mut().unwrap().retain(|c| c["id"] != "diuretic");
    hfs.update(&changed).await;
    let now = Timestamp::now();
    download(&mut store, &client, Some(&subject), now, &tz).await.unwrap();
    let clock = FixedClock::oslo(now);
    let view = today::view(&store, &clock, false, None).unwrap().unwrap();
    let told = view.plan_changed.expect("the change is told");
    assert!(matches!(told.changes[0], PlanChange::TimingChanged { .. }), "{:?}", told.changes);
    assert!(
        told.changes.iter().any(|c| matches!(c, PlanChange::MedicineRemoved { name }
        if name.get(heima_core::locale::Locale::Bokmal) == "Furosemid 40 mg")),
        "{:?}",
        told.changes
    );
    store.set_setting(today::PLAN_SEEN, &told.version.to_string()).unwrap();
    assert_eq!(today::view(&store, &clock, false, None).unwrap().unwrap().plan_changed, None, "told once");

    // A hospital stay: the plan is put on hold.
    let mut paused = client.search_all(&format!("CarePlan?subject={subject}")).await.unwrap().remove(0);
    paused["status"] = json!("on-hold");
    hfs.update(&paused).await;
    download(&mut store, &client, Some(&subject), Timestamp::now(), &tz).await.unwrap();
    let plan = careplan::in_force(&store, Timestamp::now(), &tz).unwrap().unwrap();
    assert!(matches!(plan.phase, Phase::Paused { since: Some(_) }), "{:?}", plan.phase);
    let view = today::view(&store, &clock, false, None).unwrap().unwrap();
    assert!(view.tasks.is_empty(), "nothing due while paused");
    assert!(!view.when_needed.is_empty(), "readings are still possible");
}

/// What the server gets is what the screens show, reading by reading,
/// across a plan change: each reading keeps the judgement of the plan in
/// force when it was taken, with the rule that set it.
#[tokio::test(flavor = "multi_thread")]
async fn the_servers_interpretation_is_the_screens_across_a_plan_change() {
    use std::collections::BTreeMap;

    use heima_core::{
        clock::{oslo, FixedClock},
        demo,
        fhir::careplan,
        recording::{reading_result, record_manual},
        store::readings::Recorder,
    };
    use serde_json::json;
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let tz = oslo();
    let patient = client.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    let subject = format!("Patient/{}", patient["id"].as_str().unwrap());
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([9; 32])).unwrap();
    let plan: serde_json::Value = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
    careplan::accept(&store, &plan, Timestamp::UNIX_EPOCH, &tz).unwrap();
    let at = |s: &str| s.parse::<Timestamp>().unwrap();
    let record = |store: &mut Store, when: &str, kind, values: &[(&str, &str)]| {
        let typed: BTreeMap<String, String> = values.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        record_manual(store, &FixedClock::oslo(at(when)), kind, &typed, &Recorder::new(EnteredBy::Patient)).unwrap().id
    };
    let mut ids = vec![
        record(&mut store, "2027-05-10T06:00:00Z", MeasurementKind::OxygenSaturation, &[("2708-6", "91")]),
        record(&mut store, "2027-05-10T06:05:00Z", MeasurementKind::BodyWeight, &[("29463-7", "71.0")]),
        record(&mut store, "2027-05-12T06:05:00Z", MeasurementKind::BodyWeight, &[("29463-7", "73.2")]),
        record(
            &mut store,
            "2027-05-12T06:10:00Z",
            MeasurementKind::BloodPressure,
            &[("8480-6", "124"), ("8462-4", "78"), ("8867-4", "38")],
        ),
    ];
    // Version 2 from 11 May: oxygen saturation green from 90 %.
    let mut v2 = plan.clone();
    v2["meta"]["versionId"] = json!("2");
    v2["period"]["start"] = json!("2027-05-11");
    let spo2 = v2["activity"].as_array_mut().unwrap().iter_mut().find(|a| a["extension"][0]["valueId"] == "spo2");
    for part in spo2.unwrap()["extension"][1]["extension"].as_array_mut().unwrap() {
        if part["url"] == "limit" {
            let colour = part["extension"][1]["valueCode"].as_str().unwrap().to_string();
            match colour.as_str() {
                "green" => part["extension"][2]["valueRange"]["low"]["value"] = json!(90),
                "yellow" => part["extension"][2]["valueRange"]["high"]["value"] = json!(90),
                _ => {}
            }
        }
    }
    careplan::accept(&store, &v2, at("2027-05-11T00:00:00Z"), &tz).unwrap();
    ids.push(record(&mut store, "2027-05-12T06:00:00Z", MeasurementKind::OxygenSaturation, &[("2708-6", "91")]));

    // Sent on 1 June 2027 (the outbox's clock is the tablet's).
    Drain { client: &client, subject: Some(&subject), national_id: None, batch_size: 10 }
        .run(&mut store, || at("2027-06-01T09:00:00Z"), || 0.5, &mut |_| {})
        .await
        .unwrap();
    let later = FixedClock::oslo(at("2027-06-01T10:00:00Z"));
    let mut colours = vec![];
    for id in ids {
        let shown = reading_result(&store, &later, id).unwrap().unwrap();
        let stored = store.reading_by_id(id).unwrap().unwrap();
        let query = format!("Observation?identifier=https://fhir.heima.no/sid/observation%7C{}", stored.identifier);
        let found = client.search_all(&query).await.unwrap();
        assert_eq!(found.len(), 1, "{query}");
        let on_server = found[0]["interpretation"][0]["coding"][0]["code"].as_str().map(str::to_string);
        let on_screen = shown.judgement.colour().map(|c| c.as_str().to_string());
        assert_eq!(on_server, on_screen, "{}", stored.identifier);
        let version = found[0]["extension"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"] == "https://fhir.heima.no/StructureDefinition/judged-by")
            .and_then(|e| e["valueReference"]["reference"].as_str())
            .map(|r| r.rsplit('/').next().unwrap().to_string());
        assert_eq!(version, stored.plan_version.map(|v| v.to_string()), "judged by the version in force then");
        colours.push((on_screen.unwrap(), found[0]["interpretation"][0]["text"].as_str().unwrap().to_string()));
    }
    let expected = [
        ("yellow", "yellow: 2708-6 below its band (spo2)"),
        ("green", "green: 29463-7 in its band (weight)"),
        ("yellow", "yellow: 29463-7 up 2.2 kg in 2 days (from 2027-05-10) (weight)"),
        ("red", "red: 8867-4 below its band (pulse)"),
        ("green", "green: 2708-6 in its band (spo2)"),
    ];
    let colours: Vec<(&str, &str)> = colours.iter().map(|(c, t)| (c.as_str(), t.as_str())).collect();
    assert_eq!(colours, expected);
}

/// Care beyond readings reaches a real server, each once: a yellow peak
/// flow typed by hand, the plan's course for yellow taken (twice tapped in
/// one minute: one `MedicationAdministration`), and a blood sugar with its
/// meal context (its own Observation, derived from the glucose). What the
/// server keeps is printed, for the note.
#[tokio::test(flavor = "multi_thread")]
async fn a_peak_flow_a_course_taken_and_a_meal_context_reach_the_server_once() {
    use std::collections::BTreeMap;

    use heima_core::{
        clock::{oslo, FixedClock},
        demo,
        fhir::careplan,
        recording::{record_manual, take_colour_medicine, take_dose},
        store::readings::Recorder,
    };
    use serde_json::json;
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let patient = client.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    let subject = format!("Patient/{}", patient["id"].as_str().unwrap());
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([11; 32])).unwrap();
    let plan: serde_json::Value = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
    careplan::accept(&store, &plan, Timestamp::UNIX_EPOCH, &oslo()).unwrap();
    let clock = FixedClock::oslo("2027-05-10T06:00:00Z".parse().unwrap());
    let patient_by = Recorder::new(EnteredBy::Patient);
    let typed = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    };
    let pef = record_manual(&mut store, &clock, MeasurementKind::PeakFlow, &typed(&[("19935-6", "240")]), &patient_by)
        .unwrap();
    assert_eq!(pef.judgement.colour(), Some(heima_core::traffic_light::Colour::Yellow));
    let item = heima_core::vocabulary::ResultItem::Reading { id: pef.id };
    let first = take_colour_medicine(&mut store, &clock, item, "prednisolone", &patient_by, "taken/01").unwrap();
    let later_tap = FixedClock::oslo("2027-05-10T06:30:00Z".parse().unwrap());
    let again = take_colour_medicine(&mut store, &later_tap, item, "prednisolone", &patient_by, "taken/02").unwrap();
    assert_eq!((first.id, again.identifier.as_str()), (again.id, "taken/01"), "once per result and medicine");
    // Only what the plan gives for this result's colour: not the daily
    // inhaler, not the diuretic of a rising weight.
    for other in ["inhaler", "extra-diuretic", "no-such"] {
        let refused = take_colour_medicine(&mut store, &clock, item, other, &patient_by, "taken/03").unwrap_err();
        assert_eq!(refused.code, "medicine-unknown", "{other}");
    }
    let later = FixedClock::oslo("2027-05-10T08:00:00Z".parse().unwrap());
    record_manual(
        &mut store,
        &later,
        MeasurementKind::BloodGlucose,
        &typed(&[("15074-8", "7,9"), ("meal", "after-meal")]),
        &patient_by,
    )
    .unwrap();
    // The diuretic's 08:30 dose of the day, said taken at 10:00; twice.
    let due: Timestamp = "2027-05-10T06:30:00Z".parse().unwrap();
    let dose = take_dose(&mut store, &later, "diuretic", due, &patient_by, "taken/04").unwrap();
    let twice = take_dose(&mut store, &later, "diuretic", due, &patient_by, "taken/05").unwrap();
    assert_eq!(twice.identifier, dose.identifier, "once per planned time");

    // Sent the next day (the outbox's clock is the tablet's).
    let next_day = || "2027-05-11T09:00:00Z".parse::<Timestamp>().unwrap();
    let report = Drain { client: &client, subject: Some(&subject), national_id: None, batch_size: 10 }
        .run(&mut store, next_day, || 0.5, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(store.outbox_status().unwrap().waiting, 0, "{report:?}");
    assert_eq!(client.count("MedicationAdministration").await.unwrap(), 2, "the course and the dose");
    assert_eq!(client.count("Observation").await.unwrap(), 3, "peak flow, glucose, meal context");

    let given = client.search_all(&format!("MedicationAdministration?subject={subject}")).await.unwrap();
    assert_eq!(given.len(), 2);
    let by_id = |id: &str| given.iter().find(|a| a["identifier"][0]["value"] == id).unwrap();
    let scheduled = by_id("taken/04");
    assert_eq!(scheduled["medicationCodeableConcept"]["text"], "Furosemid 40 mg");
    assert_eq!(scheduled["effectiveDateTime"], "2027-05-10T08:00:00Z");
    assert!(scheduled.get("reasonCode").is_none(), "a dose of the schedule has no colour");
    assert!(scheduled["note"][0]["text"].as_str().unwrap().contains("planned for 2027-05-10T06:30:00Z"));
    println!("scheduled dose on the server: {}", serde_json::to_string(scheduled).unwrap());
    let a = by_id("taken/01");
    assert_eq!(a["medicationCodeableConcept"]["text"], "Prednisolon 5 mg (kur)");
    assert_eq!(a["performer"][0]["actor"]["reference"], json!(subject));
    assert_eq!(a["reasonCode"][0]["coding"][0]["code"], "yellow");
    assert_eq!(
        a["supportingInformation"][0]["identifier"]["value"],
        json!(store.reading_by_id(pef.id).unwrap().unwrap().identifier)
    );
    assert!(a["supportingInformation"][1]["reference"].as_str().unwrap().starts_with("CarePlan/demo-plan/_history/"));
    println!("MedicationAdministration on the server: {}", serde_json::to_string(a).unwrap());
    let meal = client.search_all("Observation?code=urn:iso:std:iso:11073:10101%7C8417864").await.unwrap();
    assert_eq!(meal.len(), 1);
    assert_eq!(meal[0]["valueCodeableConcept"]["coding"][0]["code"], "8417872");
    println!("meal context on the server: {}", serde_json::to_string(&meal[0]).unwrap());
    let peak = client.search_all("Observation?code=http://loinc.org%7C19935-6").await.unwrap();
    assert_eq!((peak.len(), peak[0]["valueQuantity"]["value"].clone()), (1, json!(240)));
    assert_eq!(peak[0]["interpretation"][0]["coding"][0]["code"], "yellow");
    println!("peak flow on the server: {}", serde_json::to_string(&peak[0]).unwrap());
}

/// A store that has polled before: its watermark is now.
fn store_with_watermark(store: &mut Store) {
    store.set_setting(heima_core::store::outbox::DOWNLOADED_UNTIL, &Timestamp::now().to_string()).unwrap();
}

/// Appointments come down from the server: the patient's booked video
/// call is shown on today with its join time, a home visit in the list,
/// another patient's and a proposed one never; the service moving and
/// cancelling one reaches the tablet in the next round.
#[tokio::test(flavor = "multi_thread")]
async fn appointments_come_down_and_their_changes_follow() {
    use heima_core::{
        clock::oslo,
        fhir::appointment::ACT_CODE,
        sync::download::download,
        vocabulary::{AppointmentKind, AppointmentStatus},
    };
    use jiff::SignedDuration;
    use serde_json::json;
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let tz = oslo();
    let patient = client.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    let subject = format!("Patient/{}", patient["id"].as_str().unwrap());
    let other = client.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    let other = format!("Patient/{}", other["id"].as_str().unwrap());
    let now = Timestamp::from_second(Timestamp::now().as_second()).unwrap();
    let appointment = |who: &str, status: &str, code: &str, start: Timestamp| {
        json!({
            "resourceType": "Appointment",
            "status": status,
            "serviceType": [{ "coding": [{ "system": ACT_CODE, "code": code }] }],
            "description": "Samtale om planen",
            "start": start.to_string(),
            "end": (start + SignedDuration::from_mins(30)).to_string(),
            "participant": [
                { "actor": { "reference": who }, "status": "accepted" },
                { "actor": { "display": "Sykepleier Anne Hansen" }, "status": "accepted" }
            ]
        })
    };
    let soon = now + SignedDuration::from_mins(10);
    let video = client.post("Appointment", &appointment(&subject, "booked", "VR", soon)).await.unwrap();
    let later = now + SignedDuration::from_hours(48);
    client.post("Appointment", &appointment(&subject, "booked", "HH", later)).await.unwrap();
    client.post("Appointment", &appointment(&other, "booked", "VR", soon)).await.unwrap();
    client.post("Appointment", &appointment(&subject, "proposed", "HH", later)).await.unwrap();

    let mut store = store_with(0);
    let report = download(&mut store, &client, Some(&subject), now, &tz).await.unwrap();
    assert_eq!(report.appointments_changed, 2, "{report:?}");
    assert_eq!(report.appointments_refused, 0, "{report:?}");
    let all = store.appointments("", Timestamp::MIN, Timestamp::MAX).unwrap();
    assert_eq!(all.len(), 2, "the patient's booked ones only: {all:?}");
    assert_eq!((all[0].kind, all[0].status), (AppointmentKind::Video, AppointmentStatus::Booked));
    assert_eq!(all[0].with, ["Sykepleier Anne Hansen"]);
    assert_eq!(all[1].kind, AppointmentKind::HomeVisit);
    let cards = heima_core::appointments::list(&all, now, &tz).upcoming;
    assert!(cards[0].can_join, "ten minutes before, the video call can be joined");
    // The server narrows by `actor`; the other patient's never came (a
    // server that does not is `fhir::appointment`'s own check's to stop).
    let server_count = client.search_all(&format!("Appointment?actor={subject}")).await.unwrap().len();
    assert_eq!(server_count, 3, "on the server for this patient: the two booked and the proposed one");
    assert_eq!(client.search_all("Appointment").await.unwrap().len(), 4, "and the other patient's");

    // The service moves the video call an hour on, then cancels it.
    let mut moved = video.clone();
    moved["start"] = json!((soon + SignedDuration::from_hours(1)).to_string());
    moved["end"] = json!((soon + SignedDuration::from_mins(90)).to_string());
    hfs.update(&moved).await;
    let report = download(&mut store, &client, Some(&subject), Timestamp::now(), &tz).await.unwrap();
    assert_eq!(report.appointments_changed, 1, "{report:?}");
    let shown = store.appointment("", video["id"].as_str().unwrap()).unwrap().unwrap();
    assert_eq!(shown.start, soon + SignedDuration::from_hours(1));
    let mut cancelled =
        client.search_all(&format!("Appointment?_id={}", video["id"].as_str().unwrap())).await.unwrap().remove(0);
    cancelled["status"] = json!("cancelled");
    hfs.update(&cancelled).await;
    download(&mut store, &client, Some(&subject), Timestamp::now(), &tz).await.unwrap();
    let shown = store.appointment("", video["id"].as_str().unwrap()).unwrap().unwrap();
    assert_eq!(shown.status, AppointmentStatus::Cancelled);
    assert!(!heima_core::appointments::can_join(&shown, shown.start), "a cancelled call cannot be joined");

    // The patient declines the home visit: it leaves the tablet. The
    // whole window is listed each round, so it goes though nothing else
    // changed, and a visit written before the last round still comes.
    let visit = client.search_all(&format!("Appointment?actor={subject}")).await.unwrap();
    let mut visit = visit.into_iter().find(|a| a["status"] == "booked").unwrap();
    visit["participant"][0]["status"] = json!("declined");
    hfs.update(&visit).await;
    download(&mut store, &client, Some(&subject), Timestamp::now(), &tz).await.unwrap();
    let left: Vec<String> =
        store.appointments("", Timestamp::MIN, Timestamp::MAX).unwrap().into_iter().map(|a| a.id).collect();
    assert_eq!(left, [video["id"].as_str().unwrap()], "the declined visit is gone");
    let mut fresh = store_with(0);
    store_with_watermark(&mut fresh);
    let report = download(&mut fresh, &client, Some(&subject), Timestamp::now(), &tz).await.unwrap();
    assert_eq!(report.appointments_changed, 1, "booked before the watermark, still shown: {report:?}");
    println!("on the server: {}", serde_json::to_string_pretty(&cancelled).unwrap());
}

/// A photo for the plan's photo activity reaches the server once as a
/// `Media`: the JPEG as kept (upright, scaled, without the phone's EXIF,
/// place or make), with the patient, the plan and the title; a training
/// photo never goes; an activity the plan asks no photo at is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_photo_reaches_the_server_as_media_without_its_metadata() {
    use base64::Engine;
    use heima_core::{
        clock::{oslo, FixedClock},
        demo,
        fhir::careplan,
        photo::{has_metadata, prepare},
        recording::keep_photo,
        store::{photos::PhotoSource, readings::Recorder},
    };
    use serde_json::json;
    let hfs = Hfs::start().await;
    let client = FhirClient::new(&hfs.base, Duration::from_secs(10), None).unwrap();
    let patient = client.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    let subject = format!("Patient/{}", patient["id"].as_str().unwrap());
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([12; 32])).unwrap();
    let plan: serde_json::Value = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
    careplan::accept(&store, &plan, Timestamp::UNIX_EPOCH, &oslo()).unwrap();
    let clock = FixedClock::oslo("2027-05-10T08:00:00Z".parse().unwrap());
    let original = heima_test_support::photos::phone_photo(2400, 1200, 6);
    assert!(has_metadata(&original));
    let photo = prepare(&original).unwrap();
    let by = Recorder::new(EnteredBy::Patient);
    let kept = keep_photo(&mut store, &clock, "leg-photo", &photo, PhotoSource::File, &by, "photo/01").unwrap();
    assert_eq!(kept.title, "Leggene og anklene");
    let training = Recorder::new(EnteredBy::NurseTraining);
    keep_photo(&mut store, &clock, "leg-photo", &photo, PhotoSource::Camera, &training, "photo/02").unwrap();
    let refused = keep_photo(&mut store, &clock, "weight", &photo, PhotoSource::File, &by, "photo/03").unwrap_err();
    assert_eq!(refused.code, "photo-not-asked");

    let after = clock.now + jiff::SignedDuration::from_mins(1);
    let drain = Drain { client: &client, subject: Some(&subject), national_id: None, batch_size: 10 };
    let report = drain.run(&mut store, || after, || 0.5, &mut |_| {}).await.unwrap();
    assert_eq!(report.created, 1, "{report:?}");
    let again = drain.run(&mut store, || after, || 0.5, &mut |_| {}).await.unwrap();
    assert_eq!(again.created, 0, "{again:?}");
    let on_server = client.search_all(&format!("Media?subject={subject}")).await.unwrap();
    assert_eq!(on_server.len(), 1, "the training photo stayed on the tablet");
    let media = &on_server[0];
    assert_eq!(media["identifier"][0]["value"], "photo/01");
    assert_eq!(media["subject"]["reference"], subject.as_str());
    assert_eq!(media["content"]["title"], "Leggene og anklene");
    let jpeg = base64::engine::general_purpose::STANDARD.decode(media["content"]["data"].as_str().unwrap()).unwrap();
    assert_eq!(jpeg, photo.jpeg, "exactly the JPEG kept");
    assert!(!has_metadata(&jpeg), "no EXIF, no place");
    assert!(!jpeg.windows(5).any(|w| w == b"Phone"), "no camera make");
    assert_eq!((media["width"].clone(), media["height"].clone()), (json!(800), json!(1600)));
    assert_eq!(media["content"]["size"], json!(jpeg.len()));
    let mut shown = media.clone();
    shown["content"]["data"] = json!(format!("<{} bytes of JPEG, base64>", jpeg.len()));
    println!("on the server: {}", serde_json::to_string_pretty(&shown).unwrap());
}
