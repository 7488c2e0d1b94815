//! The recorded-DNS file: DNS master-file syntax (RFC 1035 §5), so `dig +noall +answer`
//! output pastes straight in, plus lines for answers that are not records.
//!
//! ```text
//! $ORIGIN example.com.
//! $TTL 3600
//! @                         IN TXT  "v=spf1 ip4:192.0.2.0/24 -all"
//! s1._domainkey        300  IN TXT  "v=DKIM1; k=rsa; " "p=MIIBIjANBg..."
//! 7.2.0.192.in-addr.arpa.   IN PTR  mail.example.com.
//! nothere.example.com.      NXDOMAIN          ; the name does not exist
//! example.com.              AAAA NODATA       ; the name exists, no record of this type
//! broken.example.com.       TXT  SERVFAIL     ; the server failed
//! slow.example.com.         TXT  TIMEOUT      ; no answer in time
//! ```
//!
//! Owner names may be absolute (trailing dot), relative to `$ORIGIN`, `@`, or blank (the
//! previous owner); TTL and class are optional in either order; parentheses continue a
//! record over several lines; `;` starts a comment outside quotes.
//!
//! Names take RFC 1035 §5.1 escapes, as dig prints them: `\X` is the character X (so `\ `,
//! `\;`, `\(` stay inside the name) and `\DDD` the byte with decimal value DDD. Names here
//! are plain strings, so a name whose bytes are not UTF-8, or with an escaped dot inside a
//! label (`\.`, `\046`), is an error on its line rather than a different name.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A record type this tool reads or writes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    A,
    Aaaa,
    Mx,
    Txt,
    Ptr,
    Cname,
    /// Any other type (NS, SOA...): kept verbatim, never used for verification.
    Other(String),
}

impl RecordType {
    pub fn parse(text: &str) -> Option<RecordType> {
        let upper = text.to_ascii_uppercase();
        Some(match upper.as_str() {
            "A" => RecordType::A,
            "AAAA" => RecordType::Aaaa,
            "MX" => RecordType::Mx,
            "TXT" | "SPF" => RecordType::Txt,
            "PTR" => RecordType::Ptr,
            "CNAME" => RecordType::Cname,
            "NS" | "SOA" | "SRV" | "CAA" | "DS" | "DNSKEY" | "RRSIG" | "NSEC" | "NSEC3"
            | "TLSA" | "HTTPS" | "SVCB" | "DNAME" | "HINFO" => RecordType::Other(upper),
            t if t.starts_with("TYPE")
                && t[4..].chars().all(|c| c.is_ascii_digit())
                && t.len() > 4 =>
            {
                RecordType::Other(upper)
            }
            _ => return None,
        })
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Mx => "MX",
            RecordType::Txt => "TXT",
            RecordType::Ptr => "PTR",
            RecordType::Cname => "CNAME",
            RecordType::Other(name) => name,
        })
    }
}

/// The data of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Mx {
        preference: u16,
        exchange: String,
    },
    /// The character-strings, unescaped.
    Txt(Vec<Vec<u8>>),
    Ptr(String),
    Cname(String),
    Other(String),
}

impl RData {
    pub fn record_type(&self) -> RecordType {
        match self {
            RData::A(_) => RecordType::A,
            RData::Aaaa(_) => RecordType::Aaaa,
            RData::Mx { .. } => RecordType::Mx,
            RData::Txt(_) => RecordType::Txt,
            RData::Ptr(_) => RecordType::Ptr,
            RData::Cname(_) => RecordType::Cname,
            RData::Other(_) => RecordType::Other(String::new()),
        }
    }

    /// The TXT strings joined, as SPF, DKIM and DMARC read them.
    pub fn txt_joined(&self) -> Option<Vec<u8>> {
        match self {
            RData::Txt(strings) => Some(strings.concat()),
            _ => None,
        }
    }
}

impl fmt::Display for RData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RData::A(ip) => write!(f, "{ip}"),
            RData::Aaaa(ip) => write!(f, "{ip}"),
            RData::Mx {
                preference,
                exchange,
            } => write!(f, "{preference} {exchange}"),
            RData::Ptr(name) | RData::Cname(name) => f.write_str(name),
            RData::Other(text) => f.write_str(text),
            RData::Txt(strings) => {
                for (n, string) in strings.iter().enumerate() {
                    if n > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str("\"")?;
                    for &b in string {
                        match b {
                            b'"' | b'\\' => write!(f, "\\{}", b as char)?,
                            0x20..=0x7e => write!(f, "{}", b as char)?,
                            _ => write!(f, "\\{b:03}")?,
                        }
                    }
                    f.write_str("\"")?;
                }
                Ok(())
            }
        }
    }
}

/// An answer that is not a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negative {
    /// The name has no records of this type (NOERROR, empty answer).
    NoData,
    /// The server failed (SERVFAIL).
    ServFail,
    /// No answer arrived in time.
    Timeout,
}

impl Negative {
    fn parse(text: &str) -> Option<Negative> {
        match text.to_ascii_uppercase().as_str() {
            "NODATA" => Some(Negative::NoData),
            "SERVFAIL" => Some(Negative::ServFail),
            "TIMEOUT" => Some(Negative::Timeout),
            _ => None,
        }
    }

    pub fn keyword(self) -> &'static str {
        match self {
            Negative::NoData => "NODATA",
            Negative::ServFail => "SERVFAIL",
            Negative::Timeout => "TIMEOUT",
        }
    }
}

/// One line (or parenthesised group of lines) of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Record {
        name: String,
        ttl: u32,
        data: RData,
    },
    /// The name does not exist at all.
    NxDomain {
        name: String,
    },
    Negative {
        name: String,
        record_type: RecordType,
        answer: Negative,
    },
}

/// A line that could not be read, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ZoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

const DEFAULT_TTL: u32 = 3600;

/// Lowercases a name and gives it a trailing dot. Nothing is trimmed: a space can be part
/// of a name (`\032` in a file), and lookups must match it byte for byte.
pub fn fqdn(name: &str) -> String {
    let mut name = name.to_ascii_lowercase();
    if !name.ends_with('.') {
        name.push('.');
    }
    name
}

/// A token of a record line: a bare word or a quoted character-string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(Vec<u8>),
}

impl Token {
    fn word(&self) -> Option<&str> {
        match self {
            Token::Word(w) => Some(w),
            Token::Quoted(_) => None,
        }
    }
}

/// Splits the text into logical records: `(line number, starts with blank, tokens)`.
fn logical_lines(text: &str) -> Result<Vec<(usize, bool, Vec<Token>)>, ZoneError> {
    let mut out = Vec::new();
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut start_line = 1;
    let mut starts_blank = false;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if depth == 0 {
            start_line = number;
            starts_blank = line.starts_with([' ', '\t']);
        }
        let mut chars = line.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            match c {
                ';' => break,
                ' ' | '\t' | '\r' => {}
                '(' => depth += 1,
                ')' => {
                    depth = depth.checked_sub(1).ok_or_else(|| ZoneError {
                        line: number,
                        message: "`)` without a matching `(`".to_owned(),
                    })?;
                }
                '"' => {
                    // The raw text up to the closing quote (`\"` is not one), then escapes.
                    let mut raw = String::new();
                    let mut escaped = false;
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        if c == '"' && !escaped {
                            closed = true;
                            break;
                        }
                        escaped = !escaped && c == '\\';
                        raw.push(c);
                    }
                    if !closed {
                        return Err(ZoneError {
                            line: number,
                            message: "a quoted string is not closed".to_owned(),
                        });
                    }
                    let bytes = decode_escapes(&raw, |_| Ok(())).map_err(|message| ZoneError {
                        line: number,
                        message,
                    })?;
                    tokens.push(Token::Quoted(bytes));
                }
                c => {
                    // The word keeps its escapes as written; only names decode them
                    // (`decode_name`), so addresses, numbers and keywords read as before.
                    let mut word = String::from(c);
                    let mut escaped = c == '\\';
                    while let Some(&(_, next)) = chars.peek() {
                        if !escaped && matches!(next, ' ' | '\t' | '\r' | ';' | '(' | ')' | '"') {
                            break;
                        }
                        escaped = !escaped && next == '\\';
                        word.push(next);
                        chars.next();
                    }
                    tokens.push(Token::Word(word));
                }
            }
        }
        if depth == 0 && !tokens.is_empty() {
            out.push((start_line, starts_blank, std::mem::take(&mut tokens)));
        }
    }
    if depth > 0 {
        return Err(ZoneError {
            line: start_line,
            message: "`(` is never closed".to_owned(),
        });
    }
    Ok(out)
}

/// Reads the whole file. The first malformed line is an error naming its line number.
pub fn parse(text: &str) -> Result<Vec<Entry>, ZoneError> {
    let mut origin: Option<String> = None;
    let mut default_ttl = DEFAULT_TTL;
    let mut previous_owner: Option<String> = None;
    let mut entries = Vec::new();
    for (line, starts_blank, tokens) in logical_lines(text)? {
        let error = |message: String| ZoneError { line, message };
        let first = tokens[0].word().unwrap_or("");
        if first.eq_ignore_ascii_case("$ORIGIN") {
            let name = tokens
                .get(1)
                .and_then(Token::word)
                .ok_or_else(|| error("$ORIGIN needs a name".to_owned()))?;
            origin = Some(fqdn(&decode_name(name).map_err(error)?));
            continue;
        }
        if first.eq_ignore_ascii_case("$TTL") {
            let ttl = tokens
                .get(1)
                .and_then(Token::word)
                .and_then(|t| t.parse().ok());
            default_ttl = ttl.ok_or_else(|| error("$TTL needs a number of seconds".to_owned()))?;
            continue;
        }
        if first.starts_with('$') {
            return Err(error(format!("unsupported directive `{first}`")));
        }
        let mut rest = &tokens[..];
        let owner = if starts_blank {
            previous_owner
                .clone()
                .ok_or_else(|| error("a record with no owner name and none before it".to_owned()))?
        } else {
            rest = &rest[1..];
            absolute(first, origin.as_deref()).map_err(error)?
        };
        previous_owner = Some(owner.clone());

        if let Some(word) = rest.first().and_then(Token::word)
            && word.eq_ignore_ascii_case("NXDOMAIN")
        {
            if rest.len() > 1 {
                return Err(error("nothing may follow NXDOMAIN".to_owned()));
            }
            entries.push(Entry::NxDomain { name: owner });
            continue;
        }
        let mut ttl = default_ttl;
        let mut index = 0;
        while let Some(word) = rest.get(index).and_then(Token::word) {
            if let Ok(value) = word.parse::<u32>() {
                ttl = value;
            } else if matches!(
                word.to_ascii_uppercase().as_str(),
                "IN" | "CH" | "HS" | "CS"
            ) {
            } else {
                break;
            }
            index += 1;
        }
        let type_word = rest.get(index).and_then(Token::word).ok_or_else(|| {
            error("expected a record type (A, AAAA, MX, TXT, PTR, CNAME...)".to_owned())
        })?;
        let record_type = RecordType::parse(type_word)
            .ok_or_else(|| error(format!("unknown record type `{type_word}`")))?;
        let data = &rest[index + 1..];
        if let [Token::Word(word)] = data
            && let Some(answer) = Negative::parse(word)
        {
            entries.push(Entry::Negative {
                name: owner,
                record_type,
                answer,
            });
            continue;
        }
        let data = rdata(&record_type, data, origin.as_deref()).map_err(error)?;
        entries.push(Entry::Record {
            name: owner,
            ttl,
            data,
        });
    }
    Ok(entries)
}

/// The absolute, lowercase name a word of the file stands for.
fn absolute(word: &str, origin: Option<&str>) -> Result<String, String> {
    let relative_error = || format!("`{word}` is relative but no $ORIGIN is set");
    if word == "@" {
        return origin.map(str::to_owned).ok_or_else(relative_error);
    }
    let name = decode_name(word)?;
    // Every dot left after decoding separates labels: escaped dots are refused.
    if name.ends_with('.') {
        return Ok(fqdn(&name));
    }
    origin
        .map(|origin| fqdn(&format!("{name}.{origin}")))
        .ok_or_else(relative_error)
}

/// Decodes RFC 1035 §5.1 escapes, in quoted strings and names alike: `\X` is X, `\DDD` the
/// byte with decimal value DDD. `on_escape` sees each byte an escape produced, so a name
/// can refuse an escaped dot.
fn decode_escapes(
    text: &str,
    mut on_escape: impl FnMut(u8) -> Result<(), String>,
) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut buf = [0; 4];
    while let Some(c) = chars.next() {
        if c != '\\' {
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let mut digits = String::new();
        while digits.len() < 3 && chars.peek().is_some_and(char::is_ascii_digit) {
            digits.extend(chars.next());
        }
        let byte = if digits.is_empty() {
            match chars.next() {
                Some(escaped) if escaped.is_ascii() => escaped as u8,
                Some(escaped) => {
                    bytes.extend_from_slice(escaped.encode_utf8(&mut buf).as_bytes());
                    continue;
                }
                None => return Err("it ends in a lone `\\`".to_owned()),
            }
        } else {
            digits
                .parse::<u8>()
                .map_err(|_| format!("escape `\\{digits}` is not a byte (0-255)"))?
        };
        on_escape(byte)?;
        bytes.push(byte);
    }
    Ok(bytes)
}

/// A name as written, its escapes decoded.
fn decode_name(word: &str) -> Result<String, String> {
    let bytes = decode_escapes(word, |byte| {
        if byte == b'.' {
            Err("an escaped dot inside a label, which spamwhy cannot look up (its names are dot-separated text)".to_owned())
        } else {
            Ok(())
        }
    })
    .map_err(|e| format!("`{word}`: {e}"))?;
    String::from_utf8(bytes)
        .map_err(|_| format!("`{word}` is not a name spamwhy can look up: its bytes are not UTF-8"))
}

/// Writes a name so that `decode_name` reads it back: space, control and non-ASCII bytes
/// as `\DDD`, the characters the tokenizer treats specially as `\X`.
fn escape_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (index, &byte) in name.as_bytes().iter().enumerate() {
        match byte {
            b'"' | b';' | b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(byte as char);
            }
            // A leading `@` would be the origin, a leading `$` a directive.
            b'@' | b'$' if index == 0 => {
                out.push('\\');
                out.push(byte as char);
            }
            0x21..=0x7e => out.push(byte as char),
            _ => out.push_str(&format!("\\{byte:03}")),
        }
    }
    out
}

fn rdata(record_type: &RecordType, data: &[Token], origin: Option<&str>) -> Result<RData, String> {
    let words: Vec<&str> = data.iter().filter_map(Token::word).collect();
    let one = |what: &str| -> Result<&str, String> {
        match words.as_slice() {
            [word] if data.len() == 1 => Ok(word),
            _ => Err(format!("{record_type} needs one {what}")),
        }
    };
    let name = |word: &str| absolute(word, origin);
    Ok(match record_type {
        RecordType::A => {
            let word = one("IPv4 address")?;
            RData::A(
                word.parse()
                    .map_err(|_| format!("`{word}` is not an IPv4 address"))?,
            )
        }
        RecordType::Aaaa => {
            let word = one("IPv6 address")?;
            RData::Aaaa(
                word.parse()
                    .map_err(|_| format!("`{word}` is not an IPv6 address"))?,
            )
        }
        RecordType::Mx => match words.as_slice() {
            [preference, exchange] if data.len() == 2 => RData::Mx {
                preference: preference
                    .parse()
                    .map_err(|_| format!("MX preference `{preference}` is not a number"))?,
                exchange: name(exchange)?,
            },
            _ => return Err("MX needs a preference and a host name".to_owned()),
        },
        RecordType::Ptr => RData::Ptr(name(one("host name")?)?),
        RecordType::Cname => RData::Cname(name(one("host name")?)?),
        RecordType::Txt => {
            if data.is_empty() {
                return Err("TXT needs at least one string".to_owned());
            }
            RData::Txt(
                data.iter()
                    .map(|token| match token {
                        Token::Quoted(bytes) => bytes.clone(),
                        Token::Word(word) => word.as_bytes().to_vec(),
                    })
                    .collect(),
            )
        }
        RecordType::Other(_) => RData::Other(
            data.iter()
                .map(|token| match token {
                    Token::Word(word) => word.clone(),
                    Token::Quoted(bytes) => format!("\"{}\"", String::from_utf8_lossy(bytes)),
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
    })
}

/// Writes entries back in the same syntax, one per line, absolute names.
pub fn write(entries: &[Entry]) -> String {
    let mut out = String::new();
    for entry in entries {
        let line = match entry {
            Entry::Record { name, ttl, data } => {
                let record_type = match data {
                    RData::Other(_) => continue,
                    data => data.record_type(),
                };
                let data = match data {
                    RData::Mx {
                        preference,
                        exchange,
                    } => format!("{preference} {}", escape_name(exchange)),
                    RData::Ptr(target) | RData::Cname(target) => escape_name(target),
                    data => data.to_string(),
                };
                format!("{}\t{ttl}\tIN\t{record_type}\t{data}", escape_name(name))
            }
            Entry::NxDomain { name } => format!("{}\tNXDOMAIN", escape_name(name)),
            Entry::Negative {
                name,
                record_type,
                answer,
            } => format!("{}\t{record_type}\t{}", escape_name(name), answer.keyword()),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dig_answer_lines_paste_in() {
        let text = "example.com.\t\t300\tIN\tTXT\t\"v=spf1 include:_spf.example.net \" \"-all\"\nexample.com.\t300\tIN\tMX\t10 mail.example.com.\nmail.example.com. 60 IN A 192.0.2.10\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries.len(), 3);
        let Entry::Record { name, ttl, data } = &entries[0] else {
            panic!()
        };
        assert_eq!((name.as_str(), *ttl), ("example.com.", 300));
        assert_eq!(
            data.txt_joined().unwrap(),
            b"v=spf1 include:_spf.example.net -all"
        );
        assert!(
            matches!(&entries[1], Entry::Record { data: RData::Mx { preference: 10, exchange }, .. } if exchange == "mail.example.com.")
        );
    }

    #[test]
    fn origin_relative_names_blank_owner_parentheses_and_escapes() {
        let text = "$ORIGIN Example.COM.\n$TTL 600\n@ IN TXT \"a\\\"b\" ; comment\n  IN A 192.0.2.1\ns1._domainkey ( IN TXT \"v=DKIM1; \"\n   \"p=AB\\059CD\" )\nwww CNAME @\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries.len(), 4);
        assert!(
            matches!(&entries[0], Entry::Record { name, ttl: 600, data: RData::Txt(t) } if name == "example.com." && t[0] == b"a\"b")
        );
        assert!(
            matches!(&entries[1], Entry::Record { name, data: RData::A(_), .. } if name == "example.com.")
        );
        assert!(
            matches!(&entries[2], Entry::Record { name, data, .. } if name == "s1._domainkey.example.com." && data.txt_joined().unwrap() == b"v=DKIM1; p=AB;CD")
        );
        assert!(
            matches!(&entries[3], Entry::Record { data: RData::Cname(target), .. } if target == "example.com.")
        );
    }

    #[test]
    fn negative_answers() {
        let entries = parse("gone.example. NXDOMAIN\nexample.com. AAAA NODATA\nx.example. 30 IN TXT SERVFAIL\ny.example. MX TIMEOUT\n").unwrap();
        assert_eq!(
            entries[0],
            Entry::NxDomain {
                name: "gone.example.".into()
            }
        );
        assert_eq!(
            entries[1],
            Entry::Negative {
                name: "example.com.".into(),
                record_type: RecordType::Aaaa,
                answer: Negative::NoData
            }
        );
        assert!(matches!(
            entries[2],
            Entry::Negative {
                answer: Negative::ServFail,
                ..
            }
        ));
        assert!(matches!(
            entries[3],
            Entry::Negative {
                answer: Negative::Timeout,
                ..
            }
        ));
    }

    #[test]
    fn errors_name_the_line() {
        let error =
            parse("example.com. IN A 192.0.2.1\nexample.com. IN A 999.1.1.1\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("999.1.1.1"), "{error}");
        assert_eq!(parse("relative IN A 192.0.2.1").unwrap_err().line, 1);
        assert!(
            parse("a. IN TXT \"open")
                .unwrap_err()
                .message
                .contains("not closed")
        );
        assert!(
            parse("a. IN BOGUS x")
                .unwrap_err()
                .message
                .contains("BOGUS")
        );
    }

    #[test]
    fn written_files_read_back_the_same() {
        let text = "a.example. 300 IN TXT \"x\\\"y\" \"\\200z\"\nb.example. NXDOMAIN\nc.example. MX SERVFAIL\nd.example. 60 IN MX 5 mx.example.\n";
        let entries = parse(text).unwrap();
        assert_eq!(parse(&write(&entries)).unwrap(), entries);

        // Names with the bytes the writer must escape, as mail-auth would ask for them.
        let awkward = [
            "two  spaces;semi.example.",
            "@at.example.",
            "$dollar.example.",
            "q\"p(a)r\\b.example.",
            "tab\there.caf\u{e9}.example.",
        ];
        let entries: Vec<Entry> = awkward
            .iter()
            .map(|name| Entry::Record {
                name: (*name).to_owned(),
                ttl: 60,
                data: RData::Cname((*name).to_owned()),
            })
            .chain([
                Entry::Record {
                    name: "mx.example.".into(),
                    ttl: 60,
                    data: RData::Mx {
                        preference: 10,
                        exchange: awkward[0].into(),
                    },
                },
                Entry::Record {
                    name: "4.3.2.1.in-addr.arpa.".into(),
                    ttl: 60,
                    data: RData::Ptr(awkward[1].into()),
                },
                Entry::NxDomain {
                    name: awkward[2].into(),
                },
                Entry::Negative {
                    name: awkward[3].into(),
                    record_type: RecordType::Txt,
                    answer: Negative::Timeout,
                },
            ])
            .collect();
        let written = write(&entries);
        assert!(
            written.starts_with("two\\032\\032spaces\\;semi.example.\t60\tIN\tCNAME\ttwo\\032\\032spaces\\;semi.example.\n"),
            "{written}"
        );
        assert!(written.contains("\\@at.example."), "{written}");
        assert!(
            written.contains("tab\\009here.caf\\195\\169.example."),
            "{written}"
        );
        assert_eq!(parse(&written).unwrap(), entries);
    }

    #[test]
    fn escaped_names_as_dig_prints_them() {
        let text = "macro%percent\\032\\032space%20url-space.example.com. 300 IN A 1.2.3.4\n\
                    semi\\;colon\\ paren\\(.example. 60 IN MX 10 caf\\195\\169\\\\.example.\n\
                    $ORIGIN We\\032Ird.example.\n\
                    \\@ IN PTR \\$x\n\
                    txt IN TXT bare\\032word \"q\\032\"\n";
        let entries = parse(text).unwrap();
        assert_eq!(
            entries[0],
            Entry::Record {
                name: "macro%percent  space%20url-space.example.com.".into(),
                ttl: 300,
                data: RData::A(Ipv4Addr::new(1, 2, 3, 4)),
            }
        );
        assert_eq!(
            entries[1],
            Entry::Record {
                name: "semi;colon paren(.example.".into(),
                ttl: 60,
                data: RData::Mx {
                    preference: 10,
                    exchange: "caf\u{e9}\\.example.".into(),
                },
            }
        );
        // `\@` is a label "@", not the origin; the origin's escapes are decoded too.
        assert_eq!(
            entries[2],
            Entry::Record {
                name: "@.we ird.example.".into(),
                ttl: DEFAULT_TTL,
                data: RData::Ptr("$x.we ird.example.".into()),
            }
        );
        // Only names are decoded: a bare TXT word stays as written.
        assert!(
            matches!(&entries[3], Entry::Record { data: RData::Txt(t), .. } if t == &[b"bare\\032word".to_vec(), b"q ".to_vec()])
        );
    }

    #[test]
    fn names_spamwhy_cannot_hold_are_errors_on_their_line() {
        let first = "ok.example. IN A 192.0.2.1\n";
        for (line, needle) in [
            ("foo\\.bar.example. IN A 192.0.2.1", "escaped dot"),
            ("foo\\046bar.example. IN A 192.0.2.1", "escaped dot"),
            ("ok.example. IN CNAME foo\\.bar.example.", "escaped dot"),
            ("x\\256.example. IN A 192.0.2.1", "\\256"),
            ("ok.example. IN MX 10 x\\999.example.", "\\999"),
            (
                "x\\255.example. IN A 192.0.2.1",
                "not a name spamwhy can look up",
            ),
            ("ok.example. IN CNAME x.example\\", "lone"),
            ("$ORIGIN a\\.b.", "escaped dot"),
        ] {
            let error = parse(&format!("{first}{line}\n")).unwrap_err();
            assert_eq!(error.line, 2, "{line}: {error}");
            assert!(error.message.contains(needle), "{line}: {error}");
        }
    }

    /// A name label of bytes a recorded name can hold, awkward ones included.
    fn label() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex("[a-z0-9 ;()\"\\@$%:/_\t-]{1,12}").unwrap()
    }

    proptest::proptest! {
        /// Every entry `write` produces reads back as the same entry.
        #[test]
        fn written_entries_read_back(
            labels in proptest::collection::vec(label(), 1..4),
            target in proptest::collection::vec(label(), 1..3),
            txt in proptest::collection::vec(proptest::collection::vec(proptest::num::u8::ANY, 0..40), 1..3),
            preference in proptest::num::u16::ANY,
        ) {
            let name = fqdn(&labels.join("."));
            let target = fqdn(&target.join("."));
            let entries = vec![
                Entry::Record { name: name.clone(), ttl: 300, data: RData::Mx { preference, exchange: target.clone() } },
                Entry::Record { name: name.clone(), ttl: 60, data: RData::Ptr(target.clone()) },
                Entry::Record { name: name.clone(), ttl: 60, data: RData::Txt(txt) },
                Entry::NxDomain { name: target.clone() },
                Entry::Negative { name, record_type: RecordType::Aaaa, answer: Negative::NoData },
            ];
            let text = write(&entries);
            proptest::prop_assert_eq!(parse(&text), Ok(entries), "{}", text);
        }

        /// Any text, including what looks like a zone file, gives entries or a line error,
        /// never a panic; and what is read writes back to text that reads the same.
        #[test]
        fn any_text_reads_or_fails_cleanly(
            text in "([a-z0-9.@$\\ ;()\"\t-]|\\[0-9]{1,3}|\n|IN|TXT|MX|A|NXDOMAIN|NODATA|[0-9]{1,4}){0,60}"
        ) {
            if let Ok(entries) = parse(&text) {
                // `write` leaves out record types spamwhy does not use.
                let kept: Vec<Entry> = entries
                    .into_iter()
                    .filter(|e| !matches!(e, Entry::Record { data: RData::Other(_), .. }))
                    .collect();
                let again = parse(&write(&kept));
                proptest::prop_assert_eq!(again.as_ref().ok(), Some(&kept), "{:?}", write(&kept));
            }
        }
    }
}
