//! `X-Greylist`, written by postgrey and milter-greylist when they delayed (or passed) a
//! message: `delayed 7290 seconds by postgrey-1.37 at mx.example.net; <date>`,
//! `Delayed for 00:05:12 by milter-greylist-4.6.4 (mx.example.net [192.0.2.1]); <date>`,
//! `Sender IP whitelisted, not delayed by milter-greylist-4.6.4 (...); <date>`.

use nom::{
    IResult, Parser,
    bytes::complete::{tag_no_case, take_while1},
    character::complete::{char, space0, space1},
    combinator::{map_res, opt},
};

use crate::error::ParseError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Greylist {
    /// How long the message was held back; `None` when it was not delayed.
    pub delay_seconds: Option<u64>,
    /// The program that wrote the header (`postgrey-1.37`, `milter-greylist-4.6.4`).
    pub software: Option<String>,
    /// The text before "not delayed" when the message passed (`Sender IP whitelisted`).
    pub reason_not_delayed: Option<String>,
}

fn number(i: &str) -> IResult<&str, u64> {
    map_res(take_while1(|c: char| c.is_ascii_digit()), str::parse).parse(i)
}

/// `7290 seconds` or `00:05:12` (or `05:12`).
fn duration(i: &str) -> IResult<&str, u64> {
    let (rest, first) = number(i)?;
    if let Ok((rest, _)) = (
        space1::<&str, nom::error::Error<&str>>,
        tag_no_case("second"),
    )
        .parse(rest)
    {
        let rest = rest.strip_prefix(['s', 'S']).unwrap_or(rest);
        return Ok((rest, first));
    }
    let (rest, second) = opt((char(':'), number)).parse(rest)?;
    let (rest, third) = opt((char(':'), number)).parse(rest)?;
    Ok(match (second, third) {
        (Some((_, m)), Some((_, s))) => (
            rest,
            first
                .saturating_mul(3600)
                .saturating_add(m.saturating_mul(60))
                .saturating_add(s),
        ),
        (Some((_, s)), None) => (rest, first.saturating_mul(60).saturating_add(s)),
        _ => (rest, first),
    })
}

fn software_after_by(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let at = lower.find(" by ")?;
    text[at + 4..]
        .split_whitespace()
        .next()
        .map(|s| s.trim_end_matches([';', ',']).to_owned())
}

pub fn parse_greylist(value: &str) -> Result<Greylist, ParseError> {
    let text = crate::lex::collapse_whitespace(value);
    let lower = text.to_ascii_lowercase();
    if let Some(at) = lower.find("not delayed") {
        let reason = text[..at].trim().trim_end_matches(',').trim();
        return Ok(Greylist {
            delay_seconds: None,
            software: software_after_by(&text),
            reason_not_delayed: (!reason.is_empty()).then(|| reason.to_owned()),
        });
    }
    let Some(at) = lower.find("delayed") else {
        // SQLgrey's "from auto-whitelisted by SQLgrey-1.8.0", milter-greylist's "inspected by
        // ...": the message went through without a delay.
        if let Some(by) = lower
            .find(" by ")
            .filter(|_| lower.contains("whitelist") || lower.contains("inspected"))
        {
            return Ok(Greylist {
                delay_seconds: None,
                software: software_after_by(&text),
                reason_not_delayed: Some(text[..by].trim().to_owned()).filter(|r| !r.is_empty()),
            });
        }
        return Err(ParseError::new(
            "expected `delayed ...`, `not delayed ...` or `... whitelisted by ...`",
        ));
    };
    let after = &text[at + "delayed".len()..];
    let after = after.trim_start();
    let after = match tag_no_case::<&str, &str, nom::error::Error<&str>>("for").parse(after) {
        Ok((rest, _)) => rest,
        Err(_) => after,
    };
    let (_, delay) = (space0, duration).parse(after).map_err(|_| {
        ParseError::new("expected a delay (`N seconds` or `HH:MM:SS`) after `delayed`")
    })?;
    Ok(Greylist {
        delay_seconds: Some(delay.1),
        software: software_after_by(&text),
        reason_not_delayed: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn postgrey() {
        let g = parse_greylist("delayed 7290 seconds by postgrey-1.37 at lindbergh.monkeyblade.net; Tue, 21 Jun 2022 17:24:00 PDT").unwrap();
        assert_eq!(g.delay_seconds, Some(7290));
        assert_eq!(g.software.as_deref(), Some("postgrey-1.37"));
    }

    #[test]
    fn milter_greylist_forms() {
        let g = parse_greylist("Delayed for 00:05:12 by milter-greylist-4.6.4 (mx.example.net\n [192.0.2.1]); Tue, 10 Nov 2026 09:01:02 +0000").unwrap();
        assert_eq!(g.delay_seconds, Some(312));
        let g = parse_greylist("Sender IP whitelisted, not delayed by milter-greylist-4.6.4 (mx.example.net [192.0.2.1]); Tue, 10 Nov 2026 09:01:02 +0000").unwrap();
        assert_eq!(g.delay_seconds, None);
        assert_eq!(
            g.reason_not_delayed.as_deref(),
            Some("Sender IP whitelisted")
        );
    }

    #[test]
    fn passed_without_delay() {
        let g = parse_greylist("from auto-whitelisted by SQLgrey-1.8.0").unwrap();
        assert_eq!(
            (g.delay_seconds, g.software.as_deref()),
            (None, Some("SQLgrey-1.8.0"))
        );
        let g = parse_greylist("inspected by milter-greylist-4.5.16 (mx1.example.com [10.5.110.46]);\n\tSat, 24 Aug 2019 13:33:26 +0000 (UTC) for IP:'192.0.2.98'").unwrap();
        assert_eq!(g.delay_seconds, None);
        assert_eq!(g.reason_not_delayed.as_deref(), Some("inspected"));
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse_greylist("hello").is_err());
        assert!(parse_greylist("delayed by x").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}", h in any::<u64>(), m in any::<u64>()) {
            let _ = parse_greylist(&format!("Delayed for {h}:{m}:{m} by x"));
            let _ = parse_greylist(&s);
            let _ = parse_greylist(&format!("delayed {s}"));
        }
    }
}
