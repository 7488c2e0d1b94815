//! Splits the raw bytes of a message into its header fields, in document order.
//!
//! Real input arrives with CRLF, bare LF or bare CR line endings, 8-bit and invalid UTF-8
//! bytes, an mbox `From ` separator on top, or as headers pasted into a text file with
//! blank lines above them. The splitter accepts all of that, keeps each field's folding
//! (normalised to `\n`), and records lines that are neither a field nor a continuation
//! instead of failing.

use nom::{
    IResult, Parser,
    bytes::complete::{take_while, take_while1},
    character::complete::char,
};

/// One header field as written: name, raw value with its folding kept, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    /// The field name as written (case kept, trailing whitespace before the colon removed).
    pub name: String,
    /// Everything after the colon, continuation lines joined with `\n`, line ending
    /// normalised, invalid UTF-8 replaced by U+FFFD.
    pub value: String,
    /// Byte offset of the field's first line in the input.
    pub offset: usize,
    /// 1-based line number of the field's first line.
    pub line: usize,
}

impl HeaderField {
    /// True when the name matches `name` ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// Whether the name starts with `prefix`, ignoring ASCII case (no copy is made: readers
    /// ask this of every field).
    pub fn name_starts_with(&self, prefix: &str) -> bool {
        let name = self.name.as_bytes();
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    }

    /// Whether the name contains `part`, ignoring ASCII case.
    pub fn name_contains(&self, part: &str) -> bool {
        self.name
            .as_bytes()
            .windows(part.len().max(1))
            .any(|window| window.eq_ignore_ascii_case(part.as_bytes()))
    }

    /// The value with folding removed (RFC 5322 unfolding: line breaks dropped, whitespace
    /// kept) and surrounding whitespace trimmed.
    pub fn unfolded(&self) -> String {
        unfold(&self.value)
    }
}

/// RFC 5322 section 2.2.3 unfolding, then trimming.
pub fn unfold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (n, piece) in value.split('\n').enumerate() {
        if n > 0 && !piece.starts_with([' ', '\t']) && !out.ends_with([' ', '\t']) {
            // A continuation whose indentation was lost when pasting: keep words apart.
            out.push(' ');
        }
        out.push_str(piece);
    }
    out.trim().to_owned()
}

/// A line inside the header section that is neither a field nor a continuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayLine {
    pub line: usize,
    pub offset: usize,
    pub text: String,
}

/// The header section of one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderBlock {
    pub fields: Vec<HeaderField>,
    /// Lines that could not be read as a field (kept so nothing is silently dropped).
    pub stray_lines: Vec<StrayLine>,
    /// The mbox `From ` separator line, when the input started with one.
    pub mbox_separator: Option<String>,
    /// Byte offset of the body, when a blank line ended the header section and something
    /// follows it.
    pub body_offset: Option<usize>,
}

impl HeaderBlock {
    /// Every field with this name, in document order (topmost first).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a HeaderField> + 'a {
        self.fields.iter().filter(move |f| f.is(name))
    }

    /// The first (topmost) field with this name.
    pub fn first(&self, name: &str) -> Option<&HeaderField> {
        self.fields.iter().find(|f| f.is(name))
    }
}

/// Yields `(offset, line_without_terminator)` for CRLF, LF and bare CR endings.
fn lines(input: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= input.len() {
            return None;
        }
        let start = pos;
        let rest = &input[start..];
        // `\n` first (one fast search), then a bare `\r` before it, if any.
        let lf = memchr::memchr(b'\n', rest);
        let cr = memchr::memchr(b'\r', &rest[..lf.unwrap_or(rest.len())]);
        match cr.or(lf) {
            Some(end) => {
                let terminator = if rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                pos = start + end + terminator;
                Some((start, &rest[..end]))
            }
            None => {
                pos = input.len();
                Some((start, rest))
            }
        }
    })
}

fn is_field_name_byte(b: u8) -> bool {
    (33..=126).contains(&b) && b != b':'
}

/// `name [WSP] ":"`, returning the name and the rest of the line.
fn field_start(line: &[u8]) -> IResult<&[u8], &[u8]> {
    let (rest, name) = take_while1(is_field_name_byte).parse(line)?;
    let (rest, _) = take_while(|b| b == b' ' || b == b'\t').parse(rest)?;
    let (rest, _) = char(':').parse(rest)?;
    Ok((rest, name))
}

/// Splits the header section of `input`. Never fails: the worst input yields no fields.
pub fn split_header_block(input: &[u8]) -> HeaderBlock {
    // A UTF-8 byte-order mark from a text editor; offsets stay relative to the real input.
    let skipped = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let input = &input[skipped..];
    let mut block = HeaderBlock::default();
    let mut current: Option<(usize, usize, String, Vec<u8>)> = None;
    let mut seen_content = false;

    let finish = |current: &mut Option<(usize, usize, String, Vec<u8>)>,
                  block: &mut HeaderBlock| {
        if let Some((offset, line, name, value)) = current.take() {
            // Valid UTF-8 (nearly always) is kept without a copy.
            let value = String::from_utf8(value)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            block.fields.push(HeaderField {
                name,
                value,
                offset,
                line,
            });
        }
    };

    for (number, (raw_offset, line)) in lines(input).enumerate() {
        let offset = raw_offset + skipped;
        let line_no = number + 1;
        if line.is_empty() || (!seen_content && line.iter().all(|b| b.is_ascii_whitespace())) {
            if seen_content {
                finish(&mut current, &mut block);
                let body = next_line_offset(input, raw_offset);
                if body < input.len() {
                    block.body_offset = Some(body + skipped);
                }
                return block;
            }
            continue; // blank lines above pasted headers
        }
        if !seen_content && line.starts_with(b"From ") && block.mbox_separator.is_none() {
            block.mbox_separator = Some(String::from_utf8_lossy(line).into_owned());
            continue;
        }
        seen_content = true;
        if line[0] == b' ' || line[0] == b'\t' {
            match current.as_mut() {
                Some((_, _, _, value)) => {
                    value.push(b'\n');
                    value.extend_from_slice(line);
                }
                None => block.stray_lines.push(stray(line_no, offset, line)),
            }
            continue;
        }
        match field_start(line) {
            Ok((rest, name)) => {
                finish(&mut current, &mut block);
                current = Some((
                    offset,
                    line_no,
                    String::from_utf8_lossy(name).into_owned(),
                    rest.to_vec(),
                ));
            }
            Err(_) => {
                finish(&mut current, &mut block);
                block.stray_lines.push(stray(line_no, offset, line));
            }
        }
    }
    finish(&mut current, &mut block);
    block
}

fn stray(line: usize, offset: usize, text: &[u8]) -> StrayLine {
    StrayLine {
        line,
        offset,
        text: String::from_utf8_lossy(text).into_owned(),
    }
}

/// Offset just past the line terminator of the (empty) line starting at `offset`.
fn next_line_offset(input: &[u8], offset: usize) -> usize {
    match input.get(offset) {
        Some(b'\r') if input.get(offset + 1) == Some(&b'\n') => offset + 2,
        Some(b'\r' | b'\n') => offset + 1,
        _ => offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case() {
        let block = split_header_block(b"X-Spam_Score: 5\r\nX-MailScanner-ID: 1\r\nX: y\r\n\r\n");
        let [score, scanner, short] = &block.fields[..] else {
            panic!("three fields")
        };
        assert!(score.name_starts_with("x-spam_") && !score.name_starts_with("x-spam-"));
        assert!(scanner.name_contains("mailscanner") && !scanner.name_contains("rspamd"));
        assert!(!short.name_starts_with("x-spam") && !short.name_contains("xy"));
    }

    #[test]
    fn crlf_lf_and_cr_endings_agree() {
        let lf = b"Subject: hi\n there\nFrom: a@b\n\nbody\n";
        let crlf = b"Subject: hi\r\n there\r\nFrom: a@b\r\n\r\nbody\r\n";
        let cr = b"Subject: hi\r there\rFrom: a@b\r\rbody\r";
        for input in [&lf[..], &crlf[..], &cr[..]] {
            let block = split_header_block(input);
            assert_eq!(block.fields.len(), 2);
            assert_eq!(block.fields[0].value, " hi\n there");
            assert_eq!(block.fields[0].unfolded(), "hi there");
            assert_eq!(block.fields[1].line, 3);
            let body = block.body_offset.unwrap();
            assert!(input[body..].starts_with(b"body"));
        }
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let block = split_header_block(b"Subject: caf\xe9\nX-A: b\n");
        assert_eq!(block.fields[0].value, " caf\u{fffd}");
        assert_eq!(block.body_offset, None);
    }

    #[test]
    fn mbox_separator_blank_lines_and_stray_lines() {
        let input = b"\n\nFrom MAILER-DAEMON Fri Jul  8 12:08:34 2011\nReceived: x\nnot a header\nX-Spamd-Result : default: False\n";
        let block = split_header_block(input);
        assert!(block.mbox_separator.is_some());
        assert_eq!(block.fields.len(), 2);
        assert_eq!(block.fields[1].name, "X-Spamd-Result");
        assert_eq!(block.stray_lines[0].text, "not a header");
        assert_eq!(block.stray_lines[0].line, 5);
    }

    #[test]
    fn lost_indentation_keeps_words_apart() {
        assert_eq!(unfold("a,\nb"), "a, b");
        assert_eq!(unfold(" a\n\tb"), "a\tb");
    }
}
