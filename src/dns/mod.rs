//! Recorded DNS: the file format (`zone`), the closed-world store verification reads
//! (`store`), the adapter that makes mail-auth read it (`cache`), and live recording
//! (`record`, the only code that touches the network).

pub mod cache;
pub mod record;
pub mod spf_record;
pub mod store;
pub mod zone;

pub use store::{Answer, DnsFileError, RecordedDns};
