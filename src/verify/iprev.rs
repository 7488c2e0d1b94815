//! iprev (RFC 8601 §3): the sending IP's PTR names, and whether one resolves back to it.

use std::net::IpAddr;

use mail_auth::{IprevResult, Parameters};

use super::{Verifier, block_on};
use crate::dns::RecordedDns;
use crate::dns::cache::OfflineCache;
use crate::report::IprevCheck;

pub fn check(
    verifier: &Verifier,
    cache: &OfflineCache<'_>,
    _dns: &RecordedDns,
    ip: IpAddr,
) -> IprevCheck {
    let output = block_on(
        verifier
            .authenticator()
            .verify_iprev(Parameters::new(ip).with_cache(cache)),
    );
    let ptr: Vec<String> = output
        .as_ref()
        .and_then(|o| o.ptr.as_ref())
        .map(|names| {
            names
                .iter()
                .map(|n| n.trim_end_matches('.').to_owned())
                .collect()
        })
        .unwrap_or_default();
    let (result, reason, forward_confirmed) = match output.as_ref().map(|o| &o.result) {
        Some(IprevResult::Pass) => (
            "pass",
            format!(
                "{ip} has the reverse DNS name {}, which points back to it",
                ptr.join(", ")
            ),
            true,
        ),
        Some(IprevResult::Fail(_)) => (
            "fail",
            format!(
                "{ip}'s reverse DNS name {} does not point back to {ip}",
                ptr.join(", ")
            ),
            false,
        ),
        Some(IprevResult::PermError(_)) if ptr.is_empty() => (
            "permerror",
            format!("{ip} has no reverse DNS (PTR) record"),
            false,
        ),
        Some(IprevResult::PermError(_)) => (
            "permerror",
            format!(
                "{ip}'s reverse DNS name {} does not resolve",
                ptr.join(", ")
            ),
            false,
        ),
        Some(IprevResult::None) => (
            "none",
            "no reverse DNS check was possible".to_owned(),
            false,
        ),
        Some(IprevResult::TempError(_)) | None => (
            "temperror",
            format!("the reverse DNS lookup of {ip} failed temporarily"),
            false,
        ),
    };
    IprevCheck {
        result: result.to_owned(),
        reason,
        ip: ip.to_string(),
        ptr,
        forward_confirmed,
    }
}
