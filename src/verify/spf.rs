//! SPF (RFC 7208 `check_host`) for the sending IP, for the MAIL FROM and HELO identities,
//! with a reason in plain words built from the recorded record.

use std::net::IpAddr;

use mail_auth::spf::verify::SpfParameters;
use mail_auth::{Parameters, SpfOutput, SpfResult};

use super::{STUCK, Verifier, block_on};
use crate::dns::cache::{OfflineCache, is_spf};
use crate::dns::zone::RecordType;
use crate::dns::{Answer, RecordedDns};
use crate::report::{SpfCheck, SpfIdentity};

/// Who the recipient saw: the client IP, the HELO name and the MAIL FROM address.
pub struct SpfInput {
    pub ip: IpAddr,
    pub helo: Option<String>,
    pub mail_from: Option<String>,
}

pub struct SpfOutcome {
    pub check: SpfCheck,
    /// The MAIL FROM result as mail-auth gives it, for DMARC.
    pub output: SpfOutput,
    /// The domain SPF evaluated for MAIL FROM (DMARC's SPF identifier).
    pub domain: String,
}

/// The checking host's name in macros (`%{r}`); any fixed name gives repeatable results.
const CHECKING_HOST: &str = "spamwhy.invalid";

pub fn result_word(result: SpfResult) -> &'static str {
    match result {
        SpfResult::Pass => "pass",
        SpfResult::Fail => "fail",
        SpfResult::SoftFail => "softfail",
        SpfResult::Neutral => "neutral",
        SpfResult::TempError => "temperror",
        SpfResult::PermError => "permerror",
        SpfResult::None => "none",
    }
}

/// The single SPF record at a name, as recorded, if there is exactly one.
pub fn spf_record(dns: &RecordedDns, domain: &str) -> Option<String> {
    match dns.lookup(domain, &RecordType::Txt) {
        Answer::Records(records) => {
            let spf: Vec<Vec<u8>> = records
                .iter()
                .filter_map(|r| r.txt_joined())
                .filter(|t| is_spf(t))
                .collect();
            match spf.as_slice() {
                [one] => Some(String::from_utf8_lossy(one).into_owned()),
                _ => None,
            }
        }
        _ => None,
    }
}

fn reason(
    evaluation: &Evaluation,
    domain: &str,
    ip: IpAddr,
    record: Option<&str>,
    dns: &RecordedDns,
) -> String {
    let spf_count = match dns.lookup(domain, &RecordType::Txt) {
        Answer::Records(records) => records
            .iter()
            .filter_map(|r| r.txt_joined())
            .filter(|t| is_spf(t))
            .count(),
        _ => 0,
    };
    match evaluation.result {
        SpfResult::Pass => format!("{domain}'s SPF record authorises {ip}"),
        SpfResult::Fail => {
            format!("{domain}'s SPF record does not list {ip} and ends in -all (hard fail)")
        }
        SpfResult::SoftFail => {
            format!("{domain}'s SPF record does not list {ip} and ends in ~all (soft fail)")
        }
        SpfResult::Neutral => {
            let terms: Vec<String> = record
                .map(|r| r.split_whitespace().map(str::to_ascii_lowercase).collect())
                .unwrap_or_default();
            if terms.iter().any(|t| t == "?all") {
                format!(
                    "{domain}'s SPF record does not list {ip} and ends in ?all, which says nothing either way"
                )
            } else if terms.iter().any(|t| t.ends_with("all")) {
                format!("{domain}'s SPF record gives a neutral (?) result for {ip}")
            } else {
                format!(
                    "{domain}'s SPF record does not list {ip} and has no final all term, so the result is neutral"
                )
            }
        }
        SpfResult::None => match dns.lookup(domain, &RecordType::Txt) {
            Answer::NxDomain { listed: false } => {
                format!("{domain} is not in the recorded DNS, so it has no SPF record")
            }
            Answer::NxDomain { .. } => format!("{domain} does not exist, so it has no SPF record"),
            _ => format!("{domain} publishes no SPF record"),
        },
        SpfResult::TempError => format!(
            "a DNS lookup for {domain}'s SPF evaluation failed temporarily (recorded as a server failure or timeout)"
        ),
        SpfResult::PermError if !evaluation.too_many_voids.is_empty() => format!(
            "{domain}'s SPF evaluation looked up {} names that do not exist or have no records ({}); more than {MAX_VOID_LOOKUPS} such void lookups is a permanent error",
            evaluation.too_many_voids.len(),
            evaluation.too_many_voids.join(", ")
        ),
        SpfResult::PermError if spf_count > 1 => {
            format!("{domain} publishes {spf_count} SPF records; exactly one is allowed")
        }
        SpfResult::PermError => match record {
            Some(record) => match crate::dns::spf_record::parse(record, Some(ip)) {
                Err(syntax) => format!("{domain}'s SPF record breaks the SPF grammar: {syntax}"),
                Ok(_) => format!(
                    "{domain}'s SPF record cannot be evaluated (a missing or broken include/redirect target, or more than 10 DNS-querying terms): {record}"
                ),
            },
            None => format!("{domain}'s SPF record cannot be evaluated"),
        },
    }
}

/// RFC 7208 §4.6.4: more void lookups than this in one evaluation is a `permerror`.
const MAX_VOID_LOOKUPS: usize = 2;

/// One `check_host` evaluation.
struct Evaluation {
    result: SpfResult,
    output: SpfOutput,
    /// Names whose lookups found nothing, when there were too many of them.
    too_many_voids: Vec<String>,
}

/// `check_host` for one identity, with the void-lookup limit mail-auth does not apply.
/// Evaluation stops at the first match, so every void lookup it made came before the
/// result was known: had the limit been applied as they happened, the third would have
/// ended the evaluation with `permerror`.
fn run(verifier: &Verifier, cache: &OfflineCache<'_>, params: SpfParameters<'_>) -> Evaluation {
    cache.reset_void_lookups();
    let output = block_on(
        verifier
            .authenticator()
            .verify_spf(Parameters::new(params).with_cache(cache)),
    )
    .unwrap_or_else(|| SpfOutput::new(String::new()).with_result(SpfResult::TempError));
    let voids = cache.void_lookups();
    if voids.len() > MAX_VOID_LOOKUPS {
        return Evaluation {
            result: SpfResult::PermError,
            output: output.with_result(SpfResult::PermError),
            too_many_voids: voids,
        };
    }
    Evaluation {
        result: output.result(),
        output,
        too_many_voids: Vec::new(),
    }
}

pub fn check_spf(
    verifier: &Verifier,
    cache: &OfflineCache<'_>,
    dns: &RecordedDns,
    input: &SpfInput,
) -> SpfOutcome {
    // An IPv4 client written as an IPv4-mapped IPv6 address is an IPv4 client (RFC 7208 §5).
    let input = &SpfInput {
        ip: input.ip.to_canonical(),
        helo: input.helo.clone(),
        mail_from: input.mail_from.clone(),
    };
    let helo = input
        .helo
        .as_deref()
        .map(|h| h.trim_end_matches('.').to_ascii_lowercase());
    let helo_name = helo.clone().unwrap_or_default();
    // A null reverse-path (bounces) is checked as postmaster@HELO (RFC 7208 §2.4).
    let mail_from = input
        .mail_from
        .clone()
        .filter(|m| !m.is_empty() && m != "<>");
    let domain = mail_from
        .as_deref()
        .and_then(|m| m.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()))
        .unwrap_or_else(|| helo_name.clone());
    let sender = mail_from
        .clone()
        .unwrap_or_else(|| format!("postmaster@{helo_name}"));
    let evaluation = run(
        verifier,
        cache,
        SpfParameters::mail_from(input.ip, &helo_name, CHECKING_HOST, &sender),
    );
    let result = evaluation.result;
    let record = spf_record(dns, &domain);
    let helo_identity = helo
        .as_deref()
        .filter(|h| h.contains('.') && crate::domain::parse_ip(h).is_none())
        .map(|helo| {
            let helo_evaluation = run(
                verifier,
                cache,
                SpfParameters::helo(input.ip, helo, CHECKING_HOST),
            );
            let helo_record = spf_record(dns, helo);
            SpfIdentity {
                name: helo.to_owned(),
                result: result_word(helo_evaluation.result).to_owned(),
                reason: reason(
                    &helo_evaluation,
                    helo,
                    input.ip,
                    helo_record.as_deref(),
                    dns,
                ),
                record: helo_record,
            }
        });
    let result_text = if evaluation.output.domain().is_empty() && result == SpfResult::TempError {
        STUCK
    } else {
        result_word(result)
    };
    SpfOutcome {
        check: SpfCheck {
            result: result_text.to_owned(),
            reason: reason(&evaluation, &domain, input.ip, record.as_deref(), dns),
            ip: input.ip.to_string(),
            mail_from,
            domain: domain.clone(),
            record,
            helo: helo_identity,
        },
        output: evaluation.output,
        domain,
    }
}
