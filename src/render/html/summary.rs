//! The batch summary as one page (`--format html` for mailboxes): across these messages,
//! what got them flagged and what to fix first, for the person who runs the sending server.
//!
//! Another body for [`document`], made of the single-message page's parts: the verdict box,
//! the problem cards and their who-fixes-it tags, tables with [`svg::row_bar`]s (share
//! flagged, each cause's share, each filter's score histogram with its line marked). The
//! numbers are always in the cells; the bars are decoration. Every value that came from a
//! message or the command line (rule names, servers, domains, file names, problems) goes
//! through the escaping [`Html`] writer.
//!
//! In order: the key figures; what to fix first (the sender's causes of the flagged
//! messages, each with the catalogue's explanation and fix); what is not the sender's to
//! fix; other signs; per filter, the scores and their histogram; the top rules; the
//! sending servers; the From domains; the inputs and what could not be read.

use super::builder::Html;
use super::{capitalise, document, fault_words, heading, svg, table_end, table_head_aligned};
use crate::batch::summary::{Bin, CauseSummary, Count, FilterSummary, Summary};
use crate::knowledge;
use crate::render::summary::{percent, range, thousands};
use crate::render::{filter_name, format_points};

/// Sender causes explained in full; the rest are folded away.
const CAUSES_OPEN: usize = 5;
/// Messages that could not be read, listed one by one (the JSON lists up to 1,000).
const FAILURES_SHOWN: usize = 200;

/// The summary as a self-contained page.
pub fn render(summary: &Summary) -> String {
    let m = &summary.messages;
    let title = if m.flagged > 0 {
        format!(
            "Spam summary: {} of {} messages flagged",
            thousands(m.flagged),
            thousands(m.analysed)
        )
    } else {
        format!(
            "Spam summary: {} messages, none flagged",
            thousands(m.analysed)
        )
    };
    document(
        &title,
        "the copies of the messages their recipients received",
        |html| {
            html.el("p", &[("class", "eyebrow")], "spamwhy summary");
            html.el("h1", &[], &title);
            let (sender, others): (Vec<&CauseSummary>, Vec<&CauseSummary>) = summary
                .causes
                .iter()
                .filter(|c| c.flagged > 0)
                .partition(|c| c.fault.starts_with("sender"));
            let (receiver, other): (Vec<&CauseSummary>, Vec<&CauseSummary>) = others
                .into_iter()
                .partition(|c| c.fault.starts_with("receiver"));
            key_figures(html, summary, sender.first().copied());
            fix_first(html, summary, &sender);
            apart(html, summary, &receiver, &NOT_YOURS);
            apart(html, summary, &other, &OTHER_SIGNS);
            filters(html, summary);
            rules(html, summary);
            servers(html, summary);
            domains(html, summary);
            inputs(html, summary);
        },
    )
}

/// "12 of 20 flagged messages (60.0%)".
fn of_flagged(count: u64, flagged: u64) -> String {
    format!(
        "{} of {} flagged message{} ({})",
        thousands(count),
        thousands(flagged),
        if flagged == 1 { "" } else { "s" },
        percent(count, flagged)
    )
}

/// A bar for a table cell or a line, with its words beside it.
fn bar(html: &mut Html, value: u64, max: u64, over: bool, words: &str) {
    svg::row_bar(html, value as f64, max as f64, None, over);
    html.el("span", &[("class", "side")], words);
}

/// A table cell with a bar and its words.
fn bar_cell(html: &mut Html, value: u64, max: u64, over: bool, words: &str) {
    html.open("td", &[]);
    bar(html, value, max, over, words);
    html.close("td");
}

/// A row: the first value as the row's heading, then text cells, then number cells.
fn row(html: &mut Html, head: &str, texts: &[&str], numbers: &[u64]) {
    html.open("tr", &[]).el("th", &[("scope", "row")], head);
    for text in texts {
        html.el("td", &[], text);
    }
    for number in numbers {
        html.el("td", &[("class", "num")], &thousands(*number));
    }
    html.close("tr");
}

fn note(html: &mut Html, text: &str) {
    html.el("p", &[("class", "note")], text);
}

fn open_section(html: &mut Html, id: &'static str, title: &str) {
    html.open("section", &[("aria-labelledby", id)]);
    heading(html, 2, &[("id", id)], title);
}

fn key_figures(html: &mut Html, summary: &Summary, top: Option<&CauseSummary>) {
    let m = &summary.messages;
    let class = if m.flagged > 0 {
        "verdict spam"
    } else {
        "verdict clean"
    };
    html.open(
        "section",
        &[("class", class), ("aria-labelledby", "key-figures")],
    );
    heading(html, 2, &[("id", "key-figures")], "Key figures");
    html.el(
        "p",
        &[("class", "status")],
        &format!(
            "{} of {} messages were flagged as spam ({})",
            thousands(m.flagged),
            thousands(m.analysed),
            percent(m.flagged, m.analysed)
        ),
    );
    let headline = match top {
        _ if m.flagged == 0 => {
            "No filter flagged any of these messages as spam: nothing to fix.".to_owned()
        }
        Some(cause) => format!(
            "Fix first: {}. It was behind {}; the list below has what to do.",
            cause.title,
            of_flagged(cause.flagged, m.flagged)
        ),
        None => "The flagged messages show nothing the sending side can fix; see what is not yours to fix below.".to_owned(),
    };
    html.el("p", &[("class", "headline")], &headline);
    html.open("p", &[("class", "sharebar")]);
    bar(
        html,
        m.flagged,
        m.analysed,
        true,
        &percent(m.flagged, m.analysed),
    );
    html.close("p");
    html.open("dl", &[("class", "figures")]);
    let mut figure = |term: &str, value: &str| {
        html.open("div", &[])
            .el("dt", &[], term)
            .el("dd", &[], value)
            .close("div");
    };
    figure("Messages read", &thousands(m.read));
    figure("Analysed", &thousands(m.analysed));
    figure(
        "Flagged as spam",
        &format!(
            "{} ({})",
            thousands(m.flagged),
            percent(m.flagged, m.analysed)
        ),
    );
    figure("Could not be read", &thousands(m.failed));
    if m.headers_only > 0 {
        figure("Header sections only", &thousands(m.headers_only));
    }
    if m.skipped_files > 0 {
        figure("Files skipped (not mail)", &thousands(m.skipped_files));
    }
    html.close("dl");
    if m.failed > 0 || !summary.input_failures.is_empty() {
        note(
            html,
            "Some inputs or messages could not be read; they are listed at the end of the page.",
        );
    }
    html.close("section");
}

/// The catalogue's explanation and fix of a cause, as "What it means" and `fix_label`.
fn explain(html: &mut Html, cause: &CauseSummary, fix_label: &str) {
    let entry = knowledge::cause(&cause.cause);
    html.open("p", &[])
        .el("span", &[("class", "label")], "What it means: ")
        .text(entry.explanation.trim())
        .close("p");
    html.open("p", &[])
        .el("span", &[("class", "label")], fix_label)
        .text(entry.fix.trim())
        .close("p");
}

fn fix_first(html: &mut Html, summary: &Summary, causes: &[&CauseSummary]) {
    let m = &summary.messages;
    open_section(html, "fix-first", "What to fix first");
    if causes.is_empty() {
        html.el(
            "p",
            &[],
            if m.flagged == 0 {
                "No message was flagged."
            } else {
                "The flagged messages show no cause the sending side can fix."
            },
        );
        html.close("section");
        return;
    }
    html.el(
        "p",
        &[],
        "What the flagged messages had in common that the sending side can fix, the cause behind most flagged messages first. A message can have several causes, so the shares add up to more than 100%.",
    );
    table_head_aligned(
        html,
        "Causes the sender can fix, by the flagged messages they touched",
        &[
            "#",
            "Cause, and who fixes it",
            "Flagged",
            "Share of flagged",
        ],
        &[0, 2],
    );
    for (n, cause) in causes.iter().enumerate() {
        html.open("tr", &[])
            .el("td", &[("class", "num")], &(n + 1).to_string())
            .open("th", &[("scope", "row")])
            .text(&cause.title)
            .el(
                "span",
                &[("class", "who")],
                &capitalise(svg::look(&cause.fault).words),
            )
            .close("th")
            .el("td", &[("class", "num")], &thousands(cause.flagged));
        let share = percent(cause.flagged, m.flagged);
        bar_cell(html, cause.flagged, m.flagged, true, &share);
        html.close("tr");
    }
    table_end(html);
    html.open("ol", &[("class", "problems")]);
    for (n, cause) in causes.iter().enumerate() {
        if n == CAUSES_OPEN {
            // The rest folded away (open in print), the list going on.
            html.close("ol").open("details", &[("class", "more")]).el(
                "summary",
                &[],
                &format!("The other {} causes, explained", causes.len() - n),
            );
            html.open(
                "ol",
                &[("class", "problems"), ("start", &(n + 1).to_string())],
            );
        }
        html.open("li", &[])
            .open("article", &[("class", "problem")]);
        heading(html, 3, &[], &format!("{}. {}", n + 1, cause.title));
        html.open("p", &[("class", "tags")]).el(
            "span",
            &[("class", &format!("tag {}", svg::look(&cause.fault).class))],
            fault_words(&cause.fault),
        );
        html.close("p");
        html.el(
            "p",
            &[],
            &format!(
                "Behind {}, and {} of all {} messages analysed.",
                of_flagged(cause.flagged, m.flagged),
                thousands(cause.messages),
                thousands(m.analysed)
            ),
        );
        explain(html, cause, "What to do: ");
        html.close("article").close("li");
    }
    html.close("ol");
    if causes.len() > CAUSES_OPEN {
        html.close("details");
    }
    let unflagged = summary.causes.iter().filter(|c| c.flagged == 0).count();
    if unflagged > 0 {
        note(
            html,
            &format!(
                "{unflagged} other cause{} turned up only in messages no filter flagged (listed in --format json).",
                if unflagged == 1 { "" } else { "s" }
            ),
        );
    }
    html.close("section");
}

/// A section of causes of the flagged messages that are not the sender's to fix, as a
/// plain list, each with the catalogue's explanation and what to do (`fix_label` says for
/// whom).
struct Apart {
    id: &'static str,
    title: &'static str,
    intro: &'static str,
    fix_label: &'static str,
}

const NOT_YOURS: Apart = Apart {
    id: "not-yours",
    title: "Not yours to fix",
    intro: "These come from the recipients' own systems; nothing on the sending side changes them. The recipient, or the recipient's mail administrator, can.",
    fix_label: "What the recipient can do: ",
};

const OTHER_SIGNS: Apart = Apart {
    id: "other-signs",
    title: "Other signs in the flagged messages",
    intro: "Nobody's fault, or rules this tool does not recognise.",
    fix_label: "What to do: ",
};

fn apart(html: &mut Html, summary: &Summary, causes: &[&CauseSummary], section: &Apart) {
    if causes.is_empty() {
        return;
    }
    open_section(html, section.id, section.title);
    html.el("p", &[], section.intro);
    html.open("ul", &[("class", "causes")]);
    for cause in causes {
        html.open("li", &[])
            .el("strong", &[], &cause.title)
            .text(&format!(
                ": behind {}.",
                of_flagged(cause.flagged, summary.messages.flagged)
            ));
        explain(html, cause, section.fix_label);
        html.close("li");
    }
    html.close("ul").close("section");
}

fn filters(html: &mut Html, summary: &Summary) {
    if summary.filters.is_empty() {
        return;
    }
    open_section(html, "filters", "By filter");
    html.el(
        "p",
        &[],
        "Each spam filter that left a verdict in the messages: how many it flagged, and how its scores were spread against its threshold.",
    );
    for filter in &summary.filters {
        filter_block(html, filter);
    }
    html.close("section");
}

fn filter_block(html: &mut Html, f: &FilterSummary) {
    let name = filter_name(&f.filter);
    // A score on the filter's own scale (a probability, a reputation) has no line in points.
    let own_scale = crate::render::score_phrase(&f.filter, 0.0).is_some();
    heading(html, 3, &[], name);
    let show = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), format_points);
    table_head_aligned(
        html,
        &format!("{name}: messages, flagged and scores"),
        &[
            "Messages",
            "Flagged",
            "Threshold",
            "Lowest",
            "Median",
            "90% below",
            "Highest",
        ],
        &[0, 1, 2, 3, 4, 5, 6],
    );
    html.open("tr", &[]);
    for value in [
        thousands(f.messages),
        format!(
            "{} ({})",
            thousands(f.flagged),
            percent(f.flagged, f.messages)
        ),
        show(f.threshold.filter(|_| !own_scale)),
        show(f.min),
        show(f.median),
        show(f.p90),
        show(f.max),
    ] {
        html.el("td", &[("class", "num")], &value);
    }
    html.close("tr");
    table_end(html);
    if f.scored == 0 {
        note(html, "The headers of these messages show no score.");
        return;
    }
    let threshold = match f.threshold {
        Some(threshold) if !own_scale => threshold,
        _ => {
            note(
                html,
                &format!(
                    "{name} does not score in points against a threshold; the flagged count is what it decided."
                ),
            );
            return;
        }
    };
    let bins = shown_bins(&f.histogram, threshold);
    let most = bins.iter().map(|b| b.messages).max().unwrap_or(0);
    let caption = format!(
        "{name}: how many messages scored in each range; ranges from the threshold of {} up are over it",
        format_points(threshold)
    );
    table_head_aligned(
        html,
        &caption,
        &["Score", "Messages", "Against the threshold"],
        &[1],
    );
    let mut marked = false;
    for bin in bins {
        let over = is_over(bin, threshold);
        let first_over = over && !marked;
        marked |= over;
        let attrs: &[(&'static str, &str)] = if first_over {
            &[("class", "at-line")]
        } else {
            &[]
        };
        html.open("tr", attrs)
            .el("th", &[("scope", "row")], &range(bin.from, bin.to))
            .el("td", &[("class", "num")], &thousands(bin.messages));
        let side = if over { "over" } else { "under" };
        bar_cell(html, bin.messages, most, over, side);
        html.close("tr");
    }
    table_end(html);
    note(
        html,
        &format!(
            "The dashed line marks the threshold of {} (the one most of these headers give, or {name}'s default); empty ranges at either end are left out. Of {} scored messages, 90% scored below {}.",
            format_points(threshold),
            thousands(f.scored),
            show(f.p90)
        ),
    );
}

fn is_over(bin: &Bin, threshold: f64) -> bool {
    bin.from.is_some_and(|from| from >= threshold)
}

/// The histogram's ranges from the first to the last with messages, always keeping the two
/// on either side of the threshold so the line shows; ranges of no width are left out (a
/// threshold of 0 or less makes some).
fn shown_bins(histogram: &[Bin], threshold: f64) -> Vec<&Bin> {
    let bins: Vec<&Bin> = histogram
        .iter()
        .filter(|b| match (b.from, b.to) {
            (Some(from), Some(to)) => from < to,
            _ => true,
        })
        .collect();
    let line = bins.iter().position(|b| is_over(b, threshold));
    let filled = bins.iter().enumerate().filter(|(_, b)| b.messages > 0);
    let kept = filled
        .map(|(n, _)| n)
        .chain(line.into_iter().flat_map(|n| [n.saturating_sub(1), n]));
    let (Some(first), Some(last)) = (kept.clone().min(), kept.max()) else {
        return bins;
    };
    bins[first..=last].to_vec()
}

fn rules(html: &mut Html, summary: &Summary) {
    if summary.rules.is_empty() {
        return;
    }
    let flagged = summary.messages.flagged;
    open_section(html, "rules", "Top rules");
    html.el(
        "p",
        &[],
        "The filter rules that fired on most flagged messages, by the filters' own names (spamwhy explain RULE says what one means).",
    );
    table_head_aligned(
        html,
        "Rules that fired on most flagged messages",
        &[
            "Rule",
            "Filter",
            "Flagged messages",
            "Share of flagged",
            "All messages",
        ],
        &[2, 4],
    );
    for rule in &summary.rules {
        html.open("tr", &[])
            .open("th", &[("scope", "row")])
            .el("code", &[], &rule.rule)
            .close("th")
            .el("td", &[], filter_name(&rule.filter))
            .el("td", &[("class", "num")], &thousands(rule.flagged));
        bar_cell(
            html,
            rule.flagged,
            flagged,
            true,
            &percent(rule.flagged, flagged),
        );
        html.el("td", &[("class", "num")], &thousands(rule.messages))
            .close("tr");
    }
    table_end(html);
    if summary.distinct_rules > summary.rules.len() as u64 {
        note(
            html,
            &format!(
                "{} distinct rules fired in all.",
                thousands(summary.distinct_rules)
            ),
        );
    }
    html.close("section");
}

/// "and 12 messages (3 flagged) whose ..." for the rows a breakdown has no key for.
fn rest(html: &mut Html, count: Count, what: &str) {
    if count.messages > 0 {
        note(
            html,
            &format!(
                "{} message{} ({} flagged) {what}.",
                thousands(count.messages),
                if count.messages == 1 { "" } else { "s" },
                thousands(count.flagged)
            ),
        );
    }
}

fn servers(html: &mut Html, summary: &Summary) {
    if summary.servers.is_empty() && summary.unknown_server.messages == 0 {
        return;
    }
    open_section(html, "servers", "Sending servers");
    html.el(
        "p",
        &[],
        "The server that handed each message to the recipient's side, as the recipient's server recorded it: its address, the name its address points back to (reverse DNS) and the name it greeted with (HELO).",
    );
    if !summary.servers.is_empty() {
        table_head_aligned(
            html,
            "Sending servers, most flagged messages first",
            &["IP address", "Reverse DNS", "HELO", "Messages", "Flagged"],
            &[3, 4],
        );
        for s in &summary.servers {
            row(
                html,
                s.server.ip.as_deref().unwrap_or("unknown"),
                &[
                    s.server.rdns.as_deref().unwrap_or("none"),
                    s.server.helo.as_deref().unwrap_or("unknown"),
                ],
                &[s.messages, s.flagged],
            );
        }
        table_end(html);
    }
    if summary.distinct_servers > summary.servers.len() as u64 {
        note(
            html,
            &format!(
                "{} distinct sending servers in all.",
                thousands(summary.distinct_servers)
            ),
        );
    }
    rest(
        html,
        summary.other_servers,
        "came from servers beyond the first 20,000 counted",
    );
    rest(
        html,
        summary.unknown_server,
        "had no Received header showing where they entered",
    );
    html.close("section");
}

fn domains(html: &mut Html, summary: &Summary) {
    if summary.from_domains.is_empty() && summary.no_from_domain.messages == 0 {
        return;
    }
    open_section(html, "domains", "From domains");
    if !summary.from_domains.is_empty() {
        table_head_aligned(
            html,
            "From domains, most flagged messages first",
            &["Domain", "Messages", "Flagged"],
            &[1, 2],
        );
        for d in &summary.from_domains {
            row(html, &d.domain, &[], &[d.messages, d.flagged]);
        }
        table_end(html);
    }
    if summary.distinct_from_domains > summary.from_domains.len() as u64 {
        note(
            html,
            &format!(
                "{} distinct From domains in all.",
                thousands(summary.distinct_from_domains)
            ),
        );
    }
    rest(html, summary.no_from_domain, "had no From domain");
    html.close("section");
}

fn inputs(html: &mut Html, summary: &Summary) {
    open_section(html, "inputs", "Inputs and failures");
    if !summary.inputs.is_empty() {
        table_head_aligned(
            html,
            "Inputs read",
            &["Input", "Kind", "Messages", "Could not be read"],
            &[2, 3],
        );
        for input in &summary.inputs {
            row(
                html,
                &input.input,
                &[&input.kind],
                &[input.messages, input.failed],
            );
        }
        table_end(html);
    }
    if !summary.input_failures.is_empty() {
        heading(html, 3, &[], "Inputs that could not be read at all");
        table_head_aligned(
            html,
            "Inputs that could not be read",
            &["Input", "Problem"],
            &[],
        );
        for failure in &summary.input_failures {
            row(html, &failure.input, &[&failure.error], &[]);
        }
        table_end(html);
    }
    let failed = summary.messages.failed;
    if failed == 0 {
        note(html, "Every message found could be read.");
    } else {
        heading(html, 3, &[], "Messages that could not be read");
        html.el(
            "p",
            &[],
            "Each with the file that holds it, its number in its input (counting from 0) and the byte where it starts, as on the error lines spamwhy printed.",
        );
        table_head_aligned(
            html,
            "Messages that could not be read",
            &["File", "Message", "At byte", "Problem"],
            &[1, 2],
        );
        for f in summary.failures.iter().take(FAILURES_SHOWN) {
            html.open("tr", &[])
                .el("th", &[("scope", "row")], &f.position.path)
                .el("td", &[("class", "num")], &f.position.index.to_string())
                .el("td", &[("class", "num")], &f.position.offset.to_string())
                .el("td", &[], &f.error)
                .close("tr");
        }
        table_end(html);
        if failed > FAILURES_SHOWN.min(summary.failures.len()) as u64 {
            note(
                html,
                &format!(
                    "{} messages could not be read in all; --format json lists the first 1,000.",
                    thousands(failed)
                ),
            );
        }
    }
    html.close("section");
}
