//! The recorded DNS as a closed world: every lookup is answered from the file, and a name
//! the file never mentions does not exist. Which unlisted names were asked is remembered,
//! so the report can say which answers were assumed (and `record` can fetch them).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::zone::{self, Entry, Negative, RData, RecordType, ZoneError, fqdn};

/// What the recorded DNS answers for one name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Records(Vec<RData>),
    NoData,
    /// The name does not exist: recorded as such, or (`listed: false`) not in the file.
    NxDomain {
        listed: bool,
    },
    ServFail,
    Timeout,
}

/// Error reading a recorded-DNS file: the file and the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsFileError {
    pub file: String,
    pub error: Option<ZoneError>,
    pub io: Option<String>,
}

impl std::fmt::Display for DnsFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.error, &self.io) {
            (Some(error), _) => write!(f, "{}: {error}", self.file),
            (None, Some(io)) => write!(f, "{}: {io}", self.file),
            (None, None) => write!(f, "{}: unreadable", self.file),
        }
    }
}

impl std::error::Error for DnsFileError {}

/// How many CNAMEs a lookup follows before giving up (a loop is a server failure).
const MAX_CNAME_CHAIN: usize = 8;

#[derive(Debug, Default)]
pub struct RecordedDns {
    records: HashMap<(String, RecordType), Vec<RData>>,
    negatives: HashMap<(String, RecordType), Negative>,
    nxdomain: HashSet<String>,
    /// Every owner name the file mentions, with any type.
    names: HashSet<String>,
}

thread_local! {
    /// Lookups the file did not cover (a name it never mentions, answered "does not exist",
    /// or a type it does not list for a name it does, answered "no data"), for the message
    /// being verified on this thread. Per thread because a batch verifies messages in
    /// parallel against one shared store, and each message is verified on a single thread.
    static UNLISTED: RefCell<BTreeSet<(String, RecordType)>> = const { RefCell::new(BTreeSet::new()) };
}

impl RecordedDns {
    pub fn from_entries(entries: Vec<Entry>) -> Self {
        let mut dns = RecordedDns::default();
        for entry in entries {
            dns.add(entry);
        }
        dns
    }

    pub fn parse(text: &str) -> Result<Self, ZoneError> {
        zone::parse(text).map(Self::from_entries)
    }

    pub fn load(path: &Path) -> Result<Self, DnsFileError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| DnsFileError {
            file: file.clone(),
            error: None,
            io: Some(e.to_string()),
        })?;
        Self::parse(&text).map_err(|error| DnsFileError {
            file,
            error: Some(error),
            io: None,
        })
    }

    pub fn add(&mut self, entry: Entry) {
        match entry {
            Entry::Record { name, data, .. } => {
                let record_type = data.record_type();
                self.names.insert(name.clone());
                let set = self.records.entry((name, record_type)).or_default();
                if !set.contains(&data) {
                    set.push(data);
                }
            }
            Entry::NxDomain { name } => {
                self.nxdomain.insert(name);
            }
            Entry::Negative {
                name,
                record_type,
                answer,
            } => {
                self.names.insert(name.clone());
                self.negatives.insert((name, record_type), answer);
            }
        }
    }

    /// Answers a lookup, following CNAMEs.
    pub fn lookup(&self, name: &str, record_type: &RecordType) -> Answer {
        let mut name = fqdn(name);
        for _ in 0..MAX_CNAME_CHAIN {
            if let Some(records) = self.records.get(&(name.clone(), record_type.clone())) {
                return Answer::Records(records.clone());
            }
            match self.negatives.get(&(name.clone(), record_type.clone())) {
                Some(Negative::NoData) => return Answer::NoData,
                Some(Negative::ServFail) => return Answer::ServFail,
                Some(Negative::Timeout) => return Answer::Timeout,
                None => {}
            }
            if self.nxdomain.contains(&name) {
                return Answer::NxDomain { listed: true };
            }
            if *record_type != RecordType::Cname
                && let Some([RData::Cname(target)]) = self
                    .records
                    .get(&(name.clone(), RecordType::Cname))
                    .map(Vec::as_slice)
            {
                name = fqdn(target);
                continue;
            }
            // Not recorded for this type: the answer is assumed, and remembered as such.
            let exists = self.names.contains(&name);
            UNLISTED.with(|set| set.borrow_mut().insert((name, record_type.clone())));
            return if exists {
                Answer::NoData
            } else {
                Answer::NxDomain { listed: false }
            };
        }
        Answer::ServFail
    }

    /// The lookups on this thread since [`clear_unlisted`](Self::clear_unlisted) that the
    /// file did not cover.
    pub fn unlisted(&self) -> Vec<(String, RecordType)> {
        UNLISTED.with(|set| set.borrow().iter().cloned().collect())
    }

    /// Forgets which uncovered lookups this thread made (before each message).
    pub fn clear_unlisted(&self) {
        UNLISTED.with(|set| set.borrow_mut().clear());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "example.com. IN TXT \"v=spf1 -all\"\nwww.example.com. IN CNAME example.com.\nexample.com. IN A 192.0.2.1\ngone.example. NXDOMAIN\nexample.com. MX SERVFAIL\n";

    #[test]
    fn closed_world_answers() {
        let dns = RecordedDns::parse(FILE).unwrap();
        assert!(
            matches!(dns.lookup("EXAMPLE.com", &RecordType::Txt), Answer::Records(r) if r.len() == 1)
        );
        assert!(matches!(
            dns.lookup("www.example.com.", &RecordType::A),
            Answer::Records(_)
        ));
        assert_eq!(dns.lookup("example.com", &RecordType::Aaaa), Answer::NoData);
        assert_eq!(
            dns.unlisted(),
            vec![("example.com.".to_owned(), RecordType::Aaaa)]
        );
        dns.clear_unlisted();
        assert_eq!(dns.lookup("example.com", &RecordType::Mx), Answer::ServFail);
        assert_eq!(
            dns.lookup("gone.example", &RecordType::A),
            Answer::NxDomain { listed: true }
        );
        assert_eq!(
            dns.lookup("other.example", &RecordType::Txt),
            Answer::NxDomain { listed: false }
        );
        assert_eq!(
            dns.unlisted(),
            vec![("other.example.".to_owned(), RecordType::Txt)]
        );
    }

    #[test]
    fn escaped_names_answer_lookups_for_their_plain_bytes() {
        // rfc7208-tests macro-mania-in-domain: the owner name has two spaces, dig writes `\032`.
        let dns = RecordedDns::parse(
            "macro%percent\\032\\032space%20url-space.example.com. 300 IN A 1.2.3.4\n",
        )
        .unwrap();
        assert_eq!(
            dns.lookup(
                "macro%percent  space%20url-space.example.com.",
                &RecordType::A
            ),
            Answer::Records(vec![RData::A([1, 2, 3, 4].into())])
        );
        assert_eq!(
            dns.lookup(
                "macro%percent space%20url-space.example.com.",
                &RecordType::A
            ),
            Answer::NxDomain { listed: false }
        );
    }

    #[test]
    fn cname_loops_are_a_failure_not_a_hang() {
        let dns =
            RecordedDns::parse("a.example. IN CNAME b.example.\nb.example. IN CNAME a.example.\n")
                .unwrap();
        assert_eq!(dns.lookup("a.example", &RecordType::Txt), Answer::ServFail);
    }
}
