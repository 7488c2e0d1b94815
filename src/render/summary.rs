//! The batch summary for people (`text`, `markdown`) and programs (`json`); the page is
//! [`html::summary`](super::html::summary), which shares the number formatting here.

use std::fmt::Write;

use super::escape::terminal_safe;
use super::markdown::md;
use super::{filter_name, format_points};
use crate::batch::summary::{Count, FilterSummary, Summary};

/// How many entries of each ranked list the text and Markdown forms show.
const SHOWN: usize = 10;
const BAR: usize = 30;

pub fn json(summary: &Summary) -> String {
    serde_json::to_string_pretty(summary).expect("a summary is always serialisable")
}

pub(crate) fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        "0%".to_owned()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// 12345 -> "12,345".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) fn range(from: Option<f64>, to: Option<f64>) -> String {
    match (from, to) {
        (None, Some(to)) => format!("< {}", format_points(to)),
        (Some(from), None) => format!(">= {}", format_points(from)),
        (Some(from), Some(to)) => format!("{} to {}", format_points(from), format_points(to)),
        (None, None) => "all".to_owned(),
    }
}

fn stats(f: &FilterSummary) -> String {
    let show = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), format_points);
    format!(
        "min {}, median {}, 90% below {}, max {}, mean {}",
        show(f.min),
        show(f.median),
        show(f.p90),
        show(f.max),
        show(f.mean)
    )
}

fn server_text(ip: &Option<String>, helo: &Option<String>, rdns: &Option<String>) -> String {
    format!(
        "{} (HELO {}, reverse DNS {})",
        terminal_safe(ip.as_deref().unwrap_or("?")),
        terminal_safe(helo.as_deref().unwrap_or("?")),
        terminal_safe(rdns.as_deref().unwrap_or("none"))
    )
}

fn count_text(c: &Count) -> String {
    format!(
        "{} messages, {} flagged",
        thousands(c.messages),
        thousands(c.flagged)
    )
}

pub fn text(summary: &Summary) -> String {
    let mut out = String::new();
    let m = &summary.messages;
    let _ = writeln!(
        out,
        "Batch summary: {} messages read from {} input{}",
        thousands(m.read),
        summary.inputs.len() + summary.input_failures.len(),
        if summary.inputs.len() + summary.input_failures.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    for input in &summary.inputs {
        let failed = if input.failed > 0 {
            format!(", {} could not be read", thousands(input.failed))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {} ({}): {} messages{failed}",
            terminal_safe(&input.input),
            input.kind,
            thousands(input.messages)
        );
    }
    for failure in &summary.input_failures {
        let _ = writeln!(
            out,
            "  {}: {}",
            terminal_safe(&failure.input),
            terminal_safe(&failure.error)
        );
    }
    let _ = writeln!(
        out,
        "  Flagged as spam by at least one filter: {} of {} analysed ({})",
        thousands(m.flagged),
        thousands(m.analysed),
        percent(m.flagged, m.analysed)
    );
    if m.headers_only > 0 {
        let _ = writeln!(
            out,
            "  Header sections only (no body): {}",
            thousands(m.headers_only)
        );
    }
    if m.skipped_files > 0 {
        let _ = writeln!(
            out,
            "  Files skipped (not mail): {}",
            thousands(m.skipped_files)
        );
    }

    if !summary.filters.is_empty() {
        let _ = writeln!(out, "\nFilters");
        for f in &summary.filters {
            let _ = writeln!(
                out,
                "  {}: {} messages, {} flagged ({}){}",
                filter_name(&f.filter),
                thousands(f.messages),
                thousands(f.flagged),
                percent(f.flagged, f.messages),
                f.threshold
                    .map(|t| format!(", threshold {}", format_points(t)))
                    .unwrap_or_default()
            );
            if f.scored == 0 {
                continue;
            }
            let _ = writeln!(out, "    scores: {}", stats(f));
            let most = f
                .histogram
                .iter()
                .map(|b| b.messages)
                .max()
                .unwrap_or(0)
                .max(1);
            let labels: Vec<String> = f.histogram.iter().map(|b| range(b.from, b.to)).collect();
            let width = labels.iter().map(String::len).max().unwrap_or(0);
            for (bin, label) in f.histogram.iter().zip(&labels) {
                let len = (bin.messages as usize * BAR).div_ceil(most as usize);
                let _ = writeln!(
                    out,
                    "    {label:>width$} | {:<BAR$} {}",
                    "#".repeat(len),
                    thousands(bin.messages)
                );
            }
        }
    }

    if !summary.causes.is_empty() {
        let _ = writeln!(out, "\nTop causes (share of flagged messages)");
        for (n, c) in summary.causes.iter().take(SHOWN).enumerate() {
            let _ = writeln!(
                out,
                "  {:>2}. {:>6} {:>9}  {} [{}, {}] ({} of all messages)",
                n + 1,
                percent(c.flagged, m.flagged),
                thousands(c.flagged),
                c.title,
                c.cause,
                c.fault,
                thousands(c.messages)
            );
        }
    }
    if !summary.rules.is_empty() {
        let _ = writeln!(out, "\nTop rules (share of flagged messages)");
        for (n, r) in summary.rules.iter().take(SHOWN).enumerate() {
            let _ = writeln!(
                out,
                "  {:>2}. {:>6} {:>9}  {} {} ({} of all messages)",
                n + 1,
                percent(r.flagged, m.flagged),
                thousands(r.flagged),
                filter_name(&r.filter),
                terminal_safe(&r.rule),
                thousands(r.messages)
            );
        }
    }
    if !summary.servers.is_empty() {
        let _ = writeln!(out, "\nSending servers (IP, HELO, reverse DNS)");
        for s in summary.servers.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "  {:>9} flagged of {:>9}  {}",
                thousands(s.flagged),
                thousands(s.messages),
                server_text(&s.server.ip, &s.server.helo, &s.server.rdns)
            );
        }
        if summary.distinct_servers > SHOWN as u64 {
            let _ = writeln!(
                out,
                "  ... {} distinct servers in all",
                thousands(summary.distinct_servers)
            );
        }
        if summary.unknown_server.messages > 0 {
            let _ = writeln!(
                out,
                "  sending server not known: {}",
                count_text(&summary.unknown_server)
            );
        }
    }
    if !summary.from_domains.is_empty() {
        let _ = writeln!(out, "\nFrom domains");
        for d in summary.from_domains.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "  {:>9} flagged of {:>9}  {}",
                thousands(d.flagged),
                thousands(d.messages),
                terminal_safe(&d.domain)
            );
        }
        if summary.distinct_from_domains > SHOWN as u64 {
            let _ = writeln!(
                out,
                "  ... {} distinct domains in all",
                thousands(summary.distinct_from_domains)
            );
        }
    }
    if m.failed > 0 {
        let _ = writeln!(out, "\nCould not be read: {} messages", thousands(m.failed));
        for f in summary.failures.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "  {} message {} at byte {}: {}",
                terminal_safe(&f.position.path),
                f.position.index,
                f.position.offset,
                terminal_safe(&f.error)
            );
        }
        if m.failed > SHOWN as u64 {
            let _ = writeln!(out, "  ... (all of them: --format json)");
        }
    }
    out
}

pub fn markdown(summary: &Summary) -> String {
    let mut out = String::new();
    let m = &summary.messages;
    let _ = writeln!(out, "# Spam report summary\n");
    let _ = writeln!(
        out,
        "{} messages read, {} analysed, **{} flagged** ({}), {} could not be read.\n",
        thousands(m.read),
        thousands(m.analysed),
        thousands(m.flagged),
        percent(m.flagged, m.analysed),
        thousands(m.failed)
    );
    let _ = writeln!(
        out,
        "| Input | Kind | Messages | Could not be read |\n|---|---|---:|---:|"
    );
    for input in &summary.inputs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&input.input),
            input.kind,
            thousands(input.messages),
            thousands(input.failed)
        );
    }
    if !summary.filters.is_empty() {
        let _ = writeln!(out, "\n## Filters\n");
        let _ = writeln!(
            out,
            "| Filter | Messages | Flagged | Threshold | Scores |\n|---|---:|---:|---:|---|"
        );
        for f in &summary.filters {
            let _ = writeln!(
                out,
                "| {} | {} | {} ({}) | {} | {} |",
                filter_name(&f.filter),
                thousands(f.messages),
                thousands(f.flagged),
                percent(f.flagged, f.messages),
                f.threshold.map_or_else(|| "-".to_owned(), format_points),
                if f.scored > 0 {
                    stats(f)
                } else {
                    "-".to_owned()
                }
            );
        }
    }
    if !summary.causes.is_empty() {
        let _ = writeln!(out, "\n## Top causes\n");
        let _ = writeln!(
            out,
            "| # | Cause | Whose | Flagged messages | Share of flagged | All messages |\n|---:|---|---|---:|---:|---:|"
        );
        for (n, c) in summary.causes.iter().take(SHOWN).enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} (`{}`) | {} | {} | {} | {} |",
                n + 1,
                md(&c.title),
                c.cause,
                c.fault,
                thousands(c.flagged),
                percent(c.flagged, m.flagged),
                thousands(c.messages)
            );
        }
    }
    if !summary.rules.is_empty() {
        let _ = writeln!(out, "\n## Top rules\n");
        let _ = writeln!(
            out,
            "| # | Filter | Rule | Flagged messages | Share of flagged | All messages |\n|---:|---|---|---:|---:|---:|"
        );
        for (n, r) in summary.rules.iter().take(SHOWN).enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                n + 1,
                filter_name(&r.filter),
                md(&r.rule),
                thousands(r.flagged),
                percent(r.flagged, m.flagged),
                thousands(r.messages)
            );
        }
    }
    if !summary.servers.is_empty() {
        let _ = writeln!(out, "\n## Sending servers\n");
        let _ = writeln!(
            out,
            "| IP | HELO | Reverse DNS | Messages | Flagged |\n|---|---|---|---:|---:|"
        );
        for s in summary.servers.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(s.server.ip.as_deref().unwrap_or("?")),
                md(s.server.helo.as_deref().unwrap_or("?")),
                md(s.server.rdns.as_deref().unwrap_or("none")),
                thousands(s.messages),
                thousands(s.flagged)
            );
        }
    }
    if !summary.from_domains.is_empty() {
        let _ = writeln!(out, "\n## From domains\n");
        let _ = writeln!(out, "| Domain | Messages | Flagged |\n|---|---:|---:|");
        for d in summary.from_domains.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(&d.domain),
                thousands(d.messages),
                thousands(d.flagged)
            );
        }
    }
    if m.failed > 0 {
        let _ = writeln!(out, "\n## Could not be read\n");
        let _ = writeln!(
            out,
            "| File | Message | Byte offset | Problem |\n|---|---:|---:|---|"
        );
        for f in summary.failures.iter().take(SHOWN) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&f.position.path),
                f.position.index,
                f.position.offset,
                md(&f.error)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
