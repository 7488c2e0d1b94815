//! `--format markdown`: the explanation, to paste into a ticket or an email.

use std::fmt::Write;

use super::narrative::tell;
use super::{filter_name, format_points};
use crate::report::{Report, Side, Verdict};

/// Markdown-escapes text from the message or the tables so it cannot break the layout.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The filter's name, and whose it is when it is not the recipient's.
fn title(verdict: &Verdict) -> String {
    let name = filter_name(&verdict.filter);
    match (verdict.side, verdict.via.as_deref()) {
        (Side::Recipient, _) => name.to_owned(),
        (Side::Sender, Some("intra-organisation")) => {
            format!("{name} (inside the sender's own organisation)")
        }
        (Side::Sender, _) => format!("{name} (the sender's own outgoing filter)"),
        (Side::Unknown, _) => format!("{name} (a filter on the way, not the recipient's)"),
    }
}

/// A fenced code block that the text cannot close: the fence is longer than any run of
/// backticks inside, and control characters become spaces.
fn code_block(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}\n{text}\n{fence}")
}

pub fn render(report: &Report) -> String {
    let story = tell(report);
    let mut out = String::new();
    let subject = report.message.subject.as_deref().unwrap_or("(no subject)");
    let _ = writeln!(out, "# Why this message was flagged: {}\n", md(subject));
    let _ = writeln!(out, "{}\n", md(&story.headline));
    if !story.what_if.is_empty() {
        let _ = writeln!(out, "## What fixing would change\n");
        for line in &story.what_if {
            let _ = writeln!(out, "- {}", md(line));
        }
        out.push('\n');
    }

    if !story.problems.is_empty() {
        let _ = writeln!(out, "## What to fix, most important first\n");
        for (n, item) in story.problems.iter().enumerate() {
            let cost = item
                .cost
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            let _ = writeln!(out, "### {}. {}{}\n", n + 1, md(&item.title), md(&cost));
            let _ = writeln!(out, "{}\n", md(&item.explanation));
            for seen in &item.seen {
                let _ = writeln!(out, "- Seen in the message: {}", md(seen));
            }
            for rule in &item.rules {
                let _ = writeln!(out, "- Filter rule {}", md(rule));
            }
            if !item.seen.is_empty() || !item.rules.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "**What to do:** {}\n", md(&item.fix));
            for line in &item.what_if {
                let _ = writeln!(out, "*What if:* {}.\n", md(line));
            }
            for record in &item.records {
                let _ = writeln!(out, "**Record to publish:** {}\n", md(&record.heading));
                let _ = writeln!(out, "{}\n", code_block(&record.value));
                let _ = writeln!(out, "{}\n", md(&record.place));
                let _ = writeln!(out, "Why: {}\n", md(&record.why));
                for placeholder in &record.placeholders {
                    let _ = writeln!(out, "- To adapt: {}.", md(placeholder));
                }
                for note in &record.notes {
                    let _ = writeln!(out, "- Note: {}", md(note));
                }
                if !record.placeholders.is_empty() || !record.notes.is_empty() {
                    out.push('\n');
                }
            }
            let _ = writeln!(out, "> {}\n", md(&item.ask));
        }
    }
    if !story.receiver.is_empty() {
        let _ = writeln!(out, "## Not the sender's doing\n");
        for item in &story.receiver {
            let _ = writeln!(out, "- **{}**: {}", md(&item.title), md(&item.explanation));
        }
        out.push('\n');
    }
    if !story.helped.is_empty() {
        let _ = writeln!(out, "## What lowered the score\n");
        for line in &story.helped {
            let _ = writeln!(out, "- {}", md(line));
        }
        out.push('\n');
    }
    if !story.unrecognised.is_empty() {
        let _ = writeln!(out, "## Rules this tool does not recognise\n");
        let _ = writeln!(out, "{}\n", md(&story.unrecognised.join(", ")));
    }
    if !story.passed.is_empty() {
        let _ = writeln!(out, "## What is already right\n");
        for passed in &story.passed {
            let _ = writeln!(out, "- {}", md(passed));
        }
        out.push('\n');
    }
    for verdict in report.verdicts.iter().filter(|v| !v.rules.is_empty()) {
        let _ = writeln!(out, "## {} rules\n", md(&title(verdict)));
        // Microsoft states reasons without points: no column of question marks.
        let scored = verdict.rules.iter().any(|r| r.points.is_some());
        if scored {
            let _ = writeln!(
                out,
                "| Points | Rule | Cause | Meaning |\n|---:|---|---|---|"
            );
        } else {
            let _ = writeln!(out, "| Rule | Cause | Meaning |\n|---|---|---|");
        }
        for rule in &verdict.rules {
            let (cause, meaning) = rule.diagnosis.as_ref().map_or(("", ""), |d| {
                (d.cause.as_str(), d.meaning.as_deref().unwrap_or(""))
            });
            if scored {
                let _ = write!(
                    out,
                    "| {} ",
                    rule.points.map_or_else(|| "?".to_owned(), format_points)
                );
            }
            let _ = writeln!(out, "| {} | {} | {} |", md(&rule.name), cause, md(meaning));
        }
        out.push('\n');
    }
    for verdict in &report.verdicts {
        if !verdict.details.iter().any(|d| d.status.is_some()) {
            continue;
        }
        let _ = writeln!(out, "## {} fields\n", md(&title(verdict)));
        let _ = writeln!(
            out,
            "| Field | Value | Meaning | Source |\n|---|---|---|---|"
        );
        for detail in &verdict.details {
            let mut value: String = detail.value.chars().take(60).collect();
            if detail.value.chars().count() > 60 {
                value.push_str("...");
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&detail.name),
                if value.is_empty() {
                    "(empty)".to_owned()
                } else {
                    md(&value)
                },
                md(detail.meaning.as_deref().unwrap_or("")),
                detail.status.as_deref().unwrap_or("")
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "_Source: {}_", md(&report.source));
    out
}

#[cfg(test)]
mod tests {
    use super::code_block;

    #[test]
    fn code_blocks_cannot_be_closed_from_inside() {
        assert_eq!(code_block("v=spf1 -all"), "```\nv=spf1 -all\n```");
        assert_eq!(code_block("a```b\nc"), "````\na```b c\n````");
    }
}
