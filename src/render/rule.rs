//! `spamwhy explain RULE`: one rule's meaning, cause, default score and fix.

use std::fmt::Write;

use super::escape::terminal_safe;
use crate::knowledge::{self, RuleSet};

use super::wrap;

pub fn explain(name: &str, width: usize) -> String {
    let name = terminal_safe(name);
    let mut out = String::new();
    let spamassassin = knowledge::lookup(RuleSet::SpamAssassin, &name)
        .filter(|info| knowledge::is_in(RuleSet::SpamAssassin, &info.name));
    let rspamd = knowledge::lookup(RuleSet::Rspamd, &name)
        .filter(|info| knowledge::is_in(RuleSet::Rspamd, &info.name));
    let listed: Vec<(&str, &knowledge::RuleInfo)> = [
        ("SpamAssassin rule", spamassassin),
        ("Rspamd symbol", rspamd),
    ]
    .into_iter()
    .filter_map(|(kind, info)| info.map(|i| (kind, i)))
    .collect();
    if listed.is_empty()
        && let Some(t) = knowledge::microsoft::translate_rule(&name)
    {
        let _ = writeln!(out, "{name}");
        let _ = writeln!(
            out,
            "{}",
            wrap(
                &format!(
                    "Microsoft 365 header field ({}): {}",
                    t.status.id(),
                    t.meaning
                ),
                "  ",
                width
            )
        );
        if let Some(cause) = t.cause.map(knowledge::cause) {
            write_cause(&mut out, cause, width, false);
        }
        return out;
    }
    let vendors = if listed.is_empty() {
        knowledge::vendor_rules_named(&name)
    } else {
        Vec::new()
    };
    let class = if listed.is_empty() && vendors.is_empty() {
        Some(knowledge::classify(RuleSet::SpamAssassin, &name))
    } else {
        None
    };
    let _ = writeln!(out, "{name}");
    for (kind, info) in &listed {
        let _ = writeln!(
            out,
            "{}",
            wrap(&format!("{kind}: {}", info.meaning), "  ", width)
        );
        let mut facts = Vec::new();
        if let Some(score) = &info.default_score {
            facts.push(format!("default score {score}"));
        }
        if let Some(kind) = &info.kind {
            facts.push(kind.clone());
        }
        if !facts.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                wrap(&format!("({})", facts.join("; ")), "  ", width)
            );
        }
    }
    for rule in &vendors {
        let source = if rule.documented {
            "as the vendor documents it"
        } else {
            "inferred by this tool"
        };
        let _ = writeln!(
            out,
            "{}",
            wrap(
                &format!(
                    "{} signal: {} ({source})",
                    super::filter_name(&rule.filter),
                    rule.info.meaning
                ),
                "  ",
                width
            )
        );
    }
    let cause = match (listed.first(), &class) {
        (None, _) if !vendors.is_empty() => knowledge::cause(&vendors[0].info.cause),
        (Some((_, info)), _) => knowledge::cause(&info.cause),
        (None, Some(class)) => {
            let _ = writeln!(
                out,
                "{}",
                wrap(
                    "Not in this tool's rule tables; classified by its name.",
                    "  ",
                    width
                )
            );
            class.cause
        }
        (None, None) => knowledge::cause("unknown"),
    };
    write_cause(&mut out, cause, width, true);
    out
}

/// The cause a rule points to, whose it is to fix, and the fix; with `full`, also its
/// checklist section and what it means.
fn write_cause(out: &mut String, cause: &knowledge::Cause, width: usize, full: bool) {
    let fault = crate::diagnose::rule_fault(cause.fault, &cause.id, None);
    let line = |text: String| wrap(&text, "  ", width);
    let _ = writeln!(
        out,
        "{}",
        line(format!(
            "Cause: {} ({}); whose to fix: {}",
            cause.title,
            cause.id,
            fault.id()
        ))
    );
    if full {
        if !cause.checklist_section.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                line(format!("Checklist section: {}", cause.checklist_section))
            );
        }
        let _ = writeln!(
            out,
            "{}",
            line(format!("What it means: {}", cause.explanation.trim()))
        );
    }
    let _ = writeln!(out, "{}", line(format!("Fix: {}", cause.fix.trim())));
}
