//! Offline re-verification of SPF, DKIM, DMARC, ARC and iprev with mail-auth, against
//! recorded DNS only: the authenticator's resolver has no name servers, and every lookup
//! is answered by [`OfflineCache`](crate::dns::cache::OfflineCache) from the recorded file,
//! so nothing can reach the network and the same file always gives the same answer.
//!
//! mail-auth's verifiers are async, but with every answer cached their futures complete
//! on the first poll: [`block_on`] polls them with a no-op waker, and no runtime is needed.

mod arc;
mod compare;
mod dkim;
mod dmarc;
mod iprev;
mod records;
mod spf;

use std::future::Future;
use std::net::IpAddr;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use mail_auth::MessageAuthenticator;
use mail_auth::hickory_resolver::config::{ResolverConfig, ResolverOpts};

use crate::dns::RecordedDns;
use crate::dns::cache::OfflineCache;
use crate::report::{Report, Verification};

pub(crate) use records::count_lookups;
pub use spf::{SpfInput, check_spf, spf_record};

/// How many times a verification future is polled before it counts as a temporary error.
/// Offline futures finish on the first poll; the bound only guards against a change in
/// the library making one wait.
const MAX_POLLS: usize = 64;

/// Runs a future that needs no I/O to completion; `None` if it keeps waiting.
pub fn block_on<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    for _ in 0..MAX_POLLS {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return Some(output);
        }
        std::thread::yield_now();
    }
    None
}

/// A mail-auth authenticator that cannot reach any server. Built once per run.
pub struct Verifier {
    authenticator: MessageAuthenticator,
}

impl Verifier {
    pub fn offline() -> Result<Self, String> {
        let mut options = ResolverOpts::default();
        options.attempts = 0;
        options.cache_size = 0;
        options.use_hosts_file = mail_auth::hickory_resolver::config::ResolveHosts::Never;
        let authenticator = MessageAuthenticator::new(ResolverConfig::default(), options)
            .map_err(|e| format!("cannot set up the offline verifier: {e}"))?;
        Ok(Verifier { authenticator })
    }

    pub fn authenticator(&self) -> &MessageAuthenticator {
        &self.authenticator
    }
}

/// The result word for a future that never finished.
pub const STUCK: &str = "temperror";

/// Verifies one analysed message against recorded DNS and stores the result in the report.
pub fn verify_report(
    report: &mut Report,
    bytes: &[u8],
    dns: &RecordedDns,
    dns_name: &str,
    verifier: &Verifier,
) {
    dns.clear_unlisted();
    let sender_ip: Option<IpAddr> = report
        .sender
        .as_ref()
        .and_then(|s| s.ip.as_deref())
        .and_then(crate::domain::parse_ip)
        .map(|ip| ip.to_canonical());
    let cache = OfflineCache::new(dns, &sender_ip.into_iter().collect::<Vec<_>>());
    let crlf = dkim::with_crlf(bytes);
    let message = mail_auth::AuthenticatedMessage::parse(&crlf);

    let mut verification = Verification {
        dns: dns_name.to_owned(),
        ..Verification::default()
    };
    let helo = report.sender.as_ref().and_then(|s| s.helo.clone());
    let mail_from = report.message.return_path.clone();
    let spf_outcome = sender_ip.map(|ip| {
        spf::check_spf(
            verifier,
            &cache,
            dns,
            &SpfInput {
                ip,
                helo: helo.clone(),
                mail_from: mail_from.clone(),
            },
        )
    });
    // The signature headers as written, for the checks mail-auth is lenient about.
    let headers = spamwhy_headers::split_header_block(bytes);
    let dkim_outcome = message
        .as_ref()
        .map(|message| dkim::check(verifier, &cache, dns, message, report, &headers));
    if let Some(message) = &message {
        verification.arc = arc::check(verifier, &cache, message, &headers);
    }
    if let (Some(message), Some(dkim_outcome)) = (&message, &dkim_outcome) {
        verification.dmarc = dmarc::check(
            verifier,
            &cache,
            dns,
            message,
            &dkim_outcome.outputs,
            spf_outcome.as_ref(),
        );
    }
    if let Some(ip) = sender_ip {
        verification.iprev = Some(iprev::check(verifier, &cache, dns, ip));
    }
    verification.spf = spf_outcome.map(|outcome| outcome.check);
    verification.dkim = dkim_outcome
        .map(|outcome| outcome.checks)
        .unwrap_or_default();
    verification.records = records::check_all(dns, report, &verification);
    verification.comparisons = compare::compare(report, &verification);
    verification.assumed_nonexistent = dns
        .unlisted()
        .into_iter()
        .map(|(name, record_type)| format!("{name} {record_type}"))
        .collect();
    report.verification = Some(verification);
}
