//! Fuzz target: `gatt::heart_rate::decode` must never panic, and whatever it accepts must
//! serialise to JSON (as `heima-cli` prints it).
#![no_main]

use heima_core::gatt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = gatt::heart_rate::decode(data) {
        serde_json::to_string(&decoded).expect("decoded packets serialise");
    }
});
