//! SpamExperts (N-able Mail Assure, also sold by hosting companies under their own names):
//! `X-SpamExperts-Class` (`ham`, `spam`, `phish`, `virus`...), `X-SpamExperts-Evidence`
//! (what decided and a probability, `Combined (0.20)`), `X-Recommended-Action` (`accept`,
//! `reject`...) and their `-Outgoing-` twins written when the service filtered the sender's
//! outgoing mail.

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number};

/// `X-SpamExperts-Evidence`.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// What decided (`Combined`, `SB/mailspamprotection_com`...), as written.
    pub source: String,
    /// The number in parentheses, when there is one.
    pub score: Option<f64>,
}

/// `X-SpamExperts-Class` / `X-Recommended-Action`: one word, lower-cased.
pub fn parse_word(value: &str) -> Result<String, ParseError> {
    let word = collapse_whitespace(value);
    if word.is_empty() || word.contains(' ') {
        return Err(ParseError::new(format!(
            "expected one word, found `{word}`"
        )));
    }
    Ok(word.to_ascii_lowercase())
}

/// Parses `X-SpamExperts-Evidence`: `SOURCE (number)` or a bare source.
pub fn parse_evidence(value: &str) -> Result<Evidence, ParseError> {
    let text = collapse_whitespace(value);
    if text.is_empty() {
        return Err(ParseError::new("empty X-SpamExperts-Evidence value"));
    }
    if let Some(inner) = text.strip_suffix(')')
        && let Some((source, number)) = inner.rsplit_once('(')
    {
        let score = finite_number(number).ok_or_else(|| {
            ParseError::new(format!(
                "expected a number in parentheses, found `({number})`"
            ))
        })?;
        return Ok(Evidence {
            source: source.trim().to_owned(),
            score: Some(score),
        });
    }
    Ok(Evidence {
        source: text,
        score: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn values_from_public_sources() {
        // Public repositories quoting received headers (a hosting company's filter).
        assert_eq!(parse_word(" ham").unwrap(), "ham");
        assert_eq!(parse_word("accept").unwrap(), "accept");
        assert_eq!(
            parse_evidence("SB/mailspamprotection_com (0.00234768760834)").unwrap(),
            Evidence {
                source: "SB/mailspamprotection_com".into(),
                score: Some(0.002_347_687_608_34)
            }
        );
        assert_eq!(
            parse_evidence("Combined (0.20)").unwrap(),
            Evidence {
                source: "Combined".into(),
                score: Some(0.2)
            }
        );
        assert_eq!(parse_evidence("Combined").unwrap().score, None);
        assert!(parse_evidence("Combined (high)").is_err());
        assert!(parse_evidence("").is_err());
        assert!(parse_word("not one").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,120}") {
            let _ = parse_word(&s);
            let _ = parse_evidence(&s);
        }

        #[test]
        fn evidence_round_trip(source in "[A-Za-z][A-Za-z_/.]{0,20}", n in 0u32..1_000_000) {
            let score = f64::from(n) / 1_000_000.0;
            let e = parse_evidence(&format!("{source} ({score})")).unwrap();
            prop_assert_eq!(e, Evidence { source, score: Some(score) });
        }
    }
}
