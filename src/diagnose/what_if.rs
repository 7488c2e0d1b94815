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
//! # Points that several fixes clear
//!
//! A DMARC failure is not fixed on its own: DMARC passes as soon as DKIM passes for the From
//! domain, or SPF does for an envelope sender in the From domain's organisation. The rules
//! `cleared_by.tsv` lists are therefore *shared* points `B`, taken off by a fix of their own
//! cause (DMARC) or of any cause that clears them (DKIM; SPF when aligned), and only once.
//! A fix's `points` count them when it clears them (`also_clears` names them), so "fixing
//! DKIM" shows what it really takes off; fixes applied one after the other take them off
//! once ([`step_scores`]).
//!
//! # Why the smallest set is minimal
//!
//! With `excess = score − line`, a set `S` of counted fixes brings the message under the
//! line exactly when its value `v(S) = Σ_{c∈S} o_c + B·[S clears B]` exceeds the excess
//! (filters flag at `score ≥ line`; `o_c > 0` are the fixes' own points). Among sets of size
//! `k`, a best one either clears nothing shared, and then no set of that kind beats the top
//! `k` of those fixes by own points (exchange argument: swapping a member for a larger
//! non-member never lowers the sum), or it contains a fix `e` that clears `B`, and then it is
//! no better than `e` with the top `k − 1` of the others. Trying each such `e` and the plain
//! top `k` therefore finds the best `k`-set; the first `k` (counting up from 1) whose best set
//! exceeds the excess is the minimum number of fixes, and that set has the lowest score of
//! any set that small. A test checks it against brute force over every subset.

use super::rules::default_threshold;
use crate::knowledge;
use crate::report::{AlsoClears, FixPlan, Verdict, WhatIf, WhatIfFix, format_points};

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
pub fn compute(verdict: &Verdict, spf_aligned: bool) -> Option<WhatIf> {
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

    // Positive points per sender cause, in first-seen order. The points of rules that
    // another fix also clears (a DMARC failure: `cleared_by.tsv`) are kept apart as
    // `shared`, with the causes whose fix clears them.
    let mut causes: Vec<(String, String, f64)> = Vec::new();
    let mut shared = Shared::default();
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
        let entry = match causes
            .iter_mut()
            .position(|(c, _, _)| *c == diagnosis.cause)
        {
            Some(at) => &mut causes[at],
            None => {
                causes.push((diagnosis.cause.clone(), diagnosis.fault.clone(), 0.0));
                causes.last_mut().expect("just pushed")
            }
        };
        let clearers: Vec<&str> = knowledge::cleared_by(&rule.name)
            .iter()
            .map(String::as_str)
            .filter(|cause| *cause != "spf" || spf_aligned)
            .collect();
        if clearers.is_empty() || counted(&diagnosis.cause, &diagnosis.fault).is_err() {
            entry.2 += points;
        } else {
            shared.points += points;
            shared.cause = diagnosis.cause.clone();
            shared.clearers = clearers.iter().map(|c| (*c).to_owned()).collect();
        }
    }
    let clears_shared = |cause: &str| {
        shared.points > 0.0 && (cause == shared.cause || shared.clearers.iter().any(|c| c == cause))
    };

    let mut fixes: Vec<WhatIfFix> = causes
        .into_iter()
        .map(|(cause, fault, own)| {
            let check = counted(&cause, &fault);
            let bonus = if check.is_ok() && clears_shared(&cause) {
                shared.points
            } else {
                0.0
            };
            let points = own + bonus;
            if check.is_err() {
                not_counted += points;
            }
            let after = score - points;
            WhatIfFix {
                title: knowledge::cause(&cause).title.clone(),
                also_clears: (bonus > 0.0 && cause != shared.cause).then(|| AlsoClears {
                    cause: shared.cause.clone(),
                    points: round(bonus),
                }),
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

    let candidates: Vec<Candidate> = fixes
        .iter()
        .filter(|f| f.counted)
        .map(|f| {
            let clears = clears_shared(&f.cause);
            Candidate {
                cause: f.cause.as_str(),
                own: f.points - if clears { shared.points } else { 0.0 },
                clears_shared: clears,
            }
        })
        .collect();
    let all: Vec<usize> = (0..candidates.len()).collect();
    let all_fixed = score - value(&candidates, &all, shared.points);
    let has_rules = !verdict.rules.is_empty();
    let (outcome, smallest_fix) = if score < threshold - EPSILON {
        ("already-under", None)
    } else if !has_rules {
        ("no-rules", None)
    } else {
        match smallest_set(score, threshold, &candidates, shared.points) {
            Some(chosen) => {
                let after = score - value(&candidates, &chosen, shared.points);
                (
                    "fixable",
                    Some(FixPlan {
                        causes: chosen
                            .iter()
                            .map(|&i| candidates[i].cause.to_owned())
                            .collect(),
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

/// Points of rules that several fixes clear (a DMARC failure), with the cause they belong to
/// and the other causes whose fix clears them.
#[derive(Default)]
struct Shared {
    points: f64,
    cause: String,
    clearers: Vec<String>,
}

/// A counted fix: its own points, and whether it also clears the shared points.
struct Candidate<'a> {
    cause: &'a str,
    own: f64,
    clears_shared: bool,
}

/// The points a set of fixes takes off: each one's own, plus the shared points once when
/// any of them clears them.
fn value(candidates: &[Candidate<'_>], set: &[usize], shared: f64) -> f64 {
    let own: f64 = set.iter().map(|&i| candidates[i].own).sum();
    let clears = set.iter().any(|&i| candidates[i].clears_shared);
    own + if clears { shared } else { 0.0 }
}

/// The `k` fixes that take off the most points, by the argument in the module docs: the
/// best set either has no fix that clears the shared points (then it is the top `k` of
/// those by own points) or has one, `e` (then it is `e` with the top `k - 1` of the rest).
fn best_set(candidates: &[Candidate<'_>], shared: f64, k: usize) -> Option<Vec<usize>> {
    let by_own = |mut set: Vec<usize>| {
        set.sort_by(|&a, &b| {
            candidates[b]
                .own
                .total_cmp(&candidates[a].own)
                .then(a.cmp(&b))
        });
        set
    };
    let top = |exclude: Option<usize>, only_plain: bool, count: usize| -> Option<Vec<usize>> {
        let pool: Vec<usize> = by_own(
            (0..candidates.len())
                .filter(|&i| Some(i) != exclude && !(only_plain && candidates[i].clears_shared))
                .collect(),
        );
        (pool.len() >= count).then(|| pool[..count].to_vec())
    };
    let mut options: Vec<Vec<usize>> = top(None, true, k).into_iter().collect();
    for e in (0..candidates.len()).filter(|&i| candidates[i].clears_shared) {
        if let Some(mut rest) = top(Some(e), false, k.saturating_sub(1)) {
            rest.push(e);
            options.push(rest);
        }
    }
    options
        .into_iter()
        .filter(|set| set.len() == k)
        .max_by(|a, b| {
            value(candidates, a, shared)
                .total_cmp(&value(candidates, b, shared))
                // Equal values: the earlier fixes in the list win (deterministic).
                .then_with(|| b.iter().min().cmp(&a.iter().min()))
        })
        .map(|set| {
            let mut set = set;
            set.sort_unstable();
            set
        })
}

/// The smallest set of fixes that brings `score` under `line` (the one taking off the most
/// points among sets that small), as indices into `candidates` in their order.
fn smallest_set(
    score: f64,
    line: f64,
    candidates: &[Candidate<'_>],
    shared: f64,
) -> Option<Vec<usize>> {
    (1..=candidates.len()).find_map(|k| {
        best_set(candidates, shared, k)
            .filter(|set| score - value(candidates, set, shared) < line - EPSILON)
    })
}

/// The score after each fix of `causes`, applied one after the other: a fix's `points`
/// count alone, so the points it shares with an earlier step (a DMARC failure that DKIM
/// and DMARC both clear) are taken off only once.
pub fn step_scores(what_if: &WhatIf, causes: &[&str]) -> Vec<f64> {
    let fix = |cause: &str| what_if.fixes.iter().find(|f| f.cause == cause);
    // The shared points and the cause they belong to, from any fix that names them.
    let shared = what_if.fixes.iter().find_map(|f| f.also_clears.as_ref());
    let clears = |cause: &str| {
        shared.is_some_and(|s| {
            s.cause == cause || fix(cause).is_some_and(|f| f.also_clears.is_some())
        })
    };
    let mut score = what_if.score;
    let mut cleared = false;
    causes
        .iter()
        .map(|cause| {
            let points = fix(cause).map_or(0.0, |f| f.points);
            score -= match shared {
                Some(s) if clears(cause) && cleared => points - s.points,
                _ => points,
            };
            cleared |= clears(cause);
            round(score)
        })
        .collect()
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
            // "SPF (and with it DMARC)" where a fix in the plan clears another cause's rules.
            let mut noted = false;
            let named: Vec<String> = plan
                .causes
                .iter()
                .map(|cause| {
                    let also = what_if
                        .fixes
                        .iter()
                        .find(|f| &f.cause == cause)
                        .and_then(|f| f.also_clears.as_ref())
                        .filter(|also| !noted && !plan.causes.contains(&also.cause));
                    match also {
                        Some(also) => {
                            noted = true;
                            format!(
                                "{} (and with it {})",
                                short_name(cause),
                                short_name(&also.cause)
                            )
                        }
                        None => short_name(cause).to_owned(),
                    }
                })
                .collect();
            let fixes = join_names(&named.iter().map(String::as_str).collect::<Vec<_>>());
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
        let w = compute(&v, false).unwrap();
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
        let w = compute(&v, false).unwrap();
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
        let w = compute(&v, false).unwrap();
        assert_eq!(
            (w.threshold, w.threshold_source.as_str()),
            (6.0, "stock-default")
        );
        assert_eq!(w.outcome, "not-enough");
        let lower = verdict("rspamd", 12.85, Some(5.0), Vec::new());
        let w = compute(&lower, false).unwrap();
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
        let w = compute(&v, false).unwrap();
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
        let w = compute(&v, false).unwrap();
        assert_eq!(w.outcome, "already-under");
        assert!(w.summary.contains("another reason"));
    }

    #[test]
    fn fixing_dkim_also_lets_dmarc_pass() {
        // DKIM missing and DMARC failing with p=reject: one fix, DKIM, clears both.
        let v = verdict(
            "spamassassin",
            6.2,
            Some(5.0),
            vec![
                rule("DKIM_ADSP_NXDOMAIN", Some(0.9), "dkim", "sender-setup"),
                rule("DMARC_REJECT", Some(1.8), "dmarc", "sender-setup"),
                rule("RDNS_NONE", Some(1.3), "reverse-dns", "sender-setup"),
            ],
        );
        let w = compute(&v, false).unwrap();
        let dkim = w.fixes.iter().find(|f| f.cause == "dkim").unwrap();
        assert_eq!(dkim.points, 2.7);
        assert_eq!(dkim.also_clears.as_ref().unwrap().cause, "dmarc");
        assert_eq!(w.smallest_fix.as_ref().unwrap().causes, ["dkim"]);
        assert!(
            w.summary.starts_with(
                "Fixing DKIM (and with it DMARC) would bring the score from 6.2 to 3.5"
            ),
            "{}",
            w.summary
        );
        // Fixing everything takes the DMARC points off once.
        assert_eq!(w.score_after_all_fixes, 6.2 - 0.9 - 1.8 - 1.3);
        assert_eq!(
            step_scores(&w, &["dkim", "dmarc", "reverse-dns"]),
            [3.5, 3.5, 2.2]
        );
        // SPF clears DMARC only when the envelope sender is in the From domain.
        let spf = verdict(
            "spamassassin",
            6.2,
            Some(5.0),
            vec![
                rule("SPF_FAIL", Some(0.9), "spf", "sender-setup"),
                rule("DMARC_REJECT", Some(1.8), "dmarc", "sender-setup"),
            ],
        );
        let unaligned = compute(&spf, false).unwrap();
        let aligned = compute(&spf, true).unwrap();
        let points = |w: &WhatIf| w.fixes.iter().find(|f| f.cause == "spf").unwrap().points;
        assert_eq!((points(&unaligned), points(&aligned)), (0.9, 2.7));
    }

    /// Brute force over every subset: the fewest fixes that get under the line, and the
    /// most points any set that small takes off.
    fn brute_force(
        candidates: &[Candidate<'_>],
        shared: f64,
        score: f64,
        line: f64,
    ) -> Option<(usize, f64)> {
        let n = candidates.len();
        let mut best: Option<(usize, f64)> = None;
        for mask in 1u32..(1 << n) {
            let set: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
            let taken = value(candidates, &set, shared);
            if score - taken < line - EPSILON {
                let size = set.len();
                best = match best {
                    Some((b, v)) if b < size || (b == size && v >= taken) => Some((b, v)),
                    _ => Some((size, taken)),
                };
            }
        }
        best
    }

    proptest::proptest! {
        /// The smallest set is as small as the smallest subset found by brute force and
        /// takes off as many points as the best subset of that size.
        #[test]
        fn the_smallest_set_matches_brute_force(
            fixes in proptest::collection::vec((1u32..5000, proptest::bool::weighted(0.3)), 0..10),
            shared in 0u32..3000,
            excess in 0u32..20000,
        ) {
            let shared = f64::from(shared) / 1000.0;
            let candidates: Vec<Candidate<'_>> = fixes
                .iter()
                .map(|(points, clears)| Candidate {
                    cause: "c",
                    own: f64::from(*points) / 1000.0,
                    clears_shared: *clears,
                })
                .collect();
            let line = 5.0;
            let score = line + f64::from(excess) / 1000.0;
            let found = smallest_set(score, line, &candidates, shared)
                .map(|set| (set.len(), value(&candidates, &set, shared)));
            let best = brute_force(&candidates, shared, score, line);
            match (found, best) {
                (Some((k, v)), Some((bk, bv))) => {
                    proptest::prop_assert_eq!(k, bk);
                    proptest::prop_assert!((v - bv).abs() < 1e-9, "{} vs {}", v, bv);
                }
                (found, best) => proptest::prop_assert_eq!(found.is_some(), best.is_some()),
            }
        }
    }
}
