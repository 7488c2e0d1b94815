#![no_main]

//! Fortinet's X-Spaminfo and deep header confidence.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::fortinet::{parse_deepheader, parse_spaminfo};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_spaminfo(value);
    let _ = parse_deepheader(value);
});
