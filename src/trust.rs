//! The trust boundary: which Received hops and which authentication headers the recipient's
//! own systems wrote.
//!
//! Everything a message carries from before it reached the recipient's MX can be forged by
//! the sender, so only what the recipient's side added counts as evidence of its verdict.
//! Walking the Received chain from the top (newest), each hop's `by` host belongs to the
//! recipient; hops whose `from` is also the recipient's (same organisation, internal
//! address, or no `from` at all) are internal relays; the first hop whose `from` is
//! outside is where the recipient's MX accepted the message: its `from` names the sending
//! server, and every header below it is untrusted.
//!
//! One kind of outside hop is still the recipient's: a filtering gateway's inbound server
//! (Proofpoint, Mimecast, MessageLabs... `relays.tsv`) handing over mail it accepted for its
//! customer. When the hop below it was received by the same gateway, the walk goes on
//! through the gateway to the server that gave it the message, unless the gateway's own
//! headers say it scanned the message as outgoing mail (then it worked for the sender).

use std::net::IpAddr;

use spamwhy_headers::received::{FromClause, Received};

use crate::domain::{is_internal_ip, org_domain, parse_ip};
use crate::knowledge;

/// Host name suffixes of big providers' outbound servers: a hop from one of them into the
/// same provider's inbound servers is still the entry from outside (Gmail to Gmail,
/// Microsoft 365 tenant to tenant).
const PROVIDER_EGRESS_SUFFIXES: &[&str] = &[".outbound.protection.outlook.com", ".google.com"];

/// Host name suffixes of those providers' inbound servers (the other side of the pair above).
const PROVIDER_INGRESS_SUFFIXES: &[&str] = &[".mail.protection.outlook.com", "mx.google.com"];

/// Domains that all belong to Microsoft's mail service.
const MICROSOFT_DOMAINS: &[&str] = &[
    "outlook.com",
    "office365.com",
    "exchangelabs.com",
    "microsoft.com",
    "hotmail.com",
];

/// One Received field as trust needs it: where it is, and what it says if it parsed.
pub struct HopView<'a> {
    pub offset: usize,
    pub received: Option<&'a Received>,
}

#[derive(Debug, Clone, Default)]
pub struct TrustBoundary {
    /// Index of the hop where the recipient's side accepted the message.
    pub entry_hop: Option<usize>,
    /// How many hops from the top the recipient's side added (all of them when no entry
    /// hop was found).
    pub recipient_hops: usize,
    /// Offset of the first Received field the recipient did not write; headers at or below
    /// it were written before the message arrived.
    pub untrusted_from: Option<usize>,
    /// Organisational domains of the recipient's mail hosts.
    pub recipient_domains: Vec<String>,
}

impl TrustBoundary {
    /// True when a header at this offset sits above the untrusted part of the message.
    pub fn is_trusted_position(&self, offset: usize) -> bool {
        self.untrusted_from.is_none_or(|limit| offset < limit)
    }

    pub fn is_recipient_host(&self, host: &str) -> bool {
        let org = org_domain(host);
        self.recipient_domains.contains(&org)
    }

    pub fn recipient_is_microsoft(&self) -> bool {
        self.recipient_domains
            .iter()
            .any(|d| MICROSOFT_DOMAINS.contains(&d.as_str()))
    }

    /// Whether an Authentication-Results-style header was written by the recipient: its
    /// authserv-id names a recipient host (or, for Microsoft's form without one, the
    /// recipient is Microsoft), and it sits above the untrusted part.
    pub fn trusts_authserv(&self, authserv_id: Option<&str>, offset: usize) -> bool {
        if !self.is_trusted_position(offset) {
            return false;
        }
        match authserv_id {
            Some(id) => self.is_recipient_host(id),
            None => self.recipient_is_microsoft(),
        }
    }
}

/// What the message's own headers tell the walk, read before it.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The address Microsoft's edge recorded as connecting (Forefront's `CIP`).
    pub microsoft_entry_ip: Option<IpAddr>,
    /// Gateways (filter ids) whose headers say they scanned the message as outgoing mail.
    pub outbound_gateways: Vec<&'static str>,
}

/// Walks the chain. `hints.microsoft_entry_ip` is the address Microsoft's edge recorded as
/// connecting (Forefront's `CIP`, read by the caller): when the walk shows the recipient is
/// Microsoft and a hop into a Microsoft server came from that address, that hop is the
/// entry, wherever the walk alone stopped (tenant-to-tenant mail, where hosts on both sides
/// are Microsoft's). The hint is never used for other recipients: a sender could forge it.
pub fn find(hops: &[HopView<'_>], hints: &Hints) -> TrustBoundary {
    let plain = walk(hops, None, hints);
    let hinted = hints
        .microsoft_entry_ip
        .filter(|_| plain.recipient_is_microsoft())
        .and_then(|ip| microsoft_entry(hops, ip));
    match hinted {
        Some(index) if Some(index) != plain.entry_hop => walk(hops, Some(index), hints),
        _ => plain,
    }
}

/// The walk from the top; `entry` forces the entry hop.
fn walk(hops: &[HopView<'_>], entry: Option<usize>, hints: &Hints) -> TrustBoundary {
    let mut boundary = TrustBoundary::default();
    for (index, hop) in hops.iter().enumerate() {
        let Some(received) = hop.received else {
            // An unreadable hop: stop trusting here rather than guess.
            boundary.untrusted_from = Some(hop.offset);
            break;
        };
        if let Some(by) = received.by.as_deref().filter(|by| parse_ip(by).is_none()) {
            add_domain(&mut boundary.recipient_domains, by);
        }
        boundary.recipient_hops = index + 1;
        let is_entry = match entry {
            Some(hint) => index == hint,
            None => {
                !is_internal_relay(received, &boundary.recipient_domains)
                    && !is_inbound_gateway_handover(received, hops.get(index + 1), hints)
            }
        };
        if is_entry {
            boundary.entry_hop = Some(index);
            boundary.untrusted_from = hops.get(index + 1).map(|next| next.offset);
            break;
        }
    }
    if boundary.entry_hop.is_none() && boundary.untrusted_from.is_none() {
        boundary.recipient_hops = hops.len();
    }
    boundary
}

/// The topmost hop received by a Microsoft host from `ip`, with every hop above it parsed.
fn microsoft_entry(hops: &[HopView<'_>], ip: IpAddr) -> Option<usize> {
    for (index, hop) in hops.iter().enumerate() {
        let received = hop.received?;
        let by_microsoft = received
            .by
            .as_deref()
            .is_some_and(|by| MICROSOFT_DOMAINS.contains(&org_domain(by).as_str()));
        let from_ip = received.from.as_ref().and_then(|from| from.ip);
        if by_microsoft && from_ip == Some(ip) {
            return Some(index);
        }
    }
    None
}

fn add_domain(domains: &mut Vec<String>, host: &str) {
    let org = org_domain(host);
    if MICROSOFT_DOMAINS.contains(&org.as_str()) {
        for domain in MICROSOFT_DOMAINS {
            if !domains.iter().any(|d| d == domain) {
                domains.push((*domain).to_owned());
            }
        }
    } else if !domains.contains(&org) {
        domains.push(org);
    }
}

/// A filtering gateway's inbound server handing the message to the recipient's server:
/// its name is a recipient-facing relay of `relays.tsv`, its address is public, the hop
/// below was received by the same gateway, and the gateway did not say it scanned the
/// message as outgoing mail.
fn is_inbound_gateway_handover(
    received: &Received,
    below: Option<&HopView<'_>>,
    hints: &Hints,
) -> bool {
    let Some(from) = &received.from else {
        return false;
    };
    let Some(name) = client_name(from) else {
        return false;
    };
    let Some(relay) = knowledge::relay(name).filter(|relay| relay.faces_recipient) else {
        return false;
    };
    let gateway_org = org_domain(name.trim_end_matches('.'));
    let received_by_gateway = below
        .and_then(|hop| hop.received)
        .and_then(|below| below.by.as_deref())
        .is_some_and(|by| org_domain(by.trim_end_matches('.')) == gateway_org);
    from.ip.is_some_and(|ip| !is_internal_ip(ip))
        && received_by_gateway
        && !hints.outbound_gateways.contains(&relay.filter.as_str())
}

/// The name a hop gives its client: the reverse DNS name is the receiver's own lookup; the
/// HELO is whatever the client claimed, so it only counts when there is no reverse name.
fn client_name(from: &FromClause) -> Option<&str> {
    from.rdns.as_deref().or(from.helo.as_deref())
}

/// A hop between two of the recipient's own machines.
fn is_internal_relay(received: &Received, recipient_domains: &[String]) -> bool {
    let Some(from) = &received.from else {
        return true; // local submission or a provider's internal "by ... with SMTP id" line
    };
    let names: Vec<&str> = client_name(from).into_iter().collect();
    let by = received.by.as_deref().unwrap_or("").to_ascii_lowercase();
    let provider_entry = names.iter().any(|name| {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        PROVIDER_EGRESS_SUFFIXES.iter().any(|s| name.ends_with(s))
    }) && PROVIDER_INGRESS_SUFFIXES.iter().any(|s| by.ends_with(s));
    if provider_entry && from.ip.is_some_and(|ip| !is_internal_ip(ip)) {
        return false;
    }
    if from.ip.is_some_and(is_internal_ip) {
        return true;
    }
    if names.iter().any(|name| {
        let name = name.trim_end_matches('.');
        name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("unknown")
    }) && from.ip.is_none()
    {
        return true;
    }
    names
        .iter()
        .filter(|name| parse_ip(name).is_none())
        .any(|name| recipient_domains.contains(&org_domain(name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use spamwhy_headers::received::parse_received;

    fn chain(lines: &[&str]) -> Vec<Received> {
        lines.iter().map(|l| parse_received(l).unwrap()).collect()
    }

    fn microsoft(ip: IpAddr) -> Hints {
        Hints {
            microsoft_entry_ip: Some(ip),
            ..Hints::default()
        }
    }

    fn views(hops: &[Received]) -> Vec<HopView<'_>> {
        hops.iter()
            .enumerate()
            .map(|(i, r)| HopView {
                offset: i * 100,
                received: Some(r),
            })
            .collect()
    }

    /// Tenant to tenant where the sender tenant's outbound host is not named as such: the
    /// walk alone goes past Microsoft's edge into the sender's tenant.
    const TENANT_TO_TENANT: &[&str] = &[
        "from AM0PR01MB1.eurprd01.prod.outlook.com (::1) by AM0PR01MB2.eurprd01.prod.outlook.com with HTTPS; Tue, 13 Oct 2026 14:02:16 +0000",
        "from DB5PEPF0001.eurprd01.prod.outlook.com (2603:10a6:10:1::1) by AM0PR01MB1.eurprd01.prod.outlook.com (2603:10a6:10:2::2) with Microsoft SMTP Server id 15.20.1.1; Tue, 13 Oct 2026 14:02:15 +0000",
        "from EUR01-AM0-obe.smtp-relay.outlook.com (2a01:111:f403:2601::700) by DB5PEPF0001.mail.protection.outlook.com (2603:10a6:10:3::3) with Microsoft SMTP Server id 15.20.1.1; Tue, 13 Oct 2026 14:02:14 +0000",
        "from PA4PR03MB1.eurprd03.prod.outlook.com (2603:10a6:102:f3::9) by VI1PR03MB2.eurprd03.prod.outlook.com (2603:10a6:800:1::1) with Microsoft SMTP Server id 15.20.1.1; Tue, 13 Oct 2026 14:02:13 +0000",
    ];

    #[test]
    fn forefront_cip_picks_the_entry_hop_for_a_microsoft_recipient() {
        let hops = chain(TENANT_TO_TENANT);
        let plain = find(&views(&hops), &Hints::default());
        assert_ne!(
            plain.entry_hop,
            Some(2),
            "the walk alone misses Microsoft's edge"
        );
        let cip: IpAddr = "2a01:111:f403:2601::700".parse().unwrap();
        let hinted = find(&views(&hops), &microsoft(cip));
        assert_eq!(hinted.entry_hop, Some(2));
        assert_eq!(hinted.recipient_hops, 3);
        assert!(hinted.is_trusted_position(200) && !hinted.is_trusted_position(300));
    }

    #[test]
    fn the_hint_is_ignored_for_other_recipients_and_unknown_addresses() {
        let hops = chain(&[
            "from mail.example.net (mail.example.net [192.0.2.7]) by mx.example.org (Postfix) with ESMTPS id 1; Tue, 13 Oct 2026 14:02:16 +0000",
            "from forged.example (forged.example [198.51.100.9]) by x.mail.protection.outlook.com with ESMTP id 2; Tue, 13 Oct 2026 14:02:15 +0000",
        ]);
        let forged: IpAddr = "198.51.100.9".parse().unwrap();
        assert_eq!(find(&views(&hops), &microsoft(forged)).entry_hop, Some(0));
        let tenant = chain(TENANT_TO_TENANT);
        let nowhere: IpAddr = "203.0.113.1".parse().unwrap();
        assert_eq!(
            find(&views(&tenant), &microsoft(nowhere)).entry_hop,
            find(&views(&tenant), &Hints::default()).entry_hop
        );
    }

    /// A university behind Proofpoint's hosted service (corpus 58's chain).
    const BEHIND_PROOFPOINT: &[&str] = &[
        "from mx0b-00417302.pphosted.com (mx0b-00417302.pphosted.com [198.51.100.141]) by mail.carrow-university.example (Postfix) with ESMTPS id 4Jf3Qn7XwTz2M; Mon, 26 Jan 2026 15:27:50 +0000",
        "from pps.filterd (m0174683.ppops.net [127.0.0.1]) by mx0b-00417302.pphosted.com (8.18.1.2/8.18.1.2) with ESMTP id 60QF9dKx021456; Mon, 26 Jan 2026 15:27:49 GMT",
        "from mta-out-22.promo-mailer.example (mta-out-22.promo-mailer.example [203.0.113.222]) by mx0b-00417302.pphosted.com (PPS) with ESMTPS id 4bq8h2xk7c-1; Mon, 26 Jan 2026 15:27:48 +0000",
        "from internal.promo-mailer.example (internal.promo-mailer.example [10.0.0.5]) by mta-out-22.promo-mailer.example with ESMTP id 1; Mon, 26 Jan 2026 15:27:47 +0000",
    ];

    #[test]
    fn the_walk_goes_through_the_recipients_inbound_gateway() {
        let hops = chain(BEHIND_PROOFPOINT);
        let boundary = find(&views(&hops), &Hints::default());
        assert_eq!(boundary.entry_hop, Some(2));
        assert!(boundary.is_recipient_host("mx0b-00417302.pphosted.com"));
        assert!(boundary.is_trusted_position(200) && !boundary.is_trusted_position(300));
    }

    #[test]
    fn a_gateway_that_scanned_outgoing_mail_is_the_senders() {
        let hops = chain(BEHIND_PROOFPOINT);
        let hints = Hints {
            outbound_gateways: vec!["proofpoint"],
            ..Hints::default()
        };
        assert_eq!(find(&views(&hops), &hints).entry_hop, Some(0));
    }

    #[test]
    fn a_gateway_name_alone_is_not_enough() {
        // The hop below was not received by the gateway: nothing shows it worked inward.
        let hops = chain(&[
            "from eu-smtp-inbound-2.mimecast.com (eu-smtp-inbound-2.mimecast.com [192.0.2.82]) by mail.fenwick.example (Postfix) with ESMTPS id 1; Mon, 16 Nov 2026 11:05:44 +0000",
            "from mail.sender.example (mail.sender.example [203.0.113.188]) by mail.sender.example with ESMTP id 2; Mon, 16 Nov 2026 11:05:40 +0000",
        ]);
        assert_eq!(find(&views(&hops), &Hints::default()).entry_hop, Some(0));
        // A relay that faces the sender (Mimecast's outbound delivery) is the entry.
        let hops = chain(&[
            "from eu-smtp-delivery-151.mimecast.com (eu-smtp-delivery-151.mimecast.com [192.0.2.211]) by pmx2.lakeside.example (8.15.2/8.15.2) with ESMTPS id 5B9; Wed, 9 Dec 2026 11:20:13 +0000",
            "from ASH-EX01.ashgrove.local (mail.ashgrove.example [192.0.2.66]) by relay.mimecast.com with ESMTP id 3; Wed, 9 Dec 2026 11:20:10 +0000",
        ]);
        assert_eq!(find(&views(&hops), &Hints::default()).entry_hop, Some(0));
    }
}
