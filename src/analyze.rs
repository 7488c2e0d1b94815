//! The single-message pipeline: bytes → header block → evidence → audit → diagnosis →
//! report.

use crate::evidence::{self, Fields, authentication, hops, spam_headers};
use crate::input::{InputError, classify};
use crate::report::{HeaderValue, Report, SCHEMA_VERSION, Sender};
use crate::{audit, diagnose, message, trust};

/// Settings of a run, shared read-only by every message of a batch (so it must stay
/// `Sync`). Empty today; per-run context such as recorded DNS for re-verification belongs
/// here, so the batch engine passes it to every message without knowing what it holds.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {}

/// Analyses one message. Fails only when the input is not a mail message at all; a
/// malformed header becomes an error entry in the report instead.
pub fn analyze(source: &str, bytes: &[u8]) -> Result<Report, InputError> {
    analyze_with(source, bytes, &Options::default())
}

/// [`analyze`] with the settings of a run.
pub fn analyze_with(source: &str, bytes: &[u8], options: &Options) -> Result<Report, InputError> {
    let Options {} = options;
    let classified = classify(bytes)?;
    let block = &classified.block;
    let mut fields = Fields::new(block);

    let parsed_hops = hops::read(&mut fields);
    let boundary = trust::find(&hops::views(&parsed_hops));
    let hop_reports = hops::to_report(&parsed_hops, &boundary);
    let sender = boundary.entry_hop.and_then(|index| {
        let from = hop_reports.get(index)?.from.as_ref()?;
        Some(Sender {
            ip: from.ip.clone(),
            helo: from.helo.clone(),
            rdns: from.rdns.clone(),
            hop_index: index,
        })
    });

    let mut verdicts = Vec::new();
    verdicts.extend(evidence::rspamd::read(&mut fields));
    verdicts.extend(evidence::stalwart::read(&mut fields));
    verdicts.extend(evidence::spamassassin::read(&mut fields));
    verdicts.extend(evidence::greylist::read(&mut fields));

    let auth = authentication::read(&mut fields, &boundary);
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
