//! Rspamd verdicts: the milter headers (`X-Spamd-Result`, `X-Rspamd-*`), third-party
//! integrations (`X-Rspamd-Score`/`-Report`/`-Bar`, Exim's `X-Spam-Report: Action:`), and
//! the score-only `X-Spam-Status`/`X-Rspam-Status` lines it writes.

use spamwhy_headers::HeaderField;
use spamwhy_headers::rspamd::{
    Symbol, parse_action, parse_bar, parse_exim_rspamd_report, parse_pre_result,
    parse_rspamd_report, parse_rspamd_score, parse_spamd_result,
};
use spamwhy_headers::spamassassin::{
    parse_score, parse_spam_flag, parse_spam_level, parse_spam_status,
};

use super::spamassassin::is_spamassassin_status;
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

/// Actions after which Rspamd's own `X-Spam-Status` says "No".
const NOT_SPAM_ACTIONS: &[&str] = &["no action", "greylist"];

fn is_rspamd_specific(field: &HeaderField) -> bool {
    ["x-spamd-", "x-rspamd-", "x-rspam-"]
        .iter()
        .any(|prefix| field.name_starts_with(prefix))
        || (field.is("x-spam-report") && field.value.trim_start().starts_with("Action:"))
}

/// One verdict per Rspamd scan: the topmost `X-Spamd-Result` with every other Rspamd
/// header, and one more verdict for each older `X-Spamd-Result` (a message scanned by two
/// Rspamd servers on its way).
pub fn read(fields: &mut Fields<'_>) -> Vec<Verdict> {
    let mut results = fields.take("X-Spamd-Result").into_iter();
    let first = results.next();
    let older: Vec<Verdict> = results
        .map(|field| {
            let mut builder = VerdictBuilder::new("rspamd");
            builder.detail("scan", "an earlier Rspamd scan on the way");
            read_spamd_result(&mut builder, field, &mut Vec::new());
            builder.finish()
        })
        .collect();
    let mut verdicts: Vec<Verdict> = read_main(fields, first).into_iter().collect();
    verdicts.extend(older);
    verdicts
}

fn read_spamd_result(builder: &mut VerdictBuilder, field: &HeaderField, symbols: &mut Vec<Symbol>) {
    builder.read(field);
    match parse_spamd_result(&field.value) {
        Ok(result) => {
            builder.verdict.score = result.score;
            builder.verdict.threshold = result.threshold;
            if result.is_reject == Some(true) {
                builder
                    .verdict
                    .action
                    .get_or_insert_with(|| "reject".to_owned());
                builder.verdict.spam = Some(true);
            }
            if let Some(metric) = result.metric {
                builder.detail("metric", metric);
            }
            for symbol in result.symbols {
                builder.rule(&symbol.name, symbol.score, None, symbol.options.clone());
                symbols.push(symbol);
            }
        }
        Err(e) => builder.error(field, &e),
    }
}

fn read_main(fields: &mut Fields<'_>, spamd_result: Option<&HeaderField>) -> Option<Verdict> {
    let specific = fields.take_where(is_rspamd_specific);
    if specific.is_empty() && spamd_result.is_none() {
        return None;
    }
    let sa_present =
        fields.has_where(|f| f.is("X-Spam-Status") && is_spamassassin_status(&f.value));
    let mut builder = VerdictBuilder::new("rspamd");
    let mut symbols: Vec<Symbol> = Vec::new();
    if let Some(field) = spamd_result {
        read_spamd_result(&mut builder, field, &mut symbols);
    }
    let from_result = !symbols.is_empty();
    for field in &specific {
        builder.read(field);
        let value = field.unfolded();
        match field.name.to_ascii_lowercase().as_str() {
            "x-rspamd-action" => match parse_action(&value) {
                Ok(action) => builder.verdict.action = Some(action),
                Err(e) => builder.error(field, &e),
            },
            "x-rspamd-score" => match parse_rspamd_score(&value) {
                Ok(score) => {
                    builder.verdict.score = builder.verdict.score.or(Some(score.score));
                    if let Some(first) = score.thresholds.first() {
                        builder.verdict.threshold = builder.verdict.threshold.or(Some(*first));
                    }
                    if score.thresholds.len() > 1 {
                        builder.detail("thresholds", value.clone());
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            "x-rspamd-report" => match parse_rspamd_report(&field.value) {
                Ok(found) if symbols.is_empty() => symbols = found,
                Ok(_) => {}
                Err(e) => builder.error(field, &e),
            },
            "x-spam-report" => match parse_exim_rspamd_report(&field.value) {
                Ok(report) => {
                    builder.verdict.via = Some("exim".to_owned());
                    if let Some(action) = report.action {
                        builder.verdict.action.get_or_insert(action);
                    }
                    if symbols.is_empty() {
                        symbols = report.symbols;
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            "x-rspamd-pre-result" => match parse_pre_result(&value) {
                Ok(pre) => {
                    if let Some(action) = pre.action {
                        builder.verdict.action.get_or_insert(action);
                    }
                    if let Some(module) = pre.module {
                        builder.detail("pre_result_module", module);
                    }
                    if let Some(message) = pre.message {
                        builder.detail("pre_result_message", message);
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            "x-spamd-bar" | "x-rspamd-bar" => match parse_bar(&value) {
                Ok(points) => {
                    builder.detail("bar", value.clone());
                    if builder.verdict.score.is_none() {
                        builder.detail("score_from_bar", points.to_string());
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            "x-rspam-status" => read_status(&mut builder, field),
            "x-rspam-flag" => {
                builder.verdict.spam = builder.verdict.spam.or(parse_spam_flag(&value));
            }
            "x-rspamd-server" => builder.detail("server", value),
            "x-rspamd-queue-id" => builder.detail("queue_id", value),
            _ => builder.detail(&field.name, value),
        }
    }
    // Headers Rspamd shares with other filters: take them only when SpamAssassin's own
    // form is absent.
    let shared = fields.take_where(|f| {
        (f.is("X-Spam-Status") && !is_spamassassin_status(&f.value))
            || (!sa_present
                && ["X-Spam", "X-Spam-Bar", "X-Spam-Level", "X-Spam-Flag"]
                    .iter()
                    .any(|name| f.is(name)))
    });
    // X-Spam-Score: the topmost one, when SpamAssassin does not claim it.
    let score_header = if sa_present {
        None
    } else {
        fields.take_first("X-Spam-Score")
    };
    // Set by the recipient's MTA from Rspamd's result (Exim's "Yes" with a tagged subject):
    // it marked the message as spam whatever Rspamd's own action said.
    let mut flagged = None;
    for field in shared.iter().chain(score_header.as_ref()) {
        builder.read(field);
        let value = field.unfolded();
        if field.is("X-Spam-Status") {
            if let Ok(status) = parse_spam_status(&field.value) {
                flagged = flagged.or(status.is_spam);
            }
            read_status(&mut builder, field);
        } else if field.is("X-Spam") || field.is("X-Spam-Flag") {
            flagged = flagged.or(parse_spam_flag(&value));
        } else if field.is("X-Spam-Level") {
            builder.detail("level", parse_spam_level(&field.value).to_string());
        } else if field.is("X-Spam-Score") {
            match parse_score(&value) {
                Ok(score) => builder.verdict.score = builder.verdict.score.or(Some(score)),
                Err(e) => builder.error(field, &e),
            }
        } else {
            builder.detail("bar", value);
        }
    }
    if !from_result {
        for symbol in symbols {
            builder.rule(&symbol.name, symbol.score, None, symbol.options);
        }
    }
    if let Some(action) = &builder.verdict.action {
        builder.verdict.spam = Some(!NOT_SPAM_ACTIONS.contains(&action.as_str()));
    }
    match (flagged, builder.verdict.spam) {
        (Some(true), Some(false)) => {
            builder.detail(
                "flagged_by_header",
                "the receiving server marked it as spam",
            );
            builder.verdict.spam = Some(true);
        }
        (Some(flag), None) => builder.verdict.spam = Some(flag),
        _ => {}
    }
    Some(builder.finish())
}

fn read_status(builder: &mut VerdictBuilder, field: &HeaderField) {
    match parse_spam_status(&field.value) {
        Ok(status) => {
            builder.verdict.spam = builder.verdict.spam.or(status.is_spam);
            builder.verdict.score = builder.verdict.score.or(status.score);
            builder.verdict.threshold = builder.verdict.threshold.or(status.required);
        }
        Err(e) => builder.error(field, &e),
    }
}
