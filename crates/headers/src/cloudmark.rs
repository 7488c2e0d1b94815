//! Cloudmark (the Authority engine, also inside Proofpoint and many ISPs' filters):
//! `X-CNFS-Analysis`, `X-Authority-Analysis` and `X-CMAE-Analysis` are the same whitespace
//! separated `tag=value` list: `v=` version, `cv=` a checksum, `c=`, `sm=`, `tr=`, `ts=` (a
//! hexadecimal time), `cx=` (a context such as `c_pps`, Proofpoint) and many `a=` message
//! fingerprints. None of it is a verdict; the score, when there is one, is in `X-CM-Score` or
//! `X-CMAE-Score`.

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number, is_wsp};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    /// `v=`.
    pub version: Option<String>,
    /// Every tag but `v=` and `a=`, in order (`cv`, `c`, `sm`, `tr`, `ts`, `cx`...).
    pub tags: Vec<(String, String)>,
    /// How many `a=` fingerprints there were.
    pub fingerprints: usize,
}

/// Parses the analysis list. A word without `=` is skipped (some writers add stray text),
/// but a value with no tag at all is an error.
pub fn parse_analysis(value: &str) -> Result<Analysis, ParseError> {
    let mut out = Analysis::default();
    let mut any = false;
    for word in value.split(is_wsp).filter(|w| !w.is_empty()) {
        let Some((tag, val)) = word.split_once('=') else {
            continue;
        };
        if tag.is_empty() {
            continue;
        }
        any = true;
        match tag {
            "v" if out.version.is_none() => out.version = Some(val.to_owned()),
            "a" => out.fingerprints += 1,
            _ => out.tags.push((tag.to_owned(), val.to_owned())),
        }
    }
    if !any {
        return Err(ParseError::new(format!(
            "expected `tag=value` items, found `{}`",
            collapse_whitespace(value)
        )));
    }
    Ok(out)
}

/// `X-CM-Score` / `X-CMAE-Score`: a number (`0.00`, `0`).
pub fn parse_score(value: &str) -> Result<f64, ParseError> {
    finite_number(value).ok_or_else(|| {
        ParseError::new(format!(
            "score is not a number: `{}`",
            collapse_whitespace(value)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn analysis_from_public_archives() {
        // A public mailing-list archive: an ISP's outbound filter, then one inside Proofpoint.
        let a = parse_analysis(" v=2.4 cv=X5uXlEfe c=1 sm=1 tr=0 ts=6097de5d cx=a_exe\n a=SkAuTGSu9wVn7tcq8ZjrZA==:117 a=VYA5D5F8Gk0A:10 a=IkcTkHD0fZMA:10\n a=4ehuGOvBq5EA:10 a=VwQbUJbxAAAA:8 a=inwdKGJjCKPWPO92qNgA:9 a=QEXdDO2ut3YA:10\n a=5yUOnwQy5QICz8m5uxDm:22 a=AjGcO6oz07-iQ99wixmX:22").unwrap();
        assert_eq!(a.version.as_deref(), Some("2.4"));
        assert_eq!(a.fingerprints, 9);
        assert_eq!(a.tags[0], ("cv".to_owned(), "X5uXlEfe".to_owned()));
        assert!(a.tags.contains(&("cx".to_owned(), "a_exe".to_owned())));
        let a = parse_analysis(" v=2.4 cv=bbRbluPB c=1 sm=1 tr=0 ts=6a04bb0b b=1 cx=c_pps\n a=zPCbziy225d3KhSqZt3L1A==:117").unwrap();
        assert!(a.tags.contains(&("cx".to_owned(), "c_pps".to_owned())));
        // The 2009 form has no cv= or ts=.
        let a = parse_analysis(" v=1.0 c=1 a=4fBY6cwzPQcA:10 a=ybZZDoGAAAAA:8").unwrap();
        assert_eq!((a.version.as_deref(), a.fingerprints), (Some("1.0"), 2));
    }

    #[test]
    fn scores_and_errors() {
        assert_eq!(parse_score(" 0.00"), Ok(0.0));
        assert!(parse_score("none").is_err());
        assert!(parse_analysis("").is_err());
        assert!(parse_analysis("no tags here").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,160}") {
            let _ = parse_analysis(&s);
            let _ = parse_score(&s);
        }

        #[test]
        fn fingerprints_are_counted(n in 0usize..30, tags in proptest::collection::vec(("[b-z]{1,3}", "[A-Za-z0-9_]{1,8}"), 0..6)) {
            let mut text = String::from("v=2.4");
            for (t, v) in &tags { text.push_str(&format!(" {t}={v}")); }
            for k in 0..n { text.push_str(&format!("\n a=F{k}AAAA:10")); }
            let a = parse_analysis(&text).unwrap();
            prop_assert_eq!(a.fingerprints, n);
            prop_assert_eq!(a.tags.len(), tags.len());
        }
    }
}
