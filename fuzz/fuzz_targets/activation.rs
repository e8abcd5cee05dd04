//! Fuzz target: what the nurse types or a QR code holds is read as an
//! activation code or refused, never a panic.
#![no_main]

use heima_core::enrolment::parse_activation;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_activation(&String::from_utf8_lossy(data));
});
