#![no_main]

//! Proofpoint's key=value fields.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::proofpoint::{parse_pairs, parse_spam_details};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_spam_details(value);
    let _ = parse_pairs(value);
});
