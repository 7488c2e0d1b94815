//! Turning a [`Report`](crate::report::Report) into output. Nothing before this module
//! prints; nothing in it looks at the message again.

pub mod escape;
pub mod explain;
pub mod json;
pub mod markdown;
pub mod narrative;
pub mod rule;
pub mod summary;
pub mod text;

/// Display names of the filter ids.
const FILTER_NAMES: &[(&str, &str)] = &[
    ("spamassassin", "SpamAssassin"),
    ("rspamd", "Rspamd"),
    ("stalwart", "Stalwart"),
    ("greylisting", "Greylisting"),
];

pub fn filter_name(id: &str) -> &str {
    FILTER_NAMES
        .iter()
        .find(|(key, _)| *key == id)
        .map_or(id, |(_, name)| name)
}

/// Points as filters print them: up to three decimals, no trailing zeros (`3.8`, `0.001`, `5`).
pub fn format_points(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}
