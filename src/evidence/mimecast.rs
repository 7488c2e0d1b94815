//! Mimecast: `X-Mimecast-Spam-Score`, `-Spam-Signature`, `-Bulk-Signature`,
//! `-Impersonation-Protect`, `-Originator`, the processing ids and `X-MC-Unique`.
//!
//! Mimecast does not publish the scale of its spam score or what its signature words mean,
//! so the verdict shows the score without a spam decision. A bulk signature and every
//! impersonation check that came out `true` are rules. Mimecast also relays outgoing mail: an
//! `Authentication-Results: relay.mimecast.com; auth=pass` (the sender's users logged in to
//! submit) or Mimecast's delivery hosts on the entry hop mark the sender's scan.

use spamwhy_headers::mimecast::{parse_impersonation_protect, parse_signature, parse_spam_score};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Side;
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-mimecast", "x-mc-unique"]));
    if taken.is_empty() {
        return None;
    }
    let submitted = fields.has_where(|f| {
        f.is("Authentication-Results") && {
            let value = f.unfolded().to_ascii_lowercase();
            value.starts_with("relay.mimecast.com") && value.contains("auth=pass")
        }
    });
    let mut builder = VerdictBuilder::new("mimecast");
    for field in &taken {
        builder.read(field);
        match field.name.to_ascii_lowercase().as_str() {
            "x-mimecast-spam-score" => match parse_spam_score(&field.value) {
                Ok(score) => builder.verdict.score = Some(score),
                Err(e) => builder.error(field, &e),
            },
            "x-mimecast-spam-signature" => match parse_signature(&field.value) {
                Ok(word) => builder.detail("spam_signature", word),
                Err(e) => builder.error(field, &e),
            },
            "x-mimecast-bulk-signature" => match parse_signature(&field.value) {
                Ok(word) => {
                    if word == "yes" {
                        builder.rule("Bulk Signature", None, None, vec![word.clone()]);
                    }
                    builder.detail("bulk_signature", word);
                }
                Err(e) => builder.error(field, &e),
            },
            "x-mimecast-impersonation-protect" => match parse_impersonation_protect(&field.value) {
                Ok(protect) => {
                    if let Some(policy) = protect.policy {
                        builder.detail("impersonation_policy", policy);
                    }
                    for (check, hit) in protect.checks {
                        if hit {
                            builder.rule(&check, None, None, Vec::new());
                        }
                    }
                    for (name, value) in protect.other {
                        builder.detail(&name, value);
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            _ => builder.detail(&field.name, field.unfolded()),
        }
    }
    if submitted {
        builder.detail(
            "submission",
            "the sender authenticated to Mimecast to send this message",
        );
    }
    gateway.place(&mut builder, &taken, submitted.then_some(Side::Sender));
    presence_only(&mut builder);
    Some(builder.finish())
}
