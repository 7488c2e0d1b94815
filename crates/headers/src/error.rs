//! The one error type every grammar returns: a short, local description of what was wrong.

use std::fmt;

/// A header field was recognised but its value does not follow the grammar.
///
/// The message says what was expected, in words an operator can read in a report
/// (for example "expected `score=` before `required=`").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}
