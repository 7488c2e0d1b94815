//! What the rules and causes mean: data files embedded in the binary, read once.
//!
//! - `causes.toml`: the cause catalogue (checklist items and what real filters report
//!   beyond them), each with its title, who can fix it, the explanation and the fix.
//! - `spamassassin.tsv`, `rspamd.tsv`: rule → cause, with a one-sentence meaning and the
//!   rule's default score.
//! - `families.tsv`: name patterns that classify a rule the tables do not list (marked
//!   `inferred` in the report).
//! - `vendors.tsv`: the gateways' rules and signals (Barracuda, Proofpoint, Mimecast, Cisco,
//!   Vade, Kaspersky...), by filter and name pattern: cause, whether the signal on its own is
//!   a problem, whether the meaning is documented by the vendor or inferred, and the meaning.
//! - `relays.tsv`: host names of gateways' and mailbox providers' relays, and whether such a
//!   relay works for the recipient (an inbound filtering gateway) or for the sender.
//! - `cleared_by.tsv`: rules that also stop firing when another cause is fixed (a DMARC
//!   failure clears once DKIM or aligned SPF passes), for "what if".
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
    /// The cause named inside a sentence ("fixing reverse DNS and SPF").
    pub short: String,
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
    /// A sender-content cause whose rules test a definite property of the message (a part,
    /// a header, the size), so fixing it has a known effect.
    #[serde(default)]
    pub structural: bool,
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
    /// Names a gateway made up (`vendors.tsv`, looked up with [`classify_vendor`]); only the
    /// name families apply to the ones the table lacks.
    Gateway,
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
        .filter(|line| !line.starts_with('#'))
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
        // Barracuda's rules are SpamAssassin's, plus its own in vendors.tsv.
        "barracuda" => RuleSet::SpamAssassin,
        _ if is_vendor_filter(filter) => RuleSet::Gateway,
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
        RuleSet::Gateway => return None,
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
        RuleSet::Gateway => false,
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

// ---------------------------------------------------------------------------------------------
// Rules cleared by other fixes (cleared_by.tsv)
// ---------------------------------------------------------------------------------------------

const CLEARED_BY: &str = include_str!("cleared_by.tsv");

/// The causes whose fix also clears a rule (besides the rule's own cause), e.g. `dkim` and
/// `spf` for a DMARC failure. Empty for most rules.
pub fn cleared_by(rule: &str) -> &'static [String] {
    static TABLE: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            tsv_rows(CLEARED_BY)
                .filter(|c| c.len() >= 2)
                .map(|c| {
                    let causes = c[1].split(',').map(|s| s.trim().to_owned()).collect();
                    (c[0].to_ascii_uppercase(), causes)
                })
                .collect()
        })
        .get(&rule.to_ascii_uppercase())
        .map_or(&[], Vec::as_slice)
}

// ---------------------------------------------------------------------------------------------
// Relays (relays.tsv)
// ---------------------------------------------------------------------------------------------

const RELAYS: &str = include_str!("relays.tsv");

/// One row of `relays.tsv`: a relay host-name fragment and whom such a relay works for.
#[derive(Debug, Clone)]
pub struct Relay {
    pub filter: String,
    pub fragment: String,
    /// True for a filtering gateway's inbound servers, false for servers that send for
    /// their own users (a gateway's outbound delivery, a mailbox provider).
    pub faces_recipient: bool,
}

pub fn relays() -> &'static [Relay] {
    static RELAYS_TABLE: OnceLock<Vec<Relay>> = OnceLock::new();
    RELAYS_TABLE.get_or_init(|| {
        tsv_rows(RELAYS)
            .filter(|c| c.len() >= 3)
            .map(|c| Relay {
                filter: c[0].to_owned(),
                fragment: c[1].to_owned(),
                faces_recipient: c[2] == "recipient",
            })
            .collect()
    })
}

/// The relay row a host name matches, if any.
pub fn relay(host: &str) -> Option<&'static Relay> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    relays().iter().find(|r| host.contains(&r.fragment))
}

// ---------------------------------------------------------------------------------------------
// Gateway vendors (vendors.tsv)
// ---------------------------------------------------------------------------------------------

const VENDORS: &str = include_str!("vendors.tsv");

/// One row of `vendors.tsv`.
#[derive(Debug, Clone)]
pub struct VendorRule {
    pub filter: String,
    /// A name, or a glob with `*`, matched without regard to case.
    pub pattern: String,
    /// `problem` (the signal on its own counts against the message), `info` (a fact other
    /// checks use) or `good` (it helped).
    pub problem: bool,
    /// True when the vendor documents the meaning; false when it is inferred.
    pub documented: bool,
    /// The row as the other tables describe rules (`kind` holds `problem`/`info`/`good`).
    pub info: RuleInfo,
}

fn vendor_rules() -> &'static [VendorRule] {
    static RULES: OnceLock<Vec<VendorRule>> = OnceLock::new();
    RULES.get_or_init(|| {
        // filter pattern cause kind source meaning
        tsv_rows(VENDORS)
            .filter(|c| c.len() >= 6)
            .map(|c| VendorRule {
                filter: c[0].to_owned(),
                pattern: c[1].to_owned(),
                problem: c[3] == "problem",
                documented: c[4] == "documented",
                info: RuleInfo {
                    name: c[1].to_owned(),
                    cause: c[2].to_owned(),
                    meaning: c[5].to_owned(),
                    default_score: None,
                    kind: non_empty(c[3]),
                },
            })
            .collect()
    })
}

/// Filters whose verdicts come from the gateway readers (`vendors.tsv` lists rules for most;
/// the rest show only scores and facts).
const VENDOR_FILTERS: &[&str] = &[
    "barracuda",
    "proofpoint",
    "mimecast",
    "cisco",
    "trendmicro",
    "sophos",
    "vade",
    "cloudmark",
    "symantec",
    "kaspersky",
    "fortinet",
    "spamexperts",
    "gmx",
    "cloudflare",
    "yahoo",
    "zoho",
    "yandex",
    "mailru",
];

/// Whether a filter id is one of the gateways'.
pub fn is_vendor_filter(filter: &str) -> bool {
    VENDOR_FILTERS.contains(&filter)
}

/// The `vendors.tsv` row for a gateway's rule: the first row of that filter whose pattern
/// matches the name, case ignored.
pub fn vendor_rule(filter: &str, name: &str) -> Option<&'static VendorRule> {
    let name = name.to_ascii_lowercase();
    vendor_rules()
        .iter()
        .find(|r| r.filter == filter && glob_match(&r.pattern.to_ascii_lowercase(), &name))
}

/// Every `vendors.tsv` row, of any filter, that names this rule: exact names first, then
/// patterns (the catch-all `*` rows left out), for `spamwhy explain`.
pub fn vendor_rules_named(name: &str) -> Vec<&'static VendorRule> {
    let lower = name.to_ascii_lowercase();
    let rules = vendor_rules();
    let exact: Vec<&VendorRule> = rules
        .iter()
        .filter(|r| r.pattern.eq_ignore_ascii_case(name))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let mut seen: Vec<&str> = Vec::new();
    rules
        .iter()
        .filter(|r| r.pattern != "*" && glob_match(&r.pattern.to_ascii_lowercase(), &lower))
        .filter(|r| {
            // The first matching row of each filter is the one that classifies the rule.
            let first = !seen.contains(&r.filter.as_str());
            seen.push(&r.filter);
            first
        })
        .collect()
}

/// Classifies a gateway's rule from `vendors.tsv`; `None` when the table has no row for it
/// (the caller then uses [`classify`]). Meanings the vendor does not document are marked
/// `inferred`.
pub fn classify_vendor(filter: &str, name: &str) -> Option<Classification> {
    let rule = vendor_rule(filter, name)?;
    Some(Classification {
        cause: cause(&rule.info.cause),
        info: Some(&rule.info),
        inferred: !rule.documented,
    })
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
    // Both ends are checked before slicing, so the cuts fall on character boundaries even
    // in names with non-ASCII letters.
    if !text.starts_with(first) || !text.ends_with(last) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
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
            "ip-reputation",
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
        for row in tsv_rows(CLEARED_BY) {
            assert!(
                k.spamassassin.contains_key(row[0]) || k.rspamd.contains_key(row[0]),
                "cleared_by.tsv names an unknown rule {}",
                row[0]
            );
            for cause in cleared_by(row[0]) {
                assert!(ids.contains(&cause.as_str()), "cleared_by.tsv → {cause}");
            }
        }
        for cause in causes() {
            assert!(
                !cause.title.is_empty()
                    && !cause.short.is_empty()
                    && !cause.explanation.is_empty()
                    && !cause.fix.is_empty(),
                "{}",
                cause.id
            );
            // Only sender-content causes can be structural ("what if" reads it for them).
            assert!(
                !cause.structural || cause.fault == Fault::SenderContent,
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
    fn vendor_table_is_consistent() {
        let ids: Vec<&str> = causes().iter().map(|c| c.id.as_str()).collect();
        let rules = vendor_rules();
        assert!(rules.len() >= 70, "{}", rules.len());
        for rule in rules {
            assert!(is_vendor_filter(&rule.filter), "{}", rule.filter);
            assert!(
                ids.contains(&rule.info.cause.as_str()),
                "{} → {}",
                rule.pattern,
                rule.info.cause
            );
            assert!(
                matches!(rule.info.kind.as_deref(), Some("problem" | "info" | "good")),
                "{}",
                rule.pattern
            );
            assert!(rule.info.meaning.ends_with('.'), "{}", rule.pattern);
        }
        for line in VENDORS.lines().skip(1) {
            let source = line.split('\t').nth(4).unwrap_or("");
            assert!(matches!(source, "documented" | "inferred"), "{line}");
        }
    }

    #[test]
    fn vendor_rules_classify_by_filter_and_pattern() {
        let c = classify_vendor("vade", "^IpRev").unwrap();
        assert_eq!((c.cause.id.as_str(), c.inferred), ("reverse-dns", true));
        assert_eq!(
            classify_vendor("vade", "^SpfSoftFail").unwrap().cause.id,
            "spf"
        );
        let c = classify_vendor("cisco", "SENDERGROUP_SUSPECT").unwrap();
        assert_eq!((c.cause.id.as_str(), c.inferred), ("ip-reputation", false));
        assert_eq!(
            classify_vendor("kaspersky", "Found in DNSBL")
                .unwrap()
                .cause
                .id,
            "blocklist"
        );
        assert_eq!(
            classify_vendor("symantec", "blackholed by Dynamic IP block list")
                .unwrap()
                .cause
                .id,
            "static-ip"
        );
        assert!(classify_vendor("cisco", "^IpRev").is_none());
        assert!(
            !vendor_rule("kaspersky", "Tracking_ip_hunter")
                .unwrap()
                .problem
        );
        assert_eq!(rule_set_for("barracuda"), RuleSet::SpamAssassin);
        assert_eq!(rule_set_for("vade"), RuleSet::Gateway);
        assert_eq!(classify(RuleSet::Gateway, "XYZZY").cause.id, "unknown");
    }

    #[test]
    fn globs() {
        assert!(glob_match("*_BLOCKED", "URIBL_BLOCKED"));
        assert!(glob_match("RCVD_IN_*", "RCVD_IN_SBL"));
        assert!(glob_match("*DNSWL*", "RCVD_IN_DNSWL_HI"));
        assert!(!glob_match("*_BLOCKED_*", "X_BLOCKED"));
        assert!(glob_match("ME_NOAUTH", "ME_NOAUTH"));
        assert!(!glob_match("A*A", "A"));
        assert!(!glob_match("* threat", "zz é"));
        assert!(glob_match(
            "*text pattern*",
            "nemesis text pattern profiler"
        ));
    }
}
