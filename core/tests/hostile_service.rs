//! A hostile or broken service gets nowhere (issue 17). Each test is an
//! attack — a tampering proxy in front of a real hfs, or a server that
//! misbehaves — and checks that the app refuses it, changes nothing it
//! should not, and keeps working with the honest service: a `next` link to
//! another origin (no token arrives there), a `meta.lastUpdated` in the
//! future, another patient's plan and messages, a huge answer, a redirect
//! from the token endpoint.

use std::{
    sync::{atomic::Ordering, Arc},
    time::Duration,
};

use heima_core::{
    clock::oslo,
    demo,
    store::{outbox::DOWNLOADED_UNTIL, Store, StoreKey},
    sync::{
        client::{FhirClient, SyncError},
        download::download,
    },
};
use heima_test_support::{
    hfs::Hfs,
    tamper::{self, Tampering},
};
use jiff::Timestamp;
use serde_json::{json, Value as Json};

const T: Duration = Duration::from_secs(10);

fn upstream(hfs: &Hfs) -> String {
    hfs.base.trim_start_matches("http://").to_string()
}

/// The demo plan for `patient` (or as it is), ready to post.
fn plan_for(patient: Option<&str>) -> Json {
    let mut plan: Json = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
    plan.as_object_mut().unwrap().remove("meta");
    plan.as_object_mut().unwrap().remove("id");
    if let Some(p) = patient {
        plan["subject"] = json!({ "reference": p });
    }
    plan
}

async fn new_patient(client: &FhirClient) -> String {
    let patient = client.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    format!("Patient/{}", patient["id"].as_str().unwrap())
}

/// A `next` link to another origin: the search stops there, and the token
/// never arrives at that server (counted at the server).
#[tokio::test(flavor = "multi_thread")]
async fn a_next_link_to_another_origin_gets_no_token() {
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    for _ in 0..3 {
        new_patient(&direct).await;
    }
    assert_eq!(direct.search_all("Patient?_count=1").await.unwrap().len(), 3, "hfs pages on its own origin");

    let (evil, knocks) = tamper::listener().await;
    let (base, to) = (hfs.base.clone(), evil.clone());
    let tampering = Tampering { body: Arc::new(move |_, body| body.replace(&base, &to)), ..Tampering::default() };
    let proxy = tamper::proxy(upstream(&hfs), tampering).await;
    let client = FhirClient::new(&proxy, T, Some("patient-token".into())).unwrap();
    let error = client.search_all("Patient?_count=1").await.unwrap_err();
    assert!(matches!(error, SyncError::BadResponse(_)), "{error:?}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(knocks.connections.load(Ordering::SeqCst), 0, "nothing was sent to the other origin");
    assert!(knocks.authorizations.lock().unwrap().is_empty());
}

/// A `meta.lastUpdated` far in the future does not become the watermark:
/// a plan changed later still arrives.
#[tokio::test(flavor = "multi_thread")]
async fn a_future_last_updated_does_not_stop_later_downloads() {
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let created = direct.post("CarePlan", &plan_for(None)).await.unwrap();

    let tampering = Tampering {
        body: Arc::new(|asked, body| {
            if !asked.starts_with("/CarePlan") {
                return body;
            }
            let mut bundle: Json = serde_json::from_str(&body).unwrap();
            for entry in bundle["entry"].as_array_mut().into_iter().flatten() {
                entry["resource"]["meta"]["lastUpdated"] = json!("2099-01-01T00:00:00Z");
            }
            bundle.to_string()
        }),
        ..Tampering::default()
    };
    let proxy = tamper::proxy(upstream(&hfs), tampering).await;
    let tampered = FhirClient::new(&proxy, T, None).unwrap();
    let (tz, now) = (oslo(), Timestamp::now());
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([3; 32])).unwrap();
    let report = download(&mut store, &tampered, None, now, &tz).await.unwrap();
    assert_eq!(report.plans_accepted, 1, "{report:?}");
    let watermark = store.setting(DOWNLOADED_UNTIL).unwrap();
    assert_eq!(watermark, None, "a date later than the server's clock is not taken as the watermark");

    // The service changes the plan; the honest answer brings it.
    let mut changed = created.clone();
    changed["title"] = json!("Egenbehandlingsplan (revidert)");
    hfs.update(&changed).await;
    let report = download(&mut store, &direct, None, now, &tz).await.unwrap();
    assert_eq!(report.plans_accepted, 1, "the changed plan arrived: {report:?}");
}

/// A server that ignores `subject=` and hands out another patient's plan
/// and messages: they are left alone; this patient's plan is taken.
#[tokio::test(flavor = "multi_thread")]
async fn another_patients_plan_and_messages_are_left_alone() {
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let (ours, theirs) = (new_patient(&direct).await, new_patient(&direct).await);
    direct.post("CarePlan", &plan_for(Some(&theirs))).await.unwrap();
    let message = |to: &str| {
        json!({ "resourceType": "Communication", "status": "completed", "sent": "2026-11-30T09:00:00Z",
                "recipient": [{ "reference": to }], "payload": [{ "contentString": "Hei" }] })
    };
    direct.post("Communication", &message(&theirs)).await.unwrap();

    // The tampered server drops the patient filters.
    let ignore_filters = Arc::new(|target: &str| {
        target
            .split('&')
            .filter(|p| !p.starts_with("subject=") && !p.starts_with("recipient="))
            .collect::<Vec<_>>()
            .join("&")
    });
    let proxy = tamper::proxy(upstream(&hfs), Tampering { target: ignore_filters, ..Tampering::default() }).await;
    let tampered = FhirClient::new(&proxy, T, None).unwrap();
    let (tz, now) = (oslo(), Timestamp::now());
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([5; 32])).unwrap();
    let report = download(&mut store, &tampered, Some(&ours), now, &tz).await.unwrap();
    assert_eq!((report.plans_accepted, report.messages_new, report.not_for_this_patient), (0, 0, 2), "{report:?}");
    assert!(heima_core::fhir::careplan::in_force(&store, now, &tz).unwrap().is_none());
    assert!(store.messages().unwrap().is_empty());

    direct.post("CarePlan", &plan_for(Some(&ours))).await.unwrap();
    direct.post("Communication", &message(&ours)).await.unwrap();
    let report = download(&mut store, &tampered, Some(&ours), now, &tz).await.unwrap();
    assert_eq!((report.plans_accepted, report.messages_new), (1, 1), "{report:?}");
}

/// A 100 MB answer is refused after the cap, not read into memory; the
/// store is unchanged.
#[tokio::test(flavor = "multi_thread")]
async fn a_huge_answer_is_refused() {
    let flood = tamper::flood(100 * 1024 * 1024).await;
    let client = FhirClient::new(&flood, Duration::from_secs(60), None).unwrap();
    let started = std::time::Instant::now();
    let error = client.search_all("CarePlan").await.unwrap_err();
    assert_eq!(error, SyncError::BadResponse("the answer is too large".into()));
    assert!(started.elapsed() < Duration::from_secs(30), "stopped early: {:?}", started.elapsed());
    let (tz, now) = (oslo(), Timestamp::now());
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([7; 32])).unwrap();
    assert!(download(&mut store, &client, None, now, &tz).await.is_err());
    assert_eq!(store.setting(DOWNLOADED_UNTIL).unwrap(), None);
}

/// A token endpoint that redirects elsewhere: the request (with the
/// refresh token or activation code in its body) is not sent on.
#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_from_the_token_endpoint_is_not_followed() {
    let (elsewhere, knocks) = tamper::listener().await;
    let redirector = tamper::redirector(format!("{elsewhere}/token")).await;
    let enrolment = heima_core::enrolment::Enrolment {
        fhir_base: format!("{redirector}/fhir"),
        token_endpoint: format!("{redirector}/token"),
        patient: "Patient/p1".into(),
        access_token: "old".into(),
        refresh_token: Some("refresh-secret".into()),
        enrolled_at: Timestamp::now(),
        ..Default::default()
    };
    let error = heima_core::sync::enrol::refresh(&enrolment, T, Timestamp::now()).await.unwrap_err();
    assert_eq!(error, SyncError::Status { status: 307 });
    let code = heima_core::enrolment::parse_activation(&format!(
        "heima-enrol:?endpoint={}&code={}",
        url::form_urlencoded::byte_serialize(format!("{redirector}/activate").as_bytes()).collect::<String>(),
        heima_core::enrolment::new_code(&[1; 11])
    ))
    .unwrap();
    let error = heima_core::sync::enrol::activate(&code, None, T, Timestamp::now()).await.unwrap_err();
    assert_eq!(error, SyncError::Status { status: 307 });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(knocks.connections.load(Ordering::SeqCst), 0, "nothing followed the redirect");
}
