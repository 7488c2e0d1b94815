//! Microsoft 365 / Exchange Online Protection / Outlook.com verdicts.
//!
//! Headers are read in two groups, each a `microsoft` verdict of its own:
//!
//! - the plain names (`X-Forefront-Antispam-Report`, `X-Microsoft-Antispam`,
//!   `X-Microsoft-Antispam-Mailbox-Delivery`, `X-MS-Exchange-Organization-SCL`/`-PCL`/
//!   `-AuthAs`/`-AuthSource`/`-MessageDirectionality`/`-Antispam-Report`, the older
//!   `X-Exchange-Antispam-Report-CFA-Test`, `X-CustomSpam`, `SpamDiagnosticOutput`/`-Metadata`):
//!   the last Microsoft organisation that filtered the message;
//! - the `-Untrusted` copies, which Microsoft leaves when a message passes from one
//!   organisation's Microsoft 365 to another's: an earlier organisation, usually the sender's.
//!
//! Whose verdict each is comes from Forefront's `DIR` (`OUT` leaving the sender's
//! organisation, `INT` inside one organisation: the sender's own filter; `INB` coming in)
//! and from whether the recipient's own servers are Microsoft's. Microsoft's headers are
//! not in Received order (Exchange rewrites the header block), so their position says
//! nothing about trust.
//!
//! Every field becomes a detail with its value as written and what it means
//! (`knowledge::microsoft`); the fields that point to a cause (`CAT:SPOOF`, `PTR:(empty)`,
//! `BCL:7`, `compauth=fail reason=001`...) also become the verdict's rules, without points:
//! Microsoft scores the message (SCL) but not its reasons.

use std::net::IpAddr;

use spamwhy_headers::microsoft::{
    AntispamList, is_null, parse_cfa_test, parse_forefront_report, parse_mailbox_delivery,
    parse_microsoft_antispam, parse_scl,
};
use spamwhy_headers::{HeaderBlock, HeaderField};

use super::{Fields, VerdictBuilder};
use crate::domain::is_internal_ip;
use crate::knowledge::microsoft::{rule_name, translate};
use crate::report::{AuthenticationEntry, Side, Verdict};
use crate::trust::TrustBoundary;

/// SCL at and above which Microsoft 365 treats a message as spam.
pub const SPAM_SCL: f64 = 5.0;

/// `SFV` verdicts that mean the message was treated as spam / as not spam.
const SPAM_VERDICTS: &[&str] = &["SPM", "SKS", "SKB", "BLK"];
const HAM_VERDICTS: &[&str] = &["NSPM", "SFE", "SKA", "SKN"];

const FOREFRONT: &str = "X-Forefront-Antispam-Report";
const UNTRUSTED: &str = "-Untrusted";

/// How a header is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A `KEY:value` list; each pair is a detail.
    List,
    /// One value, translated as the given table field.
    Single(&'static str),
    /// A spam or phishing confidence level, translated as the given table field.
    Level(&'static str),
}

/// The headers of one organisation's verdict, by name (without `-Untrusted`).
const HEADERS: &[(&str, Kind)] = &[
    (FOREFRONT, Kind::List),
    ("X-Microsoft-Antispam", Kind::List),
    ("X-Microsoft-Antispam-Mailbox-Delivery", Kind::List),
    ("X-Exchange-Antispam-Report-CFA-Test", Kind::List),
    ("X-MS-Exchange-Organization-Antispam-Report", Kind::List),
    ("X-MS-Exchange-Organization-SCL", Kind::Level("SCL")),
    ("X-MS-Exchange-Organization-PCL", Kind::Level("PCL")),
    ("X-MS-Exchange-Organization-AuthAs", Kind::Single("AuthAs")),
    (
        "X-MS-Exchange-Organization-AuthSource",
        Kind::Single("AuthSource"),
    ),
    (
        "X-MS-Exchange-Organization-MessageDirectionality",
        Kind::Single("MessageDirectionality"),
    ),
    ("X-CustomSpam", Kind::Single("X-CustomSpam")),
    (
        "X-Microsoft-Antispam-Message-Info",
        Kind::Single("Message-Info"),
    ),
    ("SpamDiagnosticOutput", Kind::Single("SpamDiagnosticOutput")),
    (
        "SpamDiagnosticMetadata",
        Kind::Single("SpamDiagnosticMetadata"),
    ),
];

/// Headers whose presence makes a verdict (the others only add to one).
const VERDICT_HEADERS: &[&str] = &[
    FOREFRONT,
    "X-Microsoft-Antispam",
    "X-Microsoft-Antispam-Mailbox-Delivery",
    "X-Exchange-Antispam-Report-CFA-Test",
    "X-MS-Exchange-Organization-SCL",
];

/// What Microsoft's edge saw of the connecting server, from the topmost plain (not
/// `-Untrusted`) Forefront report of an inbound message.
pub struct EdgeView {
    /// `CIP`: a hint for the trust boundary.
    pub ip: IpAddr,
    /// `PTR`, when it names a host: Microsoft's Received lines never show the reverse DNS
    /// name, so this is the only place the recipient's side records it.
    pub ptr: Option<String>,
}

/// `None` for outbound or internal reports and for addresses that are not public.
pub fn edge_view(block: &HeaderBlock) -> Option<EdgeView> {
    let field = block.first(FOREFRONT)?;
    let list = parse_forefront_report(&field.value).ok()?;
    if list
        .direction()
        .is_some_and(|dir| !dir.eq_ignore_ascii_case("INB"))
    {
        return None;
    }
    let ip = list
        .cip()
        .filter(|ip| !is_internal_ip(*ip) && !ip.is_unspecified())
        .filter(|ip| *ip != IpAddr::from([255, 255, 255, 255]))?;
    let ptr = list
        .value("PTR")
        .filter(|ptr| ptr.contains('.') && !ptr.contains(char::is_whitespace))
        .map(str::to_owned);
    Some(EdgeView { ip, ptr })
}

pub fn read(
    fields: &mut Fields<'_>,
    trust: &TrustBoundary,
    authentication: &[AuthenticationEntry],
) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    for untrusted in [false, true] {
        // The names once, not once per field of the message.
        let group: Vec<String> = HEADERS
            .iter()
            .map(|(name, _)| group_name(name, untrusted))
            .collect();
        let verdict_names: Vec<String> = VERDICT_HEADERS
            .iter()
            .map(|name| group_name(name, untrusted))
            .collect();
        let in_group = |f: &HeaderField| group.iter().any(|name| f.is(name));
        let makes_verdict = fields.has_where(|f| verdict_names.iter().any(|name| f.is(name)));
        if !makes_verdict {
            continue;
        }
        let taken = fields.take_where(in_group);
        verdicts.push(verdict(&taken, untrusted, trust, authentication));
    }
    verdicts
}

fn group_name(name: &str, untrusted: bool) -> String {
    if untrusted {
        format!("{name}{UNTRUSTED}")
    } else {
        name.to_owned()
    }
}

/// What a group's headers said, gathered while reading them.
#[derive(Default)]
struct Facts {
    scl: Option<i32>,
    sfv: Option<String>,
    direction: Option<String>,
    dest: Option<String>,
    folder: Option<String>,
    category: Option<String>,
    /// Whether a public connecting address (`CIP`) was recorded.
    outside_address: bool,
    /// (table field, value, rule name) of the facts that may point to a cause, in order.
    candidates: Vec<(String, String, String)>,
}

fn verdict(
    taken: &[&HeaderField],
    untrusted: bool,
    trust: &TrustBoundary,
    authentication: &[AuthenticationEntry],
) -> Verdict {
    let mut builder = VerdictBuilder::new("microsoft");
    let mut facts = Facts::default();
    for field in taken {
        let base = field
            .name
            .get(..field.name.len().saturating_sub(UNTRUSTED.len()))
            .filter(|_| untrusted)
            .unwrap_or(&field.name);
        let Some((_, kind)) = HEADERS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(base))
        else {
            continue;
        };
        match kind {
            Kind::List => read_list(&mut builder, &mut facts, field, base),
            Kind::Level(table_field) => match parse_scl(&field.value) {
                Ok(level) => {
                    builder.read(field);
                    let value = level.to_string();
                    explain(&mut builder, &field.name, table_field, &value);
                    if *table_field == "SCL" {
                        facts.scl = facts.scl.or(Some(level));
                    } else {
                        let name = rule_name(table_field, &value);
                        facts
                            .candidates
                            .push(((*table_field).to_owned(), value, name));
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            Kind::Single(table_field) => {
                builder.read(field);
                let value = field.unfolded();
                explain(&mut builder, &field.name, table_field, &value);
                let name = rule_name(table_field, &value);
                facts
                    .candidates
                    .push(((*table_field).to_owned(), value, name));
            }
        }
    }

    // Exchange's header firewall removes X-MS-Exchange-Organization-* fields that arrive
    // from outside, so a plain one was written by the organisation that received the
    // message, Microsoft 365 or an Exchange server of its own.
    let organisation_stamp = !untrusted
        && taken.iter().any(|f| {
            f.name
                .to_ascii_lowercase()
                .starts_with("x-ms-exchange-organization-")
        });
    let side = side(
        facts.direction.as_deref(),
        untrusted,
        trust.recipient_is_microsoft() || organisation_stamp,
    );
    builder.verdict.side = side;
    builder.verdict.via = match facts.direction.as_deref().map(str::to_ascii_uppercase) {
        Some(dir) if dir == "OUT" => Some("outbound".to_owned()),
        Some(dir) if dir == "INT" => Some("intra-organisation".to_owned()),
        _ => None,
    };
    if side == Side::Recipient {
        compauth(&mut builder, &mut facts, authentication);
    }
    let sfv = facts.sfv.as_deref().map(str::to_ascii_uppercase);
    let sfv_says = |list: &[&str]| sfv.as_deref().is_some_and(|v| list.contains(&v));
    let scl_spam = facts.scl.map(|scl| f64::from(scl) >= SPAM_SCL);
    // A protection policy category (spoofing, phishing, bulk...) means a policy acted on
    // the message even when the spam confidence level is low.
    let category = facts
        .category
        .as_deref()
        .filter(|cat| !cat.eq_ignore_ascii_case("NONE"));
    builder.verdict.spam = if sfv_says(HAM_VERDICTS) {
        Some(false)
    } else if sfv_says(SPAM_VERDICTS) || category.is_some() || scl_spam == Some(true) {
        Some(true)
    } else {
        scl_spam
    };
    builder.verdict.score = facts.scl.map(f64::from);
    builder.verdict.threshold = Some(SPAM_SCL);
    builder.verdict.action = action(&facts, sfv.as_deref());

    let spam = builder.verdict.spam == Some(true);
    for (field, value, name) in &facts.candidates {
        if translate(field, value).is_none_or(|t| t.cause.is_none()) {
            continue;
        }
        // Leaving the sender's organisation is a cause only when the outbound check
        // called the message spam.
        if field.eq_ignore_ascii_case("DIR") && !spam {
            continue;
        }
        // Without an outside connecting address (mail submitted inside Microsoft 365,
        // `CIP:255.255.255.255`) an empty PTR says nothing about the sender's server.
        if field.eq_ignore_ascii_case("PTR") && !facts.outside_address {
            continue;
        }
        builder.rule(name, None, None, Vec::new());
    }
    builder.finish()
}

fn read_list(builder: &mut VerdictBuilder, facts: &mut Facts, field: &HeaderField, base: &str) {
    let parsed = if base.eq_ignore_ascii_case(FOREFRONT) {
        parse_forefront_report(&field.value)
    } else if base.eq_ignore_ascii_case("X-Microsoft-Antispam") {
        parse_microsoft_antispam(&field.value)
    } else if base.eq_ignore_ascii_case("X-Microsoft-Antispam-Mailbox-Delivery") {
        parse_mailbox_delivery(&field.value)
    } else {
        parse_cfa_test(&field.value)
    };
    let list = match parsed {
        Ok(list) => list,
        Err(e) => {
            builder.error(field, &e);
            return;
        }
    };
    builder.read(field);
    let inside = list
        .value("CIP")
        .is_some_and(|cip| cip.trim() == "255.255.255.255");
    for pair in &list.fields {
        if inside && pair.key.eq_ignore_ascii_case("PTR") && is_null(&pair.value) {
            builder.explained_detail(
                &pair.key,
                &pair.value,
                Some(
                    "No reverse DNS name, because no outside server connected: the message was submitted inside Microsoft 365."
                        .to_owned(),
                ),
                "inferred",
            );
        } else {
            explain(builder, &pair.key, &pair.key, &pair.value);
        }
        let name = rule_name(&pair.key, &pair.value);
        facts
            .candidates
            .push((pair.key.clone(), pair.value.clone(), name));
    }
    for stray in &list.stray {
        builder.explained_detail(
            "(stray)",
            stray,
            Some(format!(
                "Text in {} that is not a KEY:value pair; Microsoft sometimes writes such leftovers.",
                field.name
            )),
            "undocumented",
        );
    }
    remember(facts, &list);
}

/// The first value of each verdict-shaping field wins.
fn remember(facts: &mut Facts, list: &AntispamList) {
    facts.scl = facts.scl.or(list.scl());
    if facts.sfv.is_none() {
        facts.sfv = list.sfv().map(str::to_owned);
    }
    if facts.direction.is_none() {
        facts.direction = list.direction().map(str::to_owned);
    }
    if facts.dest.is_none() {
        facts.dest = list.destination().map(str::to_owned);
    }
    if facts.folder.is_none() {
        facts.folder = list.value("RF").map(str::to_owned);
    }
    if facts.category.is_none() {
        facts.category = list.value("CAT").map(str::to_owned);
    }
    if let Some(ip) = list.cip() {
        facts.outside_address |= !is_internal_ip(ip) && ip != IpAddr::from([255, 255, 255, 255]);
    } else if list.get("PTR").is_some() && list.get("CIP").is_none() {
        // Formats without CIP: trust the PTR field as it is.
        facts.outside_address = true;
    }
}

/// A detail with its translation; fields the table does not know are shown as written and
/// marked undocumented.
fn explain(builder: &mut VerdictBuilder, name: &str, table_field: &str, value: &str) {
    match translate(table_field, value) {
        Some(t) => builder.explained_detail(name, value, Some(t.meaning), t.status.id()),
        None => builder.explained_detail(name, value, None, "undocumented"),
    }
}

fn side(direction: Option<&str>, untrusted: bool, recipients_own: bool) -> Side {
    match direction.map(str::to_ascii_uppercase).as_deref() {
        Some("OUT" | "INT") => Side::Sender,
        _ if untrusted => Side::Unknown,
        _ if recipients_own => Side::Recipient,
        _ => Side::Unknown,
    }
}

/// Where the message went, as far as the headers show: the mailbox's folder, or quarantine
/// when it was released from there. Nothing for an outbound check: the recipient's side
/// decided where it went.
fn action(facts: &Facts, sfv: Option<&str>) -> Option<String> {
    if facts
        .direction
        .as_deref()
        .is_some_and(|d| d.eq_ignore_ascii_case("OUT"))
    {
        return None;
    }
    let junk = facts
        .dest
        .as_deref()
        .is_some_and(|d| d.eq_ignore_ascii_case("J"))
        || facts
            .folder
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case("JunkEmail"));
    let action = if junk {
        "junk"
    } else if sfv == Some("SKQ") {
        "quarantine"
    } else if facts
        .dest
        .as_deref()
        .is_some_and(|d| d.eq_ignore_ascii_case("I"))
    {
        "inbox"
    } else {
        return None;
    };
    Some(action.to_owned())
}

/// Microsoft's composite authentication from the recipient's own Authentication-Results:
/// a detail, and a rule when the reason code points to a cause.
fn compauth(
    builder: &mut VerdictBuilder,
    facts: &mut Facts,
    authentication: &[AuthenticationEntry],
) {
    let Some(entry) = authentication
        .iter()
        .find(|e| e.trusted && e.method == "compauth")
    else {
        return;
    };
    let Some(reason) = entry.reason.as_deref().filter(|r| !is_null(r)) else {
        builder.explained_detail("compauth", &entry.result, None, "documented");
        return;
    };
    let written = format!("{}={} reason={reason}", entry.method, entry.result);
    match translate("compauth", reason) {
        Some(t) => {
            builder.explained_detail("compauth", &written, Some(t.meaning), t.status.id());
            if t.cause.is_some() {
                facts
                    .candidates
                    .push(("compauth".to_owned(), reason.to_owned(), written));
            }
        }
        None => builder.explained_detail("compauth", &written, None, "undocumented"),
    }
}

#[cfg(test)]
mod tests {
    use crate::report::Side;

    fn microsoft(message: &str) -> Vec<crate::report::Verdict> {
        crate::analyze("test", message.as_bytes())
            .unwrap()
            .verdicts
            .into_iter()
            .filter(|v| v.filter == "microsoft")
            .collect()
    }

    #[test]
    fn on_premises_exchange_scl_is_the_recipients() {
        let verdicts = microsoft(
            "Received: from mail.example.com (mail.example.com [192.0.2.1]) by exch01.example.net (10.0.0.5) with Microsoft SMTP Server id 15.2.1544.14; Tue, 8 Sep 2026 07:15:44 +0000\nX-MS-Exchange-Organization-SCL: 7\nSubject: hi\n\n",
        );
        assert_eq!(verdicts.len(), 1);
        assert_eq!(verdicts[0].side, Side::Recipient);
        assert_eq!(verdicts[0].spam, Some(true));
        assert_eq!(verdicts[0].score, Some(7.0));
    }

    #[test]
    fn a_forefront_report_from_a_tenant_on_the_way_is_unknown() {
        let verdicts = microsoft(
            "Received: from relay.example.org (relay.example.org [192.0.2.9]) by mx.example.net (Postfix) with ESMTPS id 1; Tue, 8 Sep 2026 07:15:44 +0000\nX-Forefront-Antispam-Report: CIP:198.51.100.1;SCL:1;SFV:NSPM;DIR:INB;\nSubject: hi\n\n",
        );
        assert_eq!(verdicts[0].side, Side::Unknown);
        assert_eq!(verdicts[0].spam, Some(false));
    }

    #[test]
    fn unparsable_reports_are_errors_of_the_verdict() {
        let verdicts = microsoft("X-Forefront-Antispam-Report: nothing here\nSubject: hi\n\n");
        assert_eq!(verdicts[0].errors.len(), 1);
        assert_eq!(verdicts[0].spam, None);
        assert_eq!(verdicts[0].threshold, Some(5.0));
    }
}
