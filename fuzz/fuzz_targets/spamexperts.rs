#![no_main]

//! SpamExperts' class and evidence fields.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::spamexperts::{parse_evidence, parse_word};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_word(value);
    let _ = parse_evidence(value);
});
