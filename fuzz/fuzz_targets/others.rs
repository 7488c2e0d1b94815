#![no_main]

//! The mailbox providers' one-value fields (GMX, Cloudflare, Yandex, Mail.ru, Yahoo, Zoho).

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::others::{parse_codes, parse_gmx_antispam, parse_level, parse_number, parse_ui_filterresults, parse_word};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_gmx_antispam(value);
    let _ = parse_ui_filterresults(value);
    let _ = parse_number(value);
    let _ = parse_level(value);
    let _ = parse_word(value);
    let _ = parse_codes(value);
});
