//! SpamAssassin verdicts, in every way it reaches a message: its own headers (also through
//! Amavis), Exim's `X-Spam_*` integration, Fastmail's `X-Spam-hits`, and MailScanner.

use spamwhy_headers::spamassassin::{
    self as sa, SpamStatus, parse_checker_version, parse_exim_spam_report,
    parse_mailscanner_spamcheck, parse_score, parse_spam_flag, parse_spam_hits, parse_spam_level,
    parse_spam_report, parse_spam_status,
};

use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

const FILTER: &str = "spamassassin";

/// Whether an `X-Spam-Status` value is SpamAssassin's own form rather than the score-only
/// line that Rspamd and Stalwart write under the same name.
pub fn is_spamassassin_status(value: &str) -> bool {
    parse_spam_status(value).is_ok_and(|s| {
        !s.tests.is_empty()
            || s.required.is_some()
            || s.tagged_above.is_some()
            || s.version.is_some()
            || s.autolearn.is_some()
    }) || value.contains("tests=")
        || value.contains("required=")
}

pub fn read(fields: &mut Fields<'_>) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    let fastmail = fields.has("X-Spam-hits") && !fields.has("X-Spam-Status");
    if fastmail {
        verdicts.push(read_fastmail(fields));
    }
    verdicts.extend(read_native(fields));
    if let Some(verdict) = read_exim(fields) {
        verdicts.push(verdict);
    }
    verdicts.extend(read_mailscanner(fields));
    verdicts
}

fn add_tests(builder: &mut VerdictBuilder, tests: &[sa::Test]) {
    for test in tests {
        builder.rule(&test.name, test.score, None, Vec::new());
    }
}

/// Rows of a points table: each rule with its points, the description the message carries,
/// and the `[...]` detail lines as options.
fn add_report_lines(builder: &mut VerdictBuilder, lines: Vec<sa::ReportLine>) {
    for line in lines {
        builder.rule(
            &line.name,
            Some(line.points),
            Some(line.description),
            line.details,
        );
    }
}

fn apply_status(builder: &mut VerdictBuilder, status: SpamStatus) {
    builder.verdict.spam = status.is_spam;
    builder.verdict.score = status.score;
    builder.verdict.threshold = status.required;
    add_tests(builder, &status.tests);
    let details = [
        ("tagged_above", status.tagged_above.map(|v| v.to_string())),
        ("autolearn", status.autolearn),
        ("autolearn_force", status.autolearn_force),
        ("shortcircuit", status.shortcircuit),
        ("version", status.version),
    ];
    for (name, value) in details {
        if let Some(value) = value {
            builder.detail(name, value);
        }
    }
    for (name, value) in status.other {
        builder.detail(&name, value);
    }
}

/// SpamAssassin's own headers; one verdict per `X-Spam-Status` (a message scanned twice
/// carries two), the other headers going with the topmost.
fn read_native(fields: &mut Fields<'_>) -> Vec<Verdict> {
    let statuses = fields.take_where(|f| f.is("X-Spam-Status") && is_spamassassin_status(&f.value));
    let flags = fields.take("X-Spam-Flag");
    let levels = fields.take("X-Spam-Level");
    let scores = fields.take("X-Spam-Score");
    let reports = fields
        .take_where(|f| f.is("X-Spam-Report") && !f.value.trim_start().starts_with("Action:"));
    let versions = fields.take("X-Spam-Checker-Version");
    let amavis = fields.take_where(|f| f.name_starts_with("x-amavis") || f.is("x-quarantine-id"));
    let scanned_by_amavis = fields
        .take_where(|f| f.is("X-Virus-Scanned") && f.value.to_ascii_lowercase().contains("amavis"));
    if statuses.is_empty()
        && flags.is_empty()
        && levels.is_empty()
        && scores.is_empty()
        && reports.is_empty()
        && versions.is_empty()
    {
        return Vec::new();
    }

    let mut verdicts = Vec::new();
    let mut builder = VerdictBuilder::new(FILTER);
    if !scanned_by_amavis.is_empty() || !amavis.is_empty() {
        builder.verdict.via = Some("amavis".to_owned());
    }
    for field in scanned_by_amavis.iter().chain(&amavis) {
        builder.read(field);
        builder.detail(&field.name, field.unfolded());
    }
    let mut statuses = statuses.into_iter();
    if let Some(field) = statuses.next() {
        match parse_spam_status(&field.value) {
            Ok(status) => {
                builder.read(field);
                if status.tagged_above.is_some() {
                    builder.verdict.via = Some("amavis".to_owned());
                }
                apply_status(&mut builder, status);
            }
            Err(e) => builder.error(field, &e),
        }
    }
    for field in &flags {
        builder.read(field);
        if builder.verdict.spam.is_none() {
            builder.verdict.spam = parse_spam_flag(&field.value);
        }
    }
    for field in &reports {
        match parse_spam_report(&field.value) {
            Ok(report) if !report.lines.is_empty() || report.score.is_some() => {
                builder.read(field);
                builder.verdict.score = builder.verdict.score.or(report.score);
                builder.verdict.threshold = builder.verdict.threshold.or(report.required);
                add_report_lines(&mut builder, report.lines);
            }
            // Some sites put the status template in X-Spam-Report.
            report => match parse_spam_status(&field.value) {
                Ok(status) if is_spamassassin_status(&field.value) => {
                    builder.read(field);
                    builder.verdict.spam = builder.verdict.spam.or(status.is_spam);
                    builder.verdict.score = builder.verdict.score.or(status.score);
                    builder.verdict.threshold = builder.verdict.threshold.or(status.required);
                    add_tests(&mut builder, &status.tests);
                }
                _ => match report {
                    Ok(_) => builder.read(field),
                    // "(no report template found)": SA-Exim saying there is nothing to show.
                    Err(_)
                        if field.unfolded().starts_with('(') && field.unfolded().ends_with(')') =>
                    {
                        builder.read(field);
                        builder.detail("report", field.unfolded());
                    }
                    Err(e) => builder.error(field, &e),
                },
            },
        }
    }
    // X-Spam-Score is only a fallback: other software writes it too, and the status line or
    // the report's own summary is SpamAssassin's own word.
    for field in &scores {
        match parse_score(&field.value) {
            Ok(score) => {
                builder.read(field);
                builder.verdict.score = builder.verdict.score.or(Some(score));
            }
            Err(e) => builder.error(field, &e),
        }
    }
    for field in &levels {
        builder.read(field);
        builder.detail("level", parse_spam_level(&field.value).to_string());
    }
    for field in &versions {
        builder.read(field);
        match parse_checker_version(&field.value) {
            Some(checker) => {
                if let Some(host) = checker.host {
                    builder.detail("host", host);
                }
                if let Some(version) = checker.version {
                    builder.detail("checker_version", version);
                }
            }
            None => builder.detail("checker_version", field.unfolded()),
        }
    }
    builder.infer_spam_from_score();
    verdicts.push(builder.finish());

    for field in statuses {
        let mut builder = VerdictBuilder::new(FILTER);
        match parse_spam_status(&field.value) {
            Ok(status) => {
                builder.read(field);
                apply_status(&mut builder, status);
            }
            Err(e) => builder.error(field, &e),
        }
        builder.infer_spam_from_score();
        verdicts.push(builder.finish());
    }
    verdicts
}

/// Exim's built-in SpamAssassin client: `X-Spam_score`, `X-Spam_report`, `X-Spam_bar`...
fn read_exim(fields: &mut Fields<'_>) -> Option<Verdict> {
    let exim = fields.take_where(|f| f.name_starts_with("x-spam_"));
    if exim.is_empty() {
        return None;
    }
    let mut builder = VerdictBuilder::new(FILTER);
    builder.verdict.via = Some("exim".to_owned());
    for field in &exim {
        builder.read(field);
        let value = field.unfolded();
        match field.name.to_ascii_lowercase().as_str() {
            "x-spam_score" => match parse_score(&value) {
                Ok(score) => builder.verdict.score = Some(score),
                Err(e) => builder.error(field, &e),
            },
            "x-spam_score_int" => match parse_score(&value) {
                Ok(tenths) => {
                    builder.verdict.score = builder.verdict.score.or(Some(tenths / 10.0));
                }
                Err(e) => builder.error(field, &e),
            },
            "x-spam_report" => match parse_exim_spam_report(&field.value) {
                Ok(report) => {
                    builder.verdict.score = builder.verdict.score.or(report.score);
                    builder.verdict.threshold = report.required;
                    add_report_lines(&mut builder, report.lines);
                    add_tests(&mut builder, &report.tests);
                    if let Some(autolearn) = report.autolearn {
                        builder.detail("autolearn", autolearn);
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            "x-spam_action" => builder.verdict.action = Some(value),
            "x-spam_bar" => builder.detail("bar", value),
            _ => builder.detail(&field.name, value),
        }
    }
    builder.infer_spam_from_score();
    Some(builder.finish())
}

/// Fastmail runs SpamAssassin and reports its hits with scores but no threshold.
fn read_fastmail(fields: &mut Fields<'_>) -> Verdict {
    let mut builder = VerdictBuilder::new(FILTER);
    builder.verdict.via = Some("fastmail".to_owned());
    for field in fields.take_where(|f| {
        [
            "X-Spam-hits",
            "X-Spam-score",
            "X-Spam-known-sender",
            "X-Spam-sender-reputation",
            "X-Spam-source",
            "X-Spam-charsets",
        ]
        .iter()
        .any(|name| f.is(name))
    }) {
        builder.read(field);
        if field.is("X-Spam-hits") {
            match parse_spam_hits(&field.value) {
                Ok(hits) => {
                    add_tests(&mut builder, &hits.tests);
                    for (name, value) in hits.metadata {
                        builder.detail(&name.to_ascii_lowercase(), value);
                    }
                }
                Err(e) => builder.error(field, &e),
            }
        } else if field.is("X-Spam-score") {
            match parse_score(&field.value) {
                Ok(score) => builder.verdict.score = Some(score),
                Err(e) => builder.error(field, &e),
            }
        } else {
            builder.detail(&field.name.to_ascii_lowercase(), field.unfolded());
        }
    }
    builder.finish()
}

/// MailScanner names its headers after the organisation: `X-<Org>-MailScanner-SpamCheck`.
fn read_mailscanner(fields: &mut Fields<'_>) -> Vec<Verdict> {
    let all = fields.take_where(|f| f.name_contains("mailscanner"));
    if all.is_empty() {
        return Vec::new();
    }
    let mut verdicts: Vec<VerdictBuilder> = Vec::new();
    for field in all
        .iter()
        .filter(|f| f.name.to_ascii_lowercase().ends_with("-spamcheck"))
    {
        let mut builder = VerdictBuilder::new(FILTER);
        builder.verdict.via = Some("mailscanner".to_owned());
        match parse_mailscanner_spamcheck(&field.value) {
            Ok(check) => {
                builder.read(field);
                builder.verdict.spam = check.is_spam;
                builder.verdict.score = check.score;
                builder.verdict.threshold = check.required;
                add_tests(&mut builder, &check.tests);
                if let Some(cached) = check.cached {
                    builder.detail("cached", cached.to_string());
                }
            }
            Err(e) => builder.error(field, &e),
        }
        verdicts.push(builder);
    }
    if verdicts.is_empty() {
        // Only "scanned by MailScanner" markers: still a verdict, with nothing decided.
        let mut builder = VerdictBuilder::new(FILTER);
        builder.verdict.via = Some("mailscanner".to_owned());
        verdicts.push(builder);
    }
    if let Some(first) = verdicts.first_mut() {
        for field in all
            .iter()
            .filter(|f| !f.name.to_ascii_lowercase().ends_with("-spamcheck"))
        {
            first.read(field);
            first.detail(&field.name, field.unfolded());
        }
    }
    verdicts
        .into_iter()
        .map(|mut builder| {
            builder.infer_spam_from_score();
            builder.finish()
        })
        .collect()
}
