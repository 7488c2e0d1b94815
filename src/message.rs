//! The message's own identity (who, what, when) as a reader would see it: RFC 2047 encoded
//! words decoded and addresses formatted, by mail-parser.

use mail_parser::{AddressList, MessageParser};

use crate::report::MessageSummary;

pub fn summarize(bytes: &[u8]) -> MessageSummary {
    let Some(message) = MessageParser::default().parse_headers(bytes) else {
        return MessageSummary::default();
    };
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
