//! Authentication results as observations: what the recipient's own checks concluded.
//!
//! Only entries the recipient wrote (`trusted`) count fully; when the message has none, the
//! untrusted ones still say something, with low confidence.

use crate::audit::{Confidence, Observation, evidence};
use crate::knowledge;
use crate::report::AuthenticationEntry;

/// Method → cause. Methods not listed (auth, bimi, x-csa...) say nothing about deliverability.
const METHOD_CAUSES: &[(&str, &str)] = &[
    ("spf", "spf"),
    ("dkim", "dkim"),
    ("dmarc", "dmarc"),
    ("arc", "arc"),
    ("iprev", "reverse-dns"),
    ("x-ptr", "reverse-dns"),
    ("compauth", "dmarc"),
    ("x-aligned-from", "dmarc"),
    ("x-tls", "encryption"),
];

/// Results that count as passing.
const PASS: &[&str] = &["pass", "bestguesspass", "softpass", "orgdomain_pass"];
/// Results that say nothing either way.
const SILENT: &[&str] = &["skipped", "policy", "neutral"];

pub fn observe(entries: &[AuthenticationEntry]) -> Vec<Observation> {
    let any_trusted = entries.iter().any(|e| e.trusted);
    entries
        .iter()
        .filter(|e| e.trusted || !any_trusted)
        .filter_map(|entry| observe_one(entry, any_trusted))
        .collect()
}

fn observe_one(entry: &AuthenticationEntry, trusted: bool) -> Option<Observation> {
    let (_, cause) = METHOD_CAUSES.iter().find(|(m, _)| *m == entry.method)?;
    let result = entry.result.as_str();
    if SILENT.contains(&result) {
        return None;
    }
    // ARC "none" only means the message was not forwarded.
    if entry.method == "arc" && result == "none" {
        return None;
    }
    let value = entry_text(entry);
    let who = entry
        .authserv_id
        .as_deref()
        .unwrap_or("the recipient's server");
    let evidence = evidence(&entry.header, value, Some(entry.line), note(entry, who));
    if PASS.contains(&result) {
        return Some(Observation::pass(cause, evidence));
    }
    let confidence = if !trusted {
        Confidence::Low
    } else if result == "temperror" {
        Confidence::Medium
    } else {
        Confidence::High
    };
    Some(Observation::problem(cause, confidence, evidence))
}

/// The entry as a short `method=result key=value` line.
fn entry_text(entry: &AuthenticationEntry) -> String {
    let mut text = format!("{}={}", entry.method, entry.result);
    if let Some(reason) = &entry.reason {
        text.push_str(&format!(" reason={reason}"));
    }
    for (key, value) in &entry.properties {
        let value = value
            .as_str()
            .map_or_else(|| value.to_string(), str::to_owned);
        text.push_str(&format!(" {key}={value}"));
    }
    if let Some(comment) = &entry.comment {
        text.push_str(&format!(" ({comment})"));
    }
    text
}

fn property<'a>(entry: &'a AuthenticationEntry, key: &str) -> Option<&'a str> {
    entry.properties.get(key).and_then(|v| v.as_str())
}

/// A plain sentence on what the result means.
fn note(entry: &AuthenticationEntry, who: &str) -> String {
    let result = entry.result.as_str();
    match entry.method.as_str() {
        "spf" => {
            let domain = property(entry, "smtp.mailfrom")
                .or_else(|| property(entry, "envelope-from"))
                .or_else(|| property(entry, "smtp.helo"))
                .unwrap_or("the sender's domain");
            match result {
                "fail" => format!(
                    "{who} found that {domain} does not allow the sending server to send its mail (SPF fail)"
                ),
                "softfail" => format!(
                    "{who} found that {domain} only weakly allows the sending server (SPF softfail, ~all)"
                ),
                "none" => format!("{who} found no SPF record for {domain}"),
                "permerror" => format!(
                    "{who} could not use the SPF record of {domain}: it is broken (SPF permerror)"
                ),
                "temperror" => format!(
                    "{who} could not look up the SPF record of {domain} at the time (SPF temperror)"
                ),
                _ => format!("SPF for {domain}: {result}"),
            }
        }
        "dkim" => {
            let domain = property(entry, "header.d")
                .or_else(|| property(entry, "header.i"))
                .unwrap_or("the signing domain");
            match result {
                "none" => format!("{who} found no DKIM signature"),
                "pass" => format!("{who} verified the DKIM signature of {domain}"),
                _ => {
                    format!("{who} could not verify the DKIM signature of {domain} (DKIM {result})")
                }
            }
        }
        "dmarc" => {
            let domain = property(entry, "header.from").unwrap_or("the From domain");
            match result {
                "fail" => format!(
                    "{who} found that neither SPF nor DKIM vouches for the From domain {domain} (DMARC fail)"
                ),
                "none" => format!("{who} found no DMARC policy for {domain}"),
                "pass" | "bestguesspass" => format!("DMARC passed for {domain}"),
                _ => format!("DMARC for {domain}: {result}"),
            }
        }
        "compauth" => {
            match entry.reason.as_deref().and_then(|reason| {
                Some((reason, knowledge::microsoft::translate("compauth", reason)?))
            }) {
                Some((reason, translation)) => format!(
                    "Microsoft's composite authentication: {result} (reason {reason}). {}",
                    translation.meaning.trim_end_matches('.')
                ),
                None => format!("Microsoft's composite authentication: {result}"),
            }
        }
        "iprev" | "x-ptr" => match result {
            "pass" => format!("{who} confirmed the sending server's reverse DNS name"),
            _ => format!(
                "{who} could not confirm a reverse DNS name for the sending server ({} {result})",
                entry.method
            ),
        },
        "arc" => format!("{who} checked the ARC chain of forwarders: {result}"),
        _ => format!("{}: {result}", entry.method),
    }
}
