//! The message's own identity (who, what, when) as a reader would see it: RFC 2047 encoded
//! words decoded and addresses formatted, by mail-parser.

use std::cell::RefCell;
use std::sync::LazyLock;

use mail_parser::{AddressList, HeaderForm, HeaderName, MessageBuffers, MessageParser};

use crate::report::MessageSummary;

/// Headers mail-parser would parse by default that nothing here reads from its parse: kept
/// raw (unparsed), which is most of mail-parser's time on a real message (Received above
/// all). The headers read here (Subject, From, To, Date, Message-ID, Return-Path) and the
/// MIME headers keep their forms, so the values are exactly those of a default parser.
const UNUSED: &[HeaderName<'static>] = &[
    HeaderName::Received,
    HeaderName::Cc,
    HeaderName::Bcc,
    HeaderName::ReplyTo,
    HeaderName::Sender,
    HeaderName::ResentTo,
    HeaderName::ResentFrom,
    HeaderName::ResentBcc,
    HeaderName::ResentCc,
    HeaderName::ResentSender,
    HeaderName::ResentDate,
    HeaderName::ResentMessageId,
    HeaderName::ListArchive,
    HeaderName::ListHelp,
    HeaderName::ListId,
    HeaderName::ListOwner,
    HeaderName::ListPost,
    HeaderName::ListSubscribe,
    HeaderName::ListUnsubscribe,
    HeaderName::References,
    HeaderName::InReplyTo,
    HeaderName::ContentId,
    HeaderName::Keywords,
    HeaderName::ContentLanguage,
    HeaderName::Comments,
    HeaderName::ContentDescription,
    HeaderName::ContentLocation,
];

/// A parser for the identity headers (and, as always, the MIME structure).
pub fn parser() -> &'static MessageParser {
    static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
        UNUSED.iter().fold(MessageParser::new(), |parser, name| {
            parser.header(name.clone(), HeaderForm::Raw)
        })
    });
    &PARSER
}

thread_local! {
    /// mail-parser's storage, reused from message to message on each thread.
    static BUFFERS: RefCell<MessageBuffers> = RefCell::new(MessageBuffers::new());
}

/// Runs `f` over `bytes` parsed (whole MIME structure) by [`parser`], reusing this thread's
/// parse buffers.
pub fn with_parsed<T>(bytes: &[u8], f: impl FnOnce(&mail_parser::Message<'_>) -> T) -> Option<T> {
    BUFFERS.with(|cell| {
        let mut buffers = std::mem::take(&mut *cell.borrow_mut());
        let message = parser().parse_with(bytes, &mut buffers)?;
        let result = f(&message);
        *cell.borrow_mut() = message.into_buffers();
        Some(result)
    })
}

pub fn summarize(bytes: &[u8]) -> MessageSummary {
    parser()
        .parse_headers(bytes)
        .map(|message| summary_of(&message))
        .unwrap_or_default()
}

fn summary_of(message: &mail_parser::Message<'_>) -> MessageSummary {
    MessageSummary {
        message_id: message.message_id().map(str::to_owned),
        subject: message.subject().map(str::to_owned),
        from: message.from().and_then(format_addresses),
        to: message.to().and_then(format_addresses),
        date: message.date().map(|d| d.to_rfc3339()),
        return_path: message.return_address().map(str::to_owned),
    }
}

fn format_addresses(list: AddressList<'_>) -> Option<String> {
    let formatted: Vec<String> = list
        .mailboxes()
        .map(|mailbox| match (mailbox.name(), mailbox.address()) {
            (Some(name), Some(address)) if name != address => format!("{name} <{address}>"),
            (_, Some(address)) => address.to_owned(),
            (Some(name), None) => name.to_owned(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    (!formatted.is_empty()).then(|| formatted.join(", "))
}
