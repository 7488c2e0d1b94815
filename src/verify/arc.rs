//! ARC (RFC 8617): the chain of seals forwarders added.

use mail_auth::{AuthenticatedMessage, DkimResult, Parameters};
use spamwhy_headers::HeaderBlock;
use spamwhy_headers::dkim_signature::{SignatureHeader, parse_tag_list, strict_problems};

use super::{Verifier, block_on};
use crate::dns::cache::OfflineCache;
use crate::report::Check;

/// What makes the chain invalid whatever the cryptography says (RFC 8617 §4-5): a set
/// missing its seal or its message signature, or a malformed one.
fn structural_problems(headers: &HeaderBlock) -> Vec<String> {
    let instance = |value: &str| {
        parse_tag_list(value)
            .ok()
            .and_then(|tags| tags.into_iter().find(|(n, _)| n == "i").map(|(_, v)| v))
    };
    let mut problems = Vec::new();
    let seals: Vec<(Option<String>, &str)> = headers
        .all("ARC-Seal")
        .map(|f| (instance(&f.value), f.value.as_str()))
        .collect();
    let signatures: Vec<(Option<String>, &str)> = headers
        .all("ARC-Message-Signature")
        .map(|f| (instance(&f.value), f.value.as_str()))
        .collect();
    for (i, value) in &seals {
        let name = i.as_deref().unwrap_or("?");
        if !signatures.iter().any(|(j, _)| j == i) {
            problems.push(format!(
                "set i={name} has an ARC-Seal but no ARC-Message-Signature"
            ));
        }
        for problem in strict_problems(value, SignatureHeader::ArcSeal) {
            problems.push(format!("ARC-Seal i={name}: {problem}"));
        }
    }
    for (i, value) in &signatures {
        let name = i.as_deref().unwrap_or("?");
        if !seals.iter().any(|(j, _)| j == i) {
            problems.push(format!(
                "set i={name} has an ARC-Message-Signature but no ARC-Seal"
            ));
        }
        for problem in strict_problems(value, SignatureHeader::ArcMessageSignature) {
            problems.push(format!("ARC-Message-Signature i={name}: {problem}"));
        }
    }
    problems
}

pub fn check(
    verifier: &Verifier,
    cache: &OfflineCache<'_>,
    message: &AuthenticatedMessage<'_>,
    headers: &HeaderBlock,
) -> Option<Check> {
    let written =
        headers.first("ARC-Seal").is_some() || headers.first("ARC-Message-Signature").is_some();
    if !written && message.arc_seals().is_empty() && message.arc_message_signatures().is_empty() {
        return None;
    }
    // mail-auth accepts some broken chains; a structural fault fails the chain outright.
    let problems = structural_problems(headers);
    if !problems.is_empty() {
        return Some(Check {
            result: "fail".into(),
            reason: format!("the ARC chain is malformed: {}", problems.join("; ")),
        });
    }
    let output = block_on(
        verifier
            .authenticator()
            .verify_arc(Parameters::new(message).with_cache(cache)),
    );
    let sets = message.arc_seals().len();
    Some(match output.as_ref().map(|o| o.result()) {
        Some(DkimResult::Pass) => Check {
            result: "pass".into(),
            reason: format!("all {sets} ARC set(s) verify"),
        },
        Some(DkimResult::None) => Check {
            result: "none".into(),
            reason: format!("the message has {sets} ARC seal(s) but no complete ARC set to verify"),
        },
        Some(DkimResult::Fail(e) | DkimResult::Neutral(e)) => Check {
            result: "fail".into(),
            reason: format!("the ARC chain of {sets} set(s) does not verify: {e}"),
        },
        Some(DkimResult::PermError(e)) => Check {
            result: "permerror".into(),
            reason: format!("the ARC chain cannot be evaluated: {e}"),
        },
        Some(DkimResult::TempError(e)) => Check {
            result: "temperror".into(),
            reason: format!("a key lookup for the ARC chain failed: {e}"),
        },
        None => Check {
            result: "temperror".into(),
            reason: "ARC verification did not finish".into(),
        },
    })
}
