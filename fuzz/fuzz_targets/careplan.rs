//! Fuzz target: a CarePlan from a service (any JSON) is parsed or refused,
//! never a panic; an accepted one serialises.
#![no_main]

use heima_core::{clock::oslo, fhir::careplan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Ok(plan) = careplan::parse(&json, &oslo()) {
        serde_json::to_string(&plan).expect("a parsed plan serialises");
    }
});
