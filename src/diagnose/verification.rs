//! Offline re-verification as observations: what the recorded DNS shows now.

use crate::audit::{Confidence, Observation, evidence};
use crate::report::Verification;

const HEADER: &str = "(recorded DNS)";

/// The cause a record check belongs to.
fn record_cause(check: &str) -> &'static str {
    match check.split('-').next().unwrap_or("") {
        "spf" => "spf",
        "dkim" => "dkim",
        "dmarc" => "dmarc",
        "mx" => "mx-record",
        "ptr" => "reverse-dns",
        _ => "unknown",
    }
}

fn observation(
    cause: &'static str,
    result: &str,
    value: String,
    note: String,
) -> Option<Observation> {
    let evidence = evidence(HEADER, value, None, note);
    match result {
        "pass" => Some(Observation::pass(cause, evidence)),
        "fail" | "softfail" | "permerror" | "none" => {
            Some(Observation::problem(cause, Confidence::High, evidence))
        }
        "temperror" | "neutral" | "warn" => {
            Some(Observation::problem(cause, Confidence::Low, evidence))
        }
        _ => None,
    }
}

pub fn observe(verification: &Verification) -> Vec<Observation> {
    let mut out = Vec::new();
    if let Some(spf) = &verification.spf {
        out.extend(observation(
            "spf",
            &spf.result,
            format!("spf={} {}", spf.result, spf.domain),
            format!("re-checked now: {}", spf.reason),
        ));
    }
    for dkim in verification
        .dkim
        .iter()
        .filter(|d| !d.expired_since_arrival)
    {
        out.extend(observation(
            "dkim",
            &dkim.result,
            format!(
                "dkim={} d={}",
                dkim.result,
                dkim.d.as_deref().unwrap_or("?")
            ),
            format!("re-checked now: {}", dkim.reason),
        ));
    }
    if let Some(dmarc) = &verification.dmarc {
        out.extend(observation(
            "dmarc",
            &dmarc.result,
            format!("dmarc={} {}", dmarc.result, dmarc.domain),
            format!("re-checked now: {}", dmarc.reason),
        ));
    }
    if let Some(iprev) = &verification.iprev {
        out.extend(observation(
            "reverse-dns",
            &iprev.result,
            format!("iprev={} {}", iprev.result, iprev.ip),
            format!("re-checked now: {}", iprev.reason),
        ));
    }
    for record in &verification.records {
        let cause = record_cause(&record.check);
        out.extend(observation(
            cause,
            &record.result,
            format!("{} {}", record.name, record.detail),
            format!("{}: {}", record.name, record.detail),
        ));
    }
    out
}
