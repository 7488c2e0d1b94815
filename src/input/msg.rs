//! Outlook `.msg` files (MS-OXMSG): an OLE compound file whose streams hold the message's
//! MAPI properties.
//!
//! What a received message keeps of its Internet form is the transport headers (property
//! 0x007D, `PR_TRANSPORT_MESSAGE_HEADERS`): the full header section as the recipient's
//! server stored it, Received chain and filter verdicts included. The body is kept apart,
//! as plain text (0x1000), HTML (0x1013) and RTF; attachments each have a storage of their
//! own. This module takes the transport headers verbatim and rebuilds a MIME body after them
//! from what the file holds, so that the content checks see the message's structure:
//!
//! - a `text/plain` part from the plain body (0x1000), UTF-8;
//! - a `text/html` part from the HTML body (0x1013), base64, in the charset of
//!   `PR_INTERNET_CPID` (0x3FDE);
//! - one part per attachment: its file name (0x3707, else 0x3704, else 0x3001), MIME type
//!   (0x370E), content id (0x3712, which makes it `inline`) and data (0x3701), base64;
//!   an attached Outlook item (0x3701 as a storage) becomes an empty
//!   `application/vnd.ms-outlook` part.
//!
//! The parts go inside the message's own `multipart/*` Content-Type when the headers have
//! one (its boundary is reused); otherwise the Content-Type and Content-Transfer-Encoding
//! fields are replaced in place by a `multipart/mixed` one taking the same number of lines
//! (padded with a comment), so every header keeps the line number it has in the file.
//! The RTF body (compressed, 0x1009) is not decoded: Outlook keeps a plain-text body beside
//! it in received mail.
//!
//! A `.msg` without transport headers was never received over the Internet (a draft, a
//! sent item, a message created by a program): there is nothing to analyse, and the error
//! says what to export instead.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use cfb::CompoundFile;

use super::InputError;

/// The OLE compound file signature.
pub const OLE_SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// The explanation for a `.msg` that has no Internet headers.
pub const NO_HEADERS: &str = "this Outlook message has no Internet headers (it was never \
    received over the Internet: a draft, a sent item or a message made by a program); ask the \
    recipient to forward the message to you as an attachment, or to open it in Outlook, copy \
    File > Properties > Internet headers into a text file, and analyse that file";

const BOUNDARY: &str = "=_spamwhy-rebuilt-from-outlook-msg_=";

/// What an Outlook message file holds that matters here.
#[derive(Debug, Default)]
pub struct OutlookMessage {
    /// Property 0x007D, verbatim.
    pub transport_headers: Option<String>,
    /// Property 0x1000.
    pub body: Option<String>,
    /// Property 0x1013, bytes in the charset `html_charset` names.
    pub html: Option<Vec<u8>>,
    pub html_charset: Option<String>,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Default)]
pub struct Attachment {
    pub name: Option<String>,
    pub mime_type: Option<String>,
    pub content_id: Option<String>,
    pub data: Vec<u8>,
    /// An attached Outlook item (another message, a contact...), not a file.
    pub embedded_item: bool,
}

pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(OLE_SIGNATURE)
}

/// Reads the properties that matter from a `.msg` file.
pub fn read(bytes: &[u8]) -> Result<OutlookMessage, InputError> {
    let mut file = CompoundFile::open(Cursor::new(bytes)).map_err(|e| {
        InputError::NotMail(format!(
            "it looks like an Outlook .msg file (an OLE compound file) but it could not be read: {e}"
        ))
    })?;
    let is_message = file.is_stream("/__properties_version1.0")
        && file
            .read_root_storage()
            .any(|entry| entry.name().starts_with("__substg1.0_"));
    if !is_message {
        return Err(InputError::NotMail(
            "this is an OLE compound file (an older Office document such as .doc or .xls), not an Outlook message"
                .to_owned(),
        ));
    }
    let properties = fixed_properties(&mut file, "/__properties_version1.0", 32);
    let html_charset = properties
        .get(&0x3FDE_0003)
        .and_then(|cpid| charset_of(u32::try_from(*cpid).ok()?));
    let mut message = OutlookMessage {
        transport_headers: string(&mut file, "/", 0x007D),
        body: string(&mut file, "/", 0x1000),
        html: binary(&mut file, "/", 0x1013)
            .or_else(|| string(&mut file, "/", 0x1013).map(String::into_bytes)),
        html_charset,
        attachments: Vec::new(),
    };
    if message.html.is_some() && message.html_charset.is_none() {
        let utf8 = message
            .html
            .as_deref()
            .is_some_and(|html| std::str::from_utf8(html).is_ok());
        message.html_charset = Some(if utf8 { "utf-8" } else { "windows-1252" }.to_owned());
    }
    let mut storages: Vec<String> = file
        .read_root_storage()
        .filter(|entry| entry.is_storage() && entry.name().starts_with("__attach_version1.0_#"))
        .map(|entry| entry.path().to_string_lossy().into_owned())
        .collect();
    storages.sort();
    for path in storages {
        let embedded_item = file.is_storage(format!("{path}/__substg1.0_3701000D"));
        message.attachments.push(Attachment {
            name: string(&mut file, &path, 0x3707)
                .or_else(|| string(&mut file, &path, 0x3704))
                .or_else(|| string(&mut file, &path, 0x3001)),
            mime_type: string(&mut file, &path, 0x370E),
            content_id: string(&mut file, &path, 0x3712),
            data: binary(&mut file, &path, 0x3701).unwrap_or_default(),
            embedded_item,
        });
    }
    Ok(message)
}

impl OutlookMessage {
    /// The message as MIME: the transport headers verbatim (line for line) and a body
    /// rebuilt from the body and attachment properties. Fails when there are no transport
    /// headers.
    pub fn to_mime(&self) -> Result<Vec<u8>, InputError> {
        let headers = self
            .transport_headers
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .ok_or_else(|| InputError::NotMail(NO_HEADERS.to_owned()))?;
        let mut lines: Vec<String> = headers
            .trim_end_matches(['\r', '\n', ' ', '\t', '\0'])
            .split('\n')
            .map(|line| line.trim_end_matches('\r').to_owned())
            .collect();
        let boundary = match field_span(&lines, "Content-Type") {
            Some(span) => {
                let value = field_value(&lines, &span);
                match multipart_boundary(&value) {
                    Some(boundary) => boundary,
                    None => {
                        replace_span(&mut lines, span, &mixed_content_type());
                        if let Some(cte) = field_span(&lines, "Content-Transfer-Encoding") {
                            replace_span(&mut lines, cte, "Content-Transfer-Encoding: 8bit");
                        }
                        BOUNDARY.to_owned()
                    }
                }
            }
            None => {
                if field_span(&lines, "MIME-Version").is_none() {
                    lines.push("MIME-Version: 1.0".to_owned());
                }
                lines.push(mixed_content_type());
                BOUNDARY.to_owned()
            }
        };
        let mut out = lines.join("\r\n");
        out.push_str("\r\n\r\nThis message was rebuilt by spamwhy from an Outlook .msg file.\r\n");
        if let Some(body) = &self.body {
            part_start(&mut out, &boundary);
            out.push_str("Content-Type: text/plain; charset=\"utf-8\"\r\n");
            out.push_str("Content-Transfer-Encoding: 8bit\r\n\r\n");
            out.push_str(&body.replace("\r\n", "\n").replace('\n', "\r\n"));
            out.push_str("\r\n");
        }
        let mut bytes = out.into_bytes();
        if let Some(html) = &self.html {
            let mut part = String::new();
            part_start(&mut part, &boundary);
            part.push_str(&format!(
                "Content-Type: text/html; charset=\"{}\"\r\n",
                self.html_charset.as_deref().unwrap_or("utf-8")
            ));
            part.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
            part.push_str(&base64_lines(html));
            bytes.extend_from_slice(part.as_bytes());
        }
        for attachment in &self.attachments {
            bytes.extend_from_slice(attachment_part(attachment, &boundary).as_bytes());
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok(bytes)
    }
}

fn mixed_content_type() -> String {
    format!("Content-Type: multipart/mixed; boundary=\"{BOUNDARY}\"")
}

fn part_start(out: &mut String, boundary: &str) {
    out.push_str(&format!("--{boundary}\r\n"));
}

fn attachment_part(attachment: &Attachment, boundary: &str) -> String {
    let name = attachment
        .name
        .as_deref()
        .unwrap_or("attachment")
        .replace(['"', '\\', '\r', '\n'], "_");
    let mime = match (&attachment.mime_type, attachment.embedded_item) {
        (_, true) => "application/vnd.ms-outlook".to_owned(),
        (Some(mime), _) if mime.contains('/') && !mime.contains(['\r', '\n', ';']) => {
            mime.trim().to_owned()
        }
        _ => "application/octet-stream".to_owned(),
    };
    let mut part = String::new();
    part_start(&mut part, boundary);
    part.push_str(&format!("Content-Type: {mime}; name=\"{name}\"\r\n"));
    match attachment
        .content_id
        .as_deref()
        .map(|id| id.trim().trim_matches(['<', '>']))
        .filter(|id| !id.is_empty() && !id.contains(['\r', '\n']))
    {
        Some(id) => {
            part.push_str(&format!(
                "Content-Disposition: inline; filename=\"{name}\"\r\n"
            ));
            part.push_str(&format!("Content-ID: <{id}>\r\n"));
        }
        None => part.push_str(&format!(
            "Content-Disposition: attachment; filename=\"{name}\"\r\n"
        )),
    }
    part.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
    part.push_str(&base64_lines(&attachment.data));
    part
}

/// The lines `[start, end)` of the first field with this name (continuation lines
/// included), within the header lines.
fn field_span(lines: &[String], name: &str) -> Option<(usize, usize)> {
    let start = lines.iter().position(|line| {
        line.split_once(':')
            .is_some_and(|(n, _)| n.trim_end().eq_ignore_ascii_case(name))
    })?;
    let end = start
        + 1
        + lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with([' ', '\t']))
            .count();
    Some((start, end))
}

fn field_value(lines: &[String], (start, end): &(usize, usize)) -> String {
    let joined = lines[*start..*end].join(" ");
    joined
        .split_once(':')
        .map_or(String::new(), |(_, v)| v.trim().to_owned())
}

/// Replaces the field's lines with `replacement`, padded with comment lines to keep the
/// line count, so the fields below keep their line numbers.
fn replace_span(lines: &mut [String], (start, end): (usize, usize), replacement: &str) {
    lines[start] = replacement.to_owned();
    for line in &mut lines[start + 1..end] {
        *line = " (rebuilt by spamwhy from the Outlook message)".to_owned();
    }
}

/// The boundary of a `multipart/*` Content-Type value.
fn multipart_boundary(value: &str) -> Option<String> {
    if !value
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("multipart/")
    {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    let at = lower.find("boundary=")? + "boundary=".len();
    let rest = &value[at..];
    let boundary = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => rest.split([';', ' ', '\t']).next()?,
    };
    (!boundary.is_empty()).then(|| boundary.to_owned())
}

/// A property stream's bytes: `__substg1.0_XXXXTTTT` under `storage`.
fn stream(
    file: &mut CompoundFile<Cursor<&[u8]>>,
    storage: &str,
    id: u16,
    kind: u16,
) -> Option<Vec<u8>> {
    let path = format!(
        "{}/__substg1.0_{id:04X}{kind:04X}",
        storage.trim_end_matches('/')
    );
    let mut stream = file.open_stream(path).ok()?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// A string property: Unicode (`001F`, UTF-16LE) or 8-bit (`001E`, UTF-8 when valid, else
/// read as Windows-1252's Latin-1 subset). Trailing NULs are dropped.
fn string(file: &mut CompoundFile<Cursor<&[u8]>>, storage: &str, id: u16) -> Option<String> {
    let text = if let Some(bytes) = stream(file, storage, id, 0x001F) {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        let bytes = stream(file, storage, id, 0x001E)?;
        match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
        }
    };
    Some(text.trim_end_matches('\0').to_owned())
}

fn binary(file: &mut CompoundFile<Cursor<&[u8]>>, storage: &str, id: u16) -> Option<Vec<u8>> {
    stream(file, storage, id, 0x0102)
}

/// Fixed-size property values (tag → the 8 value bytes as a number) from a
/// `__properties_version1.0` stream, whose header is 32 bytes for the message itself.
fn fixed_properties(
    file: &mut CompoundFile<Cursor<&[u8]>>,
    path: &str,
    header: usize,
) -> HashMap<u32, u64> {
    let mut out = HashMap::new();
    let Ok(mut stream) = file.open_stream(path) else {
        return out;
    };
    let mut bytes = Vec::new();
    if stream.read_to_end(&mut bytes).is_err() {
        return out;
    }
    for entry in bytes.get(header..).unwrap_or_default().chunks_exact(16) {
        let tag = u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]);
        let mut value = [0u8; 8];
        value.copy_from_slice(&entry[8..16]);
        out.insert(tag, u64::from_le_bytes(value));
    }
    out
}

/// The MIME charset name of a Windows code page, for the ones mail uses.
fn charset_of(code_page: u32) -> Option<String> {
    let name = match code_page {
        65001 => "utf-8",
        20127 => "us-ascii",
        28591 => "iso-8859-1",
        28592 => "iso-8859-2",
        28605 => "iso-8859-15",
        874 => "windows-874",
        1250..=1258 => return Some(format!("windows-{code_page}")),
        932 => "shift_jis",
        936 => "gb2312",
        949 => "ks_c_5601-1987",
        950 => "big5",
        20866 => "koi8-r",
        50220 => "iso-2022-jp",
        51932 => "euc-jp",
        _ => return None,
    };
    Some(name.to_owned())
}

/// Base64 in lines of 76 characters, each ending in CRLF.
fn base64_lines(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 38 + 4);
    for line in data.chunks(57) {
        for chunk in line.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64_lines(b""), "");
        assert_eq!(base64_lines(b"f"), "Zg==\r\n");
        assert_eq!(base64_lines(b"fo"), "Zm8=\r\n");
        assert_eq!(base64_lines(b"foobar"), "Zm9vYmFy\r\n");
        let long = base64_lines(&[0u8; 60]);
        assert_eq!(long.lines().next().unwrap().len(), 76);
    }

    #[test]
    fn boundaries() {
        assert_eq!(
            multipart_boundary("multipart/alternative;\tboundary=\"_000_AB\"").as_deref(),
            Some("_000_AB")
        );
        assert_eq!(
            multipart_boundary("Multipart/Mixed; Boundary=abc; x=y").as_deref(),
            Some("abc")
        );
        assert_eq!(multipart_boundary("text/plain; charset=utf-8"), None);
    }

    fn message(headers: &str) -> OutlookMessage {
        OutlookMessage {
            transport_headers: Some(headers.to_owned()),
            body: Some("Hello\nthere".to_owned()),
            html: Some(b"<p>Hello</p>".to_vec()),
            html_charset: Some("utf-8".to_owned()),
            attachments: vec![Attachment {
                name: Some("plan.pdf".to_owned()),
                mime_type: Some("application/pdf".to_owned()),
                content_id: None,
                data: b"%PDF-1.4".to_vec(),
                embedded_item: false,
            }],
        }
    }

    fn parts(mime: &[u8]) -> Vec<String> {
        let parsed = mail_parser::MessageParser::default().parse(mime).unwrap();
        parsed
            .parts()
            .filter_map(|p| {
                p.content_type()
                    .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")))
            })
            .collect()
    }

    #[test]
    fn single_part_headers_get_a_multipart_body_line_for_line() {
        let headers = "Received: from a by b; Tue, 1 Sep 2026 10:00:00 +0000\r\nContent-Type: text/plain;\r\n\tcharset=\"us-ascii\"\r\nContent-Transfer-Encoding: quoted-printable\r\nSubject: hi\r\n\r\n";
        let mime = message(headers).to_mime().unwrap();
        let text = String::from_utf8(mime.clone()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[4], "Subject: hi", "{text}");
        assert_eq!(lines[3], "Content-Transfer-Encoding: 8bit");
        assert_eq!(
            parts(&mime),
            [
                "multipart/mixed",
                "text/plain",
                "text/html",
                "application/pdf"
            ]
        );
    }

    #[test]
    fn multipart_headers_keep_their_boundary() {
        let headers = "Subject: hi\nContent-Type: multipart/alternative;\n\tboundary=\"_000_X_\"\nMIME-Version: 1.0\n";
        let mime = message(headers).to_mime().unwrap();
        let text = String::from_utf8(mime.clone()).unwrap();
        assert!(text.contains("--_000_X_\r\n") && text.ends_with("--_000_X_--\r\n"));
        assert_eq!(parts(&mime)[0], "multipart/alternative");
        assert_eq!(parts(&mime).len(), 4);
    }

    #[test]
    fn headers_without_content_type_get_one_at_the_end() {
        let mime = message("Subject: hi\n").to_mime().unwrap();
        let text = String::from_utf8(mime).unwrap();
        assert!(
            text.starts_with("Subject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed")
        );
    }

    #[test]
    fn no_headers_is_a_clear_error() {
        let mut m = message("");
        assert_eq!(
            m.to_mime().unwrap_err(),
            InputError::NotMail(NO_HEADERS.to_owned())
        );
        m.transport_headers = None;
        assert!(m.to_mime().unwrap_err().to_string().contains("forward"));
    }

    #[test]
    fn not_an_ole_file_or_not_a_message() {
        let err = read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 truncated").unwrap_err();
        assert!(err.to_string().contains("could not be read"), "{err}");
        let mut empty = CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        empty.create_stream("/WordDocument").unwrap();
        let bytes = empty.into_inner().into_inner();
        let err = read(&bytes).unwrap_err();
        assert!(err.to_string().contains("not an Outlook message"), "{err}");
    }

    fn built() -> Vec<u8> {
        use std::io::Write;
        let mut file = CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        let mut put = |path: &str, bytes: &[u8]| {
            file.create_stream(path).unwrap().write_all(bytes).unwrap();
        };
        let mut props = vec![0u8; 32];
        props.extend_from_slice(&0x3FDE_0003u32.to_le_bytes());
        props.extend_from_slice(&[0; 4]);
        props.extend_from_slice(&1252u64.to_le_bytes());
        put("/__properties_version1.0", &props);
        put(
            "/__substg1.0_007D001F",
            &utf16(
                "Received: from a by b; Tue, 1 Sep 2026 10:00:00 +0000\r\nSubject: \u{e9}t\u{e9}\r\n\r\n\0",
            ),
        );
        put("/__substg1.0_1000001E", b"plain caf\xe9");
        put("/__substg1.0_10130102", b"<p>caf\xe9</p>");
        file.create_storage("/__attach_version1.0_#00000000")
            .unwrap();
        let mut put = |path: &str, bytes: &[u8]| {
            file.create_stream(path).unwrap().write_all(bytes).unwrap();
        };
        put(
            "/__attach_version1.0_#00000000/__substg1.0_3707001F",
            &utf16("logo.png"),
        );
        put(
            "/__attach_version1.0_#00000000/__substg1.0_370E001F",
            &utf16("image/png"),
        );
        put(
            "/__attach_version1.0_#00000000/__substg1.0_3712001F",
            &utf16("logo@x"),
        );
        put(
            "/__attach_version1.0_#00000000/__substg1.0_37010102",
            b"\x89PNG",
        );
        file.into_inner().into_inner()
    }

    #[test]
    fn reads_a_message_it_built() {
        let bytes = built();
        let m = read(&bytes).unwrap();
        assert!(
            m.transport_headers
                .as_deref()
                .unwrap()
                .contains("Subject: \u{e9}t\u{e9}")
        );
        assert_eq!(m.body.as_deref(), Some("plain caf\u{e9}"));
        assert_eq!(m.html_charset.as_deref(), Some("windows-1252"));
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].content_id.as_deref(), Some("logo@x"));
        let mime = String::from_utf8(m.to_mime().unwrap()).unwrap();
        assert!(mime.contains("Content-Disposition: inline; filename=\"logo.png\""));
        assert!(mime.contains("charset=\"windows-1252\""));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Damaged files give an error or a message, never a panic.
        #[test]
        fn damaged_files_never_panic(
            changes in proptest::collection::vec((0usize..8192, proptest::prelude::any::<u8>()), 1..12),
        ) {
            let mut bytes = built();
            for (at, byte) in changes {
                let len = bytes.len();
                bytes[at % len] = byte;
            }
            if let Ok(m) = read(&bytes) {
                let _ = m.to_mime();
            }
        }
    }
}
