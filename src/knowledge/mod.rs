//! What the rules and causes mean: data files embedded in the binary, read once.
//!
//! - `causes.toml`: the cause catalogue (checklist items and what real filters report
//!   beyond them), each with its title, who can fix it, the explanation and the fix.
//! - `spamassassin.tsv`, `rspamd.tsv`: rule → cause, with a one-sentence meaning and the
//!   rule's default score.
//! - `families.tsv`: name patterns that classify a rule the tables do not list (marked
//!   `inferred` in the report).
//! - `microsoft.tsv`: what the fields of Microsoft 365's headers mean (field + value →
//!   meaning, cause, documented or inferred), read by [`microsoft`].

pub mod microsoft;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Who can act on a cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// The sender's server or DNS set-up.
    SenderSetup,
    /// What the sender wrote or how the message is built.
    SenderContent,
    /// How the sender's IP, domain or address is seen by others.
    SenderReputation,
    /// The recipient's own systems.
    Receiver,
    /// Nobody: it helped, or it is neutral.
    None,
}

impl Fault {
    pub fn id(self) -> &'static str {
        match self {
            Fault::SenderSetup => "sender-setup",
            Fault::SenderContent => "sender-content",
            Fault::SenderReputation => "sender-reputation",
            Fault::Receiver => "receiver",
            Fault::None => "none",
        }
    }

    /// True for the faults the sender can do something about.
    pub fn is_sender(self) -> bool {
        matches!(
            self,
            Fault::SenderSetup | Fault::SenderContent | Fault::SenderReputation
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cause {
    pub id: String,
    pub title: String,
    pub fault: Fault,
    /// The heading of the checklist section, empty when the cause is beyond the checklist.
    pub checklist_section: String,
    pub explanation: String,
    pub fix: String,
    /// A request a non-technical reader can forward; `{ip}`, `{helo}`, `{domain}`, `{rdns}`
    /// are filled from the message.
    pub ask: String,
    /// How to say the message got this right, for the causes where that can be seen.
    #[serde(default)]
    pub passed: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CauseFile {
    cause: Vec<Cause>,
}

/// A rule as the tables describe it.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub name: String,
    pub cause: String,
    pub meaning: String,
    /// As the rule files give it (one value, or four for SpamAssassin's score sets).
    pub default_score: Option<String>,
    /// SpamAssassin rule type, or Rspamd groups.
    pub kind: Option<String>,
}

/// Which rule table a filter's names come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSet {
    SpamAssassin,
    Rspamd,
    /// Microsoft 365's facts (`SFV:SPM`, `CAT:SPOOF`, `PTR:(empty)`...): no points, each
    /// one a reason the verdict gives.
    Microsoft,
}

impl RuleSet {
    /// Whether the filter gives each rule points. Microsoft's facts carry none: a fact that
    /// points to a sender cause is a problem by itself.
    pub fn has_points(self) -> bool {
        !matches!(self, RuleSet::Microsoft)
    }
}

/// How a rule was classified.
#[derive(Debug, Clone)]
pub struct Classification {
    pub cause: &'static Cause,
    /// The table entry, when the rule is listed.
    pub info: Option<&'static RuleInfo>,
    /// True when the cause came from the rule's name family, not the tables.
    pub inferred: bool,
}

struct Family {
    rule_set: Option<RuleSet>,
    pattern: String,
    cause: String,
}

struct Knowledge {
    causes: Vec<Cause>,
    spamassassin: HashMap<String, RuleInfo>,
    rspamd: HashMap<String, RuleInfo>,
    families: Vec<Family>,
}

const CAUSES: &str = include_str!("causes.toml");
const SPAMASSASSIN: &str = include_str!("spamassassin.tsv");
const RSPAMD: &str = include_str!("rspamd.tsv");
const FAMILIES: &str = include_str!("families.tsv");

fn knowledge() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| {
        let causes = toml::from_str::<CauseFile>(CAUSES)
            .expect("causes.toml is valid (checked by tests)")
            .cause;
        Knowledge {
            causes,
            // rule type tflags default_score cause meaning
            spamassassin: read_table(SPAMASSASSIN, |c| RuleInfo {
                name: c[0].to_owned(),
                kind: non_empty(c[1]),
                default_score: non_empty(c[3]),
                cause: c[4].to_owned(),
                meaning: c[5].to_owned(),
            }),
            // symbol default_score groups cause meaning
            rspamd: read_table(RSPAMD, |c| RuleInfo {
                name: c[0].to_owned(),
                default_score: non_empty(c[1]),
                kind: non_empty(c[2]),
                cause: c[3].to_owned(),
                meaning: c[4].to_owned(),
            }),
            families: tsv_rows(FAMILIES)
                .map(|c| Family {
                    rule_set: match c[0] {
                        "spamassassin" => Some(RuleSet::SpamAssassin),
                        "rspamd" => Some(RuleSet::Rspamd),
                        _ => None,
                    },
                    pattern: c[1].to_owned(),
                    cause: c[2].to_owned(),
                })
                .collect(),
        }
    })
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// Data rows of a TSV file (header skipped), each as its columns.
pub(crate) fn tsv_rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split('\t').collect::<Vec<_>>())
}

fn read_table(text: &'static str, row: impl Fn(&[&str]) -> RuleInfo) -> HashMap<String, RuleInfo> {
    tsv_rows(text)
        .filter(|columns| columns.len() >= 5)
        .map(|columns| {
            let info = row(&columns);
            (info.name.clone(), info)
        })
        .collect()
}

/// Every cause, in catalogue order.
pub fn causes() -> &'static [Cause] {
    &knowledge().causes
}

/// A cause by id; unknown ids fall back to the `unknown` cause.
pub fn cause(id: &str) -> &'static Cause {
    let causes = causes();
    causes
        .iter()
        .find(|c| c.id == id)
        .or_else(|| causes.iter().find(|c| c.id == "unknown"))
        .expect("the catalogue has an `unknown` cause (checked by tests)")
}

/// The rule table a filter's rule names belong to.
pub fn rule_set_for(filter: &str) -> RuleSet {
    match filter {
        "rspamd" | "stalwart" => RuleSet::Rspamd,
        "microsoft" => RuleSet::Microsoft,
        _ => RuleSet::SpamAssassin,
    }
}

/// A rule's table entry, trying the filter's own table first and then the other one.
/// SpamAssassin's `T_` testing prefix is ignored.
pub fn lookup(rule_set: RuleSet, name: &str) -> Option<&'static RuleInfo> {
    let k = knowledge();
    let (first, second) = match rule_set {
        RuleSet::SpamAssassin => (&k.spamassassin, &k.rspamd),
        RuleSet::Rspamd => (&k.rspamd, &k.spamassassin),
        RuleSet::Microsoft => return microsoft::rule_info(name),
    };
    let upper = name.to_ascii_uppercase();
    let bare = upper.strip_prefix("T_").unwrap_or(&upper);
    first
        .get(&upper)
        .or_else(|| first.get(bare))
        .or_else(|| second.get(&upper))
        .or_else(|| second.get(bare))
}

/// Whether a rule set's own table lists this exact name.
pub fn is_in(rule_set: RuleSet, name: &str) -> bool {
    let k = knowledge();
    match rule_set {
        RuleSet::SpamAssassin => k.spamassassin.contains_key(name),
        RuleSet::Rspamd => k.rspamd.contains_key(name),
        RuleSet::Microsoft => microsoft::rule_info(name).is_some(),
    }
}

/// Classifies a rule: from the tables when listed, else from its name family.
pub fn classify(rule_set: RuleSet, name: &str) -> Classification {
    if let Some(info) = lookup(rule_set, name) {
        return Classification {
            cause: cause(&info.cause),
            info: Some(info),
            inferred: false,
        };
    }
    if rule_set == RuleSet::Microsoft {
        return Classification {
            cause: cause("unknown"),
            info: None,
            inferred: true,
        };
    }
    let upper = name.to_ascii_uppercase();
    let bare = upper.strip_prefix("T_").unwrap_or(&upper);
    let family = knowledge().families.iter().find(|family| {
        family.rule_set.is_none_or(|set| set == rule_set) && glob_match(&family.pattern, bare)
    });
    Classification {
        cause: cause(family.map_or("unknown", |f| f.cause.as_str())),
        info: None,
        inferred: true,
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob_match(pattern: &str, text: &str) -> bool {
    let pieces: Vec<&str> = pattern.split('*').collect();
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return false;
    };
    if pieces.len() == 1 {
        return pattern == text;
    }
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    if !text.ends_with(last) {
        return false;
    }
    for middle in &pieces[1..pieces.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_complete_and_every_table_cause_exists() {
        let ids: Vec<&str> = causes().iter().map(|c| c.id.as_str()).collect();
        for id in [
            "domain-name",
            "static-ip",
            "blocklist",
            "reverse-dns",
            "server-hostname",
            "ehlo-hostname",
            "port-25",
            "postmaster",
            "mx-record",
            "spf",
            "tls",
            "greylisting",
            "encryption",
            "dkim",
            "outgoing-spam",
            "unsubscribe-link",
            "message-size",
            "plain-text-part",
            "dmarc",
            "arc",
            "url-reputation",
            "content",
            "bulk",
            "header-format",
            "forwarding",
            "sender-reputation",
            "receiver-side",
            "allowlisted",
            "recipient-policy",
            "unknown",
        ] {
            assert!(ids.contains(&id), "missing cause {id}");
        }
        let k = knowledge();
        for info in k.spamassassin.values().chain(k.rspamd.values()) {
            assert!(
                ids.contains(&info.cause.as_str()),
                "{} → {}",
                info.name,
                info.cause
            );
            assert!(!info.meaning.is_empty(), "{} has no meaning", info.name);
        }
        for family in &k.families {
            assert!(ids.contains(&family.cause.as_str()), "{}", family.pattern);
        }
        for (row, cause) in microsoft::row_causes() {
            assert!(ids.contains(&cause), "microsoft.tsv {row} → {cause}");
        }
        for cause in causes() {
            assert!(
                !cause.title.is_empty() && !cause.explanation.is_empty() && !cause.fix.is_empty(),
                "{}",
                cause.id
            );
        }
    }

    #[test]
    fn tables_cover_their_rule_sets() {
        assert!(knowledge().spamassassin.len() >= 404);
        assert!(knowledge().rspamd.len() >= 548);
    }

    #[test]
    fn testing_prefix_is_ignored_and_families_infer() {
        let listed = classify(RuleSet::SpamAssassin, "T_RDNS_NONE");
        assert!(!listed.inferred);
        assert_eq!(listed.cause.id, "reverse-dns");
        let family = classify(RuleSet::SpamAssassin, "RCVD_IN_SOMELOCALLIST_BLOCKED");
        assert!(family.inferred);
        assert_eq!(family.cause.id, "receiver-side");
        let family = classify(RuleSet::Rspamd, "RBL_EXAMPLE_LOCAL");
        assert_eq!(family.cause.id, "blocklist");
        assert_eq!(classify(RuleSet::Rspamd, "XYZZY").cause.id, "unknown");
    }

    #[test]
    fn globs() {
        assert!(glob_match("*_BLOCKED", "URIBL_BLOCKED"));
        assert!(glob_match("RCVD_IN_*", "RCVD_IN_SBL"));
        assert!(glob_match("*DNSWL*", "RCVD_IN_DNSWL_HI"));
        assert!(!glob_match("*_BLOCKED_*", "X_BLOCKED"));
        assert!(glob_match("ME_NOAUTH", "ME_NOAUTH"));
        assert!(!glob_match("A*A", "A"));
    }
}
