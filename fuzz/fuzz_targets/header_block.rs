#![no_main]

//! `split_header_block` on raw bytes (any encoding, any line endings), then `unfolded()`
//! of every field it yields.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::split_header_block;

fuzz_target!(|data: &[u8]| {
    let block = split_header_block(data);
    for field in &block.fields {
        let _ = field.unfolded();
    }
});
