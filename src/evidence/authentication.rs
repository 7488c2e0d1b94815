//! Authentication-Results, ARC-Authentication-Results, Received-SPF, DKIM-Signature and
//! the ARC sets, each entry marked trusted or not by the trust boundary.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use spamwhy_headers::HeaderField;
use spamwhy_headers::authentication_results::{
    AuthenticationResults, parse_arc_authentication_results, parse_authentication_results,
};
use spamwhy_headers::dkim_signature::{
    DkimSignature as ParsedSignature, parse_arc_message_signature, parse_arc_seal,
    parse_dkim_signature,
};
use spamwhy_headers::received_spf::parse_received_spf;

use super::{Fields, header_error};
use crate::report::{ArcSet, AuthenticationEntry, DkimSignature, HeaderError};
use crate::trust::TrustBoundary;

pub struct Authentication {
    pub entries: Vec<AuthenticationEntry>,
    pub dkim_signatures: Vec<DkimSignature>,
    pub arc_sets: Vec<ArcSet>,
    pub errors: Vec<HeaderError>,
}

pub fn read(fields: &mut Fields<'_>, trust: &TrustBoundary) -> Authentication {
    let mut out = Authentication {
        entries: Vec::new(),
        dkim_signatures: Vec::new(),
        arc_sets: Vec::new(),
        errors: Vec::new(),
    };
    let mut arc: BTreeMap<u32, ArcSet> = BTreeMap::new();

    // Fastmail writes its extra checks (x-aligned-from, x-tls...) in the same grammar.
    let wanted = [
        "Authentication-Results",
        "ARC-Authentication-Results",
        "X-ME-Authentication-Results",
        "Received-SPF",
    ];
    for field in fields.take_where(|f| wanted.iter().any(|name| f.is(name))) {
        if field.is("Received-SPF") {
            match parse_received_spf(&field.value) {
                Ok(spf) => {
                    // RFC 7208 wants a host name here; some servers write a mailbox.
                    let receiver = spf
                        .param("receiver")
                        .map(|r| r.rsplit('@').next().unwrap_or(r).to_owned());
                    let properties = to_map(&spf.params);
                    out.entries.push(AuthenticationEntry {
                        header: field.name.clone(),
                        trusted: trust.is_trusted_position(field.offset)
                            && receiver
                                .as_deref()
                                .is_none_or(|r| trust.is_recipient_host(r)),
                        authserv_id: receiver,
                        instance: None,
                        method: "spf".to_owned(),
                        result: spf.result,
                        reason: None,
                        comment: spf.comment,
                        properties,
                        line: field.line,
                    });
                }
                Err(e) => out.errors.push(header_error(field, &e)),
            }
            continue;
        }
        let parsed = if field.is("ARC-Authentication-Results") {
            parse_arc_authentication_results(&field.value).map(|(i, r)| (Some(i), r))
        } else {
            parse_authentication_results(&field.value).map(|r| (None, r))
        };
        match parsed {
            Ok((instance, results)) => {
                for problem in &results.problems {
                    out.errors.push(HeaderError {
                        header: field.name.clone(),
                        line: field.line,
                        problem: problem.clone(),
                    });
                }
                if let Some(i) = instance {
                    arc_set(&mut arc, i).authserv_id = results.authserv_id.clone();
                }
                push_results(&mut out.entries, field, instance, results, trust);
            }
            Err(e) => out.errors.push(header_error(field, &e)),
        }
    }

    for field in fields.take("DKIM-Signature") {
        match parse_dkim_signature(&field.value) {
            Ok(sig) => out.dkim_signatures.push(signature(&sig, field)),
            Err(e) => out.errors.push(header_error(field, &e)),
        }
    }
    for field in fields.take("ARC-Seal") {
        match parse_arc_seal(&field.value) {
            Ok(seal) => {
                let set = arc_set(&mut arc, seal.instance.unwrap_or(0));
                set.chain_validation = seal.seal_validation;
                set.seal_domain = seal.domain;
                set.seal_selector = seal.selector;
            }
            Err(e) => out.errors.push(header_error(field, &e)),
        }
    }
    for field in fields.take("ARC-Message-Signature") {
        match parse_arc_message_signature(&field.value) {
            Ok(sig) => arc_set(&mut arc, sig.instance.unwrap_or(0)).signature_domain = sig.domain,
            Err(e) => out.errors.push(header_error(field, &e)),
        }
    }
    out.arc_sets = arc.into_values().rev().collect();
    out
}

fn push_results(
    entries: &mut Vec<AuthenticationEntry>,
    field: &HeaderField,
    instance: Option<u32>,
    results: AuthenticationResults,
    trust: &TrustBoundary,
) {
    let trusted = trust.trusts_authserv(results.authserv_id.as_deref(), field.offset);
    for result in results.results {
        entries.push(AuthenticationEntry {
            header: field.name.clone(),
            authserv_id: results.authserv_id.clone(),
            instance,
            trusted,
            method: result.method,
            result: result.result,
            reason: result.reason,
            comment: (!result.comments.is_empty()).then(|| result.comments.join(" ")),
            properties: to_map(&result.properties),
            line: field.line,
        });
    }
}

/// Properties keep their order; a repeated key becomes a list of its values.
fn to_map(pairs: &[(String, String)]) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in pairs {
        match map.get_mut(key) {
            Some(Value::Array(values)) => values.push(Value::String(value.clone())),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(value.clone())]);
            }
            None => {
                map.insert(key.clone(), Value::String(value.clone()));
            }
        }
    }
    map
}

fn arc_set(sets: &mut BTreeMap<u32, ArcSet>, instance: u32) -> &mut ArcSet {
    sets.entry(instance).or_insert_with(|| ArcSet {
        instance,
        chain_validation: None,
        seal_domain: None,
        seal_selector: None,
        signature_domain: None,
        authserv_id: None,
    })
}

fn signature(sig: &ParsedSignature, field: &HeaderField) -> DkimSignature {
    DkimSignature {
        d: sig.domain.clone(),
        s: sig.selector.clone(),
        a: sig.algorithm.clone(),
        c: sig.canonicalization.clone(),
        h: sig.headers.clone(),
        t: sig.timestamp,
        x: sig.expiration,
        i: sig.identity.clone(),
        l: sig.body_length,
        line: field.line,
    }
}
