//! SpamExperts (N-able Mail Assure, also under hosting companies' names):
//! `X-SpamExperts-Class`, `-Evidence`, `X-Recommended-Action`, and the `-Outgoing-` twins it
//! writes when it filtered the sender's outgoing mail.
//!
//! The class is the decision (`ham`, `spam`, `phish`, `virus`...), the evidence's number a
//! probability from 0 to 1, and the recommended action what the receiving server should do.

use spamwhy_headers::spamexperts::{parse_evidence, parse_word};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Side;
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    if !fields.has_where(|f| starts_with_any(f, &["x-spamexperts", "x-recommended-action"])) {
        return None;
    }
    let taken = fields.take_where(|f| {
        starts_with_any(f, &["x-spamexperts", "x-recommended-action", "x-filter-id"])
    });
    let outbound = taken
        .iter()
        .any(|f| f.name.to_ascii_lowercase().contains("outgoing"));
    let mut builder = VerdictBuilder::new("spamexperts");
    gateway.place(&mut builder, &taken, outbound.then_some(Side::Sender));
    for field in &taken {
        builder.read(field);
        let name = field.name.to_ascii_lowercase();
        if name.ends_with("-class") {
            match parse_word(&field.value) {
                Ok(class) => {
                    builder.verdict.spam = match class.as_str() {
                        "ham" | "clean" => Some(false),
                        "spam" | "phish" | "virus" | "malware" => Some(true),
                        _ => None,
                    };
                    if class != "ham" && class != "clean" {
                        builder.rule(&format!("class {class}"), None, None, Vec::new());
                    }
                    builder.detail("class", class);
                }
                Err(e) => builder.error(field, &e),
            }
        } else if name.ends_with("-evidence") {
            match parse_evidence(&field.value) {
                Ok(evidence) => {
                    builder.verdict.score = evidence.score;
                    builder.detail("evidence", evidence.source);
                }
                Err(e) => builder.error(field, &e),
            }
        } else if name == "x-recommended-action" {
            match parse_word(&field.value) {
                Ok(action) => builder.verdict.action = Some(action),
                Err(e) => builder.error(field, &e),
            }
        } else {
            builder.detail(&field.name, field.unfolded());
        }
    }
    presence_only(&mut builder);
    Some(builder.finish())
}
