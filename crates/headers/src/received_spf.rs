//! Received-SPF (RFC 7208 section 9.1): `result [comment] key=value; key=value; ...`.
//!
//! Real stamps vary: Gmail adds only `client-ip=`, Exim writes no comment, Cloudflare and
//! OCaml's blaze add `receiver=`/`mechanism=`, Microsoft capitalises the result, and the final
//! `;` may be missing. Result words outside the RFC list are kept (lowercased) so the caller
//! can report them instead of this parser guessing.

use std::net::IpAddr;

use nom::{
    IResult, Parser, bytes::complete::take_while1, character::complete::char, combinator::opt,
};

use crate::authentication_results::skip_to_semicolon;
use crate::error::ParseError;
use crate::lex::{cfws, comment, is_token_char, is_wsp, skip_cfws, value_text};

/// One Received-SPF stamp.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedSpf {
    /// Lowercased result word (`pass`, `fail`, `softfail`, ..., or whatever was written).
    pub result: String,
    /// The comment after the result, verbatim (folding kept), without its parentheses.
    pub comment: Option<String>,
    /// Key-value pairs in order: keys lowercased, values with quotes removed.
    pub params: Vec<(String, String)>,
}

impl ReceivedSpf {
    /// The first value of a key, compared ignoring ASCII case.
    pub fn param(&self, key: &str) -> Option<&str> {
        crate::first_value(&self.params, key)
    }

    /// `client-ip=` as an address (brackets and an `IPv6:` prefix tolerated); `None` when
    /// absent or unreadable.
    pub fn client_ip(&self) -> Option<IpAddr> {
        let raw = self.param("client-ip")?.trim();
        let raw = raw.strip_prefix('[').unwrap_or(raw);
        let raw = raw.strip_suffix(']').unwrap_or(raw);
        let raw = match raw.get(..5) {
            Some(prefix) if prefix.eq_ignore_ascii_case("ipv6:") => raw.get(5..).unwrap_or(raw),
            _ => raw,
        };
        raw.parse().ok()
    }
}

/// Parses the value of a Received-SPF field. Fails only when it does not start with a result
/// word; unreadable key-value pairs are skipped up to the next `;`.
pub fn parse_received_spf(value: &str) -> Result<ReceivedSpf, ParseError> {
    let (rest, result) = spf_result(skip_cfws(value)).map_err(|_| {
        ParseError::new(
            "Received-SPF must start with a result word (pass, fail, softfail, neutral, none, temperror, permerror)",
        )
    })?;
    // Only whitespace is skipped here: the comment is kept, not thrown away by `skip_cfws`.
    let after = rest.trim_start_matches(is_wsp);
    let (mut i, comment) = match comment(after) {
        Ok((rest, text)) => (rest, Some(text.to_owned())),
        Err(_) => (after, None),
    };
    let mut params = Vec::new();
    loop {
        i = skip_cfws(i);
        if let Some(rest) = i.strip_prefix(';') {
            i = rest;
            continue;
        }
        if i.is_empty() {
            break;
        }
        match key_value(i) {
            Ok((rest, pair)) => {
                params.push(pair);
                i = rest;
            }
            Err(_) => {
                // `skip_to_semicolon` stops at once on text it cannot skip; step over one
                // character so the loop always advances.
                let next = skip_to_semicolon(i);
                i = if next.len() == i.len() {
                    let n = i.chars().next().map_or(0, char::len_utf8);
                    i.get(n..).unwrap_or("")
                } else {
                    next
                };
            }
        }
    }
    Ok(ReceivedSpf {
        result: result.to_ascii_lowercase(),
        comment,
        params,
    })
}

/// The result word: letters, digits, `-`, `_`, ending at whitespace, `(`, `;` or the end
/// (so `client-ip=…` at the start is not mistaken for a result).
fn spf_result(i: &str) -> IResult<&str, &str> {
    let (rest, word) =
        take_while1(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_').parse(i)?;
    if rest.is_empty() || rest.starts_with(|c: char| is_wsp(c) || c == '(' || c == ';') {
        Ok((rest, word))
    } else {
        Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        )))
    }
}

/// Keys RFC 7208 defines: after a line break following `=`, one of these means the previous
/// value was empty rather than wrapped.
const KEYS: &[&str] = &[
    "client-ip",
    "envelope-from",
    "helo",
    "problem",
    "receiver",
    "identity",
    "mechanism",
];

fn key(i: &str) -> IResult<&str, &str> {
    take_while1(is_token_char).parse(i)
}

fn starts_known_key(i: &str) -> bool {
    match key(i) {
        Ok((rest, k)) => {
            KEYS.iter().any(|known| known.eq_ignore_ascii_case(k))
                && skip_cfws(rest).starts_with('=')
        }
        Err(_) => false,
    }
}

/// `key [CFWS] = [CFWS] value`, the value a dot-atom-like run or a quoted string.
fn key_value(i: &str) -> IResult<&str, (String, String)> {
    let (i, k) = key(i)?;
    let (i, _) = cfws(i)?;
    let (i, _) = char('=').parse(i)?;
    let (after, _) = cfws(i)?;
    let wrapped = after.len() != i.len();
    let key = k.to_ascii_lowercase();
    if after.is_empty() || after.starts_with(';') || (wrapped && starts_known_key(after)) {
        return Ok((after, (key, String::new())));
    }
    let (rest, value) = opt(value_text).parse(after)?;
    Ok((rest, (key, value.unwrap_or_default())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spf(value: &str) -> ReceivedSpf {
        match parse_received_spf(value) {
            Ok(parsed) => parsed,
            Err(e) => panic!("{value:?}: {e}"),
        }
    }

    fn params(r: &ReceivedSpf) -> Vec<(&str, &str)> {
        r.params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn rfc_pass() {
        let r = spf(" pass (mybox.example.org: domain of
    myname@example.com designates 192.0.2.1 as permitted sender)
       receiver=mybox.example.org; client-ip=192.0.2.1;
       envelope-from=\"myname@example.com\"; helo=foo.example.com;");
        assert_eq!(r.result, "pass");
        assert_eq!(
            r.comment.as_deref(),
            Some(
                "mybox.example.org: domain of\n    myname@example.com designates 192.0.2.1 as permitted sender"
            )
        );
        assert_eq!(
            params(&r),
            vec![
                ("receiver", "mybox.example.org"),
                ("client-ip", "192.0.2.1"),
                ("envelope-from", "myname@example.com"),
                ("helo", "foo.example.com")
            ]
        );
        assert_eq!(r.client_ip(), "192.0.2.1".parse().ok());
    }

    #[test]
    fn rfc_fail_without_final_semicolon() {
        let r = spf(" fail (mybox.example.org: domain of
                     myname@example.com does not designate
                     192.0.2.1 as permitted sender)
                     identity=mailfrom; client-ip=192.0.2.1;
                     envelope-from=\"myname@example.com\"");
        assert_eq!(r.result, "fail");
        assert_eq!(
            params(&r),
            vec![
                ("identity", "mailfrom"),
                ("client-ip", "192.0.2.1"),
                ("envelope-from", "myname@example.com")
            ]
        );
    }

    #[test]
    fn gmail() {
        let r = spf(
            " pass (google.com: domain of return@sb028.agroalamiid.biz.ua designates 51.68.74.213 as permitted sender) client-ip=51.68.74.213;",
        );
        assert_eq!(r.result, "pass");
        assert_eq!(
            r.comment.as_deref(),
            Some(
                "google.com: domain of return@sb028.agroalamiid.biz.ua designates 51.68.74.213 as permitted sender"
            )
        );
        assert_eq!(params(&r), vec![("client-ip", "51.68.74.213")]);
        assert_eq!(r.client_ip(), "51.68.74.213".parse().ok());
    }

    #[test]
    fn cloudflare_softfail() {
        let r = spf(" softfail (mx.cloudflare.net: domain of juaburea@juaburea.baloubj.com reports soft fail for 20.229.54.155)
\treceiver=mx.cloudflare.net; client-ip=20.229.54.155; envelope-from=\"juaburea@juaburea.baloubj.com\"; helo=juaburea.baloubj.com;");
        assert_eq!(r.result, "softfail");
        assert_eq!(
            params(&r),
            vec![
                ("receiver", "mx.cloudflare.net"),
                ("client-ip", "20.229.54.155"),
                ("envelope-from", "juaburea@juaburea.baloubj.com"),
                ("helo", "juaburea.baloubj.com")
            ]
        );
        assert_eq!(
            r.param("Envelope-From"),
            Some("juaburea@juaburea.baloubj.com")
        );
    }

    #[test]
    fn blaze_mechanism() {
        let r = spf(
            "pass (mx.example.org: domain of a@b.example designates 38.105.200.78 as permitted sender) client-ip=38.105.200.78; envelope-from=\"a@b.example\"; helo=b.example; receiver=mx.example.org; mechanism=ip4:38.105.200.78/32; identity=mailfrom",
        );
        assert_eq!(r.param("mechanism"), Some("ip4:38.105.200.78/32"));
        assert_eq!(r.param("identity"), Some("mailfrom"));
    }

    #[test]
    fn exim_without_comment() {
        let r = spf(
            " pass client-ip=210.0.225.12; envelope-from=EwanHai-oc@zhaoxin.com;\n helo=mx1.zhaoxin.com",
        );
        assert_eq!(r.result, "pass");
        assert_eq!(r.comment, None);
        assert_eq!(
            params(&r),
            vec![
                ("client-ip", "210.0.225.12"),
                ("envelope-from", "EwanHai-oc@zhaoxin.com"),
                ("helo", "mx1.zhaoxin.com")
            ]
        );
    }

    #[test]
    fn unknown_result_and_capitals_and_ipv6() {
        let r = spf(
            "Pass (protection.outlook.com: domain of posteo.net designates 2001:db8::1 as permitted sender) receiver=protection.outlook.com; client-ip=2001:db8::1; helo=mout01.posteo.de; pr=C",
        );
        assert_eq!(r.result, "pass");
        assert_eq!(r.client_ip(), "2001:db8::1".parse().ok());
        assert_eq!(r.param("pr"), Some("C"));
        assert_eq!(spf("HardFail").result, "hardfail");
        assert_eq!(spf("Bogus;").result, "bogus");
    }

    #[test]
    fn garbage_params_are_skipped() {
        let r = spf("neutral (x) junk here; client-ip=[192.0.2.9]; =; helo=\n  receiver=r.example");
        assert_eq!(
            params(&r),
            vec![
                ("client-ip", "[192.0.2.9]"),
                ("helo", ""),
                ("receiver", "r.example")
            ]
        );
        assert_eq!(r.client_ip(), "192.0.2.9".parse().ok());
        assert_eq!(spf("none client-ip=bogus").client_ip(), None);
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            "   ",
            "(just a comment)",
            "client-ip=1.2.3.4",
            "; pass",
            "pass.example",
        ] {
            assert!(parse_received_spf(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            if let Ok(r) = parse_received_spf(&s) {
                let _ = r.client_ip();
            }
        }

        #[test]
        fn never_panics_on_header_like_text(s in "[a-zA-Z0-9=;()\". :/@\\[\\]\\\\\n\t-]{0,120}") {
            if let Ok(r) = parse_received_spf(&s) {
                let _ = r.client_ip();
            }
        }

        #[test]
        fn generated_stamps_round_trip(
            result in "(pass|fail|softfail|neutral|none|temperror|permerror)",
            comment in proptest::option::of("[a-z0-9 .:@]{0,30}"),
            pairs in proptest::collection::vec(("[a-z][a-z-]{0,10}", "[A-Za-z0-9.@:/=+-]{1,20}", any::<bool>()), 0..5),
        ) {
            let mut text = result.clone();
            if let Some(c) = &comment {
                text.push_str(&format!(" ({c})"));
            }
            for (k, v, quoted) in &pairs {
                if *quoted {
                    text.push_str(&format!(" {k}=\"{v}\";"));
                } else {
                    text.push_str(&format!(" {k}={v};"));
                }
            }
            let parsed = parse_received_spf(&text);
            prop_assert!(parsed.is_ok());
            let parsed = parsed.unwrap_or_else(|_| unreachable!());
            prop_assert_eq!(&parsed.result, &result);
            prop_assert_eq!(&parsed.comment, &comment);
            let expected: Vec<(String, String)> =
                pairs.iter().map(|(k, v, _)| (k.clone(), v.clone())).collect();
            prop_assert_eq!(&parsed.params, &expected);
        }
    }
}
