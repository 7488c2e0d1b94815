//! The single-message pipeline: bytes → header block → evidence → audit → diagnosis →
//! report.

use crate::dns::RecordedDns;
use crate::evidence::{self, Fields, authentication, hops, spam_headers};
use crate::input::{InputError, classify};
use crate::report::{HeaderValue, Report, SCHEMA_VERSION, Sender};
use crate::verify::{self, Verifier};
use crate::{audit, diagnose, message, trust};

/// What a run shares between messages: today the recorded DNS and the offline verifier
/// (`--dns`), loaded once.
#[derive(Default)]
pub struct Context {
    pub dns: Option<DnsContext>,
}

pub struct DnsContext {
    pub dns: RecordedDns,
    /// The file it was read from, for the report.
    pub name: String,
    pub verifier: Verifier,
}

impl DnsContext {
    /// Reads a recorded-DNS file and sets up the offline verifier.
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let dns = RecordedDns::load(path).map_err(|e| e.to_string())?;
        Ok(DnsContext {
            dns,
            name: path.display().to_string(),
            verifier: Verifier::offline()?,
        })
    }
}

/// Analyses one message without re-verification. Fails only when the input is not a mail
/// message at all; a malformed header becomes an error entry in the report instead.
pub fn analyze(source: &str, bytes: &[u8]) -> Result<Report, InputError> {
    analyze_with(source, bytes, &Context::default())
}

/// Analyses one message with what the run shares (recorded DNS for re-verification).
pub fn analyze_with(source: &str, bytes: &[u8], context: &Context) -> Result<Report, InputError> {
    let classified = classify(bytes)?;
    let bytes: &[u8] = classified.rebuilt.as_deref().unwrap_or(bytes);
    let block = &classified.block;
    let mut fields = Fields::new(block);

    let parsed_hops = hops::read(&mut fields);
    let edge = evidence::microsoft::edge_view(block);
    let hints = trust::Hints {
        microsoft_entry_ip: edge.as_ref().map(|e| e.ip),
        outbound_gateways: evidence::proofpoint::scanned_outbound(block)
            .then_some("proofpoint")
            .into_iter()
            .collect(),
    };
    let boundary = trust::find(&hops::views(&parsed_hops), &hints);
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
    let gateway = evidence::gateway::Gateway {
        boundary: &boundary,
        sending_hosts: sender
            .iter()
            .flat_map(|s| [s.rdns.as_deref(), s.helo.as_deref()])
            .flatten()
            .map(str::to_ascii_lowercase)
            .collect(),
        has_hops: !parsed_hops.is_empty(),
    };
    verdicts.extend(evidence::gateway::read(&mut fields, &gateway));
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
        fix_records: Vec::new(),
        verification: None,
    };
    if let Some(dns) = &context.dns {
        verify::verify_report(&mut report, bytes, &dns.dns, &dns.name, &dns.verifier);
    }
    let observations = audit::run(&report, block, bytes);
    diagnose::diagnose(&mut report, observations);
    report.fix_records =
        diagnose::fix_records::propose(&report, context.dns.as_ref().map(|d| &d.dns));
    Ok(report)
}
