//! Text for the offline re-verification: one line per check with its reason, the record
//! checks, and where the recipient's results differ.

use std::fmt::Write;

use super::escape::terminal_safe;
use crate::report::{SpfCheck, Verification};

fn line(out: &mut String, label: &str, result: &str, reason: &str) {
    let _ = writeln!(out, "  {label:<10} {result:<10} {}", terminal_safe(reason));
}

/// The SPF result alone (`spamwhy verify spf`).
pub fn spf(spf: &SpfCheck) -> String {
    let mut out = String::new();
    line(&mut out, "SPF", &spf.result, &spf.reason);
    if let Some(record) = &spf.record {
        let _ = writeln!(out, "  {:<10} {}", "record", terminal_safe(record));
    }
    if let Some(helo) = &spf.helo {
        line(&mut out, "SPF HELO", &helo.result, &helo.reason);
    }
    out
}

/// Which parts to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    All,
    Dkim,
    Dmarc,
    Arc,
}

pub fn render(verification: &Verification, part: Part) -> String {
    let mut out = format!(
        "Re-verified offline from {}\n",
        terminal_safe(&verification.dns)
    );
    if part == Part::All
        && let Some(check) = &verification.spf
    {
        out.push_str(&spf(check));
    }
    if matches!(part, Part::All | Part::Dkim) {
        if verification.dkim.is_empty() {
            line(
                &mut out,
                "DKIM",
                "none",
                "the message has no DKIM signature",
            );
        }
        for dkim in &verification.dkim {
            let label = format!("DKIM {}", dkim.d.as_deref().unwrap_or("?"));
            line(&mut out, &label, &dkim.result, &dkim.reason);
        }
    }
    if matches!(part, Part::All | Part::Dmarc) {
        match &verification.dmarc {
            Some(dmarc) => line(&mut out, "DMARC", &dmarc.result, &dmarc.reason),
            None => line(
                &mut out,
                "DMARC",
                "none",
                "the message has no usable From address",
            ),
        }
    }
    if matches!(part, Part::All | Part::Arc) {
        match &verification.arc {
            Some(arc) => line(&mut out, "ARC", &arc.result, &arc.reason),
            None => line(
                &mut out,
                "ARC",
                "none",
                "the message carries no ARC headers",
            ),
        }
    }
    if part == Part::All {
        if let Some(iprev) = &verification.iprev {
            line(&mut out, "iprev", &iprev.result, &iprev.reason);
        }
        if !verification.records.is_empty() {
            let _ = writeln!(out, "\n  Records");
            for record in &verification.records {
                let _ = writeln!(
                    out,
                    "  {:<5} {:<14} {}: {}",
                    record.result,
                    record.check,
                    terminal_safe(&record.name),
                    terminal_safe(&record.detail)
                );
            }
        }
        let differing: Vec<_> = verification
            .comparisons
            .iter()
            .filter(|c| !c.agree)
            .collect();
        if !differing.is_empty() {
            let _ = writeln!(out, "\n  Different from what the recipient recorded");
            for c in differing {
                let _ = writeln!(
                    out,
                    "  {}: recipient said {}, now {}: {}",
                    c.method,
                    c.recorded,
                    c.recomputed,
                    terminal_safe(&c.explanation)
                );
            }
        }
    }
    if !verification.assumed_nonexistent.is_empty() {
        let _ = writeln!(
            out,
            "\n  Not in the recorded DNS, treated as absent: {}",
            terminal_safe(&verification.assumed_nonexistent.join(", "))
        );
    }
    out
}
