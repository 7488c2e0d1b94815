//! Turning a [`Report`](crate::report::Report) into output. Nothing before this module
//! prints; nothing in it looks at the message again.

pub mod escape;
pub mod explain;
mod fixes;
pub mod html;
pub mod json;
pub mod markdown;
pub mod narrative;
pub mod rule;
pub mod summary;
pub mod text;
pub mod verification;

/// Display names of the filter ids.
const FILTER_NAMES: &[(&str, &str)] = &[
    ("spamassassin", "SpamAssassin"),
    ("rspamd", "Rspamd"),
    ("stalwart", "Stalwart"),
    ("greylisting", "Greylisting"),
    ("barracuda", "Barracuda"),
    ("proofpoint", "Proofpoint"),
    ("mimecast", "Mimecast"),
    ("cisco", "Cisco Secure Email (IronPort)"),
    ("trendmicro", "Trend Micro"),
    ("sophos", "Sophos"),
    ("vade", "Vade"),
    ("cloudmark", "Cloudmark"),
    ("symantec", "Symantec"),
    ("kaspersky", "Kaspersky"),
    ("fortinet", "Fortinet"),
    ("spamexperts", "SpamExperts"),
    ("gmx", "GMX"),
    ("cloudflare", "Cloudflare"),
    ("yahoo", "Yahoo"),
    ("zoho", "Zoho"),
    ("yandex", "Yandex"),
    ("mailru", "Mail.ru"),
    ("microsoft", "Microsoft 365"),
];

/// Filters whose score is not points against a spam line: how to say what it is. `{}` is
/// the score.
const SCALES: &[(&str, &str)] = &[
    ("sophos", "a spam probability of {}%"),
    (
        "cisco",
        "a sender reputation of {} (from -10, bad, to +10, good)",
    ),
    ("kaspersky", "a spam rate of {} out of 100"),
    ("proofpoint", "a score of {} out of 100"),
    ("spamexperts", "a spam probability of {} (0 to 1)"),
    ("fortinet", "a confidence of {}%"),
    ("yandex", "a spam level of {}"),
];

/// The score in words when the filter's scale is not points (`None` for points).
pub fn score_phrase(filter: &str, score: f64) -> Option<String> {
    SCALES
        .iter()
        .find(|(key, _)| *key == filter)
        .map(|(_, text)| text.replace("{}", &format_points(score)))
}

/// How to introduce a verdict's filter by its side: the recipient's, the sender's outbound
/// gateway, or one of unknown place.
pub fn side_label(side: crate::report::Side) -> Option<&'static str> {
    match side {
        crate::report::Side::Sender => Some("the sender's own outbound gateway"),
        crate::report::Side::Unknown => Some("side unknown"),
        crate::report::Side::Recipient => None,
    }
}

pub fn filter_name(id: &str) -> &str {
    FILTER_NAMES
        .iter()
        .find(|(key, _)| *key == id)
        .map_or(id, |(_, name)| name)
}

pub use crate::report::format_points;

/// Text filled to `width` columns (at least 40) behind `indent`, with control characters
/// escaped; never broken at a hyphen, so host names stay whole to be copied.
pub fn wrap(text: &str, indent: &str, width: usize) -> String {
    let options = textwrap::Options::new(width.max(40))
        .initial_indent(indent)
        .subsequent_indent(indent)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(&escape::terminal_safe(text), options)
}

/// An authentication result's properties, reason and comment as `key=value` words.
pub fn auth_details(entry: &crate::report::AuthenticationEntry) -> Vec<String> {
    let mut details: Vec<String> = entry
        .properties
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
            )
        })
        .collect();
    if let Some(reason) = &entry.reason {
        details.push(format!("reason={reason}"));
    }
    if let Some(comment) = &entry.comment {
        details.push(format!("({comment})"));
    }
    details
}
