#![no_main]

//! Cloudmark's analysis list and score.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::cloudmark::{parse_analysis, parse_score};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_analysis(value);
    let _ = parse_score(value);
});
