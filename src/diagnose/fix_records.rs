//! Ready-to-paste DNS records for the sender's problems, built only from what the message
//! shows (the sending IP and HELO name at the entry hop, the From and Return-Path domains,
//! the DKIM signatures, the recipient's Authentication-Results) and, with `--dns`, the
//! recorded DNS. Whatever neither says (a report mailbox, a DKIM selector and key, a host
//! name when the message offers no usable one) is a placeholder, listed in `placeholders`
//! with what to put there; nothing is presented as fact that the message does not show.
//!
//! - SPF: the sending IP as `ip4:`/`ip6:`, merged into the recorded record before its
//!   `all` term (lookups counted, at most 10), or a new record when there is none.
//! - DMARC: `p=none` with reports, when no DMARC record is known.
//! - Reverse DNS: the PTR name to ask the IP's provider for, and the A/AAAA record that
//!   makes it point back.
//! - DKIM: the selector record to publish when signing is missing, unaligned, or its key
//!   is not published.

use std::collections::HashSet;
use std::net::IpAddr;

use crate::audit::{address_domain, dynamic_marker};
use crate::dns::cache::reverse_name;
use crate::dns::zone::RecordType;
use crate::dns::{Answer, RecordedDns};
use crate::domain::{is_internal_ip, org_domain, parse_ip};
use crate::report::{FixRecord, Placeholder, Report};
use crate::verify::{count_lookups, spf_record};

/// RFC 7208 §4.6.4.
const SPF_LOOKUP_LIMIT: usize = 10;

/// The sending server as the recipient saw it, with where the message says so.
struct Sending<'a> {
    ip: IpAddr,
    ip_text: &'a str,
    helo: Option<&'a str>,
    rdns: Option<&'a str>,
    /// "the Received header at line N, where the recipient's server accepted the message".
    seen_at: String,
}

fn sending(report: &Report) -> Option<Sending<'_>> {
    let sender = report.sender.as_ref()?;
    let ip_text = sender.ip.as_deref()?;
    let ip = parse_ip(ip_text).filter(|ip| !is_internal_ip(*ip))?;
    let line = report.hops.get(sender.hop_index).map(|h| h.line);
    Some(Sending {
        ip,
        ip_text,
        helo: sender.helo.as_deref(),
        rdns: sender.rdns.as_deref(),
        seen_at: match line {
            Some(line) => format!(
                "the Received header at line {line}, where the recipient's server accepted the message"
            ),
            None => "the hop where the recipient's server accepted the message".to_owned(),
        },
    })
}

/// The recorded DNS, when `--dns` was given, with its file name for `sources`.
struct Recorded<'a> {
    dns: &'a RecordedDns,
    file: &'a str,
}

fn has_sender_problem(report: &Report, cause: &str) -> bool {
    report
        .findings
        .iter()
        .any(|f| f.cause == cause && f.fault.starts_with("sender"))
}

fn from_domain(report: &Report) -> Option<String> {
    report.message.from.as_deref().and_then(address_domain)
}

fn trusted_results<'a>(
    report: &'a Report,
    method: &'a str,
) -> impl Iterator<Item = &'a crate::report::AuthenticationEntry> + 'a {
    report
        .authentication
        .iter()
        .filter(move |a| a.trusted && a.method == method)
}

fn property<'a>(entry: &'a crate::report::AuthenticationEntry, key: &str) -> Option<&'a str> {
    entry.properties.get(key).and_then(|v| v.as_str())
}

/// The domain SPF is checked for (MAIL FROM), and where the message says so.
fn mail_from_domain(report: &Report) -> Option<(String, String)> {
    if let Some(domain) = report
        .message
        .return_path
        .as_deref()
        .and_then(address_domain)
    {
        return Some((
            domain,
            "the Return-Path header (the envelope sender, which SPF checks)".to_owned(),
        ));
    }
    for entry in trusted_results(report, "spf") {
        for key in ["smtp.mailfrom", "envelope-from"] {
            if let Some(value) = property(entry, key) {
                let domain = address_domain(value)
                    .unwrap_or_else(|| value.trim().trim_end_matches('.').to_ascii_lowercase());
                if domain.contains('.') {
                    return Some((domain, format!("the recipient's {} ({key}=)", entry.header)));
                }
            }
        }
    }
    None
}

/// Lowercase, no trailing dot.
fn plain(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn a_type(ip: IpAddr) -> RecordType {
    if ip.is_ipv4() {
        RecordType::A
    } else {
        RecordType::Aaaa
    }
}

/// Whether the recorded DNS says `name` already has an address record for `ip`.
fn points_to(dns: &RecordedDns, name: &str, ip: IpAddr) -> bool {
    match dns.lookup(name, &a_type(ip)) {
        Answer::Records(records) => records.iter().any(|r| match r {
            crate::dns::zone::RData::A(v4) => IpAddr::V4(*v4) == ip,
            crate::dns::zone::RData::Aaaa(v6) => IpAddr::V6(*v6) == ip,
            _ => false,
        }),
        _ => false,
    }
}

/// `ip4:203.0.113.45` or `ip6:2001:db8::1`.
fn ip_term(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip4:{v4}"),
        IpAddr::V6(v6) => format!("ip6:{v6}"),
    }
}

/// Whether an `ip4:`/`ip6:` term of the record covers the address directly.
fn record_lists(record: &str, ip: IpAddr) -> bool {
    record.split_whitespace().skip(1).any(|term| {
        let term = term.trim_start_matches('+').to_ascii_lowercase();
        let Some(network) = term
            .strip_prefix("ip4:")
            .or_else(|| term.strip_prefix("ip6:"))
        else {
            return false;
        };
        let (address, prefix) = match network.split_once('/') {
            Some((address, prefix)) => (address, prefix.parse::<u32>().ok()),
            None => (network, None),
        };
        match (address.parse::<IpAddr>(), ip) {
            (Ok(IpAddr::V4(net)), IpAddr::V4(ip)) => {
                let bits = prefix.unwrap_or(32).min(32);
                let mask = if bits == 0 {
                    0
                } else {
                    u32::MAX << (32 - bits)
                };
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (Ok(IpAddr::V6(net)), IpAddr::V6(ip)) => {
                let bits = prefix.unwrap_or(128).min(128);
                let mask = if bits == 0 {
                    0
                } else {
                    u128::MAX << (128 - bits)
                };
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    })
}

/// The record with `term` inserted before its `all` mechanism, or before `redirect=` when
/// it has no `all`, or at the end.
pub fn insert_spf_term(record: &str, term: &str) -> String {
    let mut terms: Vec<&str> = record.split_whitespace().collect();
    let position = terms
        .iter()
        .position(|t| {
            t.trim_start_matches(['+', '-', '~', '?'])
                .eq_ignore_ascii_case("all")
        })
        .or_else(|| {
            terms
                .iter()
                .position(|t| t.to_ascii_lowercase().starts_with("redirect="))
        })
        .unwrap_or(terms.len());
    terms.insert(position.max(1), term);
    terms.join(" ")
}

/// Whether the name of the sending server (reverse DNS or HELO) is a usable host name:
/// a full name with a dot, not an address, not a placeholder or internal name, and not
/// shaped like a home connection's.
fn usable_host_name(name: &str, ip: &str) -> bool {
    let name = plain(name);
    const INTERNAL: &[&str] = &[
        ".local",
        ".localdomain",
        ".lan",
        ".home",
        ".internal",
        ".corp",
        ".intranet",
    ];
    name.contains('.')
        && parse_ip(&name).is_none()
        && !name.starts_with("localhost")
        && !INTERNAL.iter().any(|s| name.ends_with(s))
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && dynamic_marker(&name, Some(ip)).is_none()
}

pub fn propose(report: &Report, dns: Option<&RecordedDns>) -> Vec<FixRecord> {
    let recorded = dns.map(|dns| Recorded {
        dns,
        file: report
            .verification
            .as_ref()
            .map_or("the recorded DNS", |v| v.dns.as_str()),
    });
    let mut out = Vec::new();
    let sending = sending(report);
    if let Some(sending) = &sending {
        if has_sender_problem(report, "spf") {
            out.extend(spf(report, sending, recorded.as_ref()));
        }
        if has_sender_problem(report, "reverse-dns") {
            out.extend(reverse_dns(report, sending, recorded.as_ref()));
        }
    }
    if has_sender_problem(report, "dkim") {
        out.extend(dkim(report, recorded.as_ref(), "dkim"));
    } else if has_sender_problem(report, "dmarc") && !signed_for_from(report) {
        // DKIM passed, but for another domain: DMARC needs one for the From domain.
        out.extend(dkim(report, recorded.as_ref(), "dmarc"));
    }
    if has_sender_problem(report, "dmarc") {
        out.extend(dmarc(report, recorded.as_ref()));
    }
    // In the order of the findings they answer.
    let rank = |cause: &str| report.findings.iter().position(|f| f.cause == cause);
    out.sort_by_key(|record| rank(&record.cause));
    out
}

/// Whether a DKIM signature's domain is the From domain's organisation.
fn signed_for_from(report: &Report) -> bool {
    let Some(org) = from_domain(report).map(|d| org_domain(&d)) else {
        return true;
    };
    report
        .dkim_signatures
        .iter()
        .any(|s| s.d.as_deref().is_some_and(|d| org_domain(d) == org))
}

fn spf(
    report: &Report,
    sending: &Sending<'_>,
    recorded: Option<&Recorded<'_>>,
) -> Option<FixRecord> {
    // Nothing to add when SPF already passed for the envelope sender.
    let passed_now = report
        .verification
        .as_ref()
        .and_then(|v| v.spf.as_ref())
        .is_some_and(|s| s.result == "pass");
    let passed_then = trusted_results(report, "spf")
        .any(|a| a.result == "pass" && property(a, "smtp.mailfrom").is_some());
    if passed_now || (recorded.is_none() && passed_then) {
        return None;
    }
    let (domain, domain_source) = match mail_from_domain(report) {
        Some(found) => found,
        None => (
            from_domain(report)?,
            "the From address (the message does not show the envelope sender)".to_owned(),
        ),
    };
    let term = ip_term(sending.ip);
    let mut sources = vec![
        format!("sending IP {}: {}", sending.ip_text, sending.seen_at),
        format!("domain {domain}: {domain_source}"),
    ];
    let mut notes = Vec::new();
    let mut placeholders = Vec::new();
    let (value, replaces) = match recorded {
        Some(recorded) => match spf_record(recorded.dns, &domain) {
            Some(existing) => {
                if record_lists(&existing, sending.ip) {
                    return None;
                }
                sources.push(format!("existing SPF record: {}", recorded.file));
                let merged = insert_spf_term(&existing, &term);
                let lookups = count_lookups(recorded.dns, &domain, &mut HashSet::new());
                if lookups > SPF_LOOKUP_LIMIT {
                    notes.push(format!(
                        "The record already makes {lookups} DNS lookups (more than {SPF_LOOKUP_LIMIT}), so receivers treat it as broken: replace include: terms by the addresses they stand for, or drop services you no longer use."
                    ));
                } else {
                    notes.push(format!(
                        "The merged record makes {lookups} DNS lookup{} (at most {SPF_LOOKUP_LIMIT} allowed): {} adds none.",
                        if lookups == 1 { "" } else { "s" },
                        term
                    ));
                }
                (merged, Some(existing))
            }
            None => {
                sources.push(format!("no SPF record for {domain} in {}", recorded.file));
                (new_spf(&domain, &term, Some(recorded), &mut sources), None)
            }
        },
        None => {
            let results: Vec<&str> = trusted_results(report, "spf")
                .map(|a| a.result.as_str())
                .collect();
            let has_record = results.iter().any(|r| {
                matches!(
                    *r,
                    "fail" | "softfail" | "neutral" | "permerror" | "hardfail"
                )
            });
            if has_record {
                // The recipient evaluated a record, which the message does not show.
                sources.push(format!(
                    "an SPF record exists: the recipient's Authentication-Results evaluated one for {domain}"
                ));
                placeholders.push(Placeholder {
                    text: "<current terms>".to_owned(),
                    meaning: "everything your current SPF record lists between v=spf1 and its all term, unchanged".to_owned(),
                });
                placeholders.push(Placeholder {
                    text: "<current all>".to_owned(),
                    meaning: "your current record's final term (-all or ~all), unchanged"
                        .to_owned(),
                });
                notes.push(format!(
                    "Add {term} to the record {domain} already has; do not publish a second one. With recorded DNS (spamwhy record, then spamwhy --dns), spamwhy prints the exact merged record and counts its lookups."
                ));
                (format!("v=spf1 <current terms> {term} <current all>"), None)
            } else {
                if results.contains(&"none") {
                    sources.push(format!(
                        "no SPF record: the recipient's Authentication-Results say spf=none for {domain}"
                    ));
                } else {
                    notes.push(format!(
                        "If {domain} already has an SPF record, do not publish a second one: add {term} to the existing record, before its all term (spamwhy --dns with recorded DNS prints the merged record)."
                    ));
                }
                (new_spf(&domain, &term, None, &mut sources), None)
            }
        }
    };
    if replaces.is_none() && placeholders.is_empty() {
        notes.push(format!(
            "-all tells receivers to refuse mail from any server not listed: first add every other service that sends mail as @{domain} (newsletter tool, web shop, office mail service)."
        ));
    }
    if let Some(name) = sending
        .rdns
        .or(sending.helo)
        .filter(|n| usable_host_name(n, sending.ip_text) && org_domain(n) != org_domain(&domain))
    {
        notes.push(format!(
            "The sending server is named {} ({}), not under {domain}: it is probably a provider's or mail service's server. If that service documents an SPF include for its customers, use it instead of the single address, which may change.",
            plain(name),
            org_domain(name)
        ));
    }
    Some(FixRecord {
        kind: "spf".to_owned(),
        cause: "spf".to_owned(),
        name: domain.clone(),
        record_type: "TXT".to_owned(),
        value,
        zone: org_domain(&domain),
        publisher: format!(
            "whoever runs the DNS of {} (the domain's DNS host)",
            org_domain(&domain)
        ),
        why: format!(
            "SPF lists the servers allowed to send mail as @{domain}; the server that sent this message ({}) is not on the list, so receivers cannot tell it from a forgery.",
            sending.ip_text
        ),
        replaces,
        placeholders,
        sources,
        notes,
    })
}

/// A first SPF record: the sending IP, plus `mx` when the recorded DNS shows the domain's
/// own mail servers (small installations send from the server that receives).
fn new_spf(
    domain: &str,
    term: &str,
    recorded: Option<&Recorded<'_>>,
    sources: &mut Vec<String>,
) -> String {
    let own_mx = recorded.and_then(|r| match r.dns.lookup(domain, &RecordType::Mx) {
        Answer::Records(records) => records.iter().find_map(|record| match record {
            crate::dns::zone::RData::Mx { exchange, .. }
                if org_domain(exchange) == org_domain(domain) =>
            {
                Some(plain(exchange))
            }
            _ => None,
        }),
        _ => None,
    });
    match own_mx {
        Some(exchange) => {
            sources.push(format!(
                "mx: the recorded MX of {domain} is the domain's own server {exchange}"
            ));
            format!("v=spf1 mx {term} -all")
        }
        None => format!("v=spf1 {term} -all"),
    }
}

fn dmarc(report: &Report, recorded: Option<&Recorded<'_>>) -> Option<FixRecord> {
    let from = from_domain(report)?;
    let org = org_domain(&from);
    let mut sources = vec![format!("domain {org}: the From address ({from})")];
    let mut notes = Vec::new();
    match recorded {
        Some(recorded) => {
            let exists = [format!("_dmarc.{from}"), format!("_dmarc.{org}")]
                .iter()
                .any(|name| match recorded.dns.lookup(name, &RecordType::Txt) {
                    Answer::Records(records) => {
                        records.iter().filter_map(|r| r.txt_joined()).any(|t| {
                            t.trim_ascii_start()
                                .to_ascii_lowercase()
                                .starts_with(b"v=dmarc1")
                        })
                    }
                    _ => false,
                });
            if exists {
                return None;
            }
            sources.push(format!("no DMARC record for {from} in {}", recorded.file));
        }
        None => {
            let results: Vec<&str> = trusted_results(report, "dmarc")
                .map(|a| a.result.as_str())
                .collect();
            if results.iter().any(|r| *r != "none") {
                // A pass or fail means a record exists: the fix is SPF or DKIM.
                return None;
            }
            if results.is_empty() {
                notes.push(format!(
                    "Publish this only if _dmarc.{org} has no record yet: a domain has exactly one DMARC record."
                ));
            } else {
                sources.push(format!(
                    "no DMARC record: the recipient's Authentication-Results say dmarc=none for {from}"
                ));
            }
        }
    }
    let mailbox = format!("dmarc-reports@{org}");
    notes.push(format!(
        "DMARC passes only when SPF or DKIM passes for {from} itself: publish the SPF and DKIM records too."
    ));
    Some(FixRecord {
        kind: "dmarc".to_owned(),
        cause: "dmarc".to_owned(),
        name: format!("_dmarc.{org}"),
        record_type: "TXT".to_owned(),
        value: format!("v=DMARC1; p=none; rua=mailto:{mailbox}"),
        zone: org.clone(),
        publisher: format!("whoever runs the DNS of {org} (the domain's DNS host)"),
        replaces: None,
        why: format!(
            "A DMARC record tells receivers that {org} checks its mail and where to send reports. p=none only asks for reports; once they show all your real mail passing, change it to p=quarantine, then p=reject."
        ),
        placeholders: vec![Placeholder {
            text: mailbox,
            meaning: "an example address: use a mailbox that exists and that someone reads (or the address a DMARC report service gives you); receivers send daily reports there".to_owned(),
        }],
        sources,
        notes,
    })
}

fn reverse_dns(
    report: &Report,
    sending: &Sending<'_>,
    recorded: Option<&Recorded<'_>>,
) -> Vec<FixRecord> {
    let mut out = Vec::new();
    let ptr_name = plain(&reverse_name(sending.ip));
    let ip = sending.ip_text;
    let recorded_ptr: Option<String> =
        recorded.and_then(|r| match r.dns.lookup(&ptr_name, &RecordType::Ptr) {
            Answer::Records(records) => records.iter().find_map(|record| match record {
                crate::dns::zone::RData::Ptr(name) => Some(plain(name)),
                _ => None,
            }),
            _ => None,
        });
    let existing = recorded_ptr
        .clone()
        .or_else(|| sending.rdns.map(plain))
        .filter(|name| usable_host_name(name, ip));

    let mut sources = vec![format!("sending IP {ip}: {}", sending.seen_at)];
    let mut placeholders = Vec::new();
    let name = match &existing {
        Some(name) => {
            // The reverse name is fine; what is missing is the way back.
            sources.push(match &recorded_ptr {
                Some(_) => format!(
                    "reverse DNS name {name}: {}",
                    recorded.map_or("", |r| r.file)
                ),
                None => format!("reverse DNS name {name}: {}", sending.seen_at),
            });
            name.clone()
        }
        None => {
            let helo = sending.helo.filter(|h| usable_host_name(h, ip)).map(plain);
            let name = match helo {
                Some(helo) => {
                    sources.push(format!(
                        "name {helo}: the name the server greets with (HELO), in {}",
                        sending.seen_at
                    ));
                    helo
                }
                None => {
                    let domain = from_domain(report)
                        .map(|d| org_domain(&d))
                        .unwrap_or_else(|| "example.com".to_owned());
                    let name = format!("mail.{domain}");
                    placeholders.push(Placeholder {
                        text: name.clone(),
                        meaning: format!(
                            "an example name: the message shows no usable name for the server, so choose one under a domain you control, like mail.{domain}, and set the server's HELO greeting to the same name"
                        ),
                    });
                    name
                }
            };
            let mut notes = vec![format!(
                "Only the owner of {ip} can set its reverse DNS: ask the internet or hosting provider, quoting this record."
            )];
            if has_sender_problem(report, "static-ip") {
                notes.push(format!(
                    "{ip} looks like a home or dynamic address: providers often set reverse DNS only for static business addresses. If it is dynamic, send through a relay with a static address instead."
                ));
            }
            out.push(FixRecord {
                kind: "ptr".to_owned(),
                cause: "reverse-dns".to_owned(),
                name: ptr_name.clone(),
                record_type: "PTR".to_owned(),
                value: name.clone(),
                zone: reverse_zone(sending.ip),
                publisher: format!(
                    "the provider that owns {ip} (the internet or hosting provider), not your domain's DNS host"
                ),
                replaces: sending.rdns.map(plain).or(recorded_ptr.clone()),
                why: format!(
                    "Receivers look up the name of {ip}; a missing or home-connection name is typical of hijacked computers. The name should be the server's own and lead back to {ip}."
                ),
                placeholders: placeholders.clone(),
                sources: sources.clone(),
                notes,
            });
            name
        }
    };
    let already = recorded.is_some_and(|r| points_to(r.dns, &name, sending.ip));
    if !already {
        let zone = org_domain(&name);
        let mut notes = Vec::new();
        if recorded.is_none() {
            notes.push(format!("Skip this if {name} already points to {ip}."));
        }
        out.push(FixRecord {
            kind: "a".to_owned(),
            cause: "reverse-dns".to_owned(),
            name: name.clone(),
            record_type: if sending.ip.is_ipv4() { "A" } else { "AAAA" }.to_owned(),
            value: ip.to_owned(),
            zone: zone.clone(),
            publisher: format!("whoever runs the DNS of {zone}"),
            replaces: None,
            why: format!(
                "Receivers check that the reverse name of {ip} leads back to {ip} (forward-confirmed reverse DNS); this record is the way back."
            ),
            placeholders,
            sources,
            notes,
        });
    }
    out
}

/// The zone that holds an address's PTR record: the /24 for IPv4, the /64 for IPv6 (the
/// usual delegation; the provider may hold a larger one).
fn reverse_zone(ip: IpAddr) -> String {
    let name = plain(&reverse_name(ip));
    let skip = if ip.is_ipv4() { 1 } else { 16 };
    name.splitn(skip + 1, '.')
        .last()
        .unwrap_or(&name)
        .to_owned()
}

fn dkim(report: &Report, recorded: Option<&Recorded<'_>>, cause: &str) -> Option<FixRecord> {
    let from = from_domain(report)?;
    let org = org_domain(&from);
    let aligned: Vec<&crate::report::DkimSignature> = report
        .dkim_signatures
        .iter()
        .filter(|s| s.d.as_deref().is_some_and(|d| org_domain(d) == org))
        .collect();
    let key = Placeholder {
        text: "<public key>".to_owned(),
        meaning: "the public key your mail server or mail service generates (base64 on one line, without the BEGIN/END lines); the private key stays on the signing server".to_owned(),
    };
    if aligned.is_empty() {
        let selector = Placeholder {
            text: "<selector>".to_owned(),
            meaning: "a short name you choose for the key (for example the month it was made, like 202607); the signing server must use the same selector".to_owned(),
        };
        let (why, sources) = if report.dkim_signatures.is_empty() {
            (
                format!(
                    "The message carries no DKIM signature. Turn on DKIM signing for {from} (a 2048-bit RSA key), then publish its public key under the selector you chose."
                ),
                vec![format!(
                    "domain {from}: the From address; no DKIM-Signature header in the message"
                )],
            )
        } else {
            let signed: Vec<String> = report
                .dkim_signatures
                .iter()
                .filter_map(|s| s.d.clone())
                .collect();
            (
                format!(
                    "The message is signed only for {}, not for {from}: DMARC needs a signature for the From domain itself. Set up DKIM for {from} with your mail service, then publish its key.",
                    signed.join(", ")
                ),
                vec![format!(
                    "domain {from}: the From address; signing domains: the DKIM-Signature header(s) at line {}",
                    report
                        .dkim_signatures
                        .iter()
                        .map(|s| s.line.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )],
            )
        };
        return Some(FixRecord {
            kind: "dkim".to_owned(),
            cause: cause.to_owned(),
            name: format!("<selector>._domainkey.{from}"),
            record_type: "TXT".to_owned(),
            value: "v=DKIM1; k=rsa; p=<public key>".to_owned(),
            zone: org.clone(),
            publisher: format!("whoever runs the DNS of {org}"),
            replaces: None,
            why,
            placeholders: vec![selector, key],
            sources,
            notes: vec![
                "Mail services (Google Workspace, Microsoft 365, newsletter tools) generate the key and show the exact record to publish, sometimes as a CNAME: publish what they show.".to_owned(),
            ],
        });
    }
    // Signed for the right domain: a record is only the fix when the key is not published
    // or too weak, which only the recorded DNS shows.
    let recorded = recorded?;
    let verification = report.verification.as_ref()?;
    let check = verification.dkim.iter().find(|c| {
        c.d.as_deref().is_some_and(|d| org_domain(d) == org)
            && c.s.is_some()
            && (c.key_type.is_none() || c.key_bits.is_some_and(|b| b < 1024))
    })?;
    let (d, s) = (check.d.clone()?, check.s.clone()?);
    let line = aligned
        .iter()
        .find(|sig| sig.d.as_deref() == Some(d.as_str()) && sig.s.as_deref() == Some(s.as_str()))
        .map(|sig| sig.line);
    let why = match check.key_bits {
        Some(bits) if check.key_type.is_some() => format!(
            "The key published for selector {s} has {bits} bits, which receivers ignore as too weak: generate a 2048-bit key, sign with it and publish its public key here."
        ),
        _ => format!(
            "The message is signed with selector {s} for {d}, but no key is published there, so the signature cannot be checked: publish the public key of the key the server signs with."
        ),
    };
    Some(FixRecord {
        kind: "dkim".to_owned(),
        cause: cause.to_owned(),
        name: format!("{s}._domainkey.{d}"),
        record_type: "TXT".to_owned(),
        value: "v=DKIM1; k=rsa; p=<public key>".to_owned(),
        zone: org_domain(&d),
        publisher: format!("whoever runs the DNS of {}", org_domain(&d)),
        replaces: None,
        why,
        placeholders: vec![key],
        sources: vec![
            match line {
                Some(line) => {
                    format!("selector {s} and domain {d}: the DKIM-Signature at line {line}")
                }
                None => format!("selector {s} and domain {d}: the message's DKIM signature"),
            },
            format!("key: {}", recorded.file),
        ],
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_goes_before_the_all_term() {
        assert_eq!(
            insert_spf_term("v=spf1 mx a:mail.example.com ~all", "ip4:203.0.113.45"),
            "v=spf1 mx a:mail.example.com ip4:203.0.113.45 ~all"
        );
        assert_eq!(
            insert_spf_term("v=spf1 include:_spf.example.net", "ip4:192.0.2.1"),
            "v=spf1 include:_spf.example.net ip4:192.0.2.1"
        );
        assert_eq!(
            insert_spf_term("v=spf1 a redirect=_spf.example.com", "ip6:2001:db8::1"),
            "v=spf1 a ip6:2001:db8::1 redirect=_spf.example.com"
        );
        assert_eq!(
            insert_spf_term("v=spf1 -all", "ip4:192.0.2.1"),
            "v=spf1 ip4:192.0.2.1 -all"
        );
    }

    #[test]
    fn listed_networks_cover_their_addresses() {
        let ip = |t: &str| t.parse::<IpAddr>().unwrap();
        assert!(record_lists("v=spf1 ip4:192.0.2.61 -all", ip("192.0.2.61")));
        assert!(record_lists(
            "v=spf1 ip4:198.51.100.0/26 -all",
            ip("198.51.100.5")
        ));
        assert!(!record_lists(
            "v=spf1 ip4:198.51.100.0/26 -all",
            ip("198.51.100.65")
        ));
        assert!(record_lists(
            "v=spf1 ip6:2001:db8:51::/48 -all",
            ip("2001:db8:51::9")
        ));
        assert!(!record_lists(
            "v=spf1 ip6:2001:db8:51::/48 -all",
            ip("192.0.2.1")
        ));
    }

    #[test]
    fn host_names_worth_proposing() {
        assert!(usable_host_name(
            "mail.silverline-travel.example",
            "192.0.2.150"
        ));
        assert!(!usable_host_name("localhost", "192.0.2.1"));
        assert!(!usable_host_name("vps4711", "192.0.2.1"));
        assert!(!usable_host_name("[192.0.2.1]", "192.0.2.1"));
        assert!(!usable_host_name("srv01.birchwood.local", "192.0.2.1"));
        assert!(!usable_host_name(
            "203-0-113-45.dyn.isp.example",
            "203.0.113.45"
        ));
    }

    #[test]
    fn reverse_zones() {
        assert_eq!(
            reverse_zone("203.0.113.45".parse().unwrap()),
            "113.0.203.in-addr.arpa"
        );
        assert!(
            reverse_zone("2001:db8::1".parse().unwrap()).ends_with(".8.b.d.0.1.0.0.2.ip6.arpa")
        );
    }
}
