#![no_main]

//! Every public parser of Microsoft's fields (X-Forefront-Antispam-Report,
//! X-Microsoft-Antispam, X-Microsoft-Antispam-Mailbox-Delivery, the CFA-Test report,
//! X-MS-Exchange-Organization-SCL) and the list helper.

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::microsoft::{
    paren_items, parse_cfa_test, parse_forefront_report, parse_mailbox_delivery,
    parse_microsoft_antispam, parse_scl,
};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(list) = parse_forefront_report(value) {
        let _ = (list.scl(), list.bcl(), list.cip(), list.sfv(), list.direction());
    }
    let _ = parse_microsoft_antispam(value);
    let _ = parse_mailbox_delivery(value);
    let _ = parse_cfa_test(value);
    let _ = parse_scl(value);
    let _ = paren_items(value);
});
