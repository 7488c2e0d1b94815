//! Each rule of each verdict gets its cause, fault and meaning from the knowledge tables.

use crate::knowledge::{self, Fault, RuleSet};
use crate::report::{RuleDiagnosis, Verdict};

/// Fills `diagnosis` on every rule of the verdict.
pub fn annotate(verdict: &mut Verdict) {
    let rule_set = knowledge::rule_set_for(&verdict.filter);
    for rule in &mut verdict.rules {
        let class = knowledge::classify_vendor(&verdict.filter, &rule.name)
            .unwrap_or_else(|| knowledge::classify(rule_set, &rule.name));
        let fault = rule_fault(class.cause.fault, class.cause.id.as_str(), rule.points);
        // Microsoft's facts: the meaning has the value filled in, and a meaning Microsoft
        // does not document is an inference.
        let (meaning, inferred) = match knowledge::microsoft::translate_rule(&rule.name) {
            Some(t) if rule_set == RuleSet::Microsoft => (
                Some(t.meaning),
                class.inferred || t.status != knowledge::microsoft::Status::Documented,
            ),
            _ => (class.info.map(|info| info.meaning.clone()), class.inferred),
        };
        rule.diagnosis = Some(RuleDiagnosis {
            cause: class.cause.id.clone(),
            fault: fault.id().to_owned(),
            inferred,
            meaning,
            default_score: class.info.and_then(|info| info.default_score.clone()),
        });
    }
}

/// A rule that lowered the score is nobody's fault, whatever its topic; a receiver-side rule
/// is always the receiver's.
pub fn rule_fault(cause_fault: Fault, cause: &str, points: Option<f64>) -> Fault {
    if cause == "receiver-side" {
        Fault::Receiver
    } else if points.is_some_and(|p| p < 0.0) {
        Fault::None
    } else {
        cause_fault
    }
}

/// The line a filter flags at in its stock set-up, for the filters that score in points
/// against one; `None` for filters whose score is on a scale of their own (a probability, a
/// reputation) or that give no score. Vade's points are measured against OVHcloud's spam
/// score of 300; Microsoft's spam confidence level flags from 5.
pub fn stock_threshold(filter: &str) -> Option<f64> {
    match filter {
        "spamassassin" | "stalwart" | "microsoft" => Some(5.0),
        "rspamd" => Some(15.0),
        "vade" => Some(300.0),
        _ => None,
    }
}

/// The threshold a filter's score is measured against, when the headers give none: its
/// stock line, else 1 for Sophos (its rule weights look like fractions of 1) and 5 for the
/// rest.
pub fn default_threshold(filter: &str) -> f64 {
    stock_threshold(filter).unwrap_or(if filter == "sophos" { 1.0 } else { 5.0 })
}
