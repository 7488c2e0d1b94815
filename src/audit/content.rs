//! The message itself: required headers, its MIME structure (read by mail-parser), the
//! unsubscribe option of bulk-looking mail, and size.

use spamwhy_headers::HeaderBlock;

use super::{Confidence, Observation, evidence};
use crate::report::{InputKind, Report};

/// Headers that mark mail as sent in bulk (lists, newsletters, email service providers).
const BULK_MARKERS: &[&str] = &[
    "List-Id",
    "Feedback-ID",
    "X-Mailgun-Sid",
    "X-SG-EID",
    "X-SES-Outgoing",
    "X-MC-User",
    "X-Mailchimp-Campaign",
    "X-Campaign",
    "X-CampaignID",
    "X-CSA-Complaints",
    "X-Mailer-RecptId",
    "X-Newsletter",
];

/// Above this the message is heavy for a normal email.
const LARGE_MESSAGE_BYTES: usize = 5 * 1024 * 1024;
/// Inline images above this in total make a message look like an image-only mailing.
const LARGE_INLINE_IMAGES_BYTES: usize = 1024 * 1024;

pub fn check(report: &Report, block: &HeaderBlock, bytes: &[u8], out: &mut Vec<Observation>) {
    required_headers(block, out);
    unsubscribe(block, out);
    if matches!(report.input_kind, InputKind::Message | InputKind::Msg) {
        mime(bytes, out);
        if bytes.len() > LARGE_MESSAGE_BYTES {
            out.push(Observation::problem(
                "message-size",
                Confidence::Medium,
                evidence(
                    "(message)",
                    format!("{} bytes", bytes.len()),
                    None,
                    format!(
                        "the message is {:.1} MB, large for an email",
                        bytes.len() as f64 / 1_048_576.0
                    ),
                ),
            ));
        }
    } else if let Some(ct) = block.first("Content-Type")
        && ct.unfolded().to_ascii_lowercase().starts_with("text/html")
    {
        out.push(html_only(ct.unfolded(), Some(ct.line)));
    }
}

fn required_headers(block: &HeaderBlock, out: &mut Vec<Observation>) {
    let mut missing = Vec::new();
    for name in ["Message-ID", "Date", "From"] {
        if block.first(name).is_none() {
            missing.push(name);
        }
    }
    if missing.is_empty() {
        if let Some(id) = block.first("Message-ID") {
            out.push(Observation::pass(
                "header-format",
                evidence(
                    "Message-ID",
                    id.unfolded(),
                    Some(id.line),
                    "the message has a Message-ID, a Date and a From header",
                ),
            ));
        }
    } else {
        out.push(Observation::problem(
            "header-format",
            Confidence::Medium,
            evidence(
                "(headers)",
                missing.join(", "),
                None,
                format!(
                    "the message has no {} header; every proper email has one",
                    missing.join(" or ")
                ),
            ),
        ));
    }
}

fn unsubscribe(block: &HeaderBlock, out: &mut Vec<Observation>) {
    let unsubscribe = block.first("List-Unsubscribe");
    let precedence = block.first("Precedence").filter(|p| {
        matches!(
            p.unfolded().to_ascii_lowercase().as_str(),
            "bulk" | "list" | "junk"
        )
    });
    let marker = precedence.or_else(|| BULK_MARKERS.iter().find_map(|name| block.first(name)));
    match (marker, unsubscribe) {
        (Some(marker), None) => out.push(Observation::problem(
            "unsubscribe-link",
            Confidence::Medium,
            evidence(
                &marker.name,
                marker.unfolded(),
                Some(marker.line),
                format!(
                    "the message looks like bulk mail ({}) but has no List-Unsubscribe header",
                    marker.name
                ),
            ),
        )),
        (_, Some(unsub)) => out.push(Observation::pass(
            "unsubscribe-link",
            evidence(
                "List-Unsubscribe",
                unsub.unfolded(),
                Some(unsub.line),
                "the message offers a List-Unsubscribe link",
            ),
        )),
        (None, None) => {}
    }
}

fn html_only(value: String, line: Option<usize>) -> Observation {
    Observation::problem(
        "plain-text-part",
        Confidence::Medium,
        evidence(
            "Content-Type",
            value,
            line,
            "the message is HTML only, with no plain-text version beside it",
        ),
    )
}

fn mime(bytes: &[u8], out: &mut Vec<Observation>) {
    crate::message::with_parsed(bytes, |message| mime_of(message, out));
}

fn mime_of(message: &mail_parser::Message<'_>, out: &mut Vec<Observation>) {
    let mut html = false;
    let mut plain = false;
    let mut inline_image_bytes = 0usize;
    for part in message.parts() {
        if part.is_attachment() {
            continue;
        }
        if part.is_content_type("text", "html") {
            html = true;
        } else if part.is_content_type("text", "plain") {
            plain = true;
        } else if part
            .content_type()
            .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("image"))
        {
            inline_image_bytes += part.raw_body().len();
        }
    }
    let content_type = message
        .root_part()
        .content_type()
        .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")))
        .unwrap_or_else(|| "text/plain".to_owned());
    if html && !plain {
        out.push(html_only(content_type, None));
    } else if html && plain {
        out.push(Observation::pass(
            "plain-text-part",
            evidence(
                "Content-Type",
                content_type,
                None,
                "the message has both a plain-text and an HTML version",
            ),
        ));
    }
    if inline_image_bytes > LARGE_INLINE_IMAGES_BYTES {
        out.push(Observation::problem(
            "message-size",
            Confidence::Medium,
            evidence(
                "(message)",
                format!("{inline_image_bytes} bytes of inline images"),
                None,
                format!(
                    "the message embeds {:.1} MB of images in its body",
                    inline_image_bytes as f64 / 1_048_576.0
                ),
            ),
        ));
    }
}
