//! Vade (Vade Retro, used by OVHcloud and others): `X-VR-SPAMSTATE` (a word),
//! `X-VR-SPAMSCORE` (a number) and `X-VR-SPAMCAUSE` / `X-OVH-SPAMCAUSE`, the filter's report
//! hidden by a simple reversible scrambling.
//!
//! The scrambling turns every byte of the report into two lower-case letters. One letter of
//! each pair is the *key*; pairs alternate which side it is on: in the first, third, fifth...
//! pair (even index from 0) it is the second letter, in the others the first. With `k` the
//! key and `o` the other letter, the byte is `17·k + o − 1768` (in character codes): the key
//! letter picks a block of sixteen values and the other letter the place in it. Decoding
//! with the position ignored goes wrong wherever both letters fall in the key range, which
//! is why some published decoders print garbage here and there.
//!
//! The decoded report reads `Vade Retro 01.394.21 AS+AV+AP+RT Profile: OVH; Bailout: 300;
//! ^ForbiddenHdr (500)`: the engine and profile, then `;`-separated items that are either
//! rules with points (`NAME (points)`) or `Name: value` / `Name=value` facts.

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, finite_number, is_wsp};

/// The decoded report, split into its parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpamCause {
    /// `Vade Retro 01.394.21 AS+AV+AP+RT`: engine, version and the modules that ran.
    pub engine: Option<String>,
    /// `Profile: OVH` (a comma list when several, `OVH,CHECKCE`).
    pub profile: Option<String>,
    /// `Bailout: 300`.
    pub bailout: Option<f64>,
    /// `NAME (points)` items in order.
    pub rules: Vec<(String, f64)>,
    /// `Name: value` and `Name=value` items in order, names as written.
    pub fields: Vec<(String, String)>,
    /// Items of neither shape.
    pub other: Vec<String>,
}

/// Undoes the scrambling of `X-VR-SPAMCAUSE`. Folding whitespace is ignored; anything but
/// lower-case ASCII letters, an odd number of letters, or a pair that decodes outside a byte
/// is an error. The bytes are read as UTF-8, invalid sequences replaced.
pub fn decode_spamcause(value: &str) -> Result<String, ParseError> {
    let letters: Vec<u8> = value.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if letters.is_empty() {
        return Err(ParseError::new("empty SPAMCAUSE value"));
    }
    if let Some(bad) = letters.iter().find(|b| !b.is_ascii_lowercase()) {
        return Err(ParseError::new(format!(
            "not the scrambled form (only lower-case letters): found `{}`",
            char::from(*bad)
        )));
    }
    if !letters.len().is_multiple_of(2) {
        return Err(ParseError::new(
            "odd number of letters: the value is cut short",
        ));
    }
    let mut bytes = Vec::with_capacity(letters.len() / 2);
    for (index, pair) in letters.chunks_exact(2).enumerate() {
        let (first, second) = (i32::from(pair[0]), i32::from(pair[1]));
        let (key, other) = if index % 2 == 0 {
            (second, first)
        } else {
            (first, second)
        };
        let byte = 17 * key + other - 1768;
        let byte = u8::try_from(byte).map_err(|_| {
            ParseError::new(format!(
                "letters `{}{}` at pair {index} do not decode to a byte",
                char::from(pair[0]),
                char::from(pair[1])
            ))
        })?;
        bytes.push(byte);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Splits a decoded report into its parts. Never fails: an unexpected item goes to `other`.
pub fn parse_spamcause_text(text: &str) -> SpamCause {
    let mut out = SpamCause::default();
    for (n, item) in text.split(';').enumerate() {
        let item = collapse_whitespace(item);
        if item.is_empty() {
            continue;
        }
        if n == 0 {
            if let Some(at) = item.find("Profile:") {
                let engine = item.get(..at).unwrap_or("").trim();
                out.engine = (!engine.is_empty()).then(|| engine.to_owned());
                let profile = item.get(at + "Profile:".len()..).unwrap_or("").trim();
                out.profile = (!profile.is_empty()).then(|| profile.to_owned());
                continue;
            }
            if item.starts_with("Vade") {
                out.engine = Some(item);
                continue;
            }
        }
        if let Some(rule) = rule_item(&item) {
            out.rules.push(rule);
            continue;
        }
        let colon = item.find(':');
        let equals = item.find('=');
        let at = match (colon, equals) {
            (Some(c), Some(e)) => Some(c.min(e)),
            (c, e) => c.or(e),
        };
        let Some(at) = at else {
            out.other.push(item);
            continue;
        };
        let name = item.get(..at).unwrap_or("").trim();
        let value = item.get(at + 1..).unwrap_or("").trim();
        if name.is_empty() || name.contains(is_wsp) {
            out.other.push(item.clone());
            continue;
        }
        if name.eq_ignore_ascii_case("bailout")
            && out.bailout.is_none()
            && let Some(points) = finite_number(value)
        {
            out.bailout = Some(points);
            continue;
        }
        out.fields.push((name.to_owned(), value.to_owned()));
    }
    out
}

/// `NAME (points)`: a name without spaces, then a number in parentheses.
fn rule_item(item: &str) -> Option<(String, f64)> {
    let inner = item.strip_suffix(')')?;
    let (name, points) = inner.rsplit_once('(')?;
    let name = name.trim();
    if name.is_empty() || name.contains(is_wsp) || name.contains(['=', ':']) {
        return None;
    }
    Some((name.to_owned(), finite_number(points)?))
}

/// `X-VR-SPAMSCORE`: a whole or decimal number (OVHcloud writes 0, 100, 300, 800...).
pub fn parse_spamscore(value: &str) -> Result<f64, ParseError> {
    finite_number(value).ok_or_else(|| {
        ParseError::new(format!(
            "spam score is not a number: `{}`",
            collapse_whitespace(value)
        ))
    })
}

/// `X-VR-SPAMSTATE`: one word (`OK`, `SPAM`), upper-cased.
pub fn parse_spamstate(value: &str) -> Result<String, ParseError> {
    let word = collapse_whitespace(value);
    if word.is_empty() || word.contains(' ') {
        return Err(ParseError::new(format!(
            "expected one word, found `{word}`"
        )));
    }
    Ok(word.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The inverse of [`decode_spamcause`], written from the description above (each byte
    /// gets a key letter from its high half and the position decides the order), to check
    /// the decoder on text this test chose.
    fn encode(text: &str) -> String {
        let mut out = String::new();
        for (index, byte) in text.bytes().enumerate() {
            let (high, low) = (i32::from(byte >> 4), i32::from(byte & 15));
            // key = 97 + high (+1 when low > high), other = byte + 1768 - 17 * key
            let key = 97 + high + i32::from(low > high);
            let other = i32::from(byte) + 1768 - 17 * key;
            let (key, other) = (
                char::from(u8::try_from(key).unwrap()),
                char::from(u8::try_from(other).unwrap()),
            );
            if index % 2 == 0 {
                out.push(other);
                out.push(key);
            } else {
                out.push(key);
                out.push(other);
            }
        }
        out
    }

    #[test]
    fn decodes_the_published_sample() {
        // The start of every OVH SPAMCAUSE (section 12 of the header reference) and a full
        // public example from a question-and-answer site.
        assert_eq!(
            decode_spamcause("gggruggvucftvghtrhho").unwrap(),
            "Vade Retro"
        );
        let full = decode_spamcause("gggruggvucftvghtrhhoucdtuddrfeelgedrvdduucetufdoteggodetrfdotffvucfrrhhofhhilhgvmecuqfggjfenuceurghilhhouhhtmecufedttdenucgohfhorhgsihguuggvnhfjughrucdlhedttddm").unwrap();
        assert_eq!(
            full,
            "Vade Retro 01.394.21 AS+AV+AP+RT Profile: OVH; Bailout: 300; ^ForbiddenHdr (500)"
        );
        let cause = parse_spamcause_text(&full);
        assert_eq!(
            cause.engine.as_deref(),
            Some("Vade Retro 01.394.21 AS+AV+AP+RT")
        );
        assert_eq!(cause.profile.as_deref(), Some("OVH"));
        assert_eq!(cause.bailout, Some(300.0));
        assert_eq!(cause.rules, vec![("^ForbiddenHdr".to_owned(), 500.0)]);
    }

    #[test]
    fn round_trips_text_of_our_own() {
        let text = "Vade Retro 01.412.36 AV+AS Profile: OVH; Bailout: 300; ^IpRev (150); helo: localhost.localdomain; Ip=203.0.113.172";
        let scrambled = encode(text);
        assert_eq!(decode_spamcause(&scrambled).unwrap(), text);
        // Folding anywhere is ignored.
        let folded = format!("{}\n {}", &scrambled[..40], &scrambled[40..]);
        assert_eq!(decode_spamcause(&folded).unwrap(), text);
        let cause = parse_spamcause_text(text);
        assert_eq!(cause.rules, vec![("^IpRev".to_owned(), 150.0)]);
        assert_eq!(
            cause.fields,
            vec![
                ("helo".to_owned(), "localhost.localdomain".to_owned()),
                ("Ip".to_owned(), "203.0.113.172".to_owned())
            ]
        );
    }

    #[test]
    fn position_matters_where_a_naive_decoder_fails() {
        // 'g' (0x67) scrambles to the letters `g` and `h`, both in the key range; a decoder
        // that takes the first of `c`..`h` it finds as the key, ignoring the position, reads
        // 'W' instead.
        let scrambled = encode("gg");
        assert_eq!(decode_spamcause(&scrambled).unwrap(), "gg");
        let naive: String = scrambled
            .as_bytes()
            .chunks(2)
            .map(|p| {
                let key = b"cdefgh".iter().copied().find(|c| p.contains(c)).unwrap();
                let other = if p[0] == key { p[1] } else { p[0] };
                char::from(u8::try_from(17 * i32::from(key) + i32::from(other) - 1768).unwrap())
            })
            .collect();
        assert_eq!(naive, "WW");
    }

    #[test]
    fn errors() {
        assert!(decode_spamcause("").is_err());
        assert!(decode_spamcause("abc").is_err());
        assert!(decode_spamcause("ggGr").is_err());
        assert!(decode_spamcause("vade1{x}").is_err());
        assert!(decode_spamcause("zz").is_err());
        assert_eq!(parse_spamscore(" 800"), Ok(800.0));
        assert!(parse_spamscore("high").is_err());
        assert_eq!(parse_spamstate(" spam").unwrap(), "SPAM");
        assert!(parse_spamstate("").is_err());
    }

    proptest! {
        #[test]
        fn never_panic(s in "\\PC{0,200}", letters in "[a-z \\n]{0,200}") {
            let _ = decode_spamcause(&s);
            let _ = decode_spamcause(&letters);
            let _ = parse_spamcause_text(&s);
            let _ = parse_spamscore(&s);
            let _ = parse_spamstate(&s);
        }

        #[test]
        fn any_ascii_text_round_trips(text in "[ -~]{0,120}") {
            if !text.is_empty() {
                prop_assert_eq!(decode_spamcause(&encode(&text)).unwrap(), text);
            }
        }
    }
}
