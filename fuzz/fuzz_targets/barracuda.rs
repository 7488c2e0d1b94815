#![no_main]

//! Barracuda's own fields (status levels, Bayes, Connect).

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::barracuda::{parse_bayes, parse_connect, parse_status};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_status(value);
    let _ = parse_bayes(value);
    let _ = parse_connect(value);
});
