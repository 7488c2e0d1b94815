//! Kaspersky: `X-KSMG-*` (Secure Mail Gateway), `X-KSE-*` (Security for Exchange),
//! `X-KLMS-*` (Security for Linux Mail Server) and `X-SpamTest-*` (the older Anti-Spam), one
//! verdict per message.
//!
//! The status is the decision (not detected, spam, probable spam, blocklisted, mass mail);
//! the rate (0-100) is the score, how strongly the engine's checks fired. Each `{...}` item
//! of the info fields is a sign the engine found and becomes a rule; the other info lines are
//! details. A field with `Outbound` in its name shows the scan of outgoing mail, the
//! sender's.

use spamwhy_headers::HeaderField;
use spamwhy_headers::kaspersky::{Info, Status, parse_info_list, parse_rate, parse_status};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Side;
use crate::report::Verdict;

/// The part of a field name after the product prefix (`antispam-status`).
fn suffix(field: &HeaderField) -> String {
    let name = field.name.to_ascii_lowercase();
    for prefix in ["x-ksmg-", "x-kse-", "x-klms-", "x-spamtest-"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return if prefix == "x-spamtest-" {
                format!("antispam-{rest}")
            } else {
                rest.to_owned()
            };
        }
    }
    name
}

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken =
        fields.take_where(|f| starts_with_any(f, &["x-ksmg-", "x-kse-", "x-klms-", "x-spamtest-"]));
    if taken.is_empty() {
        return None;
    }
    let outbound = taken
        .iter()
        .any(|f| f.name.to_ascii_lowercase().contains("outbound"));
    let mut builder = VerdictBuilder::new("kaspersky");
    gateway.place(&mut builder, &taken, outbound.then_some(Side::Sender));
    for field in &taken {
        builder.read(field);
        let value = field.unfolded();
        match suffix(field).as_str() {
            "antispam-status" => match parse_status(&field.value) {
                Ok(status) => {
                    builder.verdict.spam = match status {
                        Status::NotDetected | Status::Trusted => Some(false),
                        Status::ScanError | Status::NotScanned => None,
                        _ => Some(true),
                    };
                    builder.detail("status", value);
                }
                Err(e) => builder.error(field, &e),
            },
            "antispam-rate" => match parse_rate(&field.value) {
                Ok(rate) => builder.verdict.score = Some(rate),
                Err(e) => builder.error(field, &e),
            },
            "antispam-method" => builder.detail("method", value),
            "antispam-info" => {
                for info in parse_info_list(&field.value) {
                    match info {
                        Info::Sign { name, detail } => {
                            builder.rule(&name, None, None, detail.into_iter().collect());
                        }
                        Info::Field { name, value } => {
                            builder.detail(&name.to_ascii_lowercase().replace(' ', "_"), value);
                        }
                        Info::Text(text) => builder.detail("info", text),
                    }
                }
            }
            "antispam-interceptor-info" => {
                let lower = value.to_ascii_lowercase();
                if ["fallback", "disabled", "timeout", "exceeded"]
                    .iter()
                    .any(|w| lower.contains(w))
                {
                    builder.detail("anti_spam", format!("not scanned ({value})"));
                } else {
                    builder.detail("interceptor", value);
                }
            }
            _ => builder.detail(&field.name, value),
        }
    }
    presence_only(&mut builder);
    Some(builder.finish())
}
