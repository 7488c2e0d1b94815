//! Authentication-Results (RFC 8601) and ARC-Authentication-Results (RFC 8617 section 4.1.1).
//!
//! The grammar is `authserv-id [version] ; method[/version]=result [reason=…] ptype.property=value …`,
//! repeated after each `;`. Real headers bend it in many ways (see `headers.md` section 3), so
//! this parser is lenient by construction:
//! - comments are allowed between every lexical piece (RFC 8601 Appendix B);
//! - Microsoft's form has no authserv-id and adds bare keys (`action=`, `reason=`);
//! - a value may wrap onto the next line right after `=` (Fastmail, authentication_milter);
//! - a malformed result is skipped up to the next `;` (or up to the next word that starts a
//!   known `method=result`, when the `;` is missing), so one bad result never hides the
//!   ones after it.

use nom::{
    IResult, Parser,
    bytes::complete::{tag_no_case, take_while1},
    character::complete::{char, digit1},
    combinator::opt,
    error::{Error, ErrorKind},
};

use crate::error::ParseError;
use crate::lex::{
    cfws, is_token_char, is_wsp, quoted_string, semicolon, skip_cfws, token, value_text,
};

/// One Authentication-Results (or the part of an ARC-Authentication-Results after `i=`).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthenticationResults {
    /// Who did the checks; `None` for Microsoft's form, which starts with a method.
    pub authserv_id: Option<String>,
    /// The optional version after the authserv-id (`example.org 1;`, Microsoft's ARC-AAR).
    pub version: Option<u32>,
    /// The results in header order; empty for `; none`.
    pub results: Vec<MethodResult>,
    /// What could not be read, one sentence each (a skipped piece is quoted, cut to 60
    /// characters), so a caller can report it.
    pub problems: Vec<String>,
}

/// One `method=result` with what follows it up to the next `;`.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodResult {
    /// Lowercased method name (`spf`, `dkim`, `dmarc`, `arc`, `x-ptr`, unknown names kept).
    pub method: String,
    /// The `/1` of `dkim/1`.
    pub method_version: Option<u32>,
    /// Lowercased result word (`pass`, `fail`, `softfail`, `bestguesspass`, ...).
    pub result: String,
    /// The first `reason=` value, quotes removed (also Microsoft's compauth `reason=100`).
    pub reason: Option<String>,
    /// Every comment after the result, verbatim (folding kept), in order.
    pub comments: Vec<String>,
    /// `ptype.property` keys (lowercased, comments around the dot removed) with their values
    /// as written (quotes removed); bare keys such as Microsoft's `action` are kept too.
    pub properties: Vec<(String, String)>,
}

impl MethodResult {
    /// The first value of a property, comparing keys ignoring ASCII case (RFC 8601 ptypes and
    /// properties are case-insensitive).
    pub fn property(&self, key: &str) -> Option<&str> {
        crate::first_value(&self.properties, key)
    }
}

/// Parses the value of an Authentication-Results field.
///
/// Fails only when the value has neither an authserv-id nor a single readable
/// `method=result`: anything less broken yields what could be read.
pub fn parse_authentication_results(value: &str) -> Result<AuthenticationResults, ParseError> {
    let start = skip_cfws(value);
    // Microsoft writes no authserv-id: its value starts with `method=result`.
    let (authserv_id, version, rest) = if method_spec(start).is_ok() {
        (None, None, start)
    } else {
        match authserv_id(start) {
            Ok((rest, id)) if !id.trim().is_empty() => {
                let (rest, version) = authres_version(rest);
                (Some(id), version, rest)
            }
            _ => (None, None, start),
        }
    };
    let (results, mut problems) = results_list(rest);
    if has_unclosed_comment(rest) {
        problems.push(
            "a `(` comment is never closed: the text after it was read as a comment".to_owned(),
        );
    }
    if authserv_id.is_none() && results.is_empty() {
        return Err(ParseError::new(
            "Authentication-Results has neither an authserv-id nor a `method=result`",
        ));
    }
    Ok(AuthenticationResults {
        authserv_id,
        version,
        results,
        problems,
    })
}

/// Parses the value of an ARC-Authentication-Results field: `i=<instance>;` then the same
/// grammar as Authentication-Results. Returns the instance with the results.
pub fn parse_arc_authentication_results(
    value: &str,
) -> Result<(u32, AuthenticationResults), ParseError> {
    let (rest, instance) = arc_instance(value).map_err(|_| {
        ParseError::new("ARC-Authentication-Results must start with `i=<instance number>;`")
    })?;
    let results = parse_authentication_results(rest)?;
    Ok((instance, results))
}

/// Method names registered with IANA (plus `x-` ones): used to resynchronise after garbage
/// when a `;` is missing, and to end a result whose next word starts a new one.
const KNOWN_METHODS: &[&str] = &[
    "arc",
    "auth",
    "bimi",
    "compauth",
    "dkim",
    "dkim-adsp",
    "dkim-atps",
    "dmarc",
    "dnswl",
    "domainkeys",
    "iprev",
    "rrvs",
    "sender-id",
    "smime",
    "spf",
    "vbr",
];

fn is_known_method(name: &str) -> bool {
    KNOWN_METHODS.iter().any(|m| m.eq_ignore_ascii_case(name))
        || name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-"))
}

/// RFC 8601 Keyword characters (methods and results): letters, digits, `-`, `_`.
fn is_keyword_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn keyword(i: &str) -> IResult<&str, &str> {
    take_while1(is_keyword_char).parse(i)
}

fn fail<T>(i: &str) -> IResult<&str, T> {
    Err(nom::Err::Error(Error::new(i, ErrorKind::Verify)))
}

/// `i = 1 ;` at the start of an ARC-Authentication-Results.
fn arc_instance(i: &str) -> IResult<&str, u32> {
    let (i, _) = cfws(i)?;
    let (i, _) = tag_no_case("i").parse(i)?;
    let (i, _) = cfws(i)?;
    let (i, _) = char('=').parse(i)?;
    let (i, _) = cfws(i)?;
    let (i, n) = digit1.map_res(str::parse::<u32>).parse(i)?;
    let (i, _) = semicolon(i)?;
    Ok((i, n))
}

/// The authserv-id: a token or a quoted string (RFC 8601 `value`).
fn authserv_id(i: &str) -> IResult<&str, String> {
    if i.starts_with('"') {
        quoted_string(i)
    } else {
        token.map(str::to_owned).parse(i)
    }
}

/// An optional version number after the authserv-id; only digits followed by `;` or the end
/// count, anything else is left for the results loop to judge.
fn authres_version(i: &str) -> (&str, Option<u32>) {
    let after = skip_cfws(i);
    if let Ok((rest, digits)) = digit1::<&str, Error<&str>>(after) {
        let rest = skip_cfws(rest);
        if (rest.is_empty() || rest.starts_with(';'))
            && let Ok(n) = digits.parse::<u32>()
        {
            return (rest, Some(n));
        }
    }
    (i, None)
}

/// `method [/ version] = result`, with comments allowed between every piece.
fn method_spec(i: &str) -> IResult<&str, (String, Option<u32>, String)> {
    let (i, _) = cfws(i)?;
    let (i, method) = keyword(i)?;
    let (i, _) = cfws(i)?;
    let (i, version) = opt(method_version).parse(i)?;
    let (i, _) = char('=').parse(i)?;
    let (i, _) = cfws(i)?;
    let (rest, result) = keyword(i)?;
    // `spf=smtp.mailfrom=x` (result missing, next property pulled in) is not a result.
    if rest.starts_with(['.', '=', '/']) {
        return fail(i);
    }
    Ok((
        rest,
        (
            method.to_ascii_lowercase(),
            version.flatten(),
            result.to_ascii_lowercase(),
        ),
    ))
}

/// `/ 1` after a method name.
fn method_version(i: &str) -> IResult<&str, Option<u32>> {
    let (i, _) = char('/').parse(i)?;
    let (i, _) = cfws(i)?;
    let (i, digits) = digit1(i)?;
    let (i, _) = cfws(i)?;
    Ok((i, digits.parse().ok()))
}

/// True when `i` starts a `method=result` whose method is a known one.
fn starts_known_method(i: &str) -> bool {
    matches!(method_spec(i), Ok((_, (method, _, _))) if is_known_method(&method))
}

/// True when a `(` outside quoted strings is never closed (a truncated or broken header).
fn has_unclosed_comment(value: &str) -> bool {
    let mut depth = 0usize;
    let mut quoted = false;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth > 0
}

/// Every result after the authserv-id, skipping `;`s and malformed pieces (returned as the
/// second list).
fn results_list(mut i: &str) -> (Vec<MethodResult>, Vec<String>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    loop {
        i = skip_cfws(i);
        if let Some(rest) = i.strip_prefix(';') {
            i = rest;
            continue;
        }
        if i.is_empty() {
            return (out, skipped);
        }
        match resinfo(i) {
            Ok((rest, result)) => {
                out.push(result);
                i = rest;
            }
            Err(_) => {
                let rest = recover(i);
                let piece = crate::lex::collapse_whitespace(&i[..i.len() - rest.len()]);
                if piece != "none" && !piece.is_empty() {
                    let piece: String = piece.chars().take(60).collect();
                    skipped.push(format!("skipped `{piece}`: not a `method=result`"));
                }
                i = rest;
            }
        }
    }
}

/// Skips a malformed result: up to the next `;`, or up to a word that starts a known
/// `method=result` (a missing `;` after garbage must not hide the next result).
fn recover(mut i: &str) -> &str {
    loop {
        i = skip_cfws(i);
        if i.is_empty() || i.starts_with(';') {
            return i;
        }
        i = skip_junk(i);
        let next = skip_cfws(i);
        if starts_known_method(next) {
            return next;
        }
    }
}

/// Skips one unreadable word (or quoted string); always consumes at least one character of
/// a non-empty input that does not start with whitespace, `(` or `;`.
pub(crate) fn skip_junk(i: &str) -> &str {
    if i.starts_with('"')
        && let Ok((rest, _)) = quoted_string(i)
    {
        return rest;
    }
    let end = i
        .find(|c: char| is_wsp(c) || c == ';' || c == '(' || c == '"')
        .unwrap_or(i.len());
    let end = if end == 0 {
        i.chars().next().map_or(0, char::len_utf8)
    } else {
        end
    };
    i.get(end..).unwrap_or("")
}

/// Skips to the next `;` (not inside a comment or quoted string) or the end.
pub(crate) fn skip_to_semicolon(mut i: &str) -> &str {
    loop {
        i = skip_cfws(i);
        if i.is_empty() || i.starts_with(';') {
            return i;
        }
        i = skip_junk(i);
    }
}

/// One `method=result` with its reason, comments and properties, up to the next `;`.
fn resinfo(i: &str) -> IResult<&str, MethodResult> {
    let (mut i, (method, method_version, result)) = method_spec(i)?;
    let mut out = MethodResult {
        method,
        method_version,
        result,
        reason: None,
        comments: Vec::new(),
        properties: Vec::new(),
    };
    loop {
        let (rest, comments) = cfws(i)?;
        out.comments.extend(comments.into_iter().map(str::to_owned));
        i = rest;
        if i.is_empty() || i.starts_with(';') || starts_known_method(i) {
            return Ok((i, out));
        }
        match property(i) {
            Ok((rest, (key, value, comments))) => {
                out.comments.extend(comments.into_iter().map(str::to_owned));
                if out.reason.is_none() && key == "reason" {
                    out.reason = Some(value);
                } else {
                    out.properties.push((key, value));
                }
                i = rest;
            }
            Err(_) => i = skip_junk(i),
        }
    }
}

/// A ptype or property name: token characters without the dot.
fn key_segment(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| is_token_char(c) && c != '.').parse(i)
}

/// `ptype . property` (comments allowed around the dot) or a bare key such as `action`.
/// Returns the lowercased key and the comments met inside it.
fn property_key(i: &str) -> IResult<&str, (String, Vec<&str>)> {
    let (mut i, first) = key_segment(i)?;
    let mut key = first.to_ascii_lowercase();
    let mut comments = Vec::new();
    loop {
        let (after_ws, before_dot) = cfws(i)?;
        let Some(after_dot) = after_ws.strip_prefix('.') else {
            break;
        };
        let (after_dot, after_dot_comments) = cfws(after_dot)?;
        let Ok((rest, segment)) = key_segment(after_dot) else {
            break;
        };
        comments.extend(before_dot);
        comments.extend(after_dot_comments);
        key.push('.');
        key.push_str(&segment.to_ascii_lowercase());
        i = rest;
    }
    Ok((i, (key, comments)))
}

/// True when `i` starts `ptype.property =`: after a line break following `=`, that means
/// the previous value was empty rather than wrapped.
fn starts_property(i: &str) -> bool {
    match property_key(i) {
        Ok((rest, (key, _))) => key.contains('.') && skip_cfws(rest).starts_with('='),
        Err(_) => false,
    }
}

/// `key = value`, comments allowed on both sides of `=`, the value possibly on the next line.
fn property(i: &str) -> IResult<&str, (String, String, Vec<&str>)> {
    let (i, (key, mut comments)) = property_key(i)?;
    let (i, before_eq) = cfws(i)?;
    comments.extend(before_eq);
    let (i, _) = char('=').parse(i)?;
    let (after, after_eq) = cfws(i)?;
    comments.extend(after_eq);
    let wrapped = after.len() != i.len();
    if after.is_empty() || after.starts_with(';') || (wrapped && starts_property(after)) {
        return Ok((after, (key, String::new(), comments)));
    }
    let (rest, value) = opt(value_text).parse(after)?;
    Ok((rest, (key, value.unwrap_or_default(), comments)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unclosed_comment_is_reported() {
        let r = parse_authentication_results(
            "mx.example.net; dkim=fail (bad signature header.d=a.example; dmarc",
        )
        .unwrap();
        assert_eq!(r.results.len(), 1);
        assert!(r.problems.iter().any(|s| s.contains("never closed")));
        let r = parse_authentication_results("mx.example.net; dkim=pass (ok) header.d=a.example")
            .unwrap();
        assert!(r.problems.is_empty());
    }

    fn ar(value: &str) -> AuthenticationResults {
        match parse_authentication_results(value) {
            Ok(parsed) => parsed,
            Err(e) => panic!("{value:?}: {e}"),
        }
    }

    fn methods(parsed: &AuthenticationResults) -> Vec<(&str, &str)> {
        parsed
            .results
            .iter()
            .map(|r| (r.method.as_str(), r.result.as_str()))
            .collect()
    }

    fn props(r: &MethodResult) -> Vec<(&str, &str)> {
        r.properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn rfc_version_and_none() {
        let parsed = ar("example.org 1; none");
        assert_eq!(parsed.authserv_id.as_deref(), Some("example.org"));
        assert_eq!(parsed.version, Some(1));
        assert!(parsed.results.is_empty());
    }

    #[test]
    fn rfc_spf_on_next_line() {
        let parsed = ar(" example.com;\n          spf=pass smtp.mailfrom=example.net");
        assert_eq!(parsed.authserv_id.as_deref(), Some("example.com"));
        assert_eq!(parsed.version, None);
        assert_eq!(methods(&parsed), vec![("spf", "pass")]);
        assert_eq!(
            props(&parsed.results[0]),
            vec![("smtp.mailfrom", "example.net")]
        );
    }

    #[test]
    fn rfc_auth_with_comment() {
        let parsed = ar(
            " example.com;\n          auth=pass (cram-md5) smtp.auth=sender@example.net;\n          spf=pass smtp.mailfrom=example.net",
        );
        assert_eq!(methods(&parsed), vec![("auth", "pass"), ("spf", "pass")]);
        let auth = &parsed.results[0];
        assert_eq!(auth.comments, vec!["cram-md5"]);
        assert_eq!(auth.property("smtp.auth"), Some("sender@example.net"));
        assert_eq!(auth.property("SMTP.Auth"), Some("sender@example.net"));
    }

    #[test]
    fn rfc_iprev_policy() {
        let parsed = ar(" example.com; iprev=pass\n          policy.iprev=192.0.2.200");
        assert_eq!(methods(&parsed), vec![("iprev", "pass")]);
        assert_eq!(
            parsed.results[0].property("policy.iprev"),
            Some("192.0.2.200")
        );
    }

    #[test]
    fn rfc_two_dkim_with_quoted_reasons() {
        let parsed = ar(
            " example.com;\n      dkim=pass reason=\"good signature\"\n        header.i=@mail-router.example.net;\n      dkim=fail reason=\"bad signature\"\n        header.i=@newyork.example.com",
        );
        assert_eq!(methods(&parsed), vec![("dkim", "pass"), ("dkim", "fail")]);
        assert_eq!(parsed.results[0].reason.as_deref(), Some("good signature"));
        assert_eq!(
            props(&parsed.results[0]),
            vec![("header.i", "@mail-router.example.net")]
        );
        assert_eq!(parsed.results[1].reason.as_deref(), Some("bad signature"));
        assert_eq!(
            parsed.results[1].property("header.i"),
            Some("@newyork.example.com")
        );
    }

    #[test]
    fn rfc_comments_everywhere() {
        let parsed = ar(
            " foo.example.net (foobar) 1 (baz);\n    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\n      policy (A dot can go here) . (like that) expired\n      (this surprised me) = (as I wasn't expecting it) 1362471462",
        );
        assert_eq!(parsed.authserv_id.as_deref(), Some("foo.example.net"));
        assert_eq!(parsed.version, Some(1));
        assert_eq!(parsed.results.len(), 1);
        let dkim = &parsed.results[0];
        assert_eq!(dkim.method, "dkim");
        assert_eq!(dkim.method_version, Some(1));
        assert_eq!(dkim.result, "fail");
        assert_eq!(props(dkim), vec![("policy.expired", "1362471462")]);
        assert_eq!(
            dkim.comments,
            vec![
                "A dot can go here",
                "like that",
                "this surprised me",
                "as I wasn't expecting it"
            ]
        );
    }

    const GMAIL: &str = " mx.google.com;
       dkim=pass header.i=@cloudflare-email.net header.s=cf2024-1 header.b=K3MlIeWb;
       dkim=pass header.i=@whither.jp header.s=cf2024-1 header.b=d2ePEOSY;
       dkim=permerror (no key for signature) header.i=@amazon.co.jp header.s=default header.b=\"nZX/xmQ6\";
       arc=pass (i=1 spf=pass spfdomain=bjiujia.com);
       spf=pass (google.com: domain of srs0=kwbv=6f=bjiujia.com=noreply-er2+2dyxc26=whither.jp@whither.jp designates 104.30.10.219 as permitted sender) smtp.mailfrom=\"SRS0=kwBv=6f=bjiujia.com=noreply-er2+2Dyxc26=whither.jp@whither.jp\";
       dmarc=fail (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=amazon.co.jp";

    #[test]
    fn gmail() {
        let parsed = ar(GMAIL);
        assert_eq!(parsed.authserv_id.as_deref(), Some("mx.google.com"));
        assert_eq!(
            methods(&parsed),
            vec![
                ("dkim", "pass"),
                ("dkim", "pass"),
                ("dkim", "permerror"),
                ("arc", "pass"),
                ("spf", "pass"),
                ("dmarc", "fail")
            ]
        );
        let r = &parsed.results;
        assert_eq!(
            props(&r[0]),
            vec![
                ("header.i", "@cloudflare-email.net"),
                ("header.s", "cf2024-1"),
                ("header.b", "K3MlIeWb")
            ]
        );
        assert_eq!(r[2].comments, vec!["no key for signature"]);
        assert_eq!(r[2].property("header.i"), Some("@amazon.co.jp"));
        assert_eq!(r[2].property("header.b"), Some("nZX/xmQ6"));
        assert_eq!(r[3].comments, vec!["i=1 spf=pass spfdomain=bjiujia.com"]);
        assert!(r[3].properties.is_empty());
        assert_eq!(
            r[4].property("smtp.mailfrom"),
            Some("SRS0=kwBv=6f=bjiujia.com=noreply-er2+2Dyxc26=whither.jp@whither.jp")
        );
        assert!(r[4].comments[0].starts_with("google.com: domain of srs0=kwbv"));
        assert_eq!(r[5].comments, vec!["p=QUARANTINE sp=QUARANTINE dis=NONE"]);
        assert_eq!(r[5].property("header.from"), Some("amazon.co.jp"));
    }

    #[test]
    fn cloudflare_trailing_semicolon() {
        let parsed = ar(" mx.cloudflare.net;
\tdkim=permerror (dns record not found) header.i=info@amazon.co.jp header.s=default header.b=nZX/xmQ6;
\tdmarc=fail (policy not aligned) header.from=amazon.co.jp policy.dmarc=quarantine;
\tspf=pass (mx.cloudflare.net: domain of postmaster@bjiujia.com designates 20.222.17.244 as permitted sender) smtp.helo=bjiujia.com;");
        assert_eq!(
            methods(&parsed),
            vec![("dkim", "permerror"), ("dmarc", "fail"), ("spf", "pass")]
        );
        assert_eq!(parsed.results[0].property("header.b"), Some("nZX/xmQ6"));
        assert_eq!(
            parsed.results[1].property("policy.dmarc"),
            Some("quarantine")
        );
        assert_eq!(parsed.results[2].property("smtp.helo"), Some("bjiujia.com"));
    }

    const FASTMAIL: &str = " i=1; mx1.messagingengine.com;
    x-csa=none;
    x-me-sender=none;
    x-ptr=pass smtp.helo=a13-167.smtp-out.amazonses.com
    policy.ptr=a13-167.smtp-out.amazonses.com;
    bimi=pass header.d=amazon.com header.selector=default
    policy.authority=pass policy.mark-type=\"Registered Mark\"
    policy.authority-uri=
    https://d3frv9g52qce38.cloudfront.net/amazondefault/amazon_web_services_inc.pem;
    arc=none (no signatures found);
    dkim=pass (1024-bit rsa key sha256) header.d=amazon.com
    header.i=@amazon.com header.b=d5rQb267 header.a=rsa-sha256
    header.s=yg4mwqurec7fkhzutopddd3ytuaqrvuz;
    ...
    dmarc=pass policy.published-domain-policy=quarantine
    policy.applied-disposition=none policy.evaluated-disposition=none
    (p=quarantine,d=none,d.eval=none) policy.policy-from=p
    header.from=amazon.com;
    iprev=pass smtp.remote-ip=54.240.13.167
    (a13-167.smtp-out.amazonses.com);
    spf=pass
    smtp.mailfrom=
    20231023212308106721a263944afcb2dcb3ebed50p0na-C39VIEGRHNUE4S@bounces.amazon.com
    smtp.helo=a13-167.smtp-out.amazonses.com";

    #[test]
    fn fastmail_arc_wrapped_values_and_elision() {
        let (instance, parsed) = match parse_arc_authentication_results(FASTMAIL) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(instance, 1);
        assert_eq!(
            parsed.authserv_id.as_deref(),
            Some("mx1.messagingengine.com")
        );
        assert_eq!(
            methods(&parsed),
            vec![
                ("x-csa", "none"),
                ("x-me-sender", "none"),
                ("x-ptr", "pass"),
                ("bimi", "pass"),
                ("arc", "none"),
                ("dkim", "pass"),
                ("dmarc", "pass"),
                ("iprev", "pass"),
                ("spf", "pass")
            ]
        );
        let r = &parsed.results;
        assert_eq!(
            props(&r[2]),
            vec![
                ("smtp.helo", "a13-167.smtp-out.amazonses.com"),
                ("policy.ptr", "a13-167.smtp-out.amazonses.com")
            ]
        );
        assert_eq!(r[3].property("policy.mark-type"), Some("Registered Mark"));
        assert_eq!(
            r[3].property("policy.authority-uri"),
            Some("https://d3frv9g52qce38.cloudfront.net/amazondefault/amazon_web_services_inc.pem")
        );
        assert_eq!(r[4].comments, vec!["no signatures found"]);
        assert_eq!(r[5].comments, vec!["1024-bit rsa key sha256"]);
        assert_eq!(
            r[5].property("header.s"),
            Some("yg4mwqurec7fkhzutopddd3ytuaqrvuz")
        );
        assert_eq!(r[6].comments, vec!["p=quarantine,d=none,d.eval=none"]);
        assert_eq!(r[6].property("policy.policy-from"), Some("p"));
        assert_eq!(r[6].property("header.from"), Some("amazon.com"));
        assert_eq!(r[7].property("smtp.remote-ip"), Some("54.240.13.167"));
        assert_eq!(r[7].comments, vec!["a13-167.smtp-out.amazonses.com"]);
        assert_eq!(
            props(&r[8]),
            vec![
                (
                    "smtp.mailfrom",
                    "20231023212308106721a263944afcb2dcb3ebed50p0na-C39VIEGRHNUE4S@bounces.amazon.com"
                ),
                ("smtp.helo", "a13-167.smtp-out.amazonses.com")
            ]
        );
    }

    #[test]
    fn fastmail_x_me_methods() {
        let parsed = ar(" mx1.messagingengine.com;
    x-aligned-from=orgdomain_pass (Domain org match);
    ...
    x-tls=pass smtp.version=TLSv1.2 smtp.cipher=ECDHE-RSA-AES256-GCM-SHA384
      smtp.bits=256/256;");
        assert_eq!(
            methods(&parsed),
            vec![("x-aligned-from", "orgdomain_pass"), ("x-tls", "pass")]
        );
        assert_eq!(parsed.results[0].comments, vec!["Domain org match"]);
        assert_eq!(
            props(&parsed.results[1]),
            vec![
                ("smtp.version", "TLSv1.2"),
                ("smtp.cipher", "ECDHE-RSA-AES256-GCM-SHA384"),
                ("smtp.bits", "256/256")
            ]
        );
    }

    #[test]
    fn microsoft_without_authserv_id() {
        let parsed = ar(" spf=pass (sender IP is 185.67.36.66)
 smtp.mailfrom=posteo.net; dkim=pass (signature was verified)
 header.d=posteo.net;dmarc=pass action=none
 header.from=posteo.net;compauth=pass reason=100");
        assert_eq!(parsed.authserv_id, None);
        assert_eq!(parsed.version, None);
        assert_eq!(
            methods(&parsed),
            vec![
                ("spf", "pass"),
                ("dkim", "pass"),
                ("dmarc", "pass"),
                ("compauth", "pass")
            ]
        );
        let r = &parsed.results;
        assert_eq!(r[0].comments, vec!["sender IP is 185.67.36.66"]);
        assert_eq!(r[0].property("smtp.mailfrom"), Some("posteo.net"));
        assert_eq!(r[1].property("header.d"), Some("posteo.net"));
        assert_eq!(
            props(&r[2]),
            vec![("action", "none"), ("header.from", "posteo.net")]
        );
        assert_eq!(r[3].reason.as_deref(), Some("100"));
        assert!(r[3].properties.is_empty());
    }

    #[test]
    fn microsoft_docs_forms() {
        let parsed = ar(
            "spf=pass (sender IP is 192.168.0.1) smtp.mailfrom=contoso.com; dkim=fail (body hash did not verify) header.d=contoso.com; dmarc=bestguesspass action=oreject header.from=contoso.com",
        );
        assert_eq!(
            methods(&parsed),
            vec![
                ("spf", "pass"),
                ("dkim", "fail"),
                ("dmarc", "bestguesspass")
            ]
        );
        assert_eq!(parsed.results[2].property("action"), Some("oreject"));
    }

    #[test]
    fn microsoft_arc_aar_with_version() {
        let (i, parsed) = match parse_arc_authentication_results(
            "i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom=xxxx.com.au; dmarc=pass action=none header.from=xxxx.com.au; dkim=pass header.d=xxxx.com.au; arc=none",
        ) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(i, 1);
        assert_eq!(parsed.authserv_id.as_deref(), Some("mx.microsoft.com"));
        assert_eq!(parsed.version, Some(1));
        assert_eq!(
            methods(&parsed),
            vec![
                ("spf", "pass"),
                ("dmarc", "pass"),
                ("dkim", "pass"),
                ("arc", "none")
            ]
        );
    }

    #[test]
    fn mimecast() {
        let parsed = ar(
            " relay.mimecast.com; auth=pass smtp.auth=CUSA124A263 smtp.mailfrom=armbru@redhat.com",
        );
        assert_eq!(
            props(&parsed.results[0]),
            vec![
                ("smtp.auth", "CUSA124A263"),
                ("smtp.mailfrom", "armbru@redhat.com")
            ]
        );
    }

    #[test]
    fn kernel_org_split_headers_and_arc_without_space() {
        let parsed = ar(" smtp.subspace.kernel.org; arc=none smtp.client-ip=210.0.225.12");
        assert_eq!(methods(&parsed), vec![("arc", "none")]);
        assert_eq!(
            parsed.results[0].property("smtp.client-ip"),
            Some("210.0.225.12")
        );
        let (i, parsed) = match parse_arc_authentication_results(
            "i=1; smtp.subspace.kernel.org; dmarc=none (p=none dis=none) header.from=zhaoxin.com; spf=pass smtp.mailfrom=zhaoxin.com; arc=none smtp.client-ip=210.0.225.12",
        ) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(i, 1);
        assert_eq!(
            parsed.authserv_id.as_deref(),
            Some("smtp.subspace.kernel.org")
        );
        assert_eq!(
            methods(&parsed),
            vec![("dmarc", "none"), ("spf", "pass"), ("arc", "none")]
        );
        assert_eq!(parsed.results[0].comments, vec!["p=none dis=none"]);
    }

    #[test]
    fn rfc8617_aar_with_nested_comment() {
        let (i, parsed) = match parse_arc_authentication_results(
            " i=3; clochette.example.org; spf=fail
    smtp.from=jqd@d1.example; dkim=fail (512-bit key)
    header.i=@d1.example; dmarc=fail; arc=pass (as.2.gmail.example=pass,
    ams.2.gmail.example=pass, as.1.lists.example.org=pass,
    ams.1.lists.example.org=fail (message has been altered))",
        ) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(i, 3);
        assert_eq!(
            methods(&parsed),
            vec![
                ("spf", "fail"),
                ("dkim", "fail"),
                ("dmarc", "fail"),
                ("arc", "pass")
            ]
        );
        assert!(parsed.results[3].comments[0].ends_with("(message has been altered)"));
    }

    #[test]
    fn gmail_arc_aar() {
        let (i, parsed) = match parse_arc_authentication_results(
            " i=1; mx.google.com;
       dkim=pass header.i=@smY2.sb028.agroalamiid.biz.ua header.s=mail header.b=aIBHcolJ;
       spf=pass (google.com: domain of return@sb028.agroalamiid.biz.ua designates 51.68.74.213 as permitted sender) smtp.mailfrom=return@sb028.agroalamiid.biz.ua",
        ) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(i, 1);
        assert_eq!(methods(&parsed), vec![("dkim", "pass"), ("spf", "pass")]);
    }

    #[test]
    fn no_space_after_semicolon_and_case() {
        let parsed = ar("Example.COM;DKIM=Pass header.d=posteo.net;dmarc=PASS");
        assert_eq!(parsed.authserv_id.as_deref(), Some("Example.COM"));
        assert_eq!(methods(&parsed), vec![("dkim", "pass"), ("dmarc", "pass")]);
    }

    #[test]
    fn malformed_result_is_skipped_not_fatal() {
        let parsed = ar(
            "mx.example.net; dkim; spf=; dmarc (x) = ; garbage here; spf=pass smtp.mailfrom=a.example",
        );
        assert_eq!(methods(&parsed), vec![("spf", "pass")]);
        let parsed = ar("mx.example.net; smtp.mailfrom=x dkim=pass header.d=a.example");
        assert_eq!(methods(&parsed), vec![("dkim", "pass")]);
    }

    #[test]
    fn missing_semicolon_between_known_methods() {
        let parsed =
            ar("mx.example.net; spf=pass smtp.mailfrom=a.example dkim=fail header.d=a.example");
        assert_eq!(methods(&parsed), vec![("spf", "pass"), ("dkim", "fail")]);
    }

    #[test]
    fn empty_wrapped_value_does_not_swallow_next_property() {
        let parsed = ar("mx.example.net; spf=pass smtp.mailfrom=\n    smtp.helo=h.example");
        assert_eq!(
            props(&parsed.results[0]),
            vec![("smtp.mailfrom", ""), ("smtp.helo", "h.example")]
        );
    }

    #[test]
    fn quoted_authserv_id_and_unknown_method() {
        let parsed = ar("\"mx example\"; foo/2=bar header.x=1");
        assert_eq!(parsed.authserv_id.as_deref(), Some("mx example"));
        assert_eq!(parsed.results[0].method, "foo");
        assert_eq!(parsed.results[0].method_version, Some(2));
        assert_eq!(parsed.results[0].result, "bar");
    }

    #[test]
    fn authserv_id_only() {
        let parsed = ar("mx.example.net");
        assert_eq!(parsed.authserv_id.as_deref(), Some("mx.example.net"));
        assert!(parsed.results.is_empty());
        assert_eq!(ar("mx.example.net;").results, vec![]);
    }

    #[test]
    fn errors() {
        for bad in [
            "",
            "  ",
            "(only a comment)",
            "; ;",
            "@@@ ; spf",
            "\"\"; none",
        ] {
            assert!(parse_authentication_results(bad).is_err(), "{bad:?}");
        }
        for bad in ["", "mx.example.net; spf=pass", "i=; x", "i=99999999999; x"] {
            assert!(parse_arc_authentication_results(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = parse_authentication_results(&s);
            let _ = parse_arc_authentication_results(&s);
        }

        #[test]
        fn never_panics_on_header_like_text(s in "[a-z0-9=;()\". /@\\\\\n\t_-]{0,120}") {
            if let Ok(parsed) = parse_authentication_results(&s) {
                for r in &parsed.results {
                    let _ = r.property("header.d");
                }
            }
            let _ = parse_arc_authentication_results(&format!("i=1; {s}"));
        }

        #[test]
        fn generated_results_round_trip(
            id in "[a-z]{1,8}\\.[a-z]{2,4}",
            entries in proptest::collection::vec(
                ("(spf|dkim|dmarc|arc|x-[a-z]{1,5})", "(pass|fail|none|softfail)",
                 proptest::collection::vec(("(smtp|header|policy)", "[a-z]{1,6}", "[A-Za-z0-9@./=+-]{1,12}"), 0..4)),
                1..5),
        ) {
            let mut text = id.clone();
            for (method, result, properties) in &entries {
                text.push_str(";\n\t");
                text.push_str(&format!("{method}={result}"));
                for (ptype, property, value) in properties {
                    text.push_str(&format!(" {ptype}.{property}={value}"));
                }
            }
            let parsed = parse_authentication_results(&text);
            prop_assert!(parsed.is_ok());
            let parsed = parsed.unwrap_or_else(|_| unreachable!());
            prop_assert_eq!(parsed.authserv_id.as_deref(), Some(id.as_str()));
            prop_assert_eq!(parsed.results.len(), entries.len());
            for (got, (method, result, properties)) in parsed.results.iter().zip(&entries) {
                prop_assert_eq!(&got.method, method);
                prop_assert_eq!(&got.result, result);
                let expected: Vec<(String, String)> = properties
                    .iter()
                    .map(|(p, q, v)| (format!("{p}.{q}"), v.clone()))
                    .collect();
                prop_assert_eq!(&got.properties, &expected);
            }
        }
    }
}
