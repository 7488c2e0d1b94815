//! Fortinet: FortiGate's spam filter writes `X-Spaminfo` (when set to tag the header with
//! spam information) as `<check>, <detail>` where the check is one of a documented list
//! (`ipbal`, `dnsbl`, `FortiGuard-AntiSpam ip`, `FortiGuard-AntiSpam ase`, `email-address`,
//! `mime-header`, `bannedword`, `helo-dns`, `return-email`); FortiMail adds `X-FEAS-*` and
//! `X-FE-*` fields, among them `X-FEAS-DEEPHEADER` with the deep header scan's confidence
//! in percent.

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number};

/// The checks FortiGate names in `X-Spaminfo`, longest first so that prefixes match the
/// right one.
const CHECKS: &[&str] = &[
    "FortiGuard-AntiSpam ase",
    "FortiGuard-AntiSpam ip",
    "FortiGuard-AntiSpam",
    "email-address",
    "return-email",
    "mime-header",
    "bannedword",
    "helo-dns",
    "ipbal",
    "dnsbl",
];

/// One `X-Spaminfo` entry in FortiGate's form.
#[derive(Debug, Clone, PartialEq)]
pub struct SpamInfo {
    /// The check as FortiGate names it (`dnsbl`, `FortiGuard-AntiSpam ip`...).
    pub check: String,
    /// The rest (`path block/allow ip 192.0.2.1`, `domain example.com has neither MX nor A
    /// record`), whitespace collapsed; empty when there is none.
    pub detail: String,
}

/// Parses `X-Spaminfo` in FortiGate's form; any other text (Symantec writes free text under
/// the same name) is an error.
pub fn parse_spaminfo(value: &str) -> Result<SpamInfo, ParseError> {
    let text = collapse_whitespace(value);
    let lower = text.to_ascii_lowercase();
    let check = CHECKS
        .iter()
        .find(|check| {
            let check = check.to_ascii_lowercase();
            lower.starts_with(&check)
                && lower
                    .get(check.len()..)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with([',', ' ']))
        })
        .ok_or_else(|| ParseError::new(format!("not a FortiGate spam check: `{text}`")))?;
    let detail = text
        .get(check.len()..)
        .unwrap_or("")
        .trim_start_matches([',', ' '])
        .to_owned();
    Ok(SpamInfo {
        check: (*check).to_owned(),
        detail,
    })
}

/// `X-FEAS-DEEPHEADER`: the confidence percentage, with or without `%`, possibly after a
/// word (`confidence 97.5`).
pub fn parse_deepheader(value: &str) -> Result<f64, ParseError> {
    let text = collapse_whitespace(value);
    text.split([' ', '='])
        .filter_map(|word| finite_number(word.trim_end_matches('%')))
        .next()
        .ok_or_else(|| ParseError::new(format!("expected a confidence number, found `{text}`")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn documented_checks() {
        // The forms in Fortinet's FortiGate administration guide ("Spam email header").
        let s = parse_spaminfo("dnsbl, path block/allow ip 198.51.100.23").unwrap();
        assert_eq!(s.check, "dnsbl");
        assert_eq!(s.detail, "path block/allow ip 198.51.100.23");
        let s = parse_spaminfo("FortiGuard-AntiSpam ase,").unwrap();
        assert_eq!(
            (s.check.as_str(), s.detail.as_str()),
            ("FortiGuard-AntiSpam ase", "")
        );
        let s = parse_spaminfo("FortiGuard-AntiSpam ip, path block/allow ip 192.0.2.9").unwrap();
        assert_eq!(s.check, "FortiGuard-AntiSpam ip");
        let s = parse_spaminfo("return-email, domain shop.example has neither MX nor A record")
            .unwrap();
        assert_eq!(s.check, "return-email");
        assert_eq!(parse_spaminfo("helo-dns").unwrap().check, "helo-dns");
        assert!(parse_spaminfo("spam detected heuristically").is_err());
        assert!(parse_spaminfo("dnsblx, foo").is_err());
    }

    #[test]
    fn deepheader() {
        assert_eq!(parse_deepheader(" 97.3"), Ok(97.3));
        assert_eq!(parse_deepheader("confidence 95.5%"), Ok(95.5));
        assert!(parse_deepheader("high").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,120}") {
            let _ = parse_spaminfo(&s);
            let _ = parse_deepheader(&s);
            let _ = parse_spaminfo(&format!("dnsbl{s}"));
        }
    }
}
