#![no_main]

//! Authentication-Results (RFC 8601) and ARC-Authentication-Results (RFC 8617).

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::authentication_results::{
    parse_arc_authentication_results, parse_authentication_results,
};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_authentication_results(value);
    let _ = parse_arc_authentication_results(value);
});
