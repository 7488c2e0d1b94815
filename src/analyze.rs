//! The single-message pipeline: bytes → header block → evidence → audit → diagnosis →
//! report.

use crate::evidence::{self, Fields, authentication, hops, spam_headers};
use crate::input::{InputError, classify};
use crate::report::{HeaderValue, Report, SCHEMA_VERSION, Sender};
use crate::{audit, diagnose, message, trust};

/// Analyses one message. Fails only when the input is not a mail message at all; a
/// malformed header becomes an error entry in the report instead.
pub fn analyze(source: &str, bytes: &[u8]) -> Result<Report, InputError> {
    let classified = classify(bytes)?;
    let bytes: &[u8] = classified.rebuilt.as_deref().unwrap_or(bytes);
    let block = &classified.block;
    let mut fields = Fields::new(block);

    let parsed_hops = hops::read(&mut fields);
    let edge = evidence::microsoft::edge_view(block);
    let boundary = trust::find(&hops::views(&parsed_hops), edge.as_ref().map(|e| e.ip));
    let hop_reports = hops::to_report(&parsed_hops, &boundary);
    let sender = boundary.entry_hop.and_then(|index| {
        let from = hop_reports.get(index)?.from.as_ref()?;
        // Microsoft records the reverse DNS name in its Forefront report, not in Received.
        let edge_ptr = edge
            .as_ref()
            .filter(|_| boundary.recipient_is_microsoft())
            .filter(|e| from.ip.as_deref() == Some(e.ip.to_string().as_str()))
            .and_then(|e| e.ptr.clone());
        Some(Sender {
            ip: from.ip.clone(),
            helo: from.helo.clone(),
            rdns: from.rdns.clone().or(edge_ptr),
            hop_index: index,
        })
    });

    let mut verdicts = Vec::new();
    verdicts.extend(evidence::rspamd::read(&mut fields));
    verdicts.extend(evidence::stalwart::read(&mut fields));
    verdicts.extend(evidence::spamassassin::read(&mut fields));
    verdicts.extend(evidence::greylist::read(&mut fields));

    let auth = authentication::read(&mut fields, &boundary);
    verdicts.extend(evidence::microsoft::read(
        &mut fields,
        &boundary,
        &auth.entries,
    ));
    let mut errors = hops::errors(&parsed_hops);
    errors.extend(auth.errors);

    let unrecognised_headers = fields
        .unused()
        .filter(|f| spam_headers::is_spam_related(&f.name))
        .map(|f| HeaderValue {
            name: f.name.clone(),
            value: f.unfolded(),
            line: f.line,
        })
        .collect();

    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        source: source.to_owned(),
        input_kind: classified.kind,
        message: message::summarize(bytes),
        sender,
        hops: hop_reports,
        verdicts,
        authentication: auth.entries,
        dkim_signatures: auth.dkim_signatures,
        arc_sets: auth.arc_sets,
        unrecognised_headers,
        errors,
        findings: Vec::new(),
        passed: Vec::new(),
    };
    let observations = audit::run(&report, block, bytes);
    diagnose::diagnose(&mut report, observations);
    Ok(report)
}
