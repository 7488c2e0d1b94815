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
//! 2. else the vendor's host names on the entry hop: a message handed to the recipient by
//!    Mimecast's outbound delivery hosts was scanned by the sender's Mimecast, one handed over
//!    by its inbound hosts by the recipient's;
//! 3. else the position: headers below the trust boundary were in the message before the
//!    recipient's MX accepted it, so they are the sender's; headers above it are the
//!    recipient's;
//! 4. with no Received chain at all, `unknown`.

use spamwhy_headers::HeaderField;

use super::{Fields, VerdictBuilder};
use crate::report::Verdict;
use crate::trust::TrustBoundary;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Recipient,
    Sender,
    Unknown,
}

impl Side {
    pub fn id(self) -> &'static str {
        match self {
            Side::Recipient => "recipient",
            Side::Sender => "sender",
            Side::Unknown => "unknown",
        }
    }
}

/// Host-name fragments of vendors' relays that show which way the gateway faces: (filter,
/// fragment of the entry hop's sending host, side of that vendor's headers).
const HOST_HINTS: &[(&str, &str, Side)] = &[
    ("mimecast", "-smtp-delivery-", Side::Sender),
    ("mimecast", "-smtp-inbound-", Side::Recipient),
];

/// Where the message entered the recipient's side, for the readers.
pub struct Gateway<'a> {
    pub boundary: &'a TrustBoundary,
    /// The sending server as the entry hop recorded it: its reverse DNS name, else its HELO,
    /// lower-cased.
    pub sending_host: Option<String>,
    /// Whether the message has any Received field to place headers against.
    pub has_hops: bool,
}

impl Gateway<'_> {
    /// The side of a verdict read from `fields`; `hint` is what the vendor's own headers say.
    pub fn side(&self, filter: &str, fields: &[&HeaderField], hint: Option<Side>) -> Side {
        if let Some(hint) = hint {
            return hint;
        }
        if let Some(host) = &self.sending_host
            && let Some((_, _, side)) = HOST_HINTS
                .iter()
                .find(|(f, fragment, _)| *f == filter && host.contains(fragment))
        {
            return *side;
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
        builder.verdict.side = Some(side.id().to_owned());
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

/// Whether a field's name starts with any of the prefixes (lower-case).
pub fn starts_with_any(field: &HeaderField, prefixes: &[&str]) -> bool {
    let name = lower_name(field);
    prefixes.iter().any(|p| name.starts_with(p))
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
    verdicts
}
