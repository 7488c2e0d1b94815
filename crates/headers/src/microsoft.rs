//! Microsoft 365 / Exchange Online Protection (EOP) / Outlook.com header fields.
//!
//! Microsoft writes its verdicts as `KEY:value` pairs separated by `;`:
//! `X-Forefront-Antispam-Report` (and the `-Untrusted` copy another tenant's EOP leaves),
//! `X-Microsoft-Antispam` (`BCL:0;ARA:...`), `X-Microsoft-Antispam-Mailbox-Delivery`
//! (`dest:J;RF:JunkEmail;...`), the older `X-Exchange-Antispam-Report-CFA-Test`
//! (`BCL:1;PCL:0;RULEID:(...)`) and Exchange's own `X-MS-Exchange-Organization-Antispam-Report`.
//! One list grammar reads them all:
//!
//! - values may hold `:` (an IPv6 `CIP:2a01:111:f403::712`), so a pair splits at its first
//!   colon only;
//! - values may be parenthesised lists (`SFS:(13230040)(366016)`, `ENG:(910005)(944506478)`),
//!   and a `;` inside parentheses does not end the pair;
//! - values may be empty (`PTR:`) or the literal `(null)`, and junk such as `(null)` may stand
//!   between pairs with no key at all (`UIP:(null);(null);(null)SFV:SKI`): it is kept as a
//!   stray piece, and the key glued to it is still read;
//! - keys repeat (`SFTY:9.19` twice in one header) and the final `;` may be missing.
//!
//! Fields are kept in order as written; the accessors read the first occurrence of a key.
//! Nothing here says what a value means: that is knowledge, kept as data by the caller.

use std::net::IpAddr;

use crate::error::ParseError;
use crate::lex::collapse_whitespace;

/// One `KEY:value` pair as written (value with folding collapsed, possibly empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AntispamField {
    pub key: String,
    pub value: String,
}

/// A `;`-separated list of `KEY:value` pairs, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AntispamList {
    pub fields: Vec<AntispamField>,
    /// Pieces between separators that are not `KEY:value` (`(null)`), verbatim.
    pub stray: Vec<String>,
}

impl AntispamList {
    /// The value of the first field with this key (keys compare case-insensitively).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.key.eq_ignore_ascii_case(key))
            .map(|f| f.value.as_str())
    }

    /// Every value of this key, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |f| f.key.eq_ignore_ascii_case(key))
            .map(|f| f.value.as_str())
    }

    /// The first value of this key that says something: not empty, not `(null)`.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.key.eq_ignore_ascii_case(key) && !is_null(&f.value))
            .map(|f| f.value.as_str())
    }

    /// The first value of this key read as a whole number (`SCL:-1`, `BCL:7`).
    pub fn number(&self, key: &str) -> Option<i32> {
        self.value(key).and_then(|v| v.trim().parse().ok())
    }

    /// `SCL`: the spam confidence level, -1 to 9.
    pub fn scl(&self) -> Option<i32> {
        self.number("SCL").filter(|n| (-1..=9).contains(n))
    }

    /// `BCL`: the bulk complaint level, 0 to 9.
    pub fn bcl(&self) -> Option<i32> {
        self.number("BCL").filter(|n| (0..=9).contains(n))
    }

    /// `PCL`: the phishing confidence level, 0 to 8.
    pub fn pcl(&self) -> Option<i32> {
        self.number("PCL").filter(|n| (0..=9).contains(n))
    }

    /// `CIP`: the address that connected to Microsoft's edge, IPv4 or IPv6.
    pub fn cip(&self) -> Option<IpAddr> {
        self.value("CIP").and_then(parse_ip)
    }

    /// `SFV`: the spam filter's verdict (`SPM`, `NSPM`, `SKS`...).
    pub fn sfv(&self) -> Option<&str> {
        self.value("SFV")
    }

    /// `DIR`: the direction (`INB`, `OUT`, `INT`).
    pub fn direction(&self) -> Option<&str> {
        self.value("DIR")
    }

    /// `dest` of Mailbox-Delivery: the folder letter (`I`, `J`).
    pub fn destination(&self) -> Option<&str> {
        self.value("dest")
    }
}

/// True for a value that says nothing: empty, or Microsoft's literal `(null)`.
pub fn is_null(value: &str) -> bool {
    let v = value.trim();
    v.is_empty() || v.eq_ignore_ascii_case("(null)")
}

/// The items of a parenthesised list: `(13230040)(366016)` → `["13230040", "366016"]`.
/// Text outside parentheses is ignored; an unclosed last item is kept.
pub fn paren_items(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        match after.find(')') {
            Some(close) => {
                out.push(after[..close].trim());
                rest = &after[close + 1..];
            }
            None => {
                out.push(after.trim());
                break;
            }
        }
    }
    out.retain(|item| !item.is_empty());
    out
}

/// Parses `X-Forefront-Antispam-Report` or `X-Forefront-Antispam-Report-Untrusted`:
/// `CIP:192.0.2.1;CTRY:NL;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.example;PTR:;CAT:SPM;
/// SFS:(...);DIR:INB;`.
pub fn parse_forefront_report(value: &str) -> Result<AntispamList, ParseError> {
    parse_list(value)
}

/// Parses `X-Microsoft-Antispam` (`BCL:0;ARA:13230040|366016;`, sometimes `PCL:`), and its
/// `-Untrusted` copy.
pub fn parse_microsoft_antispam(value: &str) -> Result<AntispamList, ParseError> {
    parse_list(value)
}

/// Parses `X-Microsoft-Antispam-Mailbox-Delivery`:
/// `ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(...);RF:JunkEmail;`.
pub fn parse_mailbox_delivery(value: &str) -> Result<AntispamList, ParseError> {
    parse_list(value)
}

/// Parses the older EOP `X-Exchange-Antispam-Report-CFA-Test`
/// (`BCL:1;PCL:0;RULEID:(444111366)(82015058);SRVR:BN3NAM01HT179;`) and Exchange's
/// `X-MS-Exchange-Organization-Antispam-Report`, which use the same list form.
pub fn parse_cfa_test(value: &str) -> Result<AntispamList, ParseError> {
    parse_list(value)
}

/// Parses `X-MS-Exchange-Organization-SCL` (and `X-MS-Exchange-Organization-PCL`): a whole
/// number from -1 to 9.
pub fn parse_scl(value: &str) -> Result<i32, ParseError> {
    let text = collapse_whitespace(value);
    let number: i32 = text
        .parse()
        .map_err(|_| ParseError::new(format!("expected a number from -1 to 9, found `{text}`")))?;
    if (-1..=9).contains(&number) {
        Ok(number)
    } else {
        Err(ParseError::new(format!(
            "expected a number from -1 to 9, found {number}"
        )))
    }
}

/// The shared list grammar. Fails only when not one `KEY:value` pair is there.
fn parse_list(value: &str) -> Result<AntispamList, ParseError> {
    let mut list = AntispamList::default();
    for piece in split_pairs(value) {
        let piece = collapse_whitespace(piece);
        if piece.is_empty() {
            continue;
        }
        match split_key(&piece) {
            Some((junk, key, value)) => {
                if !junk.is_empty() {
                    list.stray.push(junk.to_owned());
                }
                list.fields.push(AntispamField {
                    key: key.to_owned(),
                    value: value.trim().to_owned(),
                });
            }
            None => list.stray.push(piece),
        }
    }
    if list.fields.is_empty() {
        return Err(ParseError::new(
            "expected `KEY:value` pairs separated by `;`",
        ));
    }
    Ok(list)
}

/// Splits on `;` outside parentheses. An unclosed `(` runs to the end of the value.
fn split_pairs(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0usize;
    for (pos, c) in value.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                out.push(&value[start..pos]);
                start = pos + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
}

/// `KEY:value` → (junk before the key, key, value). The key is the run of key characters
/// just before the first colon; anything before that run (such as `(null)`) is junk.
fn split_key(piece: &str) -> Option<(&str, &str, &str)> {
    let colon = piece.find(':')?;
    let before = &piece[..colon];
    let key_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_key_char(*c))
        .last()
        .map(|(i, _)| i)?;
    let key = &before[key_start..];
    if !key.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((before[..key_start].trim(), key, &piece[colon + 1..]))
}

fn parse_ip(text: &str) -> Option<IpAddr> {
    text.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pairs(list: &AntispamList) -> Vec<(&str, &str)> {
        list.fields
            .iter()
            .map(|f| (f.key.as_str(), f.value.as_str()))
            .collect()
    }

    // headers.md section 6: microsoft/MHA ForefrontAntispam.test.ts.
    #[test]
    fn mha_forefront_example() {
        let r = parse_forefront_report(
            "CIP:208.75.123.162;CTRY:US;LANG:en;SCL:0;SRV:;IPV:NLI;SFV:NSPM;H:ccm27.constantcontact.com;PTR:ccm27.constantcontact.com;CAT:NONE;SFTY:;SFS:;DIR:INB;SFP:;",
        )
        .unwrap();
        assert_eq!(r.fields.len(), 14);
        assert_eq!(r.cip(), Some("208.75.123.162".parse().unwrap()));
        assert_eq!(r.get("CTRY"), Some("US"));
        assert_eq!(r.scl(), Some(0));
        assert_eq!(r.get("SRV"), Some(""));
        assert_eq!(r.value("SRV"), None);
        assert_eq!(r.sfv(), Some("NSPM"));
        assert_eq!(r.get("H"), Some("ccm27.constantcontact.com"));
        assert_eq!(r.direction(), Some("INB"));
        assert!(r.stray.is_empty());
    }

    // MHA Table.test.ts: SFS list, DIR:INT, no final SFTY.
    #[test]
    fn mha_table_example_and_antispam() {
        let r = parse_forefront_report(
            "CIP:255.255.255.255;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:something.example.com;PTR:;CAT:NONE;SFS:(13230040)(366016)(4022899009)(41050700001);DIR:INT;",
        )
        .unwrap();
        assert_eq!(
            paren_items(r.get("SFS").unwrap()),
            ["13230040", "366016", "4022899009", "41050700001"]
        );
        assert_eq!(r.direction(), Some("INT"));
        assert_eq!(r.get("PTR"), Some(""));
        let a =
            parse_microsoft_antispam("BCL:0;ARA:13230040|366016|4022899009|41050700001;").unwrap();
        assert_eq!(a.bcl(), Some(0));
        assert_eq!(a.get("ARA"), Some("13230040|366016|4022899009|41050700001"));
    }

    // decode-spam-headers README: SFTY twice, CAT:DIMP.
    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let r = parse_forefront_report(
            "CIP:209.85.167.100;CTRY:US;LANG:de;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail-lf1-f100.google.com;PTR:mail-lf1-f100.google.com;CAT:DIMP;SFTY:9.19;SFS:(4636009)(956004)(43540500002);DIR:INB;SFTY:9.19;",
        )
        .unwrap();
        assert_eq!(r.get_all("SFTY").collect::<Vec<_>>(), ["9.19", "9.19"]);
        assert_eq!(r.get("CAT"), Some("DIMP"));
        assert_eq!(r.fields.last().unwrap().key, "SFTY");
    }

    #[test]
    fn ipv6_cip_and_missing_final_semicolon() {
        let r = parse_forefront_report(
            "CIP:2a01:111:f403:2613::712;CTRY:;LANG:en;SCL:5;SFV:SPM;CAT:SPOOF;DIR:INB",
        )
        .unwrap();
        assert_eq!(r.cip(), Some("2a01:111:f403:2613::712".parse().unwrap()));
        assert_eq!(r.direction(), Some("INB"));
        assert_eq!(r.get("CAT"), Some("SPOOF"));
    }

    #[test]
    fn null_values_and_stray_pieces() {
        let r = parse_forefront_report("UIP:(null);(null);(null)SFV:SKI;SCL:(null);").unwrap();
        assert_eq!(
            pairs(&r),
            [("UIP", "(null)"), ("SFV", "SKI"), ("SCL", "(null)")]
        );
        assert_eq!(r.stray, ["(null)", "(null)"]);
        assert_eq!(r.value("UIP"), None);
        assert_eq!(r.scl(), None);
        assert!(is_null("(null)") && is_null(" ") && !is_null("0"));
    }

    // headers.md: MHA HeaderModel.test.ts and issue #299.
    #[test]
    fn mailbox_delivery_forms() {
        let r = parse_mailbox_delivery(
            "abwl:0;wl:0;pcwl:0;kl:0;iwl:0;ijl:0;dwl:0;dkl:0;rwl:0;ex:0;auth:1;dest:I;ENG:(400001000128)(400125000095)(5062000261);",
        )
        .unwrap();
        assert_eq!(r.destination(), Some("I"));
        assert_eq!(r.number("auth"), Some(1));
        assert_eq!(paren_items(r.get("ENG").unwrap()).len(), 3);
        let r = parse_mailbox_delivery(
            "ucf:0;jmr:0;ex:1;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(910001)(944506478)(944626604)(920097)(890001)(250001)(435001)(930097)(3100021);RF:JunkEmail;",
        )
        .unwrap();
        assert_eq!(r.destination(), Some("J"));
        assert_eq!(r.get("OFR"), Some("SpamFilterAuthJ"));
        assert_eq!(r.get("RF"), Some("JunkEmail"));
    }

    #[test]
    fn folded_values_and_semicolons_inside_parentheses() {
        let r = parse_forefront_report(
            "CIP:192.0.2.1;CTRY:NL;\n SFS:(1;2)(3)\n\t(4);SCL:5;\n DIR:INB;",
        )
        .unwrap();
        assert_eq!(r.get("SFS"), Some("(1;2)(3) (4)"));
        assert_eq!(paren_items(r.get("SFS").unwrap()), ["1;2", "3", "4"]);
        assert_eq!(r.scl(), Some(5));
    }

    #[test]
    fn older_cfa_test_and_scl_header() {
        let r =
            parse_cfa_test("BCL:1;PCL:0;RULEID:(444111366)(82015058);SRVR:BN3NAM01HT179;").unwrap();
        assert_eq!((r.bcl(), r.pcl()), (Some(1), Some(0)));
        assert_eq!(r.get("SRVR"), Some("BN3NAM01HT179"));
        assert_eq!(parse_scl(" 5\n").unwrap(), 5);
        assert_eq!(parse_scl("-1").unwrap(), -1);
        assert!(parse_scl("10").is_err());
        assert!(parse_scl("high").is_err());
        assert!(parse_scl("").is_err());
    }

    #[test]
    fn not_a_list() {
        assert!(parse_forefront_report("").is_err());
        assert!(parse_forefront_report(" ;;; ").is_err());
        assert!(parse_forefront_report("(null);(null)").is_err());
        assert!(parse_forefront_report("just words").is_err());
        assert!(parse_forefront_report(":value").is_err());
        // A key must start with a letter.
        assert!(parse_forefront_report("9.19:x").is_err());
    }

    #[test]
    fn out_of_range_levels_are_not_levels() {
        let r = parse_microsoft_antispam("BCL:12;PCL:-3;SCL:99").unwrap();
        assert_eq!((r.bcl(), r.pcl(), r.scl()), (None, None, None));
        assert_eq!(r.get("BCL"), Some("12"));
    }

    #[test]
    fn paren_items_edge_cases() {
        assert!(paren_items("").is_empty());
        assert_eq!(paren_items("()(a)(b"), ["a", "b"]);
        assert_eq!(paren_items("x(1)y(2)"), ["1", "2"]);
    }

    #[test]
    fn long_values_are_linear() {
        let value = "SFS:(1)".to_owned() + &"(12345)".repeat(50_000) + ";SCL:1;";
        let r = parse_forefront_report(&value).unwrap();
        assert_eq!(paren_items(r.get("SFS").unwrap()).len(), 50_001);
        assert_eq!(r.scl(), Some(1));
        let many = "A:1;".repeat(50_000);
        assert_eq!(parse_forefront_report(&many).unwrap().fields.len(), 50_000);
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = parse_forefront_report(&s);
            let _ = parse_microsoft_antispam(&s);
            let _ = parse_mailbox_delivery(&s);
            let _ = parse_cfa_test(&s);
            let _ = parse_scl(&s);
            let _ = paren_items(&s);
        }

        #[test]
        fn never_panics_on_headerish_text(s in "[A-Za-z0-9:;()., \t\n|-]{0,300}") {
            if let Ok(list) = parse_forefront_report(&s) {
                let _ = (list.scl(), list.cip(), list.sfv(), list.direction());
            }
        }

        #[test]
        fn round_trips(
            fields in prop::collection::vec(
                ("[A-Z][A-Za-z0-9]{0,5}", prop_oneof![
                    Just(String::new()),
                    Just("(null)".to_owned()),
                    "[A-Za-z0-9.|-]{1,12}",
                    "(\\([0-9]{1,10}\\)){1,4}",
                    Just("2a01:111:f403::712".to_owned()),
                ]),
                1..15,
            ),
            final_semicolon in any::<bool>(),
        ) {
            let mut value = fields
                .iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect::<Vec<_>>()
                .join(";");
            if final_semicolon {
                value.push(';');
            }
            let list = parse_forefront_report(&value).unwrap();
            let got: Vec<(String, String)> = list
                .fields
                .into_iter()
                .map(|f| (f.key, f.value))
                .collect();
            prop_assert_eq!(got, fields);
            prop_assert!(list.stray.is_empty());
        }

        #[test]
        fn scl_round_trips(n in -1i32..=9) {
            prop_assert_eq!(parse_scl(&n.to_string()).unwrap(), n);
        }
    }
}
