//! The pattern across many messages: how many were flagged, by which filters with which
//! scores, for which causes and rules, from which sending servers and From domains, and
//! which messages could not be read.
//!
//! Each analysed message is reduced to a small [`Contribution`] (by the worker that analysed
//! it); contributions are added up in input order, so the summary is the same whatever the
//! number of threads. Memory is bounded: score distributions are fixed histograms, and each
//! breakdown keeps at most [`MAX_KEYS`] distinct keys (the rest are counted as "other").

use std::collections::HashMap;

use serde::Serialize;

use super::Position;
use crate::audit::address_domain;
use crate::diagnose::{default_threshold, stock_threshold};
use crate::knowledge;
use crate::report::Report;

/// Distinct keys kept per breakdown (servers, domains, rules).
pub const MAX_KEYS: usize = 20_000;
/// Failures listed one by one (all are counted).
pub const MAX_FAILURES_LISTED: usize = 1_000;
/// Entries of each ranked list in the summary.
pub const TOP: usize = 25;

/// Score histogram resolution: bins of a quarter point from `LOW` to `HIGH`, plus one below
/// and one above.
const BIN: f64 = 0.25;
const LOW: f64 = -25.0;
const HIGH: f64 = 75.0;
const BINS: usize = ((HIGH - LOW) / BIN) as usize;

/// What one analysed message adds to the summary.
#[derive(Debug, Clone, Default)]
pub struct Contribution {
    pub flagged: bool,
    pub filters: Vec<FilterScore>,
    /// Cause ids of the message's findings that are a sender's problem or the receiver's.
    pub causes: Vec<&'static str>,
    /// (filter, rule) of every rule that fired.
    pub rules: Vec<(String, String)>,
    pub server: Option<Server>,
    pub from_domain: Option<String>,
    pub headers_only: bool,
}

#[derive(Debug, Clone)]
pub struct FilterScore {
    pub filter: String,
    pub spam: Option<bool>,
    pub score: Option<f64>,
    pub threshold: Option<f64>,
}

/// The sending server as the recipient's side saw it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Server {
    pub ip: Option<String>,
    pub helo: Option<String>,
    pub rdns: Option<String>,
}

impl Contribution {
    pub fn of(report: &Report) -> Contribution {
        let flagged = report.verdicts.iter().any(|v| v.spam == Some(true));
        Contribution {
            flagged,
            filters: report
                .verdicts
                .iter()
                .map(|v| FilterScore {
                    filter: v.filter.clone(),
                    spam: v.spam,
                    score: v.score,
                    threshold: v.threshold,
                })
                .collect(),
            causes: report
                .findings
                .iter()
                .filter(|f| f.fault != "none")
                .map(|f| knowledge::cause(&f.cause).id.as_str())
                .collect(),
            rules: report
                .verdicts
                .iter()
                .flat_map(|v| v.rules.iter().map(|r| (v.filter.clone(), r.name.clone())))
                .collect(),
            server: report.sender.as_ref().map(|s| Server {
                ip: s.ip.clone(),
                helo: s.helo.clone(),
                rdns: s.rdns.clone(),
            }),
            from_domain: report.message.from.as_deref().and_then(address_domain),
            headers_only: report.input_kind == crate::report::InputKind::Headers,
        }
    }
}

/// Messages and flagged messages of one key.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Count {
    pub messages: u64,
    pub flagged: u64,
}

impl Count {
    fn add(&mut self, flagged: bool) {
        self.messages += 1;
        self.flagged += u64::from(flagged);
    }
}

/// A breakdown with a bounded number of keys.
#[derive(Debug)]
struct Tally<K> {
    counts: HashMap<K, (Count, u64)>,
    other: Count,
}

impl<K: std::hash::Hash + Eq + Clone> Tally<K> {
    fn new() -> Self {
        Tally {
            counts: HashMap::new(),
            other: Count::default(),
        }
    }

    fn add(&mut self, key: &K, flagged: bool) {
        if let Some((count, _)) = self.counts.get_mut(key) {
            count.add(flagged);
        } else if self.counts.len() < MAX_KEYS {
            let first_seen = self.counts.len() as u64;
            let mut count = Count::default();
            count.add(flagged);
            self.counts.insert(key.clone(), (count, first_seen));
        } else {
            self.other.add(flagged);
        }
    }

    /// Keys by flagged count, then messages, then first appearance (deterministic).
    fn ranked(&self) -> Vec<(&K, Count)> {
        let mut all: Vec<(&K, Count, u64)> = self
            .counts
            .iter()
            .map(|(k, (c, first))| (k, *c, *first))
            .collect();
        all.sort_by(|a, b| {
            b.1.flagged
                .cmp(&a.1.flagged)
                .then(b.1.messages.cmp(&a.1.messages))
                .then(a.2.cmp(&b.2))
        });
        all.into_iter().map(|(k, c, _)| (k, c)).collect()
    }
}

#[derive(Debug)]
struct FilterTally {
    count: Count,
    scored: u64,
    sum: f64,
    min: f64,
    max: f64,
    bins: Vec<u64>,
    below: u64,
    above: u64,
    thresholds: HashMap<u64, u64>,
    first_seen: usize,
}

impl FilterTally {
    fn new(first_seen: usize) -> Self {
        FilterTally {
            count: Count::default(),
            scored: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            bins: vec![0; BINS],
            below: 0,
            above: 0,
            thresholds: HashMap::new(),
            first_seen,
        }
    }

    fn add(&mut self, score: &FilterScore) {
        self.count.add(score.spam == Some(true));
        if let Some(t) = score.threshold.filter(|t| t.is_finite()) {
            *self.thresholds.entry(t.to_bits()).or_default() += 1;
        }
        let Some(s) = score.score.filter(|s| s.is_finite()) else {
            return;
        };
        self.scored += 1;
        self.sum += s;
        self.min = self.min.min(s);
        self.max = self.max.max(s);
        if s < LOW {
            self.below += 1;
        } else if s >= HIGH {
            self.above += 1;
        } else {
            self.bins[((s - LOW) / BIN) as usize] += 1;
        }
    }

    /// The score below which `q` of the scored messages fall, to a quarter point (the lower
    /// edge of its bin).
    fn quantile(&self, q: f64) -> Option<f64> {
        if self.scored == 0 {
            return None;
        }
        let rank = ((self.scored as f64 * q).ceil() as u64).max(1);
        let mut seen = self.below;
        if seen >= rank {
            return Some(self.min);
        }
        for (i, &n) in self.bins.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some((LOW + i as f64 * BIN).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }

    /// The most common threshold the headers give, or the filter's stock line.
    fn threshold(&self, filter: &str) -> Option<f64> {
        self.thresholds
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(bits, _)| f64::from_bits(*bits))
            .or_else(|| stock_threshold(filter))
    }

    /// Messages with a score in [from, to).
    fn between(&self, from: f64, to: f64) -> u64 {
        let mut n = 0;
        if from == f64::NEG_INFINITY {
            n += self.below;
        }
        if to == f64::INFINITY {
            n += self.above;
        }
        for (i, &count) in self.bins.iter().enumerate() {
            let centre = LOW + (i as f64 + 0.5) * BIN;
            if centre >= from && centre < to {
                n += count;
            }
        }
        n
    }
}

/// A message that could not be read or analysed.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    #[serde(flatten)]
    pub position: Position,
    pub error: String,
}

/// A command-line input that could not be read at all.
#[derive(Debug, Clone, Serialize)]
pub struct InputFailure {
    pub input: String,
    pub error: String,
}

/// Adds up contributions, in input order.
#[derive(Debug)]
pub struct Aggregator {
    inputs: Vec<InputSummary>,
    count: Count,
    failed: u64,
    headers_only: u64,
    filters: HashMap<String, FilterTally>,
    causes: HashMap<&'static str, Count>,
    rules: Tally<(String, String)>,
    servers: Tally<Server>,
    no_server: Count,
    domains: Tally<String>,
    no_domain: Count,
    failures: Vec<Failure>,
    input_failures: Vec<InputFailure>,
    skipped_files: u64,
}

impl Default for Aggregator {
    fn default() -> Self {
        Aggregator {
            inputs: Vec::new(),
            count: Count::default(),
            failed: 0,
            headers_only: 0,
            filters: HashMap::new(),
            causes: HashMap::new(),
            rules: Tally::new(),
            servers: Tally::new(),
            no_server: Count::default(),
            domains: Tally::new(),
            no_domain: Count::default(),
            failures: Vec::new(),
            input_failures: Vec::new(),
            skipped_files: 0,
        }
    }
}

impl Aggregator {
    pub fn start_input(&mut self, input: &str, kind: &str) {
        self.inputs.push(InputSummary {
            input: input.to_owned(),
            kind: kind.to_owned(),
            messages: 0,
            failed: 0,
        });
    }

    fn current_input(&mut self) -> Option<&mut InputSummary> {
        self.inputs.last_mut()
    }

    pub fn skipped_files(&mut self, n: u64) {
        self.skipped_files += n;
    }

    pub fn add(&mut self, c: &Contribution) {
        let flagged = c.flagged;
        self.count.add(flagged);
        if let Some(input) = self.current_input() {
            input.messages += 1;
        }
        self.headers_only += u64::from(c.headers_only);
        for score in &c.filters {
            let next = self.filters.len();
            self.filters
                .entry(score.filter.clone())
                .or_insert_with(|| FilterTally::new(next))
                .add(score);
        }
        let mut seen: Vec<&'static str> = Vec::with_capacity(c.causes.len());
        for &cause in &c.causes {
            if !seen.contains(&cause) {
                seen.push(cause);
                self.causes.entry(cause).or_default().add(flagged);
            }
        }
        for rule in &c.rules {
            self.rules.add(rule, flagged);
        }
        match &c.server {
            Some(server) => self.servers.add(server, flagged),
            None => self.no_server.add(flagged),
        }
        match &c.from_domain {
            Some(domain) => self.domains.add(domain, flagged),
            None => self.no_domain.add(flagged),
        }
    }

    pub fn fail(&mut self, failure: Failure) {
        self.failed += 1;
        if let Some(input) = self.current_input() {
            input.messages += 1;
            input.failed += 1;
        }
        if self.failures.len() < MAX_FAILURES_LISTED {
            self.failures.push(failure);
        }
    }

    pub fn fail_input(&mut self, failure: InputFailure) {
        self.input_failures.push(failure);
    }

    pub fn failed(&self) -> u64 {
        self.failed
    }

    pub fn analysed(&self) -> u64 {
        self.count.messages
    }

    pub fn flagged(&self) -> u64 {
        self.count.flagged
    }

    /// The summary as reported.
    pub fn finish(&self) -> Summary {
        let flagged = self.count.flagged;
        let share = |n: u64| {
            if flagged == 0 {
                0.0
            } else {
                round(n as f64 / flagged as f64)
            }
        };
        let mut filters: Vec<(&String, &FilterTally)> = self.filters.iter().collect();
        filters.sort_by_key(|(_, t)| t.first_seen);
        let filters = filters
            .into_iter()
            .map(|(name, t)| {
                let line = t.threshold(name);
                // Filters without a line still get ranges, on the usual scale.
                let threshold = line.unwrap_or_else(|| default_threshold(name));
                let edges = [
                    f64::NEG_INFINITY,
                    0.0,
                    threshold * 0.25,
                    threshold * 0.5,
                    threshold * 0.75,
                    threshold,
                    threshold * 1.5,
                    threshold * 2.0,
                    threshold * 3.0,
                    f64::INFINITY,
                ];
                let histogram = edges
                    .windows(2)
                    .map(|w| Bin {
                        from: w[0].is_finite().then_some(round(w[0])),
                        to: w[1].is_finite().then_some(round(w[1])),
                        messages: t.between(w[0], w[1]),
                    })
                    .collect();
                FilterSummary {
                    filter: name.clone(),
                    messages: t.count.messages,
                    flagged: t.count.flagged,
                    scored: t.scored,
                    threshold: line.map(round),
                    min: (t.scored > 0).then_some(round(t.min)),
                    mean: (t.scored > 0).then(|| round(t.sum / t.scored as f64)),
                    median: t.quantile(0.5).map(round),
                    p90: t.quantile(0.9).map(round),
                    max: (t.scored > 0).then_some(round(t.max)),
                    histogram,
                }
            })
            .collect();

        let mut causes: Vec<(&&'static str, &Count)> = self.causes.iter().collect();
        causes.sort_by(|a, b| {
            b.1.flagged
                .cmp(&a.1.flagged)
                .then(b.1.messages.cmp(&a.1.messages))
                .then(a.0.cmp(b.0))
        });
        let causes = causes
            .into_iter()
            .map(|(id, count)| {
                let cause = knowledge::cause(id);
                CauseSummary {
                    cause: cause.id.clone(),
                    title: cause.title.clone(),
                    fault: cause.fault.id().to_owned(),
                    messages: count.messages,
                    flagged: count.flagged,
                    share_of_flagged: share(count.flagged),
                }
            })
            .collect();

        let rules = self
            .rules
            .ranked()
            .into_iter()
            .take(TOP)
            .map(|((filter, name), count)| RuleSummary {
                filter: filter.clone(),
                rule: name.clone(),
                messages: count.messages,
                flagged: count.flagged,
                share_of_flagged: share(count.flagged),
            })
            .collect();
        let servers = self
            .servers
            .ranked()
            .into_iter()
            .take(TOP)
            .map(|(server, count)| ServerSummary {
                server: server.clone(),
                messages: count.messages,
                flagged: count.flagged,
            })
            .collect();
        let from_domains = self
            .domains
            .ranked()
            .into_iter()
            .take(TOP)
            .map(|(domain, count)| DomainSummary {
                domain: domain.clone(),
                messages: count.messages,
                flagged: count.flagged,
            })
            .collect();

        Summary {
            schema_version: SUMMARY_SCHEMA_VERSION,
            inputs: self.inputs.clone(),
            messages: MessageCounts {
                read: self.count.messages + self.failed,
                analysed: self.count.messages,
                flagged,
                failed: self.failed,
                headers_only: self.headers_only,
                skipped_files: self.skipped_files,
            },
            filters,
            causes,
            rules,
            distinct_rules: self.rules.counts.len() as u64,
            servers,
            distinct_servers: self.servers.counts.len() as u64,
            other_servers: self.servers.other,
            unknown_server: self.no_server,
            from_domains,
            distinct_from_domains: self.domains.counts.len() as u64,
            no_from_domain: self.no_domain,
            verification: None,
            failures: self.failures.clone(),
            input_failures: self.input_failures.clone(),
        }
    }
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// The summary's JSON schema version (`--format json` in batch mode).
pub const SUMMARY_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub schema_version: u32,
    pub inputs: Vec<InputSummary>,
    pub messages: MessageCounts,
    /// Per filter, in order of first appearance.
    pub filters: Vec<FilterSummary>,
    /// Causes of the findings (sender's and receiver's), most flagged messages first.
    pub causes: Vec<CauseSummary>,
    /// The rules that fired on most flagged messages (at most 25).
    pub rules: Vec<RuleSummary>,
    pub distinct_rules: u64,
    /// Sending servers (the entry hop's `from`), most flagged messages first (at most 25).
    pub servers: Vec<ServerSummary>,
    pub distinct_servers: u64,
    /// Messages from servers beyond the first 20,000 distinct ones.
    pub other_servers: Count,
    /// Messages whose sending server could not be told.
    pub unknown_server: Count,
    pub from_domains: Vec<DomainSummary>,
    pub distinct_from_domains: u64,
    pub no_from_domain: Count,
    /// Pass rates of re-verification (with recorded DNS); null until that exists.
    pub verification: Option<serde_json::Value>,
    /// Messages that could not be read (the first 1,000).
    pub failures: Vec<Failure>,
    pub input_failures: Vec<InputFailure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    pub input: String,
    pub kind: String,
    pub messages: u64,
    pub failed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageCounts {
    /// Messages found in the inputs (analysed + failed).
    pub read: u64,
    pub analysed: u64,
    /// Analysed messages that at least one filter treated as spam.
    pub flagged: u64,
    pub failed: u64,
    /// Analysed inputs that were a header section only.
    pub headers_only: u64,
    /// Files in folder trees that are not mail (skipped).
    pub skipped_files: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterSummary {
    pub filter: String,
    /// Messages this filter left a verdict on.
    pub messages: u64,
    pub flagged: u64,
    /// Messages with a score.
    pub scored: u64,
    /// The most common threshold the headers give, or the filter's stock line; null for
    /// filters that do not score against one (greylisting, scores on the vendor's own
    /// scale) when the headers give none.
    pub threshold: Option<f64>,
    pub min: Option<f64>,
    pub mean: Option<f64>,
    /// Median and 90th percentile, to a quarter point.
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub max: Option<f64>,
    pub histogram: Vec<Bin>,
}

/// Scores in [from, to); `null` is unbounded.
#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub messages: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CauseSummary {
    pub cause: String,
    pub title: String,
    pub fault: String,
    /// Messages with this finding.
    pub messages: u64,
    /// Flagged messages with this finding, and their share of all flagged messages.
    pub flagged: u64,
    pub share_of_flagged: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleSummary {
    pub filter: String,
    pub rule: String,
    pub messages: u64,
    pub flagged: u64,
    pub share_of_flagged: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerSummary {
    #[serde(flatten)]
    pub server: Server,
    pub messages: u64,
    pub flagged: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DomainSummary {
    pub domain: String,
    pub messages: u64,
    pub flagged: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(flagged: bool, score: f64, ip: &str) -> Contribution {
        Contribution {
            flagged,
            filters: vec![FilterScore {
                filter: "spamassassin".into(),
                spam: Some(flagged),
                score: Some(score),
                threshold: Some(5.0),
            }],
            causes: vec!["reverse-dns", "reverse-dns"],
            rules: vec![("spamassassin".into(), "RDNS_NONE".into())],
            server: Some(Server {
                ip: Some(ip.into()),
                helo: None,
                rdns: None,
            }),
            from_domain: Some("example.com".into()),
            headers_only: false,
        }
    }

    #[test]
    fn counts_shares_and_quantiles() {
        let mut agg = Aggregator::default();
        agg.start_input("x.mbox", "mbox");
        agg.add(&message(true, 7.0, "192.0.2.1"));
        agg.add(&message(true, 9.0, "192.0.2.1"));
        agg.add(&message(false, 1.0, "192.0.2.2"));
        agg.add(&message(false, -1.0, "192.0.2.2"));
        let s = agg.finish();
        assert_eq!(s.messages.read, 4);
        assert_eq!(s.messages.flagged, 2);
        let sa = &s.filters[0];
        assert_eq!((sa.messages, sa.flagged, sa.threshold), (4, 2, Some(5.0)));
        assert_eq!(sa.median, Some(1.0));
        assert_eq!(sa.histogram.iter().map(|b| b.messages).sum::<u64>(), 4);
        assert_eq!(sa.histogram[0].messages, 1);
        assert_eq!(s.causes[0].messages, 4, "a cause counts once per message");
        assert_eq!(s.causes[0].share_of_flagged, 1.0);
        assert_eq!(s.servers[0].server.ip.as_deref(), Some("192.0.2.1"));
        assert_eq!(s.inputs[0].messages, 4);
    }

    #[test]
    fn filters_without_a_line_have_no_threshold() {
        let mut agg = Aggregator::default();
        agg.start_input("x.mbox", "mbox");
        let mut greylisted = message(false, 0.0, "192.0.2.1");
        greylisted.filters = vec![FilterScore {
            filter: "greylisting".into(),
            spam: None,
            score: None,
            threshold: None,
        }];
        agg.add(&greylisted);
        let mut rated = message(true, -4.0, "192.0.2.2");
        rated.filters = vec![FilterScore {
            filter: "cisco".into(),
            spam: Some(true),
            score: Some(-4.0),
            threshold: None,
        }];
        agg.add(&rated);
        agg.add(&message(false, 1.0, "192.0.2.3"));
        let s = agg.finish();
        let threshold = |name: &str| {
            s.filters
                .iter()
                .find(|f| f.filter == name)
                .unwrap()
                .threshold
        };
        assert_eq!(threshold("greylisting"), None);
        assert_eq!(threshold("cisco"), None);
        assert_eq!(threshold("spamassassin"), Some(5.0));
        let text = crate::render::summary::text(&s);
        assert!(
            !text.contains("Greylisting: 1 messages, 0 flagged (0.0%), threshold"),
            "{text}"
        );
    }
}
