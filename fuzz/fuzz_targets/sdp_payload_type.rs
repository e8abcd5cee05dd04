//! Fuzz target: reading a payload type from a remote SDP must never panic,
//! whatever bytes (multibyte codec names included) the other side sends.
#![no_main]

use heima_core::call::protocol::payload_type;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sdp = String::from_utf8_lossy(data);
    for encoding in ["VP8/90000", "opus/48000", "ø/1"] {
        let _ = payload_type(&sdp, encoding);
    }
});
