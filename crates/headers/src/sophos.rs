//! Sophos PureMessage (PerlMx) and the Sophos Email Appliance: `X-PMX-Spam`,
//! `X-PerlMx-Spam` and `X-SEA-Spam` share one form,
//! `Gauge=IIIIIIII, Probability=8%, Report='RULE weight, RULE weight, ...'`, and
//! `X-PMX-Version` names the engine and data versions.
//!
//! The report list is the same `RULE number, ...` grammar as Fastmail's `X-Spam-hits`, so it
//! is read by [`crate::spamassassin::parse_spam_hits`].

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number, is_wsp};
use crate::spamassassin::{Test, parse_spam_hits};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PmxSpam {
    /// The gauge as written (`IIIIIIII`): a bar that grows with the probability.
    pub gauge: Option<String>,
    /// `Probability=8%`, in percent.
    pub probability: Option<f64>,
    /// The `Report='...'` rules with their weights, in order.
    pub report: Vec<Test>,
    /// Other `key=value` items, in order.
    pub other: Vec<(String, String)>,
}

/// Splits `key=value, key='quoted, value', ...` into pairs; a quoted value may contain
/// commas and folding, an unclosed quote takes the rest.
fn pairs(value: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| is_wsp(c) || c == ',' || c == ';');
        if rest.is_empty() {
            break;
        }
        let Some(eq) = rest.find('=') else {
            return Err(ParseError::new(format!(
                "expected `key=value`, found `{}`",
                collapse_whitespace(rest)
            )));
        };
        let (key, after) = rest.split_at(eq);
        let key = key.trim_matches(is_wsp);
        if key.is_empty() || key.contains([',', ' ', '\'']) {
            return Err(ParseError::new(format!(
                "expected a key before `=`, found `{}`",
                collapse_whitespace(key)
            )));
        }
        let after = after.get(1..).unwrap_or("").trim_start_matches(is_wsp);
        let (val, next) = if let Some(quoted) = after.strip_prefix('\'') {
            quoted.split_once('\'').unwrap_or((quoted, ""))
        } else {
            let end = after.find([',', ';']).unwrap_or(after.len());
            after.split_at(end)
        };
        out.push((key.to_owned(), val.to_owned()));
        rest = next;
    }
    Ok(out)
}

/// Parses `X-PMX-Spam` / `X-PerlMx-Spam` / `X-SEA-Spam`. A probability that is not a
/// percentage is an error; an empty report is no rules.
pub fn parse_pmx_spam(value: &str) -> Result<PmxSpam, ParseError> {
    let mut out = PmxSpam::default();
    let items = pairs(value)?;
    if items.is_empty() {
        return Err(ParseError::new("empty Sophos spam field"));
    }
    for (key, val) in items {
        match key.to_ascii_lowercase().as_str() {
            "gauge" => out.gauge = Some(collapse_whitespace(&val)),
            "probability" => {
                let text = collapse_whitespace(&val);
                let n =
                    finite_number(text.strip_suffix('%').unwrap_or(&text)).ok_or_else(|| {
                        ParseError::new(format!("Probability= is not a percentage: `{text}`"))
                    })?;
                out.probability = Some(n);
            }
            "report" => {
                if let Ok(hits) = parse_spam_hits(&val) {
                    out.report = hits.tests;
                }
            }
            _ => out.other.push((key, collapse_whitespace(&val))),
        }
    }
    Ok(out)
}

/// `X-PMX-Version: 6.4.9.2830568, Antispam-Engine: 2.7.2.2107409, Antispam-Data: ...`: the
/// product version first (named `PMX`), then `Name: value` items.
pub fn parse_pmx_version(value: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut out = Vec::new();
    for (n, item) in value.split(',').enumerate() {
        let item = collapse_whitespace(item);
        if item.is_empty() {
            continue;
        }
        match item.split_once(':') {
            Some((name, val)) => out.push((name.trim().to_owned(), val.trim().to_owned())),
            None if n == 0 => out.push(("PMX".to_owned(), item)),
            None => {
                return Err(ParseError::new(format!(
                    "expected `Name: value`, found `{item}`"
                )));
            }
        }
    }
    if out.is_empty() {
        return Err(ParseError::new("empty X-PMX-Version value"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn test(name: &str, score: f64) -> Test {
        Test {
            name: name.to_owned(),
            score: Some(score),
        }
    }

    #[test]
    fn pmx_spam_from_the_public_example() {
        // Section 12 of the header reference (Spam-Scores issue #57); the report list there
        // ends with an ellipsis, which the list grammar skips.
        let s = parse_pmx_spam(
            " Gauge=IIIIIIII, Probability=8%, Report='HTML_50_70 0.1, MIME_LOWER_CASE 0.05, …'",
        )
        .unwrap();
        assert_eq!(s.gauge.as_deref(), Some("IIIIIIII"));
        assert_eq!(s.probability, Some(8.0));
        assert_eq!(
            s.report,
            vec![test("HTML_50_70", 0.1), test("MIME_LOWER_CASE", 0.05)]
        );
        let v = parse_pmx_version(
            " 6.4.9.2830568, Antispam-Engine: 2.7.2.2107409, Antispam-Data: 2026.12.9.110315",
        )
        .unwrap();
        assert_eq!(v[0], ("PMX".to_owned(), "6.4.9.2830568".to_owned()));
        assert_eq!(v[2].0, "Antispam-Data");
    }

    #[test]
    fn folded_report_with_internal_rules() {
        let s = parse_pmx_spam(
            " Gauge=XXXXXXXIII, Probability=73%, Report='\n BLOCK_RULE 1.5, __CT 0,\n URI_HTTP_SHORT 0.2'",
        )
        .unwrap();
        assert_eq!(s.probability, Some(73.0));
        assert_eq!(
            s.report,
            vec![
                test("BLOCK_RULE", 1.5),
                test("__CT", 0.0),
                test("URI_HTTP_SHORT", 0.2)
            ]
        );
        let s = parse_pmx_spam("Gauge=I, Probability=1%, Report=''").unwrap();
        assert!(s.report.is_empty());
    }

    #[test]
    fn errors() {
        assert!(parse_pmx_spam("").is_err());
        assert!(parse_pmx_spam("Gauge").is_err());
        assert_eq!(
            parse_pmx_spam("Probability=high").unwrap_err().message,
            "Probability= is not a percentage: `high`"
        );
        assert!(parse_pmx_version(" , ").is_err());
        assert!(parse_pmx_version("6.4, Engine").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,160}") {
            let _ = parse_pmx_spam(&s);
            let _ = parse_pmx_spam(&format!("Gauge=II, Report='{s}"));
            let _ = parse_pmx_version(&s);
        }

        #[test]
        fn report_round_trip(rules in proptest::collection::vec(("[A-Z_][A-Z0-9_]{0,15}", 0u32..1000), 1..10), p in 0u32..100) {
            let list = rules.iter().map(|(n, w)| format!("{n} {}", f64::from(*w) / 100.0)).collect::<Vec<_>>().join(",\n ");
            let s = parse_pmx_spam(&format!("Gauge=I, Probability={p}%, Report='\n {list}'")).unwrap();
            let want: Vec<Test> = rules.iter().map(|(n, w)| test(n, f64::from(*w) / 100.0)).collect();
            prop_assert_eq!(s.report, want);
            prop_assert_eq!(s.probability, Some(f64::from(p)));
        }
    }
}
