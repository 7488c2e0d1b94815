//! Cisco Secure Email (IronPort ESA): `X-IronPort-*`, `IronPort-*`, `X-IPAS-Result`,
//! `X-SBRS`, `X-Amp-*`, and `X-Policy` when it names a mail flow policy.
//!
//! The verdict's score is the sender's reputation (SBRS, from -10 for a certain spam source
//! to +10, `None` when Cisco has no data); the sender group and mail flow policy show what
//! the gateway did with the connection because of it. The anti-spam result is an opaque blob
//! Cisco does not document: the verdict says so. Cisco tags suspected spam by default with
//! `[SUSPECTED SPAM]` in the subject, which is the one spam decision a message can show.

use spamwhy_headers::HeaderField;
use spamwhy_headers::cisco::{parse_ironport_av, parse_name, parse_sbrs};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

/// Cisco's default subject tag for suspected spam.
const SUSPECT_TAG: &str = "[SUSPECTED SPAM]";

fn is_cisco(field: &HeaderField) -> bool {
    starts_with_any(
        field,
        &[
            "x-ironport",
            "ironport-",
            "x-ipas-result",
            "x-sbrs",
            "x-amp-",
        ],
    ) || (field.is("X-Policy") && field.value.trim_start().starts_with('$'))
}

/// The rule for a sender group, by the default group names (both Cisco's older and newer
/// spellings).
fn sender_group_rule(group: &str) -> Option<&'static str> {
    match group.to_ascii_uppercase().replace('_', "").as_str() {
        "BLACKLIST" | "BLOCKEDLIST" => Some("SENDERGROUP_BLOCKED"),
        "SUSPECTLIST" => Some("SENDERGROUP_SUSPECT"),
        "UNKNOWNLIST" => Some("SENDERGROUP_UNKNOWN"),
        "WHITELIST" | "ALLOWEDLIST" => Some("SENDERGROUP_ALLOWED"),
        _ => None,
    }
}

/// The rule and action for a mail flow policy.
fn policy(policy: &str) -> (Option<&'static str>, Option<&'static str>) {
    match policy.trim_start_matches('$').to_ascii_uppercase().as_str() {
        "BLOCKED" => (Some("MAILFLOW_BLOCKED"), Some("reject")),
        "THROTTLED" => (Some("MAILFLOW_THROTTLED"), Some("throttle")),
        "TRUSTED" => (Some("MAILFLOW_TRUSTED"), Some("accept")),
        "ACCEPTED" => (None, Some("accept")),
        "RELAYED" => (None, Some("relay")),
        _ => (None, None),
    }
}

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(is_cisco);
    if taken.is_empty() {
        return None;
    }
    let tagged = fields.has_where(|f| f.is("Subject") && f.value.contains(SUSPECT_TAG));
    let mut builder = VerdictBuilder::new("cisco");
    gateway.place(&mut builder, &taken, None);
    for field in &taken {
        builder.read(field);
        let value = field.unfolded();
        match field.name.to_ascii_lowercase().as_str() {
            "x-sbrs" | "x-ironport-reputation" => match parse_sbrs(&field.value) {
                Ok(Some(score)) => {
                    builder.verdict.score = builder.verdict.score.or(Some(score));
                    if score < 0.0 {
                        builder.rule("SBRS_NEGATIVE", None, None, vec![value.clone()]);
                    }
                }
                Ok(None) => builder.rule("SBRS_NONE", None, None, vec![value.clone()]),
                Err(e) => builder.error(field, &e),
            },
            "x-ironport-sendergroup" => match parse_name(&field.value) {
                Ok(group) => {
                    if let Some(rule) = sender_group_rule(&group) {
                        builder.rule(rule, None, None, vec![group.clone()]);
                    }
                    builder.detail("sender_group", group);
                }
                Err(e) => builder.error(field, &e),
            },
            "x-ironport-mailflowpolicy" | "x-policy" => match parse_name(&field.value) {
                Ok(name) => {
                    let (rule, action) = policy(&name);
                    if let Some(rule) = rule {
                        builder.rule(rule, None, None, vec![name.clone()]);
                    }
                    if let Some(action) = action {
                        builder.verdict.action = Some(action.to_owned());
                    }
                    builder.detail("mail_flow_policy", name);
                }
                Err(e) => builder.error(field, &e),
            },
            "x-ironport-anti-spam-filtered" => {
                builder.detail(
                    "anti_spam",
                    format!("scanned ({value}); the result is not shown"),
                );
            }
            "x-ironport-anti-spam-result" | "x-ipas-result" => builder.detail(
                &field.name,
                "an opaque value Cisco does not document; it cannot be read",
            ),
            "x-ironport-av" => match parse_ironport_av(&field.value) {
                Ok(tags) => {
                    for (tag, val) in tags {
                        builder.detail(&format!("av_{tag}"), val);
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            _ => builder.detail(&field.name, value),
        }
    }
    if tagged {
        builder.verdict.spam = Some(true);
        builder.detail("subject_tag", SUSPECT_TAG);
    }
    presence_only(&mut builder);
    Some(builder.finish())
}
