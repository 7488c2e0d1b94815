//! Barracuda Email Security Gateway: `X-Barracuda-*` and `X-ASG-*`.
//!
//! The score is SpamAssassin-style points; the status carries the three levels at which the
//! gateway tags, quarantines and blocks. The verdict's threshold is the lowest level in use
//! (a level of 1000 or more means that action is switched off) and its action is the
//! strongest level the score reached. The report's rows and the Bayes line are the rules;
//! Barracuda adds the Bayes points to the rows' sum.

use spamwhy_headers::HeaderField;
use spamwhy_headers::barracuda::{Levels, parse_bayes, parse_connect, parse_status};
use spamwhy_headers::spamassassin::{parse_score, parse_spam_report};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

/// Levels at or above this are a switched-off action.
const OFF: f64 = 1000.0;

/// The rule name under which the Bayes line's points are reported.
pub const BAYES_RULE: &str = "BARRACUDA_BAYES";

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-barracuda", "x-asg-"]));
    if taken.is_empty() {
        return None;
    }
    let mut builder = VerdictBuilder::new("barracuda");
    gateway.place(&mut builder, &taken, None);
    let mut levels = Levels::default();
    for field in &taken {
        read_field(&mut builder, field, &mut levels);
    }
    let enabled: Vec<(f64, &str)> = [
        (levels.tag, "tag"),
        (levels.quarantine, "quarantine"),
        (levels.kill, "block"),
    ]
    .into_iter()
    .filter_map(|(level, action)| level.filter(|l| *l < OFF).map(|l| (l, action)))
    .collect();
    builder.verdict.threshold = enabled.iter().map(|(l, _)| *l).reduce(f64::min);
    if let Some(score) = builder.verdict.score {
        let reached = enabled
            .iter()
            .filter(|(level, _)| score >= *level)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        builder.verdict.action = Some(reached.map_or("deliver", |(_, action)| action).to_owned());
    }
    builder.infer_spam_from_score();
    presence_only(&mut builder);
    Some(builder.finish())
}

fn read_field(builder: &mut VerdictBuilder, field: &HeaderField, levels: &mut Levels) {
    builder.read(field);
    let value = field.unfolded();
    match field.name.to_ascii_lowercase().as_str() {
        "x-barracuda-spam-status" => match parse_status(&field.value) {
            Ok(status) => {
                *levels = status.levels;
                let s = status.status;
                builder.verdict.spam = builder.verdict.spam.or(s.is_spam);
                builder.verdict.score = s.score.or(builder.verdict.score);
                for test in s.tests {
                    builder.rule(&test.name, test.score, None, Vec::new());
                }
                for (name, value) in [
                    ("tag_level", levels.tag),
                    ("quarantine_level", levels.quarantine),
                    ("kill_level", levels.kill),
                ] {
                    if let Some(value) = value {
                        builder.detail(name, value.to_string());
                    }
                }
                for (name, value) in s.other {
                    builder.detail(&name, value);
                }
            }
            Err(e) => builder.error(field, &e),
        },
        "x-barracuda-spam-score" => match parse_score(&field.value) {
            Ok(score) => builder.verdict.score = builder.verdict.score.or(Some(score)),
            Err(e) => builder.error(field, &e),
        },
        "x-barracuda-spam-report" => match parse_spam_report(&field.value) {
            Ok(report) => {
                if let Some(preamble) = report.preamble {
                    builder.detail("report_version", preamble);
                }
                for line in report.lines {
                    builder.rule(
                        &line.name,
                        Some(line.points),
                        Some(line.description),
                        line.details,
                    );
                }
            }
            Err(e) => builder.error(field, &e),
        },
        "x-barracuda-bayes" => match parse_bayes(&field.value) {
            Ok(bayes) => {
                let mut options = vec![bayes.verdict.clone()];
                options.extend(bayes.scope.clone());
                if let Some(probability) = bayes.numbers.first() {
                    options.push(format!("probability {probability}"));
                }
                let points = if bayes.numbers.len() >= 3 {
                    bayes.numbers.last().copied()
                } else {
                    None
                };
                builder.rule(BAYES_RULE, points, None, options);
                builder.detail("bayes", value);
            }
            Err(e) => builder.error(field, &e),
        },
        "x-barracuda-connect" => match parse_connect(&field.value) {
            Ok(connect) => {
                builder.detail(
                    "connect_host",
                    connect.host.unwrap_or_else(|| "unknown".to_owned()),
                );
                if let Some(ip) = connect.ip {
                    builder.detail("connect_ip", ip);
                }
            }
            Err(e) => builder.error(field, &e),
        },
        _ => builder.detail(&field.name, value),
    }
}
