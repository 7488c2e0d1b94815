//! A streaming mbox splitter: messages one at a time from any reader, in bounded memory,
//! each with its index and the byte offset of its `From ` line.
//!
//! It reads the variants real exports use:
//! - mboxo and mboxrd: a message ends where a line starts with `From ` and looks like a
//!   separator (`From sender date`, with a time in it), so a body line "From the desk of..."
//!   that an mboxo writer left unquoted does not split a message. Lines of the form
//!   `>From `, `>>From `... lose one `>` (mboxrd unquoting; for mboxo, which only quotes
//!   `From `, this restores the same text except for lines that already began with `>From `
//!   in the original, which mboxo cannot tell apart).
//! - mboxcl2: when a message's header section has a `Content-Length` and the bytes it
//!   counts end exactly at the end of the input or before the next `From ` line, the length
//!   decides where the message ends (its body may then hold unquoted `From ` lines, and is
//!   not unquoted).
//!
//! mail-parser has an mbox iterator, but it gives no byte offsets, knows no Content-Length,
//! splits at any line starting with `From ` and copies the input line by line; this one
//! scans with memchr's SIMD substring search and lends each message as a slice of its
//! buffer, copying only when a `>From ` line must be unquoted.

use std::borrow::Cow;
use std::io::{self, Read};

use memchr::memmem::Finder;

/// How much is read from the underlying reader at a time.
const CHUNK: usize = 1 << 20;
/// A message larger than this is skipped and reported, so one huge message cannot take the
/// memory of the whole run.
pub const MAX_MESSAGE: usize = 64 << 20;
/// The longest `From ` separator line accepted.
const MAX_SEPARATOR_LINE: usize = 1000;
/// How far to look for the end of the header section when checking for Content-Length.
const MAX_HEADER_SECTION: usize = 256 << 10;

/// One message of an mbox, lent from the reader's buffer.
#[derive(Debug)]
pub struct MboxMessage<'a> {
    /// 0-based position in the mbox.
    pub index: usize,
    /// Byte offset of the message's `From ` line (or of its first byte when it has none) in
    /// the input stream.
    pub offset: u64,
    /// The message without its `From ` line, mboxrd-unquoted.
    pub bytes: Cow<'a, [u8]>,
}

/// Something that stopped one message (or the rest of the input) from being read.
#[derive(Debug)]
pub enum MboxError {
    /// The message is larger than [`MAX_MESSAGE`]; it was skipped and reading goes on.
    TooLarge {
        index: usize,
        offset: u64,
        size: u64,
    },
    /// The reader failed (a truncated gzip stream, an I/O error): nothing more can be read
    /// from this input.
    Io {
        index: usize,
        offset: u64,
        error: io::Error,
    },
}

impl std::fmt::Display for MboxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MboxError::TooLarge { size, .. } => write!(
                f,
                "the message is {size} bytes, more than the {} MiB limit; skipped",
                MAX_MESSAGE >> 20
            ),
            MboxError::Io { error, .. } => {
                if error.kind() == io::ErrorKind::UnexpectedEof {
                    write!(f, "the input ends early (truncated?): {error}")
                } else {
                    write!(f, "cannot be read further: {error}")
                }
            }
        }
    }
}

/// Splits an mbox read from `R`.
pub struct MboxReader<R> {
    reader: R,
    buf: Vec<u8>,
    /// Start of the unconsumed data in `buf`.
    start: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    eof: bool,
    failed: bool,
    index: usize,
    separator: Finder<'static>,
    quoted: Finder<'static>,
    max_message: usize,
}

/// Whether `bytes` start with an mbox `From ` separator line.
pub fn starts_with_separator(bytes: &[u8]) -> bool {
    bytes.starts_with(b"From ") && is_separator_line(line_of(bytes, 0))
}

impl<R: Read> MboxReader<R> {
    pub fn new(reader: R) -> Self {
        Self::with_limit(reader, MAX_MESSAGE)
    }

    /// A reader that skips messages larger than `max_message` bytes.
    pub fn with_limit(reader: R, max_message: usize) -> Self {
        MboxReader {
            reader,
            buf: Vec::with_capacity(CHUNK),
            start: 0,
            base: 0,
            eof: false,
            failed: false,
            index: 0,
            separator: Finder::new(b"From ").into_owned(),
            quoted: Finder::new(b">From ").into_owned(),
            max_message,
        }
    }

    /// Bytes of the stream consumed so far (for progress).
    pub fn position(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Reads one more chunk; false at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        // Drop what was consumed before growing the buffer.
        if self.start > 0 && (self.start >= self.buf.len() / 2 || self.buf.capacity() < CHUNK) {
            self.buf.drain(..self.start);
            self.base += self.start as u64;
            self.start = 0;
        }
        // `take(..).read_to_end` reads into the spare capacity without zeroing it first.
        if self.buf.capacity() - self.buf.len() < CHUNK / 2 {
            self.buf.reserve(CHUNK);
        }
        let room = (self.buf.capacity() - self.buf.len()) as u64;
        loop {
            match (&mut self.reader).take(room).read_to_end(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(_) => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Makes at least `n` bytes available after `start` (fewer at the end of the input).
    fn want(&mut self, n: usize) -> io::Result<()> {
        while self.buf.len() - self.start < n && self.fill()? {}
        Ok(())
    }

    fn io_error(&mut self, error: io::Error) -> MboxError {
        self.failed = true;
        MboxError::Io {
            index: self.index,
            offset: self.position(),
            error,
        }
    }

    /// The next message, or `None` at the end of the input.
    #[allow(clippy::should_implement_trait)] // a lending iterator: the message borrows self
    pub fn next(&mut self) -> Option<Result<MboxMessage<'_>, MboxError>> {
        if self.failed {
            return None;
        }
        // Blank lines between (or before) messages.
        loop {
            if let Err(e) = self.want(1) {
                return Some(Err(self.io_error(e)));
            }
            match self.buf.get(self.start) {
                None => return None,
                Some(b'\n' | b'\r') => self.start += 1,
                Some(_) => break,
            }
        }
        let offset = self.position();
        let index = self.index;
        self.index += 1;
        if let Err(e) = self.want(MAX_SEPARATOR_LINE + 1) {
            return Some(Err(self.io_error(e)));
        }
        let here = &self.buf[self.start..];
        // Positions below are relative to `self.start`, which stays at this entry while it is
        // read: `fill` may move the data in the buffer.
        let content = if here.starts_with(b"From ") {
            memchr::memchr(b'\n', here).map_or(here.len(), |end| end + 1)
        } else {
            0
        };
        let end = match self.find_end(content) {
            Ok(Some(end)) => end,
            Ok(None) => {
                // Too large: skip to the next separator without keeping the message.
                return Some(match self.skip_large(content) {
                    Ok(size) => Err(MboxError::TooLarge {
                        index,
                        offset,
                        size,
                    }),
                    Err(e) => Err(self.io_error(e)),
                });
            }
            Err(e) => return Some(Err(self.io_error(e))),
        };
        let base = self.start;
        self.start = base + end.next;
        let size = end.content_end.saturating_sub(content);
        if size > self.max_message {
            // Found whole (it fitted in what was read), but over the limit all the same.
            return Some(Err(MboxError::TooLarge {
                index,
                offset,
                size: size as u64,
            }));
        }
        let raw = &self.buf[base + content..base + end.content_end];
        let bytes = if end.quoted {
            unquote(raw, &self.quoted)
        } else {
            Cow::Borrowed(raw)
        };
        Some(Ok(MboxMessage {
            index,
            offset,
            bytes,
        }))
    }

    /// The data of the current entry (from `start`).
    fn entry(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Where the message whose content starts at `content` ends; `None` when it is larger
    /// than [`MAX_MESSAGE`].
    fn find_end(&mut self, content: usize) -> io::Result<Option<End>> {
        if let Some(end) = self.content_length_end(content)? {
            return Ok(Some(end));
        }
        // One pass over the message for `From `: at a line start it may be the next
        // separator; after `>`s at a line start it is a quoted line to unquote. Searching
        // from the first byte of the content finds an empty message's end too.
        let mut from = content;
        let mut quoted = false;
        loop {
            let found = self
                .separator
                .find(&self.entry()[from..])
                .map(|at| from + at);
            let Some(at) = found else {
                let len = self.entry().len();
                if len - content.min(len) > self.max_message {
                    return Ok(None);
                }
                // A `From ` may straddle the end of the buffer: rescan its tail.
                from = len.saturating_sub(4).max(from);
                if !self.fill()? {
                    let len = self.entry().len();
                    return Ok(Some(End {
                        content_end: strip_separator_blank(self.entry(), content, len),
                        next: len,
                        quoted,
                    }));
                }
                continue;
            };
            let entry = self.entry();
            if at > 0 && entry[at - 1] == b'\n' {
                let rest = &entry[at..];
                // The whole separator line must be in the buffer to judge it.
                if memchr::memchr(b'\n', rest).is_none()
                    && rest.len() < MAX_SEPARATOR_LINE
                    && !self.eof
                {
                    self.fill()?;
                    from = at;
                    continue;
                }
                if is_separator_line(line_of(entry, at)) {
                    return Ok(Some(End {
                        content_end: strip_separator_blank(entry, content, at),
                        next: at,
                        quoted,
                    }));
                }
            } else {
                let mut first = at;
                while first > 0 && entry[first - 1] == b'>' {
                    first -= 1;
                }
                if first < at && (first == 0 || entry[first - 1] == b'\n') {
                    quoted = true;
                }
            }
            from = at + 1;
        }
    }

    /// mboxcl2: the end given by a Content-Length header, when it lands exactly on the end
    /// of the input or on the next separator.
    fn content_length_end(&mut self, content: usize) -> io::Result<Option<End>> {
        // The header section must be in the buffer (it nearly always already is).
        let header_end = loop {
            let rest = &self.entry()[content..];
            let end = header_section_end(rest);
            if end.is_some() || rest.len() > MAX_HEADER_SECTION || !self.fill()? {
                break end;
            }
        };
        let Some(body) = header_end else {
            return Ok(None);
        };
        let Some(length) = content_length(&self.entry()[content..content + body]) else {
            return Ok(None);
        };
        if length > self.max_message as u64 {
            return Ok(None);
        }
        let end = content + body + length as usize;
        self.want(end + 2 + MAX_SEPARATOR_LINE)?;
        let entry = self.entry();
        if end > entry.len() {
            return Ok(None); // counts past the end: not a real Content-Length
        }
        let after = &entry[end..];
        let skip = if after.starts_with(b"\r\n") {
            2
        } else {
            usize::from(after.starts_with(b"\n"))
        };
        let next = end + skip;
        let rest = &entry[next..];
        if rest.is_empty() && self.eof || starts_with_separator(rest) {
            return Ok(Some(End {
                content_end: end,
                next,
                quoted: false,
            }));
        }
        Ok(None)
    }

    /// Skips a message too large to keep; returns its size.
    fn skip_large(&mut self, content: usize) -> io::Result<u64> {
        let content_start = self.start + content;
        let begin = self.base + content_start as u64;
        let mut from = content_start;
        loop {
            if let Some(at) = self.separator.find(&self.buf[from..]) {
                let p = from + at;
                if p > 0 && self.buf[p - 1] == b'\n' && is_separator_line(line_of(&self.buf, p)) {
                    self.start = p;
                    return Ok(self.base + p as u64 - begin);
                }
                from = p + 1;
                continue;
            }
            // Keep only a tail that may hold a separator line not yet complete, with the
            // newline before it.
            let keep_from = self.buf.len().saturating_sub(MAX_SEPARATOR_LINE + 1);
            self.base += keep_from as u64;
            self.buf.drain(..keep_from);
            self.start = 0;
            from = 0;
            if !self.fill()? {
                let end = self.base + self.buf.len() as u64;
                self.start = self.buf.len();
                return Ok(end - begin);
            }
        }
    }
}

struct End {
    /// End of the message's bytes in the buffer.
    content_end: usize,
    /// Where the next entry starts.
    next: usize,
    /// Whether a `>From ` line must be unquoted (never in Content-Length-delimited
    /// messages).
    quoted: bool,
}

/// The line starting at `start`, without its terminator, at most [`MAX_SEPARATOR_LINE`]
/// bytes.
fn line_of(buf: &[u8], start: usize) -> &[u8] {
    let rest = &buf[start.min(buf.len())..];
    let rest = &rest[..rest.len().min(MAX_SEPARATOR_LINE)];
    let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end])
}

/// `From sender date`: a separator carries a time (`hh:mm`) after the sender; a body line
/// that begins with "From " almost never does.
fn is_separator_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    rest.windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    })
}

/// The message's bytes end before the blank line that precedes the next separator (the
/// writer adds it; it is not part of the message).
fn strip_separator_blank(buf: &[u8], content_start: usize, end: usize) -> usize {
    let content = &buf[content_start.min(end)..end];
    if content.ends_with(b"\r\n\r\n") {
        end - 2
    } else if content.ends_with(b"\n\n") {
        end - 1
    } else {
        end
    }
}

/// Offset of the body (just past the blank line) in `content`, if the header section ends.
fn header_section_end(content: &[u8]) -> Option<usize> {
    if content.starts_with(b"\n") {
        return Some(1);
    }
    if content.starts_with(b"\r\n") {
        return Some(2);
    }
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'\n', &content[from..]) {
        let next = from + at + 1;
        match content.get(next) {
            Some(b'\n') => return Some(next + 1),
            Some(b'\r') if content.get(next + 1) == Some(&b'\n') => return Some(next + 2),
            None => return None,
            _ => from = next,
        }
    }
    None
}

/// The value of a `Content-Length` field in a header section.
fn content_length(headers: &[u8]) -> Option<u64> {
    const NAME: &[u8] = b"content-length:";
    let mut line_start = 0;
    while line_start < headers.len() {
        let line_end = memchr::memchr(b'\n', &headers[line_start..])
            .map_or(headers.len(), |at| line_start + at);
        let line = &headers[line_start..line_end];
        if line.len() > NAME.len()
            && matches!(line[0], b'C' | b'c')
            && line[..NAME.len()].eq_ignore_ascii_case(NAME)
        {
            let value = std::str::from_utf8(&line[NAME.len()..]).ok()?;
            return value.trim().parse().ok();
        }
        line_start = line_end + 1;
    }
    None
}

/// Removes one `>` from every line of the form `>+From `.
fn unquote<'a>(raw: &[u8], quoted: &Finder<'_>) -> Cow<'a, [u8]> {
    let mut out = Vec::with_capacity(raw.len());
    let mut copied = 0;
    for at in quoted.find_iter(raw) {
        // `at` is the last `>` before `From `; the run of `>` must start a line.
        let mut first = at;
        while first > 0 && raw[first - 1] == b'>' {
            first -= 1;
        }
        if first == 0 || raw[first - 1] == b'\n' {
            out.extend_from_slice(&raw[copied..first]);
            copied = first + 1;
        }
    }
    out.extend_from_slice(&raw[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8]) -> Vec<(usize, u64, Vec<u8>)> {
        split_with(input, usize::MAX)
    }

    /// Reads through a reader that returns at most `step` bytes per call, to exercise
    /// messages and separators that straddle reads.
    fn split_with(input: &[u8], step: usize) -> Vec<(usize, u64, Vec<u8>)> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = buf.len().min(self.1).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut reader = MboxReader::new(Trickle(input, step));
        let mut out = Vec::new();
        while let Some(message) = reader.next() {
            let message = message.unwrap();
            out.push((message.index, message.offset, message.bytes.into_owned()));
        }
        out
    }

    const MBOXRD: &[u8] = b"From a@example.com Tue Nov 10 09:01:02 2026\nSubject: one\n\n>From here\n>>From there\n> >From not\nFrom the desk of nobody\n\nFrom b@example.com Tue Nov 10 09:02:02 2026\nSubject: two\n\nbody\n";

    #[test]
    fn splits_and_unquotes_mboxrd() {
        for step in [usize::MAX, 1, 3, 7, 64] {
            let messages = split_with(MBOXRD, step);
            assert_eq!(messages.len(), 2, "step {step}");
            assert_eq!(
                messages[0].2,
                b"Subject: one\n\nFrom here\n>From there\n> >From not\nFrom the desk of nobody\n"
            );
            assert_eq!(messages[0].1, 0);
            assert_eq!(messages[1].0, 1);
            let second = MBOXRD.windows(7).position(|w| w == b"From b@").unwrap();
            assert_eq!(messages[1].1, second as u64);
            assert_eq!(messages[1].2, b"Subject: two\n\nbody\n");
        }
    }

    #[test]
    fn content_length_delimits_mboxcl2() {
        let input = b"From a@example.com Tue Nov 10 09:01:02 2026\nSubject: one\nContent-Length: 23\n\nFrom inside, 10:00 too\n\nFrom b@example.com Tue Nov 10 09:02:02 2026\nSubject: two\nContent-Length: 5\n\nbody\n";
        for step in [usize::MAX, 5] {
            let messages = split_with(input, step);
            assert_eq!(messages.len(), 2);
            assert_eq!(
                messages[0].2,
                b"Subject: one\nContent-Length: 23\n\nFrom inside, 10:00 too\n"
            );
            assert_eq!(messages[1].2, b"Subject: two\nContent-Length: 5\n\nbody\n");
        }
    }

    #[test]
    fn a_wrong_content_length_is_ignored() {
        let input = b"From a@example.com Tue Nov 10 09:01:02 2026\nContent-Length: 3\nSubject: one\n\nbody\n\nFrom b@example.com Tue Nov 10 09:02:02 2026\nSubject: two\n\nx\n";
        let messages = split(input);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].2, b"Content-Length: 3\nSubject: one\n\nbody\n");
    }

    #[test]
    fn crlf_and_truncated_input() {
        let input = b"From a@example.com Tue Nov 10 09:01:02 2026\r\nSubject: one\r\n\r\nbody\r\n\r\nFrom b@example.com Tue Nov 10 09:02:02 2026\r\nSubject: tw";
        let messages = split(input);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].2, b"Subject: one\r\n\r\nbody\r\n");
        assert_eq!(messages[1].2, b"Subject: tw");
        let cut = b"From a@example.com Tue Nov 10 09:01:02 2026\nSubj";
        assert_eq!(split(cut)[0].2, b"Subj");
        assert!(split(b"").is_empty());
        assert!(split(b"\n\n").is_empty());
    }

    #[test]
    fn empty_messages_and_no_leading_separator() {
        let input =
            b"From a Tue Nov 10 09:01:02 2026\nFrom b Tue Nov 10 09:01:02 2026\nSubject: x\n";
        let messages = split(input);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].2, b"");
        assert_eq!(messages[1].2, b"Subject: x\n");
        let bare = split(b"Subject: x\n\nbody\n");
        assert_eq!(bare.len(), 1);
        assert_eq!(bare[0].2, b"Subject: x\n\nbody\n");
    }

    #[test]
    fn separator_shape() {
        assert!(starts_with_separator(
            b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n"
        ));
        assert!(starts_with_separator(
            b"From - Tue Nov 10 09:01:02 2026\r\nX: y"
        ));
        assert!(starts_with_separator(
            b"From 1781234@xxx Sat Jan 01 00:00:00 +0000 2024\n"
        ));
        assert!(!starts_with_separator(b"From: a@b.example\n"));
        assert!(!starts_with_separator(b"From the desk of nobody\n"));
    }

    /// mboxrd-writes messages the way a mail client does.
    fn write_mboxrd(messages: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for message in messages {
            out.extend_from_slice(b"From someone@example.com Tue Nov 10 09:01:02 2026\n");
            for line in message.split_inclusive(|&b| b == b'\n') {
                let rest = &line[line.iter().take_while(|&&b| b == b'>').count()..];
                if rest.starts_with(b"From ") {
                    out.push(b'>');
                }
                out.extend_from_slice(line);
            }
            out.extend_from_slice(b"\n");
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Whatever the bytes, the splitter never panics and never loops.
        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000),
            step in 1usize..200,
        ) {
            let _ = split_with(&bytes, step);
        }

        /// Messages written as mboxrd come back byte for byte, whatever the read sizes.
        #[test]
        fn mboxrd_round_trip(
            bodies in proptest::collection::vec("(>{0,2}From [a-z ]{0,8}\n|[a-z>: ]{0,30}\n){0,6}", 1..6),
            step in 1usize..100,
        ) {
            let messages: Vec<Vec<u8>> = bodies
                .iter()
                .enumerate()
                .map(|(i, body)| format!("Subject: m{i}\n\n{body}").into_bytes())
                .collect();
            let mbox = write_mboxrd(&messages);
            let split: Vec<Vec<u8>> = split_with(&mbox, step).into_iter().map(|m| m.2).collect();
            proptest::prop_assert_eq!(split, messages);
        }
    }

    #[test]
    fn a_message_over_the_limit_is_skipped_and_reading_goes_on() {
        let big = "x".repeat(5000);
        let input = format!(
            "From a Tue Nov 10 09:01:02 2026\nSubject: 1\n\nsmall\n\nFrom b Tue Nov 10 09:01:02 2026\nSubject: 2\n\n{big}\nFrom c, no time\n\nFrom c Tue Nov 10 09:01:02 2026\nSubject: 3\n\nsmall\n"
        );
        for step in [usize::MAX, 7, 300] {
            struct Trickle<'a>(&'a [u8], usize);
            impl Read for Trickle<'_> {
                fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                    let n = buf.len().min(self.1).min(self.0.len());
                    buf[..n].copy_from_slice(&self.0[..n]);
                    self.0 = &self.0[n..];
                    Ok(n)
                }
            }
            let mut reader = MboxReader::with_limit(Trickle(input.as_bytes(), step), 1000);
            let first = reader.next().unwrap().unwrap();
            assert_eq!(&*first.bytes, b"Subject: 1\n\nsmall\n");
            match reader.next().unwrap() {
                Err(MboxError::TooLarge {
                    index,
                    offset,
                    size,
                }) => {
                    assert_eq!(index, 1);
                    assert_eq!(offset, input.find("From b").unwrap() as u64);
                    assert!(size > 5000, "{size}");
                }
                other => panic!("step {step}: {:?}", other.map(|m| m.index)),
            }
            let third = reader.next().unwrap().unwrap();
            assert_eq!(third.index, 2);
            assert_eq!(&*third.bytes, b"Subject: 3\n\nsmall\n");
            assert!(reader.next().is_none());
        }
    }

    #[test]
    fn unquoting_only_at_line_starts() {
        let quoted = Finder::new(b">From ");
        assert_eq!(
            &*unquote(b">From a\nx >From b\n>>>From c", &quoted),
            b"From a\nx >From b\n>>From c"
        );
    }
}
