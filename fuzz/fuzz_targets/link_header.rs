//! Fuzz target: the ICE servers in a service's `Link` headers must be read
//! without a panic, whatever the headers hold.
#![no_main]

use heima_core::call::protocol::ice_servers_from_links;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = ice_servers_from_links(text.split('\n'));
});
