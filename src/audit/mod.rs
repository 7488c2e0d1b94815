//! Checklist checks read from the message itself, whether or not a filter complained: the
//! sending server's names, TLS on the way in, DKIM signing, alignment, required headers,
//! MIME structure, unsubscribe links, size, greylisting.
//!
//! Each check yields [`Observation`]s: a cause, whether the message passed or failed it, how
//! sure the check is, and the header that shows it. The diagnosis turns them into findings.

mod content;
mod sender;
mod signing;

pub(crate) use sender::dynamic_marker;
pub use signing::{address_domain, envelope_aligned};

use spamwhy_headers::HeaderBlock;

use crate::report::{Evidence, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn id(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// One thing a check saw.
#[derive(Debug, Clone)]
pub struct Observation {
    /// A cause id from the catalogue.
    pub cause: &'static str,
    /// True when the message got this right.
    pub passed: bool,
    pub confidence: Confidence,
    pub evidence: Evidence,
}

impl Observation {
    pub fn problem(cause: &'static str, confidence: Confidence, evidence: Evidence) -> Self {
        Observation {
            cause,
            passed: false,
            confidence,
            evidence,
        }
    }

    pub fn pass(cause: &'static str, evidence: Evidence) -> Self {
        Observation {
            cause,
            passed: true,
            confidence: Confidence::High,
            evidence,
        }
    }
}

/// Evidence pointing at a header, with a plain note on what it shows.
pub fn evidence(
    header: &str,
    value: impl Into<String>,
    line: Option<usize>,
    note: impl Into<String>,
) -> Evidence {
    Evidence {
        header: header.to_owned(),
        value: value.into(),
        line,
        note: Some(note.into()),
    }
}

/// Runs every check. `bytes` is the whole input (for MIME structure and size).
pub fn run(report: &Report, block: &HeaderBlock, bytes: &[u8]) -> Vec<Observation> {
    let mut observations = Vec::new();
    sender::check(report, &mut observations);
    signing::check(report, block, &mut observations);
    content::check(report, block, bytes, &mut observations);
    observations
}
