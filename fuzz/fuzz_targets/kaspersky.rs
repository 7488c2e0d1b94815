#![no_main]

//! Kaspersky's status, rate and info fields.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::kaspersky::{parse_info, parse_info_list, parse_rate, parse_status};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_status(value);
    let _ = parse_rate(value);
    let _ = parse_info(value);
    let _ = parse_info_list(value);
});
