#![no_main]

//! Sophos PureMessage / Email Appliance fields.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::sophos::{parse_pmx_spam, parse_pmx_version};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_pmx_spam(value);
    let _ = parse_pmx_version(value);
});
