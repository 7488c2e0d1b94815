//! Mimecast's fields: `X-Mimecast-Spam-Score` (a number), `X-Mimecast-Spam-Signature` and
//! `X-Mimecast-Bulk-Signature` (one word), and `X-Mimecast-Impersonation-Protect`, a `;`
//! separated list of `Name=value` items whose names contain spaces
//! (`Policy=...; Similar Internal Domain=false; Newly Observed Domain=false; ...`).

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number};

/// `X-Mimecast-Impersonation-Protect`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImpersonationProtect {
    /// The `Policy=` item: the name of the policy that ran.
    pub policy: Option<String>,
    /// Every check with a `true`/`false` value, in order, names as written.
    pub checks: Vec<(String, bool)>,
    /// Items with other values.
    pub other: Vec<(String, String)>,
}

/// `X-Mimecast-Spam-Score`: a number (`0`, `0.001`, `3`).
pub fn parse_spam_score(value: &str) -> Result<f64, ParseError> {
    finite_number(value).ok_or_else(|| {
        ParseError::new(format!(
            "spam score is not a number: `{}`",
            collapse_whitespace(value)
        ))
    })
}

/// `X-Mimecast-Spam-Signature` / `-Bulk-Signature`: the single word, lower-cased (`yes`,
/// `bulk`, `no`).
pub fn parse_signature(value: &str) -> Result<String, ParseError> {
    let word = collapse_whitespace(value);
    if word.is_empty() || word.contains(' ') {
        return Err(ParseError::new(format!(
            "expected one word, found `{word}`"
        )));
    }
    Ok(word.to_ascii_lowercase())
}

/// Parses `X-Mimecast-Impersonation-Protect`. Items without `=` are an error.
pub fn parse_impersonation_protect(value: &str) -> Result<ImpersonationProtect, ParseError> {
    let mut out = ImpersonationProtect::default();
    for item in value.split(';') {
        let item = collapse_whitespace(item);
        if item.is_empty() {
            continue;
        }
        let Some((name, val)) = item.split_once('=') else {
            return Err(ParseError::new(format!(
                "expected `Name=value`, found `{item}`"
            )));
        };
        let (name, val) = (name.trim().to_owned(), val.trim().to_owned());
        if name.eq_ignore_ascii_case("policy") && out.policy.is_none() {
            out.policy = Some(val);
        } else if val.eq_ignore_ascii_case("true") {
            out.checks.push((name, true));
        } else if val.eq_ignore_ascii_case("false") {
            out.checks.push((name, false));
        } else {
            out.other.push((name, val));
        }
    }
    if out.policy.is_none() && out.checks.is_empty() && out.other.is_empty() {
        return Err(ParseError::new(
            "empty X-Mimecast-Impersonation-Protect value",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// From a public mailing-list archive (Red Hat's lists are behind Mimecast).
    const PROTECT: &str = " Policy=CLT - Impersonation Protection\n Definition; Similar Internal Domain=false;\n Similar Monitored External Domain=false; Custom External Domain=false;\n Mimecast External Domain=false; Newly Observed Domain=false;\n Internal User Name=false; Custom Display Name List=false;\n Reply-to Address Mismatch=false; Targeted Threat Dictionary=false;\n Mimecast Threat Dictionary=false; Custom Threat Dictionary=false";

    #[test]
    fn impersonation_protect_from_the_real_example() {
        let p = parse_impersonation_protect(PROTECT).unwrap();
        assert_eq!(
            p.policy.as_deref(),
            Some("CLT - Impersonation Protection Definition")
        );
        assert_eq!(p.checks.len(), 11);
        assert_eq!(p.checks[4], ("Newly Observed Domain".to_owned(), false));
        assert!(p.checks.iter().all(|(_, v)| !v));
        assert!(p.other.is_empty());
    }

    #[test]
    fn scores_and_signatures() {
        assert_eq!(parse_spam_score(" 0"), Ok(0.0));
        assert_eq!(parse_spam_score("0.001"), Ok(0.001));
        assert!(parse_spam_score("low").is_err());
        assert_eq!(parse_signature(" yes").unwrap(), "yes");
        assert_eq!(parse_signature("Bulk").unwrap(), "bulk");
        assert!(parse_signature("").is_err());
        assert!(parse_signature("two words").is_err());
    }

    #[test]
    fn protect_errors_and_true_checks() {
        assert!(parse_impersonation_protect(" ; ").is_err());
        assert!(parse_impersonation_protect("Policy=x; garbage").is_err());
        let p = parse_impersonation_protect("Newly Observed Domain=TRUE; Action=Hold").unwrap();
        assert_eq!(p.checks, vec![("Newly Observed Domain".to_owned(), true)]);
        assert_eq!(p.other, vec![("Action".to_owned(), "Hold".to_owned())]);
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,160}") {
            let _ = parse_impersonation_protect(&s);
            let _ = parse_spam_score(&s);
            let _ = parse_signature(&s);
        }

        #[test]
        fn checks_round_trip(checks in proptest::collection::vec(("[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){0,3}", any::<bool>()), 1..10)) {
            let text = checks.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join(";\n ");
            let p = parse_impersonation_protect(&format!("Policy=P; {text}")).unwrap();
            prop_assert_eq!(p.checks, checks);
        }
    }
}
