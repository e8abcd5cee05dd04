//! Fuzz target: a Questionnaire from a service (any JSON) is parsed or
//! refused, never a panic; an accepted one's screens can be laid out.
#![no_main]

use heima_core::{fhir::questionnaire, questionnaire::Answers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Ok(q) = questionnaire::parse(&json) {
        let _ = q.screens(&Answers::new());
        serde_json::to_string(&q).expect("a parsed questionnaire serialises");
    }
});
