//! The diagnosis told as a story for people: a headline saying whether and why the message
//! was treated as spam, then problems in order of cost, what was not the sender's doing,
//! what helped, and what is already right. `explain` and `markdown` print the same story.

use std::fmt::Write;

use super::{filter_name, format_points, score_phrase};
use crate::diagnose::what_if::short_name;
use crate::report::{Finding, FindingRule, FixRecord, Report, Side, Verdict};

pub struct Narrative {
    pub headline: String,
    /// "What if", one sentence per filter whose score flagged the message (or could have).
    pub what_if: Vec<String>,
    pub problems: Vec<Item>,
    pub receiver: Vec<Item>,
    /// `RULE (points): meaning` for each rule that lowered the score.
    pub helped: Vec<String>,
    /// Rules the tables do not know, with their points.
    pub unrecognised: Vec<String>,
    pub passed: Vec<String>,
}

pub struct Item {
    /// The cause id.
    pub cause: String,
    pub title: String,
    /// "added 4.2 points (5 make it spam)", when the cause cost points.
    pub cost: Option<String>,
    pub explanation: String,
    pub fix: String,
    pub ask: String,
    /// What in the message shows it, in plain words.
    pub seen: Vec<String>,
    /// `RULE: what it means` for every rule behind it.
    pub rules: Vec<String>,
    /// What fixing this alone would do to each flagging score.
    pub what_if: Vec<String>,
    /// Records to publish for it.
    pub records: Vec<RecordText>,
}

/// A fix record in words: the value to paste on its own, and the rest as sentences.
pub struct RecordText {
    /// "TXT record at _dmarc.example.com".
    pub heading: String,
    /// Exactly what to paste.
    pub value: String,
    /// "In the DNS zone example.com; published by whoever runs its DNS. Replaces: ..."
    pub place: String,
    pub why: String,
    /// `TEXT: what to put there instead`.
    pub placeholders: Vec<String>,
    pub notes: Vec<String>,
}

impl RecordText {
    pub fn from_record(record: &FixRecord) -> Self {
        let mut place = format!(
            "In the DNS zone {}; published by {}.",
            record.zone, record.publisher
        );
        if let Some(replaces) = &record.replaces {
            let _ = write!(place, " It replaces: {replaces}");
        }
        RecordText {
            heading: format!("{} record at {}", record.record_type, record.name),
            value: record.value.clone(),
            place,
            why: record.why.clone(),
            placeholders: record
                .placeholders
                .iter()
                .map(|p| format!("{} is {}", p.text, p.meaning))
                .collect(),
            notes: record.notes.clone(),
        }
    }
}

/// Verdicts whose what-if is worth telling: the score is over the line, or the filter
/// flagged the message anyway.
fn telling(verdict: &Verdict) -> bool {
    verdict.what_if.as_ref().is_some_and(|w| {
        w.outcome != "already-under"
            || verdict.spam == Some(true)
            || verdict.action.as_deref().is_some_and(|a| a != "no action")
    })
}

/// "SpamAssassin: 10.9 → 6.7 if this alone is fixed (still over 5)", per flagging verdict.
pub fn fix_alone(report: &Report, cause: &str) -> Vec<String> {
    report
        .verdicts
        .iter()
        .filter(|v| telling(v))
        .filter_map(|v| {
            let what_if = v.what_if.as_ref()?;
            if what_if.outcome == "already-under" {
                return None;
            }
            let fix = what_if.fixes.iter().find(|f| f.cause == cause)?;
            if fix.points < 0.05 {
                return Some(format!(
                    "Fixing this alone would barely change {}'s score: it adds {} points",
                    filter_name(&v.filter),
                    format_points(fix.points)
                ));
            }
            let mut text = format!(
                "Fixing this alone would take {}'s score from {} to {}{} ({} the line of {})",
                filter_name(&v.filter),
                format_points(what_if.score),
                if what_if.estimated { "about " } else { "" },
                if what_if.estimated {
                    format_points((fix.score_after * 10.0).round() / 10.0)
                } else {
                    format_points(fix.score_after)
                },
                if fix.under_threshold {
                    "under"
                } else {
                    "still not under"
                },
                format_points(what_if.threshold)
            );
            if let Some(also) = &fix.also_clears {
                let _ = write!(
                    text,
                    "; that counts the {} points of the failed {} check, which passes once this is fixed",
                    format_points(also.points),
                    short_name(&also.cause)
                );
            }
            if let Some(note) = &fix.note {
                let _ = write!(text, "; but it is not a sure fix: {note}");
            }
            Some(text)
        })
        .collect()
}

pub fn tell(report: &Report) -> Narrative {
    let mut narrative = Narrative {
        headline: headline(report),
        what_if: {
            let told: Vec<&Verdict> = report.verdicts.iter().filter(|v| telling(v)).collect();
            told.iter()
                .filter_map(|v| {
                    let summary = &v.what_if.as_ref()?.summary;
                    Some(if told.len() == 1 {
                        summary.clone()
                    } else {
                        format!("{}: {summary}", filter_name(&v.filter))
                    })
                })
                .collect()
        },
        problems: Vec::new(),
        receiver: Vec::new(),
        helped: Vec::new(),
        unrecognised: Vec::new(),
        passed: report
            .passed
            .iter()
            .map(|p| p.description.clone())
            .collect(),
    };
    for finding in &report.findings {
        if finding.cause == "unknown" {
            narrative.unrecognised.extend(
                finding
                    .rules
                    .iter()
                    .map(|r| format!("{}{}", r.name, points_suffix(r.points))),
            );
            continue;
        }
        match finding.fault.as_str() {
            "receiver" => narrative.receiver.push(item(report, finding)),
            "none" => narrative.helped.extend(
                finding
                    .rules
                    .iter()
                    .filter(|r| r.points.is_none_or(|p| p < 0.0))
                    .map(rule_line),
            ),
            _ => narrative.problems.push(item(report, finding)),
        }
    }
    narrative
}

fn item(report: &Report, finding: &Finding) -> Item {
    let cost = (finding.points != 0.0).then(|| {
        let threshold = finding
            .filter
            .as_deref()
            .and_then(|f| report.verdicts.iter().find(|v| v.filter == f))
            .and_then(|v| v.threshold);
        let verb = if finding.points > 0.0 {
            "added"
        } else {
            "took off"
        };
        let mut text = format!(
            "{verb} {} point{}",
            format_points(finding.points.abs()),
            if finding.points.abs() == 1.0 { "" } else { "s" }
        );
        if let (Some(threshold), Some(filter)) = (threshold, finding.filter.as_deref()) {
            let _ = write!(text, "; {}", limit_phrase(filter, threshold));
        }
        text
    });
    let mut seen: Vec<String> = finding
        .evidence
        .iter()
        .filter(|e| !is_filter_header(report, &e.header))
        .filter_map(|e| e.note.clone())
        .collect();
    seen.dedup();
    Item {
        cause: finding.cause.clone(),
        title: finding.title.clone(),
        cost,
        explanation: finding.explanation.clone(),
        fix: finding.fix.clone(),
        ask: finding.ask.clone(),
        seen,
        rules: finding.rules.iter().map(rule_line).collect(),
        what_if: fix_alone(report, &finding.cause),
        records: report
            .fix_records
            .iter()
            .filter(|r| r.cause == finding.cause)
            .map(RecordText::from_record)
            .collect(),
    }
}

/// Whether evidence under this header restates a filter's rule (its meaning is already in
/// the rule list): the spam filters' own headers and those of the gateway verdicts.
pub fn is_filter_header(report: &Report, header: &str) -> bool {
    let lower = header.to_ascii_lowercase();
    lower.starts_with("x-spam")
        || lower.starts_with("x-rspam")
        || report
            .verdicts
            .iter()
            .filter(|v| v.side != Side::Recipient)
            .any(|v| v.headers.iter().any(|h| h.eq_ignore_ascii_case(header)))
}

/// ` (+3.8)`, or nothing when the header gave no points.
pub fn points_suffix(points: Option<f64>) -> String {
    points.map_or_else(String::new, |p| {
        let sign = if p > 0.0 { "+" } else { "" };
        format!(" ({sign}{})", format_points(p))
    })
}

/// `RULE (+3.8): what it means`.
fn rule_line(rule: &FindingRule) -> String {
    let meaning = rule
        .meaning
        .as_deref()
        .unwrap_or("a rule this tool does not know in detail");
    format!("{}{}: {meaning}", rule.name, points_suffix(rule.points))
}

/// Whether and why, in one paragraph.
fn headline(report: &Report) -> String {
    let scoring: Vec<&Verdict> = report
        .verdicts
        .iter()
        .filter(|v| v.spam.is_some() || v.score.is_some())
        .filter(|v| v.filter != "greylisting")
        .filter(|v| v.side != Side::Sender)
        .collect();
    let outbound: Vec<&Verdict> = report
        .verdicts
        .iter()
        .filter(|v| v.side == Side::Sender)
        .collect();
    // The recipient's own verdicts first: they decided what happened to the message.
    let mut flagged: Vec<&&Verdict> = scoring.iter().filter(|v| v.spam == Some(true)).collect();
    flagged.sort_by_key(|v| v.side != Side::Recipient);
    let top_problem = report
        .findings
        .iter()
        .find(|f| f.fault.starts_with("sender"))
        .map(|f| f.title.clone());
    let mut text = String::new();
    if let Some(verdict) = flagged.first() {
        let _ = write!(text, "Yes. {}", verdict_sentence(verdict));
        if flagged.len() > 1 {
            let _ = write!(text, " {} other filter(s) agreed.", flagged.len() - 1);
        }
        if let Some(problem) = top_problem {
            let _ = write!(text, " The biggest problem the sender can fix: {problem}.");
        }
    } else if let Some(verdict) = scoring.first() {
        let _ = write!(text, "{}", verdict_sentence(verdict));
        if verdict.spam == Some(false) {
            text.push_str(" If the message still ended up in a spam folder, the recipient's mailbox or another filter that left no header decided that.");
        }
        if let Some(problem) = top_problem {
            let _ = write!(text, " The most important thing to improve: {problem}.");
        }
    } else if let Some(problem) = top_problem {
        let _ = write!(
            text,
            "The recipient's server left no spam score in the message, but its checks found problems that commonly send mail to the spam folder. The most important: {problem}."
        );
    } else {
        text.push_str("The message carries no spam score and no failed check that would explain a spam verdict.");
    }
    if let Some(first) = outbound.first() {
        let names: Vec<&str> = outbound.iter().map(|v| filter_name(&v.filter)).collect();
        let mut names = names;
        names.dedup();
        let said = match first.spam {
            Some(true) => " and flagged it",
            Some(false) => " and passed it",
            None => "",
        };
        let _ = write!(
            text,
            " Before it left, the sender's own outbound gateway ({}) scanned it{said}; that is the sender's filter, not the recipient's, and does not decide where it landed.",
            names.join(", ")
        );
    }
    text
}

/// What a filter's threshold means: SpamAssassin's is the spam line; the one in Rspamd's
/// headers is the score at which it refuses mail (it marks spam earlier, at a score each site
/// chooses).
fn limit_phrase(filter: &str, threshold: f64) -> String {
    match filter {
        "rspamd" => format!("it refuses messages at {} points", format_points(threshold)),
        "barracuda" => format!(
            "it starts acting on messages (tagging, quarantining or blocking) at {} points",
            format_points(threshold)
        ),
        "vade" => format!("its limit is {} points", format_points(threshold)),
        "fortinet" => format!("it calls a message spam from {}%", format_points(threshold)),
        "microsoft" => format!(
            "a spam confidence level of {} or more means spam",
            format_points(threshold)
        ),
        _ => format!("{} points make a message spam", format_points(threshold)),
    }
}

fn verdict_sentence(verdict: &Verdict) -> String {
    if verdict.filter == "microsoft" {
        return microsoft_sentence(verdict);
    }
    let name = filter_name(&verdict.filter);
    let outcome = match verdict.action.as_deref() {
        Some("reject") => "refused it",
        Some("soft reject") => "temporarily refused it",
        Some("greylist") => "delayed it",
        Some("quarantine") => "quarantined it",
        Some("block") => "blocked it",
        Some("tag") => "tagged it as spam",
        Some("throttle") if verdict.spam.is_none() => "slowed the sender down",
        Some("bulk folder") => "put it in the bulk (spam) folder",
        Some("rewrite subject") => "marked its subject as spam",
        Some("add header") => "marked it as spam",
        _ if verdict.spam == Some(true) => "treated it as spam",
        _ if verdict.spam == Some(false) => "did not treat it as spam",
        _ => "scored it",
    };
    let who = match verdict.side {
        Side::Unknown => format!("A spam filter on the way ({name})"),
        Side::Sender => format!("The sender's own outgoing filter ({name})"),
        Side::Recipient => format!("The recipient's spam filter ({name})"),
    };
    match (verdict.score, verdict.threshold) {
        (Some(score), _) if score_phrase(&verdict.filter, score).is_some() => format!(
            "{who} {outcome}; it shows {}.",
            score_phrase(&verdict.filter, score).unwrap_or_default()
        ),
        (Some(score), Some(threshold)) => format!(
            "{who} {outcome}: it gave the message {} points; {}.",
            format_points(score),
            limit_phrase(&verdict.filter, threshold)
        ),
        (Some(score), None) => format!(
            "{who} {outcome}, giving it {} points.",
            format_points(score)
        ),
        _ => format!("{who} {outcome}."),
    }
}

/// Microsoft's verdict: a spam confidence level (SCL) rather than points, where the mailbox
/// put the message, and whose filter it was.
fn microsoft_sentence(verdict: &Verdict) -> String {
    let outcome = match (verdict.spam, verdict.action.as_deref()) {
        (_, Some("junk")) => "treated it as spam and delivered it to the Junk Email folder",
        (_, Some("quarantine")) => "held it in quarantine, from where it was later released",
        (Some(true), _) => "treated it as spam",
        (Some(false), Some("inbox")) => "did not treat it as spam and delivered it to the Inbox",
        (Some(false), _) => "did not treat it as spam",
        _ => "scored it",
    };
    let who = match verdict.side {
        Side::Recipient => "The recipient's mail service (Microsoft 365)".to_owned(),
        Side::Sender if verdict.via.as_deref() == Some("intra-organisation") => {
            "Microsoft 365 of the organisation that both sent and received the message".to_owned()
        }
        Side::Sender => {
            "The sender's own Microsoft 365 organisation, checking the message on its way out,"
                .to_owned()
        }
        Side::Unknown => {
            "A Microsoft 365 organisation the message passed through (not the recipient's)"
                .to_owned()
        }
    };
    let mut text = format!("{who} {outcome}");
    if let Some(scl) = verdict.score {
        let _ = write!(
            text,
            ": it gave the message a spam confidence level of {}; {}",
            format_points(scl),
            limit_phrase("microsoft", verdict.threshold.unwrap_or(5.0))
        );
    }
    text.push('.');
    let threshold = verdict.threshold.unwrap_or(5.0);
    if verdict.spam == Some(true) && verdict.score.is_some_and(|scl| scl < threshold) {
        text.push_str(" The spam level itself was low: a protection policy (such as impersonation, spoofing, phishing or bulk mail, listed below) or a list acted on the message.");
    }
    if verdict.side == Side::Sender
        && verdict.spam == Some(true)
        && verdict.via.as_deref() == Some("outbound")
    {
        text.push_str(" Microsoft sends outgoing mail it judges to be spam through a separate group of servers with a poorer reputation, so other receivers are more likely to file it as spam too.");
    }
    text
}
