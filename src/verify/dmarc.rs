//! DMARC for the From domain: the policy record (at the From domain or its organisational
//! domain), and whether SPF or DKIM passed for an aligned domain.

use mail_auth::dmarc::Policy;
use mail_auth::dmarc::verify::DmarcParameters;
use mail_auth::{AuthenticatedMessage, DkimOutput, DmarcResult, Parameters, SpfOutput, SpfResult};

use super::spf::SpfOutcome;
use super::{Verifier, block_on};
use crate::dns::cache::OfflineCache;
use crate::dns::zone::RecordType;
use crate::dns::{Answer, RecordedDns};
use crate::report::DmarcCheck;

fn policy_word(policy: Policy) -> &'static str {
    match policy {
        Policy::Quarantine => "quarantine",
        Policy::Reject => "reject",
        Policy::None | Policy::Unspecified => "none",
    }
}

fn dmarc_record(dns: &RecordedDns, domain: &str) -> Option<String> {
    match dns.lookup(&format!("_dmarc.{domain}"), &RecordType::Txt) {
        Answer::Records(records) => records
            .iter()
            .filter_map(|r| r.txt_joined())
            .find(|t| t.to_ascii_lowercase().starts_with(b"v=dmarc1"))
            .map(|t| String::from_utf8_lossy(&t).into_owned()),
        _ => None,
    }
}

pub fn check(
    verifier: &Verifier,
    cache: &OfflineCache<'_>,
    dns: &RecordedDns,
    message: &AuthenticatedMessage<'_>,
    dkim: &[DkimOutput<'_>],
    spf: Option<&SpfOutcome>,
) -> Option<DmarcCheck> {
    let from = message.first_from_address();
    let from_domain = from.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase())?;
    let no_spf = SpfOutput::new(String::new()).with_result(SpfResult::None);
    let (spf_output, spf_domain) = match spf {
        Some(outcome) => (&outcome.output, outcome.domain.as_str()),
        None => (&no_spf, ""),
    };
    let output = block_on(
        verifier.authenticator().verify_dmarc(
            Parameters::new(DmarcParameters::new(message, dkim, spf_domain, spf_output))
                .with_cache(cache),
        ),
    )?;
    let policy_domain =
        (!output.domain().is_empty()).then(|| output.domain().trim_end_matches('.').to_owned());
    let record = policy_domain
        .as_deref()
        .and_then(|d| dmarc_record(dns, d))
        .or_else(|| dmarc_record(dns, &from_domain));
    let spf_aligned = output.spf_result() == &DmarcResult::Pass;
    let dkim_aligned = output.dkim_result() == &DmarcResult::Pass;
    let policy = record
        .is_some()
        .then(|| policy_word(output.policy()).to_owned());
    let (result, reason) = match output.result() {
        DmarcResult::Pass => (
            "pass",
            format!(
                "{} passed for a domain aligned with {from_domain}",
                match (spf_aligned, dkim_aligned) {
                    (true, true) => "SPF and DKIM",
                    (true, false) => "SPF",
                    _ => "DKIM",
                }
            ),
        ),
        DmarcResult::Fail(_) => (
            "fail",
            format!(
                "neither SPF nor DKIM passed for a domain aligned with {from_domain}; its policy is p={}",
                policy.as_deref().unwrap_or("none")
            ),
        ),
        DmarcResult::None => (
            "none",
            format!("{from_domain} and its organisational domain publish no DMARC record"),
        ),
        DmarcResult::TempError(_) => (
            "temperror",
            format!(
                "a DMARC lookup for {from_domain} failed temporarily (recorded as a server failure or timeout)"
            ),
        ),
        DmarcResult::PermError(e) => (
            "permerror",
            format!("the DMARC record for {from_domain} cannot be used: {e}"),
        ),
    };
    Some(DmarcCheck {
        result: result.to_owned(),
        reason,
        domain: from_domain,
        policy_domain,
        policy,
        spf_aligned,
        dkim_aligned,
        record,
    })
}
