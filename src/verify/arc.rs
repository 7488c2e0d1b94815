//! ARC (RFC 8617): the chain of seals forwarders added.

use mail_auth::{AuthenticatedMessage, DkimResult, Parameters};

use super::{Verifier, block_on};
use crate::dns::cache::OfflineCache;
use crate::report::Check;

pub fn check(
    verifier: &Verifier,
    cache: &OfflineCache<'_>,
    message: &AuthenticatedMessage<'_>,
) -> Option<Check> {
    if message.arc_seals().is_empty() && message.arc_message_signatures().is_empty() {
        return None;
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
