#![no_main]

//! Cisco IronPort's reputation score, policy names and X-IronPort-AV.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::cisco::{parse_ironport_av, parse_name, parse_sbrs};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_sbrs(value);
    let _ = parse_name(value);
    let _ = parse_ironport_av(value);
});
