//! Dates as mail software really writes them, reduced to a UTC instant plus the offset as
//! written.
//!
//! RFC 5322 dates are the common case, but Received and Date fields also carry the obsolete
//! forms (two-digit years, named zones), asctime and JavaScript dates, ISO 8601 and trailing
//! junk. Hop delays are computed from these, so an impossible date yields `None` rather than a
//! guess. Civil-date arithmetic is done by hand to keep the crate on nom alone.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::take_while_m_n,
    character::complete::{alpha1, char, digit1, one_of, satisfy},
    combinator::{not, opt, verify},
    sequence::terminated,
};

use crate::lex::{cfws, skip_cfws, wsp0};

/// An instant, and the UTC offset its writer used (kept because it says where a hop was).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub timestamp: i64,
    /// The zone offset as written, in minutes east of UTC (`-0700` is -420; no zone is 0).
    pub offset_minutes: i32,
}

impl DateTime {
    /// RFC 3339 in the writer's own offset, so it reads like the header did
    /// (`2026-08-11T18:24:48-07:00`; UTC is `+00:00`, never `Z`).
    pub fn to_rfc3339(&self) -> String {
        let local = self
            .timestamp
            .saturating_add(i64::from(self.offset_minutes) * 60);
        let (year, month, day) = civil_from_days(local.div_euclid(86_400));
        let secs = local.rem_euclid(86_400);
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let off = self.offset_minutes.unsigned_abs();
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60,
            off / 60,
            off % 60
        )
    }
}

/// Parses a date in any of the forms mail software writes; `None` when no date can be read
/// or a field is impossible (month 13, 30 February, hour 25, zone `+9999`).
///
/// Anything after the zone (comments such as `(PDT)`, junk) is ignored; a missing zone is
/// taken as UTC, and alphabetic zones other than the North American ones count as UTC, as
/// RFC 5322 section 4.3 asks.
pub fn parse_date(s: &str) -> Option<DateTime> {
    let (_, parts) = date_parts(s).ok()?;
    parts.to_datetime()
}

/// The fields as read, before validation.
struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    offset: i32,
}

impl Parts {
    fn to_datetime(&self) -> Option<DateTime> {
        if !(1..=12).contains(&self.month)
            || self.day < 1
            || self.day > days_in_month(self.year, self.month)
            || self.hour > 23
            || self.minute > 59
            || self.second > 60
        {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let secs =
            i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second);
        Some(DateTime {
            timestamp: days * 86_400 + secs - i64::from(self.offset) * 60,
            offset_minutes: self.offset,
        })
    }
}

fn date_parts(i: &str) -> IResult<&str, Parts> {
    let i = skip_cfws(i);
    let (i, _) = opt(day_name).parse(i)?;
    alt((iso_form, day_first_form, month_first_form)).parse(i)
}

/// `Tue,` / `Tuesday` / `Tues.`: checked against the names, not against the date (many
/// senders get it wrong, and judging that is not a grammar's job).
fn day_name(i: &str) -> IResult<&str, ()> {
    let (i, _) = verify(alpha1, is_day_name).parse(i)?;
    let (i, _) = opt(one_of(",.")).parse(i)?;
    let (i, _) = cfws(i)?;
    Ok((i, ()))
}

fn is_day_name(w: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let w = w.to_ascii_lowercase();
    w == "weds" || (w.len() >= 3 && DAYS.iter().any(|d| d.starts_with(&w)))
}

/// A month name in any case, abbreviated to at least three letters (`Aug`, `AUGUST`, `Sept`).
fn month(i: &str) -> IResult<&str, u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let (rest, w) = alpha1(i)?;
    let w = w.to_ascii_lowercase();
    match MONTHS
        .iter()
        .position(|m| w.len() >= 3 && m.starts_with(&w))
    {
        Some(n) => Ok((rest, n as u32 + 1)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

/// Between `min` and `max` digits, not followed by another digit (so `123` is never read as
/// a two-digit day and a stray digit).
fn number(min: usize, max: usize) -> impl Fn(&str) -> IResult<&str, (u32, usize)> {
    move |i| {
        let (rest, d) = terminated(
            take_while_m_n(min, max, |c: char| c.is_ascii_digit()),
            not(satisfy(|c| c.is_ascii_digit())),
        )
        .parse(i)?;
        let value = d
            .bytes()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
        Ok((rest, (value, d.len())))
    }
}

/// Two-digit years below 50 are 20xx, others 19xx; three-digit years add 1900 (RFC 5322
/// section 4.3).
fn year(i: &str) -> IResult<&str, i64> {
    let (rest, (y, len)) = number(2, 4)(i)?;
    let y = i64::from(y);
    let y = match len {
        2 if y < 50 => 2000 + y,
        2 => 1900 + y,
        3 => 1900 + y,
        _ => y,
    };
    Ok((rest, y))
}

/// Separators between date fields: CFWS (folding, comments), optionally a `,` or `-`.
fn gap(i: &str) -> IResult<&str, ()> {
    let (i, _) = cfws(i)?;
    let (i, _) = opt(one_of(",-")).parse(i)?;
    let (i, _) = cfws(i)?;
    Ok((i, ()))
}

/// `h:mm`, `hh:mm:ss`, `hh:mm:ss.fff` (the fraction is dropped).
fn time(i: &str) -> IResult<&str, (u32, u32, u32)> {
    let (i, (hour, _)) = number(1, 2)(i)?;
    let (i, _) = char(':')(i)?;
    let (i, (minute, _)) = number(1, 2)(i)?;
    let (i, second) = opt((char(':'), number(1, 2))).parse(i)?;
    let (i, _) = opt((char('.'), digit1)).parse(i)?;
    Ok((i, (hour, minute, second.map_or(0, |(_, (s, _))| s))))
}

/// The zone after a time, if any. A numeric zone that cannot be a real offset fails the
/// whole date (`nom::Err::Failure`) rather than silently becoming UTC.
fn zone(i: &str) -> IResult<&str, Option<i32>> {
    let (i, _) = wsp0(i)?;
    opt(alt((numeric_zone, alpha_zone))).parse(i)
}

fn numeric_zone(i: &str) -> IResult<&str, i32> {
    let (rest, sign) = one_of("+-").parse(i)?;
    let (rest, digits) = digit1(rest)?;
    let fail = || nom::Err::Failure(nom::error::Error::new(i, nom::error::ErrorKind::Verify));
    let value = |s: &str| s.parse::<i32>().map_err(|_| fail());
    let (rest, hours, minutes) = match digits.len() {
        4 => (rest, value(&digits[..2])?, value(&digits[2..])?),
        3 => (rest, value(&digits[..1])?, value(&digits[1..])?),
        1 | 2 => {
            let hours = value(digits)?;
            match (char::<&str, nom::error::Error<&str>>(':'), number(2, 2)).parse(rest) {
                Ok((rest, (_, (m, _)))) => (rest, hours, m as i32),
                Err(_) => (rest, hours, 0),
            }
        }
        _ => return Err(fail()),
    };
    if hours > 23 || minutes > 59 {
        return Err(fail());
    }
    let total = hours * 60 + minutes;
    Ok((rest, if sign == '-' { -total } else { total }))
}

/// Named zones. Only the North American ones of RFC 5322 have an offset; military letters
/// and unknown names are treated as `-0000`, as section 4.3 says. `GMT+01:00`, as
/// JavaScript and some webmail write, uses the numeric part.
fn alpha_zone(i: &str) -> IResult<&str, i32> {
    let (rest, word) = alpha1(i)?;
    let upper = word.to_ascii_uppercase();
    if matches!(upper.as_str(), "GMT" | "UTC" | "UT")
        && let Ok((rest, offset)) = numeric_zone(rest)
    {
        return Ok((rest, offset));
    }
    let hours = match upper.as_str() {
        "EST" => -5,
        "EDT" => -4,
        "CST" => -6,
        "CDT" => -5,
        "MST" => -7,
        "MDT" => -6,
        "PST" => -8,
        "PDT" => -7,
        _ => 0,
    };
    Ok((rest, hours * 60))
}

/// `2026-08-11T18:24:48Z`, `2026-08-11 18:24:48 +0000`, `2026-08-11T18:24:48.5+02:00`.
fn iso_form(i: &str) -> IResult<&str, Parts> {
    let (i, (y, _)) = number(4, 4)(i)?;
    let (i, _) = char('-')(i)?;
    let (i, (month, _)) = number(1, 2)(i)?;
    let (i, _) = char('-')(i)?;
    let (i, (day, _)) = number(1, 2)(i)?;
    let (i, _) = alt((
        nom::combinator::recognize(one_of("Tt")),
        nom::bytes::complete::take_while1(crate::lex::is_wsp),
    ))
    .parse(i)?;
    let (i, (hour, minute, second)) = time(i)?;
    let (i, offset) = zone(i)?;
    Ok((
        i,
        Parts {
            year: i64::from(y),
            month,
            day,
            hour,
            minute,
            second,
            offset: offset.unwrap_or(0),
        },
    ))
}

/// RFC 5322 order: `11 Aug 2026 18:24:48 -0700`, also `11-Aug-26 6:24 PDT`.
fn day_first_form(i: &str) -> IResult<&str, Parts> {
    let (i, (day, _)) = number(1, 2)(i)?;
    let (i, _) = gap(i)?;
    let (i, month) = month(i)?;
    let (i, _) = gap(i)?;
    let (i, year) = year(i)?;
    let (i, _) = gap(i)?;
    let (i, (hour, minute, second)) = time(i)?;
    let (i, offset) = zone(i)?;
    Ok((
        i,
        Parts {
            year,
            month,
            day,
            hour,
            minute,
            second,
            offset: offset.unwrap_or(0),
        },
    ))
}

/// Month first: asctime `Jul  8 12:08:34 2011`, Unix `date` `Jul 8 12:08:34 PDT 2011`, and
/// JavaScript `Aug 11 2026 18:24:48 GMT-0700 (Pacific Daylight Time)`.
fn month_first_form(i: &str) -> IResult<&str, Parts> {
    let (i, month) = month(i)?;
    let (i, _) = gap(i)?;
    let (i, (day, _)) = number(1, 2)(i)?;
    let (i, _) = gap(i)?;
    let (i, mut parts) = alt((year_then_time, time_then_year)).parse(i)?;
    parts.month = month;
    parts.day = day;
    Ok((i, parts))
}

/// The JavaScript tail `2026 18:24:48 GMT-0700` (month and day filled in by the caller).
fn year_then_time(i: &str) -> IResult<&str, Parts> {
    let (i, year) = terminated(year, not(char(':'))).parse(i)?;
    let (i, _) = gap(i)?;
    let (i, (hour, minute, second)) = time(i)?;
    let (i, offset) = zone(i)?;
    Ok((
        i,
        Parts {
            year,
            month: 0,
            day: 0,
            hour,
            minute,
            second,
            offset: offset.unwrap_or(0),
        },
    ))
}

/// The asctime tail `12:08:34 2011`, with a zone before or after the year.
fn time_then_year(i: &str) -> IResult<&str, Parts> {
    let (i, (hour, minute, second)) = time(i)?;
    let (i, before) = zone(i)?;
    let (i, _) = gap(i)?;
    let (i, year) = year(i)?;
    let (i, after) = zone(i)?;
    Ok((
        i,
        Parts {
            year,
            month: 0,
            day: 0,
            hour,
            minute,
            second,
            offset: before.or(after).unwrap_or(0),
        },
    ))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`]; total over every `i64` a timestamp can give.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc3339(s: &str) -> String {
        parse_date(s)
            .unwrap_or_else(|| panic!("no date in {s:?}"))
            .to_rfc3339()
    }

    #[test]
    fn rfc5322_with_comment() {
        let d = parse_date("Tue, 11 Aug 2026 18:24:48 -0700 (PDT)").unwrap();
        assert_eq!(d.offset_minutes, -420);
        assert_eq!(d.timestamp, 1_786_497_888);
        assert_eq!(d.to_rfc3339(), "2026-08-11T18:24:48-07:00");
    }

    #[test]
    fn epoch_and_utc_spelling() {
        let d = parse_date("Thu, 1 Jan 1970 00:00:00 +0000").unwrap();
        assert_eq!(d.timestamp, 0);
        assert_eq!(d.to_rfc3339(), "1970-01-01T00:00:00+00:00");
    }

    #[test]
    fn folded_and_spaced() {
        assert_eq!(
            rfc3339("Mon,\n 18 Nov 2013\t08:26:29   +0000 (GMT)"),
            "2013-11-18T08:26:29+00:00"
        );
        assert_eq!(
            rfc3339("  Mon,18 Nov 2013 08:26:29 +0000"),
            "2013-11-18T08:26:29+00:00"
        );
    }

    #[test]
    fn day_names_optional_full_or_without_comma() {
        for s in [
            "11 Aug 2026 18:24:48 +0000",
            "Tue 11 Aug 2026 18:24:48 +0000",
            "Tuesday, 11 Aug 2026 18:24:48 +0000",
            "TUE, 11 Aug 2026 18:24:48 +0000",
            "Tues, 11 Aug 2026 18:24:48 +0000",
        ] {
            assert_eq!(rfc3339(s), "2026-08-11T18:24:48+00:00", "{s}");
        }
    }

    #[test]
    fn month_names_any_case_and_full() {
        for s in [
            "1 AUG 2026 00:00:00 +0000",
            "1 aug 2026 00:00:00 +0000",
            "1 August 2026 00:00:00 +0000",
            "1-Aug-2026 00:00:00 +0000",
        ] {
            assert_eq!(rfc3339(s), "2026-08-01T00:00:00+00:00", "{s}");
        }
        assert_eq!(
            rfc3339("3 Sept 2025 1:02:03 +0000"),
            "2025-09-03T01:02:03+00:00"
        );
    }

    #[test]
    fn short_years() {
        assert_eq!(
            rfc3339("8 Jul 11 12:08:34 -0000"),
            "2011-07-08T12:08:34+00:00"
        );
        assert_eq!(
            rfc3339("8 Jul 49 12:08:34 +0000"),
            "2049-07-08T12:08:34+00:00"
        );
        assert_eq!(
            rfc3339("8 Jul 99 12:08:34 +0000"),
            "1999-07-08T12:08:34+00:00"
        );
        assert_eq!(
            rfc3339("8 Jul 111 12:08:34 +0000"),
            "2011-07-08T12:08:34+00:00"
        );
    }

    #[test]
    fn missing_seconds_and_one_digit_hour() {
        assert_eq!(
            rfc3339("8 Jul 2011 2:08 +0200"),
            "2011-07-08T02:08:00+02:00"
        );
        assert_eq!(
            parse_date("8 Jul 2011 2:08 +0200").unwrap().timestamp,
            parse_date("8 Jul 2011 00:08:00 +0000").unwrap().timestamp
        );
    }

    #[test]
    fn named_zones() {
        let cases = [
            ("UT", 0),
            ("UTC", 0),
            ("GMT", 0),
            ("Z", 0),
            ("EST", -300),
            ("EDT", -240),
            ("CST", -360),
            ("CDT", -300),
            ("MST", -420),
            ("MDT", -360),
            ("PST", -480),
            ("pdt", -420),
            ("A", 0),
            ("M", 0),
            ("CEST", 0),
            ("GMT+01:00", 60),
            ("UTC-5", -300),
        ];
        for (zone, offset) in cases {
            let d = parse_date(&format!("Fri, 8 Jul 2011 12:08:34 {zone}")).unwrap();
            assert_eq!(d.offset_minutes, offset, "{zone}");
            assert_eq!(
                d.timestamp,
                1_310_126_914 - i64::from(offset) * 60,
                "{zone}"
            );
        }
    }

    #[test]
    fn numeric_zone_shapes() {
        assert_eq!(
            parse_date("8 Jul 2011 12:08:34 -0000")
                .unwrap()
                .offset_minutes,
            0
        );
        assert_eq!(
            parse_date("8 Jul 2011 12:08:34 +0530")
                .unwrap()
                .offset_minutes,
            330
        );
        assert_eq!(
            parse_date("8 Jul 2011 12:08:34 +05:30")
                .unwrap()
                .offset_minutes,
            330
        );
        assert_eq!(
            parse_date("8 Jul 2011 12:08:34 -0930")
                .unwrap()
                .offset_minutes,
            -570
        );
        assert_eq!(
            rfc3339("8 Jul 2011 12:08:34 -0930"),
            "2011-07-08T12:08:34-09:30"
        );
    }

    #[test]
    fn missing_zone_is_utc() {
        let d = parse_date("Fri, 8 Jul 2011 12:08:34").unwrap();
        assert_eq!(d.offset_minutes, 0);
        assert_eq!(d.timestamp, 1_310_126_914);
        assert_eq!(parse_date("Fri, 8 Jul 2011 12:08:34 (UTC)"), Some(d));
    }

    #[test]
    fn trailing_comments_and_junk() {
        for s in [
            "Tue, 11 Aug 2026 18:24:48 +0000 (UTC)",
            "Tue, 11 Aug 2026 18:24:48 +0000 (GMT+00:00)",
            "Tue, 11 Aug 2026 18:24:48 +0000 garbage here",
            "Tue, 11 Aug 2026 18:24:48 +0000;",
            "Tue, 11 Aug 2026 18:24:48 GMT (UTC)",
        ] {
            assert_eq!(rfc3339(s), "2026-08-11T18:24:48+00:00", "{s}");
        }
    }

    #[test]
    fn asctime_unix_and_javascript() {
        assert_eq!(
            rfc3339("Fri Jul  8 12:08:34 2011"),
            "2011-07-08T12:08:34+00:00"
        );
        assert_eq!(
            rfc3339("Fri Jul 8 12:08:34 PDT 2011"),
            "2011-07-08T12:08:34-07:00"
        );
        assert_eq!(
            rfc3339("Fri Jul 8 12:08:34 2011 +0200"),
            "2011-07-08T12:08:34+02:00"
        );
        assert_eq!(
            rfc3339("Tue Aug 11 2026 18:24:48 GMT-0700 (Pacific Daylight Time)"),
            "2026-08-11T18:24:48-07:00"
        );
    }

    #[test]
    fn iso_like() {
        assert_eq!(
            rfc3339("2026-08-11 18:24:48 +0000"),
            "2026-08-11T18:24:48+00:00"
        );
        assert_eq!(rfc3339("2026-08-11T18:24:48Z"), "2026-08-11T18:24:48+00:00");
        assert_eq!(
            rfc3339("2026-08-11T18:24:48.123+02:00"),
            "2026-08-11T18:24:48+02:00"
        );
        assert_eq!(rfc3339("2026-08-11 18:24"), "2026-08-11T18:24:00+00:00");
    }

    #[test]
    fn leap_years_and_second() {
        assert_eq!(
            rfc3339("29 Feb 2024 12:00:00 +0000"),
            "2024-02-29T12:00:00+00:00"
        );
        assert_eq!(
            rfc3339("29 Feb 2000 12:00:00 +0000"),
            "2000-02-29T12:00:00+00:00"
        );
        assert_eq!(parse_date("29 Feb 2100 12:00:00 +0000"), None);
        assert_eq!(parse_date("29 Feb 2026 12:00:00 +0000"), None);
        assert_eq!(
            rfc3339("31 Dec 2016 23:59:60 +0000"),
            "2017-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn impossible_values() {
        for s in [
            "32 Aug 2026 18:24:48 +0000",
            "0 Aug 2026 18:24:48 +0000",
            "31 Apr 2026 18:24:48 +0000",
            "11 Aug 2026 25:24:48 +0000",
            "11 Aug 2026 24:00:00 +0000",
            "11 Aug 2026 18:60:48 +0000",
            "11 Aug 2026 18:24:61 +0000",
            "11 Aug 2026 18:24:48 +9999",
            "11 Aug 2026 18:24:48 +0860",
            "11 Aug 2026 18:24:48 +123456",
            "2026-13-11 18:24:48 +0000",
            "11 Foo 2026 18:24:48 +0000",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn not_dates() {
        for s in [
            "",
            "   ",
            "(comment only)",
            "hello world",
            "Tue, 11 Aug 2026",
            "123 Aug 2026 18:24:48",
            "mar.example.com",
            "by mx.example.com",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn rfc3339_never_panics_on_extremes() {
        for (timestamp, offset_minutes) in [
            (i64::MAX, i32::MAX),
            (i64::MIN, i32::MIN),
            (0, i32::MIN),
            (-1, -1),
        ] {
            let _ = DateTime {
                timestamp,
                offset_minutes,
            }
            .to_rfc3339();
        }
        let before_epoch = DateTime {
            timestamp: -1,
            offset_minutes: 0,
        };
        assert_eq!(before_epoch.to_rfc3339(), "1969-12-31T23:59:59+00:00");
    }

    #[test]
    fn civil_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    mod prop {
        use super::super::*;
        use proptest::prelude::*;

        const FRAGMENTS: &[&str] = &[
            "Tue,",
            "Tuesday",
            "11",
            "8",
            "Aug",
            "AUGUST",
            "2026",
            "26",
            "126",
            "18:24:48",
            "2:08",
            "18:24",
            "+0000",
            "-0700",
            "-0000",
            "+05:30",
            "PDT",
            "GMT",
            "Z",
            "(PDT)",
            "(GMT+00:00)",
            "2026-08-11",
            "T",
            "2026-08-11T18:24:48Z",
            ",",
            "-",
            " ",
            "  ",
            "\n ",
            "(",
            ")",
            "GMT+",
            "+",
            "99:99:99",
            "32",
            "Feb",
            "29",
        ];

        proptest! {
            #[test]
            fn never_panics_on_anything(s in ".*") {
                let _ = parse_date(&s).map(|d| d.to_rfc3339());
            }

            #[test]
            fn never_panics_on_fragments(
                parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..14),
                glue in prop::sample::select(&[" ", "", "\n\t"][..]),
            ) {
                let s = parts.join(glue);
                if let Some(d) = parse_date(&s) {
                    // Whatever parses must round-trip through its own RFC 3339 form.
                    let again = parse_date(&d.to_rfc3339());
                    prop_assert_eq!(again, Some(d));
                }
            }

            #[test]
            fn rfc3339_round_trips(
                days in -25_000i64..40_000,
                secs in 0i64..86_400,
                off in -(23 * 60 + 59)..(23 * 60 + 59),
            ) {
                let d = DateTime { timestamp: days * 86_400 + secs, offset_minutes: off };
                prop_assert_eq!(parse_date(&d.to_rfc3339()), Some(d));
            }
        }
    }
}
