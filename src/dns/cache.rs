//! Makes mail-auth read the recorded DNS: its `DnsCache` traits answered from a
//! [`RecordedDns`], so every lookup of every verifier is a cache hit and the resolver
//! (built with no name servers) is never asked. Server failures and timeouts are the one
//! exception: they return "not cached", and the resolver with nothing to ask fails at once
//! with the temporary error a real failure would give.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::rc::Rc;
use std::sync::Arc;

use mail_auth::dkim::{AtpsRecord, DkimReportRecord, DomainKey};
use mail_auth::dmarc::DmarcRecord;
use mail_auth::dns::TxtRecordParser;
use mail_auth::hickory_resolver::proto::op::ResponseCode;
use mail_auth::{
    DnsCache, DnsError, DnssecStatus, Error, Mx, Negative, RecordSet, ResolverCache, TxtRecord,
};
use std::time::Instant;

use super::store::{Answer, RecordedDns};
use super::zone::{RData, RecordType};

type Lookup<T> = Result<RecordSet<T>, Negative>;

/// mail-auth asks its caches with generic keys; for the name-keyed caches the key is a
/// `str` whose `Hash` writes its bytes (then a 0xff terminator, dropped here). Capturing
/// them recovers the name without any unsafe conversion.
#[derive(Default)]
struct NameCapture(Vec<u8>);

impl Hasher for NameCapture {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn write_u8(&mut self, _terminator: u8) {}
}

fn key_name<Q: Hash + ?Sized>(key: &Q) -> String {
    let mut capture = NameCapture::default();
    key.hash(&mut capture);
    String::from_utf8_lossy(&capture.0).into_owned()
}

fn record_set<T>(records: Vec<T>) -> RecordSet<T> {
    RecordSet {
        records: Arc::from(records),
        dnssec_status: DnssecStatus::Indeterminate,
    }
}

/// The negative answers mail-auth caches; `None` for failures it must not cache.
fn negative(answer: &Answer) -> Option<Negative> {
    match answer {
        Answer::NoData => Some(Negative {
            code: ResponseCode::NoError,
        }),
        Answer::NxDomain { .. } => Some(Negative {
            code: ResponseCode::NXDomain,
        }),
        Answer::ServFail | Answer::Timeout | Answer::Records(_) => None,
    }
}

/// The names whose address or MX lookups found nothing (NXDOMAIN or no records), in the
/// order asked. RFC 7208 §4.6.4 limits an SPF evaluation to two such "void lookups";
/// mail-auth keeps no count, so the caches keep it for the SPF check to apply.
#[derive(Default)]
struct VoidLookups(RefCell<Vec<String>>);

impl VoidLookups {
    fn note(&self, name: &str) {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let mut names = self.0.borrow_mut();
        // `exists` asks A and then AAAA for one name: one void lookup, not two.
        if !names.contains(&name) {
            names.push(name);
        }
    }
}

/// Whether an answer counts as a void lookup.
trait Void {
    fn is_void(&self) -> bool;
}

impl<T> Void for Lookup<T> {
    fn is_void(&self) -> bool {
        self.as_ref()
            .is_err_and(|n| matches!(n.code, ResponseCode::NXDomain | ResponseCode::NoError))
            || self.as_ref().is_ok_and(|set| set.records.is_empty())
    }
}

/// TXT lookups are for records (the SPF record itself, include and redirect targets, DKIM
/// keys): a missing one is an error of its own, not a void lookup.
impl Void for TxtRecord {
    fn is_void(&self) -> bool {
        false
    }
}

/// A cache over one record type of the recorded DNS.
pub struct Recorded<'a, F> {
    dns: &'a RecordedDns,
    /// The SMTP client being checked (SPF records are prepared for it).
    client: Option<IpAddr>,
    convert: F,
    voids: Rc<VoidLookups>,
}

impl<K, V, F> ResolverCache<K, V> for Recorded<'_, F>
where
    F: Fn(&RecordedDns, &str, Option<IpAddr>) -> Option<V>,
    V: Void,
{
    fn get<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let name = key_name(name);
        let answer = (self.convert)(self.dns, &name, self.client);
        if answer.as_ref().is_some_and(Void::is_void) {
            self.voids.note(&name);
        }
        answer
    }

    fn remove<Q>(&self, _: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    /// Nothing is ever resolved live, so there is nothing to store.
    fn insert(&self, _: K, _: V, _: Instant) {}
}

/// PTR answers for the addresses verification will ask about, decided up front (the cache
/// is keyed by address, which cannot be recovered from a generic key).
pub struct PtrAnswers(HashMap<IpAddr, Lookup<Box<str>>>);

impl ResolverCache<IpAddr, Lookup<Box<str>>> for PtrAnswers {
    fn get<Q>(&self, ip: &Q) -> Option<Lookup<Box<str>>>
    where
        IpAddr: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.get(ip).cloned()
    }

    fn remove<Q>(&self, _: &Q) -> Option<Lookup<Box<str>>>
    where
        IpAddr: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, _: IpAddr, _: Lookup<Box<str>>, _: Instant) {}
}

type Convert<V> = fn(&RecordedDns, &str, Option<IpAddr>) -> Option<V>;

/// All five caches over one recorded DNS.
pub struct OfflineCache<'a> {
    txt: Recorded<'a, Convert<TxtRecord>>,
    mx: Recorded<'a, Convert<Lookup<Mx>>>,
    ipv4: Recorded<'a, Convert<Lookup<Ipv4Addr>>>,
    ipv6: Recorded<'a, Convert<Lookup<Ipv6Addr>>>,
    ptr: PtrAnswers,
    voids: Rc<VoidLookups>,
}

impl<'a> OfflineCache<'a> {
    /// `ptr_addresses` are the IPs whose PTR records verification may ask (the sender's);
    /// the first is the SMTP client SPF is checked for.
    pub fn new(dns: &'a RecordedDns, ptr_addresses: &[IpAddr]) -> Self {
        let client = ptr_addresses.first().copied();
        let ptr = ptr_addresses
            .iter()
            .filter_map(|ip| {
                let answer = dns.lookup(&reverse_name(*ip), &RecordType::Ptr);
                let value = match &answer {
                    Answer::Records(records) => Ok(record_set(
                        records
                            .iter()
                            .filter_map(|r| match r {
                                // Names without the final dot, as mail-auth compares them.
                                RData::Ptr(name) => Some(Box::from(name.trim_end_matches('.'))),
                                _ => None,
                            })
                            .collect(),
                    )),
                    other => Err(negative(other)?),
                };
                Some((*ip, value))
            })
            .collect();
        let voids = Rc::new(VoidLookups::default());
        OfflineCache {
            txt: Recorded {
                dns,
                client,
                convert: txt,
                voids: Rc::clone(&voids),
            },
            mx: Recorded {
                dns,
                client,
                convert: mx,
                voids: Rc::clone(&voids),
            },
            ipv4: Recorded {
                dns,
                client,
                convert: ipv4,
                voids: Rc::clone(&voids),
            },
            ipv6: Recorded {
                dns,
                client,
                convert: ipv6,
                voids: Rc::clone(&voids),
            },
            ptr: PtrAnswers(ptr),
            voids,
        }
    }

    /// Starts a fresh count of void lookups (before one SPF evaluation).
    pub fn reset_void_lookups(&self) {
        self.voids.0.borrow_mut().clear();
    }

    /// The names that were void lookups since the last reset.
    pub fn void_lookups(&self) -> Vec<String> {
        self.voids.0.borrow().clone()
    }
}

impl<'a> DnsCache for OfflineCache<'a> {
    type Txt = Recorded<'a, Convert<TxtRecord>>;
    type Mx = Recorded<'a, Convert<Lookup<Mx>>>;
    type Ipv4 = Recorded<'a, Convert<Lookup<Ipv4Addr>>>;
    type Ipv6 = Recorded<'a, Convert<Lookup<Ipv6Addr>>>;
    type Ptr = PtrAnswers;

    fn txt(&self) -> Option<&Self::Txt> {
        Some(&self.txt)
    }
    fn mx(&self) -> Option<&Self::Mx> {
        Some(&self.mx)
    }
    fn ipv4(&self) -> Option<&Self::Ipv4> {
        Some(&self.ipv4)
    }
    fn ipv6(&self) -> Option<&Self::Ipv6> {
        Some(&self.ipv6)
    }
    fn ptr(&self) -> Option<&Self::Ptr> {
        Some(&self.ptr)
    }
}

/// `in-addr.arpa.` / `ip6.arpa.` name of an address.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa.")
        }
        IpAddr::V6(v6) => {
            let mut name = String::with_capacity(73);
            for byte in v6.octets().iter().rev() {
                name.push_str(&format!("{:x}.{:x}.", byte & 0xf, byte >> 4));
            }
            name.push_str("ip6.arpa.");
            name
        }
    }
}

/// The parsed TXT record mail-auth expects at a name: a DKIM key under `_domainkey`, a
/// DMARC policy under `_dmarc`, an SPF record elsewhere.
fn txt(dns: &RecordedDns, name: &str, client: Option<IpAddr>) -> Option<TxtRecord> {
    let answer = dns.lookup(name, &RecordType::Txt);
    let records: Vec<Vec<u8>> = match &answer {
        Answer::Records(records) => records.iter().filter_map(RData::txt_joined).collect(),
        Answer::ServFail | Answer::Timeout => {
            return Some(TxtRecord::Error(Error::Dns(DnsError::Resolver(format!(
                "recorded answer for {name}: {}",
                if answer == Answer::Timeout {
                    "timeout"
                } else {
                    "server failure"
                }
            )))));
        }
        other => {
            let code = negative(other).map_or(ResponseCode::NXDomain, |n| n.code);
            return Some(TxtRecord::Error(Error::Dns(DnsError::RecordNotFound(code))));
        }
    };
    let lower = name.to_ascii_lowercase();
    Some(if lower.starts_with("_dmarc.") {
        DmarcRecord::parse_records(&records).into()
    } else if lower.starts_with("_report._domainkey.") {
        DkimReportRecord::parse_records(&records).into()
    } else if lower.contains("._domainkey.") {
        DomainKey::parse_records(&records).into()
    } else if lower.contains("._atps.") {
        AtpsRecord::parse_records(&records).into()
    } else {
        let spf: Vec<&Vec<u8>> = records.iter().filter(|r| is_spf(r)).collect();
        match spf.as_slice() {
            [] => TxtRecord::Error(Error::Dns(DnsError::InvalidRecordType)),
            // RFC 7208 §4.5: more than one SPF record is a permanent error, and so is a
            // record that breaks the grammar (parsed here, not by mail-auth: see spf_record).
            [one] => match super::spf_record::parse(&String::from_utf8_lossy(one), client) {
                Ok(record) => record.into(),
                Err(_) => TxtRecord::Error(Error::Parse),
            },
            _ => TxtRecord::Error(Error::Parse),
        }
    })
}

/// `v=spf1` followed by a space or the end (RFC 7208 §4.5).
pub fn is_spf(record: &[u8]) -> bool {
    record.len() >= 6
        && record[..6].eq_ignore_ascii_case(b"v=spf1")
        && record.get(6).is_none_or(|b| *b == b' ')
}

fn mx(dns: &RecordedDns, name: &str, _: Option<IpAddr>) -> Option<Lookup<Mx>> {
    let answer = dns.lookup(name, &RecordType::Mx);
    let Answer::Records(records) = answer else {
        return negative(&answer).map(Err);
    };
    let mut groups: Vec<(u16, Vec<Box<str>>)> = Vec::new();
    for record in &records {
        if let RData::Mx {
            preference,
            exchange,
        } = record
        {
            let exchange: Box<str> = exchange.trim_end_matches('.').to_ascii_lowercase().into();
            match groups.iter_mut().find(|(p, _)| p == preference) {
                Some((_, names)) => names.push(exchange),
                None => groups.push((*preference, vec![exchange])),
            }
        }
    }
    groups.sort_by_key(|(preference, _)| *preference);
    Some(Ok(record_set(
        groups
            .into_iter()
            .map(|(preference, exchanges)| Mx {
                exchanges: exchanges.into_boxed_slice(),
                preference,
            })
            .collect(),
    )))
}

fn ipv4(dns: &RecordedDns, name: &str, _: Option<IpAddr>) -> Option<Lookup<Ipv4Addr>> {
    let answer = dns.lookup(name, &RecordType::A);
    match answer {
        Answer::Records(records) => Some(Ok(record_set(
            records
                .iter()
                .filter_map(|r| match r {
                    RData::A(ip) => Some(*ip),
                    _ => None,
                })
                .collect(),
        ))),
        other => negative(&other).map(Err),
    }
}

fn ipv6(dns: &RecordedDns, name: &str, _: Option<IpAddr>) -> Option<Lookup<Ipv6Addr>> {
    let answer = dns.lookup(name, &RecordType::Aaaa);
    match answer {
        Answer::Records(records) => Some(Ok(record_set(
            records
                .iter()
                .filter_map(|r| match r {
                    RData::Aaaa(ip) => Some(*ip),
                    _ => None,
                })
                .collect(),
        ))),
        other => negative(&other).map(Err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_recovered_from_generic_keys() {
        assert_eq!(key_name("example.com."), "example.com.");
        let boxed: Box<str> = "mail.example.".into();
        assert_eq!(key_name::<str>(boxed.borrow()), "mail.example.");
    }

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name("192.0.2.7".parse().unwrap()),
            "7.2.0.192.in-addr.arpa."
        );
        assert!(reverse_name("2001:db8::1".parse().unwrap()).starts_with("1.0.0.0.0.0.0.0"));
        assert!(
            reverse_name("2001:db8::1".parse().unwrap()).ends_with("8.b.d.0.1.0.0.2.ip6.arpa.")
        );
    }

    #[test]
    fn spf_records_are_recognised() {
        assert!(is_spf(b"v=spf1 -all"));
        assert!(is_spf(b"v=spf1"));
        assert!(!is_spf(b"v=spf10 -all"));
        assert!(!is_spf(b"google-site-verification=x"));
    }
}
