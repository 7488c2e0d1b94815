//! Cisco Secure Email (IronPort ESA): `X-SBRS` / `X-IronPort-Reputation` (the sender
//! reputation score, or `None`), `X-IronPort-SenderGroup` and `X-IronPort-MailFlowPolicy`
//! (one name each), and `X-IronPort-AV` (`E=Sophos;i="...";d="...";a="..."` tags).
//!
//! `X-IronPort-Anti-Spam-Result` / `X-IPAS-Result` are opaque base64 blobs that Cisco does
//! not document; there is nothing to parse in them.

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number, is_wsp, quoted_string};

/// `X-SBRS` and `X-IronPort-Reputation`: a score from -10 (certain spam source) to +10, or
/// `None` when the reputation service had no data (returned as `Ok(None)`).
pub fn parse_sbrs(value: &str) -> Result<Option<f64>, ParseError> {
    let text = collapse_whitespace(value);
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    match finite_number(&text) {
        Some(n) => Ok(Some(n)),
        None => Err(ParseError::new(format!(
            "expected a reputation score or `None`, found `{text}`"
        ))),
    }
}

/// `X-IronPort-SenderGroup`, `X-IronPort-MailFlowPolicy`, `X-Policy`: one name (`SUSPECTLIST`,
/// `$THROTTLED`), as written.
pub fn parse_name(value: &str) -> Result<String, ParseError> {
    let text = collapse_whitespace(value);
    if text.is_empty() || text.contains(' ') {
        return Err(ParseError::new(format!(
            "expected one name, found `{text}`"
        )));
    }
    Ok(text)
}

/// `X-IronPort-AV`: `;`-separated `tag=value` pairs, values plain or quoted, folded anywhere.
/// The tags Cisco writes are `E` (engine), `i` (version information), `d` (file details),
/// `a` (message id), `v` (viruses found), `e` (errors).
pub fn parse_ironport_av(value: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut tags = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| is_wsp(c) || c == ';');
        if rest.is_empty() {
            break;
        }
        let Some(eq) = rest.find('=') else {
            return Err(ParseError::new(format!(
                "expected `tag=value`, found `{}`",
                collapse_whitespace(rest)
            )));
        };
        let (name, after) = rest.split_at(eq);
        let name = name.trim_matches(is_wsp);
        if name.is_empty() || name.contains(is_wsp) || name.contains(';') {
            return Err(ParseError::new(format!(
                "expected a tag name before `=`, found `{}`",
                collapse_whitespace(name)
            )));
        }
        let after = after.get(1..).unwrap_or("").trim_start_matches(is_wsp);
        let (next, val) = if after.starts_with('"') {
            match quoted_string(after) {
                Ok((next, val)) => (next, val),
                Err(_) => ("", after.to_owned()),
            }
        } else {
            let end = after.find(';').unwrap_or(after.len());
            let (val, next) = after.split_at(end);
            (next, val.trim_matches(is_wsp).to_owned())
        };
        tags.push((name.to_owned(), val));
        rest = next;
    }
    if tags.is_empty() {
        return Err(ParseError::new("empty X-IronPort-AV value"));
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sbrs_values() {
        // Section 9 of the header reference: `X-SBRS: None`.
        assert_eq!(parse_sbrs("None"), Ok(None));
        assert_eq!(parse_sbrs(" -1.9"), Ok(Some(-1.9)));
        assert_eq!(parse_sbrs("3.5"), Ok(Some(3.5)));
        assert!(parse_sbrs("bad").is_err());
        assert!(parse_sbrs("").is_err());
    }

    #[test]
    fn ironport_av_from_the_real_examples() {
        // Section 9, verbatim: the first ends with `;` and nothing else, the second is folded.
        assert_eq!(
            parse_ironport_av(" E=Sophos;i=\"4.89,1009,1367967600\"; ").unwrap(),
            vec![
                ("E".to_owned(), "Sophos".to_owned()),
                ("i".to_owned(), "4.89,1009,1367967600".to_owned())
            ]
        );
        let tags = parse_ironport_av(
            " E=Sophos;i=\"4.97,556,1389744000\";\n   d=\"scan'208\";a=\"446295114\"",
        )
        .unwrap();
        assert_eq!(tags.len(), 4);
        assert_eq!(tags[2], ("d".to_owned(), "scan'208".to_owned()));
        assert_eq!(tags[3], ("a".to_owned(), "446295114".to_owned()));
        assert!(parse_ironport_av(";;").is_err());
        assert!(parse_ironport_av("Sophos").is_err());
    }

    #[test]
    fn names() {
        assert_eq!(parse_name(" $THROTTLED").unwrap(), "$THROTTLED");
        assert_eq!(parse_name("SUSPECTLIST\n").unwrap(), "SUSPECTLIST");
        assert!(parse_name("two words").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,160}") {
            let _ = parse_sbrs(&s);
            let _ = parse_name(&s);
            let _ = parse_ironport_av(&s);
            let _ = parse_ironport_av(&format!("E=Sophos;i=\"{s}"));
        }

        #[test]
        fn av_round_trip(tags in proptest::collection::vec(("[A-Za-z]", "[a-z0-9,.']{0,12}", any::<bool>()), 1..6)) {
            let text = tags.iter().map(|(n, v, q)| if *q { format!("{n}=\"{v}\"") } else { format!("{n}={v}") }).collect::<Vec<_>>().join(";\n ");
            let got = parse_ironport_av(&text).unwrap();
            let want: Vec<(String, String)> = tags.iter().map(|(n, v, _)| (n.clone(), v.clone())).collect();
            prop_assert_eq!(got, want);
        }
    }
}
