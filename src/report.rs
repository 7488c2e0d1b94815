//! The report: one serde type tree that is the JSON schema (`schema_version` 1).
//!
//! Field names here are a contract with later work and outside users: add fields freely,
//! never rename or remove one without raising [`SCHEMA_VERSION`]. Everything is plain data
//! so the renderers never need to look back at the message.

use serde::Serialize;

/// Points as filters print them: up to three decimals, no trailing zeros (`3.8`, `0.001`, `5`).
pub fn format_points(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Raised whenever a field is renamed or removed.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// The path as given, or `-` for standard input.
    pub source: String,
    /// `message` (headers and a body), `headers` (a header section only) or `msg` (an
    /// Outlook .msg file).
    pub input_kind: InputKind,
    pub message: MessageSummary,
    /// The server that handed the message to the recipient's side, as the recipient saw it.
    pub sender: Option<Sender>,
    pub hops: Vec<Hop>,
    pub verdicts: Vec<Verdict>,
    pub authentication: Vec<AuthenticationEntry>,
    pub dkim_signatures: Vec<DkimSignature>,
    pub arc_sets: Vec<ArcSet>,
    /// Spam-related headers that no parser here reads: listed, never dropped.
    pub unrecognised_headers: Vec<HeaderValue>,
    /// Recognised headers that could not be parsed, outside any verdict.
    pub errors: Vec<HeaderError>,
    /// Why the message was treated as it was: causes ranked by what they cost.
    pub findings: Vec<Finding>,
    /// Checks the message passed (what is already right).
    pub passed: Vec<Passed>,
    /// DNS records to publish, proposed from the message and the recorded DNS: each says
    /// where it goes, who can publish it, why, and which parts are examples to adapt.
    pub fix_records: Vec<FixRecord>,
    /// SPF, DKIM, DMARC, ARC and iprev recomputed offline from recorded DNS (`--dns`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
}

/// Results recomputed from recorded DNS, in the RFCs' own words (`pass`, `fail`,
/// `softfail`, `neutral`, `none`, `temperror`, `permerror`), each with the reason.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    /// The recorded-DNS file.
    pub dns: String,
    pub spf: Option<SpfCheck>,
    pub dkim: Vec<DkimCheck>,
    pub dmarc: Option<DmarcCheck>,
    pub arc: Option<Check>,
    pub iprev: Option<IprevCheck>,
    /// The records the checklist asks for, checked one by one.
    pub records: Vec<RecordCheck>,
    /// Where the recipient's Authentication-Results and the recomputed result differ, and why.
    pub comparisons: Vec<Comparison>,
    /// Lookups (`name TYPE`) the file does not cover, answered as "does not exist" or, for
    /// a name it lists with other types, "no such record": the file is a closed world.
    pub assumed_nonexistent: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub result: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpfCheck {
    /// The MAIL FROM identity's result (the one DMARC uses).
    pub result: String,
    pub reason: String,
    pub ip: String,
    pub mail_from: Option<String>,
    /// The domain whose record was evaluated.
    pub domain: String,
    /// That domain's SPF record as recorded.
    pub record: Option<String>,
    pub helo: Option<SpfIdentity>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpfIdentity {
    pub name: String,
    pub result: String,
    pub reason: String,
    pub record: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DkimCheck {
    pub d: Option<String>,
    pub s: Option<String>,
    pub a: Option<String>,
    pub result: String,
    pub reason: String,
    /// The signature's `x=` has passed since the message arrived: it was valid then, and
    /// cannot be re-checked now.
    pub expired_since_arrival: bool,
    pub key_type: Option<String>,
    pub key_bits: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DmarcCheck {
    pub result: String,
    pub reason: String,
    /// The From domain.
    pub domain: String,
    /// The domain whose `_dmarc` record applied (the From domain or its organisational
    /// domain).
    pub policy_domain: Option<String>,
    pub policy: Option<String>,
    pub spf_aligned: bool,
    pub dkim_aligned: bool,
    pub record: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IprevCheck {
    pub result: String,
    pub reason: String,
    pub ip: String,
    pub ptr: Vec<String>,
    /// A PTR name resolves back to the IP (forward-confirmed reverse DNS).
    pub forward_confirmed: bool,
}

/// One record the checklist asks for.
#[derive(Debug, Clone, Serialize)]
pub struct RecordCheck {
    /// `spf-present`, `spf-all`, `spf-lookups`, `spf-plus-all`, `spf-ptr`, `dkim-key`,
    /// `dmarc-present`, `dmarc-policy`, `mx-present`, `ptr-present`, `ptr-forward`.
    pub check: String,
    /// The DNS name checked.
    pub name: String,
    /// `pass`, `warn` or `fail`.
    pub result: String,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub method: String,
    /// What the recipient's Authentication-Results said.
    pub recorded: String,
    /// What verification says now.
    pub recomputed: String,
    pub agree: bool,
    pub explanation: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputKind {
    Message,
    Headers,
    /// An Outlook `.msg` file: its transport headers, with the body and attachment list
    /// rebuilt as MIME (see `input::msg`).
    Msg,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MessageSummary {
    pub message_id: Option<String>,
    /// RFC 2047 encoded words decoded.
    pub subject: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// RFC 3339, in the offset the header gave.
    pub date: Option<String>,
    pub return_path: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sender {
    pub ip: Option<String>,
    pub helo: Option<String>,
    pub rdns: Option<String>,
    /// Index into `hops` of the hop where the recipient's side received the message.
    pub hop_index: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    /// 0 is the topmost Received header (the newest hop).
    pub index: usize,
    pub from: Option<HopFrom>,
    pub by: Option<String>,
    pub with: Option<String>,
    pub id: Option<String>,
    #[serde(rename = "for")]
    pub for_recipient: Option<String>,
    pub date: Option<String>,
    pub tls: Option<Tls>,
    /// Seconds between the hop below (older) and this one; negative when the clocks or the
    /// header order disagree.
    pub delay_seconds: Option<i64>,
    /// Added by the recipient's own systems (trusted).
    pub recipient_side: bool,
    pub line: usize,
    pub raw: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HopFrom {
    pub helo: Option<String>,
    pub rdns: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tls {
    pub version: Option<String>,
    pub cipher: Option<String>,
    /// The words in the header that show it.
    pub evidence: String,
}

/// What one spam filter said about the message.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// `spamassassin`, `rspamd`, `stalwart`, `greylisting`, `microsoft`, `barracuda`, `proofpoint`,
    /// `mimecast`, `cisco`, `trendmicro`, `sophos`, `vade`, `cloudmark`, `symantec`,
    /// `kaspersky`, `fortinet`, `spamexperts`, `gmx`, `cloudflare`, `yahoo`, `zoho`, `yandex`,
    /// `mailru`.
    pub filter: String,
    /// Whose filter this is: `recipient` (the recipient's own systems, the verdict that
    /// counts; the usual case), `sender` (the sender's own outbound filter or gateway, which
    /// scanned the message before it left: Microsoft 365 `DIR:OUT`/`DIR:INT`, a Proofpoint
    /// `policy=outbound`...), or `unknown` (an organisation the message passed on the way, or
    /// no Received chain to place its headers against). Decided from where the headers sit
    /// against the trust boundary, corrected by what the vendor's own headers say and by the
    /// vendor's host names on the entry hop; see ARCHITECTURE.md.
    pub side: Side,
    /// How the filter was run when the headers show it: `amavis`, `exim`, `fastmail`,
    /// `mailscanner`, `milter`...
    pub via: Option<String>,
    /// The header names this verdict was read from, in document order.
    pub headers: Vec<String>,
    /// Whether the filter treated the message as spam; null when its headers do not say.
    pub spam: Option<bool>,
    pub score: Option<f64>,
    pub threshold: Option<f64>,
    pub action: Option<String>,
    pub rules: Vec<Rule>,
    /// Other facts the headers state (autolearn, version, host, queue id...).
    pub details: Vec<Detail>,
    pub errors: Vec<HeaderError>,
    /// The score after each fix the sender controls, and the fewest fixes that bring it
    /// under the line (filled by the diagnosis; null when the verdict has no score).
    pub what_if: Option<WhatIf>,
}

/// "What if": the verdict's score after fixing causes the sender controls. Scores are
/// additive, so fixing a cause takes off the points of its rules; see
/// [`crate::diagnose::what_if`] for the rules and why the smallest set is minimal.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIf {
    pub score: f64,
    /// The line: the filter flags a message whose score reaches it.
    pub threshold: f64,
    /// `message` (the headers state it) or `stock-default` (the filter's stock setting:
    /// SpamAssassin and Stalwart 5; Rspamd's headers give the score at which it refuses
    /// mail, and it marks mail as spam from 6 in its stock settings, or the header's value
    /// when that is lower).
    pub threshold_source: String,
    /// `already-under` (the score is below the line), `fixable` (`smallest_fix` brings it
    /// under), `not-enough` (every fix the sender controls together still leaves it over),
    /// `no-rules` (the headers name no rules to attribute the points to).
    pub outcome: String,
    /// Some rules carry no points in the headers: their stock default scores were used.
    pub estimated: bool,
    /// Every sender cause that added points in this verdict, most points first.
    pub fixes: Vec<WhatIfFix>,
    /// The fewest counted fixes that bring the score under the line (`fixable` only).
    pub smallest_fix: Option<FixPlan>,
    /// The score after every counted fix together.
    pub score_after_all_fixes: f64,
    /// Points of rules no counted fix removes: wording and learned filters, reputation,
    /// the recipient's own rules, rules this tool does not know.
    pub points_not_counted: f64,
    /// The same in one plain sentence.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WhatIfFix {
    pub cause: String,
    pub title: String,
    pub fault: String,
    /// Points this cause's rules added in the verdict.
    pub points: f64,
    /// The score with this cause alone fixed.
    pub score_after: f64,
    pub under_threshold: bool,
    /// Counted in `smallest_fix`: a change the sender makes whose effect on the rules is
    /// predictable (server and DNS set-up, the message's structure). Wording and learned
    /// (Bayes) scores, link reputation, bulk signs and blocklist listings are not: the
    /// sender can act, but cannot know what the filter will score afterwards.
    pub counted: bool,
    /// Why a fix is not counted.
    pub note: Option<String>,
    /// Another cause's rules this fix also clears, counted in `points` (fixing DKIM also
    /// lets DMARC pass).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also_clears: Option<AlsoClears>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlsoClears {
    pub cause: String,
    pub points: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FixPlan {
    /// Cause ids, most points first.
    pub causes: Vec<String>,
    pub score_after: f64,
}

/// A DNS record to publish. Values come from the message (sending IP, HELO, domains) and
/// the recorded DNS only; anything else is a placeholder and listed as such.
#[derive(Debug, Clone, Serialize)]
pub struct FixRecord {
    /// `spf`, `dmarc`, `ptr`, `a`, `dkim`.
    pub kind: String,
    /// The finding's cause this record answers.
    pub cause: String,
    /// The record's full name (no trailing dot).
    pub name: String,
    /// `TXT`, `PTR`, `A`, `AAAA`.
    pub record_type: String,
    pub value: String,
    /// The DNS zone the record belongs in.
    pub zone: String,
    /// Who can publish it (the domain's DNS host, or the IP address's provider).
    pub publisher: String,
    /// The record it replaces, as recorded (an SPF record merged with the new address).
    pub replaces: Option<String>,
    pub why: String,
    /// Parts of `name` or `value` that are examples the reader must replace.
    pub placeholders: Vec<Placeholder>,
    /// Where each value comes from.
    pub sources: Vec<String>,
    /// What to check before publishing.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Placeholder {
    /// The text as it appears in the name or value.
    pub text: String,
    /// What to put there instead.
    pub meaning: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Recipient,
    Sender,
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub name: String,
    pub points: Option<f64>,
    /// The description carried in the message itself (X-Spam-Report), verbatim.
    pub description: Option<String>,
    pub options: Vec<String>,
    /// What the rule means and whose problem it is (filled by the diagnosis).
    #[serde(flatten)]
    pub diagnosis: Option<RuleDiagnosis>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleDiagnosis {
    /// A cause id from the catalogue (`reverse-dns`, `blocklist`, `receiver-side`...).
    pub cause: String,
    /// `sender-setup`, `sender-content`, `sender-reputation`, `receiver` or `none`.
    pub fault: String,
    /// True when the cause comes from the rule's name family, not the rule tables (or, for
    /// Microsoft's facts, from a meaning Microsoft does not document).
    pub inferred: bool,
    /// One plain sentence on what the rule noticed, when the tables know the rule.
    pub meaning: Option<String>,
    /// The rule's default score in the filter's stock configuration.
    pub default_score: Option<String>,
}

/// One cause of the verdict, with everything that shows it and what to do.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub cause: String,
    pub title: String,
    pub fault: String,
    /// Points this cause added, in the verdict where it weighed most against the threshold
    /// (0 when no scoring filter counted it).
    pub points: f64,
    /// Which filter those points are from.
    pub filter: Option<String>,
    /// `points` as a share of that filter's threshold, the ranking key across filters.
    pub share_of_threshold: Option<f64>,
    /// `high` (a filter or the recipient's authentication said so), `medium` (read from the
    /// message or inferred from a rule's family), `low` (from headers the sender's side wrote).
    pub confidence: String,
    pub rules: Vec<FindingRule>,
    pub evidence: Vec<Evidence>,
    pub explanation: String,
    pub fix: String,
    /// A request to forward to the mail administrator or provider, filled with the
    /// message's values.
    pub ask: String,
    pub checklist_section: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingRule {
    pub filter: String,
    pub name: String,
    pub points: Option<f64>,
    pub meaning: Option<String>,
}

/// A header that shows a finding, with its value verbatim (or the part that matters).
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub header: String,
    pub value: String,
    pub line: Option<usize>,
    /// What this shows, in plain words.
    pub note: Option<String>,
}

/// Something the message got right.
#[derive(Debug, Clone, Serialize)]
pub struct Passed {
    pub cause: String,
    pub description: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    pub name: String,
    /// As written in the header.
    pub value: String,
    /// What the value means, in plain words, when the knowledge tables know it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
    /// Whether the filter's vendor documents this field and value (false: inferred from
    /// observed messages, or not known at all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documented: Option<bool>,
    /// `documented`, `inferred` or `undocumented` (shown raw, meaning unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthenticationEntry {
    /// `Authentication-Results`, `ARC-Authentication-Results` or `Received-SPF`.
    pub header: String,
    pub authserv_id: Option<String>,
    /// ARC instance (`i=`) for ARC-Authentication-Results.
    pub instance: Option<u32>,
    /// Written by the recipient's side (see the trust boundary in ARCHITECTURE.md).
    pub trusted: bool,
    pub method: String,
    pub result: String,
    pub reason: Option<String>,
    pub comment: Option<String>,
    pub properties: serde_json::Map<String, serde_json::Value>,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DkimSignature {
    pub d: Option<String>,
    pub s: Option<String>,
    pub a: Option<String>,
    pub c: Option<String>,
    pub h: Vec<String>,
    pub t: Option<u64>,
    pub x: Option<u64>,
    pub i: Option<String>,
    pub l: Option<u64>,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ArcSet {
    pub instance: u32,
    /// The seal's `cv=` (none, pass, fail).
    pub chain_validation: Option<String>,
    pub seal_domain: Option<String>,
    pub seal_selector: Option<String>,
    pub signature_domain: Option<String>,
    pub authserv_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeaderValue {
    pub name: String,
    pub value: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct HeaderError {
    pub header: String,
    pub line: usize,
    pub problem: String,
}
