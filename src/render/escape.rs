//! Values from a message are attacker-controlled: before any reaches a terminal, control
//! characters (which could move the cursor, change colours or retitle the window) and
//! bidirectional overrides (which could reorder what is shown) become visible escapes.

use std::borrow::Cow;

fn is_dangerous(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text with every control character shown as an escape (`\x1b`, `\u{202e}`); tabs
/// and line breaks become a space so a value stays on one line.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_dangerous) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x100 && is_dangerous(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_dangerous(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_bell_become_visible() {
        assert_eq!(terminal_safe("a\x1b[31mred\x07"), "a\\x1b[31mred\\x07");
        assert_eq!(terminal_safe("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(terminal_safe("tab\there"), "tab here");
        assert!(matches!(terminal_safe("plain é"), Cow::Borrowed(_)));
    }
}
