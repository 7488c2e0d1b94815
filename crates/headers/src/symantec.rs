//! Symantec (Broadcom) Email Security.cloud, formerly MessageLabs, and Messaging Gateway
//! (Brightmail): `X-SpamInfo` says in words how the service recognised spam (`spam detected
//! heuristically`, `blackholed by Dynamic IP block list`...), `X-SpamReason: Yes` marks a
//! detection the customer's settings chose not to act on, and `X-Brightmail-Tracker` is an
//! encrypted blob that only shows the engine scanned the message.
//!
//! FortiGate writes a header of the same name in its own form; see
//! [`crate::fortinet::parse_spaminfo`], which callers try first.

use crate::error::ParseError;
use crate::lex::collapse_whitespace;

/// `X-SpamInfo`: the reason text, whitespace collapsed. Empty is an error.
pub fn parse_spaminfo(value: &str) -> Result<String, ParseError> {
    let text = collapse_whitespace(value);
    if text.is_empty() {
        return Err(ParseError::new("empty X-SpamInfo value"));
    }
    Ok(text)
}

/// `X-SpamReason` (and `X-Spam-Flag` as this service writes it): `Yes`/`No`.
pub fn parse_yes_no(value: &str) -> Result<bool, ParseError> {
    let text = collapse_whitespace(value);
    match text.to_ascii_lowercase().as_str() {
        "yes" | "true" => Ok(true),
        "no" | "false" => Ok(false),
        _ => Err(ParseError::new(format!(
            "expected `Yes` or `No`, found `{text}`"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn documented_values() {
        // Broadcom's knowledge base lists these texts for Email Security.cloud.
        assert_eq!(
            parse_spaminfo(" spam detected heuristically").unwrap(),
            "spam detected heuristically"
        );
        assert_eq!(
            parse_spaminfo("blackholed by Dynamic IP\n block list").unwrap(),
            "blackholed by Dynamic IP block list"
        );
        assert!(parse_spaminfo(" ").is_err());
        assert_eq!(parse_yes_no("Yes"), Ok(true));
        assert_eq!(parse_yes_no(" NO "), Ok(false));
        assert!(parse_yes_no("perhaps").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,120}") {
            let _ = parse_spaminfo(&s);
            let _ = parse_yes_no(&s);
        }
    }
}
