//! What it means: every rule mapped to a cause of the checklist, causes ranked by what they
//! cost, authentication results and the message's own checks turned into findings, each with
//! its evidence, explanation and fix.
//!
//! Ranking: a cause's cost is the net points of its rules in one verdict as a share of that
//! verdict's threshold (so a 2-point cause under SpamAssassin's 5 outweighs a 3-point one
//! under Rspamd's 15); the verdict where it weighs most gives its `points`. Sender problems
//! come first by cost, then by confidence; then what the recipient's side caused; then what
//! lowered the score.

mod authentication;
pub mod fix_records;
mod rules;
mod verification;
pub mod what_if;

use std::collections::BTreeMap;

pub use rules::{default_threshold, rule_fault, stock_threshold};

use crate::audit::{Confidence, Observation};
use crate::knowledge::{self, Fault};
use crate::report::{Evidence, Finding, FindingRule, Passed, Report, Side};

/// Everything known about one cause while the findings are built.
#[derive(Default)]
struct CauseTally {
    /// Net points per verdict index.
    points_by_verdict: BTreeMap<usize, f64>,
    rules: Vec<FindingRule>,
    evidence: Vec<Evidence>,
    problem: bool,
    /// The most certain problem observation (rules not counted).
    problem_confidence: Option<Confidence>,
    passed: Vec<Evidence>,
    confidence: Option<Confidence>,
}

/// Adds rule diagnoses, `findings` and `passed` to a report. `observations` come from the
/// audit of the message.
pub fn diagnose(report: &mut Report, observations: Vec<Observation>) {
    let spf_aligned = crate::audit::envelope_aligned(report) == Some(true);
    for verdict in &mut report.verdicts {
        rules::annotate(verdict);
        verdict.what_if = what_if::compute(verdict, spf_aligned);
    }

    let mut tallies: BTreeMap<String, CauseTally> = BTreeMap::new();
    for (index, verdict) in report.verdicts.iter().enumerate() {
        let header = verdict.headers.first().cloned().unwrap_or_default();
        // Filters without points per rule (Microsoft) state reasons: one that points to the
        // sender is a problem by itself.
        let reasons_only = !knowledge::rule_set_for(&verdict.filter).has_points();
        let whose = side_phrase(verdict.side);
        for rule in &verdict.rules {
            let Some(diagnosis) = &rule.diagnosis else {
                continue;
            };
            // A gateway's informational signal (an internal helper test, a fact other checks
            // use) that added nothing is not evidence of any cause.
            if rule.points.is_none_or(|p| p == 0.0)
                && diagnosis.fault != "receiver"
                && knowledge::vendor_rule(&verdict.filter, &rule.name)
                    .is_some_and(|r| r.info.kind.as_deref() == Some("info"))
            {
                continue;
            }
            let tally = tallies.entry(diagnosis.cause.clone()).or_default();
            *tally.points_by_verdict.entry(index).or_default() += rule.points.unwrap_or(0.0);
            // What the sender's own outbound filter said is only a hint about the recipient.
            let confidence = if verdict.side == Side::Sender {
                Confidence::Low
            } else if diagnosis.inferred || verdict.side != Side::Recipient {
                Confidence::Medium
            } else {
                Confidence::High
            };
            tally.confidence = tally.confidence.max(Some(confidence));
            // A reason without points (Microsoft's facts; a gateway signal the knowledge table
            // calls a problem on its own) counts as a problem when it points to the sender.
            let stated_problem = reasons_only
                || (rule.points.is_none()
                    && knowledge::vendor_rule(&verdict.filter, &rule.name)
                        .is_some_and(|r| r.problem));
            if stated_problem && diagnosis.fault.starts_with("sender") {
                tally.problem = true;
                tally.problem_confidence = tally.problem_confidence.max(Some(confidence));
            }
            let meaning = diagnosis
                .meaning
                .as_ref()
                .map(|m| whose.map_or_else(|| m.clone(), |w| format!("{w}: {m}")));
            tally.rules.push(FindingRule {
                filter: verdict.filter.clone(),
                name: rule.name.clone(),
                points: rule.points,
                meaning: meaning.clone(),
            });
            tally.evidence.push(Evidence {
                header: header.clone(),
                value: rule_text(&rule.name, rule.points, &rule.options),
                line: None,
                note: meaning.or_else(|| rule.description.clone()),
            });
        }
    }

    let mut observations = observations;
    observations.extend(authentication::observe(&report.authentication));
    if let Some(checked) = &report.verification {
        observations.extend(verification::observe(checked));
    }
    for observation in observations {
        let tally = tallies.entry(observation.cause.to_owned()).or_default();
        if observation.passed {
            tally.passed.push(observation.evidence);
        } else {
            tally.problem = true;
            tally.problem_confidence = tally.problem_confidence.max(Some(observation.confidence));
            tally.confidence = tally.confidence.max(Some(observation.confidence));
            tally.evidence.push(observation.evidence);
        }
    }

    let placeholders = Placeholders::from_report(report);
    let mut findings = Vec::new();
    let mut passed = Vec::new();
    for (cause_id, tally) in tallies {
        let cause = knowledge::cause(&cause_id);
        let weighted = tally.points_by_verdict.iter().map(|(&index, &points)| {
            let verdict = &report.verdicts[index];
            let threshold = verdict
                .threshold
                .filter(|t| *t > 0.0)
                .unwrap_or_else(|| default_threshold(&verdict.filter));
            (points, points / threshold, verdict.filter.clone())
        });
        let heaviest = weighted.max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
        let net = heaviest.as_ref().map_or(0.0, |h| h.0);
        // A passed check outweighs a guess from the message's own headers.
        let guessed_only =
            tally.problem_confidence == Some(Confidence::Low) && !tally.passed.is_empty();
        let costs = net > 0.0 || (tally.problem && !guessed_only);
        let kind = match cause.fault {
            Fault::Receiver => Some(Fault::Receiver),
            Fault::None if !tally.rules.is_empty() => Some(Fault::None),
            _ if costs => Some(cause.fault),
            _ if net < 0.0 => Some(Fault::None),
            _ => None,
        };
        let Some(fault) = kind else {
            if !tally.passed.is_empty()
                && let Some(text) = &cause.passed
            {
                passed.push(Passed {
                    cause: cause.id.clone(),
                    description: text.clone(),
                    evidence: tally.passed,
                });
            }
            continue;
        };
        if fault == Fault::None
            && !tally.passed.is_empty()
            && let Some(text) = &cause.passed
        {
            passed.push(Passed {
                cause: cause.id.clone(),
                description: text.clone(),
                evidence: tally.passed.clone(),
            });
        }
        findings.push(Finding {
            cause: cause.id.clone(),
            title: cause.title.clone(),
            fault: fault.id().to_owned(),
            points: round(net),
            filter: heaviest.as_ref().map(|h| h.2.clone()),
            share_of_threshold: heaviest.as_ref().map(|h| round(h.1)),
            confidence: tally
                .confidence
                .unwrap_or(Confidence::Medium)
                .id()
                .to_owned(),
            rules: tally.rules,
            evidence: tally.evidence,
            explanation: cause.explanation.trim().to_owned(),
            fix: cause.fix.trim().to_owned(),
            ask: placeholders.fill(cause.ask.trim()),
            checklist_section: (!cause.checklist_section.is_empty())
                .then(|| cause.checklist_section.clone()),
        });
    }
    findings.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(
                b.share_of_threshold
                    .unwrap_or(0.0)
                    .total_cmp(&a.share_of_threshold.unwrap_or(0.0)),
            )
            .then(confidence_rank(&b.confidence).cmp(&confidence_rank(&a.confidence)))
            // At equal cost, a reason a filter stated (Microsoft's, which carry no points)
            // before one only the message's own checks show.
            .then(b.rules.is_empty().cmp(&a.rules.is_empty()).reverse())
    });
    report.findings = findings;
    report.passed = passed;
}

/// Who wrote a verdict, said before its rules' meanings when it was not the recipient.
fn side_phrase(side: Side) -> Option<&'static str> {
    match side {
        Side::Recipient => None,
        Side::Sender => Some("said by the sender's own outgoing filter"),
        Side::Unknown => Some("said by a filter on the way, not the recipient's"),
    }
}

/// Sender problems first, then the receiver's, then what helped.
fn rank(finding: &Finding) -> u8 {
    match finding.fault.as_str() {
        "receiver" => 1,
        "none" => 2,
        _ => 0,
    }
}

fn confidence_rank(confidence: &str) -> u8 {
    match confidence {
        "high" => 2,
        "medium" => 1,
        _ => 0,
    }
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// A rule as filters write it: `NAME(points)[options]`.
fn rule_text(name: &str, points: Option<f64>, options: &[String]) -> String {
    let mut text = name.to_owned();
    if let Some(points) = points {
        text.push_str(&format!("({points})"));
    }
    if !options.is_empty() {
        text.push_str(&format!("[{}]", options.join(",")));
    }
    text
}

/// Values from the message for the `{ip}`, `{helo}`, `{rdns}`, `{domain}` placeholders in a
/// cause's request text; generic words where the message does not say.
struct Placeholders {
    ip: String,
    helo: String,
    rdns: String,
    domain: String,
}

impl Placeholders {
    fn from_report(report: &Report) -> Self {
        let sender = report.sender.as_ref();
        Placeholders {
            ip: sender
                .and_then(|s| s.ip.clone())
                .unwrap_or_else(|| "our sending server's address".to_owned()),
            helo: sender
                .and_then(|s| s.helo.clone())
                .unwrap_or_else(|| "our server's name".to_owned()),
            rdns: sender
                .and_then(|s| s.rdns.clone())
                .unwrap_or_else(|| "its reverse DNS name".to_owned()),
            domain: report
                .message
                .from
                .as_deref()
                .and_then(crate::audit::address_domain)
                .unwrap_or_else(|| "our domain".to_owned()),
        }
    }

    fn fill(&self, text: &str) -> String {
        text.replace("{ip}", &self.ip)
            .replace("{helo}", &self.helo)
            .replace("{rdns}", &self.rdns)
            .replace("{domain}", &self.domain)
    }
}
