//! TLS trusts the operating system's store (rustls-platform-verifier), so
//! a hospital's or municipality's own certificate authority works once the
//! machine trusts it. A CA made for the test signs a loopback HTTPS front
//! for the test gateway over a real hfs; before the machine's store holds
//! the CA the service is refused, after it the tablet enrols and sends.
//!
//! The store is given the CA through `SSL_CERT_FILE`, the variable the
//! system store's loader reads (as a machine's CA bundle would hold it),
//! for this test process only: the machine's own store is never touched.

use std::time::Duration;

use heima_core::{
    clock::oslo,
    enrolment::{new_code, parse_activation},
    store::{readings::EnteredBy, Store, StoreKey},
    sync::{
        client::{FhirClient, SyncError},
        enrol,
        round::{self, RoundHooks, RoundSettings},
    },
};
use heima_test_support::{
    auth::AuthServer,
    hfs::Hfs,
    readings,
    tls::{https_front, TestPki},
};
use jiff::Timestamp;
use serde_json::json;

const T: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread")]
async fn a_service_signed_by_a_ca_in_the_machines_store_is_trusted() {
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let patient = direct.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
    let gateway = AuthServer::start(&hfs.base).await;
    let pki = TestPki::new();
    let front = https_front(gateway.base.trim_start_matches("http://").to_string(), &pki).await;
    let code = new_code(&[3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
    {
        let mut s = gateway.state.lock().unwrap();
        s.activation_codes.insert(code.clone(), patient["id"].as_str().unwrap().into());
        s.fhir_base_override = Some(format!("{front}/fhir"));
    }
    let qr = format!(
        "heima-enrol:?endpoint={}&code={code}",
        url::form_urlencoded::byte_serialize(format!("{front}/activate").as_bytes()).collect::<String>()
    );
    let activation = parse_activation(&qr).unwrap();
    let now = Timestamp::now();

    // The CA is not in the machine's store yet: the service is refused.
    let refused = enrol::activate(&activation, None, T, now).await.unwrap_err();
    assert!(matches!(refused, SyncError::Network(_)), "{refused:?}");
    assert_eq!(gateway.state.lock().unwrap().activation_codes.len(), 1, "the code never reached the service");

    // The machine trusts the CA (as after update-ca-certificates): it works.
    // SAFETY: set before any other thread of this test process reads the
    // environment (each test runs in its own process under nextest).
    unsafe { std::env::set_var("SSL_CERT_FILE", &pki.ca_file) };
    let enrolment = enrol::activate(&activation, None, T, now).await.unwrap();
    assert!(enrolment.fhir_base.starts_with("https://localhost:"), "{}", enrolment.fhir_base);

    let mut store = Store::open_in_memory(&StoreKey::from_bytes([9; 32])).unwrap();
    store.begin_service(&enrolment.service_patient(), now).unwrap();
    let weight = readings::weight(72_400, now, "aa:bb:cc:dd:ee:09", "tls-1");
    readings::store_unjudged(&mut store, &[weight], EnteredBy::Patient);
    let settings = RoundSettings { batch_size: 10, timeout: T };
    let result = round::run(
        &mut store,
        &enrolment,
        settings,
        || now,
        || 0.5,
        &oslo(),
        RoundHooks { progress: &mut |_| {}, keep_tokens: &mut |_| {} },
    )
    .await;
    assert_eq!(result.outcome.unwrap().upload.created, 1);
    assert_eq!(direct.count("Observation").await.unwrap(), 1, "over HTTPS, counted at the server");
}
