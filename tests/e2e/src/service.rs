//! A follow-up service for the end-to-end tests and benchmarks
//! ([`TestService`]): a real hfs (with push) and a patient on it, the test
//! gateway in front, and a fresh activation code for that patient; a plan
//! and a call desk when a test wants them.

use std::time::Duration;

use heima_core::sync::client::FhirClient;
use heima_test_support::{auth::AuthServer, hfs::Hfs};
use serde_json::{json, Value};

use crate::{
    nurse_desk::{Announce, NurseDesk},
    ServiceEnv,
};

/// A running service; everything stops when it is dropped.
pub struct TestService {
    pub hfs: Hfs,
    /// The patient's id on the server.
    pub patient_id: String,
    pub gateway: AuthServer,
    /// An activation code for the patient (single use).
    pub code: String,
}

impl TestService {
    /// `seed` makes the activation code (each test its own).
    pub async fn start(seed: [u8; 11]) -> TestService {
        let hfs = Hfs::start().await;
        let direct = FhirClient::new(&hfs.base, Duration::from_secs(30), None).unwrap();
        let patient = direct.post("Patient", &json!({ "resourceType": "Patient" })).await.unwrap();
        let patient_id = patient["id"].as_str().unwrap().to_string();
        let gateway = AuthServer::start(&hfs.base).await;
        let code = heima_core::enrolment::new_code(&seed);
        gateway.state.lock().unwrap().activation_codes.insert(code.clone(), patient_id.clone());
        TestService { hfs, patient_id, gateway, code }
    }

    /// The server itself, without the gateway (the service's own access).
    pub fn direct(&self) -> FhirClient {
        FhirClient::new(&self.hfs.base, Duration::from_secs(30), None).unwrap()
    }

    /// Writes a plan (FHIR JSON, e.g. the demo's) for the patient.
    pub async fn post_plan(&self, plan: &str) {
        let mut plan: Value = serde_json::from_str(plan).unwrap();
        plan.as_object_mut().unwrap().remove("meta");
        plan["subject"] = json!({ "reference": format!("Patient/{}", self.patient_id) });
        self.direct().post("CarePlan", &plan).await.unwrap();
    }

    /// Where a desk announces the nurse's calls to this patient.
    pub fn announce(&self) -> Announce {
        Announce { fhir_base: self.hfs.base.clone(), patient: format!("Patient/{}", self.patient_id) }
    }

    /// The service takes calls at `desk` (given out at enrolment).
    pub fn take_calls_at(&self, desk: &NurseDesk) {
        self.gateway.state.lock().unwrap().call_endpoint = Some(desk.call_endpoint());
    }

    /// The app's environment for enrolling here (the desk trusted too).
    pub fn env(&self, desk: Option<&NurseDesk>) -> ServiceEnv {
        let origin = desk.map(|d| d.call_endpoint().trim_end_matches("/call").to_string());
        ServiceEnv::new(&self.gateway, origin.as_deref())
    }
}
