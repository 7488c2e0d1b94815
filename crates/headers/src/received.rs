//! Received trace fields (RFC 5321 section 4.4, RFC 5322 section 3.6.7) as MTAs really write
//! them.
//!
//! Every MTA has its own layout: Postfix, Exim, Sendmail, qmail, Exchange, Gmail, SendGrid and
//! SES differ in where they put the client's address, HELO name and TLS details, and some
//! omit the `;` before the date. The parser reads clauses in any order, keeps every comment,
//! and pulls out only what the layouts agree on; anything it does not understand is left in
//! `comments` rather than guessed at.

use std::net::{IpAddr, SocketAddr};

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::take_while1,
    character::complete::char,
    combinator::{map, value},
};

use crate::date::{DateTime, parse_date};
use crate::error::ParseError;
use crate::lex::{collapse_whitespace, comment, is_wsp, wsp0};

/// One Received field, clause by clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// Who connected: the `from` clause with its TCP-info comment.
    pub from: Option<FromClause>,
    /// The host that added the field (trailing dot removed).
    pub by: Option<String>,
    /// `via Frontend Transport` and the like, as written.
    pub via: Option<String>,
    /// The protocol as written: `ESMTPS`, `esmtps`, `SMTP`, `HTTPS`, `Microsoft SMTP Server`.
    pub with: Option<String>,
    /// The queue or message id, angle brackets removed.
    pub id: Option<String>,
    /// The recipient of the `for` clause, angle brackets removed.
    pub for_recipient: Option<String>,
    /// Exim's `(envelope-from <a@b>)`, brackets removed; `Some("")` is the null sender `<>`.
    pub envelope_from: Option<String>,
    /// The date, when the date text could be read.
    pub date: Option<DateTime>,
    /// The date as written, whitespace collapsed (kept even when `date` is `None`).
    pub date_text: Option<String>,
    /// What the field says about TLS on this hop, if anything.
    pub tls: Option<TlsEvidence>,
    /// Every comment, top level, in order, unfolded but otherwise verbatim (nested comments
    /// stay inside their parent).
    pub comments: Vec<String>,
}

/// The sending side of a hop.
#[derive(Debug, Clone, PartialEq)]
pub struct FromClause {
    /// The name the client gave in HELO/EHLO (or the address literal it gave).
    pub helo: Option<String>,
    /// The reverse-DNS name the receiver found; `None` when it wrote `unknown` or none.
    pub rdns: Option<String>,
    /// The address the connection came from.
    pub ip: Option<IpAddr>,
}

/// TLS on a hop, with the words that showed it so a report can quote them.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsEvidence {
    /// `TLSv1.3`, `TLS1_2`, `TLS1.3` as written.
    pub version: Option<String>,
    /// The cipher suite as written.
    pub cipher: Option<String>,
    /// The evidence, in order of appearance: `with ESMTPS`, `(version=TLS1_2, cipher=...)`,
    /// `tls TLS_AES_256_GCM_SHA384`, joined by spaces.
    pub evidence: String,
}

/// Parses the value of a Received field (everything after the colon, folding allowed).
///
/// Fails only when nothing in the value is a clause keyword or a date, so that a hop with
/// odd layout still yields what it does say.
pub fn parse_received(value: &str) -> Result<Received, ParseError> {
    let toks = tokens(value);
    if toks.is_empty() {
        return Err(ParseError::new(
            "empty Received value: expected clauses such as `from`, `by`, `with`, `id`, `for` \
             and a date after `;`",
        ));
    }
    let mut r = Received {
        from: None,
        by: None,
        via: None,
        with: None,
        id: None,
        for_recipient: None,
        envelope_from: None,
        date: None,
        date_text: None,
        tls: None,
        comments: Vec::new(),
    };
    let mut tls = TlsBuilder::default();
    let date_at = date_semicolon(value, &toks).map(|(n, date)| {
        let text = &value[toks[n].at + 1..];
        r.date = date;
        r.date_text = Some(date_text(text));
        n
    });

    let mut walk = Walk::default();
    let mut in_date = false;
    for (n, t) in toks.iter().enumerate() {
        if Some(n) == date_at {
            in_date = true;
            continue;
        }
        match t.tok {
            Tok::Comment(c) => {
                r.comments.push(c.replace(['\r', '\n'], ""));
                if in_date {
                    continue;
                }
                note_comment(c, &mut r, &mut tls);
                if walk.clause == Some(Clause::From) {
                    walk.from_comments.push(c);
                }
                walk.multi_word = false;
            }
            _ if in_date => {}
            Tok::Semi => {
                walk.clause = None;
                walk.awaiting = false;
                walk.multi_word = false;
            }
            Tok::Word(w) => {
                if let Some(k) = keyword(w) {
                    walk.start(k);
                    continue;
                }
                if walk.awaiting {
                    walk.awaiting = false;
                    walk.assign(w, &mut r, &mut tls);
                    continue;
                }
                // SendGrid and others write the date straight after the last clause, no `;`.
                if date_at.is_none()
                    && r.date.is_none()
                    && let Some(d) = parse_date(&value[t.at..])
                {
                    r.date = Some(d);
                    r.date_text = Some(date_text(&value[t.at..]));
                    in_date = true;
                    continue;
                }
                if walk.multi_word {
                    let target = match walk.clause {
                        Some(Clause::Via) => r.via.as_mut(),
                        _ => r.with.as_mut(),
                    };
                    if let Some(v) = target {
                        v.push(' ');
                        v.push_str(w);
                    }
                }
                // Any other stray word is ignored: it names nothing these layouts agree on.
            }
        }
    }

    r.from = walk.build_from();
    r.tls = tls.finish();
    let recognised = r.from.is_some()
        || r.by.is_some()
        || r.via.is_some()
        || r.with.is_some()
        || r.id.is_some()
        || r.for_recipient.is_some()
        || r.envelope_from.is_some()
        || r.date.is_some();
    if recognised {
        Ok(r)
    } else {
        Err(ParseError::new(
            "no Received clause found: expected `from`, `by`, `via`, `with`, `id` or `for` \
             clauses, or a date after `;`",
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'a> {
    /// The text inside a top-level comment.
    Comment(&'a str),
    Word(&'a str),
    Semi,
}

struct Token<'a> {
    tok: Tok<'a>,
    /// Byte offset of the token in the value, so the rest can be re-read as a date.
    at: usize,
}

/// A run of characters up to whitespace, a parenthesis or `;`. Address literals and angle
/// addresses contain none of these, so they come out whole.
fn word(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| !is_wsp(c) && !matches!(c, '(' | ')' | ';')).parse(i)
}

fn token(i: &str) -> IResult<&str, Tok<'_>> {
    alt((
        map(comment, Tok::Comment),
        value(Tok::Semi, char(';')),
        map(word, Tok::Word),
    ))
    .parse(i)
}

fn tokens(value: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = value;
    loop {
        i = wsp0(i).map_or(i, |(rest, _)| rest);
        if i.is_empty() {
            return out;
        }
        let at = value.len() - i.len();
        match token(i) {
            Ok((rest, tok)) => {
                out.push(Token { tok, at });
                i = rest;
            }
            Err(_) => {
                // Only a stray `)` gets here: drop it.
                let mut chars = i.chars();
                chars.next();
                i = chars.as_str();
            }
        }
    }
}

/// The `;` that introduces the date: the last one followed by a word, unless what follows it
/// is plainly another clause rather than a date. Returns its token index and the date read
/// after it (parsed once here).
fn date_semicolon(value: &str, toks: &[Token<'_>]) -> Option<(usize, Option<DateTime>)> {
    let last_word = toks.iter().rposition(|t| matches!(t.tok, Tok::Word(_)))?;
    let n = toks[..last_word].iter().rposition(|t| t.tok == Tok::Semi)?;
    let first_word = toks[n + 1..].iter().find_map(|t| match t.tok {
        Tok::Word(w) => Some(w),
        _ => None,
    });
    let text = &value[toks[n].at + 1..];
    let date = parse_date(text);
    if date.is_none() && first_word.and_then(keyword).is_some() {
        return None;
    }
    Some((n, date))
}

fn date_text(text: &str) -> String {
    collapse_whitespace(text)
        .trim_end_matches([';', ' '])
        .to_owned()
}

// ---------------------------------------------------------------------------------------
// Clauses

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clause {
    From,
    By,
    Via,
    With,
    Id,
    For,
    /// Exim's `tls <cipher>`.
    Tls,
    /// A repeated `from`, read past.
    Other,
}

/// Clause keywords are case-insensitive (RFC 5321); Exim's `tls` is always lower case, and
/// matching only that keeps cipher names such as `TLS` from starting a clause.
fn keyword(w: &str) -> Option<Clause> {
    if w == "tls" {
        return Some(Clause::Tls);
    }
    [
        ("from", Clause::From),
        ("by", Clause::By),
        ("via", Clause::Via),
        ("with", Clause::With),
        ("id", Clause::Id),
        ("for", Clause::For),
    ]
    .into_iter()
    .find_map(|(name, k)| w.eq_ignore_ascii_case(name).then_some(k))
}

/// Where the walk over the clause tokens is.
#[derive(Default)]
struct Walk<'a> {
    clause: Option<Clause>,
    /// A keyword was seen and its value has not come yet.
    awaiting: bool,
    /// `with` and `via` values may be several words (`Microsoft SMTP Server`).
    multi_word: bool,
    from_seen: bool,
    from_value: Option<&'a str>,
    from_comments: Vec<&'a str>,
}

impl<'a> Walk<'a> {
    fn start(&mut self, k: Clause) {
        let k = if k == Clause::From && self.from_seen {
            Clause::Other
        } else {
            k
        };
        self.from_seen |= k == Clause::From;
        self.clause = Some(k);
        self.awaiting = k != Clause::Other;
        self.multi_word = false;
    }

    /// The first value of each clause wins; repeats are read past.
    fn assign(&mut self, w: &'a str, r: &mut Received, tls: &mut TlsBuilder) {
        match self.clause {
            Some(Clause::From) => self.from_value = Some(w),
            Some(Clause::By) if r.by.is_none() => r.by = Some(strip_dot(w)),
            Some(Clause::Via) if r.via.is_none() => {
                r.via = Some(w.to_owned());
                self.multi_word = true;
            }
            Some(Clause::With) if r.with.is_none() => {
                r.with = Some(w.to_owned());
                self.multi_word = true;
                if is_tls_protocol(w) {
                    tls.evidence.push(format!("with {w}"));
                }
            }
            Some(Clause::Id) if r.id.is_none() => r.id = Some(strip_angle(w)),
            Some(Clause::For) if r.for_recipient.is_none() => {
                r.for_recipient = Some(strip_angle(w))
            }
            Some(Clause::Tls) => {
                tls.cipher.get_or_insert_with(|| w.to_owned());
                tls.evidence.push(format!("tls {w}"));
            }
            _ => {}
        }
    }

    /// Combines the `from` word with its TCP-info comments.
    ///
    /// `from X (Y [IP])`: X is the HELO name and Y the reverse DNS. When a comment names the
    /// HELO itself (`helo=x`, `HELO x`, `EHLO x`), X is instead the receiver's name for the
    /// client (Exim, qmail). An address literal as X is never a reverse-DNS name.
    fn build_from(&self) -> Option<FromClause> {
        let infos: Vec<TcpInfo> = self
            .from_comments
            .iter()
            .filter_map(|c| tcp_info(c))
            .collect();
        let explicit_helo = infos.iter().find_map(|i| i.helo.clone());
        let comment_name = infos.iter().find_map(|i| i.name.clone());
        let comment_ip = infos.iter().find_map(|i| i.ip);
        let (helo, rdns, ip) = match self.from_value {
            // An address with no TCP-info (`from [192.0.2.1] (using TLSv1.2 ...)`, as
            // MessageLabs writes) is where the connection came from, not a greeting: RFC 5321
            // only allows an address literal as the from-domain together with TCP-info.
            Some(w) if infos.is_empty() && ip_literal(w).is_some() => (None, None, ip_literal(w)),
            Some(w) if ip_literal(w).is_some() || bare_ip(w).is_some() => (
                explicit_helo.or_else(|| Some(w.to_owned())),
                comment_name.flatten(),
                comment_ip.or_else(|| ip_literal(w).or_else(|| bare_ip(w))),
            ),
            Some(w) => {
                let known = (!w.eq_ignore_ascii_case("unknown")).then(|| strip_dot(w));
                if explicit_helo.is_some() {
                    (explicit_helo, comment_name.unwrap_or(known), comment_ip)
                } else {
                    (known, comment_name.flatten(), comment_ip)
                }
            }
            None => (explicit_helo, comment_name.flatten(), comment_ip),
        };
        (helo.is_some() || rdns.is_some() || ip.is_some()).then_some(FromClause { helo, rdns, ip })
    }
}

/// `ESMTPS`, `ESMTPSA`, `SMTPS`, `LMTPS`, `UTF8SMTPS`... (RFC 3848, RFC 6531): the protocol
/// names that say the session used STARTTLS.
fn is_tls_protocol(w: &str) -> bool {
    let upper = w.to_ascii_uppercase();
    let base = upper.strip_prefix("UTF8").unwrap_or(&upper);
    let base = base
        .strip_suffix("SA")
        .or_else(|| base.strip_suffix('S'))
        .unwrap_or("");
    matches!(base, "ESMTP" | "SMTP" | "LMTP")
}

fn strip_dot(s: &str) -> String {
    match s.trim_end_matches('.') {
        "" => s.to_owned(),
        t => t.to_owned(),
    }
}

fn strip_angle(s: &str) -> String {
    let s = s.trim_end_matches(',');
    let s = s.strip_prefix('<').unwrap_or(s);
    s.strip_suffix('>').unwrap_or(s).to_owned()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

// ---------------------------------------------------------------------------------------
// The TCP-info comment of a `from` clause

/// What one comment of a `from` clause says about the client.
#[derive(Default)]
struct TcpInfo {
    /// A reverse-DNS name: `Some(None)` for `unknown`.
    name: Option<Option<String>>,
    ip: Option<IpAddr>,
    helo: Option<String>,
}

/// Reads `rdns [IP]`, `unknown [IP]`, `[IP]:port helo=x`, `HELO x`, `user@IP`, bare `IP`,
/// with nested comments such as `(may be forged)` skipped. A comment holding anything else
/// (`Authenticated sender: ...`, `using TLSv1.3 ...`) is not TCP-info and yields `None`.
fn tcp_info(c: &str) -> Option<TcpInfo> {
    let mut info = TcpInfo::default();
    let mut names = 0;
    let mut helo_next = false;
    let mut i = c;
    loop {
        i = wsp0(i).map_or(i, |(rest, _)| rest);
        if i.is_empty() {
            break;
        }
        if i.starts_with('(') {
            i = comment(i).map_or("", |(rest, _)| rest);
            continue;
        }
        let Ok((rest, w)) = word(i) else {
            let mut chars = i.chars();
            chars.next();
            i = chars.as_str();
            continue;
        };
        i = rest;
        let w = w.trim_end_matches(',');
        if helo_next {
            info.helo = Some(strip_dot(w));
            helo_next = false;
        } else if w.eq_ignore_ascii_case("helo") || w.eq_ignore_ascii_case("ehlo") {
            helo_next = true;
        } else if let Some(h) = strip_prefix_ci(w, "helo=") {
            info.helo = Some(strip_dot(h));
        } else if strip_prefix_ci(w, "port=").is_some() || strip_prefix_ci(w, "ident=").is_some() {
        } else if let Some(ip) = ip_literal(w).or_else(|| bare_ip(w)) {
            info.ip.get_or_insert(ip);
        } else if let Some((_, host)) = w.rsplit_once('@') {
            // Sendmail and qmail put an ident user before the host or address.
            if let Some(ip) = ip_literal(host).or_else(|| bare_ip(host)) {
                info.ip.get_or_insert(ip);
            } else if is_hostname(host) {
                names += 1;
                info.name = Some(Some(strip_dot(host)));
            } else {
                return None;
            }
        } else if w.eq_ignore_ascii_case("unknown") {
            names += 1;
            info.name = Some(None);
        } else if is_hostname(w) {
            names += 1;
            info.name = Some(Some(strip_dot(w)));
        } else {
            return None;
        }
    }
    if names > 1 {
        return None;
    }
    // A lone single-label word (`(Postfix)`, `(SG)`) is a product name, not a host.
    if let Some(Some(name)) = &info.name
        && info.ip.is_none()
        && !name.contains('.')
        && !name.eq_ignore_ascii_case("localhost")
    {
        return None;
    }
    (info.name.is_some() || info.ip.is_some() || info.helo.is_some()).then_some(info)
}

fn is_hostname(w: &str) -> bool {
    w.chars().any(char::is_alphanumeric)
        && w.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// `[1.2.3.4]`, `[IPv6:2001:db8::1]`, `[2001:db8::1]`, optionally followed by `:port`.
/// IPv4-mapped IPv6 (`[::ffff:192.0.2.1]`, as Courier and Dovecot write) becomes IPv4, so the
/// same client is the same address whichever way it was written.
fn ip_literal(w: &str) -> Option<IpAddr> {
    let inner = w.strip_prefix('[')?;
    let (inner, tail) = inner.split_once(']')?;
    let port_ok = tail.is_empty()
        || (tail.len() > 1
            && tail.starts_with([':', '.'])
            && tail[1..].bytes().all(|b| b.is_ascii_digit()));
    if !port_ok {
        return None;
    }
    strip_prefix_ci(inner, "IPv6:")
        .unwrap_or(inner)
        .parse::<IpAddr>()
        .ok()
        .map(|ip| ip.to_canonical())
}

/// `1.2.3.4`, `2603:10a6:208:12::34`, `1.2.3.4:25`.
fn bare_ip(w: &str) -> Option<IpAddr> {
    w.parse::<IpAddr>()
        .ok()
        .or_else(|| w.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

// ---------------------------------------------------------------------------------------
// Comments that say something: TLS and envelope sender

#[derive(Default)]
struct TlsBuilder {
    version: Option<String>,
    cipher: Option<String>,
    evidence: Vec<String>,
}

impl TlsBuilder {
    fn finish(self) -> Option<TlsEvidence> {
        (!self.evidence.is_empty()).then(|| TlsEvidence {
            version: self.version,
            cipher: self.cipher,
            evidence: self.evidence.join(" "),
        })
    }
}

fn note_comment(c: &str, r: &mut Received, tls: &mut TlsBuilder) {
    let text = collapse_whitespace(c);
    if let Some((version, cipher)) = comment_tls(&text) {
        if tls.version.is_none() {
            tls.version = version;
        }
        if tls.cipher.is_none() {
            tls.cipher = cipher;
        }
        tls.evidence.push(format!("({text})"));
    }
    if r.envelope_from.is_none()
        && let Some(rest) = strip_prefix_ci(&text, "envelope-from")
    {
        let rest = rest.trim_start_matches([' ', '=', ':']);
        let addr = rest.split(' ').next().unwrap_or("");
        r.envelope_from = Some(strip_angle(addr));
    }
}

/// TLS details written in a comment, as `(version, cipher)`:
/// Postfix `using TLSv1.3 with cipher X (...)`, Sendmail `version=TLSv1.3 cipher=X bits=256`,
/// Exchange `version=TLS1_2, cipher=X`, Exim `TLS1.3` or `TLSv1.2:X:256`, Exchange 2010
/// `TLS`, Gmail `Google Transport Security`.
fn comment_tls(text: &str) -> Option<(Option<String>, Option<String>)> {
    if text.eq_ignore_ascii_case("Google Transport Security") || text.eq_ignore_ascii_case("TLS") {
        return Some((None, None));
    }
    if let Some(rest) = strip_prefix_ci(text, "using ") {
        let words: Vec<&str> = rest.split(' ').collect();
        let version = words.first().filter(|v| is_tls_version(v))?;
        let cipher = match words.get(1..4) {
            Some([with, cipher_word, cipher]) if *with == "with" && *cipher_word == "cipher" => {
                Some((*cipher).to_owned())
            }
            _ => None,
        };
        return Some((Some((*version).to_owned()), cipher));
    }
    let mut version = None;
    let mut cipher = None;
    for pair in text.split([' ', ',']).filter(|p| !p.is_empty()) {
        if let Some(v) = strip_prefix_ci(pair, "version=") {
            version.get_or_insert_with(|| v.to_owned());
        } else if let Some(v) = strip_prefix_ci(pair, "cipher=") {
            cipher.get_or_insert_with(|| v.to_owned());
        }
    }
    if cipher.is_some() {
        return Some((version, cipher));
    }
    if !text.contains(' ') {
        let mut parts = text.split(':');
        let version = parts.next().filter(|v| is_tls_version(v))?;
        let cipher = parts.next().filter(|c| !c.is_empty());
        return Some((Some(version.to_owned()), cipher.map(str::to_owned)));
    }
    None
}

/// `TLSv1.3`, `TLS1.2`, `TLS1_2`, `SSLv3`, `TLSv1`.
fn is_tls_version(v: &str) -> bool {
    let Some(rest) = strip_prefix_ci(v, "TLS").or_else(|| strip_prefix_ci(v, "SSL")) else {
        return false;
    };
    let rest = rest.strip_prefix(['v', 'V']).unwrap_or(rest);
    rest.starts_with(|c: char| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Received {
        parse_received(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn from(helo: Option<&str>, rdns: Option<&str>, addr: Option<&str>) -> Option<FromClause> {
        Some(FromClause {
            helo: helo.map(str::to_owned),
            rdns: rdns.map(str::to_owned),
            ip: addr.and_then(ip),
        })
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    fn rfc3339(r: &Received) -> String {
        r.date.expect("a date").to_rfc3339()
    }

    #[test]
    fn postfix_with_tls() {
        let r = parse(
            " from mail.sender.example (mail.sender.example [203.0.113.25])\n\
             \t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n\
             \t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n\
             \t(No client certificate requested)\n\
             \tby mx.example.org (Postfix) with ESMTPS id 4Xk2Lp6cQbz9sTn\n\
             \tfor <u@example.org>; Tue, 11 Aug 2026 18:24:48 +0000 (UTC)",
        );
        assert_eq!(
            r.from,
            from(
                Some("mail.sender.example"),
                Some("mail.sender.example"),
                Some("203.0.113.25")
            )
        );
        assert_eq!(r.by, s("mx.example.org"));
        assert_eq!(r.with, s("ESMTPS"));
        assert_eq!(r.id, s("4Xk2Lp6cQbz9sTn"));
        assert_eq!(r.for_recipient, s("u@example.org"));
        assert_eq!(r.date_text, s("Tue, 11 Aug 2026 18:24:48 +0000 (UTC)"));
        assert_eq!(rfc3339(&r), "2026-08-11T18:24:48+00:00");
        let tls = r.tls.clone().unwrap();
        assert_eq!(tls.version, s("TLSv1.3"));
        assert_eq!(tls.cipher, s("TLS_AES_256_GCM_SHA384"));
        assert_eq!(
            tls.evidence,
            "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange \
             X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256) with ESMTPS"
        );
        assert_eq!(
            r.comments,
            vec![
                "mail.sender.example [203.0.113.25]",
                "using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\t key-exchange \
                 X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256",
                "No client certificate requested",
                "Postfix",
                "UTC",
            ]
        );
        assert_eq!(r.envelope_from, None);
    }

    #[test]
    fn postfix_plain_unknown_rdns() {
        let r = parse(
            "from helo.example.net (unknown [198.51.100.7])\n\tby mx2.example.org (Postfix) \
             with ESMTP id 9A1B2C3D4E\n\tfor <bob@example.org>; Wed, 12 Aug 2026 07:01:02 +0200 \
             (CEST)",
        );
        assert_eq!(
            r.from,
            from(Some("helo.example.net"), None, Some("198.51.100.7"))
        );
        assert_eq!(r.with, s("ESMTP"));
        assert_eq!(r.tls, None);
        assert_eq!(rfc3339(&r), "2026-08-12T07:01:02+02:00");
    }

    #[test]
    fn postfix_authenticated_submission() {
        let r = parse(
            "from [192.168.1.20] (dsl-84-12.isp.example [84.12.7.9])\n\t(Authenticated sender: \
             alice@example.com)\n\tby smtp.example.com (Postfix) with ESMTPSA id 4Xk2Q01b7Fz1xyz\
             ;\n\tThu, 13 Aug 2026 09:15:00 +0100 (BST)",
        );
        assert_eq!(
            r.from,
            from(
                Some("[192.168.1.20]"),
                Some("dsl-84-12.isp.example"),
                Some("84.12.7.9")
            )
        );
        assert_eq!(r.with, s("ESMTPSA"));
        assert_eq!(
            r.tls.as_ref().map(|t| t.evidence.as_str()),
            Some("with ESMTPSA")
        );
        assert!(
            r.comments
                .contains(&"Authenticated sender: alice@example.com".to_owned())
        );
        assert_eq!(rfc3339(&r), "2026-08-13T09:15:00+01:00");
    }

    #[test]
    fn exim_tls13() {
        let r = parse(
            "from mail.sender.example ([203.0.113.9] helo=smtp.sender.example)\n\tby \
             mx.example.net with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.96)\n\t\
             (envelope-from <a@b.example>)\n\tid 1tXyZq-00AbCd-2x\n\tfor u@x.example;\n\tTue, \
             11 Aug 2026 18:24:48 +0000",
        );
        assert_eq!(
            r.from,
            from(
                Some("smtp.sender.example"),
                Some("mail.sender.example"),
                Some("203.0.113.9")
            )
        );
        assert_eq!(r.by, s("mx.example.net"));
        assert_eq!(r.with, s("esmtps"));
        assert_eq!(r.id, s("1tXyZq-00AbCd-2x"));
        assert_eq!(r.for_recipient, s("u@x.example"));
        assert_eq!(r.envelope_from, s("a@b.example"));
        let tls = r.tls.clone().unwrap();
        assert_eq!(tls.version, s("TLS1.3"));
        assert_eq!(tls.cipher, s("TLS_AES_256_GCM_SHA384"));
        assert_eq!(
            tls.evidence,
            "with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384"
        );
        assert_eq!(
            r.comments,
            vec![
                "[203.0.113.9] helo=smtp.sender.example",
                "TLS1.3",
                "Exim 4.96",
                "envelope-from <a@b.example>"
            ]
        );
    }

    #[test]
    fn exim_literal_with_port_and_old_tls_comment() {
        let r = parse(
            "from [198.51.100.23] (port=52144 helo=client.example)\n\tby mail.example.org with \
             esmtpsa (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256)\n\t(Exim 4.92)\n\t\
             (envelope-from <>)\n\tid 1kQ2rS-0004Ab-Cd; Mon, 02 Nov 2020 10:11:12 +0100",
        );
        assert_eq!(
            r.from,
            from(Some("client.example"), None, Some("198.51.100.23"))
        );
        assert_eq!(r.envelope_from, s(""));
        let tls = r.tls.clone().unwrap();
        assert_eq!(tls.version, s("TLSv1.2"));
        assert_eq!(tls.cipher, s("ECDHE-RSA-AES256-GCM-SHA384"));
        assert_eq!(
            tls.evidence,
            "with esmtpsa (TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256)"
        );
    }

    #[test]
    fn exim_host_with_port_in_literal() {
        let r = parse(
            "from relay.example.com ([192.0.2.44]:41522 helo=relay)\n\tby mx.example.net with \
             esmtp (Exim 4.97) id 1s2Bc3-000XyZ-9q; Fri, 01 Mar 2024 04:05:06 -0500",
        );
        assert_eq!(
            r.from,
            from(Some("relay"), Some("relay.example.com"), Some("192.0.2.44"))
        );
        assert_eq!(r.tls, None);
    }

    #[test]
    fn sendmail_may_be_forged() {
        let r = parse(
            "from helo.client.example (rdns.client.example [192.0.2.88] (may be forged))\n\tby \
             mx.example.edu (8.15.2/8.15.2) with ESMTPS id 2B8C1abc012345\n\t(version=TLSv1.3 \
             cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)\n\tfor <u@example.edu>; Tue, 8 \
             Dec 2026 11:22:33 -0800",
        );
        assert_eq!(
            r.from,
            from(
                Some("helo.client.example"),
                Some("rdns.client.example"),
                Some("192.0.2.88")
            )
        );
        assert_eq!(r.by, s("mx.example.edu"));
        assert_eq!(r.id, s("2B8C1abc012345"));
        assert_eq!(r.for_recipient, s("u@example.edu"));
        let tls = r.tls.clone().unwrap();
        assert_eq!(tls.version, s("TLSv1.3"));
        assert_eq!(tls.cipher, s("TLS_AES_256_GCM_SHA384"));
        assert_eq!(
            tls.evidence,
            "with ESMTPS (version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)"
        );
        assert_eq!(
            r.comments[0],
            "rdns.client.example [192.0.2.88] (may be forged)"
        );
        assert_eq!(rfc3339(&r), "2026-12-08T11:22:33-08:00");
    }

    #[test]
    fn sendmail_without_rdns_and_ident() {
        let r = parse(
            "from helo.example ([192.0.2.5]) by mx.example.com (8.14.7/8.14.7) with ESMTP id \
             u1AB2c3d004567; Mon, 1 Feb 2016 10:00:00 GMT",
        );
        assert_eq!(r.from, from(Some("helo.example"), None, Some("192.0.2.5")));
        let r = parse(
            "from helo.example (joe@host.example [192.0.2.6]) by mx.example.com with SMTP id \
             x1; Mon, 1 Feb 2016 10:00:00 GMT",
        );
        assert_eq!(
            r.from,
            from(
                Some("helo.example"),
                Some("host.example"),
                Some("192.0.2.6")
            )
        );
    }

    #[test]
    fn sendmail_local_submission() {
        let r = parse(
            "(from root@localhost)\n\tby host.example.com (8.15.2/8.15.2/Submit) id \
             2B8C1abc012346;\n\tTue, 8 Dec 2026 11:22:30 -0800",
        );
        assert_eq!(r.from, None);
        assert_eq!(r.by, s("host.example.com"));
        assert_eq!(r.id, s("2B8C1abc012346"));
        assert_eq!(r.comments[0], "from root@localhost");
    }

    #[test]
    fn qmail_invoked_from_network() {
        let r = parse("(qmail 12345 invoked from network); 8 Jul 2011 12:08:34 -0000");
        assert_eq!(r.from, None);
        assert_eq!(r.by, None);
        assert_eq!(r.comments, vec!["qmail 12345 invoked from network"]);
        assert_eq!(r.date_text, s("8 Jul 2011 12:08:34 -0000"));
        assert_eq!(rfc3339(&r), "2011-07-08T12:08:34+00:00");
    }

    #[test]
    fn qmail_helo_and_bare_ip() {
        let r = parse(
            "from unknown (HELO mail.sender.example) (203.0.113.77)\n  by mx.example.com with \
             SMTP; 8 Jul 2011 12:08:34 -0000",
        );
        assert_eq!(
            r.from,
            from(Some("mail.sender.example"), None, Some("203.0.113.77"))
        );
        assert_eq!(r.with, s("SMTP"));
        let r = parse(
            "from ppp-7.isp.example (HELO laptop) (alice@198.51.100.70)\n  by mx.example.com \
             with SMTP; 8 Jul 2011 12:08:35 -0000",
        );
        assert_eq!(
            r.from,
            from(
                Some("laptop"),
                Some("ppp-7.isp.example"),
                Some("198.51.100.70")
            )
        );
    }

    #[test]
    fn ehlo_comment() {
        let r = parse(
            "from mx.relay.example (EHLO smtp.client.example) ([192.0.2.12])\n  by \
             mta.example.com with ESMTP; Wed, 2 Sep 2026 01:02:03 +0000",
        );
        assert_eq!(
            r.from,
            from(
                Some("smtp.client.example"),
                Some("mx.relay.example"),
                Some("192.0.2.12")
            )
        );
    }

    #[test]
    fn exchange_on_premises() {
        let r = parse(
            "from EX1.contoso.com (10.0.0.1) by EX2.contoso.com (10.0.0.2) with Microsoft SMTP\n \
             Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id \
             15.1.2507.39; Tue, 11 Aug 2026 20:24:48 +0200",
        );
        assert_eq!(
            r.from,
            from(Some("EX1.contoso.com"), None, Some("10.0.0.1"))
        );
        assert_eq!(r.by, s("EX2.contoso.com"));
        assert_eq!(r.with, s("Microsoft SMTP Server"));
        assert_eq!(r.id, s("15.1.2507.39"));
        let tls = r.tls.clone().unwrap();
        assert_eq!(tls.version, s("TLS1_2"));
        assert_eq!(tls.cipher, s("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assert_eq!(
            tls.evidence,
            "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)"
        );
        assert_eq!(rfc3339(&r), "2026-08-11T20:24:48+02:00");
    }

    #[test]
    fn exchange_2010_tls_word_and_no_tls() {
        let r = parse(
            "from CAS1.corp.example (192.168.5.10) by CAS2.corp.example (192.168.5.11) with \
             Microsoft SMTP Server (TLS) id 14.3.224.2; Mon, 5 Jan 2015 09:00:00 -0500",
        );
        assert_eq!(r.with, s("Microsoft SMTP Server"));
        assert_eq!(r.tls.map(|t| t.evidence), s("(TLS)"));
        let r = parse(
            "from EX1.contoso.com (10.0.0.1) by EX2.contoso.com (10.0.0.2) with Microsoft SMTP \
             Server id 15.1.2507.39 via Frontend Transport; Tue, 11 Aug 2026 18:24:48 +0000",
        );
        assert_eq!(r.with, s("Microsoft SMTP Server"));
        assert_eq!(r.via, s("Frontend Transport"));
        assert_eq!(r.tls, None);
    }

    #[test]
    fn microsoft_365_internal() {
        let r = parse(
            "from AM0PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:208:12::34) by\n \
             AM0PR01MB5678.eurprd01.prod.exchangelabs.com with HTTPS; Tue, 11 Aug 2026\n \
             18:24:48 +0000",
        );
        assert_eq!(
            r.from,
            from(
                Some("AM0PR01MB1234.eurprd01.prod.exchangelabs.com"),
                None,
                Some("2603:10a6:208:12::34")
            )
        );
        assert_eq!(r.by, s("AM0PR01MB5678.eurprd01.prod.exchangelabs.com"));
        assert_eq!(r.with, s("HTTPS"));
        assert_eq!(r.tls, None);
        assert_eq!(r.date_text, s("Tue, 11 Aug 2026 18:24:48 +0000"));
        let r = parse(
            "from DB8PR09CA0001.eurprd09.prod.outlook.com (2603:10a6:10:a0::14) by\n \
             AM0PR01MB5678.eurprd01.prod.exchangelabs.com (2603:10a6:208:34::56) with\n \
             Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id\n \
             15.20.8293.12; Tue, 11 Aug 2026 18:24:49 +0000",
        );
        assert_eq!(r.with, s("Microsoft SMTP Server"));
        assert_eq!(r.id, s("15.20.8293.12"));
        assert_eq!(r.tls.unwrap().version, s("TLS1_3"));
        let r = parse(
            "from AM6P191CA0011.EURP191.PROD.OUTLOOK.COM (2603:10a6:209:8c::24) by\n \
             AM6EUR05FT012.mail.protection.outlook.com (2603:10a6:209:8c:cafe::a1) with\n \
             Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)\n \
             id 15.20.7698.1 via Frontend Transport; Tue, 11 Aug 2026 18:24:47 +0000",
        );
        assert_eq!(r.via, s("Frontend Transport"));
        assert_eq!(r.id, s("15.20.7698.1"));
    }

    #[test]
    fn gmail_internal_hop() {
        let r = parse(
            "by 2002:a05:600c:4e8b:b0:42c:1234:5678 with SMTP id \
             5b1f17b1804b1-42c7a1b2c3dmr123456785e9.41.1786497888123;\n        Tue, 11 Aug 2026 \
             18:24:48 -0700 (PDT)",
        );
        assert_eq!(r.from, None);
        assert_eq!(r.by, s("2002:a05:600c:4e8b:b0:42c:1234:5678"));
        assert_eq!(r.with, s("SMTP"));
        assert_eq!(
            r.id,
            s("5b1f17b1804b1-42c7a1b2c3dmr123456785e9.41.1786497888123")
        );
        assert_eq!(r.date_text, s("Tue, 11 Aug 2026 18:24:48 -0700 (PDT)"));
        assert_eq!(r.date.unwrap().timestamp, 1_786_497_888);
        assert_eq!(r.comments, vec!["PDT"]);
    }

    #[test]
    fn gmail_mx_hop() {
        let r = parse(
            "from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])\n        by \
             mx.google.com with SMTPS id a1b2c3d4e5f6g.123.2026.08.11.18.24.48\n        for \
             <x@gmail.com>\n        (Google Transport Security);\n        Tue, 11 Aug 2026 \
             18:24:48 -0700 (PDT)",
        );
        assert_eq!(
            r.from,
            from(
                Some("mail-sor-f41.google.com"),
                Some("mail-sor-f41.google.com"),
                Some("209.85.220.41")
            )
        );
        assert_eq!(r.by, s("mx.google.com"));
        assert_eq!(r.for_recipient, s("x@gmail.com"));
        let tls = r.tls.clone().unwrap();
        assert_eq!(tls.evidence, "with SMTPS (Google Transport Security)");
        assert_eq!((tls.version, tls.cipher), (None, None));
    }

    #[test]
    fn sendgrid_date_without_semicolon() {
        let r = parse(
            "from MTY1NjM (unknown)\n\tby geopod-ismtpd-3 (SG) with ESMTP id AbCdEf12QxY\n\t\
             Tue, 10 Nov 2026 09:01:02 +0000 (UTC)",
        );
        assert_eq!(r.from, from(Some("MTY1NjM"), None, None));
        assert_eq!(r.by, s("geopod-ismtpd-3"));
        assert_eq!(r.with, s("ESMTP"));
        assert_eq!(r.id, s("AbCdEf12QxY"));
        assert_eq!(r.date_text, s("Tue, 10 Nov 2026 09:01:02 +0000 (UTC)"));
        assert_eq!(rfc3339(&r), "2026-11-10T09:01:02+00:00");
        assert_eq!(r.comments, vec!["unknown", "SG", "UTC"]);
        let r = parse(
            "from o1.ptr1234.sendgrid.example (o1.ptr1234.sendgrid.example [149.72.0.1]) by \
             mx.example.org with ESMTPS id q1 Tue, 10 Nov 2026 09:01:03 +0000",
        );
        assert_eq!(r.id, s("q1"));
        assert_eq!(r.with, s("ESMTPS"));
        assert_eq!(rfc3339(&r), "2026-11-10T09:01:03+00:00");
    }

    #[test]
    fn amazon_ses() {
        let r = parse(
            "from a13-167.smtp-out.amazonses.com (a13-167.smtp-out.amazonses.com. \
             [54.240.13.167])\n by mx1.messagingengine.com (Postfix) with ESMTPS id 5C1E2A0123\n \
             for <u@fastmail.example>; Mon, 23 Oct 2023 21:23:09 -0400 (EDT)",
        );
        assert_eq!(
            r.from,
            from(
                Some("a13-167.smtp-out.amazonses.com"),
                Some("a13-167.smtp-out.amazonses.com"),
                Some("54.240.13.167")
            )
        );
        assert_eq!(rfc3339(&r), "2023-10-23T21:23:09-04:00");
        let r = parse(
            "by email-smtp.amazonaws.com with SMTP (SimpleEmailService-d-ABC123) id \
             EqPqY8Bk3Hs0aB1c2D3e; Mon, 23 Oct 2023 21:23:08 +0000 (UTC)",
        );
        assert_eq!(r.by, s("email-smtp.amazonaws.com"));
        assert_eq!(r.with, s("SMTP"));
        assert_eq!(r.id, s("EqPqY8Bk3Hs0aB1c2D3e"));
        assert_eq!(r.tls, None);
    }

    /// Apple's Oracle Messaging Server hop from `shared/fixtures/msg/unicode.msg`, verbatim.
    #[test]
    fn oracle_messaging_server_folded_date() {
        let r = parse(
            " from mail-vc0-f182.google.com ([209.85.220.182])\n by st11p00mm-smtpin007.mac.com\n \
             (Oracle Communications Messaging Server 7u4-27.08(7.0.4.27.7) 64bit (built Aug\n \
             22 2013)) with ESMTP id <0MWG0027CA41UG60@st11p00mm-smtpin007.mac.com> for\n \
             brianzhou@me.com (ORCPT brianzhou@me.com); Mon,\n 18 Nov 2013 08:26:29 +0000 (GMT)",
        );
        assert_eq!(
            r.from,
            from(
                Some("mail-vc0-f182.google.com"),
                None,
                Some("209.85.220.182")
            )
        );
        assert_eq!(r.by, s("st11p00mm-smtpin007.mac.com"));
        assert_eq!(r.with, s("ESMTP"));
        assert_eq!(r.id, s("0MWG0027CA41UG60@st11p00mm-smtpin007.mac.com"));
        assert_eq!(r.for_recipient, s("brianzhou@me.com"));
        assert_eq!(r.date_text, s("Mon, 18 Nov 2013 08:26:29 +0000 (GMT)"));
        assert_eq!(rfc3339(&r), "2013-11-18T08:26:29+00:00");
        assert_eq!(
            r.comments,
            vec![
                "[209.85.220.182]",
                "Oracle Communications Messaging Server 7u4-27.08(7.0.4.27.7) 64bit (built Aug 22 2013)",
                "ORCPT brianzhou@me.com",
                "GMT",
            ]
        );
        let r = parse("by 10.58.207.196 with HTTP; Mon, 18 Nov 2013 00:26:24 -0800 (PST)");
        assert_eq!(r.by, s("10.58.207.196"));
        assert_eq!(r.with, s("HTTP"));
        assert_eq!(rfc3339(&r), "2013-11-18T00:26:24-08:00");
    }

    #[test]
    fn obsolete_and_odd_dates() {
        let r = parse("from x.example ([192.0.2.1]) by y.example; 8 Jul 11 12:08:34 EDT");
        assert_eq!(rfc3339(&r), "2011-07-08T12:08:34-04:00");
        let r = parse("by y.example with SMTP; Fri Jul  8 12:08:34 2011");
        assert_eq!(r.date_text, s("Fri Jul 8 12:08:34 2011"));
        assert_eq!(rfc3339(&r), "2011-07-08T12:08:34+00:00");
        let r = parse("by y.example with SMTP; 2026-08-11 18:24:48 +0000");
        assert_eq!(rfc3339(&r), "2026-08-11T18:24:48+00:00");
    }

    #[test]
    fn missing_or_unreadable_date() {
        let r = parse("from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 1234");
        assert_eq!((r.date, r.date_text), (None, None));
        assert_eq!(r.id, s("1234"));
        let r = parse("by b.example with ESMTP id 1234; yesterday at noon");
        assert_eq!(r.date, None);
        assert_eq!(r.date_text, s("yesterday at noon"));
        let r = parse("by b.example with ESMTP id 1234; 32 Aug 2026 18:24:48 +0000");
        assert_eq!(r.date, None);
        assert_eq!(r.date_text, s("32 Aug 2026 18:24:48 +0000"));
        let r = parse("by b.example id 1234;");
        assert_eq!((r.date, r.date_text), (None, None));
    }

    #[test]
    fn address_literal_forms() {
        let cases = [
            (
                "from h.example (h.example [IPv6:2001:db8::1]) by m",
                "2001:db8::1",
            ),
            (
                "from h.example (h.example [2001:db8::2]) by m",
                "2001:db8::2",
            ),
            (
                "from h.example (h.example [192.0.2.3]:2525) by m",
                "192.0.2.3",
            ),
            ("from h.example (192.0.2.4) by m", "192.0.2.4"),
            ("from h.example ([IPv6:::1]) by m", "::1"),
            (
                "from h.example (h.example [::ffff:192.0.2.5]) by m",
                "192.0.2.5",
            ),
            (
                "from h.example ([2001:db8::6]:41522 helo=x) by m",
                "2001:db8::6",
            ),
            ("from h.example (192.0.2.7:25) by m", "192.0.2.7"),
        ];
        for (value, addr) in cases {
            let r = parse(value);
            assert_eq!(r.from.unwrap().ip, ip(addr), "{value}");
        }
    }

    #[test]
    fn literal_as_from_value() {
        // Without TCP-info the literal is the connecting address, not a greeting.
        let r = parse("from [192.0.2.9] by mx.example.org with SMTP; 1 Jan 2026 00:00:00 +0000");
        assert_eq!(r.from, from(None, None, Some("192.0.2.9")));
        let r = parse("from [IPv6:2001:db8::9] by mx.example.org with SMTP");
        assert_eq!(r.from, from(None, None, Some("2001:db8::9")));
        // MessageLabs: only the address, then a TLS comment.
        let r = parse(
            "from [203.0.113.140] (using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256 bits)) by server-7.tower-588.messagelabs.com with ESMTPS id 6C/2E-01533-8E3A0E86; Mon, 16 Nov 2026 11:05:42 +0000",
        );
        assert_eq!(r.from, from(None, None, Some("203.0.113.140")));
        // With TCP-info the literal is what the client greeted with.
        let r = parse("from [192.0.2.9] (helo.example [192.0.2.9]) by mx.example.org");
        assert_eq!(
            r.from,
            from(Some("[192.0.2.9]"), Some("helo.example"), Some("192.0.2.9"))
        );
        // Postfix: the HELO was a literal, the real address is in the comment.
        let r = parse("from [10.1.1.1] (unknown [192.0.2.10]) by mx.example.org with ESMTP id X");
        assert_eq!(r.from, from(Some("[10.1.1.1]"), None, Some("192.0.2.10")));
    }

    #[test]
    fn trailing_dots_removed() {
        let r = parse("from helo.example. (rdns.example. [192.0.2.1]) by mx.example.org. id 1");
        assert_eq!(
            r.from,
            from(
                Some("helo.example"),
                Some("rdns.example"),
                Some("192.0.2.1")
            )
        );
        assert_eq!(r.by, s("mx.example.org"));
    }

    #[test]
    fn clauses_in_any_order_repeated_and_upper_case() {
        let r = parse(
            "BY mx.example.org (comment one) WITH ESMTP FOR <u@example.org> ID abc FROM \
             h.example (h.example [192.0.2.1]) by other.example id second; Tue, 11 Aug 2026 \
             18:24:48 +0000",
        );
        assert_eq!(r.by, s("mx.example.org"));
        assert_eq!(r.with, s("ESMTP"));
        assert_eq!(r.for_recipient, s("u@example.org"));
        assert_eq!(r.id, s("abc"));
        assert_eq!(
            r.from,
            from(Some("h.example"), Some("h.example"), Some("192.0.2.1"))
        );
        assert_eq!(r.comments[0], "comment one");
        let r = parse("from a.example from b.example (b.example [192.0.2.2]) by c.example");
        assert_eq!(r.from, from(Some("a.example"), None, None));
    }

    #[test]
    fn semicolon_before_a_clause_is_not_a_date() {
        let r = parse("from a.example; by b.example with SMTP");
        assert_eq!(r.by, s("b.example"));
        assert_eq!(r.date_text, None);
    }

    #[test]
    fn tls_protocol_names() {
        for w in [
            "ESMTPS",
            "ESMTPSA",
            "SMTPS",
            "UTF8SMTPS",
            "UTF8SMTPSA",
            "esmtps",
            "LMTPS",
        ] {
            assert!(is_tls_protocol(w), "{w}");
            let r = parse(&format!("by m.example with {w} id 1"));
            assert_eq!(r.tls.unwrap().evidence, format!("with {w}"));
        }
        for w in [
            "ESMTP",
            "ESMTPA",
            "SMTP",
            "HTTPS",
            "LMTP",
            "UTF8SMTPA",
            "S",
            "SA",
            "",
        ] {
            assert!(!is_tls_protocol(w), "{w}");
        }
    }

    #[test]
    fn tcp_info_rejects_other_comments() {
        let r = parse(
            "from h.example (Authenticated sender: x@y.example) (using TLSv1.2 with cipher \
             ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)) by m.example (Postfix) with ESMTPSA",
        );
        assert_eq!(r.from, from(Some("h.example"), None, None));
        let tls = r.tls.clone().unwrap();
        assert_eq!(tls.version, s("TLSv1.2"));
        assert_eq!(tls.cipher, s("ECDHE-RSA-AES256-GCM-SHA384"));
    }

    #[test]
    fn unclosed_comment_keeps_what_it_can() {
        // Truncated inside the TCP-info comment: what was there is still read.
        let r = parse("from h.example (rdns.example [192.0.2.1]");
        assert_eq!(
            r.from,
            from(Some("h.example"), Some("rdns.example"), Some("192.0.2.1"))
        );
        assert_eq!(r.comments, vec!["rdns.example [192.0.2.1]"]);
        // An unclosed comment swallows the clauses after it; the `from` word survives.
        let r = parse("from h.example (h.example [192.0.2.1] by m.example");
        assert_eq!(r.from, from(Some("h.example"), None, None));
        assert_eq!(r.by, None);
    }

    #[test]
    fn errors_say_what_was_expected() {
        for v in [
            "",
            "  \n\t ",
            "hello world",
            "asdf; qwerty",
            "(just a comment)",
            ")))",
        ] {
            let e = parse_received(v).unwrap_err();
            assert!(e.message.contains("expected"), "{v:?}: {e}");
        }
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        const FRAGMENTS: &[&str] = &[
            "from",
            "by",
            "with",
            "via",
            "id",
            "for",
            "tls",
            "FROM",
            ";",
            "(",
            ")",
            "[",
            "]",
            "<",
            ">",
            "mail.example.com",
            "mail.example.com.",
            "unknown",
            "[192.0.2.1]",
            "[IPv6:2001:db8::1]",
            "[1.2.3.4]:25",
            "(mail.example.com [192.0.2.1])",
            "(unknown [192.0.2.1])",
            "([192.0.2.1] helo=x)",
            "(port=1 helo=x)",
            "(HELO x)",
            "(EHLO",
            "(192.0.2.1)",
            "(may be forged)",
            "ESMTPS",
            "esmtpsa",
            "HTTPS",
            "Microsoft SMTP Server",
            "(version=TLS1_2, cipher=X)",
            "(TLS1.3)",
            "(TLSv1.2:ECDHE:256)",
            "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384",
            "(Google Transport Security)",
            "(envelope-from <a@b>)",
            "(envelope-from",
            "<u@example.org>",
            "u@x",
            "4Xk2Lp6cQbz9sTn",
            "Tue, 11 Aug 2026 18:24:48 -0700",
            "(PDT)",
            "8 Jul 11 12:08:34",
            "Fri Jul  8 12:08:34 2011",
            "2026-08-11T18:24:48Z",
            "+0000",
            "\n\t",
            "\\",
            "\"",
            "é",
            "[",
            "@",
            "=",
            "helo=",
            "ident=",
        ];

        proptest! {
            #[test]
            fn never_panics_on_anything(s in ".*") {
                let _ = parse_received(&s);
            }

            #[test]
            fn never_panics_on_any_bytes_as_text(b in prop::collection::vec(any::<u8>(), 0..200)) {
                let _ = parse_received(&String::from_utf8_lossy(&b));
            }

            #[test]
            fn never_panics_on_fragments(
                parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24),
                glue in prop::sample::select(&[" ", "", "\n ", "\t"][..]),
            ) {
                let v = parts.join(glue);
                if let Ok(r) = parse_received(&v) {
                    if let Some(t) = &r.tls {
                        prop_assert!(!t.evidence.is_empty());
                    }
                    prop_assert!(r.comments.len() <= v.matches('(').count());
                }
            }

            #[test]
            fn postfix_shape_round_trips(
                helo in "[a-z]{1,8}\\.example",
                a in 1u8..255, b in 0u8..255,
                qid in "[0-9A-Za-z]{6,15}",
                user in "[a-z]{1,8}",
                secs in 0i64..4_000_000_000,
            ) {
                let date = crate::date::DateTime { timestamp: secs, offset_minutes: 0 };
                let v = format!(
                    "from {helo} ({helo} [192.0.{a}.{b}])\n\tby mx.example.org (Postfix) with \
                     ESMTP id {qid}\n\tfor <{user}@example.org>; {}",
                    date.to_rfc3339()
                );
                let r = parse_received(&v).unwrap();
                let ip: IpAddr = format!("192.0.{a}.{b}").parse().unwrap();
                prop_assert_eq!(r.from, Some(FromClause {
                    helo: Some(helo.clone()), rdns: Some(helo), ip: Some(ip),
                }));
                prop_assert_eq!(r.id, Some(qid));
                prop_assert_eq!(r.for_recipient, Some(format!("{user}@example.org")));
                prop_assert_eq!(r.date, Some(date));
            }
        }
    }
}
