//! Proofpoint's `X-Proofpoint-Spam-Details` and `X-Proofpoint-Virus-Version`: whitespace
//! separated `key=value` pairs, folded anywhere between pairs.
//!
//! `rule=` names the policy rule that matched (`notspam`, `outbound_notspam`, a site's own
//! rule names), `policy=` the policy (`default`, `outbound`...), and the `*score=` keys are
//! the classifiers' scores (`spamscore`, `phishscore`, `bulkscore`...). Nothing here judges
//! them; every key is kept in order.

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number, is_wsp};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpamDetails {
    pub rule: Option<String>,
    pub policy: Option<String>,
    /// `score=`, the overall score.
    pub score: Option<f64>,
    /// Every other key ending in `score` with its number, in order (`spamscore`,
    /// `mlxlogscore`, `bulkscore`...).
    pub scores: Vec<(String, f64)>,
    /// The remaining pairs in order (`classifier`, `adjust`, `reason`, `engine`...).
    pub other: Vec<(String, String)>,
}

/// The `key=value` pairs of any Proofpoint field, in order. A word without `=` is an error
/// (the grammar has none); an empty value is allowed.
pub fn parse_pairs(value: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut pairs = Vec::new();
    for word in value.split(is_wsp).filter(|w| !w.is_empty()) {
        match word.split_once('=') {
            Some((key, val)) if !key.is_empty() => pairs.push((key.to_owned(), val.to_owned())),
            _ => {
                return Err(ParseError::new(format!(
                    "expected `key=value`, found `{}`",
                    collapse_whitespace(word)
                )));
            }
        }
    }
    if pairs.is_empty() {
        return Err(ParseError::new("empty Proofpoint field"));
    }
    Ok(pairs)
}

/// Parses `X-Proofpoint-Spam-Details`. A `*score=` key whose value is not a number is an
/// error: guessing would misreport the verdict.
pub fn parse_spam_details(value: &str) -> Result<SpamDetails, ParseError> {
    let mut details = SpamDetails::default();
    for (key, val) in parse_pairs(value)? {
        let lower = key.to_ascii_lowercase();
        if lower.ends_with("score") {
            let n = finite_number(&val)
                .ok_or_else(|| ParseError::new(format!("{key}= is not a number: `{val}`")))?;
            if lower == "score" && details.score.is_none() {
                details.score = Some(n);
            } else {
                details.scores.push((key, n));
            }
            continue;
        }
        let slot = match lower.as_str() {
            "rule" => &mut details.rule,
            "policy" => &mut details.policy,
            _ => {
                details.other.push((key, val));
                continue;
            }
        };
        if slot.is_none() {
            *slot = Some(val);
        } else {
            details.other.push((key, val));
        }
    }
    Ok(details)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Section 8 of the header reference, verbatim (a public mailing-list archive).
    const DETAILS: &str = " rule=outbound_notspam policy=outbound score=0 mlxlogscore=930 spamscore=0\n impostorscore=0 suspectscore=0 mlxscore=0 clxscore=1011 bulkscore=0\n adultscore=0 phishscore=0 lowpriorityscore=0 malwarescore=0\n priorityscore=1501 classifier=spam adjust=0 reason=mlx scancount=1\n engine=8.19.0-2502100000 definitions=main-2502190158";
    const VIRUS: &str = " vendor=baseguard\n engine=ICAP:2.0.293,Aquarius:18.0.1057,Hydra:6.0.680,FMLib:17.12.68.34\n definitions=2025-02-19_09,2025-02-19_01,2024-11-22_01";

    #[test]
    fn spam_details_from_the_real_example() {
        let d = parse_spam_details(DETAILS).unwrap();
        assert_eq!(d.rule.as_deref(), Some("outbound_notspam"));
        assert_eq!(d.policy.as_deref(), Some("outbound"));
        assert_eq!(d.score, Some(0.0));
        assert_eq!(d.scores.len(), 12);
        assert_eq!(d.scores[0], ("mlxlogscore".to_owned(), 930.0));
        assert!(d.scores.contains(&("priorityscore".to_owned(), 1501.0)));
        assert_eq!(
            d.other.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            [
                "classifier",
                "adjust",
                "reason",
                "scancount",
                "engine",
                "definitions"
            ]
        );
    }

    #[test]
    fn other_rules_and_policies() {
        let d = parse_spam_details("rule=notspam policy=default score=0 phishscore=0").unwrap();
        assert_eq!(
            (d.rule.as_deref(), d.policy.as_deref()),
            (Some("notspam"), Some("default"))
        );
        let d = parse_spam_details("rule=fb_default_notspam policy=fb_default score=0").unwrap();
        assert_eq!(d.rule.as_deref(), Some("fb_default_notspam"));
    }

    #[test]
    fn virus_version_pairs() {
        let p = parse_pairs(VIRUS).unwrap();
        assert_eq!(p[0], ("vendor".to_owned(), "baseguard".to_owned()));
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn errors() {
        assert!(parse_spam_details("").is_err());
        assert!(parse_spam_details("rule=spam garbage").is_err());
        assert_eq!(
            parse_spam_details("rule=spam spamscore=high")
                .unwrap_err()
                .message,
            "spamscore= is not a number: `high`"
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,160}") {
            let _ = parse_spam_details(&s);
            let _ = parse_pairs(&s);
        }

        #[test]
        fn scores_round_trip(values in proptest::collection::vec(0u32..10_000, 1..12)) {
            let names = ["spamscore", "phishscore", "bulkscore", "adultscore", "malwarescore", "suspectscore", "impostorscore", "lowpriorityscore", "mlxscore", "mlxlogscore", "clxscore", "priorityscore"];
            let mut text = String::from("rule=x policy=y");
            for (name, v) in names.iter().zip(&values) {
                text.push_str(&format!("\n {name}={v}"));
            }
            let d = parse_spam_details(&text).unwrap();
            let want: Vec<(String, f64)> = names.iter().zip(&values).map(|(n, v)| ((*n).to_owned(), f64::from(*v))).collect();
            prop_assert_eq!(d.scores, want);
        }
    }
}
