#![no_main]

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::received::parse_received;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_received(value);
});
