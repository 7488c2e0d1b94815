//! What Microsoft's header fields say, from `microsoft.tsv`: field + value → a plain
//! sentence, the cause it points to (if any), and whether Microsoft documents it.
//!
//! One row per field and value pattern. A pattern is an exact value (case-insensitive),
//! `(empty)` (also used for Microsoft's literal `(null)` unless a `(null)` row exists),
//! a range `N..M` of whole numbers, a code with `x` for any digit (`1xx`), or `*` for any
//! value. The most specific matching row wins. `{value}` in a meaning is replaced by the
//! value as written.

use std::sync::OnceLock;

use super::{RuleInfo, tsv_rows};

const TABLE: &str = include_str!("microsoft.tsv");

/// Where a meaning comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Microsoft's own documentation describes the field and value.
    Documented,
    /// Microsoft does not document it; the meaning is inferred from observed messages.
    Inferred,
    /// Nobody outside Microsoft knows what it means; shown as written.
    Undocumented,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Documented => "documented",
            Status::Inferred => "inferred",
            Status::Undocumented => "undocumented",
        }
    }

    fn parse(text: &str) -> Option<Status> {
        match text {
            "documented" => Some(Status::Documented),
            "inferred" => Some(Status::Inferred),
            "undocumented" => Some(Status::Undocumented),
            _ => None,
        }
    }
}

/// What one field value means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    pub meaning: String,
    /// The cause id it points to, when it explains a verdict.
    pub cause: Option<&'static str>,
    pub status: Status,
}

#[derive(Debug)]
enum Pattern {
    Exact(String),
    Empty,
    Range(i64, i64),
    Digits(String),
    Any,
}

impl Pattern {
    fn parse(text: &str) -> Pattern {
        if text == "*" {
            return Pattern::Any;
        }
        if text == "(empty)" {
            return Pattern::Empty;
        }
        if let Some((low, high)) = text.split_once("..")
            && let (Ok(low), Ok(high)) = (low.parse(), high.parse())
        {
            return Pattern::Range(low, high);
        }
        if text.contains('x') && text.chars().all(|c| c == 'x' || c.is_ascii_digit()) {
            return Pattern::Digits(text.to_owned());
        }
        Pattern::Exact(text.to_owned())
    }

    /// How specific a match is (higher wins), or `None` when it does not match.
    fn rank(&self, value: &str) -> Option<u8> {
        let value = value.trim();
        match self {
            Pattern::Exact(text) => text.eq_ignore_ascii_case(value).then_some(4),
            Pattern::Empty => crate_is_null(value).then_some(3),
            Pattern::Range(low, high) => value
                .parse::<i64>()
                .ok()
                .filter(|n| (*low..=*high).contains(n))
                .map(|_| 2),
            Pattern::Digits(code) => (code.len() == value.len()
                && code
                    .chars()
                    .zip(value.chars())
                    .all(|(p, c)| if p == 'x' { c.is_ascii_digit() } else { p == c }))
            .then_some(2),
            Pattern::Any => Some(1),
        }
    }
}

fn crate_is_null(value: &str) -> bool {
    spamwhy_headers::microsoft::is_null(value)
}

#[derive(Debug)]
struct Row {
    field: String,
    pattern: Pattern,
    cause: Option<&'static str>,
    status: Status,
    meaning: &'static str,
    /// The row as a rule (`FIELD:VALUE`), for the diagnosis.
    info: RuleInfo,
}

fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        // field value cause status meaning
        tsv_rows(TABLE)
            .filter(|c| c.len() >= 5)
            .filter_map(|c| {
                let status = Status::parse(c[3])?;
                let cause = (!c[2].is_empty()).then_some(c[2]);
                Some(Row {
                    field: c[0].to_owned(),
                    pattern: Pattern::parse(c[1]),
                    cause,
                    status,
                    meaning: c[4],
                    info: RuleInfo {
                        name: format!("{}:{}", c[0], c[1]),
                        cause: cause.unwrap_or("unknown").to_owned(),
                        meaning: c[4].to_owned(),
                        default_score: None,
                        kind: Some(status.id().to_owned()),
                    },
                })
            })
            .collect()
    })
}

/// The most specific row for a field and value. `(null)` falls back to the `(empty)` row.
fn best_row(field: &str, value: &str) -> Option<&'static Row> {
    rows()
        .iter()
        .filter(|row| row.field.eq_ignore_ascii_case(field))
        .filter_map(|row| row.pattern.rank(value).map(|rank| (rank, row)))
        .max_by_key(|(rank, _)| *rank)
        .map(|(_, row)| row)
}

/// What a field's value means, when the table knows the field.
pub fn translate(field: &str, value: &str) -> Option<Translation> {
    let row = best_row(field, value)?;
    Some(Translation {
        meaning: row.meaning.replace("{value}", value.trim()),
        cause: row.cause,
        status: row.status,
    })
}

/// The rule name the evidence uses for a fact: `FIELD:VALUE`, an empty value written
/// `(empty)` (`PTR:(empty)`).
pub fn rule_name(field: &str, value: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        format!("{field}:(empty)")
    } else {
        format!("{field}:{value}")
    }
}

/// Splits a rule name back into field and value: `SFV:SPM`, `PTR:(empty)`, or the way
/// Authentication-Results writes a result with a reason code, `compauth=fail reason=001`.
fn rule_key(name: &str) -> Option<(&str, &str)> {
    if let Some((method, rest)) = name.split_once('=')
        && let Some((_, code)) = rest.split_once("reason=")
    {
        return Some((method.trim(), code.trim()));
    }
    let (field, value) = name.split_once(':')?;
    Some((field, if value == "(empty)" { "" } else { value }))
}

/// What a fact written as a rule name (`SFV:SPM`, `PTR:(empty)`,
/// `compauth=fail reason=001`) means, whether or not it points to a cause.
pub fn translate_rule(name: &str) -> Option<Translation> {
    let (field, value) = rule_key(name)?;
    translate(field, value)
}

/// The table row behind a rule name, as the diagnosis reads rules. Only rows that name a
/// cause are rules.
pub(super) fn rule_info(name: &str) -> Option<&'static RuleInfo> {
    let (field, value) = rule_key(name)?;
    best_row(field, value)
        .filter(|row| row.cause.is_some())
        .map(|row| &row.info)
}

/// Every row's cause, field and value pattern, for the catalogue checks.
#[cfg(test)]
pub(super) fn row_causes() -> impl Iterator<Item = (&'static str, &'static str)> {
    rows()
        .iter()
        .filter_map(|row| row.cause.map(|cause| (row.info.name.as_str(), cause)))
}

/// How many rows the table has.
pub fn len() -> usize {
    rows().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses() {
        let lines = tsv_rows(TABLE).count();
        assert_eq!(len(), lines, "a row has a bad status or too few columns");
        assert!(len() >= 140);
    }

    #[test]
    fn exact_beats_range_beats_any() {
        let t = translate("SFV", "SPM").unwrap();
        assert_eq!(t.status, Status::Documented);
        assert_eq!(t.cause, None);
        assert_eq!(translate("CAT", "SPOOF").unwrap().cause, Some("dmarc"));
        assert_eq!(translate("BCL", "7").unwrap().cause, Some("bulk"));
        assert!(translate("BCL", "7").unwrap().meaning.contains("level 7"));
        assert_eq!(translate("BCL", "2").unwrap().cause, None);
        assert_eq!(translate("SCL", "-1").unwrap().cause, Some("allowlisted"));
        let any = translate("CIP", "192.0.2.1").unwrap();
        assert!(any.meaning.ends_with("192.0.2.1."), "{}", any.meaning);
        assert!(
            translate("CIP", "255.255.255.255")
                .unwrap()
                .meaning
                .contains("inside")
        );
        assert_eq!(translate("sfv", "spm"), translate("SFV", "SPM"));
        assert_eq!(translate("NOPE", "1"), None);
    }

    #[test]
    fn empty_and_null() {
        let empty = translate("PTR", "").unwrap();
        assert_eq!(empty.cause, Some("reverse-dns"));
        assert_eq!(translate("PTR", "(null)"), Some(empty));
        assert_eq!(
            translate("PTR", "mail.example.com").unwrap().cause,
            None,
            "a PTR name is no problem"
        );
    }

    #[test]
    fn compauth_codes() {
        assert_eq!(translate("compauth", "001").unwrap().cause, Some("dmarc"));
        assert!(
            translate("compauth", "001")
                .unwrap()
                .meaning
                .contains("DMARC")
        );
        assert_eq!(translate("compauth", "000").unwrap().cause, Some("dmarc"));
        assert_eq!(
            translate("compauth", "002").unwrap().cause,
            Some("recipient-policy")
        );
        assert_eq!(translate("compauth", "130").unwrap().cause, None);
        assert!(
            translate("compauth", "703")
                .unwrap()
                .meaning
                .contains("passed")
        );
        assert!(
            translate("compauth", "2a1")
                .unwrap()
                .meaning
                .contains("not document")
        );
        assert_eq!(translate("compauth", "601").unwrap().cause, Some("dmarc"));
    }

    #[test]
    fn rules_are_rows_with_causes() {
        assert_eq!(rule_info("CAT:SPOOF").unwrap().cause, "dmarc");
        assert_eq!(rule_info("PTR:(empty)").unwrap().cause, "reverse-dns");
        assert_eq!(
            rule_info("compauth=fail reason=001").unwrap().cause,
            "dmarc"
        );
        assert_eq!(rule_info("BCL:8").unwrap().cause, "bulk");
        assert!(rule_info("SFV:NSPM").is_none());
        assert!(rule_info("garbage").is_none());
        assert_eq!(rule_name("PTR", " "), "PTR:(empty)");
        assert_eq!(rule_name("SFV", "SPM"), "SFV:SPM");
    }

    /// Every field and value Microsoft's anti-spam header documentation describes has a
    /// documented row of its own.
    #[test]
    fn every_documented_forefront_value_is_translated() {
        let documented = [
            ("ARC", "AAR;AMS;AS"),
            ("CIP", "192.0.2.1"),
            ("CIP", "2001:db8::1"),
            ("CTRY", "NL"),
            ("H", "mail.example.com"),
            ("IPV", "CAL"),
            ("IPV", "NLI"),
            ("LANG", "en"),
            ("PTR", "mail.example.com"),
            ("PTR", ""),
            ("SCL", "-1"),
            ("SCL", "1"),
            ("SCL", "5"),
            ("SCL", "9"),
            ("SFTY", "9.19"),
            ("SFTY", "9.20"),
            ("SFTY", "9.25"),
            ("SRV", "BULK"),
            ("X-CustomSpam", "Web bug"),
            ("BCL", "0"),
            ("BCL", "5"),
            ("BCL", "9"),
        ];
        let sfv = [
            "BLK", "NSPM", "SFE", "SKA", "SKB", "SKI", "SKN", "SKQ", "SKS", "SPM",
        ];
        let cat = [
            "BULK", "DIMP", "GIMP", "HPHSH", "HPHISH", "HSPM", "MALW", "PHSH", "SPM", "SPOOF",
            "UIMP", "AMP", "SAP", "FTBP", "OSPM",
        ];
        let compauth = [
            "000", "001", "002", "010", "100", "701", "201", "300", "401", "901", "601",
        ];
        let all = documented
            .iter()
            .copied()
            .chain(sfv.iter().map(|v| ("SFV", *v)))
            .chain(cat.iter().map(|v| ("CAT", *v)))
            .chain(compauth.iter().map(|v| ("compauth", *v)));
        for (field, value) in all {
            let t = translate(field, value).unwrap_or_else(|| panic!("{field}:{value}"));
            assert_eq!(t.status, Status::Documented, "{field}:{value}");
            assert!(!t.meaning.contains("{value}"), "{field}:{value}");
        }
    }

    #[test]
    fn mailbox_delivery_is_inferred() {
        let j = translate("dest", "J").unwrap();
        assert_eq!(j.status, Status::Inferred);
        assert!(j.meaning.contains("Junk"));
        assert_eq!(
            translate("ENG", "(1)(2)").unwrap().status,
            Status::Undocumented
        );
    }
}
