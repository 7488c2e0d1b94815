//! Text for people: a verdict line per filter first, then tables of rules, authentication
//! results and the path the message took. Colour only when asked for (the binary decides
//! from the terminal and `NO_COLOR`); every message value goes through
//! [`terminal_safe`](super::escape::terminal_safe).

use std::fmt::Write;

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::escape::terminal_safe;
use super::narrative::points_suffix;
use super::{filter_name, format_points, score_phrase, side_label};
use crate::report::{AuthenticationEntry, Hop, Report, Side, Verdict};

#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub color: bool,
    /// Show the rule, authentication and path tables after the diagnosis.
    pub detail: bool,
    /// Table width in columns.
    pub width: u16,
}

fn safe(value: &str) -> String {
    terminal_safe(value).into_owned()
}

fn opt(value: Option<&str>) -> String {
    value.map_or_else(|| "-".to_owned(), safe)
}

fn points(value: Option<f64>) -> String {
    value.map_or_else(|| "?".to_owned(), format_points)
}

fn paint(text: String, color: Color, options: TextOptions) -> Cell {
    let cell = Cell::new(text);
    if options.color { cell.fg(color) } else { cell }
}

fn bold(text: &str, options: TextOptions) -> String {
    if options.color {
        format!("\x1b[1m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn table(options: TextOptions, header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(options.width)
        .set_header(header.iter().map(Cell::new));
    if options.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

pub fn render(report: &Report, options: TextOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", bold(&safe(&report.source), options));
    summary(&mut out, report);
    if report.verdicts.is_empty() {
        let _ = writeln!(out, "  No spam-filter verdict headers in this message.");
    }
    for verdict in &report.verdicts {
        let _ = writeln!(out, "  {}", verdict_line(verdict, options));
    }
    let story = super::narrative::tell(report);
    for line in &story.what_if {
        let _ = writeln!(
            out,
            "{}",
            wrap(&format!("What if: {line}"), "  ", options.width)
        );
    }
    findings(&mut out, report, options);
    super::fixes::records_text(&mut out, report, options.width);
    if let Some(verification) = &report.verification {
        let _ = write!(
            out,
            "\n{}",
            super::verification::render(verification, super::verification::Part::All)
        );
    }
    if options.detail {
        for verdict in report.verdicts.iter().filter(|v| !v.rules.is_empty()) {
            let _ = writeln!(out, "\n{} rules", verdict_title(verdict));
            let _ = writeln!(out, "{}", rules_table(verdict, options));
        }
        for verdict in &report.verdicts {
            if verdict.details.iter().any(|d| d.status.is_some()) {
                let _ = writeln!(out, "\n{} fields", verdict_title(verdict));
                let _ = writeln!(out, "{}", fields_table(verdict, options));
            }
        }
        if !report.authentication.is_empty() {
            let _ = writeln!(out, "\nAuthentication");
            let _ = writeln!(out, "{}", auth_table(&report.authentication, options));
        }
        if !report.hops.is_empty() {
            let _ = writeln!(out, "\nPath (newest hop first)");
            let _ = writeln!(out, "{}", hops_table(&report.hops, options));
        }
    } else {
        let _ = writeln!(
            out,
            "\n(--detail shows every rule, the authentication results and the path)"
        );
    }
    if !report.unrecognised_headers.is_empty() {
        let _ = writeln!(out, "\nSpam-related headers not interpreted");
        for header in &report.unrecognised_headers {
            let _ = writeln!(out, "  {}: {}", safe(&header.name), safe(&header.value));
        }
    }
    let errors: Vec<_> = report
        .errors
        .iter()
        .chain(report.verdicts.iter().flat_map(|v| &v.errors))
        .collect();
    if !errors.is_empty() {
        let _ = writeln!(out, "\nHeaders that could not be read");
        for error in errors {
            let _ = writeln!(
                out,
                "  line {}: {}: {}",
                error.line,
                safe(&error.header),
                safe(&error.problem)
            );
        }
    }
    out
}

pub(super) fn wrap(text: &str, indent: &str, width: u16) -> String {
    super::wrap(text, indent, usize::from(width))
}

/// The ranked causes: what the sender can fix, then the recipient's own noise, then what
/// helped, then what is already right.
fn findings(out: &mut String, report: &Report, options: TextOptions) {
    let groups = [
        ("What to fix, ranked by what it cost", true),
        ("Not the sender's doing (recipient side)", false),
    ];
    for (heading, sender) in groups {
        let items: Vec<_> = report
            .findings
            .iter()
            .filter(|f| {
                f.fault.starts_with("sender") == sender && (sender || f.fault == "receiver")
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", bold(heading, options));
        for (n, finding) in items.iter().enumerate() {
            let points = if finding.points == 0.0 {
                String::new()
            } else {
                format!(
                    " [{}]",
                    points_suffix(Some(finding.points))
                        .trim()
                        .trim_matches(['(', ')'])
                )
            };
            let _ = writeln!(
                out,
                "{}",
                wrap(
                    &format!(
                        "{}. {}{} ({}, {})",
                        n + 1,
                        finding.title,
                        points,
                        finding.cause,
                        finding.confidence
                    ),
                    "  ",
                    options.width
                )
            );
            if !finding.rules.is_empty() {
                let rules: Vec<String> = finding
                    .rules
                    .iter()
                    .map(|r| format!("{}{}", r.name, points_suffix(r.points)))
                    .collect();
                let _ = writeln!(
                    out,
                    "{}",
                    wrap(
                        &format!("Rules: {}", rules.join(", ")),
                        "       ",
                        options.width
                    )
                );
            }
            let mut notes: Vec<&str> = finding
                .evidence
                .iter()
                .filter(|e| !super::narrative::is_filter_header(report, &e.header))
                .filter_map(|e| e.note.as_deref())
                .collect();
            notes.dedup();
            if !notes.is_empty() {
                let _ = writeln!(
                    out,
                    "{}",
                    wrap(
                        &format!("Seen: {}", notes.join("; ")),
                        "       ",
                        options.width
                    )
                );
            }
            if sender {
                let _ = writeln!(
                    out,
                    "{}",
                    wrap(&format!("Fix: {}", finding.fix), "       ", options.width)
                );
                for line in super::narrative::fix_alone(report, &finding.cause) {
                    let _ = writeln!(
                        out,
                        "{}",
                        wrap(&format!("What if: {line}."), "       ", options.width)
                    );
                }
            }
        }
    }
    let story = super::narrative::tell(report);
    if !story.helped.is_empty() {
        let _ = writeln!(out, "\n{}", bold("Lowered the score", options));
        for line in &story.helped {
            let _ = writeln!(out, "{}", wrap(&format!("- {line}"), "  ", options.width));
        }
    }
    if !story.unrecognised.is_empty() {
        let _ = writeln!(out, "\n{}", bold("Rules not recognised", options));
        let _ = writeln!(
            out,
            "{}",
            wrap(&story.unrecognised.join(", "), "  ", options.width)
        );
    }
    if !report.passed.is_empty() {
        let _ = writeln!(out, "\n{}", bold("Already right", options));
        for passed in &report.passed {
            let _ = writeln!(
                out,
                "{}",
                wrap(&format!("- {}", passed.description), "  ", options.width)
            );
        }
    }
}

fn summary(out: &mut String, report: &Report) {
    let message = &report.message;
    let _ = writeln!(out, "  Subject: {}", opt(message.subject.as_deref()));
    let _ = writeln!(
        out,
        "  From:    {}   To: {}",
        opt(message.from.as_deref()),
        opt(message.to.as_deref())
    );
    if let Some(date) = &message.date {
        let _ = writeln!(out, "  Date:    {}", safe(date));
    }
    match &report.sender {
        Some(sender) if sender.rdns.is_none() && sender.helo.is_none() => {
            let _ = writeln!(
                out,
                "  Sent by: {} (the hop recorded no names), received at hop {}",
                opt(sender.ip.as_deref()),
                sender.hop_index
            );
        }
        Some(sender) => {
            let _ = writeln!(
                out,
                "  Sent by: {} (reverse DNS {}, HELO {}), received at hop {}",
                opt(sender.ip.as_deref()),
                opt(sender.rdns.as_deref()),
                opt(sender.helo.as_deref()),
                sender.hop_index
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  Sent by: unknown (no Received hop shows where it entered)"
            );
        }
    }
}

/// The filter's name, and whose it is when it is not the recipient's.
fn verdict_title(verdict: &Verdict) -> String {
    let name = filter_name(&verdict.filter);
    match verdict.side {
        Side::Recipient => name.to_owned(),
        Side::Sender if verdict.via.as_deref() == Some("intra-organisation") => {
            format!("{name} (inside the sender's own organisation)")
        }
        Side::Sender => format!("{name} (the sender's own outgoing filter)"),
        Side::Unknown => format!("{name} (a filter on the way, not the recipient's)"),
    }
}

/// Microsoft states a spam confidence level and where the mailbox put the message.
fn microsoft_line(verdict: &Verdict, options: TextOptions) -> String {
    let mut line = format!("{}: ", verdict_title(verdict));
    let word = match verdict.spam {
        Some(true) => "SPAM",
        Some(false) => "not spam",
        None => "no decision shown",
    };
    line.push_str(&bold(word, options));
    if let Some(scl) = verdict.score {
        let _ = write!(
            line,
            " (SCL {} of {})",
            format_points(scl),
            points(verdict.threshold)
        );
    }
    match verdict.action.as_deref() {
        Some("junk") => line.push_str(", delivered to Junk"),
        Some("inbox") => line.push_str(", delivered to the Inbox"),
        Some("quarantine") => line.push_str(", released from quarantine"),
        Some(other) => {
            let _ = write!(line, ", action \"{}\"", safe(other));
        }
        None => {}
    }
    if !verdict.rules.is_empty() {
        let names: Vec<String> = verdict.rules.iter().map(|r| safe(&r.name)).collect();
        let _ = write!(line, "; reasons: {}", names.join(", "));
    }
    if !verdict.errors.is_empty() {
        let _ = write!(line, ", {} unreadable header(s)", verdict.errors.len());
    }
    line
}

fn verdict_line(verdict: &Verdict, options: TextOptions) -> String {
    if verdict.filter == "microsoft" {
        return microsoft_line(verdict, options);
    }
    let mut line = filter_name(&verdict.filter).to_owned();
    if let Some(via) = &verdict.via {
        let _ = write!(line, " (via {})", safe(via));
    }
    if let Some(side) = side_label(verdict.side) {
        let _ = write!(line, " [{side}]");
    }
    line.push_str(": ");
    let word = match verdict.spam {
        Some(true) => "SPAM",
        Some(false) => "not spam",
        None => "no decision shown",
    };
    line.push_str(&bold(word, options));
    match (verdict.score, verdict.threshold) {
        (Some(score), _) if score_phrase(&verdict.filter, score).is_some() => {
            let phrase = score_phrase(&verdict.filter, score).unwrap_or_default();
            let _ = write!(line, ", {phrase}");
            if let Some(threshold) = verdict.threshold {
                let _ = write!(line, " ({} needed)", points(Some(threshold)));
            }
        }
        (Some(score), Some(threshold)) => {
            let _ = write!(
                line,
                ", score {} of {} needed",
                points(Some(score)),
                points(Some(threshold))
            );
        }
        (Some(score), None) => {
            let _ = write!(line, ", score {}", points(Some(score)));
        }
        _ => {}
    }
    if let Some(action) = &verdict.action {
        let _ = write!(line, ", action \"{}\"", safe(action));
    }
    let _ = write!(
        line,
        ", {} rule{}",
        verdict.rules.len(),
        if verdict.rules.len() == 1 { "" } else { "s" }
    );
    if !verdict.errors.is_empty() {
        let _ = write!(line, ", {} unreadable header(s)", verdict.errors.len());
    }
    line
}

fn rules_table(verdict: &Verdict, options: TextOptions) -> Table {
    let mut table = table(
        options,
        &["Points", "Rule", "Cause", "Description / options"],
    );
    let mut rules: Vec<_> = verdict.rules.iter().collect();
    rules.sort_by(|a, b| {
        b.points
            .unwrap_or(0.0)
            .abs()
            .total_cmp(&a.points.unwrap_or(0.0).abs())
    });
    for rule in rules {
        let color = match rule.points {
            Some(p) if p > 0.0 => Color::Red,
            Some(p) if p < 0.0 => Color::Green,
            _ => Color::Reset,
        };
        let mut detail = rule.description.clone().unwrap_or_default();
        if !rule.options.is_empty() {
            if !detail.is_empty() {
                detail.push(' ');
            }
            let _ = write!(detail, "[{}]", rule.options.join(", "));
        }
        let cause = rule.diagnosis.as_ref().map_or(String::new(), |d| {
            if d.inferred {
                format!("{} (inferred)", d.cause)
            } else {
                d.cause.clone()
            }
        });
        if detail.is_empty()
            && let Some(meaning) = rule.diagnosis.as_ref().and_then(|d| d.meaning.as_deref())
        {
            detail = meaning.to_owned();
        }
        table.add_row(vec![
            paint(points(rule.points), color, options),
            Cell::new(safe(&rule.name)),
            Cell::new(cause),
            Cell::new(safe(&detail)),
        ]);
    }
    table
}

/// Every field a verdict's headers state, with what it means and where that meaning comes
/// from. Long values (encoded blobs, rule id lists) are shortened.
fn fields_table(verdict: &Verdict, options: TextOptions) -> Table {
    let mut table = table(options, &["Field", "Value", "Meaning", "Source"]);
    for detail in &verdict.details {
        let mut value = safe(&detail.value);
        if value.chars().count() > 60 {
            value = value.chars().take(57).collect::<String>() + "...";
        }
        if value.is_empty() {
            value = "(empty)".to_owned();
        }
        let status = detail.status.as_deref().unwrap_or("-");
        let color = match status {
            "documented" => Color::Reset,
            "inferred" => Color::Yellow,
            _ => Color::DarkGrey,
        };
        table.add_row(vec![
            Cell::new(safe(&detail.name)),
            Cell::new(value),
            Cell::new(detail.meaning.as_deref().map_or_else(String::new, safe)),
            paint(status.to_owned(), color, options),
        ]);
    }
    table
}

fn result_color(result: &str) -> Color {
    match result {
        "pass" | "bestguesspass" => Color::Green,
        "fail" | "permerror" | "softfail" => Color::Red,
        "temperror" | "neutral" | "policy" => Color::Yellow,
        _ => Color::Reset,
    }
}

fn auth_table(entries: &[AuthenticationEntry], options: TextOptions) -> Table {
    let mut table = table(options, &["Method", "Result", "Written by", "Details"]);
    for entry in entries {
        let mut by = entry
            .authserv_id
            .as_deref()
            .map_or_else(|| entry.header.clone(), safe);
        if let Some(i) = entry.instance {
            let _ = write!(by, " (ARC i={i})");
        }
        if !entry.trusted {
            by.push_str(" [untrusted]");
        }
        let details = super::auth_details(entry);
        table.add_row(vec![
            Cell::new(safe(&entry.method)),
            paint(safe(&entry.result), result_color(&entry.result), options),
            Cell::new(by),
            Cell::new(safe(&details.join(" "))),
        ]);
    }
    table
}

fn hops_table(hops: &[Hop], options: TextOptions) -> Table {
    let mut table = table(
        options,
        &[
            "#",
            "From (HELO / reverse DNS / IP)",
            "By",
            "TLS",
            "Delay",
            "Side",
        ],
    );
    for hop in hops {
        let from = hop.from.as_ref().map_or_else(
            || "-".to_owned(),
            |f| {
                format!(
                    "{} / {} / {}",
                    opt(f.helo.as_deref()),
                    opt(f.rdns.as_deref()),
                    opt(f.ip.as_deref())
                )
            },
        );
        let tls = hop.tls.as_ref().map_or_else(
            || "none seen".to_owned(),
            |t| t.version.as_deref().map_or_else(|| safe(&t.evidence), safe),
        );
        let delay = hop
            .delay_seconds
            .map_or_else(|| "-".to_owned(), format_delay);
        let side = if hop.recipient_side {
            "recipient"
        } else {
            "before recipient"
        };
        table.add_row(vec![
            Cell::new(hop.index),
            Cell::new(from),
            Cell::new(opt(hop.by.as_deref())),
            Cell::new(tls),
            Cell::new(delay),
            Cell::new(side),
        ]);
    }
    table
}

fn format_delay(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    match s {
        0..60 => format!("{sign}{s}s"),
        60..3600 => format!("{sign}{}m{:02}s", s / 60, s % 60),
        _ => format!("{sign}{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}
