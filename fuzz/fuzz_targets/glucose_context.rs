//! Fuzz target: `gatt::glucose::decode_context` must never panic, and whatever it accepts must
//! serialise to JSON (as `heima-cli` prints it).
#![no_main]

use heima_core::gatt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = gatt::glucose::decode_context(data) {
        serde_json::to_string(&decoded).expect("decoded packets serialise");
    }
});
