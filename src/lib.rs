//! spamwhy: explains why a received mail message was flagged as spam.
//!
//! The library is the whole product; the `spamwhy` binary is a thin command line over it.
//! Data flows one way (see ARCHITECTURE.md): [`input`] decides whether bytes are mail,
//! [`evidence`] reads what each header says (with the grammars of `spamwhy-headers`),
//! [`trust`] decides which of it the recipient wrote, [`report`] is the JSON schema, and
//! [`render`] turns a report into text for people.

pub mod analyze;
pub mod audit;
pub mod batch;
pub mod diagnose;
pub mod dns;
pub mod domain;
pub mod evidence;
pub mod input;
pub mod knowledge;
pub mod message;
pub mod render;
pub mod report;
pub mod trust;
pub mod verify;

pub use analyze::{Context, DnsContext, analyze, analyze_with};
pub use input::{Input, InputError};
pub use report::Report;
