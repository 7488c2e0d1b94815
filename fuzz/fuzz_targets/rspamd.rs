#![no_main]

//! Every public parser of the rspamd-family fields (X-Spamd-Result, X-Rspamd-Score,
//! X-Rspamd-Report, Exim's rspamd report, X-Rspamd-Pre-Result, X-Rspamd-Action,
//! X-Spamd-Bar, Stalwart's X-Spam-Result).

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::rspamd::{
    parse_action, parse_bar, parse_exim_rspamd_report, parse_pre_result, parse_rspamd_report,
    parse_rspamd_score, parse_spamd_result, parse_stalwart_result,
};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_spamd_result(value);
    let _ = parse_rspamd_score(value);
    let _ = parse_rspamd_report(value);
    let _ = parse_exim_rspamd_report(value);
    let _ = parse_pre_result(value);
    let _ = parse_action(value);
    let _ = parse_bar(value);
    let _ = parse_stalwart_result(value);
});
