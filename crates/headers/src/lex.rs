//! Lexical pieces shared by the RFC 5322 family of grammars: comments, CFWS, quoted strings,
//! tokens. Every function is a nom parser over `&str` and never panics.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{take_while, take_while1},
    character::complete::{anychar, char},
    combinator::{map, opt, recognize, value},
    multi::{many0, many1},
    sequence::preceded,
};

/// Folding or plain whitespace (space, tab, CR, LF).
pub fn is_wsp(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Zero or more whitespace characters.
pub fn wsp0(i: &str) -> IResult<&str, &str> {
    take_while(is_wsp).parse(i)
}

/// A parenthesised comment, nesting and quoted-pairs allowed. Returns the text inside the
/// outermost parentheses, verbatim. An unclosed comment consumes the rest of the input
/// (real headers get truncated; the text is still worth keeping).
pub fn comment(i: &str) -> IResult<&str, &str> {
    let (rest, _) = char('(').parse(i)?;
    let mut depth = 1usize;
    let mut chars = rest.char_indices();
    while let Some((pos, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok((&rest[pos + 1..], &rest[..pos]));
                }
            }
            _ => {}
        }
    }
    Ok(("", rest))
}

/// Comments and folding whitespace; returns the comments in order.
pub fn cfws(i: &str) -> IResult<&str, Vec<&str>> {
    let (i, _) = wsp0(i)?;
    many0(map((comment, wsp0), |(c, _)| c)).parse(i)
}

/// Skips CFWS and returns what follows it, for hand-written loops.
pub fn skip_cfws(i: &str) -> &str {
    match cfws(i) {
        Ok((rest, _)) => rest,
        Err(_) => i,
    }
}

/// A quoted string with its quotes removed and quoted-pairs resolved. An unclosed quote takes
/// the rest of the input.
pub fn quoted_string(i: &str) -> IResult<&str, String> {
    let (rest, _) = char('"').parse(i)?;
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((pos, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    out.push(escaped);
                }
            }
            '"' => return Ok((&rest[pos + 1..], out)),
            '\r' | '\n' => {}
            _ => out.push(c),
        }
    }
    Ok(("", out))
}

/// RFC 2045 token characters (what RFC 8601 uses for methods, results and property values).
pub fn is_token_char(c: char) -> bool {
    !c.is_control() && !is_wsp(c) && !"()<>@,;:\\\"/[]?=".contains(c)
}

/// One or more token characters.
pub fn token(i: &str) -> IResult<&str, &str> {
    take_while1(is_token_char).parse(i)
}

/// RFC 5322 atext.
pub fn is_atext(c: char) -> bool {
    c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || (!c.is_ascii() && !c.is_control())
}

/// A dot-atom (`mail.example.com`), also accepting a leading or doubled dot seen in the wild.
pub fn dot_atom(i: &str) -> IResult<&str, &str> {
    recognize(many1(alt((take_while1(is_atext), recognize(char('.')))))).parse(i)
}

/// A value that is either a quoted string or a run of characters up to whitespace, `;` or `(`.
pub fn value_text(i: &str) -> IResult<&str, String> {
    alt((
        quoted_string,
        map(
            take_while1(|c: char| !is_wsp(c) && c != ';' && c != '(' && c != ')'),
            str::to_owned,
        ),
    ))
    .parse(i)
}

/// A quoted-pair outside a quoted string or comment (rare; accepted as its character).
pub fn quoted_pair(i: &str) -> IResult<&str, char> {
    preceded(char('\\'), anychar).parse(i)
}

/// An optional `;` surrounded by CFWS, returning whether one was present.
pub fn semicolon(i: &str) -> IResult<&str, bool> {
    let (i, _) = cfws(i)?;
    let (i, found) = opt(value(true, char(';'))).parse(i)?;
    let (i, _) = cfws(i)?;
    Ok((i, found.unwrap_or(false)))
}

/// Collapses every run of whitespace (folding included) into one space and trims the ends.
pub fn collapse_whitespace(s: &str) -> String {
    // Whitespace is ASCII, so cutting at its bytes keeps UTF-8 intact.
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !is_space(bytes[i]) {
            i += 1;
        }
        if i > start {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s[start..i]);
        }
    }
    out
}

/// The whole of `s`, whitespace trimmed, as a finite decimal number: an optional sign, digits
/// with an optional fraction, an optional exponent. `inf`, `NaN`, hex and trailing text are
/// refused, as is a value too large to be finite. Shared by the gateway grammars, whose scores
/// are plain numbers.
pub fn finite_number(s: &str) -> Option<f64> {
    let t = s.trim_matches(is_wsp);
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_comment_with_quoted_pair() {
        let (rest, c) = comment("(a (b \\) c) d) tail").unwrap();
        assert_eq!(c, "a (b \\) c) d");
        assert_eq!(rest, " tail");
    }

    #[test]
    fn unclosed_comment_takes_the_rest() {
        assert_eq!(comment("(never closed").unwrap(), ("", "never closed"));
    }

    #[test]
    fn cfws_collects_comments() {
        let (rest, c) = cfws("  (one)\n\t(two) x").unwrap();
        assert_eq!(c, vec!["one", "two"]);
        assert_eq!(rest, "x");
    }

    #[test]
    fn quoted_string_unescapes() {
        assert_eq!(
            quoted_string("\"a \\\"b\\\" c\" rest").unwrap(),
            (" rest", "a \"b\" c".to_owned())
        );
    }

    #[test]
    fn finite_numbers() {
        assert_eq!(finite_number(" -1.21 "), Some(-1.21));
        assert_eq!(finite_number("800"), Some(800.0));
        assert_eq!(finite_number(".5"), Some(0.5));
        assert_eq!(finite_number("1e3"), Some(1000.0));
        for bad in [
            "", "-", "inf", "NaN", "1e999", "0x10", "5 points", "e5", "1..2",
        ] {
            assert_eq!(finite_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn collapse_folds() {
        assert_eq!(collapse_whitespace(" a\n\t b  c "), "a b c");
    }
}
