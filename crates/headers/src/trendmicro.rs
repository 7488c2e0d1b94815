//! Trend Micro's anti-spam engine (TMASE, in ScanMail, IMSS, Email Security):
//! `X-TM-AS-Result` and `X-TMASE-Result`, dash-separated fields where a negative number
//! shows as a doubled dash:
//!
//! - `No-10--3.487300-8.000000` (current: verdict, a code, score, threshold),
//! - `No-1.360000-8.000000-10` (older: verdict, score, threshold, code),
//! - `10--3.009600-8.000000` (`X-TMASE-Result`: no verdict word).
//!
//! Fields with a decimal point are the score, then the threshold; whole numbers are codes
//! whose meaning Trend Micro does not publish, kept as written. The yes/no fields
//! (`X-TM-AS-User-Approved-Sender: No`) use [`parse_yes_no`].

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TmResult {
    /// `Yes` (spam) or `No`; `None` when the field has no verdict word.
    pub is_spam: Option<bool>,
    pub score: Option<f64>,
    pub threshold: Option<f64>,
    /// Whole-number fields, as written.
    pub codes: Vec<String>,
}

/// Parses `X-TM-AS-Result` / `X-TMASE-Result`.
pub fn parse_result(value: &str) -> Result<TmResult, ParseError> {
    let text = collapse_whitespace(value);
    if text.is_empty() {
        return Err(ParseError::new("empty Trend Micro result"));
    }
    let mut out = TmResult::default();
    let mut pieces = text.split('-').peekable();
    if let Some(first) = pieces.peek() {
        let verdict = match first.to_ascii_lowercase().as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        };
        if verdict.is_some() {
            out.is_spam = verdict;
            pieces.next();
        }
    }
    let mut negative = false;
    let mut decimals = Vec::new();
    for piece in pieces {
        if piece.is_empty() {
            if negative {
                return Err(ParseError::new(format!(
                    "three dashes in a row in `{text}`"
                )));
            }
            negative = true;
            continue;
        }
        let number = finite_number(piece).ok_or_else(|| {
            ParseError::new(format!("expected a number in `{text}`, found `{piece}`"))
        })?;
        let number = if negative { -number } else { number };
        if piece.contains('.') {
            decimals.push(number);
        } else {
            out.codes.push(if negative {
                format!("-{piece}")
            } else {
                piece.to_owned()
            });
        }
        negative = false;
    }
    if negative {
        return Err(ParseError::new(format!("`{text}` ends with a dash")));
    }
    let mut decimals = decimals.into_iter();
    out.score = decimals.next();
    out.threshold = decimals.next();
    if out.is_spam.is_none() && out.score.is_none() {
        return Err(ParseError::new(format!(
            "expected `Yes`/`No` or a score in `{text}`"
        )));
    }
    Ok(out)
}

/// `Yes`/`No` in any case.
pub fn parse_yes_no(value: &str) -> Result<bool, ParseError> {
    let text = collapse_whitespace(value);
    match text.to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(ParseError::new(format!(
            "expected `Yes` or `No`, found `{text}`"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn current_form_from_public_archives() {
        // Public mailing-list archives (ScanMail for Exchange on the sender's side).
        let r = parse_result("No-10--3.487300-8.000000").unwrap();
        assert_eq!(r.is_spam, Some(false));
        assert_eq!((r.score, r.threshold), (Some(-3.4873), Some(8.0)));
        assert_eq!(r.codes, vec!["10"]);
        let r = parse_result("No-10--16.549100-8.000000").unwrap();
        assert_eq!(r.score, Some(-16.5491));
    }

    #[test]
    fn older_form_and_tmase_result() {
        let r = parse_result("No-1.360000-8.000000-10").unwrap();
        assert_eq!(
            (r.is_spam, r.score, r.threshold),
            (Some(false), Some(1.36), Some(8.0))
        );
        assert_eq!(r.codes, vec!["10"]);
        let r = parse_result("No-7.110300-8.000000-10").unwrap();
        assert_eq!(r.score, Some(7.1103));
        let r = parse_result("10--3.009600-8.000000").unwrap();
        assert_eq!(
            (r.is_spam, r.score, r.threshold),
            (None, Some(-3.0096), Some(8.0))
        );
        let r = parse_result("Yes-10-12.500000-8.000000").unwrap();
        assert_eq!((r.is_spam, r.score), (Some(true), Some(12.5)));
    }

    #[test]
    fn errors() {
        assert!(parse_result("").is_err());
        assert!(parse_result("Maybe-1.0-8.0").is_err());
        assert!(parse_result("No---1.0").is_err());
        assert!(parse_result("No-1.0-").is_err());
        assert!(parse_result("10").is_err());
        assert_eq!(parse_yes_no(" No"), Ok(false));
        assert_eq!(parse_yes_no("YES"), Ok(true));
        assert!(parse_yes_no("maybe").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,80}", t in "[-0-9.YesNo]{0,40}") {
            let _ = parse_result(&s);
            let _ = parse_result(&t);
            let _ = parse_yes_no(&s);
        }

        #[test]
        fn round_trip(spam in any::<bool>(), code in 0u32..100, score in -999_999i64..999_999, threshold in 0u32..99_999_999) {
            let score = score as f64 / 10_000.0;
            let threshold = f64::from(threshold) / 1_000_000.0;
            let text = format!("{}-{code}-{score:.6}-{threshold:.6}", if spam { "Yes" } else { "No" });
            let r = parse_result(&text).unwrap();
            prop_assert_eq!(r.is_spam, Some(spam));
            prop_assert!((r.score.unwrap() - score).abs() < 1e-9);
            prop_assert!((r.threshold.unwrap() - threshold).abs() < 1e-9);
            prop_assert_eq!(r.codes, vec![code.to_string()]);
        }
    }
}
