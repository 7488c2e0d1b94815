//! The DNS records the checklist asks for, checked one by one from the recorded DNS: SPF
//! present and well-formed, DKIM keys strong enough, DMARC published, an MX for the
//! envelope domain, reverse DNS that confirms.

use std::collections::HashSet;

use crate::dns::cache::is_spf;
use crate::dns::zone::RecordType;
use crate::dns::{Answer, RecordedDns};
use crate::report::{RecordCheck, Report, Verification};

/// RFC 7208 §4.6.4: at most 10 terms that cause DNS lookups.
const SPF_LOOKUP_LIMIT: usize = 10;

fn check(check: &str, name: &str, result: &str, detail: impl Into<String>) -> RecordCheck {
    RecordCheck {
        check: check.to_owned(),
        name: name.to_owned(),
        result: result.to_owned(),
        detail: detail.into(),
    }
}

fn spf_text(dns: &RecordedDns, domain: &str) -> Option<String> {
    match dns.lookup(domain, &RecordType::Txt) {
        Answer::Records(records) => records
            .iter()
            .filter_map(|r| r.txt_joined())
            .find(|t| is_spf(t))
            .map(|t| String::from_utf8_lossy(&t).into_owned()),
        _ => None,
    }
}

/// DNS-querying terms of a record and of everything it includes or redirects to.
pub(crate) fn count_lookups(dns: &RecordedDns, domain: &str, seen: &mut HashSet<String>) -> usize {
    if !seen.insert(domain.to_ascii_lowercase()) || seen.len() > 2 * SPF_LOOKUP_LIMIT {
        return 0;
    }
    let Some(record) = spf_text(dns, domain) else {
        return 0;
    };
    let mut count = 0;
    for term in record.split_whitespace().skip(1) {
        let term = term
            .trim_start_matches(['+', '-', '~', '?'])
            .to_ascii_lowercase();
        let (name, target) = match term.split_once([':', '=']) {
            Some((name, target)) => (name.to_owned(), Some(target.to_owned())),
            None => (term.split('/').next().unwrap_or("").to_owned(), None),
        };
        match name.as_str() {
            "include" | "redirect" => {
                count += 1;
                if let Some(target) = target.filter(|t| !t.contains('%')) {
                    count += count_lookups(dns, &target, seen);
                }
            }
            "a" | "mx" | "ptr" | "exists" => count += 1,
            _ => {}
        }
    }
    count
}

fn spf_checks(dns: &RecordedDns, domain: &str, out: &mut Vec<RecordCheck>) {
    let Some(record) = spf_text(dns, domain) else {
        out.push(check(
            "spf-present",
            domain,
            "fail",
            format!("{domain} publishes no SPF record"),
        ));
        return;
    };
    out.push(check("spf-present", domain, "pass", record.clone()));
    let terms: Vec<String> = record
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let all = terms
        .iter()
        .find(|t| t.trim_start_matches(['+', '-', '~', '?']) == "all");
    let redirect = terms.iter().any(|t| t.starts_with("redirect="));
    match all.map(String::as_str) {
        Some("-all") => out.push(check(
            "spf-all",
            domain,
            "pass",
            "ends in -all: servers not listed are refused",
        )),
        Some("~all") => out.push(check(
            "spf-all",
            domain,
            "pass",
            "ends in ~all: servers not listed are treated as suspicious",
        )),
        Some("all" | "+all") => out.push(check(
            "spf-plus-all",
            domain,
            "fail",
            "+all allows every server on the Internet to send as this domain",
        )),
        Some(other) => out.push(check(
            "spf-all",
            domain,
            "warn",
            format!("ends in {other}, which says nothing about unlisted servers; use -all or ~all"),
        )),
        None if redirect => out.push(check(
            "spf-all",
            domain,
            "pass",
            "the policy comes from its redirect= target",
        )),
        None => out.push(check(
            "spf-all",
            domain,
            "warn",
            "has no final all term; add -all or ~all",
        )),
    }
    if terms.iter().any(|t| {
        t.trim_start_matches(['+', '-', '~', '?'])
            .starts_with("ptr")
    }) {
        out.push(check(
            "spf-ptr",
            domain,
            "warn",
            "uses the ptr mechanism, which RFC 7208 says not to use (slow, unreliable)",
        ));
    }
    let lookups = count_lookups(dns, domain, &mut HashSet::new());
    let terms = if lookups == 1 { "term" } else { "terms" };
    let (result, detail) = if lookups > SPF_LOOKUP_LIMIT {
        (
            "fail",
            format!(
                "{lookups} DNS-querying {terms} including nested records; more than {SPF_LOOKUP_LIMIT} makes SPF a permanent error"
            ),
        )
    } else {
        (
            "pass",
            format!(
                "{lookups} DNS-querying {terms} including nested records (at most {SPF_LOOKUP_LIMIT})"
            ),
        )
    };
    out.push(check("spf-lookups", domain, result, detail));
}

pub fn check_all(
    dns: &RecordedDns,
    report: &Report,
    verification: &Verification,
) -> Vec<RecordCheck> {
    let mut out = Vec::new();
    if let Some(spf) = &verification.spf {
        spf_checks(dns, &spf.domain, &mut out);
        if let Answer::Records(_) = dns.lookup(&spf.domain, &RecordType::Mx) {
            out.push(check(
                "mx-present",
                &spf.domain,
                "pass",
                format!(
                    "{} has MX records, so replies and bounces can reach it",
                    spf.domain
                ),
            ));
        } else {
            out.push(check(
                "mx-present",
                &spf.domain,
                "fail",
                format!(
                    "{} has no MX record: bounces, replies and postmaster@ cannot reach it",
                    spf.domain
                ),
            ));
        }
    }
    for dkim in &verification.dkim {
        let (Some(d), Some(s)) = (&dkim.d, &dkim.s) else {
            continue;
        };
        let name = format!("{s}._domainkey.{d}");
        let (result, detail) = match (dkim.key_type.as_deref(), dkim.key_bits) {
            (None, _) => ("fail", "no key is published".to_owned()),
            (Some("ed25519"), _) => ("pass", "Ed25519 key".to_owned()),
            (Some("rsa"), Some(bits)) if bits < 1024 => (
                "fail",
                format!("RSA key of {bits} bits: too weak, receivers ignore it; use 2048 bits"),
            ),
            (Some("rsa"), Some(bits)) if bits < 2048 => (
                "warn",
                format!("RSA key of {bits} bits: accepted, but 2048 bits is recommended"),
            ),
            (Some("rsa"), Some(bits)) => ("pass", format!("RSA key of {bits} bits")),
            (Some(other), _) => ("warn", format!("key of type {other} (size unknown)")),
        };
        out.push(check("dkim-key", &name, result, detail));
    }
    if let Some(dmarc) = &verification.dmarc {
        let name = format!(
            "_dmarc.{}",
            dmarc.policy_domain.as_deref().unwrap_or(&dmarc.domain)
        );
        match (&dmarc.record, dmarc.policy.as_deref()) {
            (None, _) => out.push(check(
                "dmarc-present",
                &name,
                "fail",
                format!("{} publishes no DMARC record", dmarc.domain),
            )),
            (Some(record), policy) => {
                out.push(check("dmarc-present", &name, "pass", record.clone()));
                match policy {
                    Some("none") | None => out.push(check(
                        "dmarc-policy",
                        &name,
                        "warn",
                        "p=none: monitoring only; receivers get no instruction for failing mail",
                    )),
                    Some(policy) => {
                        out.push(check("dmarc-policy", &name, "pass", format!("p={policy}")))
                    }
                }
            }
        }
    }
    if let Some(iprev) = &verification.iprev {
        let name = crate::dns::cache::reverse_name(
            iprev
                .ip
                .parse()
                .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0])),
        );
        if iprev.ptr.is_empty() {
            out.push(check(
                "ptr-present",
                &name,
                "fail",
                format!("{} has no reverse DNS name", iprev.ip),
            ));
        } else {
            out.push(check("ptr-present", &name, "pass", iprev.ptr.join(", ")));
            let result = if iprev.forward_confirmed {
                "pass"
            } else {
                "fail"
            };
            out.push(check("ptr-forward", &name, result, iprev.reason.clone()));
        }
    }
    let _ = report;
    out
}
