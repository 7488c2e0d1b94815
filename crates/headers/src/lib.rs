//! Pure grammars for the header fields spam filters and mail servers write.
//!
//! Every parser here is a function from header text to a typed value or a local
//! [`ParseError`]; none does I/O, none judges what the value means, none panics. The crate
//! depends on nom alone so fuzz targets and other tools can use it by itself.

pub mod authentication_results;
pub mod block;
pub mod date;
pub mod dkim_signature;
pub mod error;
pub mod greylist;
pub mod lex;
pub mod microsoft;
pub mod received;
pub mod received_spf;
pub mod rspamd;
pub mod spamassassin;

pub use block::{HeaderBlock, HeaderField, split_header_block, unfold};
pub use error::ParseError;
