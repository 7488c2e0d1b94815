//! Turning a [`Report`](crate::report::Report) into output. Nothing before this module
//! prints; nothing in it looks at the message again.

pub mod escape;
pub mod json;
pub mod text;
