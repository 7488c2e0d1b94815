#![no_main]

//! Every public parser of the SpamAssassin-family fields (X-Spam-Status, X-Spam-Report,
//! Exim's X-Spam-Report, X-Spam-Hits, MailScanner, X-Spam-Level/-Flag/-Score,
//! X-Spam-Checker-Version).

use libfuzzer_sys::fuzz_target;
use spamwhy_headers::spamassassin::{
    parse_checker_version, parse_exim_spam_report, parse_mailscanner_spamcheck, parse_score,
    parse_spam_flag, parse_spam_hits, parse_spam_level, parse_spam_report, parse_spam_status,
};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_spam_status(value);
    let _ = parse_spam_report(value);
    let _ = parse_exim_spam_report(value);
    let _ = parse_spam_hits(value);
    let _ = parse_mailscanner_spamcheck(value);
    let _ = parse_spam_level(value);
    let _ = parse_spam_flag(value);
    let _ = parse_score(value);
    let _ = parse_checker_version(value);
});
