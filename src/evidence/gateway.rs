//! What the gateway readers share: the context that tells a sender's outbound gateway from
//! the recipient's own, and running every vendor reader in turn.
//!
//! Gateways such as Proofpoint and Mimecast filter outgoing mail too, so their headers in a
//! received message are often the *sender's* outbound scan, not the recipient's verdict. Each
//! gateway verdict gets a `side`:
//!
//! 1. what the vendor's own headers say wins (Proofpoint's `policy=outbound`, SpamExperts'
//!    `-Outgoing-` fields, FortiMail's authenticated sender, Mimecast's authenticated
//!    submission...): the reader passes it as a hint;
//! 2. else the vendor's host names on the entry hop (`relays.tsv`): a message handed to the recipient by
//!    Mimecast's outbound delivery hosts was scanned by the sender's Mimecast, one handed over
//!    by its inbound hosts (or by Proofpoint's hosted service, or Cloudflare's routing) by the
//!    recipient's; one handed over by a mailbox provider (Zoho, Mail.ru, Yahoo, Yandex, GMX)
//!    carries that provider's outgoing headers;
//! 3. else the position: headers below the trust boundary were in the message before the
//!    recipient's MX accepted it, so they are the sender's; headers above it are the
//!    recipient's;
//! 4. with no Received chain at all, `unknown`.

use spamwhy_headers::HeaderField;

use super::{Fields, VerdictBuilder};
use crate::knowledge;
use crate::report::Side;
use crate::report::Verdict;
use crate::trust::TrustBoundary;

/// Where the message entered the recipient's side, for the readers.
pub struct Gateway<'a> {
    pub boundary: &'a TrustBoundary,
    /// The sending server's names as the entry hop recorded them: its reverse DNS name and
    /// its HELO, lower-cased (relays often greet with a different name than their PTR).
    pub sending_hosts: Vec<String>,
    /// Whether the message has any Received field to place headers against.
    pub has_hops: bool,
}

impl Gateway<'_> {
    /// The side of a verdict read from `fields`; `hint` is what the vendor's own headers say.
    pub fn side(&self, filter: &str, fields: &[&HeaderField], hint: Option<Side>) -> Side {
        if let Some(hint) = hint {
            return hint;
        }
        // `relays.tsv`: the vendor's relay that handed the message over shows which way
        // the vendor's headers face.
        if let Some(relay) = self
            .sending_hosts
            .iter()
            .filter_map(|host| knowledge::relay(host))
            .find(|relay| relay.filter == filter)
        {
            return if relay.faces_recipient {
                Side::Recipient
            } else {
                Side::Sender
            };
        }
        if !self.has_hops {
            return Side::Unknown;
        }
        if fields
            .iter()
            .any(|f| self.boundary.is_trusted_position(f.offset))
        {
            Side::Recipient
        } else {
            Side::Sender
        }
    }

    /// Sets the side of a verdict under construction.
    pub fn place(&self, builder: &mut VerdictBuilder, fields: &[&HeaderField], hint: Option<Side>) {
        let side = self.side(&builder.verdict.filter.clone(), fields, hint);
        builder.verdict.side = side;
    }
}

/// For a verdict whose headers only show that the product scanned the message: says so.
pub fn presence_only(builder: &mut VerdictBuilder) {
    let v = &builder.verdict;
    if v.spam.is_none() && v.score.is_none() && v.action.is_none() && v.rules.is_empty() {
        builder.detail("result", "scanned, no verdict shown");
    }
}

/// The name of a field, lower-cased.
pub fn lower_name(field: &HeaderField) -> String {
    field.name.to_ascii_lowercase()
}

/// Whether a field's name starts with any of the prefixes.
pub fn starts_with_any(field: &HeaderField, prefixes: &[&str]) -> bool {
    prefixes.iter().any(|p| field.name_starts_with(p))
}

/// Runs every gateway reader. Order matters only where two vendors share a header name
/// (FortiGate and Symantec both write `X-SpamInfo`): the stricter grammar goes first.
pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    verdicts.extend(super::barracuda::read(fields, gateway));
    verdicts.extend(super::proofpoint::read(fields, gateway));
    verdicts.extend(super::mimecast::read(fields, gateway));
    verdicts.extend(super::cisco::read(fields, gateway));
    verdicts.extend(super::trendmicro::read(fields, gateway));
    verdicts.extend(super::sophos::read(fields, gateway));
    verdicts.extend(super::vade::read(fields, gateway));
    verdicts.extend(super::cloudmark::read(fields, gateway));
    verdicts.extend(super::kaspersky::read(fields, gateway));
    verdicts.extend(super::fortinet::read(fields, gateway));
    verdicts.extend(super::symantec::read(fields, gateway));
    verdicts.extend(super::spamexperts::read(fields, gateway));
    verdicts.extend(super::providers::read(fields, gateway));
    // Cloudmark's engine inside Proofpoint is on Proofpoint's side.
    let proofpoint_side = verdicts
        .iter()
        .find(|v| v.filter == "proofpoint")
        .map(|v| v.side);
    for verdict in &mut verdicts {
        if verdict.filter == "cloudmark" && verdict.via.as_deref() == Some("proofpoint") {
            verdict.side = proofpoint_side.unwrap_or(verdict.side);
        }
    }
    verdicts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, offset: usize) -> HeaderField {
        HeaderField {
            name: name.to_owned(),
            value: String::new(),
            offset,
            line: 1,
        }
    }

    fn gateway<'a>(boundary: &'a TrustBoundary, host: Option<&str>, has_hops: bool) -> Gateway<'a> {
        Gateway {
            boundary,
            sending_hosts: host.into_iter().map(str::to_owned).collect(),
            has_hops,
        }
    }

    #[test]
    fn position_against_the_boundary() {
        let boundary = TrustBoundary {
            entry_hop: Some(1),
            recipient_hops: 2,
            untrusted_from: Some(500),
            recipient_domains: vec!["example.net".to_owned()],
        };
        let g = gateway(&boundary, Some("mail.example.org"), true);
        let above = field("X-TM-AS-Result", 100);
        let below = field("X-TM-AS-Result", 900);
        assert_eq!(g.side("trendmicro", &[&above], None), Side::Recipient);
        assert_eq!(g.side("trendmicro", &[&below], None), Side::Sender);
        assert_eq!(
            g.side("trendmicro", &[&below, &above], None),
            Side::Recipient
        );
        // What the vendor's headers say wins over the position.
        assert_eq!(
            g.side("proofpoint", &[&above], Some(Side::Sender)),
            Side::Sender
        );
    }

    #[test]
    fn relay_host_names_and_no_hops() {
        let boundary = TrustBoundary {
            untrusted_from: Some(500),
            ..TrustBoundary::default()
        };
        let below = field("X-Mimecast-Spam-Score", 900);
        let above = field("X-Mimecast-Spam-Score", 100);
        let inbound = gateway(&boundary, Some("eu-smtp-inbound-2.mimecast.com"), true);
        assert_eq!(inbound.side("mimecast", &[&below], None), Side::Recipient);
        let outbound = gateway(&boundary, Some("eu-smtp-delivery-151.mimecast.com"), true);
        assert_eq!(outbound.side("mimecast", &[&above], None), Side::Sender);
        // A host hint only applies to its own vendor.
        assert_eq!(outbound.side("sophos", &[&above], None), Side::Recipient);
        let zoho = gateway(&boundary, Some("sender4-op-o12.zoho.com"), true);
        assert_eq!(zoho.side("zoho", &[&above], None), Side::Sender);
        let pasted = gateway(&boundary, None, false);
        assert_eq!(pasted.side("kaspersky", &[&above], None), Side::Unknown);
    }
}
