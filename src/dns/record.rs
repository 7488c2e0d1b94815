//! `spamwhy record`: looks up, live, everything verification of one message needs, and
//! writes it as a recorded-DNS file. The only code in spamwhy that touches the network.
//!
//! Rather than re-implementing what SPF, DKIM, DMARC and iprev ask (includes, redirects,
//! macros, organisational domains...), it runs the offline verification itself against
//! what has been recorded so far: every name it asks that the recording lacks is looked
//! up live and added, and verification runs again until it asks nothing new. What it
//! records is therefore exactly what verification reads, negative answers included.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use mail_auth::hickory_resolver::TokioResolver;
use mail_auth::hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use mail_auth::hickory_resolver::net::runtime::TokioRuntimeProvider;
use mail_auth::hickory_resolver::net::{DnsError as HickoryDnsError, NetError};
use mail_auth::hickory_resolver::proto::op::ResponseCode;
use mail_auth::hickory_resolver::proto::rr::{
    Label, Name, RData as HickoryRData, RecordType as HickoryType,
};

use super::RecordedDns;
use super::zone::{self, Entry, Negative, RData, RecordType, fqdn};
use crate::input::InputError;
use crate::verify::{self, Verifier};

pub struct Options {
    /// `IP` or `IP:PORT` (`[IPv6]:PORT`); the system's first resolver when absent.
    pub server: Option<String>,
    /// Per query.
    pub timeout: Duration,
}

pub struct Recorded {
    pub zone_text: String,
    pub answers: usize,
    pub names: usize,
}

#[derive(Debug)]
pub enum RecordError {
    Input(InputError),
    /// The server address is malformed or the resolver could not be set up.
    Setup(String),
    /// The server did not answer the first query.
    NoAnswer(String),
    /// Recording took longer than its time budget.
    TooSlow(String),
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Input(e) => write!(f, "{e}"),
            RecordError::Setup(e) | RecordError::NoAnswer(e) | RecordError::TooSlow(e) => {
                f.write_str(e)
            }
        }
    }
}

impl std::error::Error for RecordError {}

/// Verification rounds before giving up on reaching a fixed point (each round follows one
/// more level of includes/redirects; SPF allows at most 10).
const MAX_ROUNDS: usize = 16;
/// The whole recording may take this many single-query timeouts.
const BUDGET_IN_TIMEOUTS: u32 = 30;

fn parse_server(server: &str) -> Result<SocketAddr, RecordError> {
    if let Ok(address) = server.parse::<SocketAddr>() {
        return Ok(address);
    }
    server
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| RecordError::Setup(format!("`{server}` is not an IP address or IP:PORT")))
}

fn system_server() -> Result<SocketAddr, RecordError> {
    let (config, _) =
        mail_auth::hickory_resolver::system_conf::read_system_conf().map_err(|e| {
            RecordError::Setup(format!(
                "cannot read the system's DNS configuration ({e}); give --server"
            ))
        })?;
    config
        .name_servers()
        .first()
        .map(|ns| SocketAddr::new(ns.ip, ns.connections.first().map_or(53, |c| c.port)))
        .ok_or_else(|| {
            RecordError::Setup("the system has no DNS server configured; give --server".to_owned())
        })
}

fn resolver(server: SocketAddr, timeout: Duration) -> Result<TokioResolver, RecordError> {
    let connections = [ConnectionConfig::udp(), ConnectionConfig::tcp()]
        .into_iter()
        .map(|mut c| {
            c.port = server.port();
            c
        })
        .collect();
    let config = ResolverConfig::from_name_servers(vec![NameServerConfig::new(
        server.ip(),
        true,
        connections,
    )]);
    let mut options = ResolverOpts::default();
    options.timeout = timeout;
    options.attempts = 1;
    options.cache_size = 0;
    options.use_hosts_file = ResolveHosts::Never;
    options.edns0 = true;
    TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
        .with_options(options)
        .build()
        .map_err(|e| RecordError::Setup(format!("cannot set up the resolver: {e}")))
}

fn hickory_type(record_type: &RecordType) -> Option<HickoryType> {
    Some(match record_type {
        RecordType::A => HickoryType::A,
        RecordType::Aaaa => HickoryType::AAAA,
        RecordType::Mx => HickoryType::MX,
        RecordType::Txt => HickoryType::TXT,
        RecordType::Ptr => HickoryType::PTR,
        RecordType::Cname => HickoryType::CNAME,
        RecordType::Other(_) => return None,
    })
}

/// A name as the recorded file keeps it: the label bytes as they are on the wire, joined
/// with dots. (`Name::to_ascii` escapes unusual bytes in its own style, which would record
/// a different name than the one looked up.)
fn plain_name(name: &Name) -> String {
    let labels: Vec<String> = name
        .iter()
        .map(|label| String::from_utf8_lossy(label).into_owned())
        .collect();
    fqdn(&labels.join("."))
}

/// The name to ask for: ASCII labels byte for byte (names in SPF macros may hold spaces or
/// other bytes hickory's text parser refuses), other labels in their IDNA form.
fn query_name(name: &str) -> Option<Name> {
    let labels = name
        .trim_end_matches('.')
        .split('.')
        .filter(|label| !label.is_empty())
        .map(|label| {
            if label.is_ascii() {
                Label::from_raw_bytes(label.as_bytes())
            } else {
                Label::from_utf8(label)
            }
        })
        .collect::<Result<Vec<Label>, _>>()
        .ok()?;
    Name::from_labels(labels).ok()
}

fn convert(data: &HickoryRData) -> Option<RData> {
    Some(match data {
        HickoryRData::A(a) => RData::A(a.0),
        HickoryRData::AAAA(a) => RData::Aaaa(a.0),
        HickoryRData::MX(mx) => RData::Mx {
            preference: mx.preference,
            exchange: plain_name(&mx.exchange),
        },
        HickoryRData::TXT(txt) => RData::Txt(txt.txt_data.iter().map(|s| s.to_vec()).collect()),
        HickoryRData::PTR(ptr) => RData::Ptr(plain_name(&ptr.0)),
        HickoryRData::CNAME(cname) => RData::Cname(plain_name(&cname.0)),
        _ => return None,
    })
}

/// One live lookup, as recorded-DNS entries. `Err` only when the server gave no answer.
async fn lookup(
    resolver: &TokioResolver,
    name: &str,
    record_type: &RecordType,
) -> Result<Vec<Entry>, NetError> {
    let Some(wanted) = hickory_type(record_type) else {
        return Ok(Vec::new());
    };
    let Some(query) = query_name(name) else {
        // Not a name DNS can hold (a label over 63 bytes, a name over 255): none can exist.
        return Ok(vec![Entry::NxDomain { name: fqdn(name) }]);
    };
    match resolver.lookup(query, wanted).await {
        Ok(answer) => Ok(answer
            .answers()
            .iter()
            .filter_map(|record| {
                Some(Entry::Record {
                    name: plain_name(&record.name),
                    ttl: record.ttl,
                    data: convert(&record.data)?,
                })
            })
            .collect()),
        Err(NetError::Dns(HickoryDnsError::NoRecordsFound(none)))
            if none.response_code == ResponseCode::NXDomain =>
        {
            Ok(vec![Entry::NxDomain { name: fqdn(name) }])
        }
        Err(NetError::Dns(HickoryDnsError::NoRecordsFound(_))) => {
            Ok(vec![negative(name, record_type, Negative::NoData)])
        }
        Err(NetError::Timeout) => Err(NetError::Timeout),
        Err(NetError::Dns(HickoryDnsError::ResponseCode(_))) => {
            Ok(vec![negative(name, record_type, Negative::ServFail)])
        }
        Err(other) => Err(other),
    }
}

fn negative(name: &str, record_type: &RecordType, answer: Negative) -> Entry {
    Entry::Negative {
        name: fqdn(name),
        record_type: record_type.clone(),
        answer,
    }
}

/// Records what verifying `bytes` needs.
pub fn record_message(
    source: &str,
    bytes: &[u8],
    options: &Options,
) -> Result<Recorded, RecordError> {
    let report = crate::analyze(source, bytes).map_err(RecordError::Input)?;
    let server = match &options.server {
        Some(server) => parse_server(server)?,
        None => system_server()?,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RecordError::Setup(format!("cannot start the DNS client: {e}")))?;
    let resolver = runtime.block_on(async { resolver(server, options.timeout) })?;
    let verifier = Verifier::offline().map_err(RecordError::Setup)?;
    let deadline = Instant::now() + options.timeout * BUDGET_IN_TIMEOUTS;
    let mut entries: Vec<Entry> = Vec::new();
    let mut asked = std::collections::HashSet::new();
    let mut first_query = true;
    for _ in 0..MAX_ROUNDS {
        let dns = RecordedDns::from_entries(entries.clone());
        let mut trial = report.clone();
        verify::verify_report(&mut trial, bytes, &dns, "recording", &verifier);
        let missing: Vec<(String, RecordType)> = dns
            .unlisted()
            .into_iter()
            .filter(|key| asked.insert(key.clone()))
            .collect();
        if missing.is_empty() {
            break;
        }
        for (name, record_type) in missing {
            if Instant::now() > deadline {
                return Err(RecordError::TooSlow(format!(
                    "recording took more than {} s; the server {server} is too slow or the SPF tree too large",
                    deadline
                        .duration_since(deadline - options.timeout * BUDGET_IN_TIMEOUTS)
                        .as_secs()
                )));
            }
            match runtime.block_on(lookup(&resolver, &name, &record_type)) {
                Ok(found) => entries.extend(found),
                Err(error) if first_query => {
                    return Err(RecordError::NoAnswer(format!(
                        "the DNS server {server} did not answer ({error}) within {:.1} s",
                        options.timeout.as_secs_f64()
                    )));
                }
                Err(_) => entries.push(negative(&name, &record_type, Negative::Timeout)),
            }
            first_query = false;
        }
    }
    let names: std::collections::HashSet<&str> = entries
        .iter()
        .map(|e| match e {
            Entry::Record { name, .. }
            | Entry::NxDomain { name }
            | Entry::Negative { name, .. } => name.as_str(),
        })
        .collect();
    let names = names.len();
    let answers = entries.len();
    let header = format!(
        "; recorded by spamwhy record for {source} from {server}\n; answers not listed here did not exist when recorded\n"
    );
    Ok(Recorded {
        zone_text: header + &zone::write(&entries),
        answers,
        names,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_asked_and_recorded_byte_for_byte() {
        for name in [
            "mail.example.com.",
            "macro%percent  space%20url-space.example.com.",
            "foo:bar/baz.example.com.",
        ] {
            let query = query_name(name).expect(name);
            assert_eq!(plain_name(&query), name);
        }
        let idn = query_name("bücher.example.").unwrap();
        assert_eq!(plain_name(&idn), "xn--bcher-kva.example.");
    }

    #[test]
    fn names_dns_cannot_hold_are_refused() {
        assert!(query_name(&format!("{}.example.", "a".repeat(64))).is_none());
        assert!(query_name(&format!("{}example.", "abcdefgh.".repeat(32))).is_none());
    }
}
