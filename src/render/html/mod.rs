//! `--format html`: one self-contained file to open and forward. No scripts, no fonts, no
//! external anything: inline CSS, inline SVG, and a Content-Security-Policy of
//! `default-src 'none'` so a browser would refuse a request even if one slipped in. Every
//! value goes through the escaping [`Html`](builder::Html) writer.
//!
//! The page: a verdict in plain words with a chart of the score (what each cause added,
//! coloured and patterned by who can fix it, the filter's line), what fixing would change,
//! the ranked problems with their fix records and "what if", what is already right, the path
//! of the message as a timeline, and a collapsed technical section (rules, authentication,
//! verification, raw headers).
//!
//! Built for more pages than one: [`document`] is the shell (head, style, footer) and takes
//! any body, [`report_article`] writes one report at any heading level with its own id
//! prefix, and [`svg::row_bar`] draws table-row bars. The batch summary page
//! ([`summary`]) is another body for [`document`], made of the same parts.

pub mod builder;
pub mod summary;
pub mod svg;

use std::collections::BTreeMap;

use builder::Html;

use super::narrative::{self, Narrative};
use super::{filter_name, format_points};
use crate::diagnose::what_if::{short_name, step_scores, stock_score};
use crate::report::{Finding, FixRecord, Hop, Report, Verdict};

const STYLE: &str = include_str!("style.css");

/// Blocks every request: styles may only come from the page itself, images only from
/// `data:`; nothing else may load at all.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// Raw header sections longer than this are cut in the technical section.
const RAW_LIMIT: usize = 256 * 1024;

/// One report and, when the caller still has it, the message's header section as it was.
pub struct Page<'a> {
    pub report: &'a Report,
    pub raw_headers: Option<&'a str>,
}

/// The header section of a message: everything before the first empty line, as text.
pub fn raw_header_section(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches(['\r', '\n']);
    let end = ["\r\n\r\n", "\n\n", "\r\r"]
        .iter()
        .filter_map(|sep| text.find(sep))
        .min()
        .unwrap_or(text.len());
    let mut section = text[..end].to_owned();
    if section.len() > RAW_LIMIT {
        let mut cut = RAW_LIMIT;
        while !section.is_char_boundary(cut) {
            cut -= 1;
        }
        section.truncate(cut);
        section.push_str("\n[... cut: the header section is longer than 256 KiB]");
    }
    section
}

/// One report as a page.
pub fn render(report: &Report, raw_headers: Option<&str>) -> String {
    render_pages(&[Page {
        report,
        raw_headers,
    }])
}

/// Several reports in one file, each its own article.
pub fn render_pages(pages: &[Page<'_>]) -> String {
    let title = match pages {
        [one] => format!(
            "Why this message was flagged: {}",
            one.report
                .message
                .subject
                .as_deref()
                .unwrap_or("(no subject)")
        ),
        _ => format!("Why these {} messages were flagged", pages.len()),
    };
    let made_from = if pages.len() == 1 {
        "the copy of the message the recipient received"
    } else {
        "the copies of the messages their recipients received"
    };
    document(&title, made_from, |html| {
        let level = if pages.len() == 1 {
            1
        } else {
            html.el("h1", &[], &title);
            2
        };
        for (n, page) in pages.iter().enumerate() {
            report_article(html, page, &format!("m{}", n + 1), level);
        }
    })
}

/// The HTML shell: head with the policy and the style, `main` with the body, a footer that
/// says what the page was made from (`made_from`: "the copy of the message ...").
pub fn document(title: &str, made_from: &str, body: impl FnOnce(&mut Html)) -> String {
    let mut html = Html::new();
    html.raw("<!DOCTYPE html>\n")
        .open("html", &[("lang", "en")])
        .open("head", &[])
        .void("meta", &[("charset", "utf-8")])
        .void(
            "meta",
            &[
                ("name", "viewport"),
                ("content", "width=device-width, initial-scale=1"),
            ],
        )
        .void(
            "meta",
            &[("http-equiv", "Content-Security-Policy"), ("content", CSP)],
        )
        .void("meta", &[("name", "referrer"), ("content", "no-referrer")])
        .void(
            "meta",
            &[
                ("name", "generator"),
                ("content", &format!("spamwhy {}", env!("CARGO_PKG_VERSION"))),
            ],
        )
        .el("title", &[], title)
        .raw("<style>")
        .raw(STYLE)
        .raw("</style>")
        .close("head")
        .open("body", &[])
        .open("main", &[]);
    body(&mut html);
    html.open("footer", &[])
        .el(
            "p",
            &[],
            &format!(
                "Made by spamwhy {} from {made_from}. This file is self-contained: it loads nothing from the network and runs no scripts.",
                env!("CARGO_PKG_VERSION")
            ),
        )
        .close("footer")
        .close("main")
        .close("body")
        .close("html")
        .raw("\n");
    html.finish()
}

fn heading(html: &mut Html, level: u8, attrs: &[(&'static str, &str)], text: &str) {
    let tag = match level {
        0 | 1 => "h1",
        2 => "h2",
        3 => "h3",
        4 => "h4",
        5 => "h5",
        _ => "h6",
    };
    html.el(tag, attrs, text);
}

/// Whether any filter flagged the message (spam, or an action that marks or refuses it).
fn flagged(verdict: &Verdict) -> bool {
    verdict.spam == Some(true)
        || matches!(
            verdict.action.as_deref(),
            Some("reject" | "add header" | "rewrite subject" | "soft reject")
        )
}

/// One report, headings starting at `level`, every id prefixed with `id`.
pub fn report_article(html: &mut Html, page: &Page<'_>, id: &str, level: u8) {
    let report = page.report;
    let story = narrative::tell(report);
    let sub = level + 1;
    html.open("article", &[("class", "report"), ("id", id)]);
    html.el("p", &[("class", "eyebrow")], "spamwhy report");
    heading(
        html,
        level,
        &[],
        &format!(
            "Why this message went to spam: {}",
            report.message.subject.as_deref().unwrap_or("(no subject)")
        ),
    );
    meta(html, report);
    verdict_section(html, report, &story, id, sub);
    problems_section(html, report, &story, id, sub);
    if !story.receiver.is_empty() {
        html.open("section", &[]);
        heading(html, sub, &[], "Not the sender's doing");
        html.el(
            "p",
            &[],
            "These come from the recipient's own systems; the sender cannot change them.",
        );
        html.open("ul", &[]);
        for item in &story.receiver {
            html.open("li", &[])
                .el("strong", &[], &item.title)
                .text(": ")
                .text(&item.explanation)
                .close("li");
        }
        html.close("ul").close("section");
    }
    if !story.helped.is_empty() {
        html.open("section", &[]);
        heading(html, sub, &[], "What lowered the score");
        html.open("ul", &[]);
        for line in &story.helped {
            html.el("li", &[], line);
        }
        html.close("ul").close("section");
    }
    if !story.unrecognised.is_empty() {
        html.open("section", &[]);
        heading(html, sub, &[], "Rules this tool does not recognise");
        html.el(
            "p",
            &[],
            &format!(
                "{} (their points still count; the recipient's mail administrator can say what they check)",
                story.unrecognised.join(", ")
            ),
        );
        html.close("section");
    }
    html.open("section", &[]);
    heading(html, sub, &[], "What is already right");
    if story.passed.is_empty() {
        html.el(
            "p",
            &[],
            "Nothing the message itself shows could be confirmed as right.",
        );
    } else {
        html.open("ul", &[("class", "checks")]);
        for passed in &story.passed {
            html.open("li", &[])
                .el("span", &[("class", "visually-hidden")], "Right: ")
                .text(passed)
                .close("li");
        }
        html.close("ul");
    }
    html.close("section");
    records_section(html, report, sub);
    timeline_section(html, report, sub);
    technical_section(html, page, id, sub);
    html.el(
        "p",
        &[("class", "source")],
        &format!("Source: {}", report.source),
    );
    html.close("article");
}

fn meta(html: &mut Html, report: &Report) {
    let message = &report.message;
    html.open("dl", &[("class", "meta")]);
    let mut row = |term: &str, value: &str| {
        html.el("dt", &[], term).el("dd", &[], value);
    };
    row("Subject", message.subject.as_deref().unwrap_or("(none)"));
    row("From", message.from.as_deref().unwrap_or("(none)"));
    row("To", message.to.as_deref().unwrap_or("(none)"));
    if let Some(date) = &message.date {
        row("Date", date);
    }
    match &report.sender {
        Some(sender) => {
            let mut text = sender
                .ip
                .clone()
                .unwrap_or_else(|| "unknown address".to_owned());
            text.push_str(&format!(
                " (reverse DNS: {}; greeted as: {})",
                sender.rdns.as_deref().unwrap_or("none"),
                sender.helo.as_deref().unwrap_or("unknown")
            ));
            row("Sending server", &text);
        }
        None => row(
            "Sending server",
            "unknown: no Received header shows where the message entered",
        ),
    }
    html.close("dl");
}

/// What each cause added to one verdict's score, grouped and ordered by who can fix it.
fn contributions(verdict: &Verdict) -> Vec<svg::Contribution> {
    let mut by_cause: BTreeMap<(u8, String), (String, f64)> = BTreeMap::new();
    for rule in &verdict.rules {
        let Some(diagnosis) = &rule.diagnosis else {
            continue;
        };
        let points = rule
            .points
            .or_else(|| diagnosis.default_score.as_deref().and_then(stock_score))
            .unwrap_or(0.0);
        if points <= 0.0 {
            continue;
        }
        let fault = if diagnosis.fault == "none" {
            "other"
        } else {
            diagnosis.fault.as_str()
        };
        let order = match fault {
            "sender-setup" => 0,
            "sender-content" => 1,
            "sender-reputation" => 2,
            "receiver" => 3,
            _ => 4,
        };
        let entry = by_cause
            .entry((order, diagnosis.cause.clone()))
            .or_insert_with(|| (fault.to_owned(), 0.0));
        entry.1 += points;
    }
    let mut out: Vec<(u8, svg::Contribution)> = by_cause
        .into_iter()
        .map(|((order, cause), (fault, points))| {
            (
                order,
                svg::Contribution {
                    label: capitalise(short_name(&cause)),
                    fault,
                    points,
                },
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.points.total_cmp(&a.1.points)));
    out.into_iter().map(|(_, c)| c).collect()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn verdict_section(html: &mut Html, report: &Report, story: &Narrative, id: &str, level: u8) {
    let scoring: Vec<&Verdict> = report
        .verdicts
        .iter()
        .filter(|v| v.filter != "greylisting")
        .collect();
    let any_flagged = scoring.iter().any(|v| flagged(v));
    let sender_problems = report
        .findings
        .iter()
        .any(|f| f.fault.starts_with("sender"));
    let (class, status) = if any_flagged {
        ("verdict spam", "Treated as spam")
    } else if scoring.iter().any(|v| v.spam == Some(false)) {
        (
            "verdict clean",
            "Not treated as spam by the filter that scored it",
        )
    } else if sender_problems {
        (
            "verdict unclear",
            "No spam score in the message, but problems that send mail to spam",
        )
    } else {
        ("verdict unclear", "No spam score and no failed check")
    };
    let heading_id = format!("{id}-verdict");
    html.open(
        "section",
        &[("class", class), ("aria-labelledby", &heading_id)],
    );
    heading(html, level, &[("id", &heading_id)], "Verdict");
    html.el("p", &[("class", "status")], status);
    html.el("p", &[("class", "headline")], &story.headline);
    for (n, verdict) in report.verdicts.iter().enumerate() {
        if let Some(what_if) = &verdict.what_if {
            score_figure(html, verdict, what_if, &format!("{id}-chart{n}"));
        }
    }
    for (n, verdict) in report.verdicts.iter().enumerate() {
        if let Some(what_if) = &verdict.what_if
            && (what_if.outcome != "already-under" || flagged(verdict))
        {
            what_if_box(
                html,
                verdict,
                what_if,
                &format!("{id}-whatif{n}"),
                level + 1,
            );
        }
    }
    html.close("section");
}

fn score_figure(html: &mut Html, verdict: &Verdict, what_if: &crate::report::WhatIf, id: &str) {
    let name = filter_name(&verdict.filter);
    let parts = contributions(verdict);
    let line_note = if what_if.threshold_source == "stock-default" {
        " (the filter's stock setting)"
    } else {
        ""
    };
    let title = format!(
        "{name}: score {} against a line of {}{line_note}",
        format_points(what_if.score),
        format_points(what_if.threshold)
    );
    let mut description = format!(
        "A bar from 0 showing what each cause added to the score. The score is {}; the filter flags messages from {}.",
        format_points(what_if.score),
        format_points(what_if.threshold)
    );
    for part in &parts {
        description.push_str(&format!(
            " {} added {} ({}).",
            part.label,
            format_points(part.points),
            svg::look(&part.fault).words
        ));
    }
    if parts.is_empty() {
        description.push_str(" The headers do not say which rules gave the points.");
    }
    html.open("figure", &[]);
    html.el("figcaption", &[], &title);
    svg::score_bar(
        html,
        id,
        &parts,
        what_if.score,
        what_if.threshold,
        &title,
        &description,
    );
    if !parts.is_empty() {
        html.open("ul", &[("class", "legend")]);
        for part in &parts {
            html.open("li", &[]);
            svg::swatch(html, id, &part.fault);
            html.open("span", &[])
                .el("strong", &[], &part.label)
                .text(&format!(
                    ": +{} points, fixed by {}",
                    format_points(part.points),
                    svg::look(&part.fault).words
                ))
                .close("span");
            html.close("li");
        }
        html.close("ul");
    }
    html.close("figure");
}

fn what_if_box(
    html: &mut Html,
    verdict: &Verdict,
    what_if: &crate::report::WhatIf,
    id: &str,
    level: u8,
) {
    html.open("div", &[("class", "whatif")]);
    heading(
        html,
        level,
        &[("id", id)],
        &format!(
            "What fixing would change ({})",
            filter_name(&verdict.filter)
        ),
    );
    html.el("p", &[], &what_if.summary);
    // Cumulative steps: the plan, or every counted fix when no plan is enough.
    let steps: Vec<&crate::report::WhatIfFix> = match &what_if.smallest_fix {
        Some(plan) => plan
            .causes
            .iter()
            .filter_map(|c| what_if.fixes.iter().find(|f| &f.cause == c))
            .collect(),
        None => what_if.fixes.iter().filter(|f| f.counted).collect(),
    };
    if !steps.is_empty() && what_if.outcome != "already-under" {
        let max = what_if.score.max(what_if.threshold) * 1.05;
        html.open("div", &[("class", "scroll")]).open("table", &[]);
        html.el(
            "caption",
            &[("class", "visually-hidden")],
            "Score after each fix, one after the other",
        );
        html.open("thead", &[])
            .open("tr", &[])
            .el("th", &[("scope", "col")], "Step")
            .el("th", &[("scope", "col"), ("class", "num")], "Score")
            .el("th", &[("scope", "col")], "Against the line")
            .close("tr")
            .close("thead")
            .open("tbody", &[]);
        let score = what_if.score;
        let over = |s: f64| s >= what_if.threshold - 1e-9;
        let row = |html: &mut Html, label: &str, score: f64| {
            html.open("tr", &[])
                .el("th", &[("scope", "row")], label)
                .el(
                    "td",
                    &[("class", "num")],
                    &format_points((score * 1000.0).round() / 1000.0),
                )
                .open("td", &[]);
            svg::row_bar(html, score, max, Some(what_if.threshold), over(score));
            html.el(
                "span",
                &[("class", "side")],
                if over(score) { "over" } else { "under ✓" },
            );
            html.close("td").close("tr");
        };
        row(html, "Now", score);
        let causes: Vec<&str> = steps.iter().map(|step| step.cause.as_str()).collect();
        for (step, after) in steps.iter().zip(step_scores(what_if, &causes)) {
            row(html, &format!("+ fix {}", short_name(&step.cause)), after);
        }
        html.close("tbody").close("table").close("div");
        html.el(
            "p",
            &[],
            &format!(
                "The line is {}{}; the black mark on each bar shows it.",
                format_points(what_if.threshold),
                if what_if.threshold_source == "stock-default" {
                    " (the filter's stock setting; this server may use another)"
                } else {
                    ""
                }
            ),
        );
    }
    html.close("div");
}

fn fault_words(fault: &str) -> &'static str {
    match fault {
        "sender-setup" => "Fixed by: the sender's mail or DNS administrator",
        "sender-content" => "Fixed by: whoever writes or builds the message",
        "sender-reputation" => "Fixed by: the sender, over time (reputation)",
        "receiver" => "The recipient's side",
        _ => "Nobody's doing",
    }
}

fn problems_section(html: &mut Html, report: &Report, story: &Narrative, id: &str, level: u8) {
    html.open("section", &[]);
    heading(
        html,
        level,
        &[("id", &format!("{id}-fix"))],
        "What to fix, most important first",
    );
    if story.problems.is_empty() {
        html.el(
            "p",
            &[],
            "The message shows nothing the sender needs to fix.",
        );
        html.close("section");
        return;
    }
    html.open("ol", &[("class", "problems")]);
    for (n, item) in story.problems.iter().enumerate() {
        let finding: Option<&Finding> = report.findings.iter().find(|f| f.cause == item.cause);
        let fault = finding.map_or("sender-setup", |f| f.fault.as_str());
        html.open("li", &[])
            .open("article", &[("class", "problem")]);
        heading(html, level + 1, &[], &format!("{}. {}", n + 1, item.title));
        html.open("p", &[("class", "tags")]);
        html.el(
            "span",
            &[("class", &format!("tag {}", svg::look(fault).class))],
            fault_words(fault),
        );
        if let Some(cost) = &item.cost {
            html.el("span", &[("class", "tag cost")], &capitalise(cost));
        }
        html.close("p");
        html.open("p", &[])
            .el("span", &[("class", "label")], "What it means: ")
            .text(&item.explanation)
            .close("p");
        if !item.seen.is_empty() {
            html.el("p", &[("class", "label")], "Seen in the message:");
            html.open("ul", &[]);
            for seen in &item.seen {
                html.el("li", &[], seen);
            }
            html.close("ul");
        }
        html.open("p", &[])
            .el("span", &[("class", "label")], "What to do: ")
            .text(&item.fix)
            .close("p");
        for line in &item.what_if {
            html.open("p", &[])
                .el("span", &[("class", "label")], "What if: ")
                .text(&format!("{line}."))
                .close("p");
        }
        for record in report.fix_records.iter().filter(|r| r.cause == item.cause) {
            record_block(html, record, level + 2);
        }
        html.open("blockquote", &[("class", "ask")])
            .el(
                "p",
                &[("class", "label")],
                "To forward to your mail administrator or provider:",
            )
            .el("p", &[], &item.ask)
            .close("blockquote");
        if !item.rules.is_empty() {
            html.open("details", &[])
                .el("summary", &[], "Filter rules behind it")
                .open("ul", &[]);
            for rule in &item.rules {
                html.el("li", &[], rule);
            }
            html.close("ul").close("details");
        }
        html.close("article").close("li");
    }
    html.close("ol");
    html.close("section");
}

/// The value with its placeholders marked.
fn marked_value(html: &mut Html, value: &str, placeholders: &[&str]) {
    let mut rest = value;
    while !rest.is_empty() {
        let next = placeholders
            .iter()
            .filter(|p| !p.is_empty())
            .filter_map(|p| rest.find(p).map(|at| (at, *p)))
            .min_by_key(|(at, p)| (*at, usize::MAX - p.len()));
        match next {
            Some((at, placeholder)) => {
                html.text(&rest[..at]);
                html.el("mark", &[], placeholder);
                rest = &rest[at + placeholder.len()..];
            }
            None => {
                html.text(rest);
                break;
            }
        }
    }
}

fn record_block(html: &mut Html, record: &FixRecord, level: u8) {
    let placeholders: Vec<&str> = record
        .placeholders
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    html.open("div", &[("class", "record")]);
    heading(
        html,
        level,
        &[],
        &format!(
            "Record to publish: {} at {}",
            record.record_type, record.name
        ),
    );
    html.open("dl", &[("class", "where")]);
    html.el("dt", &[], "Name").open("dd", &[]).open("code", &[]);
    marked_value(html, &record.name, &placeholders);
    html.close("code").close("dd");
    html.el("dt", &[], "Type")
        .open("dd", &[])
        .el("code", &[], &record.record_type)
        .close("dd");
    html.el("dt", &[], "Value").open("dd", &[]);
    html.open("pre", &[("class", "value")]).open("code", &[]);
    marked_value(html, &record.value, &placeholders);
    html.close("code").close("pre").close("dd");
    html.el("dt", &[], "Where")
        .el("dd", &[], &format!("in the DNS zone {}", record.zone));
    html.el("dt", &[], "Who").el("dd", &[], &record.publisher);
    if let Some(replaces) = &record.replaces {
        html.el("dt", &[], "Replaces")
            .open("dd", &[])
            .el("code", &[], replaces)
            .close("dd");
    }
    html.el("dt", &[], "Why").el("dd", &[], &record.why);
    html.close("dl");
    if !record.placeholders.is_empty() {
        html.el(
            "p",
            &[("class", "label")],
            "Highlighted parts are examples; replace them:",
        );
        html.open("ul", &[("class", "notes")]);
        for placeholder in &record.placeholders {
            html.open("li", &[])
                .el("mark", &[], &placeholder.text)
                .text(&format!(" is {}.", placeholder.meaning))
                .close("li");
        }
        html.close("ul");
    }
    if !record.notes.is_empty() {
        html.open("ul", &[("class", "notes")]);
        for note in &record.notes {
            html.el("li", &[], note);
        }
        html.close("ul");
    }
    html.open("details", &[])
        .el("summary", &[], "Where the values come from")
        .open("ul", &[("class", "notes")]);
    for source in &record.sources {
        html.el("li", &[], source);
    }
    html.close("ul").close("details");
    html.close("div");
}

/// Every record in one place, as a zone-file snippet to hand to a DNS host.
fn records_section(html: &mut Html, report: &Report, level: u8) {
    if report.fix_records.is_empty() {
        return;
    }
    html.open("section", &[]);
    heading(html, level, &[], "All records to publish, in one place");
    html.el(
        "p",
        &[],
        "The same records as above, in the format DNS servers use. Replace the highlighted examples before publishing; the reverse DNS (PTR) record is set by the address's provider, the others by whoever runs the domain's DNS.",
    );
    html.open("pre", &[("class", "value")]).open("code", &[]);
    for record in &report.fix_records {
        let placeholders: Vec<&str> = record
            .placeholders
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        marked_value(html, &format!("{}.", record.name), &placeholders);
        html.text(&format!(" IN {} ", record.record_type));
        let value = match record.record_type.as_str() {
            "TXT" => format!(
                "\"{}\"",
                record.value.replace('\\', "\\\\").replace('"', "\\\"")
            ),
            "PTR" | "CNAME" => format!("{}.", record.value),
            _ => record.value.clone(),
        };
        marked_value(html, &value, &placeholders);
        html.text("\n");
    }
    html.close("code").close("pre");
    html.close("section");
}

fn format_delay(seconds: i64) -> String {
    let s = seconds.unsigned_abs();
    let text = match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    };
    if seconds < 0 {
        format!("{text} earlier than the step before (the servers' clocks disagree)")
    } else {
        format!("{text} after the step before")
    }
}

fn hop_from(hop: &Hop) -> String {
    hop.from.as_ref().map_or_else(
        || "(not stated)".to_owned(),
        |f| {
            let name = f
                .rdns
                .as_deref()
                .or(f.helo.as_deref())
                .unwrap_or("unnamed server");
            let bare = name.trim_start_matches('[').trim_end_matches(']');
            match &f.ip {
                Some(ip) if ip != bare => format!("{name} [{ip}]"),
                _ => name.to_owned(),
            }
        },
    )
}

fn timeline_section(html: &mut Html, report: &Report, level: u8) {
    if report.hops.is_empty() {
        return;
    }
    html.open("section", &[]);
    heading(html, level, &[], "The path of the message");
    html.el(
        "p",
        &[],
        "From the sender's side (top) to the recipient's mailbox (bottom), as the servers recorded it.",
    );
    html.open("ol", &[("class", "timeline")]);
    let entry = report.sender.as_ref().map(|s| s.hop_index);
    for hop in report.hops.iter().rev() {
        let class = if Some(hop.index) == entry {
            "entry"
        } else if hop.recipient_side {
            "recipient"
        } else {
            "sender"
        };
        html.open("li", &[("class", class)]);
        html.el(
            "p",
            &[("class", "hop-title")],
            &format!(
                "{} → {}",
                hop_from(hop),
                hop.by.as_deref().unwrap_or("(receiving server not stated)")
            ),
        );
        let mut facts = Vec::new();
        if Some(hop.index) == entry {
            facts.push(
                "Here the recipient's mail server accepted the message from the sending server"
                    .to_owned(),
            );
        } else if hop.recipient_side {
            facts.push("Inside the recipient's systems".to_owned());
        } else {
            facts.push(
                "Before the recipient (written by the sender's side; cannot be checked)".to_owned(),
            );
        }
        if let Some(date) = &hop.date {
            facts.push(format!("at {date}"));
        }
        if let Some(delay) = hop.delay_seconds {
            facts.push(format_delay(delay));
        }
        facts.push(match &hop.tls {
            Some(tls) => format!(
                "encrypted ({})",
                tls.version.as_deref().unwrap_or(tls.evidence.as_str())
            ),
            None => "no sign of encryption (TLS)".to_owned(),
        });
        if let Some(with) = &hop.with {
            facts.push(format!("protocol {with}"));
        }
        html.el("p", &[("class", "hop-facts")], &facts.join(" · "));
        html.close("li");
    }
    html.close("ol");
    html.close("section");
}

fn table_head(html: &mut Html, caption: &str, columns: &[&str]) {
    table_head_aligned(html, caption, columns, &[]);
}

/// A table's start (scrolling box, caption for screen readers, column headings), with the
/// columns at the positions in `numeric` aligned as numbers.
fn table_head_aligned(html: &mut Html, caption: &str, columns: &[&str], numeric: &[usize]) {
    html.open("div", &[("class", "scroll")]).open("table", &[]);
    html.el("caption", &[("class", "visually-hidden")], caption);
    html.open("thead", &[]).open("tr", &[]);
    for (n, column) in columns.iter().enumerate() {
        if numeric.contains(&n) {
            html.el("th", &[("scope", "col"), ("class", "num")], column);
        } else {
            html.el("th", &[("scope", "col")], column);
        }
    }
    html.close("tr").close("thead").open("tbody", &[]);
}

fn table_end(html: &mut Html) {
    html.close("tbody").close("table").close("div");
}

fn cells(html: &mut Html, values: &[&str]) {
    html.open("tr", &[]);
    for value in values {
        html.el("td", &[], value);
    }
    html.close("tr");
}

fn technical_section(html: &mut Html, page: &Page<'_>, id: &str, level: u8) {
    let report = page.report;
    html.open(
        "details",
        &[("class", "tech"), ("id", &format!("{id}-tech"))],
    );
    html.open("summary", &[]);
    heading(html, level, &[], "Technical details");
    html.close("summary");
    for verdict in &report.verdicts {
        let mut title = filter_name(&verdict.filter).to_owned();
        if let Some(via) = &verdict.via {
            title.push_str(&format!(" (via {via})"));
        }
        let word = match verdict.spam {
            Some(true) => "spam",
            Some(false) => "not spam",
            None => "no decision shown",
        };
        title.push_str(&format!(": {word}"));
        if let Some(score) = verdict.score {
            title.push_str(&format!(", score {}", format_points(score)));
        }
        if let Some(threshold) = verdict.threshold {
            title.push_str(&format!(" of {} needed", format_points(threshold)));
        }
        if let Some(action) = &verdict.action {
            title.push_str(&format!(", action \"{action}\""));
        }
        heading(html, level + 1, &[], &title);
        html.el(
            "p",
            &[],
            &format!("Read from: {}", verdict.headers.join(", ")),
        );
        if !verdict.rules.is_empty() {
            table_head(
                html,
                "Rules",
                &["Points", "Rule", "Cause", "Who", "Meaning or description"],
            );
            for rule in &verdict.rules {
                let (cause, fault, meaning) = rule.diagnosis.as_ref().map_or(
                    (String::new(), String::new(), String::new()),
                    |d| {
                        (
                            if d.inferred {
                                format!("{} (inferred)", d.cause)
                            } else {
                                d.cause.clone()
                            },
                            d.fault.clone(),
                            d.meaning.clone().unwrap_or_default(),
                        )
                    },
                );
                let mut detail = rule.description.clone().unwrap_or(meaning);
                if !rule.options.is_empty() {
                    detail.push_str(&format!(" [{}]", rule.options.join(", ")));
                }
                html.open("tr", &[])
                    .el(
                        "td",
                        &[("class", "num")],
                        &rule.points.map_or_else(|| "?".to_owned(), format_points),
                    )
                    .open("td", &[])
                    .el("code", &[], &rule.name)
                    .close("td");
                html.el("td", &[], &cause)
                    .el("td", &[], &fault)
                    .el("td", &[], &detail);
                html.close("tr");
            }
            table_end(html);
        }
        for error in &verdict.errors {
            html.el(
                "p",
                &[],
                &format!("Line {}: {}: {}", error.line, error.header, error.problem),
            );
        }
    }
    if !report.authentication.is_empty() {
        heading(html, level + 1, &[], "Authentication results");
        table_head(
            html,
            "Authentication results",
            &["Method", "Result", "Written by", "Details"],
        );
        for entry in &report.authentication {
            let mut by = entry
                .authserv_id
                .clone()
                .unwrap_or_else(|| entry.header.clone());
            if let Some(i) = entry.instance {
                by.push_str(&format!(" (ARC i={i})"));
            }
            by.push_str(if entry.trusted {
                " (the recipient's, trusted)"
            } else {
                " (not trusted: written before the recipient)"
            });
            let details = crate::render::auth_details(entry);
            cells(
                html,
                &[&entry.method, &entry.result, &by, &details.join(" ")],
            );
        }
        table_end(html);
    }
    if !report.dkim_signatures.is_empty() {
        heading(html, level + 1, &[], "DKIM signatures");
        table_head(
            html,
            "DKIM signatures",
            &["Domain (d=)", "Selector (s=)", "Algorithm", "Line"],
        );
        for signature in &report.dkim_signatures {
            cells(
                html,
                &[
                    signature.d.as_deref().unwrap_or("-"),
                    signature.s.as_deref().unwrap_or("-"),
                    signature.a.as_deref().unwrap_or("-"),
                    &signature.line.to_string(),
                ],
            );
        }
        table_end(html);
    }
    if let Some(verification) = &report.verification {
        heading(
            html,
            level + 1,
            &[],
            &format!("Re-verified offline from {}", verification.dns),
        );
        table_head(html, "Re-verification", &["Check", "Result", "Why"]);
        if let Some(spf) = &verification.spf {
            cells(html, &["SPF", &spf.result, &spf.reason]);
        }
        for dkim in &verification.dkim {
            cells(
                html,
                &[
                    &format!("DKIM {}", dkim.d.as_deref().unwrap_or("?")),
                    &dkim.result,
                    &dkim.reason,
                ],
            );
        }
        if let Some(dmarc) = &verification.dmarc {
            cells(html, &["DMARC", &dmarc.result, &dmarc.reason]);
        }
        if let Some(arc) = &verification.arc {
            cells(html, &["ARC", &arc.result, &arc.reason]);
        }
        if let Some(iprev) = &verification.iprev {
            cells(html, &["Reverse DNS (iprev)", &iprev.result, &iprev.reason]);
        }
        for record in &verification.records {
            cells(
                html,
                &[
                    &format!("{} {}", record.check, record.name),
                    &record.result,
                    &record.detail,
                ],
            );
        }
        for comparison in verification.comparisons.iter().filter(|c| !c.agree) {
            cells(
                html,
                &[
                    &format!(
                        "{} (recipient said {})",
                        comparison.method, comparison.recorded
                    ),
                    &comparison.recomputed,
                    &comparison.explanation,
                ],
            );
        }
        table_end(html);
        if !verification.assumed_nonexistent.is_empty() {
            html.el(
                "p",
                &[],
                &format!(
                    "Not in the recorded DNS, treated as absent: {}",
                    verification.assumed_nonexistent.join(", ")
                ),
            );
        }
    }
    if !report.unrecognised_headers.is_empty() {
        heading(html, level + 1, &[], "Spam-related headers not interpreted");
        table_head(html, "Headers not interpreted", &["Header", "Value"]);
        for header in &report.unrecognised_headers {
            cells(html, &[&header.name, &header.value]);
        }
        table_end(html);
    }
    let errors: Vec<_> = report.errors.iter().collect();
    if !errors.is_empty() {
        heading(html, level + 1, &[], "Headers that could not be read");
        html.open("ul", &[]);
        for error in errors {
            html.el(
                "li",
                &[],
                &format!("Line {}: {}: {}", error.line, error.header, error.problem),
            );
        }
        html.close("ul");
    }
    heading(html, level + 1, &[], "Raw headers");
    match page.raw_headers {
        Some(raw) => {
            html.el("pre", &[("class", "raw")], raw);
        }
        None => {
            html.open("pre", &[("class", "raw")]);
            for hop in &report.hops {
                html.text(&format!("Received: {}\n", hop.raw));
            }
            html.close("pre");
        }
    }
    html.close("details");
}
