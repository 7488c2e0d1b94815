//! Pure grammars for the header fields spam filters and mail servers write.
//!
//! Every parser here is a function from header text to a typed value or a local
//! [`ParseError`]; none does I/O, none judges what the value means, none panics. The crate
//! depends only on nom (and memchr, which nom already uses), so fuzz targets and other tools
//! can use it by itself.

pub mod authentication_results;
pub mod barracuda;
pub mod block;
pub mod cisco;
pub mod cloudmark;
pub mod date;
pub mod dkim_signature;
pub mod error;
pub mod fortinet;
pub mod greylist;
pub mod kaspersky;
pub mod lex;
pub mod microsoft;
pub mod mimecast;
pub mod others;
pub mod proofpoint;
pub mod received;
pub mod received_spf;
pub mod rspamd;
pub mod sophos;
pub mod spamassassin;
pub mod spamexperts;
pub mod symantec;
pub mod trendmicro;
pub mod vade;

pub use block::{HeaderBlock, HeaderField, split_header_block, unfold};

/// The first value of `key` in a list of key-value pairs, comparing keys ignoring ASCII
/// case (as RFC 8601 properties and RFC 7208 keys are compared).
pub fn first_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}
pub use error::ParseError;
