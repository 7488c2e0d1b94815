//! Barracuda Email Security Gateway (and its cloud service): `X-Barracuda-Spam-Status`,
//! `X-Barracuda-Bayes`, `X-Barracuda-Connect`.
//!
//! Barracuda's status line and its `X-Barracuda-Spam-Report` table are SpamAssassin's
//! grammar, so they are read by [`crate::spamassassin::parse_spam_status`] and
//! [`crate::spamassassin::parse_spam_report`]; this module adds only what is Barracuda's own:
//! the three action levels inside the status (`TAG_LEVEL=`, `QUARANTINE_LEVEL=`,
//! `KILL_LEVEL=`), the Bayes line and the connecting host.

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number};
use crate::spamassassin::{SpamStatus, parse_spam_status};

/// `X-Barracuda-Spam-Status`: SpamAssassin's status plus Barracuda's action levels.
#[derive(Debug, Clone, PartialEq)]
pub struct BarracudaStatus {
    /// The SpamAssassin part; the level keys are removed from `other`.
    pub status: SpamStatus,
    pub levels: Levels,
}

/// The scores at which Barracuda tags, quarantines or blocks ("kills") a message.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Levels {
    pub tag: Option<f64>,
    pub quarantine: Option<f64>,
    pub kill: Option<f64>,
}

/// `X-Barracuda-Bayes: INNOCENT GLOBAL 0.0000 1.0000 -2.0210`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bayes {
    /// `INNOCENT`, `SPAM`, ... as written.
    pub verdict: String,
    /// `GLOBAL` (the shared database) or a per-user scope, as written.
    pub scope: Option<String>,
    /// The numbers in order: spam probability, then two more; the last is the points the
    /// Bayes result added to the score (the report's rows plus it give the total).
    pub numbers: Vec<f64>,
}

/// `X-Barracuda-Connect: mail.example.com[192.0.2.1]` (`UNKNOWN` when there was no name).
#[derive(Debug, Clone, PartialEq)]
pub struct Connect {
    /// `None` for `UNKNOWN`.
    pub host: Option<String>,
    pub ip: Option<String>,
}

/// Parses `X-Barracuda-Spam-Status`. The level keys must be numbers; everything else is
/// SpamAssassin's grammar and its errors.
pub fn parse_status(value: &str) -> Result<BarracudaStatus, ParseError> {
    let mut status = parse_spam_status(value)?;
    let mut levels = Levels::default();
    let mut other = Vec::new();
    for (key, raw) in std::mem::take(&mut status.other) {
        let slot = match key.to_ascii_uppercase().as_str() {
            "TAG_LEVEL" => &mut levels.tag,
            "QUARANTINE_LEVEL" => &mut levels.quarantine,
            "KILL_LEVEL" => &mut levels.kill,
            _ => {
                other.push((key, raw));
                continue;
            }
        };
        match finite_number(&raw) {
            Some(n) if slot.is_none() => *slot = Some(n),
            Some(_) => other.push((key, raw)),
            None => {
                return Err(ParseError::new(format!(
                    "{key}= is not a number: `{}`",
                    collapse_whitespace(&raw)
                )));
            }
        }
    }
    status.other = other;
    Ok(BarracudaStatus { status, levels })
}

/// Parses `X-Barracuda-Bayes`: a verdict word, an optional scope word, then numbers.
pub fn parse_bayes(value: &str) -> Result<Bayes, ParseError> {
    let text = collapse_whitespace(value);
    let mut words = text.split(' ').filter(|w| !w.is_empty());
    let verdict = words
        .next()
        .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic() || c == '_'))
        .ok_or_else(|| ParseError::new("expected a Bayes verdict word (`SPAM`, `INNOCENT`)"))?;
    let mut scope = None;
    let mut numbers = Vec::new();
    for word in words {
        match finite_number(word) {
            Some(n) => numbers.push(n),
            None if numbers.is_empty() && scope.is_none() => scope = Some(word.to_owned()),
            None => {
                return Err(ParseError::new(format!(
                    "expected a number in the Bayes line, found `{word}`"
                )));
            }
        }
    }
    Ok(Bayes {
        verdict: verdict.to_owned(),
        scope,
        numbers,
    })
}

/// Parses `X-Barracuda-Connect`: `HOST[IP]`, `UNKNOWN[IP]`, or a bare name.
pub fn parse_connect(value: &str) -> Result<Connect, ParseError> {
    let text = value.trim();
    if text.is_empty() {
        return Err(ParseError::new("empty X-Barracuda-Connect value"));
    }
    let (host, ip) = match text.split_once('[') {
        Some((host, rest)) => {
            let ip = rest.strip_suffix(']').unwrap_or(rest).trim();
            (host.trim(), (!ip.is_empty()).then(|| ip.to_owned()))
        }
        None => (text, None),
    };
    let host = (!host.is_empty() && !host.eq_ignore_ascii_case("unknown")).then(|| host.to_owned());
    Ok(Connect { host, ip })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spamassassin::parse_spam_report;
    use proptest::prelude::*;

    /// Section 7 of the header reference, verbatim (a public mailing-list archive).
    const STATUS: &str = " No,\n SCORE=-1.21 using global scores of TAG_LEVEL=1000.0\n QUARANTINE_LEVEL=1000.0 KILL_LEVEL=9.0 tests=DATE_IN_PAST_12_24,\n DATE_IN_PAST_12_24_2";
    const REPORT: &str = " Code version 3.2, rules version 3.2.3.152631\n Rule breakdown below\n pts rule name              description\n ---- ---------------------- --------------------------------------------------\n 0.01 DATE_IN_PAST_12_24     Date: is 12 to 24 hours before Received: date\n 0.80 DATE_IN_PAST_12_24_2   DATE_IN_PAST_12_24_2";

    #[test]
    fn status_levels_from_the_real_example() {
        let s = parse_status(STATUS).unwrap();
        assert_eq!(s.status.is_spam, Some(false));
        assert_eq!(s.status.score, Some(-1.21));
        assert_eq!(s.status.tests.len(), 2);
        assert_eq!(
            s.levels,
            Levels {
                tag: Some(1000.0),
                quarantine: Some(1000.0),
                kill: Some(9.0)
            }
        );
        assert!(s.status.other.is_empty());
    }

    #[test]
    fn report_and_bayes_add_up_to_the_score() {
        let report = parse_spam_report(REPORT).unwrap();
        let bayes = parse_bayes(" INNOCENT GLOBAL 0.0000 1.0000 -2.0210").unwrap();
        assert_eq!(bayes.verdict, "INNOCENT");
        assert_eq!(bayes.scope.as_deref(), Some("GLOBAL"));
        assert_eq!(bayes.numbers, vec![0.0, 1.0, -2.021]);
        let total: f64 = report.lines.iter().map(|l| l.points).sum::<f64>() + bayes.numbers[2];
        assert!((total - -1.21).abs() < 0.01, "{total}");
    }

    #[test]
    fn bad_levels_and_bayes_are_errors() {
        let e = parse_status("Yes, SCORE=5.0 TAG_LEVEL=high").unwrap_err();
        assert_eq!(e.message, "TAG_LEVEL= is not a number: `high`");
        assert!(parse_bayes("").is_err());
        assert!(parse_bayes("0.5 1.0").is_err());
        assert!(parse_bayes("SPAM GLOBAL 0.9 x").is_err());
    }

    #[test]
    fn connect_forms() {
        assert_eq!(
            parse_connect("UNKNOWN[192.0.2.190]").unwrap(),
            Connect {
                host: None,
                ip: Some("192.0.2.190".into())
            }
        );
        assert_eq!(
            parse_connect("mail.example.org[198.51.100.7]").unwrap(),
            Connect {
                host: Some("mail.example.org".into()),
                ip: Some("198.51.100.7".into())
            }
        );
        assert!(parse_connect(" ").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,120}") {
            let _ = parse_status(&s);
            let _ = parse_bayes(&s);
            let _ = parse_connect(&s);
            let _ = parse_status(&format!("Yes, SCORE=1 TAG_LEVEL={s}"));
        }

        #[test]
        fn levels_round_trip(tag in 0u32..20_000, q in 0u32..20_000, k in 0u32..20_000, score in -9_999i32..9_999) {
            let (tag, q, k, score) = (f64::from(tag) / 10.0, f64::from(q) / 10.0, f64::from(k) / 10.0, f64::from(score) / 100.0);
            let s = parse_status(&format!("Yes,\n SCORE={score} using global scores of TAG_LEVEL={tag}\n QUARANTINE_LEVEL={q} KILL_LEVEL={k} tests=A_B")).unwrap();
            prop_assert_eq!(s.levels, Levels { tag: Some(tag), quarantine: Some(q), kill: Some(k) });
            prop_assert_eq!(s.status.score, Some(score));
        }
    }
}
