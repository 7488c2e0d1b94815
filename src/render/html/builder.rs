//! A small HTML writer that makes escaping structural: markup can only come from
//! `&'static str` (tag names, attribute names, fixed fragments written in this crate), and
//! every other string (anything from a message, a table or a number) goes through
//! [`escape`]. There is no way to insert a runtime string unescaped.

use std::fmt::Write;

/// Text made safe for HTML text and quoted attribute values: `& < > " '` become
/// references; control characters (other than tab and line breaks), bidirectional
/// overrides and noncharacters become visible escapes (`\x1b`, `\u{202e}`), as in the
/// terminal output, so nothing from a message can reorder or hide what is shown.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c if (c as u32) < 0x100 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FDD0}'..='\u{FDEF}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c if (c as u32) & 0xFFFE == 0xFFFE => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Elements with no end tag.
const VOID: &[&str] = &["meta", "br", "hr", "img", "link", "col", "wbr"];

/// The document being written, with the stack of open elements (closing the wrong one is
/// a bug, caught by tests in debug builds).
#[derive(Default)]
pub struct Html {
    out: String,
    open: Vec<&'static str>,
}

impl Html {
    pub fn new() -> Self {
        Html::default()
    }

    /// Fixed markup written in this crate.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Text, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.out.push_str(&escape(text));
        self
    }

    /// A number, as text.
    pub fn number(&mut self, value: impl std::fmt::Display) -> &mut Self {
        self.text(&value.to_string())
    }

    fn start_tag(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            let _ = write!(self.out, " {name}=\"{}\"", escape(value));
        }
        self.out.push('>');
    }

    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.start_tag(tag, attrs);
        if !VOID.contains(&tag) {
            self.open.push(tag);
        }
        self
    }

    pub fn close(&mut self, tag: &'static str) -> &mut Self {
        let top = self.open.pop();
        debug_assert_eq!(top, Some(tag), "closing <{tag}> while <{top:?}> is open");
        let _ = write!(self.out, "</{tag}>");
        self
    }

    /// An element with text content.
    pub fn el(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    /// A void element (`<meta>`, `<br>`).
    pub fn void(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        debug_assert!(VOID.contains(&tag));
        self.start_tag(tag, attrs);
        self
    }

    /// Everything written so far; every element must be closed.
    pub fn finish(self) -> String {
        debug_assert!(self.open.is_empty(), "unclosed: {:?}", self.open);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_and_controls_are_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(
            escape("a\x1b[31m\u{202e}b\r\nc\rd"),
            "a\\x1b[31m\\u{202e}b\nc\nd"
        );
        assert_eq!(escape("\u{FFFE}\u{FDD0}"), "\\u{fffe}\\u{fdd0}");
    }

    #[test]
    fn attributes_are_escaped_too() {
        let mut html = Html::new();
        html.el("p", &[("title", "\" onmouseover=\"x")], "<b>");
        assert_eq!(
            html.finish(),
            "<p title=\"&quot; onmouseover=&quot;x\">&lt;b&gt;</p>"
        );
    }
}
