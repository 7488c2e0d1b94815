//! The SPF record grammar (RFC 7208 §12 ABNF), checked strictly before a record is handed to
//! mail-auth, whose parser accepts some malformed records and refuses some valid ones.
//!
//! [`check`] says whether a record is valid (a syntax error makes SPF a `permerror`) and
//! returns the text mail-auth should evaluate: unknown modifiers, which RFC 7208 §6 says to
//! ignore, are left out, as are `ip4`/`ip6` mechanisms of the other address family than the
//! client's, which can never match (§5.6). Neither change can alter the result.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const MACRO_LETTERS: &str = "slodiphcrtv";
const MACRO_DELIMITERS: &str = ".-+,/_=";

/// A valid record rewritten for evaluation, or why it is invalid.
pub fn check(record: &str, client: Option<IpAddr>) -> Result<String, String> {
    let mut terms = record.split(' ');
    let version = terms.next().unwrap_or("");
    if !version.eq_ignore_ascii_case("v=spf1") {
        return Err("the record does not start with v=spf1".to_owned());
    }
    let mut kept = vec!["v=spf1".to_owned()];
    let (mut redirects, mut explanations) = (0, 0);
    for term in terms.filter(|t| !t.is_empty()) {
        if term.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
            return Err(format!("`{term}` contains a character SPF does not allow"));
        }
        if let Some((name, value)) = modifier(term) {
            match name.to_ascii_lowercase().as_str() {
                "redirect" | "exp" => {
                    domain_spec(value).map_err(|e| format!("`{term}`: {e}"))?;
                    if name.eq_ignore_ascii_case("redirect") {
                        redirects += 1;
                    } else {
                        explanations += 1;
                    }
                    kept.push(term.to_owned());
                }
                _ => macro_string(value).map_err(|e| format!("`{term}`: {e}"))?,
            }
            continue;
        }
        let body = term.strip_prefix(['+', '-', '~', '?']).unwrap_or(term);
        let (mechanism, family) = directive(body).map_err(|e| format!("`{term}`: {e}"))?;
        let never_matches =
            matches!(
                (family, client),
                (Some(Family::V4), Some(IpAddr::V6(v6))) if v6.to_ipv4_mapped().is_none()
            ) || matches!((family, client), (Some(Family::V6), Some(IpAddr::V4(_))));
        let _ = mechanism;
        if !never_matches {
            kept.push(term.to_owned());
        }
    }
    if redirects > 1 || explanations > 1 {
        return Err("a redirect= or exp= modifier appears more than once".to_owned());
    }
    Ok(kept.join(" "))
}

#[derive(Clone, Copy)]
enum Family {
    V4,
    V6,
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

/// A mechanism, checked; returns its name and, for ip4/ip6, its address family.
fn directive(body: &str) -> Result<(&str, Option<Family>), String> {
    let split = body.find([':', '/']).unwrap_or(body.len());
    let (name, rest) = body.split_at(split);
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "all" if rest.is_empty() => Ok((name, None)),
        "include" | "exists" => match rest.strip_prefix(':') {
            Some(spec) => domain_spec(spec).map(|()| (name, None)),
            None => Err(format!("{lower} needs :domain")),
        },
        "a" | "mx" => {
            let (spec, cidr) = split_cidr(rest);
            if let Some(spec) = spec.strip_prefix(':') {
                domain_spec(spec)?;
            } else if !spec.is_empty() {
                return Err("unexpected text".to_owned());
            }
            dual_cidr(cidr)?;
            Ok((name, None))
        }
        "ptr" => match rest.strip_prefix(':') {
            Some(spec) => domain_spec(spec).map(|()| (name, None)),
            None if rest.is_empty() => Ok((name, None)),
            None => Err("unexpected text".to_owned()),
        },
        "ip4" => {
            let network = rest.strip_prefix(':').ok_or("ip4 needs :address")?;
            let (address, cidr) = network
                .split_once('/')
                .map_or((network, None), |(a, c)| (a, Some(c)));
            if !is_ip4_network(address) {
                return Err(format!("`{address}` is not an IPv4 address"));
            }
            if let Some(cidr) = cidr {
                cidr_length(cidr, 32)?;
            }
            Ok((name, Some(Family::V4)))
        }
        "ip6" => {
            let network = rest.strip_prefix(':').ok_or("ip6 needs :address")?;
            // The address itself contains ':', so the prefix length follows the last '/'.
            let (address, cidr) = network
                .rsplit_once('/')
                .map_or((network, None), |(a, c)| (a, Some(c)));
            address
                .parse::<Ipv6Addr>()
                .map_err(|_| format!("`{address}` is not an IPv6 address"))?;
            if let Some(cidr) = cidr {
                cidr_length(cidr, 128)?;
            }
            Ok((name, Some(Family::V6)))
        }
        _ => Err(format!("`{name}` is not an SPF mechanism")),
    }
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

/// `[/ip4-len][//ip6-len]`.
fn dual_cidr(cidr: &str) -> Result<(), String> {
    if cidr.is_empty() {
        return Ok(());
    }
    let rest = cidr.strip_prefix('/').ok_or("bad prefix length")?;
    if let Some(v6) = rest.strip_prefix('/') {
        return cidr_length(v6, 128);
    }
    match rest.split_once("//") {
        Some((v4, v6)) => cidr_length(v4, 32).and_then(|()| cidr_length(v6, 128)),
        None => cidr_length(rest, 32),
    }
}

/// A prefix length: `0`, or a number without leading zeros up to `max`.
fn cidr_length(text: &str, max: u32) -> Result<(), String> {
    let valid = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
        && text.len() <= 3
        && text.parse::<u32>().is_ok_and(|n| n <= max);
    if valid {
        Ok(())
    } else {
        Err(format!("`/{text}` is not a prefix length of 0 to {max}"))
    }
}

/// RFC 7208's ip4-network: four decimal octets without leading zeros.
fn is_ip4_network(text: &str) -> bool {
    let octets: Vec<&str> = text.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && (*o == "0" || !o.starts_with('0'))
                && o.parse::<u8>().is_ok()
        })
        && text.parse::<Ipv4Addr>().is_ok()
}

/// `macro-string domain-end`: the name must end in `.toplabel` (optionally with a final
/// dot) or in a macro.
fn domain_spec(spec: &str) -> Result<(), String> {
    if spec.is_empty() {
        return Err("an empty domain".to_owned());
    }
    macro_string(spec)?;
    if spec.ends_with('}') {
        return Ok(());
    }
    let trimmed = spec.strip_suffix('.').unwrap_or(spec);
    let (before, toplabel) = trimmed.rsplit_once('.').ok_or("the domain has no dot")?;
    let _ = before;
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let valid_toplabel = !toplabel.is_empty()
        && toplabel.chars().all(|c| alnum(c) || c == '-')
        && !toplabel.starts_with('-')
        && !toplabel.ends_with('-')
        && (toplabel.contains('-') || toplabel.chars().any(|c| c.is_ascii_alphabetic()));
    if valid_toplabel {
        Ok(())
    } else {
        Err(format!("`{toplabel}` cannot end a domain name"))
    }
}

/// Literal characters and `%{...}`, `%%`, `%_`, `%-` macros.
fn macro_string(text: &str) -> Result<(), String> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            if !('\u{21}'..='\u{7e}').contains(&c) {
                return Err(format!("`{c}` is not allowed"));
            }
            continue;
        }
        match chars.next() {
            Some('%' | '_' | '-') => {}
            Some('{') => {
                let letter = chars.next().ok_or("an unclosed macro")?;
                if !MACRO_LETTERS.contains(letter.to_ascii_lowercase()) {
                    return Err(format!("`%{{{letter}` is not a macro letter"));
                }
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'r')) {
                    chars.next();
                }
                while chars.peek().is_some_and(|c| MACRO_DELIMITERS.contains(*c)) {
                    chars.next();
                }
                if chars.next() != Some('}') {
                    return Err("a malformed macro".to_owned());
                }
            }
            _ => return Err("`%` must start a macro (%{...}, %%, %_ or %-)".to_owned()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(record: &str) -> String {
        check(record, Some("192.0.2.1".parse().unwrap())).unwrap()
    }

    #[test]
    fn ordinary_records_pass_through() {
        assert_eq!(
            valid("v=spf1 mx a:mail.example.com ip4:192.0.2.0/24 include:_spf.example.net ~all"),
            "v=spf1 mx a:mail.example.com ip4:192.0.2.0/24 include:_spf.example.net ~all"
        );
        assert_eq!(valid("V=SPF1 -ALL"), "v=spf1 -ALL");
        assert_eq!(
            valid("v=spf1 a:foo:bar/baz.example.com"),
            "v=spf1 a:foo:bar/baz.example.com"
        );
        assert_eq!(
            valid("v=spf1 a/24//64 mx:example.com/26 exists:%{ir}.%{l1r+-}._spf.%{d} -all"),
            "v=spf1 a/24//64 mx:example.com/26 exists:%{ir}.%{l1r+-}._spf.%{d} -all"
        );
    }

    #[test]
    fn unknown_modifiers_and_other_family_ranges_are_left_out() {
        assert_eq!(
            valid("v=spf1 moo.cow-far_out=man:dog/cat ip6:2001:db8::/32 ip4:192.0.2.1 -all"),
            "v=spf1 ip4:192.0.2.1 -all"
        );
        let v6 = check(
            "v=spf1 ip4:192.0.2.1 ip6:2001:db8::/32 -all",
            Some("2001:db8::1".parse().unwrap()),
        )
        .unwrap();
        assert_eq!(v6, "v=spf1 ip6:2001:db8::/32 -all");
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
            "v=spf1 a:example.com%",
            "v=spf1 redirect=a.example redirect=b.example",
            "v=spf1 include:example.-com",
            "v=spf1 mx:example.com/24/64",
            "v=spf1 -all\u{1}",
            "v=spf10 -all",
        ] {
            assert!(check(record, None).is_err(), "{record}");
        }
    }
}
