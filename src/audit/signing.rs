//! DKIM signing as the message carries it, and whether the visible From domain matches
//! the envelope (Return-Path) domain.

use spamwhy_headers::HeaderBlock;

use super::{Confidence, Observation, evidence};
use crate::domain::org_domain;
use crate::report::Report;

/// Domain of an address such as `Name <user@example.com>` or `<user@example.com>`.
pub fn address_domain(address: &str) -> Option<String> {
    let address = address.trim().trim_end_matches('>');
    let (_, domain) = address.rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    (!domain.is_empty()).then_some(domain)
}

/// Whether the envelope sender (Return-Path) is in the From domain's organisation, which is
/// what lets an SPF pass count for DMARC (relaxed alignment); `None` when either is unknown.
pub fn envelope_aligned(report: &Report) -> Option<bool> {
    let domain = |address: Option<&str>| address.and_then(address_domain);
    let from = domain(report.message.from.as_deref())?;
    let envelope = domain(report.message.return_path.as_deref())?;
    Some(org_domain(&from) == org_domain(&envelope))
}

pub fn check(report: &Report, block: &HeaderBlock, out: &mut Vec<Observation>) {
    let from_domain = report.message.from.as_deref().and_then(address_domain);
    if report.dkim_signatures.is_empty()
        && let Some(from) = block.first("From")
    {
        out.push(Observation::problem(
            "dkim",
            Confidence::Medium,
            evidence("From", from.unfolded(), Some(from.line),
                "the message carries no DKIM signature, so nothing proves it came from the sender's domain unaltered"),
        ));
    }
    for sig in &report.dkim_signatures {
        let d = sig.d.as_deref().unwrap_or("?");
        let shown = format!(
            "d={d}; s={}; a={}",
            sig.s.as_deref().unwrap_or("?"),
            sig.a.as_deref().unwrap_or("?")
        );
        let line = Some(sig.line);
        if sig
            .a
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("rsa-sha1"))
        {
            out.push(Observation::problem("dkim", Confidence::High, evidence("DKIM-Signature", shown.clone(), line,
                format!("the signature for {d} uses rsa-sha1, an outdated algorithm that many receivers ignore; use rsa-sha256"))));
        }
        if let Some(l) = sig.l {
            out.push(Observation::problem("dkim", Confidence::Medium, evidence("DKIM-Signature", format!("{shown}; l={l}"), line,
                format!("the signature for {d} covers only the first {l} bytes of the body (l=), so anything appended is unsigned; filters distrust this"))));
        }
        if sig
            .c
            .as_deref()
            .is_none_or(|c| c.to_ascii_lowercase().starts_with("simple"))
        {
            out.push(Observation::problem("dkim", Confidence::Low, evidence("DKIM-Signature", format!("{shown}; c={}", sig.c.as_deref().unwrap_or("simple/simple")), line,
                format!("the signature for {d} uses simple header canonicalisation, which breaks when any server re-wraps a header; relaxed/relaxed is safer"))));
        }
        if let Some(from) = &from_domain
            && org_domain(from) == org_domain(d)
        {
            out.push(Observation::pass(
                "dkim",
                evidence(
                    "DKIM-Signature",
                    shown.clone(),
                    line,
                    format!("the message is signed by the From domain {d}"),
                ),
            ));
        }
    }

    let return_path = report
        .message
        .return_path
        .as_deref()
        .and_then(address_domain);
    if let (Some(from), Some(envelope)) = (&from_domain, &return_path)
        && envelope_aligned(report) == Some(false)
    {
        let field = block.first("Return-Path");
        out.push(Observation::problem(
            "dmarc",
            Confidence::Low,
            evidence("Return-Path", field.map_or_else(|| envelope.clone(), |f| f.unfolded()), field.map(|f| f.line),
                format!("the envelope sender's domain ({envelope}) differs from the From domain ({from}), so SPF cannot count towards DMARC; only a DKIM signature from {from} can")),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::address_domain;

    #[test]
    fn domains_of_addresses() {
        assert_eq!(
            address_domain("Anna <anna@Example.COM>").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            address_domain("<bounce+x=y@mail.example.net>").as_deref(),
            Some("mail.example.net")
        );
        assert_eq!(address_domain("undisclosed"), None);
    }
}
