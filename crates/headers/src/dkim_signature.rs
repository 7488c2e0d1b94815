//! DKIM-Signature (RFC 6376 section 3.5), ARC-Message-Signature and ARC-Seal (RFC 8617
//! sections 4.1.2 and 4.1.3): all three are RFC 6376 tag-lists, `name=value` pairs separated
//! by `;`.
//!
//! Signers fold long values anywhere, even right after `=` (`s=\n clochette`) or inside
//! `h=` before a `:`; RFC 6376 section 3.2 makes whitespace inside a value insignificant for
//! every tag these headers carry, so it is removed. Tag names are case-sensitive and kept as
//! written. Duplicate tags make a signature invalid (PERMFAIL) for a verifier, but for a
//! diagnosis the signature is still worth reading: the typed fields take the first
//! occurrence and `tags` keeps every one.

use nom::{
    IResult, Parser,
    bytes::complete::take_while,
    character::complete::{char, satisfy},
    combinator::recognize,
};

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, is_wsp, wsp0};

/// A DKIM-Signature, ARC-Message-Signature or ARC-Seal, with the tags a diagnosis needs typed.
#[derive(Debug, Clone, PartialEq)]
pub struct DkimSignature {
    /// `v=` (DKIM only; ARC has no version tag).
    pub version: Option<String>,
    /// `a=`, e.g. `rsa-sha256`, `ed25519-sha256`.
    pub algorithm: Option<String>,
    /// `c=` as written, e.g. `relaxed/relaxed` or `simple`.
    pub canonicalization: Option<String>,
    /// `d=`, the signing domain.
    pub domain: Option<String>,
    /// `s=`, the selector.
    pub selector: Option<String>,
    /// `h=` split on `:`, trimmed, lowercased, empty names dropped.
    pub headers: Vec<String>,
    /// `t=`, signing time in seconds since the epoch (`None` when absent or not a number).
    pub timestamp: Option<u64>,
    /// `x=`, expiry time in seconds since the epoch.
    pub expiration: Option<u64>,
    /// `i=` of a DKIM-Signature (the agent or user identifier); `None` for ARC headers,
    /// whose `i=` is the instance.
    pub identity: Option<String>,
    /// `l=`, the number of body bytes signed.
    pub body_length: Option<u64>,
    /// `bh=`, the body hash.
    pub body_hash: Option<String>,
    /// `b=`, the signature.
    pub signature: Option<String>,
    /// `i=` of an ARC header: the ARC set instance.
    pub instance: Option<u32>,
    /// `cv=` of an ARC-Seal (`none`, `pass`, `fail`).
    pub seal_validation: Option<String>,
    /// Every tag in order as parsed by [`parse_tag_list`], duplicates included.
    pub tags: Vec<(String, String)>,
}

/// Parses an RFC 6376 tag-list into `(name, value)` pairs in order.
///
/// Names are kept as written (they are case-sensitive); values have all whitespace removed
/// (folding included). Empty entries (a trailing `;`, or `;;`) are skipped. Fails on an
/// entry that is not `name=value` with a valid name, or on a list with no tag at all.
pub fn parse_tag_list(value: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut tags = Vec::new();
    for spec in value.split(';') {
        if spec.trim_matches(is_wsp).is_empty() {
            continue;
        }
        let parsed: IResult<&str, &str> = (wsp0, tag_name, wsp0, char('='))
            .map(|(_, name, _, _)| name)
            .parse(spec);
        match parsed {
            Ok((raw_value, name)) => tags.push((
                name.to_owned(),
                raw_value.chars().filter(|c| !is_wsp(*c)).collect(),
            )),
            Err(_) => {
                return Err(ParseError::new(format!(
                    "expected `tag=value` in tag-list, found `{}`",
                    excerpt(spec)
                )));
            }
        }
    }
    if tags.is_empty() {
        return Err(ParseError::new(
            "empty tag-list: expected `tag=value` pairs separated by `;`",
        ));
    }
    Ok(tags)
}

/// Parses a DKIM-Signature value; `d=`, `s=` and `b=` are required.
pub fn parse_dkim_signature(value: &str) -> Result<DkimSignature, ParseError> {
    build(value, Kind::Dkim)
}

/// Parses an ARC-Message-Signature value; `i=`, `d=`, `s=` and `b=` are required.
pub fn parse_arc_message_signature(value: &str) -> Result<DkimSignature, ParseError> {
    build(value, Kind::ArcMessageSignature)
}

/// Parses an ARC-Seal value; `i=`, `cv=`, `d=`, `s=` and `b=` are required.
pub fn parse_arc_seal(value: &str) -> Result<DkimSignature, ParseError> {
    build(value, Kind::ArcSeal)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Dkim,
    ArcMessageSignature,
    ArcSeal,
}

impl Kind {
    fn field(self) -> &'static str {
        match self {
            Kind::Dkim => "DKIM-Signature",
            Kind::ArcMessageSignature => "ARC-Message-Signature",
            Kind::ArcSeal => "ARC-Seal",
        }
    }

    /// The tags without which nothing useful can be said about the signature (the key can
    /// not even be looked up without `d=` and `s=`).
    fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Dkim => &["d", "s", "b"],
            Kind::ArcMessageSignature => &["i", "d", "s", "b"],
            Kind::ArcSeal => &["i", "cv", "d", "s", "b"],
        }
    }
}

/// RFC 6376 `tag-name = ALPHA *ALNUMPUNC`.
fn tag_name(i: &str) -> IResult<&str, &str> {
    recognize((
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ))
    .parse(i)
}

/// A short, single-line quote of offending input for an error message.
fn excerpt(s: &str) -> String {
    let flat = collapse_whitespace(s);
    if flat.chars().count() > 40 {
        let head: String = flat.chars().take(40).collect();
        format!("{head}…")
    } else {
        flat
    }
}

/// The first value of a tag (names compared exactly: they are case-sensitive).
fn first<'a>(tags: &'a [(String, String)], name: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn build(value: &str, kind: Kind) -> Result<DkimSignature, ParseError> {
    let field = kind.field();
    let tags =
        parse_tag_list(value).map_err(|e| ParseError::new(format!("{field}: {}", e.message)))?;
    for name in kind.required() {
        match first(&tags, name) {
            None => {
                return Err(ParseError::new(format!(
                    "{field} has no `{name}=` tag (required)"
                )));
            }
            Some("") => {
                return Err(ParseError::new(format!(
                    "{field} has an empty `{name}=` tag (required)"
                )));
            }
            Some(_) => {}
        }
    }
    let text = |name: &str| first(&tags, name).map(str::to_owned);
    let number = |name: &str| first(&tags, name).and_then(|v| v.parse::<u64>().ok());
    let (identity, instance) = match kind {
        Kind::Dkim => (text("i"), None),
        Kind::ArcMessageSignature | Kind::ArcSeal => {
            let raw = first(&tags, "i").unwrap_or_default();
            let instance = raw.parse::<u32>().map_err(|_| {
                ParseError::new(format!(
                    "{field} `i={}` is not an instance number",
                    excerpt(raw)
                ))
            })?;
            (None, Some(instance))
        }
    };
    let headers = first(&tags, "h")
        .map(|h| {
            h.split(':')
                .map(|name| name.trim_matches(is_wsp).to_ascii_lowercase())
                .filter(|name| !name.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Ok(DkimSignature {
        version: text("v"),
        algorithm: text("a"),
        canonicalization: text("c"),
        domain: text("d"),
        selector: text("s"),
        headers,
        timestamp: number("t"),
        expiration: number("x"),
        identity,
        body_length: number("l"),
        body_hash: text("bh"),
        signature: text("b"),
        instance,
        seal_validation: text("cv"),
        tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok<T>(r: Result<T, ParseError>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    fn err<T: std::fmt::Debug>(r: Result<T, ParseError>) -> String {
        match r {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => e.message,
        }
    }

    #[test]
    fn rfc8617_arc_seal_wrapped_after_equals() {
        let seal = ok(parse_arc_seal(
            " i=3; a=rsa-sha256; cv=pass; d=clochette.example.org; s=
        clochette; t=12345; b=CU87XzXlNlk5X/yW4l73UvPUcP9ivwYWxyBWcVrRs7
        +HPx3K05nJhny2fvymbReAmOA9GTH/y+k9kEc59hAKVg==",
        ));
        assert_eq!(seal.instance, Some(3));
        assert_eq!(seal.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(seal.seal_validation.as_deref(), Some("pass"));
        assert_eq!(seal.domain.as_deref(), Some("clochette.example.org"));
        assert_eq!(seal.selector.as_deref(), Some("clochette"));
        assert_eq!(seal.timestamp, Some(12345));
        assert_eq!(
            seal.signature.as_deref(),
            Some(
                "CU87XzXlNlk5X/yW4l73UvPUcP9ivwYWxyBWcVrRs7+HPx3K05nJhny2fvymbReAmOA9GTH/y+k9kEc59hAKVg=="
            )
        );
        assert_eq!(seal.identity, None);
        assert!(seal.headers.is_empty());
        assert_eq!(seal.tags.len(), 7);

        let seal = ok(parse_arc_seal(
            " i=1; a=rsa-sha256; cv=none; d=lists.example.org; s=dk-lists;
         t=12345; b=TlCCKzgk3TrAa+G77gYYO8Fxk4q/Ml0biqduZJeOYh6+0zhwQ8u/
        lHxLi21pxu347isLSuNtvIagIvAQna9a5A==",
        ));
        assert_eq!(seal.instance, Some(1));
        assert_eq!(seal.seal_validation.as_deref(), Some("none"));
        assert_eq!(seal.selector.as_deref(), Some("dk-lists"));
    }

    #[test]
    fn rfc8617_arc_message_signature() {
        let ams = ok(parse_arc_message_signature(
            " i=3; a=rsa-sha256; c=relaxed/relaxed; d=
        clochette.example.org; h=message-id:date:from:to:subject; s=
        clochette; t=12345; bh=KWSe46TZKCcDbH4klJPo+tjk5LWJnVRlP5pvjXFZY
        LQ=; b=o71vwyLsK+Wm4cOSlirXoRwzEvi0vqIjd/2/GkYFYlSd/GGfKzkAgPqxf
        K7ccBMP7Zjb/mpeggswHjEMS8x5NQ==",
        ));
        assert_eq!(ams.instance, Some(3));
        assert_eq!(ams.canonicalization.as_deref(), Some("relaxed/relaxed"));
        assert_eq!(ams.domain.as_deref(), Some("clochette.example.org"));
        assert_eq!(ams.selector.as_deref(), Some("clochette"));
        assert_eq!(
            ams.headers,
            vec!["message-id", "date", "from", "to", "subject"]
        );
        assert_eq!(
            ams.body_hash.as_deref(),
            Some("KWSe46TZKCcDbH4klJPo+tjk5LWJnVRlP5pvjXFZYLQ=")
        );
        assert_eq!(
            ams.signature.as_deref(),
            Some(
                "o71vwyLsK+Wm4cOSlirXoRwzEvi0vqIjd/2/GkYFYlSd/GGfKzkAgPqxfK7ccBMP7Zjb/mpeggswHjEMS8x5NQ=="
            )
        );
        assert_eq!(ams.seal_validation, None);
    }

    #[test]
    fn gmail_arc_headers_folded_before_colon() {
        let ams = ok(parse_arc_message_signature(
            " i=1; a=rsa-sha256; c=relaxed/relaxed; d=google.com; s=arc-20260327;
        h=subject:precedence:mime-version:date:list-unsubscribe:envelope-to
         :message-id:to:from:sender:delivered-to:domainkey-signature
         :dkim-signature;
        bh=1lAWKioMFm9ehTSPeq8DJhMxx/9KRr9v9ZNNiYsJYQY=;
        fh=n+q9pMbhM0eZjOdD0WWZpyNO946HUHl9hAOLrrMGfog=;
        b=NZmSJksBJAPsNjW/sn8xtQGRlltSlL3p99mWq1PaxmZZzrwY6JRfkB37iw1oy9SWSw
        ...
        dara=google.com",
        ));
        assert_eq!(
            ams.headers,
            vec![
                "subject",
                "precedence",
                "mime-version",
                "date",
                "list-unsubscribe",
                "envelope-to",
                "message-id",
                "to",
                "from",
                "sender",
                "delivered-to",
                "domainkey-signature",
                "dkim-signature"
            ]
        );
        assert_eq!(ams.selector.as_deref(), Some("arc-20260327"));
        assert_eq!(
            first(&ams.tags, "fh"),
            Some("n+q9pMbhM0eZjOdD0WWZpyNO946HUHl9hAOLrrMGfog=")
        );
        // The `...` of the elided example stays part of the value: it is not a tag.
        assert_eq!(
            ams.signature.as_deref(),
            Some(
                "NZmSJksBJAPsNjW/sn8xtQGRlltSlL3p99mWq1PaxmZZzrwY6JRfkB37iw1oy9SWSw...dara=google.com"
            )
        );

        let seal = ok(parse_arc_seal(
            " i=1; a=rsa-sha256; t=1787146369; cv=none;
        d=google.com; s=arc-20260327;
        b=SxdgEd4iQYIiH27Lik6usEgj9F+AG7q9lwlrQaDakRqfKm6uD0rKj3KLuMYgLuhpjd
        ...",
        ));
        assert_eq!(seal.timestamp, Some(1_787_146_369));
        assert_eq!(seal.seal_validation.as_deref(), Some("none"));
    }

    #[test]
    fn dkim_rsa_with_times_and_length() {
        let sig = ok(parse_dkim_signature(
            " v=1; a=rsa-sha256; c=relaxed/simple; d=example.com;
\ts=sel2024; t=1700000000; x=1700604800; l=1234; i=news@mail.example.com;
\th=From:To:Subject:Date:Message-ID:From;
\tbh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;
\tb=dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR
\t 5tZ+aMpo/2EbmCL1q1Hj2m1Z8tLoKvV0Rx/IAPp8vf0SmT6kkQHR7G3JvMb6KJe9
\t y/c9xzD8vM=",
        ));
        assert_eq!(sig.version.as_deref(), Some("1"));
        assert_eq!(sig.algorithm.as_deref(), Some("rsa-sha256"));
        assert_eq!(sig.canonicalization.as_deref(), Some("relaxed/simple"));
        assert_eq!(sig.domain.as_deref(), Some("example.com"));
        assert_eq!(sig.selector.as_deref(), Some("sel2024"));
        assert_eq!(sig.timestamp, Some(1_700_000_000));
        assert_eq!(sig.expiration, Some(1_700_604_800));
        assert_eq!(sig.body_length, Some(1234));
        assert_eq!(sig.identity.as_deref(), Some("news@mail.example.com"));
        assert_eq!(sig.instance, None);
        assert_eq!(
            sig.headers,
            vec!["from", "to", "subject", "date", "message-id", "from"]
        );
        assert_eq!(
            sig.body_hash.as_deref(),
            Some("2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
        );
        assert_eq!(
            sig.signature.as_deref(),
            Some(
                "dzdVyOfAKCdLXdJOc9G2q8LoXSlEniSbav+yuU4zGeeruD00lszZVoG4ZHRNiYzR5tZ+aMpo/2EbmCL1q1Hj2m1Z8tLoKvV0Rx/IAPp8vf0SmT6kkQHR7G3JvMb6KJe9y/c9xzD8vM="
            )
        );
    }

    #[test]
    fn dkim_ed25519_simple_trailing_semicolon() {
        let sig = ok(parse_dkim_signature(
            "v=1; a=ed25519-sha256; c=simple; d=football.example.com; i=@football.example.com; q=dns/txt; s=brisbane; t=1528637909; h=from : to : subject : date : message-id : from : subject : date; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==;",
        ));
        assert_eq!(sig.algorithm.as_deref(), Some("ed25519-sha256"));
        assert_eq!(sig.canonicalization.as_deref(), Some("simple"));
        assert_eq!(sig.identity.as_deref(), Some("@football.example.com"));
        assert_eq!(sig.headers.len(), 8);
        assert_eq!(sig.headers.first().map(String::as_str), Some("from"));
        assert_eq!(first(&sig.tags, "q"), Some("dns/txt"));
        assert_eq!(sig.expiration, None);
    }

    #[test]
    fn duplicate_tags_keep_the_first() {
        let sig = ok(parse_dkim_signature(
            "v=1; d=first.example; s=a; d=second.example; b=abc; s=b",
        ));
        assert_eq!(sig.domain.as_deref(), Some("first.example"));
        assert_eq!(sig.selector.as_deref(), Some("a"));
        assert_eq!(
            sig.tags.iter().filter(|(k, _)| k == "d").count(),
            2,
            "every occurrence stays visible in tags"
        );
    }

    #[test]
    fn tag_names_are_case_sensitive() {
        let tags = ok(parse_tag_list("D=upper.example; d=lower.example; X_1=v"));
        assert_eq!(
            tags,
            vec![
                ("D".to_owned(), "upper.example".to_owned()),
                ("d".to_owned(), "lower.example".to_owned()),
                ("X_1".to_owned(), "v".to_owned())
            ]
        );
        let msg = err(parse_dkim_signature("D=a.example; S=x; B=abc"));
        assert!(msg.contains("`d=`"), "{msg}");
    }

    #[test]
    fn tag_list_values_and_empty_entries() {
        let tags = ok(parse_tag_list(" a = 1 ;; b=\n  2 3 ; c=;"));
        assert_eq!(
            tags,
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "23".to_owned()),
                ("c".to_owned(), String::new())
            ]
        );
    }

    #[test]
    fn missing_required_tags_are_named() {
        let msg = err(parse_dkim_signature("v=1; a=rsa-sha256; s=sel; b=abc"));
        assert_eq!(msg, "DKIM-Signature has no `d=` tag (required)");
        let msg = err(parse_dkim_signature("v=1; d=example.com; b=abc"));
        assert!(msg.contains("`s=`"), "{msg}");
        let msg = err(parse_dkim_signature("v=1; d=example.com; s=sel; b="));
        assert_eq!(msg, "DKIM-Signature has an empty `b=` tag (required)");
        let msg = err(parse_arc_seal(
            "i=1; a=rsa-sha256; d=example.com; s=sel; b=abc",
        ));
        assert_eq!(msg, "ARC-Seal has no `cv=` tag (required)");
        let msg = err(parse_arc_message_signature(
            "a=rsa-sha256; d=example.com; s=sel; b=abc",
        ));
        assert_eq!(msg, "ARC-Message-Signature has no `i=` tag (required)");
        let msg = err(parse_arc_seal(
            "i=one; cv=none; d=example.com; s=sel; b=abc",
        ));
        assert_eq!(msg, "ARC-Seal `i=one` is not an instance number");
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let msg = err(parse_dkim_signature("this is not a signature"));
        assert_eq!(
            msg,
            "DKIM-Signature: expected `tag=value` in tag-list, found `this is not a signature`"
        );
        let msg = err(parse_tag_list("v=1; =x"));
        assert!(msg.contains("`=x`"), "{msg}");
        let msg = err(parse_tag_list("1a=x"));
        assert!(msg.contains("`1a=x`"), "{msg}");
        let msg = err(parse_tag_list(" ; ;\n "));
        assert!(msg.starts_with("empty tag-list"), "{msg}");
        let msg = err(parse_dkim_signature(&format!("v=1; {}", "y".repeat(100))));
        assert!(msg.ends_with("…`"), "{msg}");
    }

    #[test]
    fn unparsable_numbers_are_none_but_kept() {
        let sig = ok(parse_dkim_signature(
            "d=e.example; s=s; b=abc; t=soon; l=-1; x=99999999999999999999999",
        ));
        assert_eq!(sig.timestamp, None);
        assert_eq!(sig.body_length, None);
        assert_eq!(sig.expiration, None);
        assert_eq!(first(&sig.tags, "t"), Some("soon"));
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = parse_tag_list(&s);
            let _ = parse_dkim_signature(&s);
            let _ = parse_arc_message_signature(&s);
            let _ = parse_arc_seal(&s);
        }

        #[test]
        fn never_panics_on_tag_like_text(s in "[a-z0-9=;: \n\t/+_-]{0,120}") {
            let _ = parse_tag_list(&s);
            let _ = parse_dkim_signature(&s);
            let _ = parse_arc_message_signature(&format!("i=1; {s}"));
            let _ = parse_arc_seal(&format!("i=1; cv=none; {s}"));
        }

        #[test]
        fn folding_inside_values_is_removed(
            pairs in proptest::collection::vec(("[a-z][a-z0-9_]{0,3}", "[A-Za-z0-9+/=.:@-]{0,30}"), 1..8),
            folds in proptest::collection::vec(0usize..40, 8),
        ) {
            let mut text = String::new();
            for ((name, value), fold) in pairs.iter().zip(&folds) {
                let cut = value.char_indices().nth(*fold).map_or(value.len(), |(i, _)| i);
                let (head, tail) = value.split_at(cut);
                text.push_str(&format!("{name}={head}\r\n\t {tail};\n "));
            }
            let tags = parse_tag_list(&text);
            prop_assert!(tags.is_ok());
            let expected: Vec<(String, String)> = pairs.clone();
            prop_assert_eq!(tags.unwrap_or_default(), expected);
        }
    }
}

/// Which signature header a tag-list belongs to, for [`strict_problems`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureHeader {
    Dkim,
    ArcMessageSignature,
    ArcSeal,
}

/// What makes a signature invalid under RFC 6376 (and RFC 8617 for ARC, RFC 8301 for the
/// algorithm), beyond what [`parse_tag_list`] tolerates: an empty tag between `;;`, a tag
/// given twice, a missing required tag (names are case-sensitive: `D=` is not `d=`), a
/// DKIM version other than 1, `rsa-sha1` in DKIM, a query method other than `dns/txt`, a signed
/// header list without From, an ARC-Message-Signature that signs ARC-Seal, an ARC-Seal with
/// `h=`. Empty when the signature is well-formed.
pub fn strict_problems(value: &str, header: SignatureHeader) -> Vec<String> {
    let mut problems = Vec::new();
    let segments: Vec<&str> = value.split(';').collect();
    let last = segments.len().saturating_sub(1);
    if segments
        .iter()
        .enumerate()
        .any(|(n, s)| n < last && s.trim_matches(is_wsp).is_empty())
    {
        problems.push("an empty tag (`;;`)".to_owned());
    }
    let tags = match parse_tag_list(value) {
        Ok(tags) => tags,
        Err(e) => {
            problems.push(e.message);
            return problems;
        }
    };
    let mut seen: Vec<&str> = Vec::new();
    for (name, _) in &tags {
        if seen.contains(&name.as_str()) {
            problems.push(format!("the tag `{name}=` appears twice"));
        } else {
            seen.push(name);
        }
    }
    let value_of = |name: &str| {
        tags.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let required: &[&str] = match header {
        SignatureHeader::Dkim => &["v", "a", "b", "bh", "d", "h", "s"],
        SignatureHeader::ArcMessageSignature => &["i", "a", "b", "bh", "d", "h", "s"],
        SignatureHeader::ArcSeal => &["i", "a", "b", "cv", "d", "s"],
    };
    for name in required {
        if value_of(name).is_none() {
            problems.push(format!("the required tag `{name}=` is missing"));
        }
    }
    if header == SignatureHeader::Dkim
        && let Some(version) = value_of("v")
        && version != "1"
    {
        problems.push(format!("`v={version}` is not DKIM version 1"));
    }
    // RFC 8301 retires rsa-sha1 for DKIM; the ARC test suites still expect it to verify.
    if header == SignatureHeader::Dkim
        && value_of("a").is_some_and(|a| a.eq_ignore_ascii_case("rsa-sha1"))
    {
        problems.push("`a=rsa-sha1`, which RFC 8301 says verifiers must not accept".to_owned());
    }
    if let Some(query) = value_of("q")
        && !query.split(':').any(|q| q.eq_ignore_ascii_case("dns/txt"))
    {
        problems.push(format!("`q={query}` is not the dns/txt query method"));
    }
    let signed: Vec<String> = value_of("h")
        .map(|h| {
            h.split(':')
                .map(|n| n.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    match header {
        SignatureHeader::Dkim if value_of("h").is_some() && !signed.iter().any(|n| n == "from") => {
            problems.push("the signed headers (`h=`) do not include From".to_owned());
        }
        SignatureHeader::ArcMessageSignature if signed.iter().any(|n| n == "arc-seal") => {
            problems.push(
                "the ARC-Message-Signature signs ARC-Seal, which RFC 8617 forbids".to_owned(),
            );
        }
        SignatureHeader::ArcSeal if value_of("h").is_some() => {
            problems.push("an ARC-Seal must not have an `h=` tag".to_owned());
        }
        _ => {}
    }
    problems
}

#[cfg(test)]
mod strict_tests {
    use super::*;

    const GOOD: &str = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1; h=from:to:subject; bh=abc=; b=def=";

    #[test]
    fn well_formed_signatures_have_no_problems() {
        assert!(strict_problems(GOOD, SignatureHeader::Dkim).is_empty());
        assert!(
            strict_problems(
                "i=1; a=rsa-sha256; cv=none; d=example.org; s=arc; t=1; b=xyz;",
                SignatureHeader::ArcSeal
            )
            .is_empty()
        );
    }

    #[test]
    fn each_rule_is_found() {
        let cases = [
            (GOOD.replace("v=1", "v=2"), "version"),
            (GOOD.replace("rsa-sha256", "rsa-sha1"), "RFC 8301"),
            (GOOD.replace("h=from:to", "h=to"), "From"),
            (
                GOOD.replace("d=example.com", "D=example.com"),
                "`d=` is missing",
            ),
            (format!("{GOOD}; s=s2"), "twice"),
            (GOOD.replace("; s=s1;", "; s=s1;;"), "empty tag"),
            (format!("{GOOD}; q=http/json"), "dns/txt"),
        ];
        for (value, words) in cases {
            let problems = strict_problems(&value, SignatureHeader::Dkim);
            assert!(
                problems.iter().any(|p| p.contains(words)),
                "{value}: {problems:?}"
            );
        }
        let seal = strict_problems(
            "i=1; a=rsa-sha256; cv=none; d=x.example; s=a; h=from; b=x",
            SignatureHeader::ArcSeal,
        );
        assert!(seal.iter().any(|p| p.contains("h=")), "{seal:?}");
        let ams = strict_problems(
            "i=1; a=rsa-sha256; d=x.example; s=a; h=from:arc-seal; bh=x; b=y",
            SignatureHeader::ArcMessageSignature,
        );
        assert!(ams.iter().any(|p| p.contains("ARC-Seal")), "{ams:?}");
    }
}
