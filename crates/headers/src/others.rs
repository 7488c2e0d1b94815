//! The one-value verdict fields of mailbox providers, each a number, a word or a short list:
//!
//! - GMX / WEB.DE (United Internet): `X-GMX-Antispam: 6 (nemesis text pattern profiler);
//!   Detail=V3;` (a reason code, its words, then `Name=value;` items) and
//!   `X-UI-Filterresults: junk:10;V03:K0:...` (`name:value` items).
//! - Cloudflare Email Routing: `X-CF-SpamH-Score: 3` (a number).
//! - Yandex: `X-Yandex-Spam: 1` (a small whole number).
//! - Mail.ru: `X-Mras: Ok` (one word).
//! - Yahoo: `X-YahooFilteredBulk: 192.0.2.1` (the address of the server whose message went to
//!   the bulk folder).
//! - Zoho: `X-ZohoMail: Si CHF_MF_NL SS_10 UW48 ...` (space-separated codes).

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number};

/// `X-GMX-Antispam`.
#[derive(Debug, Clone, PartialEq)]
pub struct GmxAntispam {
    /// The leading number (0 when the message was not recognised as spam).
    pub code: u32,
    /// The words in parentheses after it.
    pub reason: Option<String>,
    /// `Name=value` items after the first `;`.
    pub fields: Vec<(String, String)>,
}

/// Parses `X-GMX-Antispam`.
pub fn parse_gmx_antispam(value: &str) -> Result<GmxAntispam, ParseError> {
    let text = collapse_whitespace(value);
    let mut items = text.split(';');
    let head = items.next().unwrap_or("").trim();
    let digits: String = head.chars().take_while(char::is_ascii_digit).collect();
    let code = digits
        .parse::<u32>()
        .map_err(|_| ParseError::new(format!("expected a reason code, found `{text}`")))?;
    let rest = head.get(digits.len()..).unwrap_or("").trim();
    let reason = rest
        .strip_prefix('(')
        .map(|r| r.strip_suffix(')').unwrap_or(r).trim().to_owned())
        .filter(|r| !r.is_empty());
    let mut fields = Vec::new();
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        match item.split_once('=') {
            Some((name, val)) => fields.push((name.trim().to_owned(), val.trim().to_owned())),
            None => fields.push((item.to_owned(), String::new())),
        }
    }
    Ok(GmxAntispam {
        code,
        reason,
        fields,
    })
}

/// Parses `X-UI-Filterresults`: `;`-separated items, each split at its first `:`.
pub fn parse_ui_filterresults(value: &str) -> Result<Vec<(String, String)>, ParseError> {
    let text = collapse_whitespace(value);
    let items: Vec<(String, String)> = text
        .split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| match item.split_once(':') {
            Some((name, val)) => (name.to_owned(), val.to_owned()),
            None => (item.to_owned(), String::new()),
        })
        .collect();
    if items.is_empty() {
        return Err(ParseError::new("empty X-UI-Filterresults value"));
    }
    Ok(items)
}

/// `X-CF-SpamH-Score`: a number.
pub fn parse_number(value: &str) -> Result<f64, ParseError> {
    finite_number(value).ok_or_else(|| {
        ParseError::new(format!(
            "expected a number, found `{}`",
            collapse_whitespace(value)
        ))
    })
}

/// `X-Yandex-Spam`: a whole number.
pub fn parse_level(value: &str) -> Result<u32, ParseError> {
    let text = collapse_whitespace(value);
    text.parse::<u32>()
        .map_err(|_| ParseError::new(format!("expected a whole number, found `{text}`")))
}

/// `X-Mras` and other one-word fields, as written.
pub fn parse_word(value: &str) -> Result<String, ParseError> {
    let word = collapse_whitespace(value);
    if word.is_empty() || word.contains(' ') {
        return Err(ParseError::new(format!(
            "expected one word, found `{word}`"
        )));
    }
    Ok(word)
}

/// `X-ZohoMail`: the codes in order.
pub fn parse_codes(value: &str) -> Result<Vec<String>, ParseError> {
    let codes: Vec<String> = collapse_whitespace(value)
        .split(' ')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    if codes.is_empty() {
        return Err(ParseError::new("empty code list"));
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gmx() {
        // Section 12 of the header reference, verbatim.
        let g = parse_gmx_antispam(" 6 (nemesis text pattern profiler); Detail=V3;").unwrap();
        assert_eq!(g.code, 6);
        assert_eq!(g.reason.as_deref(), Some("nemesis text pattern profiler"));
        assert_eq!(g.fields, vec![("Detail".to_owned(), "V3".to_owned())]);
        let g = parse_gmx_antispam("0 (Mail was not recognized as spam); Detail=V3;").unwrap();
        assert_eq!(g.code, 0);
        assert!(parse_gmx_antispam("spam").is_err());
        let f = parse_ui_filterresults("junk:10;V03:K0:B0aaxdiG7V/PurM4w+SEH+z+J/R0dg==").unwrap();
        assert_eq!(f[0], ("junk".to_owned(), "10".to_owned()));
        assert_eq!(f[1].0, "V03");
        assert!(parse_ui_filterresults(" ; ").is_err());
    }

    #[test]
    fn one_value_fields() {
        // Values seen in public repositories and archives.
        assert_eq!(parse_number(" 0"), Ok(0.0));
        assert!(parse_number("spam").is_err());
        assert_eq!(parse_level("1"), Ok(1));
        assert_eq!(parse_level(" 4 "), Ok(4));
        assert!(parse_level("-1").is_err());
        assert_eq!(parse_word(" Ok").unwrap(), "Ok");
        assert!(parse_word("").is_err());
        assert_eq!(
            parse_codes("Ss  SS_10 UW1 iCHF_KNW_WHT_EXT  SGR3_0_08055_4").unwrap(),
            ["Ss", "SS_10", "UW1", "iCHF_KNW_WHT_EXT", "SGR3_0_08055_4"]
        );
        assert!(parse_codes(" ").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,120}") {
            let _ = parse_gmx_antispam(&s);
            let _ = parse_ui_filterresults(&s);
            let _ = parse_number(&s);
            let _ = parse_level(&s);
            let _ = parse_word(&s);
            let _ = parse_codes(&s);
        }

        #[test]
        fn gmx_round_trip(code in 0u32..100_000, reason in "[a-z][a-z ]{0,20}[a-z]") {
            let g = parse_gmx_antispam(&format!("{code} ({reason}); Detail=V3;")).unwrap();
            prop_assert_eq!(g.code, code);
            prop_assert_eq!(g.reason, Some(collapse_whitespace(&reason)));
        }
    }
}
