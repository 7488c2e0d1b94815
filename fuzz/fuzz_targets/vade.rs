#![no_main]

//! Vade / OVHcloud fields, including the SPAMCAUSE decoder and the decoded report.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::vade::{decode_spamcause, parse_spamcause_text, parse_spamscore, parse_spamstate};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = decode_spamcause(value);
    let _ = parse_spamcause_text(value);
    let _ = parse_spamscore(value);
    let _ = parse_spamstate(value);
});
