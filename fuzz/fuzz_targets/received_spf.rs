#![no_main]

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::received_spf::parse_received_spf;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(spf) = parse_received_spf(value) {
        let _ = spf.client_ip();
    }
});
