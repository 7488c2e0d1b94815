//! Symantec (Broadcom) Email Security.cloud and Messaging Gateway: `X-SpamInfo` (how spam was
//! recognised, in words; the reason is the rule), `X-SpamReason` (a detection the customer's
//! settings did not act on), `X-Brightmail-*`, `X-StarScan-*`, `X-SYMC-*`, and the
//! `X-Spam-Flag` this service writes beside them (taken only when no SpamAssassin status is
//! present, so SpamAssassin keeps its own flag).

use spamwhy_headers::HeaderField;
use spamwhy_headers::symantec::{parse_spaminfo, parse_yes_no};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

fn is_symantec(field: &HeaderField) -> bool {
    starts_with_any(
        field,
        &[
            "x-spaminfo",
            "x-spamreason",
            "x-brightmail",
            "x-starscan",
            "x-symc-",
        ],
    )
}

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let mut taken = fields.take_where(is_symantec);
    if taken.is_empty() {
        return None;
    }
    if !fields.has("X-Spam-Status") {
        taken.extend(fields.take("X-Spam-Flag"));
        taken.sort_by_key(|f| f.offset);
    }
    let mut builder = VerdictBuilder::new("symantec");
    gateway.place(&mut builder, &taken, None);
    for field in &taken {
        builder.read(field);
        let value = field.unfolded();
        match field.name.to_ascii_lowercase().as_str() {
            "x-spaminfo" => match parse_spaminfo(&field.value) {
                Ok(reason) => {
                    builder.verdict.spam = Some(true);
                    builder.rule(&reason, None, None, Vec::new());
                }
                Err(e) => builder.error(field, &e),
            },
            "x-spamreason" => match parse_yes_no(&field.value) {
                Ok(true) => {
                    builder.verdict.spam = Some(true);
                    builder.verdict.action = Some("no action (passive detection)".to_owned());
                }
                Ok(false) => {}
                Err(e) => builder.error(field, &e),
            },
            "x-spam-flag" => match parse_yes_no(&field.value) {
                Ok(flag) => builder.verdict.spam = builder.verdict.spam.or(Some(flag)),
                Err(e) => builder.error(field, &e),
            },
            "x-brightmail-tracker" => builder.detail(
                &field.name,
                "encrypted tracking data; it only shows the engine scanned the message",
            ),
            _ => builder.detail(&field.name, value),
        }
    }
    presence_only(&mut builder);
    Some(builder.finish())
}
