//! "What if": for each verdict with a score, the score after fixing each cause the sender
//! controls, and the fewest fixes that bring the message under the filter's line.
//!
//! # The model
//!
//! A score is the sum of its rules' points (SpamAssassin, Rspamd and Stalwart all add
//! them up). Fixing a cause makes its rules stop firing, so it takes off `p_c`, the sum of
//! the *positive* points of the cause's rules in that verdict. Rules that lowered the score
//! stay, and a fix may earn new negative points (a passing DKIM signature...): the score
//! after a fix is at most what is shown, never more. When the headers list rules without
//! points, the rule's stock default score is used and the result is marked `estimated`.
//!
//! # What counts as a fix the sender controls
//!
//! Counted: every cause whose fault is `sender-setup` (DNS records, server settings, where
//! the mail is sent from), and the `sender-content` causes whose rules test a definite
//! property of the message that the sender can change with a known effect: a plain-text
//! part, an unsubscribe link, the size, the header layout. Not counted, though the sender can
//! act on them: `content` (the wording, learned Bayes/neural scores and fuzzy hashes, which
//! the recipient's filter trained on its own mail: rewriting has no predictable effect),
//! `url-reputation` and `bulk` (what others think of a link or of mass mail), and the
//! `sender-reputation` causes (a blocklist listing is removed by its operator, in its own
//! time, and comes back if its cause remains). Receiver-side rules and rules this tool does
//! not know are never counted. Uncounted causes are still listed, with `counted: false`, so
//! a reader sees what, say, a removed listing would change.
//!
//! # Why the smallest set is minimal
//!
//! With `excess = score − line`, a set `S` of counted fixes brings the message under the
//! line exactly when `Σ_{c∈S} p_c > excess` (filters flag at `score ≥ line`). Every
//! `p_c > 0`. For any size `k`, no `k`-set has a larger sum than the `k` largest `p_c`
//! (exchange argument: swapping any member for a larger non-member never lowers the sum).
//! So if the top-`k` sum does not exceed the excess, no set of `k` fixes does; the first `k`
//! (counting up from 1) whose top-`k` sum exceeds it is the minimum number of fixes, and the
//! top-`k` set reaches it, with the lowest score of any set that small. Sorting by points
//! descending and taking the shortest prefix that suffices is therefore optimal. A test
//! checks it against brute force over every subset.

use super::rules::default_threshold;
use crate::knowledge;
use crate::report::{FixPlan, Verdict, WhatIf, WhatIfFix, format_points};

/// Rspamd's stock `add_header` action score: the point from which it marks mail as spam.
const RSPAMD_STOCK_SPAM_SCORE: f64 = 6.0;

/// Tolerance for sums of points with up to six decimals.
const EPSILON: f64 = 1e-9;

/// A cause's short name, for sentences.
pub fn short_name(cause: &str) -> &str {
    &knowledge::cause(cause).short
}

/// Whether fixing a cause has a predictable effect that the sender controls; the reason
/// when it does not.
fn counted(cause: &str, fault: &str) -> Result<(), &'static str> {
    match fault {
        "sender-setup" => Ok(()),
        "sender-content" if knowledge::cause(cause).structural => Ok(()),
        "sender-content" if cause == "content" => Err(
            "wording and learned (Bayes) scores come from the recipient's own training; rewriting the message has no predictable effect",
        ),
        "sender-content" => Err(
            "depends on how others rate the links or the mass mailing, not on a change with a known effect",
        ),
        _ => Err(
            "a listing or reputation changes when its operator decides, not when the sender changes something",
        ),
    }
}

/// The line a verdict's score is measured against, and where it comes from.
fn line(verdict: &Verdict) -> (f64, &'static str) {
    let stated = verdict.threshold.filter(|t| *t > 0.0);
    match (verdict.filter.as_str(), stated) {
        ("rspamd", Some(t)) if t < RSPAMD_STOCK_SPAM_SCORE => (t, "message"),
        ("rspamd", _) => (RSPAMD_STOCK_SPAM_SCORE, "stock-default"),
        (_, Some(t)) => (t, "message"),
        (filter, None) => (default_threshold(filter), "stock-default"),
    }
}

/// A rule's stock score from the tables: the one value, or the last of SpamAssassin's four
/// score sets (network and Bayes tests on, as on most servers).
pub fn stock_score(text: &str) -> Option<f64> {
    let values: Vec<f64> = text
        .split_whitespace()
        .map_while(|t| t.parse().ok())
        .collect();
    values.last().copied()
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Computes `what_if` for one verdict (after its rules are annotated).
pub fn compute(verdict: &Verdict) -> Option<WhatIf> {
    // Greylisting has no score; Microsoft's reasons carry no points (its SCL is not a sum);
    // a filter's own score with no rule points says nothing about what each cause cost.
    if verdict.filter == "greylisting"
        || !crate::knowledge::rule_set_for(&verdict.filter).has_points()
        || (verdict.side != crate::report::Side::Recipient)
        || (!verdict.rules.is_empty()
            && verdict.rules.iter().all(|r| r.points.is_none())
            && crate::knowledge::rule_set_for(&verdict.filter)
                == crate::knowledge::RuleSet::Gateway)
    {
        return None;
    }
    let score = verdict.score?;
    let (threshold, threshold_source) = line(verdict);

    // Positive points per sender cause, in first-seen order.
    let mut causes: Vec<(String, String, f64)> = Vec::new();
    let mut estimated = false;
    let mut not_counted = 0.0;
    for rule in &verdict.rules {
        let Some(diagnosis) = &rule.diagnosis else {
            continue;
        };
        let points = match rule.points {
            Some(points) => points,
            None => match diagnosis.default_score.as_deref().and_then(stock_score) {
                Some(points) => {
                    estimated |= points > 0.0;
                    points
                }
                None => continue,
            },
        };
        if points <= 0.0 {
            continue;
        }
        if !diagnosis.fault.starts_with("sender") {
            not_counted += points;
            continue;
        }
        match causes.iter_mut().find(|(c, _, _)| *c == diagnosis.cause) {
            Some(entry) => entry.2 += points,
            None => causes.push((diagnosis.cause.clone(), diagnosis.fault.clone(), points)),
        }
    }

    let mut fixes: Vec<WhatIfFix> = causes
        .into_iter()
        .map(|(cause, fault, points)| {
            let after = score - points;
            let check = counted(&cause, &fault);
            if check.is_err() {
                not_counted += points;
            }
            WhatIfFix {
                title: knowledge::cause(&cause).title.clone(),
                cause,
                fault,
                points: round(points),
                score_after: round(after),
                under_threshold: after < threshold - EPSILON,
                counted: check.is_ok(),
                note: check.err().map(str::to_owned),
            }
        })
        .collect();
    fixes.sort_by(|a, b| {
        b.points
            .total_cmp(&a.points)
            .then_with(|| a.cause.cmp(&b.cause))
    });

    let counted_points: Vec<(&str, f64)> = fixes
        .iter()
        .filter(|f| f.counted)
        .map(|f| (f.cause.as_str(), f.points))
        .collect();
    let all_fixed = score - counted_points.iter().map(|(_, p)| p).sum::<f64>();
    let has_rules = !verdict.rules.is_empty();
    let (outcome, smallest_fix) = if score < threshold - EPSILON {
        ("already-under", None)
    } else if !has_rules {
        ("no-rules", None)
    } else {
        match smallest_prefix(score, threshold, &counted_points) {
            Some(k) => {
                let chosen = &counted_points[..k];
                let after = score - chosen.iter().map(|(_, p)| p).sum::<f64>();
                (
                    "fixable",
                    Some(FixPlan {
                        causes: chosen.iter().map(|(c, _)| (*c).to_owned()).collect(),
                        score_after: round(after),
                    }),
                )
            }
            None => ("not-enough", None),
        }
    };

    let mut what_if = WhatIf {
        score,
        threshold,
        threshold_source: threshold_source.to_owned(),
        outcome: outcome.to_owned(),
        estimated,
        fixes,
        smallest_fix,
        score_after_all_fixes: round(all_fixed),
        points_not_counted: round(not_counted),
        summary: String::new(),
    };
    what_if.summary = summary(verdict, &what_if);
    Some(what_if)
}

/// The length of the shortest prefix of `fixes` (sorted by points, descending) that brings
/// `score` under `line`: by the exchange argument in the module docs, the minimum number
/// of fixes over all subsets.
fn smallest_prefix(score: f64, line: f64, fixes: &[(&str, f64)]) -> Option<usize> {
    let mut total = 0.0;
    for (k, (_, points)) in fixes.iter().enumerate() {
        total += points;
        if score - total < line - EPSILON {
            return Some(k + 1);
        }
    }
    None
}

/// "reverse DNS, SPF and DKIM".
pub fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn summary(verdict: &Verdict, what_if: &WhatIf) -> String {
    let score = format_points(what_if.score);
    let line = if what_if.threshold_source == "stock-default" {
        let name = match verdict.filter.as_str() {
            "spamassassin" => "SpamAssassin",
            "rspamd" => "Rspamd",
            "stalwart" => "Stalwart",
            other => other,
        };
        format!(
            "{} ({name}'s stock spam score; this server may use another)",
            format_points(what_if.threshold)
        )
    } else {
        format_points(what_if.threshold)
    };
    // Estimated scores are shown to one decimal, as SpamAssassin prints its own.
    let after = |value: f64| {
        if what_if.estimated {
            format!("about {}", format_points((value * 10.0).round() / 10.0))
        } else {
            format_points(value)
        }
    };
    let names = |causes: &mut dyn Iterator<Item = &str>| -> String {
        join_names(&causes.map(short_name).collect::<Vec<_>>())
    };
    match what_if.outcome.as_str() {
        "already-under" => {
            let mut text = format!(
                "The score ({score}) is already under the line ({line}), so no fix is needed to get under it."
            );
            if verdict.spam == Some(true)
                || verdict.action.as_deref().is_some_and(|a| a != "no action")
            {
                text.push_str(" The filter flagged the message for another reason (a local rule or policy), not for its score.");
            }
            text
        }
        "no-rules" => format!(
            "The score is {score} against a line of {line}, but the headers do not say which rules gave the points, so what a fix would change cannot be worked out."
        ),
        "fixable" => {
            let plan = what_if.smallest_fix.as_ref().expect("fixable has a plan");
            let fixes = names(&mut plan.causes.iter().map(String::as_str));
            let count = plan.causes.len();
            format!(
                "Fixing {fixes} would bring the score from {score} to {}, under the line of {line}{}.",
                after(plan.score_after),
                if count == 1 {
                    ""
                } else {
                    " (no smaller set of fixes is enough)"
                },
            )
        }
        _ => {
            let counted: Vec<&str> = what_if
                .fixes
                .iter()
                .filter(|f| f.counted)
                .map(|f| f.cause.as_str())
                .collect();
            let rest = format_points(what_if.points_not_counted);
            let mut text = if counted.is_empty() {
                format!(
                    "No fix the sender controls is enough: none of the {score} points come from the sender's set-up or the message's structure."
                )
            } else {
                format!(
                    "No fix the sender controls is enough: fixing {} would bring the score from {score} to {}, still not under the line of {line}.",
                    names(&mut counted.iter().copied()),
                    after(what_if.score_after_all_fixes),
                )
            };
            let uncounted: Vec<&str> = what_if
                .fixes
                .iter()
                .filter(|f| !f.counted)
                .map(|f| f.cause.as_str())
                .collect();
            if uncounted.is_empty() {
                text.push_str(&format!(
                    " Rules the sender cannot change add {rest} points."
                ));
            } else {
                text.push_str(&format!(
                    " Rules that no set-up change removes predictably add {rest} points, mostly for {}.",
                    names(&mut uncounted.iter().copied())
                ));
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Rule, RuleDiagnosis};

    fn rule(name: &str, points: Option<f64>, cause: &str, fault: &str) -> Rule {
        Rule {
            name: name.to_owned(),
            points,
            description: None,
            options: Vec::new(),
            diagnosis: Some(RuleDiagnosis {
                cause: cause.to_owned(),
                fault: fault.to_owned(),
                inferred: false,
                meaning: None,
                default_score: Some("0.001 1.0 0.001 0.7".to_owned()),
            }),
        }
    }

    fn verdict(filter: &str, score: f64, threshold: Option<f64>, rules: Vec<Rule>) -> Verdict {
        Verdict {
            filter: filter.to_owned(),
            side: crate::report::Side::Recipient,
            via: None,
            headers: Vec::new(),
            spam: Some(true),
            score: Some(score),
            threshold,
            action: None,
            rules,
            details: Vec::new(),
            errors: Vec::new(),
            what_if: None,
        }
    }

    #[test]
    fn two_fixes_bring_the_bakery_under_the_line() {
        let v = verdict(
            "spamassassin",
            10.9,
            Some(5.0),
            vec![
                rule("RCVD_IN_PBL", Some(3.3), "static-ip", "sender-setup"),
                rule("HELO_LOCALHOST", Some(3.8), "ehlo-hostname", "sender-setup"),
                rule(
                    "KHOP_HELO_FCRDNS",
                    Some(0.4),
                    "ehlo-hostname",
                    "sender-setup",
                ),
                rule("BAYES_50", Some(0.8), "content", "sender-content"),
                rule("SPF_SOFTFAIL", Some(0.7), "spf", "sender-setup"),
                rule("RDNS_DYNAMIC", Some(1.0), "reverse-dns", "sender-setup"),
                rule("DMARC_NONE", Some(0.9), "dmarc", "sender-setup"),
                rule("URIBL_BLOCKED", Some(0.001), "receiver-side", "receiver"),
            ],
        );
        let w = compute(&v).unwrap();
        assert_eq!(w.outcome, "fixable");
        let plan = w.smallest_fix.unwrap();
        assert_eq!(plan.causes, ["ehlo-hostname", "static-ip"]);
        assert_eq!(plan.score_after, 3.4);
        assert_eq!(w.fixes[0].cause, "ehlo-hostname");
        assert_eq!(w.fixes[0].score_after, 6.7);
        assert!(!w.fixes.iter().any(|f| f.cause == "receiver-side"));
        let content = w.fixes.iter().find(|f| f.cause == "content").unwrap();
        assert!(!content.counted);
        assert_eq!(w.points_not_counted, 0.801);
        assert!(w.summary.starts_with(
            "Fixing the HELO name and the home or dynamic sending address would bring the score from 10.9 to 3.4, under the line of 5 (no smaller set of fixes is enough)."
        ), "{}", w.summary);
    }

    #[test]
    fn bayes_dominating_means_no_fix_is_enough() {
        let v = verdict(
            "spamassassin",
            6.1,
            Some(5.0),
            vec![
                rule("BAYES_99", Some(3.5), "content", "sender-content"),
                rule("BAYES_999", Some(0.2), "content", "sender-content"),
                rule("RCVD_IN_SBL", Some(1.2), "blocklist", "sender-reputation"),
                rule("SPF_SOFTFAIL", Some(0.5), "spf", "sender-setup"),
                rule("RDNS_NONE", Some(0.5), "reverse-dns", "sender-setup"),
            ],
        );
        let w = compute(&v).unwrap();
        assert_eq!(w.outcome, "not-enough");
        assert!(w.smallest_fix.is_none());
        assert_eq!(w.score_after_all_fixes, 5.1);
        assert_eq!(w.points_not_counted, 4.9);
        let listing = w.fixes.iter().find(|f| f.cause == "blocklist").unwrap();
        assert!(!listing.counted && listing.note.is_some());
        assert!(
            w.summary
                .starts_with("No fix the sender controls is enough")
        );
    }

    #[test]
    fn rspamd_is_measured_against_its_stock_spam_score() {
        let v = verdict(
            "rspamd",
            13.03,
            Some(15.0),
            vec![rule(
                "HFILTER_HELO_NOT_FQDN",
                Some(2.0),
                "ehlo-hostname",
                "sender-setup",
            )],
        );
        let w = compute(&v).unwrap();
        assert_eq!(
            (w.threshold, w.threshold_source.as_str()),
            (6.0, "stock-default")
        );
        assert_eq!(w.outcome, "not-enough");
        let lower = verdict("rspamd", 12.85, Some(5.0), Vec::new());
        let w = compute(&lower).unwrap();
        assert_eq!((w.threshold, w.threshold_source.as_str()), (5.0, "message"));
        assert_eq!(w.outcome, "no-rules");
    }

    #[test]
    fn rules_without_points_use_their_stock_score() {
        let v = verdict(
            "spamassassin",
            6.0,
            Some(5.0),
            vec![
                rule("RDNS_NONE", None, "reverse-dns", "sender-setup"),
                rule("MISSING_MID", Some(5.3), "header-format", "sender-content"),
            ],
        );
        let w = compute(&v).unwrap();
        assert!(w.estimated);
        assert_eq!(w.fixes[1].points, 0.7);
        assert_eq!(w.smallest_fix.unwrap().causes, ["header-format"]);
        assert!(w.summary.contains("to about 0.7,"), "{}", w.summary);
    }

    #[test]
    fn a_score_under_the_line_needs_no_fix() {
        let v = verdict(
            "spamassassin",
            0.0,
            Some(5.0),
            vec![rule("X", Some(1.0), "spf", "sender-setup")],
        );
        let w = compute(&v).unwrap();
        assert_eq!(w.outcome, "already-under");
        assert!(w.summary.contains("another reason"));
    }

    proptest::proptest! {
        /// The prefix of the points sorted descending is as short as the shortest subset
        /// found by brute force.
        #[test]
        fn the_greedy_prefix_is_a_smallest_set(
            points in proptest::collection::vec(1u32..5000, 0..10),
            excess in 0u32..20000,
        ) {
            let mut sorted: Vec<f64> = points.iter().map(|p| f64::from(*p) / 1000.0).collect();
            sorted.sort_by(|a, b| b.total_cmp(a));
            let line = 5.0;
            let score = line + f64::from(excess) / 1000.0;
            let named: Vec<(&str, f64)> = sorted.iter().map(|p| ("c", *p)).collect();
            let greedy = smallest_prefix(score, line, &named);
            let n = sorted.len();
            let mut best: Option<usize> = None;
            for mask in 0u32..(1 << n) {
                let sum: f64 = (0..n).filter(|i| mask & (1 << i) != 0).map(|i| sorted[i]).sum();
                if score - sum < line - EPSILON {
                    let size = mask.count_ones() as usize;
                    best = Some(best.map_or(size, |b| b.min(size)));
                }
            }
            proptest::prop_assert_eq!(greedy, best);
        }
    }
}
