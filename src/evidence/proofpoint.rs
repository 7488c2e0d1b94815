//! Proofpoint: `X-Proofpoint-Spam-Details` (the rule and policy that matched and the
//! classifiers' scores, each from 0 to 100), `X-Proofpoint-Virus-Version`, the message ids
//! and rewrite notes.
//!
//! Proofpoint filters outgoing mail as well; `policy=outbound` (or a rule named
//! `outbound_...`) marks the sender's own scan. The spam decision is the matched rule's
//! name: `notspam` and its variants mean clean, a rule naming a classifier (`spam`, `bulk`,
//! `phish`...) means caught. The classifiers' scores (0-100 each) are independent judgements,
//! not points that add up, so they become rules without points: the classifier the matched
//! rule names, and any scoring 50 or more (the middle of the scale, this tool's choice), with
//! the score as an option. The verdict's score is `score=`, else `spamscore=`.

use spamwhy_headers::HeaderBlock;
use spamwhy_headers::proofpoint::{SpamDetails, parse_pairs, parse_spam_details};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Side;
use crate::report::Verdict;

/// The classifier scores that say what kind of unwanted mail the message looks like.
const CLASSIFIERS: &[&str] = &[
    "spamscore",
    "phishscore",
    "bulkscore",
    "adultscore",
    "malwarescore",
    "impostorscore",
    "suspectscore",
    "lowpriorityscore",
];

/// A classifier score from which it is shown as a rule even when the matched rule does not
/// name it.
const RULE_LEVEL: f64 = 50.0;

/// Words in a rule name that mean the message was caught.
const CAUGHT: &[&str] = &[
    "spam",
    "bulk",
    "phish",
    "adult",
    "malware",
    "impostor",
    "suspect",
    "lowpriority",
];

fn caught(rule: &str) -> Option<bool> {
    let rule = rule.to_ascii_lowercase();
    if rule.contains("notspam") || rule.contains("not_spam") || rule == "safe" {
        Some(false)
    } else if CAUGHT.iter().any(|w| rule.contains(w)) {
        Some(true)
    } else {
        None
    }
}

/// Whether the details are of the sender's own, outgoing scan.
fn is_outbound(details: &SpamDetails) -> bool {
    details
        .rule
        .as_deref()
        .is_some_and(|rule| rule.to_ascii_lowercase().starts_with("outbound"))
        || details
            .policy
            .as_deref()
            .is_some_and(|policy| policy.eq_ignore_ascii_case("outbound"))
}

/// Whether Proofpoint's own details say the message went through its outgoing scan: then
/// Proofpoint's relays worked for the sender, not for the recipient (read before the trust
/// boundary is drawn).
pub fn scanned_outbound(block: &HeaderBlock) -> bool {
    block
        .all("X-Proofpoint-Spam-Details")
        .filter_map(|field| parse_spam_details(&field.value).ok())
        .any(|details| is_outbound(&details))
}

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-proofpoint"]));
    if taken.is_empty() {
        return None;
    }
    let mut builder = VerdictBuilder::new("proofpoint");
    let mut outbound = false;
    for field in &taken {
        builder.read(field);
        let name = field.name.to_ascii_lowercase();
        match name.as_str() {
            "x-proofpoint-spam-details-enc" => builder.detail(
                &field.name,
                "the same details, encrypted for Proofpoint's support: it cannot be read",
            ),
            "x-proofpoint-spam-details" => match parse_spam_details(&field.value) {
                Ok(details) => {
                    outbound |= is_outbound(&details);
                    if let Some(rule) = &details.rule {
                        builder.verdict.spam = caught(rule);
                        builder.detail("rule", rule.clone());
                    }
                    if let Some(policy) = &details.policy {
                        builder.detail("policy", policy.clone());
                    }
                    let spamscore = details
                        .scores
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("spamscore"))
                        .map(|(_, v)| *v);
                    builder.verdict.score = details.score.or(spamscore);
                    let matched = details
                        .rule
                        .as_deref()
                        .map(str::to_ascii_lowercase)
                        .unwrap_or_default();
                    for (key, value) in &details.scores {
                        let lower = key.to_ascii_lowercase();
                        let classifier = lower.trim_end_matches("score");
                        let named = !classifier.is_empty()
                            && matched.contains(classifier)
                            && !matched.contains("not");
                        if CLASSIFIERS.contains(&lower.as_str())
                            && *value > 0.0
                            && (named || *value >= RULE_LEVEL)
                        {
                            builder.rule(&lower, None, None, vec![format!("{value} of 100")]);
                        }
                        builder.detail(key, value.to_string());
                    }
                    builder.details(details.other);
                }
                Err(e) => builder.error(field, &e),
            },
            "x-proofpoint-virus-version" => match parse_pairs(&field.value) {
                Ok(pairs) => {
                    for (key, value) in pairs {
                        builder.detail(&format!("virus_{key}"), value);
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            _ => builder.detail(&field.name, field.unfolded()),
        }
    }
    gateway.place(&mut builder, &taken, outbound.then_some(Side::Sender));
    presence_only(&mut builder);
    Some(builder.finish())
}
