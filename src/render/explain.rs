//! `--format explain`: plain text for someone who has never heard of SPF.

use std::fmt::Write;

use super::escape::terminal_safe;
use super::narrative::{Item, RecordText, tell};
use crate::report::Report;

pub fn render(report: &Report, width: usize) -> String {
    let story = tell(report);
    let mut out = String::new();
    let wrap = |text: &str, indent: &str| super::wrap(text, indent, width);
    let _ = writeln!(out, "{}", wrap(&format!("About {}", report.source), ""));
    if let Some(subject) = &report.message.subject {
        let _ = writeln!(out, "{}", wrap(&format!("(subject: \"{subject}\")"), ""));
    }
    let _ = writeln!(
        out,
        "\nWas it treated as spam?\n{}",
        wrap(&story.headline, "  ")
    );

    if !story.what_if.is_empty() {
        let _ = writeln!(out, "\nWhat fixing would change");
        for line in &story.what_if {
            let _ = writeln!(out, "{}", wrap(&format!("- {line}"), "  "));
        }
    }
    if !story.problems.is_empty() {
        let _ = writeln!(out, "\nWhat to fix, most important first");
        for (n, item) in story.problems.iter().enumerate() {
            numbered(&mut out, n + 1, item, &wrap);
        }
    }
    if !story.receiver.is_empty() {
        let _ = writeln!(
            out,
            "\nNot the sender's doing (the recipient's own systems)"
        );
        for item in &story.receiver {
            let _ = writeln!(
                out,
                "{}",
                wrap(&format!("- {}: {}", item.title, item.explanation), "  ")
            );
        }
    }
    if !story.helped.is_empty() {
        let _ = writeln!(out, "\nWhat lowered the score");
        for line in &story.helped {
            let _ = writeln!(out, "{}", wrap(&format!("- {line}"), "  "));
        }
    }
    if !story.unrecognised.is_empty() {
        let _ = writeln!(out, "\nRules this tool does not recognise");
        let _ = writeln!(
            out,
            "{}",
            wrap(
                &format!(
                    "{} (their points still count; the recipient's mail administrator can say what they check)",
                    story.unrecognised.join(", ")
                ),
                "  "
            )
        );
    }
    if !story.passed.is_empty() {
        let _ = writeln!(out, "\nWhat is already right");
        for passed in &story.passed {
            let _ = writeln!(out, "{}", wrap(&format!("- {passed}"), "  "));
        }
    }
    out
}

fn numbered(out: &mut String, n: usize, item: &Item, wrap: &impl Fn(&str, &str) -> String) {
    let mut title = format!("{n}. {}", item.title);
    if let Some(cost) = &item.cost {
        let _ = write!(title, " ({cost})");
    }
    let _ = writeln!(out, "\n{}", wrap(&title, "  "));
    let _ = writeln!(
        out,
        "{}",
        wrap(&format!("What it means: {}", item.explanation), "     ")
    );
    if !item.seen.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            wrap(
                &format!("Seen in the message: {}.", item.seen.join("; ")),
                "     "
            )
        );
    }
    if !item.rules.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            wrap(
                &format!("Filter rules behind it: {}", item.rules.join(" ")),
                "     "
            )
        );
    }
    let _ = writeln!(
        out,
        "{}",
        wrap(&format!("What to do: {}", item.fix), "     ")
    );
    for line in &item.what_if {
        let _ = writeln!(out, "{}", wrap(&format!("{line}."), "     "));
    }
    for record in &item.records {
        record_text(out, record, wrap);
    }
    let _ = writeln!(
        out,
        "{}",
        wrap(
            &format!(
                "What to ask your mail administrator or provider: \"{}\"",
                item.ask
            ),
            "     "
        )
    );
}

/// A record to publish: the value alone on its line (never wrapped, so it can be copied),
/// then where it goes, why, and what to replace.
pub fn record_text(out: &mut String, record: &RecordText, wrap: &impl Fn(&str, &str) -> String) {
    let _ = writeln!(
        out,
        "{}",
        wrap(&format!("Record to publish: {}", record.heading), "     ")
    );
    let _ = writeln!(out, "         {}", terminal_safe(&record.value));
    let _ = writeln!(out, "{}", wrap(&record.place, "       "));
    let _ = writeln!(out, "{}", wrap(&format!("Why: {}", record.why), "       "));
    for placeholder in &record.placeholders {
        let _ = writeln!(
            out,
            "{}",
            wrap(&format!("To adapt: {placeholder}."), "       ")
        );
    }
    for note in &record.notes {
        let _ = writeln!(out, "{}", wrap(&format!("Note: {note}"), "       "));
    }
}
