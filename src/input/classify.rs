//! Decides whether bytes are a mail message, a pasted header section, or neither.

use spamwhy_headers::{HeaderBlock, split_header_block};

use super::{InputError, msg};
use crate::report::InputKind;

/// A header section that passed the "is this mail?" checks.
#[derive(Debug)]
pub struct Classified {
    pub kind: InputKind,
    pub block: HeaderBlock,
    /// The message rebuilt as MIME when the input was not MIME itself (an Outlook .msg):
    /// analyse these bytes instead of the input's.
    pub rebuilt: Option<Vec<u8>>,
}

/// File signatures of formats people drop on the tool by mistake, with what to say.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG", "this is a PNG image"),
    (b"\xFF\xD8\xFF", "this is a JPEG image"),
    (b"GIF8", "this is a GIF image"),
    (b"%PDF", "this is a PDF document"),
    (
        b"PK\x03\x04",
        "this is a ZIP archive (or an Office document)",
    ),
    (b"\x1F\x8B", "this is gzip-compressed; decompress it first"),
];

/// Header names that only mail carries; one of them must be present.
const MAIL_HEADERS: &[&str] = &[
    "received",
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "return-path",
    "delivered-to",
    "authentication-results",
    "arc-authentication-results",
    "dkim-signature",
    "mime-version",
    "x-spam-status",
    "x-spamd-result",
    "x-forefront-antispam-report",
    "received-spf",
    "x-received",
];

pub fn classify(bytes: &[u8]) -> Result<Classified, InputError> {
    if msg::is_ole(bytes) {
        let rebuilt = msg::read(bytes)?.to_mime()?;
        let mut classified = classify_text(&rebuilt)?;
        classified.kind = InputKind::Msg;
        classified.rebuilt = Some(rebuilt);
        return Ok(classified);
    }
    classify_text(bytes)
}

fn classify_text(bytes: &[u8]) -> Result<Classified, InputError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError::Empty);
    }
    if let Some((_, what)) = SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
    {
        return Err(InputError::NotMail((*what).to_owned()));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return Err(InputError::NotMail(
            "it contains binary data (NUL bytes) where mail headers should be".to_owned(),
        ));
    }
    let block = split_header_block(bytes);
    let mail_fields = block
        .fields
        .iter()
        .filter(|f| MAIL_HEADERS.iter().any(|name| f.is(name)))
        .count();
    if block.fields.is_empty() || mail_fields == 0 {
        return Err(InputError::NotMail(
            "no mail header fields (Received, From, Subject, Authentication-Results...) at the top"
                .to_owned(),
        ));
    }
    let first_is_stray = block
        .stray_lines
        .first()
        .zip(block.fields.first())
        .is_some_and(|(stray, field)| stray.line < field.line);
    if first_is_stray && block.stray_lines.len() >= block.fields.len() {
        return Err(InputError::NotMail(
            "it starts with text that is not a header field".to_owned(),
        ));
    }
    let has_body = block
        .body_offset
        .is_some_and(|at| bytes[at..].iter().any(|b| !b.is_ascii_whitespace()));
    let kind = if has_body {
        InputKind::Message
    } else {
        InputKind::Headers
    };
    Ok(Classified {
        kind,
        block,
        rebuilt: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_whitespace_are_empty() {
        assert_eq!(classify(b"").unwrap_err(), InputError::Empty);
        assert_eq!(classify(b" \n\r\n").unwrap_err(), InputError::Empty);
    }

    #[test]
    fn pictures_and_broken_outlook_files_are_named() {
        let err = classify(b"\x89PNG\r\n\x1a\n....").unwrap_err();
        assert!(err.to_string().contains("PNG"), "{err}");
        let err = classify(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").unwrap_err();
        assert!(err.to_string().contains("Outlook .msg"), "{err}");
    }

    #[test]
    fn prose_and_json_are_not_mail() {
        assert!(matches!(
            classify(b"Dear team,\nplease find the report.\n").unwrap_err(),
            InputError::NotMail(_)
        ));
        assert!(matches!(
            classify(b"{\"subject\": \"hi\"}\n").unwrap_err(),
            InputError::NotMail(_)
        ));
    }

    #[test]
    fn header_paste_and_full_message() {
        let headers =
            classify(b"\nReceived: from a by b; Tue, 1 Sep 2026 10:00:00 +0000\n").unwrap();
        assert_eq!(headers.kind, InputKind::Headers);
        let message = classify(b"Subject: hi\nFrom: a@b.example\n\nHello\n").unwrap();
        assert_eq!(message.kind, InputKind::Message);
    }
}
