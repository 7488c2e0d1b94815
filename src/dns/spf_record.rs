//! The SPF record grammar (RFC 7208 §12 ABNF), parsed into mail-auth's own record model
//! ([`SpfRecord`]), which mail-auth's `check_host` then evaluates. mail-auth's parser is
//! both too lenient (it accepts some malformed records, which must be a `permerror`) and
//! too strict (it refuses valid domain-specs such as `a:foo:bar/baz.example.com`, since
//! ':' and '/' are legal macro literals); parsing here to the RFC's grammar and handing
//! over typed values leaves mail-auth only the evaluation.
//!
//! Two things are left out of the parsed record because they can never change the result:
//! unknown modifiers, which RFC 7208 §6 says to ignore (the RFC 6652 reporting modifiers
//! among them), and `ip4`/`ip6` mechanisms of the other address family than the client's,
//! which can never match (§5.6; mail-auth would compare an IPv4 client with an `ip6`
//! range through its IPv4-mapped form).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use mail_auth::spf::{Directive, Macro, Mechanism, Qualifier, SpfRecord, Variable};

/// Delimiters a macro may name (`%{d2.-}`); mail-auth keeps them as a bitmask whose bit
/// `n` stands for the byte `b'+' + n`.
const MACRO_DELIMITERS: &[u8] = b".-+,/_=";

/// A record parsed for evaluation against `client`, or why it breaks the grammar (a
/// syntax error makes SPF a `permerror`, RFC 7208 §4.6).
pub fn parse(record: &str, client: Option<IpAddr>) -> Result<SpfRecord, String> {
    let mut terms = record.split(' ');
    let version = terms.next().unwrap_or("");
    if !version.eq_ignore_ascii_case("v=spf1") {
        return Err("the record does not start with v=spf1".to_owned());
    }
    let mut directives = Vec::new();
    let (mut redirect, mut explanation) = (None, None);
    for term in terms.filter(|t| !t.is_empty()) {
        if term.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
            return Err(format!("`{term}` contains a character SPF does not allow"));
        }
        let in_term = |e: String| format!("`{term}`: {e}");
        if let Some((name, value)) = modifier(term) {
            let slot = match name.to_ascii_lowercase().as_str() {
                "redirect" => &mut redirect,
                "exp" => &mut explanation,
                _ => {
                    // Ignored, but it must still be a macro-string (which may be empty).
                    if !value.is_empty() {
                        macro_string(value, Letters::Any).map_err(in_term)?;
                    }
                    continue;
                }
            };
            if slot.is_some() {
                return Err("a redirect= or exp= modifier appears more than once".to_owned());
            }
            *slot = Some(domain_spec(value).map_err(in_term)?);
            continue;
        }
        let (qualifier, body) = qualifier(term);
        if let Some(mechanism) = mechanism(body, client).map_err(in_term)? {
            directives.push(Directive::new(qualifier, mechanism));
        }
    }
    Ok(SpfRecord {
        directives: directives.into_boxed_slice(),
        exp: explanation,
        redirect,
        // RFC 6652 reporting: not used by spamwhy; mail-auth's defaults.
        ra: None,
        rp: 100,
        rr: u8::MAX,
    })
}

fn qualifier(term: &str) -> (Qualifier, &str) {
    let qualifier = match term.as_bytes()[0] {
        b'+' => Qualifier::Pass,
        b'-' => Qualifier::Fail,
        b'~' => Qualifier::SoftFail,
        b'?' => Qualifier::Neutral,
        _ => return (Qualifier::Pass, term),
    };
    (qualifier, &term[1..])
}

/// `name=value` when the term is a modifier (a name, then `=` before any `:` or `/`).
fn modifier(term: &str) -> Option<(&str, &str)> {
    let (name, value) = term.split_once('=')?;
    let is_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    is_name.then_some((name, value))
}

/// A mechanism; `None` for an `ip4`/`ip6` range of the other family than the client's.
fn mechanism(body: &str, client: Option<IpAddr>) -> Result<Option<Mechanism>, String> {
    let split = body.find([':', '/']).unwrap_or(body.len());
    let (name, rest) = body.split_at(split);
    let lower = name.to_ascii_lowercase();
    let target = |rest: &str| match rest.strip_prefix(':') {
        Some(spec) => domain_spec(spec),
        None => Err(format!("{lower} needs :domain")),
    };
    let mechanism = match lower.as_str() {
        "all" if rest.is_empty() => Mechanism::All,
        "include" => Mechanism::Include {
            macro_string: target(rest)?,
        },
        "exists" => Mechanism::Exists {
            macro_string: target(rest)?,
        },
        "a" | "mx" => {
            let (spec, cidr) = split_cidr(rest);
            let macro_string = match spec.strip_prefix(':') {
                Some(spec) => domain_spec(spec)?,
                None if spec.is_empty() => Macro::None,
                None => return Err("unexpected text".to_owned()),
            };
            let (v4, v6) = dual_cidr(cidr)?;
            let (ip4_mask, ip6_mask) = (ip4_mask(v4), ip6_mask(v6));
            if lower == "a" {
                Mechanism::A {
                    macro_string,
                    ip4_mask,
                    ip6_mask,
                }
            } else {
                Mechanism::Mx {
                    macro_string,
                    ip4_mask,
                    ip6_mask,
                }
            }
        }
        "ptr" => Mechanism::Ptr {
            macro_string: match rest.strip_prefix(':') {
                Some(spec) => domain_spec(spec)?,
                None if rest.is_empty() => Macro::None,
                None => return Err("unexpected text".to_owned()),
            },
        },
        "ip4" => {
            let network = rest.strip_prefix(':').ok_or("ip4 needs :address")?;
            let (address, cidr) = network
                .split_once('/')
                .map_or((network, None), |(a, c)| (a, Some(c)));
            let addr = ip4_network(address).ok_or(format!("`{address}` is not an IPv4 address"))?;
            let length = cidr.map_or(Ok(32), |c| cidr_length(c, 32))?;
            if matches!(client, Some(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none()) {
                return Ok(None);
            }
            Mechanism::Ip4 {
                addr,
                mask: ip4_mask(length),
            }
        }
        "ip6" => {
            let network = rest.strip_prefix(':').ok_or("ip6 needs :address")?;
            // The address itself contains ':', so the prefix length follows the last '/'.
            let (address, cidr) = network
                .rsplit_once('/')
                .map_or((network, None), |(a, c)| (a, Some(c)));
            let addr: Ipv6Addr = address
                .parse()
                .map_err(|_| format!("`{address}` is not an IPv6 address"))?;
            let length = cidr.map_or(Ok(128), |c| cidr_length(c, 128))?;
            if matches!(client, Some(IpAddr::V4(_))) {
                return Ok(None);
            }
            Mechanism::Ip6 {
                addr,
                mask: ip6_mask(length),
            }
        }
        _ => return Err(format!("`{name}` is not an SPF mechanism")),
    };
    Ok(Some(mechanism))
}

/// Splits `:domain/24//64` into the domain part and the trailing prefix lengths. A domain
/// may itself contain `/` (`a:foo:bar/baz.example.com`): only a trailing `/digits` and
/// `//digits` are prefix lengths.
fn split_cidr(rest: &str) -> (&str, &str) {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut end = rest.len();
    if let Some(at) = rest.rfind("//").filter(|&at| digits(&rest[at + 2..])) {
        end = at;
    }
    if let Some(at) = rest[..end]
        .rfind('/')
        .filter(|&at| digits(&rest[at + 1..end]))
    {
        end = at;
    }
    rest.split_at(end)
}

/// `[/ip4-len][//ip6-len]`, defaulting to host masks.
fn dual_cidr(cidr: &str) -> Result<(u8, u8), String> {
    if cidr.is_empty() {
        return Ok((32, 128));
    }
    let rest = cidr.strip_prefix('/').ok_or("bad prefix length")?;
    if let Some(v6) = rest.strip_prefix('/') {
        return Ok((32, cidr_length(v6, 128)?));
    }
    match rest.split_once("//") {
        Some((v4, v6)) => Ok((cidr_length(v4, 32)?, cidr_length(v6, 128)?)),
        None => Ok((cidr_length(rest, 32)?, 128)),
    }
}

/// A prefix length: `0`, or a number without leading zeros up to `max`.
fn cidr_length(text: &str, max: u8) -> Result<u8, String> {
    let well_formed = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    text.parse::<u8>()
        .ok()
        .filter(|length| well_formed && *length <= max)
        .ok_or_else(|| format!("`/{text}` is not a prefix length of 0 to {max}"))
}

/// Network masks as mail-auth compares them: the top `length` bits set.
fn ip4_mask(length: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(length)).unwrap_or(0)
}

fn ip6_mask(length: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(length)).unwrap_or(0)
}

/// RFC 7208's ip4-network: four decimal octets without leading zeros.
fn ip4_network(text: &str) -> Option<Ipv4Addr> {
    let octets: Vec<&str> = text.split('.').collect();
    let well_formed = octets.len() == 4
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && (*o == "0" || !o.starts_with('0'))
        });
    well_formed.then(|| text.parse().ok()).flatten()
}

/// `macro-string domain-end`: the name must end in `.toplabel` (optionally with a final
/// dot) or in a macro.
fn domain_spec(spec: &str) -> Result<Macro, String> {
    if spec.is_empty() {
        return Err("an empty domain".to_owned());
    }
    let parsed = macro_string(spec, Letters::DomainSpec)?;
    if spec.ends_with('}') {
        return Ok(parsed);
    }
    let trimmed = spec.strip_suffix('.').unwrap_or(spec);
    let (_, toplabel) = trimmed.rsplit_once('.').ok_or("the domain has no dot")?;
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let valid_toplabel = !toplabel.is_empty()
        && toplabel.chars().all(|c| alnum(c) || c == '-')
        && !toplabel.starts_with('-')
        && !toplabel.ends_with('-')
        && (toplabel.contains('-') || toplabel.chars().any(|c| c.is_ascii_alphabetic()));
    if valid_toplabel {
        Ok(parsed)
    } else {
        Err(format!("`{toplabel}` cannot end a domain name"))
    }
}

/// Which macro letters a macro-string may use: `c`, `r` and `t` belong to explanation
/// text only (RFC 7208 §7.3), so a domain-spec using them is a syntax error.
#[derive(Clone, Copy, PartialEq)]
enum Letters {
    DomainSpec,
    Any,
}

fn variable(letter: u8, letters: Letters) -> Option<Variable> {
    Some(match letter.to_ascii_lowercase() {
        b's' => Variable::Sender,
        b'l' => Variable::SenderLocalPart,
        b'o' => Variable::SenderDomainPart,
        b'd' => Variable::Domain,
        b'i' => Variable::Ip,
        b'p' => Variable::ValidatedDomain,
        b'v' => Variable::IpVersion,
        b'h' => Variable::HeloDomain,
        b'c' if letters == Letters::Any => Variable::SmtpIp,
        b'r' if letters == Letters::Any => Variable::HostDomain,
        b't' if letters == Letters::Any => Variable::CurrentTime,
        _ => return None,
    })
}

/// Literal characters and `%{...}`, `%%`, `%_`, `%-` macros, as mail-auth's model: one
/// part on its own, several as a list.
fn macro_string(text: &str, letters: Letters) -> Result<Macro, String> {
    let mut parts = Vec::new();
    let mut literal = Vec::new();
    let mut bytes = text.bytes().peekable();
    while let Some(byte) = bytes.next() {
        if byte != b'%' {
            literal.push(byte);
            continue;
        }
        match bytes.next() {
            Some(b'%') => literal.push(b'%'),
            Some(b'_') => literal.push(b' '),
            Some(b'-') => literal.extend_from_slice(b"%20"),
            Some(b'{') => {
                let letter = bytes.next().ok_or("an unclosed macro")?;
                let variable = variable(letter, letters)
                    .ok_or_else(|| format!("`%{{{}` is not a macro letter here", letter as char))?;
                let mut num_parts: u32 = 0;
                while let Some(digit) = bytes.next_if(u8::is_ascii_digit) {
                    num_parts = num_parts
                        .saturating_mul(10)
                        .saturating_add(u32::from(digit - b'0'));
                }
                let reverse = bytes.next_if(|b| b.eq_ignore_ascii_case(&b'r')).is_some();
                let mut delimiters = 0u64;
                while let Some(delimiter) = bytes.next_if(|b| MACRO_DELIMITERS.contains(b)) {
                    delimiters |= 1 << (delimiter - b'+');
                }
                if bytes.next() != Some(b'}') {
                    return Err("a malformed macro".to_owned());
                }
                if !literal.is_empty() {
                    parts.push(Macro::Literal(std::mem::take(&mut literal).into()));
                }
                parts.push(Macro::Variable {
                    letter: variable,
                    num_parts,
                    reverse,
                    escape: letter.is_ascii_uppercase(),
                    delimiters: if delimiters == 0 {
                        1 << (b'.' - b'+')
                    } else {
                        delimiters
                    },
                });
            }
            _ => return Err("`%` must start a macro (%{...}, %%, %_ or %-)".to_owned()),
        }
    }
    if !literal.is_empty() {
        parts.push(Macro::Literal(literal.into()));
    }
    match parts.len() {
        0 => Err("an empty domain".to_owned()),
        1 => Ok(parts.remove(0)),
        _ => Ok(Macro::List(parts.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_auth::dns::TxtRecordParser;

    const V4_CLIENT: Option<IpAddr> = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));

    fn parsed(record: &str) -> SpfRecord {
        parse(record, V4_CLIENT).unwrap()
    }

    /// Where mail-auth's parser is right, both parsers give the same record.
    #[test]
    fn agrees_with_mail_auth_on_real_world_records() {
        for record in [
            "v=spf1 mx a:mail.example.com ip4:192.0.2.0/24 include:_spf.example.net ~all",
            "v=spf1 include:_spf.google.com include:spf.protection.outlook.com -all",
            "v=spf1 ip4:198.51.100.0/22 ip4:203.0.113.7 a mx ?all",
            "v=spf1 a/24 mx:example.com/26 ptr:example.org -all",
            "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all",
            "v=spf1 include:%{ir}.%{v}.%{d}.spf.has.pphosted.com ~all",
            "v=spf1 -exists:%{i}.sbl.example.com redirect=_spf.example.com",
            "v=spf1 -all exp=explain._spf.%{d}",
            "V=SPF1 +A -ALL",
            "v=spf1 exists:%{D2}.%{S}.example.com",
        ] {
            let ours = parsed(record);
            let theirs = SpfRecord::parse(record.as_bytes()).unwrap();
            assert_eq!(ours, theirs, "{record}");
        }
    }

    #[test]
    fn domain_specs_with_colons_and_slashes_are_valid() {
        let record = parsed("v=spf1 a:foo:bar/baz.example.com mx:foo:bar/baz.example.com/24");
        assert_eq!(
            record.directives[0].mechanism,
            Mechanism::A {
                macro_string: Macro::Literal(b"foo:bar/baz.example.com".as_slice().into()),
                ip4_mask: u32::MAX,
                ip6_mask: u128::MAX,
            }
        );
        assert_eq!(
            record.directives[1].mechanism,
            Mechanism::Mx {
                macro_string: Macro::Literal(b"foo:bar/baz.example.com".as_slice().into()),
                ip4_mask: 0xffff_ff00,
                ip6_mask: u128::MAX,
            }
        );
    }

    #[test]
    fn prefix_lengths_become_masks() {
        let record = parsed("v=spf1 a//0 mx/0 ip4:10.0.0.0/8 a/32//64");
        let masks: Vec<(u32, u128)> = record
            .directives
            .iter()
            .map(|d| match &d.mechanism {
                Mechanism::A {
                    ip4_mask, ip6_mask, ..
                }
                | Mechanism::Mx {
                    ip4_mask, ip6_mask, ..
                } => (*ip4_mask, *ip6_mask),
                Mechanism::Ip4 { mask, .. } => (*mask, 0),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            masks,
            [
                (u32::MAX, 0),
                (0, u128::MAX),
                (0xff00_0000, 0),
                (u32::MAX, u128::MAX << 64)
            ]
        );
    }

    #[test]
    fn macro_escapes_become_literals() {
        let record = parsed("v=spf1 a:macro%%percent%_%_space%-url-space.example.com");
        assert_eq!(
            record.directives[0].mechanism,
            Mechanism::A {
                macro_string: Macro::Literal(
                    b"macro%percent  space%20url-space.example.com"
                        .as_slice()
                        .into()
                ),
                ip4_mask: u32::MAX,
                ip6_mask: u128::MAX,
            }
        );
    }

    #[test]
    fn unknown_modifiers_and_other_family_ranges_are_left_out() {
        let record =
            parsed("v=spf1 moo.cow-far_out=man:dog/cat ip6:2001:db8::/32 ip4:192.0.2.1 rp=5 -all");
        assert_eq!(
            record,
            SpfRecord::parse(b"v=spf1 ip4:192.0.2.1 -all").unwrap()
        );
        let v6 = parse(
            "v=spf1 ip4:192.0.2.1 ip6:2001:db8::/32 -all",
            Some("2001:db8::1".parse().unwrap()),
        )
        .unwrap();
        assert_eq!(
            v6,
            SpfRecord::parse(b"v=spf1 ip6:2001:db8::/32 -all").unwrap()
        );
        // An IPv4-mapped client keeps the IPv4 ranges.
        let mapped = parse(
            "v=spf1 ip4:192.0.2.1 -all",
            Some("::ffff:192.0.2.1".parse().unwrap()),
        );
        assert_eq!(mapped.unwrap().directives.len(), 2);
    }

    #[test]
    fn syntax_errors_are_found() {
        for record in [
            "v=spf1 ip4:1.2.3.4/33 -all",
            "v=spf1 ip4:01.2.3.4 -all",
            "v=spf1 ip6:::1/129",
            "v=spf1 include:foo -all",
            "v=spf1 a:foo.example/032",
            "v=spf1 foo:bar",
            "v=spf1 exists:%{x}.example.com",
            "v=spf1 -include:%{c}.example.com",
            "v=spf1 a:example.com%",
            "v=spf1 redirect=a.example redirect=b.example",
            "v=spf1 include:example.-com",
            "v=spf1 mx:example.com/24/64",
            "v=spf1 exists:",
            "v=spf1 -all:foobar",
            "v=spf1 -all\u{1}",
            "v=spf10 -all",
        ] {
            assert!(parse(record, None).is_err(), "{record}");
        }
    }

    #[test]
    fn explanation_only_letters_are_allowed_in_unknown_modifiers() {
        assert!(parse("v=spf1 -all moo=%{c}%{r}%{t} empty=", None).is_ok());
    }

    proptest::proptest! {
        /// Any record text is parsed or refused with a reason, never a panic.
        #[test]
        fn any_record_parses_or_fails_cleanly(
            record in "v=spf1( [-+~?]?(a|mx|ptr|ip4|ip6|exists|include|all|redirect=|exp=|[a-z]+=)?[:/]?[a-z0-9.:/%{}_=-]{0,20}){0,8}",
            v6 in proptest::bool::ANY,
        ) {
            let client: IpAddr = if v6 { "2001:db8::1".parse().unwrap() } else { "192.0.2.1".parse().unwrap() };
            let _ = parse(&record, Some(client));
        }
    }
}
