#![no_main]

//! Mimecast's score, signatures and Impersonation-Protect list.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::mimecast::{parse_impersonation_protect, parse_signature, parse_spam_score};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_spam_score(value);
    let _ = parse_signature(value);
    let _ = parse_impersonation_protect(value);
});
