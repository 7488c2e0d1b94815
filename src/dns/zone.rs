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

/// Lowercases a name and gives it a trailing dot.
pub fn fqdn(name: &str) -> String {
    let mut name = name.trim().to_ascii_lowercase();
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
                    let mut bytes = Vec::new();
                    let mut closed = false;
                    while let Some((_, c)) = chars.next() {
                        match c {
                            '"' => {
                                closed = true;
                                break;
                            }
                            '\\' => {
                                let mut digits = String::new();
                                while digits.len() < 3
                                    && chars.peek().is_some_and(|(_, d)| d.is_ascii_digit())
                                {
                                    digits.push(chars.next().map_or('0', |(_, d)| d));
                                }
                                if digits.is_empty() {
                                    if let Some((_, escaped)) = chars.next() {
                                        let mut buf = [0; 4];
                                        bytes.extend_from_slice(
                                            escaped.encode_utf8(&mut buf).as_bytes(),
                                        );
                                    }
                                } else {
                                    let value: u32 = digits.parse().unwrap_or(0);
                                    bytes.push(u8::try_from(value).map_err(|_| ZoneError {
                                        line: number,
                                        message: format!("escape `\\{digits}` is not a byte"),
                                    })?);
                                }
                            }
                            c => {
                                let mut buf = [0; 4];
                                bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            }
                        }
                    }
                    if !closed {
                        return Err(ZoneError {
                            line: number,
                            message: "a quoted string is not closed".to_owned(),
                        });
                    }
                    tokens.push(Token::Quoted(bytes));
                }
                c => {
                    let mut word = String::from(c);
                    while let Some(&(_, next)) = chars.peek() {
                        if matches!(next, ' ' | '\t' | '\r' | ';' | '(' | ')' | '"') {
                            break;
                        }
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
            origin = Some(fqdn(name));
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
            absolute(first, origin.as_deref())
                .ok_or_else(|| error(format!("`{first}` is relative but no $ORIGIN is set")))?
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

fn absolute(name: &str, origin: Option<&str>) -> Option<String> {
    if name == "@" {
        return origin.map(str::to_owned);
    }
    if name.ends_with('.') {
        return Some(fqdn(name));
    }
    origin.map(|origin| fqdn(&format!("{name}.{origin}")))
}

fn rdata(record_type: &RecordType, data: &[Token], origin: Option<&str>) -> Result<RData, String> {
    let words: Vec<&str> = data.iter().filter_map(Token::word).collect();
    let one = |what: &str| -> Result<&str, String> {
        match words.as_slice() {
            [word] if data.len() == 1 => Ok(word),
            _ => Err(format!("{record_type} needs one {what}")),
        }
    };
    let name = |word: &str| {
        absolute(word, origin).ok_or_else(|| format!("`{word}` is relative but no $ORIGIN is set"))
    };
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
                format!("{name}\t{ttl}\tIN\t{record_type}\t{data}")
            }
            Entry::NxDomain { name } => format!("{name}\tNXDOMAIN"),
            Entry::Negative {
                name,
                record_type,
                answer,
            } => format!("{name}\t{record_type}\t{}", answer.keyword()),
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
    }
}
