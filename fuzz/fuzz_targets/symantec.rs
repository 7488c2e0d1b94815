#![no_main]

//! Symantec's X-SpamInfo and yes/no fields.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::symantec::{parse_spaminfo, parse_yes_no};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_spaminfo(value);
    let _ = parse_yes_no(value);
});
