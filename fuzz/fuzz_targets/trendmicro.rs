#![no_main]

//! Trend Micro's result fields.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::trendmicro::{parse_result, parse_yes_no};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_result(value);
    let _ = parse_yes_no(value);
});
