//! Kaspersky's anti-spam (Secure Mail Gateway, Security for Mail Server / Exchange, the older
//! Anti-Spam): `X-KSMG-AntiSpam-*`, `X-KSE-AntiSpam-*`, `X-KLMS-AntiSpam-*` and
//! `X-SpamTest-*` carry the same things under four prefixes: a status
//! (`KAS_STATUS_NOT_DETECTED`, `not_detected`, `Spam`, `Probable Spam`, `not scanned,
//! disabled by settings`...), a rate from 0 to 100, the method that decided, and the info
//! fields, one fact per field (Security for Exchange) or a `, `-separated list in one field
//! (Secure Mail Gateway), where `{...}` items are the signs the engine found
//! (`{relay has no DNS name}`, `{Found in DNSBL: 192.0.2.1 in (user) b.barracudacentral.org}`).

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number};

/// The anti-spam status, normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    NotDetected,
    Spam,
    ProbableSpam,
    /// The sender or its address is on a block list.
    Blacklisted,
    /// Mass mailing.
    Massmail,
    /// On an allow list.
    Trusted,
    ScanError,
    /// The anti-spam module did not scan the message (disabled, timed out, too large).
    NotScanned,
}

/// One `-Info` field.
#[derive(Debug, Clone, PartialEq)]
pub enum Info {
    /// `{name}` or `{name: detail}`: a sign the engine found.
    Sign {
        name: String,
        detail: Option<String>,
    },
    /// `Name: value` (`Rate: 59`, `Envelope from: a@b`, `Auth:dmarc=...`).
    Field { name: String, value: String },
    /// Anything else (`Lua profiles 197793 [Nov 05 2025]`, a domain list).
    Text(String),
}

/// Parses the status field. `KAS_STATUS_` prefixes, case, spaces and underscores are
/// ignored, and so is an explanation after a comma (`not scanned, disabled by settings`); an
/// unknown status is an error.
pub fn parse_status(value: &str) -> Result<Status, ParseError> {
    let text = collapse_whitespace(value);
    let head = text.split(',').next().unwrap_or("");
    let key: String = head
        .to_ascii_uppercase()
        .trim_start_matches("KAS_STATUS_")
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    Ok(match key.as_str() {
        "NOTDETECTED" | "CLEAN" | "NOTSPAM" => Status::NotDetected,
        "SPAM" => Status::Spam,
        "PROBABLESPAM" | "PROBABLE" => Status::ProbableSpam,
        "BLACKLISTED" | "BLACKLIST" | "BLOCKLISTED" => Status::Blacklisted,
        "MASSMAIL" | "MASSMAILING" | "FORMAL" => Status::Massmail,
        "TRUSTED" | "WHITELISTED" => Status::Trusted,
        "SCANERROR" | "ERROR" => Status::ScanError,
        "NOTSCANNED" | "SKIPPED" => Status::NotScanned,
        _ => {
            return Err(ParseError::new(format!(
                "unknown anti-spam status `{text}`"
            )));
        }
    })
}

/// The rate field: a number from 0 to 100.
pub fn parse_rate(value: &str) -> Result<f64, ParseError> {
    let text = collapse_whitespace(value);
    match finite_number(&text) {
        Some(n) if (0.0..=100.0).contains(&n) => Ok(n),
        _ => Err(ParseError::new(format!(
            "expected a rate from 0 to 100, found `{text}`"
        ))),
    }
}

/// Parses one `-Info` field. Never fails.
pub fn parse_info(value: &str) -> Info {
    let text = collapse_whitespace(value);
    if let Some(inner) = text.strip_prefix('{') {
        let inner = inner.strip_suffix('}').unwrap_or(inner).trim();
        return match inner.split_once(':') {
            Some((name, detail)) if !name.trim().is_empty() => Info::Sign {
                name: name.trim().to_owned(),
                detail: Some(detail.trim().to_owned()).filter(|d| !d.is_empty()),
            },
            _ => Info::Sign {
                name: inner.to_owned(),
                detail: None,
            },
        };
    }
    match text.split_once(':') {
        Some((name, value))
            if !name.is_empty()
                && name.len() <= 40
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') =>
        {
            Info::Field {
                name: name.trim().to_owned(),
                value: value.trim().to_owned(),
            }
        }
        _ => Info::Text(text),
    }
}

/// Parses an info field that holds a `, `-separated list (Secure Mail Gateway's form); a
/// field with one fact gives a list of one. Commas inside `{...}` or without a following
/// space (`host:5.0.1,7.1.1`) do not split.
pub fn parse_info_list(value: &str) -> Vec<Info> {
    let text = collapse_whitespace(value);
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = text.as_bytes();
    for (at, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 && bytes.get(at + 1) == Some(&b' ') => {
                items.push(text.get(start..at).unwrap_or(""));
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(text.get(start..).unwrap_or(""));
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(parse_info)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fields_from_a_public_archive() {
        // A public mailing-list archive (Kaspersky Secure Mail Gateway on the sender's side).
        assert_eq!(
            parse_status("KAS_STATUS_NOT_DETECTED"),
            Ok(Status::NotDetected)
        );
        assert_eq!(parse_status("not_detected"), Ok(Status::NotDetected));
        assert_eq!(parse_rate(" 59"), Ok(59.0));
        assert_eq!(
            parse_info("{relay has no DNS name}"),
            Info::Sign {
                name: "relay has no DNS name".into(),
                detail: None
            }
        );
        assert_eq!(
            parse_info("{Found in DNSBL: 188.225.51.113 in (user)\n b.barracudacentral.org}"),
            Info::Sign {
                name: "Found in DNSBL".into(),
                detail: Some("188.225.51.113 in (user) b.barracudacentral.org".into())
            }
        );
        assert_eq!(
            parse_info("Auth:dmarc=temperror header.from=omp.ru;spf=temperror\n smtp.mailfrom=omp.ru;dkim=none"),
            Info::Field {
                name: "Auth".into(),
                value: "dmarc=temperror header.from=omp.ru;spf=temperror smtp.mailfrom=omp.ru;dkim=none".into()
            }
        );
        assert_eq!(
            parse_info("Lua profiles 197793 [Nov 05 2025]"),
            Info::Text("Lua profiles 197793 [Nov 05 2025]".into())
        );
        assert!(matches!(
            parse_info(
                "\n\td41d8cd98f00b204e9800998ecf8427e.com:7.1.1;omp.ru:7.1.1;127.0.0.199:7.1.2"
            ),
            Info::Text(_)
        ));
    }

    #[test]
    fn secure_mail_gateway_list_form() {
        // A public mailing-list archive (Kaspersky Secure Mail Gateway on the sender's side).
        let items = parse_info_list(
            "LuaCore: 24 0.3.24 186c4d603b899ccfd4883d230c53f273b80e467f, {Tracking_uf_ne_domains}, {Tracking_from_domain_doesnt_match_to}, 127.0.0.199:7.1.2;100.64.160.123:7.1.2;salutedevices.com:7.1.1;d41d8cd98f00b204e9800998ecf8427e.com:7.1.1;smtp.sberdevices.ru:5.0.1,7.1.1;lore.kernel.org:7.1.1, FromAlignment: s, ApMailHostAddress: 100.64.160.123",
        );
        assert_eq!(items.len(), 6);
        assert_eq!(
            items[1],
            Info::Sign {
                name: "Tracking_uf_ne_domains".into(),
                detail: None
            }
        );
        assert!(matches!(&items[3], Info::Text(t) if t.contains("5.0.1,7.1.1")));
        assert_eq!(
            items[4],
            Info::Field {
                name: "FromAlignment".into(),
                value: "s".into()
            }
        );
        assert_eq!(
            parse_status("not scanned, disabled by settings"),
            Ok(Status::NotScanned)
        );
        assert_eq!(parse_info_list("{relay has no DNS name}").len(), 1);
        assert!(parse_info_list("  ").is_empty());
    }

    #[test]
    fn statuses_from_the_documentation() {
        for (text, want) in [
            ("Spam", Status::Spam),
            ("Probable Spam", Status::ProbableSpam),
            ("KAS_STATUS_SPAM", Status::Spam),
            ("Blacklisted", Status::Blacklisted),
            ("Massmail", Status::Massmail),
            ("Not Detected", Status::NotDetected),
            ("Trusted", Status::Trusted),
            ("Scan Error", Status::ScanError),
        ] {
            assert_eq!(parse_status(text), Ok(want), "{text}");
        }
        assert!(parse_status("maybe").is_err());
        assert!(parse_rate("101").is_err());
        assert!(parse_rate("x").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,160}") {
            let _ = parse_status(&s);
            let _ = parse_rate(&s);
            let _ = parse_info(&s);
            let _ = parse_info(&format!("{{{s}"));
            let _ = parse_info_list(&s);
            let _ = parse_info_list(&format!("{{a, {s}}}, b, {s}"));
        }

        #[test]
        fn signs_round_trip(name in "[A-Za-z][A-Za-z_ ]{0,30}[A-Za-z]", detail in proptest::option::of("[a-z0-9. ()]{1,30}")) {
            let text = match &detail { Some(d) => format!("{{{name}: {d}}}"), None => format!("{{{name}}}") };
            let want_detail = detail.map(|d| collapse_whitespace(&d)).filter(|d| !d.is_empty());
            prop_assert_eq!(parse_info(&text), Info::Sign { name: collapse_whitespace(&name), detail: want_detail });
        }
    }
}
