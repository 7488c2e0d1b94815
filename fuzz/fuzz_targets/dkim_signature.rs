#![no_main]

//! The DKIM tag-list grammar and the three fields built on it.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::dkim_signature::{
    parse_arc_message_signature, parse_arc_seal, parse_dkim_signature, parse_tag_list,
};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_tag_list(value);
    let _ = parse_dkim_signature(value);
    let _ = parse_arc_seal(value);
    let _ = parse_arc_message_signature(value);
});
