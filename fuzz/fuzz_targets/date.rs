#![no_main]

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::date::parse_date;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(date) = parse_date(value) {
        let _ = date.to_rfc3339();
    }
});
