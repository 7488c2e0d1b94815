//! The Received chain, topmost (newest) first.

use spamwhy_headers::lex::collapse_whitespace;
use spamwhy_headers::received::{Received, parse_received};
use spamwhy_headers::{HeaderField, ParseError};

use super::{Fields, header_error};
use crate::report::{HeaderError, Hop, HopFrom, Tls};
use crate::trust::{HopView, TrustBoundary};

pub struct ParsedHop<'a> {
    pub field: &'a HeaderField,
    pub parsed: Result<Received, ParseError>,
}

pub fn read<'a>(fields: &mut Fields<'a>) -> Vec<ParsedHop<'a>> {
    fields
        .take("Received")
        .into_iter()
        .map(|field| ParsedHop {
            field,
            parsed: parse_received(&field.value),
        })
        .collect()
}

pub fn views<'a>(hops: &'a [ParsedHop<'_>]) -> Vec<HopView<'a>> {
    hops.iter()
        .map(|hop| HopView {
            offset: hop.field.offset,
            received: hop.parsed.as_ref().ok(),
        })
        .collect()
}

pub fn errors(hops: &[ParsedHop<'_>]) -> Vec<HeaderError> {
    hops.iter()
        .filter_map(|hop| {
            hop.parsed
                .as_ref()
                .err()
                .map(|e| header_error(hop.field, e))
        })
        .collect()
}

pub fn to_report(hops: &[ParsedHop<'_>], trust: &TrustBoundary) -> Vec<Hop> {
    let timestamps: Vec<Option<i64>> = hops
        .iter()
        .map(|hop| {
            hop.parsed
                .as_ref()
                .ok()
                .and_then(|r| r.date)
                .map(|d| d.timestamp)
        })
        .collect();
    hops.iter()
        .enumerate()
        .map(|(index, hop)| {
            let received = hop.parsed.as_ref().ok();
            let delay_seconds = match (timestamps[index], timestamps.get(index + 1)) {
                (Some(here), Some(Some(below))) => Some(here - below),
                _ => None,
            };
            Hop {
                index,
                from: received.and_then(|r| r.from.as_ref()).map(|from| HopFrom {
                    helo: from.helo.clone(),
                    rdns: from.rdns.clone(),
                    ip: from.ip.map(|ip| ip.to_string()),
                }),
                by: received.and_then(|r| r.by.clone()),
                with: received.and_then(|r| r.with.clone()),
                id: received.and_then(|r| r.id.clone()),
                for_recipient: received.and_then(|r| r.for_recipient.clone()),
                date: received.and_then(|r| r.date).map(|d| d.to_rfc3339()),
                tls: received.and_then(|r| r.tls.as_ref()).map(|tls| Tls {
                    version: tls.version.clone(),
                    cipher: tls.cipher.clone(),
                    evidence: tls.evidence.clone(),
                }),
                delay_seconds,
                recipient_side: index < trust.recipient_hops,
                line: hop.field.line,
                raw: collapse_whitespace(&hop.field.value),
            }
        })
        .collect()
}
