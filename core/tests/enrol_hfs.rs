//! Enrolment, tokens, messages and hand-over against a real FHIR server
//! (hfs) behind the test authorisation gateway (`heima-test-support`'s
//! `auth`; hfs has no authorisation of its own): an activation code (typed
//! and QR, single use), the SMART standalone launch with PKCE and a loopback
//! redirect at a real, independent OpenID provider (oidc-provider), an
//! authorization response from another issuer refused, a 403 on one resource
//! type holding back only that kind, a 401 after a refresh not taken for a
//! revocation, the call endpoint's own token (RFC 8707), everything uploaded
//! with the patient as subject and performer, refresh and revocation keeping
//! local data, replies downloaded once, and a hand-over between two servers
//! (another person refused).

use std::time::Duration;

use heima_core::{
    clock::oslo,
    enrolment::{authorize_url, new_code, parse_activation, Pkce},
    store::{
        readings::{EnteredBy, Recorder},
        responses::NewResponse,
        Store, StoreKey,
    },
    sync::{
        client::{FhirClient, SyncError},
        enrol,
        round::{self, RoundHooks, RoundSettings},
    },
};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use heima_test_support::{auth::AuthServer, hfs::Hfs, readings};

const T: Duration = Duration::from_secs(10);

fn add_readings(store: &mut Store, range: std::ops::Range<usize>, by: EnteredBy) {
    let ms: Vec<_> = range
        .map(|n| {
            let at = Timestamp::from_second(1_795_420_800 + n as i64 * 60).unwrap();
            readings::weight(80_000 + n as i32 * 100, at, "aa:bb:cc:dd:ee:01", &format!("enrol-{n}"))
        })
        .collect();
    readings::store_unjudged(store, &ms, by);
}

/// hfs, a Patient on it, and the gateway that knows an activation code for them.
async fn service() -> (Hfs, AuthServer, String, String) {
    service_for(None).await
}

/// As [`service`], the Patient with this fødselsnummer.
async fn service_for(fnr: Option<&str>) -> (Hfs, AuthServer, String, String) {
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let mut patient = json!({ "resourceType": "Patient", "name": [{ "family": "Test" }] });
    if let Some(fnr) = fnr {
        patient["identifier"] = json!([{ "system": heima_core::enrolment::FNR_SYSTEM, "value": fnr }]);
    }
    let patient = direct.post("Patient", &patient).await.unwrap();
    let patient = format!("Patient/{}", patient["id"].as_str().unwrap());
    let server = AuthServer::start(&hfs.base).await;
    let code = new_code(&[9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 30]);
    {
        let mut s = server.state.lock().unwrap();
        s.activation_codes.insert(code.clone(), patient.trim_start_matches("Patient/").to_string());
        s.login_patient = patient.trim_start_matches("Patient/").to_string();
    }
    (hfs, server, patient, code)
}

fn qr(server: &AuthServer, code: &str) -> String {
    let endpoint: String = url::form_urlencoded::byte_serialize(server.activation_endpoint().as_bytes()).collect();
    format!("heima-enrol:?endpoint={endpoint}&code={code}")
}

async fn run(store: &mut Store, e: &heima_core::enrolment::Enrolment, now: Timestamp) -> round::RoundResult {
    round::run(
        store,
        e,
        RoundSettings { batch_size: 10, timeout: T },
        || now,
        || 0.5,
        &oslo(),
        RoundHooks { progress: &mut |_| {}, keep_tokens: &mut |_| {} },
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_activation_code_enrols_and_everything_reaches_the_service_with_the_patient() {
    let (hfs, server, patient, code) = service().await;
    let now = Timestamp::now();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([1; 32])).unwrap();
    add_readings(&mut store, 0..12, EnteredBy::Patient);
    add_readings(&mut store, 12..14, EnteredBy::Relative);
    add_readings(&mut store, 14..16, EnteredBy::NurseTraining);
    store.send_message("Eg har vondt i brystet", "msg-1", now, &Recorder::new(EnteredBy::Patient)).unwrap();
    let response = json!({ "resourceType": "QuestionnaireResponse", "questionnaire": "urn:test:q", "status": "completed", "authored": now.to_string(), "item": [] });
    store
        .save_response(&NewResponse {
            identifier: "qr-1",
            questionnaire: "urn:test:q",
            authored: now,
            resource: &response,
            score: None,
            entered_by: EnteredBy::Patient,
            judged: None,
        })
        .unwrap();
    store.pair_device("aa:bb:cc:dd:ee:01", heima_core::vocabulary::HealthService::WeightScale, "Vekt", now).unwrap();

    // A code read out and typed sloppily, without an endpoint, needs one configured.
    let typed = parse_activation(&code.to_lowercase().replace('-', " ")).unwrap();
    assert_eq!(enrol::activate(&typed, None, T, now).await.unwrap_err(), SyncError::NoEndpoint);
    let e = enrol::activate(&parse_activation(&qr(&server, &code)).unwrap(), None, T, now).await.unwrap();
    assert_eq!(e.patient, patient);
    assert_eq!(e.fhir_base, server.fhir_base);
    // The code works once.
    assert_eq!(
        enrol::activate(&parse_activation(&qr(&server, &code)).unwrap(), None, T, now).await.unwrap_err(),
        SyncError::Revoked
    );

    assert!(store.begin_service(&e.service_patient(), now).unwrap());
    let result = run(&mut store, &e, now).await;
    let report = result.outcome.unwrap();
    assert_eq!(report.upload.created, 14 + 1 + 1 + 1, "{report:?}");
    assert_eq!(store.outbox_status().unwrap().waiting, 0);

    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    assert_eq!(direct.count("Observation").await.unwrap(), 14, "training readings are never sent");
    let observations = direct.search_all("Observation").await.unwrap();
    assert!(observations.iter().all(|o| o["subject"]["reference"] == patient.as_str()));
    let by_patient = observations.iter().filter(|o| o["performer"][0]["reference"] == patient.as_str()).count();
    let by_relative = observations
        .iter()
        .filter(|o| {
            o["performer"][0]["reference"] == "#relative" && o["contained"][0]["resourceType"] == "RelatedPerson"
        })
        .count();
    assert_eq!((by_patient, by_relative), (12, 2));
    let messages = direct.search_all("Communication").await.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["payload"][0]["contentString"], "Eg har vondt i brystet");
    assert_eq!(messages[0]["sender"]["reference"], patient.as_str());
    let responses = direct.search_all("QuestionnaireResponse").await.unwrap();
    assert_eq!((responses.len(), responses[0]["subject"]["reference"].as_str()), (1, Some(patient.as_str())));
    let devices = direct.search_all("Device").await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["identifier"][0]["value"], "AA-BB-CC-DD-EE-01", "the PHD guide's form");
    // Without a token the gateway lets nothing through.
    let anonymous = FhirClient::new(&server.fhir_base, T, None).unwrap();
    assert!(matches!(anonymous.count("Observation").await, Err(SyncError::Unauthorized(401))));
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_are_refreshed_and_a_revoked_tablet_keeps_its_data() {
    let (_hfs, server, _patient, code) = service().await;
    server.state.lock().unwrap().expires_in = 600;
    let t0 = Timestamp::now();
    let e = enrol::activate(&parse_activation(&qr(&server, &code)).unwrap(), None, T, t0).await.unwrap();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([3; 32])).unwrap();
    add_readings(&mut store, 0..2, EnteredBy::Patient);

    // Within the margin before expiry: refreshed first, then sent.
    let later = t0 + SignedDuration::from_secs(500);
    let result = run(&mut store, &e, later).await;
    assert_eq!(result.outcome.unwrap().upload.created, 2);
    let e = result.refreshed.expect("refreshed before expiry");
    assert_eq!(server.state.lock().unwrap().refreshes, 1);
    assert_eq!(server.state.lock().unwrap().rejected_fhir_requests, 0, "no request went out with an old token");

    // The access token stops working early: one 401, a refresh, and on.
    server.state.lock().unwrap().expire_access_tokens();
    add_readings(&mut store, 2..4, EnteredBy::Patient);
    let result = run(&mut store, &e, later).await;
    assert_eq!(result.outcome.unwrap().upload.created, 2);
    let e = result.refreshed.expect("refreshed after a 401");
    assert_eq!(server.state.lock().unwrap().refreshes, 2);

    // The service withdraws access: "ask your nurse", and nothing local is lost.
    server.state.lock().unwrap().revoke_all();
    add_readings(&mut store, 4..7, EnteredBy::Patient);
    let result = run(&mut store, &e, later).await;
    assert_eq!(result.outcome.unwrap_err(), SyncError::Revoked);
    assert_eq!(SyncError::Revoked.code(), "sync-revoked");
    assert_eq!(store.reading_count().unwrap(), 7);
    assert_eq!(store.outbox_status().unwrap().waiting, 3, "the unsent readings wait for a new enrolment");
    let e2 = e.clone();
    let expired = run(&mut store, &heima_core::enrolment::Enrolment { expires_at: Some(later), ..e2 }, later).await;
    assert_eq!(expired.outcome.unwrap_err(), SyncError::Revoked, "a refused refresh before the round is revoked too");
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_from_the_service_come_down_once_and_stay_unread_until_seen() {
    let (hfs, server, patient, code) = service().await;
    let now = Timestamp::now();
    let e = enrol::activate(&parse_activation(&qr(&server, &code)).unwrap(), None, T, now).await.unwrap();
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let reply = |text: &str, to: &str| {
        json!({
            "resourceType": "Communication", "status": "completed", "recipient": [{ "reference": to }],
            "subject": { "reference": to }, "sent": "2026-11-23T10:00:00Z", "payload": [{ "contentString": text }]
        })
    };
    direct.post("Communication", &reply("Hei! Vi ringjer deg i ettermiddag.", &patient)).await.unwrap();
    direct.post("Communication", &reply("Til ein annan pasient", "Patient/someone-else")).await.unwrap();

    let mut store = Store::open_in_memory(&StoreKey::from_bytes([5; 32])).unwrap();
    store.send_message("Kan de ringje meg?", "msg-own", now, &Recorder::new(EnteredBy::Patient)).unwrap();
    let report = run(&mut store, &e, now).await.outcome.unwrap();
    assert_eq!(report.download.messages_new, 1, "{report:?}");
    assert_eq!(store.unread_messages().unwrap(), 1);
    let all = store.messages().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all.iter().find(|m| m.identifier == "msg-own").unwrap().delivered, Some(true));
    // Polling again brings nothing twice; our own message is not a reply.
    let report = run(&mut store, &e, now).await.outcome.unwrap();
    assert_eq!(report.download.messages_new, 0);
    assert_eq!(store.messages().unwrap().len(), 2);
    assert_eq!(store.mark_messages_read(now).unwrap(), 1);
    assert_eq!(store.unread_messages().unwrap(), 0);
}

/// Activates the QR code of `server` and learns who the patient is, as
/// the app does before the nurse confirms.
async fn activate_and_identify(server: &AuthServer, code: &str, now: Timestamp) -> heima_core::enrolment::Enrolment {
    let mut e = enrol::activate(&parse_activation(&qr(server, code)).unwrap(), None, T, now).await.unwrap();
    e.national_id = enrol::patient_shown(&e, T).await.unwrap().national_id;
    e
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hand_over_keeps_the_history_and_sends_on_to_the_new_service() {
    let (hospital, hospital_auth, _, hospital_code) = service_for(Some("01017012345")).await;
    let (municipality, municipality_auth, new_patient, municipality_code) = service_for(Some("01017012345")).await;
    let now = Timestamp::now();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([7; 32])).unwrap();
    store.pair_device("aa:bb:cc:dd:ee:01", heima_core::vocabulary::HealthService::WeightScale, "Vekt", now).unwrap();

    let a = activate_and_identify(&hospital_auth, &hospital_code, now).await;
    assert_eq!(a.national_id.as_deref(), Some("urn:oid:2.16.578.1.12.4.1.4.1|01017012345"));
    store.begin_service(&a.service_patient(), now).unwrap();
    // The hospital's plan names its own ids: the plan, the author, a relative.
    let old_ids = ["hospital-plan-1", "Organization/hospital-org-7", "RelatedPerson/hospital-rel-9"];
    let plan = json!({
        "resourceType": "CarePlan", "id": "hospital-plan-1", "author": { "reference": old_ids[1] },
        "contained": [{ "resourceType": "CareTeam", "id": "team", "participant": [
            { "role": [{ "text": "Datter" }], "member": { "reference": old_ids[2], "display": "Kari" } }
        ] }],
        "careTeam": [{ "reference": "#team" }]
    });
    let judged_by = match store.save_plan("hospital-plan-1", "3", now, &plan.to_string(), now).unwrap() {
        heima_core::store::plans::PlanUpdate::Accepted { version, .. } => version,
        other => panic!("{other:?}"),
    };
    add_readings(&mut store, 0..4, EnteredBy::Patient);
    let by_relative = Recorder { by: EnteredBy::Relative, relative: Some(old_ids[2].to_string()) };
    let relatives_reading = |store: &mut Store, n: usize, judged_by: u32| {
        let at = Timestamp::from_second(1_795_420_800 + n as i64 * 60).unwrap();
        let m = readings::weight(80_000 + n as i32 * 100, at, "aa:bb:cc:dd:ee:01", &format!("enrol-{n}"));
        let judgement = heima_core::judging::no_plan();
        let row = heima_core::store::readings::NewReading {
            relative: by_relative.relative.as_deref(),
            judged: Some((judged_by, &judgement)),
            ..heima_core::store::readings::NewReading::unjudged(&m, EnteredBy::Relative, at)
        };
        store.insert_readings(&[row]).unwrap();
    };
    relatives_reading(&mut store, 4, judged_by);
    run(&mut store, &a, now).await.outcome.unwrap();
    let at = |h: &Hfs| FhirClient::new(&h.base, T, None).unwrap();
    let text_at = |resources: Vec<serde_json::Value>| serde_json::to_string(&resources).unwrap();
    let at_hospital = text_at(at(&hospital).search_all("Observation").await.unwrap());
    assert!(
        at_hospital.contains("CarePlan/hospital-plan-1/_history/3") && at_hospital.contains(old_ids[2]),
        "the hospital's own references go to the hospital: {at_hospital}"
    );
    // Taken, answered and written while moving over, not yet sent: under
    // the hospital's plan, by the relative the hospital knows.
    relatives_reading(&mut store, 5, judged_by);
    add_readings(&mut store, 6..7, EnteredBy::Patient);
    store.send_message("Det går bra", "msg-over", now, &by_relative).unwrap();
    let answered = json!({ "resourceType": "QuestionnaireResponse", "questionnaire": "urn:test:q", "status": "completed", "authored": now.to_string(), "author": { "reference": old_ids[2] }, "item": [] });
    let judgement = heima_core::judging::no_plan();
    store
        .save_response(&NewResponse {
            identifier: "qr-over",
            questionnaire: "urn:test:q",
            authored: now,
            resource: &answered,
            score: None,
            entered_by: EnteredBy::Relative,
            judged: Some((i64::from(judged_by), &judgement)),
        })
        .unwrap();

    let b = activate_and_identify(&municipality_auth, &municipality_code, now).await;
    store.check_person(&b.service_patient()).unwrap();
    assert!(store.begin_service(&b.service_patient(), now).unwrap());
    assert!(!store.begin_service(&b.service_patient(), now).unwrap(), "the same service again changes nothing");
    add_readings(&mut store, 7..8, EnteredBy::Patient);
    // The municipality's plan comes, naming no relative of the hospital's;
    // the relative chosen before still records one reading, judged by it.
    let plan_b = json!({ "resourceType": "CarePlan", "id": "municipality-plan-1" });
    let judged_by_b = match store.save_plan("municipality-plan-1", "1", now, &plan_b.to_string(), now).unwrap() {
        heima_core::store::plans::PlanUpdate::Accepted { version, .. } => version,
        other => panic!("{other:?}"),
    };
    relatives_reading(&mut store, 8, judged_by_b);
    run(&mut store, &b, now).await.outcome.unwrap();

    assert_eq!(at(&hospital).count("Observation").await.unwrap(), 5);
    assert_eq!(at(&municipality).count("Observation").await.unwrap(), 4);
    // The new service got the relative's reading, message and answers, and
    // none of the hospital's ids: no plan, author or relative of its.
    let mut everything = vec![];
    for kind in ["Observation", "Communication", "QuestionnaireResponse", "Device"] {
        everything.extend(at(&municipality).search_all(kind).await.unwrap());
    }
    let there = text_at(everything);
    assert!(there.contains("Det går bra") && there.contains("qr-over"), "{there}");
    for old in old_ids {
        assert!(!there.contains(old), "the municipality got the hospital's {old}: {there}");
    }
    assert!(there.contains("#relative"), "the relative is still told, without the hospital's id: {there}");
    // Every call of the app was within the scopes it asked for.
    for gateway in [&hospital_auth, &municipality_auth] {
        let refused = gateway.state.lock().unwrap().scope_refusals.clone();
        assert!(refused.is_empty(), "calls outside the scopes: {refused:?}");
    }
    assert_eq!(at(&municipality).count("Device").await.unwrap(), 1, "the paired scale is announced to the new service");
    let sent = at(&municipality).search_all("Observation").await.unwrap();
    assert!(sent.iter().all(|o| o["subject"]["reference"] == new_patient.as_str()));
    // The national identity number goes beside the reference.
    let named = &sent[0]["subject"]["identifier"];
    assert_eq!(
        (named["system"].as_str(), named["value"].as_str()),
        (Some(heima_core::enrolment::FNR_SYSTEM), Some("01017012345"))
    );
    assert_eq!(store.reading_count().unwrap(), 9, "the local history stays");
}

/// A round of the old service still waiting on the network when the
/// hand-over is confirmed (on another connection, as the app's screens and
/// rounds have): what it fetched is not saved, so the old service's plan
/// never becomes the new service's plan in force.
#[tokio::test(flavor = "multi_thread")]
async fn a_round_of_the_old_service_saves_nothing_after_the_hand_over() {
    let (hospital, hospital_auth, hospital_patient, hospital_code) = service_for(Some("01017012345")).await;
    let (_municipality, municipality_auth, _, municipality_code) = service_for(Some("01017012345")).await;
    let direct = FhirClient::new(&hospital.base, T, None).unwrap();
    let mut plan: serde_json::Value = serde_json::from_str(heima_core::demo::CAREPLAN_JSON).unwrap();
    plan.as_object_mut().unwrap().remove("meta");
    plan["subject"] = json!({ "reference": hospital_patient });
    direct.post("CarePlan", &plan).await.unwrap();
    let now = Timestamp::now();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heima.db");
    let key = StoreKey::from_bytes([8; 32]);
    let mut store = Store::open(&path, &key, now).unwrap().store;
    let a = activate_and_identify(&hospital_auth, &hospital_code, now).await;
    store.begin_service(&a.service_patient(), now).unwrap();
    let b = activate_and_identify(&municipality_auth, &municipality_code, now).await;

    hospital_auth.state.lock().unwrap().fhir_delay_ms = 1_500;
    let hand_over = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut other = Store::connect_again(&path, &key).unwrap();
        assert!(other.begin_service(&b.service_patient(), now).unwrap());
    };
    let (round, ()) = tokio::join!(run(&mut store, &a, now), hand_over);
    round.outcome.unwrap();
    assert_eq!(store.plan_version_in_force(Timestamp::MAX).unwrap(), None, "the hospital's plan was not kept");
    assert_eq!(store.setting(heima_core::store::outbox::DOWNLOADED_UNTIL).unwrap(), None);
}

/// A hand-over to a service whose patient is another person (another
/// fødselsnummer), or who the service does not name, is refused: nothing
/// of the first person goes there, and the tablet stays with its service.
#[tokio::test(flavor = "multi_thread")]
async fn a_hand_over_naming_another_person_is_refused() {
    let (_hospital, hospital_auth, _, hospital_code) = service_for(Some("01017012345")).await;
    let (other, other_auth, _, other_code) = service_for(Some("02028054321")).await;
    let (unnamed, unnamed_auth, _, unnamed_code) = service_for(None).await;
    let now = Timestamp::now();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([8; 32])).unwrap();
    let a = activate_and_identify(&hospital_auth, &hospital_code, now).await;
    store.begin_service(&a.service_patient(), now).unwrap();
    add_readings(&mut store, 0..3, EnteredBy::Patient);

    let b = activate_and_identify(&other_auth, &other_code, now).await;
    assert_eq!(store.check_person(&b.service_patient()).unwrap_err().code(), "enrol-other-person");
    assert_eq!(store.begin_service(&b.service_patient(), now).unwrap_err().code(), "enrol-other-person");
    let c = activate_and_identify(&unnamed_auth, &unnamed_code, now).await;
    assert_eq!(c.national_id, None, "this service names no national identity");
    assert_eq!(store.begin_service(&c.service_patient(), now).unwrap_err().code(), "enrol-person-unconfirmed");

    // Even a round run with the wrong enrolment sends nothing of A's: the
    // queued items are A's, and the store's person is still A.
    let refused = run(&mut store, &b, now).await.outcome.unwrap_err();
    assert_eq!(refused.code(), "enrol-other-person");
    assert_eq!(run(&mut store, &c, now).await.outcome.unwrap_err().code(), "enrol-person-unconfirmed");
    let at = |h: &Hfs| FhirClient::new(&h.base, T, None).unwrap();
    assert_eq!(at(&other).count("Observation").await.unwrap(), 0);
    assert_eq!(at(&unnamed).count("Observation").await.unwrap(), 0);
    assert_eq!(store.outbox_status().unwrap().waiting, 3, "A's readings still wait for A's service");
}

/// A 403 on one resource type fails only that kind, with backoff; the
/// rest reaches the service, and the tablet is not taken for revoked.
#[tokio::test(flavor = "multi_thread")]
async fn a_403_on_one_resource_type_holds_back_only_that_kind() {
    let (hfs, server, _patient, code) = service().await;
    let now = Timestamp::now();
    let e = enrol::activate(&parse_activation(&qr(&server, &code)).unwrap(), None, T, now).await.unwrap();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([2; 32])).unwrap();
    store.begin_service(&e.service_patient(), now).unwrap();
    add_readings(&mut store, 0..5, EnteredBy::Patient);
    store.pair_device("aa:bb:cc:dd:ee:01", heima_core::vocabulary::HealthService::WeightScale, "Vekt", now).unwrap();
    store.send_message("Hei", "msg-403", now, &Recorder::new(EnteredBy::Patient)).unwrap();
    server.state.lock().unwrap().forbidden_types.push("Device".into());

    let report = run(&mut store, &e, now).await.outcome.expect("a 403 is not a failed round, nor a revocation");
    assert_eq!((report.upload.created, report.upload.forbidden), (5 + 1, 1), "{report:?}");
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    assert_eq!(direct.count("Observation").await.unwrap(), 5, "counted on the server");
    assert_eq!(direct.count("Communication").await.unwrap(), 1);
    assert_eq!(direct.count("Device").await.unwrap(), 0);
    assert_eq!(store.outbox_status().unwrap().waiting, 1, "the device waits for its later try");
    assert!(server.state.lock().unwrap().forbidden_requests >= 1);

    // The service lifts its rule; the device goes at its next try.
    server.state.lock().unwrap().forbidden_types.clear();
    let report = run(&mut store, &e, now + SignedDuration::from_hours(1)).await.outcome.unwrap();
    assert_eq!(report.upload.created, 1, "{report:?}");
    assert_eq!(direct.count("Device").await.unwrap(), 1);
}

/// A 401 even after a fresh token is a failed round, not a revocation:
/// only the token endpoint's `invalid_grant` revokes.
#[tokio::test(flavor = "multi_thread")]
async fn a_401_after_a_refresh_is_not_a_revocation() {
    let (_hfs, server, _patient, code) = service().await;
    let now = Timestamp::now();
    let e = enrol::activate(&parse_activation(&qr(&server, &code)).unwrap(), None, T, now).await.unwrap();
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([3; 32])).unwrap();
    store.begin_service(&e.service_patient(), now).unwrap();
    add_readings(&mut store, 0..2, EnteredBy::Patient);
    server.state.lock().unwrap().reject_all_fhir = true;
    let result = run(&mut store, &e, now).await;
    assert_eq!(result.outcome.unwrap_err(), SyncError::Unauthorized(401));
    assert!(result.refreshed.is_some(), "one refresh was tried, and its tokens are kept");
    assert_eq!(server.state.lock().unwrap().refreshes, 1);
    assert_eq!(store.outbox_status().unwrap().waiting, 2, "nothing lost");

    // The refresh token itself refused: that is a revocation.
    server.state.lock().unwrap().refresh_tokens.clear();
    let refreshed = result.refreshed.unwrap();
    let result = run(&mut store, &refreshed, now).await;
    assert_eq!(result.outcome.unwrap_err(), SyncError::Revoked);
}

/// RFC 9207: a server that names itself in its authorization responses is
/// held to it; an answer naming another server (a mix-up) is refused.
#[tokio::test(flavor = "multi_thread")]
async fn an_authorization_response_from_another_issuer_is_refused() {
    let (_hfs, server, _patient, _) = service().await;
    for (iss, accepted) in [(server.base.clone(), true), ("https://evil.example".to_string(), false)] {
        server.state.lock().unwrap().iss_in_redirect = Some(iss.clone());
        let smart = enrol::discover(&server.fhir_base, T).await.unwrap();
        assert_eq!(smart.expected_issuer(), Some(server.base.as_str()));
        let loopback = enrol::Loopback::bind().await.unwrap();
        let url = authorize_url(&smart, &server.fhir_base, &loopback.redirect_uri, "s", &Pkce::new(&[1; 32])).unwrap();
        let issuer = smart.expected_issuer().map(str::to_string);
        let waiting = tokio::spawn(async move { loopback.wait("s", issuer.as_deref(), "ok", T).await });
        reqwest::get(&url).await.unwrap();
        let result = waiting.await.unwrap();
        assert_eq!(result.is_ok(), accepted, "iss {iss}: {result:?}");
    }
}

/// RFC 8707: the call endpoint gets a token issued for it alone; the FHIR
/// token never goes there, and the call token is refused at the FHIR base.
#[tokio::test(flavor = "multi_thread")]
async fn the_call_endpoint_gets_its_own_token_never_the_fhir_one() {
    let (_hfs, server, _patient, code) = service().await;
    let (desk, knocks) = heima_test_support::tamper::listener().await;
    let call_endpoint = format!("{desk}/call");
    server.state.lock().unwrap().call_endpoint = Some(call_endpoint.clone());
    let now = Timestamp::now();
    let e = enrol::activate(&parse_activation(&qr(&server, &code)).unwrap(), None, T, now).await.unwrap();
    assert_eq!(e.call_token, None);
    let mut store = Store::open_in_memory(&StoreKey::from_bytes([4; 32])).unwrap();
    store.begin_service(&e.service_patient(), now).unwrap();
    let result = run(&mut store, &e, now).await;
    result.outcome.unwrap();
    let e = result.refreshed.expect("the new call token and rotated refresh token are kept");
    let call_token = e.call_token.clone().expect("a call token");
    assert_ne!(call_token, e.access_token);
    assert_eq!(server.state.lock().unwrap().audiences.get(&call_token), Some(&call_endpoint));

    let with_call_token = FhirClient::new(&e.fhir_base, T, Some(call_token.clone())).unwrap();
    assert_eq!(with_call_token.count("Observation").await.unwrap_err(), SyncError::Unauthorized(401));

    let calls = heima_core::call::signalling::CallService::new(&call_endpoint, e.call_token.clone()).unwrap();
    let _ = calls.is_on(&format!("{call_endpoint}/calls/1")).await;
    let seen = knocks.authorizations.lock().unwrap().clone();
    assert_eq!(seen, [format!("authorization: Bearer {call_token}")], "only the call token reached the call endpoint");

    // Not due again: the next round keeps it.
    let result = run(&mut store, &e, now).await;
    result.outcome.unwrap();
    assert!(result.refreshed.is_none(), "no token work when nothing is due");
}

/// The SMART login against a real, independent OpenID provider
/// (oidc-provider): the app's authorize request (PKCE, loopback redirect,
/// least-privilege scopes) is accepted, the provider's login and consent
/// pages are passed, its `iss` (RFC 9207) is checked, the code exchanged,
/// and readings reach hfs through a gateway that checks the provider's
/// tokens by introspection; the refresh token works at the provider.
#[tokio::test(flavor = "multi_thread")]
async fn a_smart_login_at_an_independent_openid_provider_enrols_and_sends() {
    use heima_test_support::{auth::Provider, oidc::OidcProvider};
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let patient = direct.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    let patient_id = patient["id"].as_str().unwrap().to_string();
    let provider = OidcProvider::start(&patient_id).await;
    let gateway = AuthServer::start(&hfs.base).await;
    gateway.state.lock().unwrap().provider = Some(Provider {
        issuer: provider.base.clone(),
        authorization_endpoint: provider.authorization_endpoint(),
        token_endpoint: provider.token_endpoint(),
        introspection_endpoint: provider.introspection_endpoint(),
        client_id: "gateway".into(),
        client_secret: "gateway-secret".into(),
    });
    let now = Timestamp::now();

    let smart = enrol::discover(&gateway.fhir_base, T).await.unwrap();
    assert_eq!(smart.expected_issuer(), Some(provider.base.as_str()));
    let loopback = enrol::Loopback::bind().await.unwrap();
    let redirect = loopback.redirect_uri.clone();
    let pkce = Pkce::new(&[11; 32]);
    let url = authorize_url(&smart, &gateway.fhir_base, &redirect, "state-oidc", &pkce).unwrap();
    let issuer = smart.expected_issuer().map(str::to_string);
    let waiting = tokio::spawn(async move { loopback.wait("state-oidc", issuer.as_deref(), "ok", T).await });
    let back = provider.log_in(&url, &patient_id).await;
    assert!(back.starts_with(&redirect), "{back}");
    assert!(back.contains("iss="), "the provider names itself: {back}");
    // A stray request with another state does not end the wait.
    let stray = reqwest::get(format!("{redirect}?code=x&state=other")).await.unwrap();
    assert_eq!(stray.status(), 404);
    // Another local program connects and sends nothing: the browser's
    // redirect still gets through at once.
    let port = redirect.trim_start_matches("http://127.0.0.1:").split('/').next().unwrap().to_string();
    let _silent = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
    let answered = tokio::time::timeout(std::time::Duration::from_secs(5), reqwest::get(&back)).await;
    assert!(answered.expect("the redirect is answered while a silent connection is open").is_ok());
    let code = waiting.await.unwrap().unwrap();
    // A wrong PKCE verifier is refused by the provider.
    let wrong = Pkce::new(&[12; 32]);
    let refused = enrol::exchange_code(&smart, &gateway.fhir_base, &code, &redirect, &wrong.verifier, T, now).await;
    assert_eq!(refused.unwrap_err(), SyncError::Revoked, "invalid_grant");
    // (The code is spent by the failed try, as RFC 6749 asks; log in again.)
    let loopback = enrol::Loopback::bind().await.unwrap();
    let redirect = loopback.redirect_uri.clone();
    let url = authorize_url(&smart, &gateway.fhir_base, &redirect, "state-2", &pkce).unwrap();
    let issuer = smart.expected_issuer().map(str::to_string);
    let waiting = tokio::spawn(async move { loopback.wait("state-2", issuer.as_deref(), "ok", T).await });
    reqwest::get(&provider.log_in(&url, &patient_id).await).await.unwrap();
    let code = waiting.await.unwrap().unwrap();
    let e = enrol::exchange_code(&smart, &gateway.fhir_base, &code, &redirect, &pkce.verifier, T, now).await.unwrap();
    assert_eq!(e.patient, format!("Patient/{patient_id}"));
    assert!(e.refresh_token.is_some(), "offline_access gives a refresh token");

    let mut store = Store::open_in_memory(&StoreKey::from_bytes([5; 32])).unwrap();
    store.begin_service(&e.service_patient(), now).unwrap();
    add_readings(&mut store, 0..3, EnteredBy::Patient);
    assert_eq!(run(&mut store, &e, now).await.outcome.unwrap().upload.created, 3);
    assert_eq!(direct.count("Observation").await.unwrap(), 3, "counted at hfs");

    let refreshed = enrol::refresh(&e, T, now).await.unwrap();
    assert_ne!(refreshed.access_token, e.access_token);
    let with_new = FhirClient::new(&e.fhir_base, T, Some(refreshed.access_token.clone())).unwrap();
    assert_eq!(with_new.count("Observation").await.unwrap(), 3, "the refreshed token is accepted");
    let forged = FhirClient::new(&e.fhir_base, T, Some("forged-token".into())).unwrap();
    assert_eq!(forged.count("Observation").await.unwrap_err(), SyncError::Unauthorized(401));
}
