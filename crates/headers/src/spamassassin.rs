//! SpamAssassin and the header forms derived from it: `X-Spam-Status` (SpamAssassin, Amavis,
//! Barracuda, and the score-only form rspamd writes), `X-Spam-Report` (the starred summary and
//! the `pts rule name` table, also Barracuda's `X-Barracuda-Spam-Report`), Exim's
//! `X-Spam_report`, Fastmail's `X-Spam-hits`, MailScanner's `SpamCheck`, and the one-value
//! fields (`X-Spam-Level`, `X-Spam-Flag`, `X-Spam-Score`, `X-Spam-Checker-Version`).
//!
//! Every parser takes a field value as [`crate::HeaderField::value`] holds it, folding kept.
//! Only [`parse_spam_report`] needs the line breaks (its rows are lines); given an unfolded
//! value it splits the rows back out by their shape, best effort. Scores are plain decimals
//! (an exponent is accepted); NaN and infinities are never numbers.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{take_while, take_while1},
    character::complete::{char, digit1, one_of},
    combinator::{all_consuming, map, opt},
    sequence::{preceded, terminated},
};

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, comment, is_wsp, quoted_string, wsp0};

/// One rule hit, with its score when the header carries it (`_TESTS_` lists names only,
/// `_TESTSSCORES_` and Amavis append scores).
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    pub name: String,
    pub score: Option<f64>,
}

/// `X-Spam-Status` as SpamAssassin, Amavis, Barracuda and rspamd write it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpamStatus {
    /// The leading `Yes`/`No` (any case); `None` when the value does not start with one.
    pub is_spam: Option<bool>,
    /// `score=`, or the older `hits=`.
    pub score: Option<f64>,
    pub required: Option<f64>,
    /// Amavis `tagged_above=`.
    pub tagged_above: Option<f64>,
    /// `tests=A,B`, `tests=A=1.0,B=-0.1`, `tests=[A=1.0, B=-0.1]`; empty for `tests=none`.
    pub tests: Vec<Test>,
    pub autolearn: Option<String>,
    pub autolearn_force: Option<String>,
    pub shortcircuit: Option<String>,
    pub version: Option<String>,
    /// Every other `key=value`, in order, key as written (Barracuda's `TAG_LEVEL=` and
    /// friends, a repeated key).
    pub other: Vec<(String, String)>,
}

/// One row of a points table.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportLine {
    pub points: f64,
    pub name: String,
    /// The description, wrapped lines joined with one space.
    pub description: String,
    /// The `[...]` lines under the row (`URIs: example.com`, `score: 0.0000`), brackets
    /// removed, wrapped lines joined with one space.
    pub details: Vec<String>,
}

/// `X-Spam-Report` (starred or table form) and `X-Barracuda-Spam-Report`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpamReport {
    /// From `Content analysis details:   (13.3 points, 4.0 required)`.
    pub score: Option<f64>,
    pub required: Option<f64>,
    pub lines: Vec<ReportLine>,
    /// The text before the table ("Spam detection software, running on the system ...",
    /// Barracuda's "Code version 3.2, ..."), whitespace collapsed.
    pub preamble: Option<String>,
}

/// Exim's `X-Spam_report`: `(-0.8 / 5.0 requ) BAYES_00=-1.9, ... autolearn=no`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EximSpamReport {
    pub score: Option<f64>,
    pub required: Option<f64>,
    pub tests: Vec<Test>,
    pub autolearn: Option<String>,
    /// The full points table, when the header carries SpamAssassin's report template
    /// ("Content analysis details: ... pts rule name description") instead of the short form.
    pub lines: Vec<ReportLine>,
}

/// Fastmail's `X-Spam-hits` (also the `Report='...'` list inside Sophos `X-PMX-Spam`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpamHits {
    pub tests: Vec<Test>,
    /// Entries whose value is not a number (`LANGUAGES en`, `SA_VERSION 3.4.6`).
    pub metadata: Vec<(String, String)>,
}

/// MailScanner's `X-<Org>-MailScanner-SpamCheck`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MailScannerCheck {
    /// `spam` or `not spam` at the start.
    pub is_spam: Option<bool>,
    pub score: Option<f64>,
    pub required: Option<f64>,
    pub tests: Vec<Test>,
    /// `cached` / `not cached` inside the engine's parentheses.
    pub cached: Option<bool>,
    /// The name before the parenthesised details (`SpamAssassin`).
    pub engine: Option<String>,
}

/// `X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-26) on e4a8b8eb87ec`.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckerVersion {
    pub product: String,
    pub version: Option<String>,
    /// The parenthesised part: a release date since 3.x, a build id before
    /// (`1.188-2003-05-24-exp`).
    pub date: Option<String>,
    /// The host after `on`.
    pub host: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

fn fail(i: &str) -> nom::Err<nom::error::Error<&str>> {
    nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Verify))
}

/// A decimal as filters print scores: sign, digits, optional fraction, optional exponent.
/// Spelled-out `inf`/`NaN` are not matched.
///
/// Written without `recognize`/`digit0`: in nom 8.0.0 `recognize((char('.'), digit0))`
/// returns `"."` for `".20"` at the end of input (the `*0` character parsers report no
/// progress in recognize's check mode there), which turned `15.20` into `15.`.
fn decimal(i: &str) -> IResult<&str, &str> {
    let digits0 = || take_while(|c: char| c.is_ascii_digit());
    let (rest, _) = (
        opt(one_of("+-")),
        alt((
            (digit1, opt((char('.'), digits0()))).map(|_| ()),
            (char('.'), digit1).map(|_| ()),
        )),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    )
        .parse(i)?;
    let used = i.len() - rest.len();
    Ok((rest, i.get(..used).unwrap_or(i)))
}

/// A finite number; `1e999` overflows to infinity and is refused like `inf` would be.
fn number(i: &str) -> IResult<&str, f64> {
    let (rest, text) = decimal(i)?;
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((rest, n)),
        _ => Err(fail(i)),
    }
}

/// The whole of `s` as a number.
fn parse_number(s: &str) -> Option<f64> {
    all_consuming(number).parse(s).ok().map(|(_, n)| n)
}

/// Input quoted in an error message: whitespace collapsed, cut at 60 characters so a
/// runaway header does not flood the report.
fn excerpt(s: &str) -> String {
    let collapsed = collapse_whitespace(s);
    match collapsed.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", collapsed.get(..cut).unwrap_or("")),
        None => collapsed,
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// A rule name: letters, digits and `_` (local rules also show `-` and `.`). A bare number
/// is a score, not a name, so at least one letter or `_` is required.
fn is_rule_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(is_name_char)
        && s.chars().any(|c| c.is_ascii_alphabetic() || c == '_')
}

/// The upper-case shape of stock rules, used where a name must be told apart from prose.
fn is_strict_rule_name(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && s.chars().any(|c| c.is_ascii_uppercase())
}

/// Separators between list items and `key=value` pairs: folding whitespace, `,` and `;`.
fn is_sep(c: char) -> bool {
    is_wsp(c) || c == ',' || c == ';'
}

fn skip_seps(i: &str) -> &str {
    i.trim_start_matches(is_sep)
}

/// One list item: everything up to the next separator.
fn item(i: &str) -> (&str, &str) {
    let end = i.find(is_sep).unwrap_or(i.len());
    let (item, rest) = i.split_at_checked(end).unwrap_or((i, ""));
    (rest, item)
}

/// `NAME` or `NAME=SCORE`; `None` for anything else (the caller skips it).
fn test_item(item: &str) -> Option<Test> {
    match item.split_once('=') {
        Some((name, score)) => {
            let score = parse_number(score.trim_matches(is_wsp))?;
            let name = name.trim_matches(is_wsp);
            is_rule_name(name).then(|| Test {
                name: name.to_owned(),
                score: Some(score),
            })
        }
        None => is_rule_name(item).then(|| Test {
            name: item.to_owned(),
            score: None,
        }),
    }
}

/// `key=`, returning the key.
fn key_eq(i: &str) -> IResult<&str, &str> {
    terminated(take_while1(is_name_char), char('=')).parse(i)
}

/// A value after `key=`: a quoted string, or everything up to the next separator.
fn field_value(i: &str) -> (&str, String) {
    let parsed: IResult<&str, String> = alt((
        quoted_string,
        map(take_while(|c: char| !is_sep(c)), str::to_owned),
    ))
    .parse(i);
    parsed.unwrap_or((i, String::new()))
}

/// A numeric `key=value`, returning the number and its text; a recognised key with a value
/// that is not a number is an error, because guessing would misreport the verdict.
fn numeric_value<'a>(key: &str, i: &'a str) -> Result<(&'a str, f64, String), ParseError> {
    let (rest, raw) = field_value(i.trim_start_matches(is_wsp));
    if raw.is_empty() {
        return Err(ParseError::new(format!("{key}= has no value")));
    }
    match parse_number(raw.trim_matches(is_wsp)) {
        Some(n) => Ok((rest, n, raw)),
        None => Err(ParseError::new(format!(
            "{key}= is not a number: `{}`",
            excerpt(&raw)
        ))),
    }
}

/// Splits on `sep` outside parentheses (MailScanner nests its details in them).
fn split_top_level(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (pos, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if c == sep && depth == 0 => {
                out.push(s.get(start..pos).unwrap_or(""));
                start = pos + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(s.get(start..).unwrap_or(""));
    out
}

// ---------------------------------------------------------------------------------------------
// X-Spam-Status
// ---------------------------------------------------------------------------------------------

/// Keys with a field of their own in [`SpamStatus`].
const STATUS_KEYS: [&str; 9] = [
    "score",
    "hits",
    "required",
    "tagged_above",
    "tests",
    "autolearn",
    "autolearn_force",
    "shortcircuit",
    "version",
];

/// The leading `Yes`/`No` as a whole word.
fn verdict(i: &str) -> IResult<&str, bool> {
    let (rest, word) = take_while1(|c: char| c.is_ascii_alphabetic()).parse(i)?;
    let value = if word.eq_ignore_ascii_case("yes") {
        true
    } else if word.eq_ignore_ascii_case("no") {
        false
    } else {
        return Err(fail(i));
    };
    if rest.chars().next().is_none_or(is_sep) {
        Ok((rest, value))
    } else {
        Err(fail(i))
    }
}

/// The value of `tests=`: a bracketed Amavis list, or names (optionally `=score`) separated
/// by commas and/or folding whitespace (SpamAssassin wraps lines without a comma). An
/// unbracketed list ends at the next `key=value` that is not a scored test. Malformed items
/// are skipped so the rest of the list survives.
fn tests_list(i: &str) -> (&str, Vec<Test>) {
    let mut tests = Vec::new();
    let i = i.trim_start_matches(is_wsp);
    if let Some(inner) = i.strip_prefix('[') {
        // An unclosed bracket (a truncated header) takes the rest.
        let (inner, rest) = inner.split_once(']').unwrap_or((inner, ""));
        tests.extend(
            inner
                .split(is_sep)
                .filter(|item| *item != "none")
                .filter_map(test_item),
        );
        return (rest, tests);
    }
    let mut rest = i;
    loop {
        rest = skip_seps(rest);
        if rest.is_empty() {
            break;
        }
        // Look only as far as the `=` or the number after it, so a long run without
        // separators costs one pass, not one per `key=` in it.
        let key_end = rest
            .find(|c: char| is_sep(c) || c == '=')
            .unwrap_or(rest.len());
        let (key, tail) = rest.split_at_checked(key_end).unwrap_or((rest, ""));
        if let Some(value) = tail.strip_prefix('=') {
            // `autolearn=spam`, `version=4.0.1`: the list is over. Stock keys are lower case;
            // an upper-case `NAME=1.0` is a scored test.
            let scored = match number(value) {
                Ok((after, score)) if after.chars().next().is_none_or(is_sep) => {
                    Some((after, score))
                }
                _ => None,
            };
            let Some((after, score)) = scored.filter(|_| !STATUS_KEYS.contains(&key)) else {
                break;
            };
            if is_rule_name(key) {
                tests.push(Test {
                    name: key.to_owned(),
                    score: Some(score),
                });
            }
            rest = after;
            continue;
        }
        let (after, it) = item(rest);
        if it != "none" {
            tests.extend(test_item(it));
        }
        rest = after;
    }
    (rest, tests)
}

/// Parses `X-Spam-Status` (also rspamd's `X-Spam-Status`/`X-Rspam-Status` and Barracuda's
/// `X-Barracuda-Spam-Status`).
///
/// Accepts folding anywhere between items, `hits=` for `score=`, Amavis `tests=[...]`,
/// `tests=none`, missing `required=`/`tests=`, and a bare `No`. Bare words (Barracuda's
/// "using global scores of") are skipped. A numeric key whose value is not a number is an
/// error; a value with neither a verdict nor any `key=value` is an error.
pub fn parse_spam_status(value: &str) -> Result<SpamStatus, ParseError> {
    let mut status = SpamStatus::default();
    let mut rest = value.trim_start_matches(is_wsp);
    if rest.is_empty() {
        return Err(ParseError::new("empty X-Spam-Status value"));
    }
    if let Ok((after, is_spam)) = verdict(rest) {
        status.is_spam = Some(is_spam);
        rest = after;
    }
    let mut pairs = 0usize;
    loop {
        rest = skip_seps(rest);
        if rest.is_empty() {
            break;
        }
        if rest.starts_with('(') {
            rest = comment(rest).map_or("", |(after, _)| after);
            continue;
        }
        let Ok((after, key)) = key_eq(rest) else {
            // A bare word or a stray character: skip it.
            let end = match rest.find(|c: char| is_sep(c) || c == '(') {
                Some(0) => rest.chars().next().map_or(1, char::len_utf8),
                Some(end) => end,
                None => rest.len(),
            };
            rest = rest.get(end..).unwrap_or("");
            continue;
        };
        pairs += 1;
        let lower = key.to_ascii_lowercase();
        rest = match lower.as_str() {
            "score" | "hits" | "required" | "tagged_above" => {
                let (after, n, raw) = numeric_value(&lower, after)?;
                let slot = match lower.as_str() {
                    "required" => &mut status.required,
                    "tagged_above" => &mut status.tagged_above,
                    _ => &mut status.score,
                };
                if slot.is_none() {
                    *slot = Some(n);
                } else {
                    status.other.push((key.to_owned(), raw));
                }
                after
            }
            "tests" => {
                let (after, tests) = tests_list(after);
                status.tests.extend(tests);
                after
            }
            _ => {
                let (after, v) = field_value(after);
                let slot = match lower.as_str() {
                    "autolearn" => Some(&mut status.autolearn),
                    "autolearn_force" => Some(&mut status.autolearn_force),
                    "shortcircuit" => Some(&mut status.shortcircuit),
                    "version" => Some(&mut status.version),
                    _ => None,
                };
                match slot {
                    Some(slot) if slot.is_none() => *slot = Some(v),
                    _ => status.other.push((key.to_owned(), v)),
                }
                after
            }
        };
    }
    if status.is_spam.is_none() && pairs == 0 {
        return Err(ParseError::new(format!(
            "expected `Yes`/`No` or `key=value` items, found `{}`",
            excerpt(value)
        )));
    }
    Ok(status)
}

// ---------------------------------------------------------------------------------------------
// X-Spam-Report
// ---------------------------------------------------------------------------------------------

/// A row's start: points, whitespace, a rule name; returns what follows the name.
fn row_start(i: &str) -> IResult<&str, (f64, &str)> {
    let (i, points) = number(i)?;
    let (i, _) = take_while1(is_wsp).parse(i)?;
    let (rest, name) = take_while1(|c: char| !is_wsp(c)).parse(i)?;
    if is_rule_name(name) {
        Ok((rest, (points, name)))
    } else {
        Err(fail(i))
    }
}

/// `*  0.0 RULE description`: at most three spaces between the star and the points
/// (continuation lines are indented further, `*100.0` has none).
fn star_row(t: &str) -> Option<(f64, &str, &str)> {
    let after = t.strip_prefix('*')?;
    let body = after.trim_start_matches(is_wsp);
    if after.len() - body.len() > 3 {
        return None;
    }
    let (rest, (points, name)) = row_start(body).ok()?;
    Some((points, name, rest))
}

/// `(13.3 points, 4.0 required)`, the words in any language.
fn analysis_numbers(i: &str) -> IResult<&str, (f64, f64)> {
    let word = |i| take_while1(|c: char| c.is_alphabetic()).parse(i);
    let (i, _) = (char('('), wsp0).parse(i)?;
    let (i, score) = number(i)?;
    let (i, _) = (wsp0, opt(word), wsp0, char(','), wsp0).parse(i)?;
    let (i, required) = number(i)?;
    let (i, _) = (wsp0, opt(word), wsp0, char(')'), wsp0).parse(i)?;
    Ok((i, (score, required)))
}

const ANALYSIS: &str = "content analysis details:";

/// What one physical line of a report is.
enum Line<'a> {
    Skip,
    Analysis(Result<(f64, f64), ParseError>),
    Header {
        dashes: bool,
        indent: usize,
    },
    Row {
        star: bool,
        indent: usize,
        points: f64,
        name: &'a str,
        text: &'a str,
        line: &'a str,
    },
    Text(&'a str),
}

fn is_dash_line(t: &str) -> bool {
    t.chars().all(|c| c == '-' || is_wsp(c)) && t.chars().filter(|&c| c == '-').count() >= 3
}

fn classify(raw: &str) -> Line<'_> {
    let t = raw.trim_matches(is_wsp);
    // `...` stands for elided lines in pasted samples.
    if t.is_empty() || t == "..." || t == "\u{2026}" {
        return Line::Skip;
    }
    let indent = raw.len() - raw.trim_start_matches(is_wsp).len();
    if let Some(after) = t.strip_prefix('*') {
        return match star_row(t) {
            Some((points, name, text)) => Line::Row {
                star: true,
                indent,
                points,
                name,
                text,
                line: t,
            },
            None => Line::Text(after),
        };
    }
    let lower = t.to_ascii_lowercase();
    // The template line starts with the label; prose that mentions it stays text. Once the
    // label is followed by `(`, the numbers must be there.
    if lower.starts_with(ANALYSIS) {
        // Lower-casing ASCII keeps byte offsets, so the label's length is valid in `t`.
        let after = t
            .get(ANALYSIS.len()..)
            .unwrap_or("")
            .trim_start_matches(is_wsp);
        if after.starts_with('(') {
            return Line::Analysis(match all_consuming(analysis_numbers).parse(after) {
                Ok((_, numbers)) => Ok(numbers),
                Err(_) => Err(ParseError::new(format!(
                    "`Content analysis details:` is not followed by `(SCORE points, REQUIRED required)`: `{}`",
                    excerpt(after)
                ))),
            });
        }
    }
    if is_dash_line(t) {
        return Line::Header {
            dashes: true,
            indent,
        };
    }
    if collapse_whitespace(&lower).starts_with("pts rule name") {
        return Line::Header {
            dashes: false,
            indent,
        };
    }
    // A translated report template: `Inhaltsanalyse im Detail:   (13.3 Punkte, 5.0 benötigt)`.
    if let Some(open) = t.find('(') {
        let label = t.get(..open).unwrap_or("").trim_end_matches(is_wsp);
        if label.ends_with(':')
            && let Ok((_, numbers)) =
                all_consuming(analysis_numbers).parse(t.get(open..).unwrap_or(""))
        {
            return Line::Analysis(Ok(numbers));
        }
    }
    if let Ok((text, (points, name))) = row_start(t) {
        return Line::Row {
            star: false,
            indent,
            points,
            name,
            text,
            line: t,
        };
    }
    Line::Text(t)
}

/// Whitespace-separated words with their byte offsets.
fn words(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (pos, c) in s.char_indices() {
        if is_wsp(c) {
            if let Some(st) = start.take() {
                out.extend(s.get(st..pos).map(|w| (st, w)));
            }
        } else if start.is_none() {
            start = Some(pos);
        }
    }
    if let Some(st) = start {
        out.extend(s.get(st..).map(|w| (st, w)));
    }
    out
}

/// Puts the line breaks back into an unfolded report: before every `*` of the starred form;
/// for the table form before the `Content analysis details:`, header and dashes lines,
/// before each `POINTS RULE_NAME` pair after them and before each `[` detail; around `...`.
fn split_unfolded(value: &str) -> Vec<&str> {
    let words = words(value);
    // `[` depth before each word: inside a detail nothing but a star starts a line.
    let mut depth = 0usize;
    let outside: Vec<bool> = words
        .iter()
        .map(|&(_, w)| {
            let before = depth == 0;
            for c in w.chars() {
                match c {
                    '[' => depth += 1,
                    ']' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            before
        })
        .collect();
    let mut cuts = Vec::new();
    let star_form = words
        .iter()
        .any(|&(pos, w)| w.starts_with('*') && value.get(pos..).and_then(star_row).is_some());
    if star_form {
        for &(pos, w) in &words {
            if let Some(after) = w.strip_prefix('*')
                && (after.is_empty()
                    || after.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)))
            {
                cuts.push(pos);
            }
        }
    } else {
        let lower = value.to_ascii_lowercase();
        let mut body_start = 0;
        for marker in [ANALYSIS, "pts rule name"] {
            for (pos, _) in lower.match_indices(marker) {
                cuts.push(pos);
                body_start = body_start.max(pos + marker.len());
            }
        }
        let is_dashes = |w: &str| w.len() >= 2 && w.chars().all(|c| c == '-');
        let mut in_run = false;
        for &(pos, w) in &words {
            if is_dashes(w) {
                if !in_run {
                    cuts.push(pos);
                }
                in_run = true;
                body_start = body_start.max(pos + w.len());
            } else if in_run {
                cuts.push(pos);
                in_run = false;
            }
        }
        for (k, &(pos, w)) in words.iter().enumerate() {
            if pos < body_start || outside.get(k) != Some(&true) {
                continue;
            }
            let next_is_name = words
                .get(k + 1)
                .is_some_and(|&(_, n)| is_strict_rule_name(n));
            if w.starts_with('[') || (next_is_name && parse_number(w).is_some()) {
                cuts.push(pos);
            }
        }
    }
    // A pasted elision stands on a line of its own.
    for (k, &(pos, w)) in words.iter().enumerate() {
        if (w == "..." || w == "\u{2026}") && outside.get(k) == Some(&true) {
            cuts.push(pos);
            cuts.push(pos + w.len());
        }
    }
    cuts.push(0);
    cuts.push(value.len());
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .filter_map(|w| match w {
            [a, b] => value.get(*a..*b),
            _ => None,
        })
        .collect()
}

/// A row being read: continuation lines add description or `[...]` details.
struct RowBuilder {
    points: f64,
    name: String,
    description: Vec<String>,
    details: Vec<String>,
    /// An open `[` detail: its text so far and the bracket depth.
    open: Option<(String, usize)>,
}

impl RowBuilder {
    fn new(points: f64, name: &str, text: &str) -> Self {
        let text = collapse_whitespace(text);
        RowBuilder {
            points,
            name: name.to_owned(),
            description: if text.is_empty() { vec![] } else { vec![text] },
            details: Vec::new(),
            open: None,
        }
    }

    fn push_text(&mut self, text: &str) {
        let mut t = text.trim_matches(is_wsp);
        loop {
            if let Some((buf, depth)) = self.open.as_mut() {
                let mut close = None;
                for (pos, c) in t.char_indices() {
                    match c {
                        '[' => *depth += 1,
                        ']' => {
                            *depth = depth.saturating_sub(1);
                            if *depth == 0 {
                                close = Some(pos);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(pos) = close else {
                    buf.push(' ');
                    buf.push_str(t);
                    return;
                };
                buf.push(' ');
                buf.push_str(t.get(..pos).unwrap_or(""));
                let detail = collapse_whitespace(buf);
                self.details.push(detail);
                self.open = None;
                t = t.get(pos + 1..).unwrap_or("").trim_matches(is_wsp);
            } else if let Some(inner) = t.strip_prefix('[') {
                self.open = Some((String::new(), 1));
                t = inner;
            } else {
                if !t.is_empty() {
                    self.description.push(collapse_whitespace(t));
                }
                return;
            }
        }
    }

    fn finish(mut self) -> ReportLine {
        if let Some((buf, _)) = self.open.take() {
            let detail = collapse_whitespace(&buf);
            if !detail.is_empty() {
                self.details.push(detail);
            }
        }
        ReportLine {
            points: self.points,
            name: self.name,
            description: self.description.join(" "),
            details: self.details,
        }
    }
}

/// Parses `X-Spam-Report` in both SpamAssassin forms, and Barracuda's
/// `X-Barracuda-Spam-Report`.
///
/// The starred form: `*  0.0 RULE description`, continuation lines `*      more text` or
/// `*      [detail]`. The table form: preamble text, `Content analysis details:   (13.3
/// points, 4.0 required)`, the `pts rule name description` header and dashes, then rows
/// whose wrapped lines are indented to the description column. `...` lines are skipped.
/// A value with neither rows nor a table header (rspamd's `Action: ... Symbol: ...` report)
/// is an error, so it is never misread as rules.
pub fn parse_spam_report(value: &str) -> Result<SpamReport, ParseError> {
    if value.trim_matches(is_wsp).is_empty() {
        return Err(ParseError::new("empty X-Spam-Report value"));
    }
    let physical: Vec<&str> = if value.contains(['\n', '\r']) {
        value.split(['\n', '\r']).collect()
    } else {
        split_unfolded(value)
    };
    let mut report = SpamReport::default();
    let mut preamble: Vec<String> = Vec::new();
    let mut rows: Vec<RowBuilder> = Vec::new();
    let mut table_seen = false;
    let mut max_row_indent = 6;
    for raw in physical {
        match classify(raw) {
            Line::Skip => {}
            Line::Analysis(numbers) => {
                let (score, required) = numbers?;
                report.score.get_or_insert(score);
                report.required.get_or_insert(required);
                table_seen = true;
            }
            Line::Header { dashes, indent } => {
                if dashes {
                    // Rows start within a few columns of the dashes; wrapped lines are
                    // indented to the description column.
                    max_row_indent = (indent + 3).max(6);
                }
                table_seen = true;
            }
            Line::Row {
                star,
                indent,
                points,
                name,
                text,
                line,
            } => {
                let is_row = star
                    || (indent <= max_row_indent
                        && (table_seen || !rows.is_empty() || preamble.is_empty()));
                if is_row {
                    rows.push(RowBuilder::new(points, name, text));
                } else if let Some(last) = rows.last_mut() {
                    last.push_text(line);
                } else {
                    preamble.push(collapse_whitespace(line));
                }
            }
            Line::Text(text) => match rows.last_mut() {
                Some(last) => last.push_text(text),
                None => {
                    let text = collapse_whitespace(text);
                    if !text.is_empty() {
                        preamble.push(text);
                    }
                }
            },
        }
    }
    if rows.is_empty() && !table_seen {
        // SpamAssassin 2.x's `_SUMMARY_`: "-42.42 hits, 9 required;" then rows that carry
        // descriptions only (`* -0.2 -- DKIM verification succeed`): the totals are all that
        // names nothing.
        if let Some((score, required)) = hits_summary(value) {
            report.score = Some(score);
            report.required = Some(required);
            return Ok(report);
        }
        return Err(ParseError::new(
            "no report rows (`* 1.2 RULE description`) and no `pts rule name` table",
        ));
    }
    report.lines = rows.into_iter().map(RowBuilder::finish).collect();
    if !preamble.is_empty() {
        report.preamble = Some(preamble.join(" "));
    }
    Ok(report)
}

/// `SCORE hits, REQUIRED required;` at the start of a value.
fn hits_summary(value: &str) -> Option<(f64, f64)> {
    let words: Vec<&str> = value.split_whitespace().take(4).collect();
    match words.as_slice() {
        [score, hits, required, label]
            if hits.eq_ignore_ascii_case("hits,")
                && label.to_ascii_lowercase().starts_with("required") =>
        {
            let score = parse_score(score).ok()?;
            let required = parse_score(required.trim_end_matches([',', ';'])).ok()?;
            Some((score, required))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Exim X-Spam_report
// ---------------------------------------------------------------------------------------------

/// Inside `(-0.8 / 5.0 requ)`.
fn exim_summary(i: &str) -> IResult<&str, (f64, Option<f64>)> {
    let (i, _) = wsp0(i)?;
    let (i, score) = number(i)?;
    let (i, _) = wsp0(i)?;
    let (i, required) = opt(preceded((char('/'), wsp0), number)).parse(i)?;
    let (i, _) = (wsp0, take_while(|c: char| c.is_alphabetic()), wsp0).parse(i)?;
    Ok((i, (score, required)))
}

/// Parses Exim's `X-Spam_report`: `(SCORE / REQUIRED requ)` then `RULE=score` items
/// separated by commas and folding, then `autolearn=`. `autolearn_force=` and other keys are
/// not kept; malformed items are skipped. A malformed `(...)` summary is an error, and so is
/// a value with no summary, no rule and no `autolearn=`.
pub fn parse_exim_spam_report(value: &str) -> Result<EximSpamReport, ParseError> {
    let mut report = EximSpamReport::default();
    let mut rest = value.trim_start_matches(is_wsp);
    // Exim can be configured with SpamAssassin's full report template: read the table.
    if !rest.starts_with('(')
        && let Ok(table) = parse_spam_report(value)
        && !table.lines.is_empty()
    {
        report.score = table.score;
        report.required = table.required;
        report.tests = table
            .lines
            .iter()
            .map(|line| Test {
                name: line.name.clone(),
                score: Some(line.points),
            })
            .collect();
        report.lines = table.lines;
        return Ok(report);
    }
    let mut summary = false;
    if rest.starts_with('(') {
        let (after, inner) = comment(rest).unwrap_or(("", rest));
        let (_, (score, required)) = all_consuming(exim_summary).parse(inner).map_err(|_| {
            ParseError::new(format!(
                "expected `(SCORE / REQUIRED requ)` at the start, found `({})`",
                collapse_whitespace(inner)
            ))
        })?;
        report.score = Some(score);
        report.required = required;
        summary = true;
        rest = after;
    }
    loop {
        rest = skip_seps(rest);
        if rest.is_empty() {
            break;
        }
        let (after, it) = item(rest);
        rest = after;
        match it.split_once('=') {
            Some((key, v)) if key.eq_ignore_ascii_case("autolearn") => {
                report.autolearn.get_or_insert_with(|| v.to_owned());
            }
            Some(_) => report.tests.extend(test_item(it)),
            None if is_strict_rule_name(it) => report.tests.extend(test_item(it)),
            None => {}
        }
    }
    if !summary && report.tests.is_empty() && report.autolearn.is_none() {
        return Err(ParseError::new(format!(
            "expected `(SCORE / REQUIRED requ) RULE=score, ...`, found `{}`",
            excerpt(value)
        )));
    }
    Ok(report)
}

// ---------------------------------------------------------------------------------------------
// Fastmail X-Spam-hits
// ---------------------------------------------------------------------------------------------

/// Parses Fastmail's `X-Spam-hits` (`RULE score, RULE score, ... LANGUAGES en, SA_VERSION
/// 3.4.6`): entries with a numeric value are tests, the others metadata. Entries that do not
/// start with a name (`…`) are skipped; a value without any entry is an error.
pub fn parse_spam_hits(value: &str) -> Result<SpamHits, ParseError> {
    let mut hits = SpamHits::default();
    for entry in value.split([',', ';']) {
        let entry = collapse_whitespace(entry);
        let (name, rest) = entry.split_once(' ').unwrap_or((&entry, ""));
        if !is_rule_name(name) {
            continue;
        }
        if rest.is_empty() {
            hits.tests.push(Test {
                name: name.to_owned(),
                score: None,
            });
        } else if let Some(score) = parse_number(rest) {
            hits.tests.push(Test {
                name: name.to_owned(),
                score: Some(score),
            });
        } else {
            hits.metadata.push((name.to_owned(), rest.to_owned()));
        }
    }
    if hits.tests.is_empty() && hits.metadata.is_empty() {
        return Err(ParseError::new(format!(
            "expected `RULE score, ...` entries, found `{}`",
            excerpt(value)
        )));
    }
    Ok(hits)
}

// ---------------------------------------------------------------------------------------------
// MailScanner SpamCheck
// ---------------------------------------------------------------------------------------------

/// `spam` / `not spam` as the first words of an item, comments ignored.
fn mailscanner_verdict(item: &str) -> Option<bool> {
    let words: Vec<String> = item
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(2)
        .map(str::to_ascii_lowercase)
        .collect();
    match words.as_slice() {
        [first, second, ..] if first == "not" && second == "spam" => Some(false),
        [first, ..] if first == "spam" => Some(true),
        _ => None,
    }
}

/// The value after `label=`, `label:` or `label ` (any case); `None` for other entries,
/// including rule names that merely start with the label (`SCORE_X 1.0`).
fn labelled<'a>(entry: &'a str, label: &str) -> Option<&'a str> {
    let head = entry.get(..label.len())?;
    let rest = entry.get(label.len()..)?;
    (head.eq_ignore_ascii_case(label) && rest.starts_with([' ', '=', ':']))
        .then(|| rest.trim_start_matches([' ', '=', ':']))
}

/// Reads the engine's parenthesised details into `check`.
fn mailscanner_details(details: &str, check: &mut MailScannerCheck) -> Result<(), ParseError> {
    for entry in split_top_level(details, ',') {
        let entry = collapse_whitespace(entry);
        let lower = entry.to_ascii_lowercase();
        if lower == "cached" {
            check.cached = Some(true);
        } else if lower == "not cached" {
            check.cached = Some(false);
        } else if let Some(raw) = labelled(&entry, "score") {
            let n = parse_number(raw).ok_or_else(|| {
                ParseError::new(format!("score= is not a number: `{}`", excerpt(raw)))
            })?;
            check.score.get_or_insert(n);
        } else if let Some(raw) = labelled(&entry, "required") {
            let n = parse_number(raw).ok_or_else(|| {
                ParseError::new(format!("required is not a number: `{}`", excerpt(raw)))
            })?;
            check.required.get_or_insert(n);
        } else if entry.contains('=') {
            // `autolearn=spam`, `autolearn=not spam`: no field for it.
        } else {
            let (name, score) = entry.split_once(' ').unwrap_or((&entry, ""));
            if !is_rule_name(name) {
                continue;
            }
            let score = if score.is_empty() {
                None
            } else {
                match parse_number(score) {
                    Some(n) => Some(n),
                    None => continue, // `timed out` and other prose
                }
            };
            check.tests.push(Test {
                name: name.to_owned(),
                score,
            });
        }
    }
    Ok(())
}

/// Parses MailScanner's `SpamCheck`: `spam, SpamAssassin (not cached, score=-42.42, required
/// 3, RULE -0.2, ...)`, `not spam (whitelisted)`, `spam, spam, SpamAssassin (cached, ...)`,
/// RBL names between the items. Rule items without a number are kept without a score;
/// malformed ones are skipped. A malformed `score=` or `required` is an error, and so is a
/// value with neither a verdict nor an engine.
pub fn parse_mailscanner_spamcheck(value: &str) -> Result<MailScannerCheck, ParseError> {
    let mut check = MailScannerCheck::default();
    for (n, it) in split_top_level(value, ',').into_iter().enumerate() {
        let it = it.trim_matches(is_wsp);
        if n == 0 {
            check.is_spam = mailscanner_verdict(it);
        }
        let Some(open) = it.find('(') else { continue };
        let name = collapse_whitespace(it.get(..open).unwrap_or(""));
        if check.engine.is_some() || name.is_empty() || mailscanner_verdict(&name).is_some() {
            continue; // `spam (whitelisted)`
        }
        let details = comment(it.get(open..).unwrap_or("")).map_or("", |(_, c)| c);
        mailscanner_details(details, &mut check)?;
        check.engine = Some(name);
    }
    if check.is_spam.is_none() && check.engine.is_none() {
        return Err(ParseError::new(format!(
            "expected `spam`/`not spam` or `ENGINE (score=..., ...)`, found `{}`",
            excerpt(value)
        )));
    }
    Ok(check)
}

// ---------------------------------------------------------------------------------------------
// One-value fields
// ---------------------------------------------------------------------------------------------

/// `X-Spam-Level`: one character per whole point (`*` by default, any character allowed:
/// MailScanner writes `s`, Sophos `I`); returns how many times the first character appears.
/// Empty (below one point) is 0.
pub fn parse_spam_level(value: &str) -> usize {
    let mut chars = value.chars().filter(|c| !is_wsp(*c));
    match chars.next() {
        Some(first) => 1 + chars.filter(|c| *c == first).count(),
        None => 0,
    }
}

/// `X-Spam-Flag`: `YES`/`NO`/`True`/`False` in any case; `None` for anything else.
pub fn parse_spam_flag(value: &str) -> Option<bool> {
    let word: String = value
        .trim_start_matches(is_wsp)
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    match word.to_ascii_lowercase().as_str() {
        "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

/// `X-Spam-Score`, `X-Spam_score`, `X-Spam_score_int` (the caller divides that one by 10).
/// Text after the number is allowed once separated (`5.3 (+++++)`, `-5.49 / 15.00`).
pub fn parse_score(value: &str) -> Result<f64, ParseError> {
    let t = value.trim_matches(is_wsp);
    if t.is_empty() {
        return Err(ParseError::new("empty score"));
    }
    match number(t) {
        Ok((rest, n))
            if rest.is_empty() || rest.starts_with(|c: char| is_wsp(c) || "(/".contains(c)) =>
        {
            Ok(n)
        }
        _ => Err(ParseError::new(format!(
            "score is not a number: `{}`",
            excerpt(t)
        ))),
    }
}

/// `1.2`, `4.0.1`, `3.4.6-cvs`, `v3`: a word that starts like a version number.
fn looks_like_version(w: &str) -> bool {
    let w = w.strip_prefix(['v', 'V']).unwrap_or(w);
    w.starts_with(|c: char| c.is_ascii_digit())
}

/// `X-Spam-Checker-Version`: `PRODUCT VERSION (DATE) on HOST`, any part but the product
/// optional. `None` when there is no product name.
pub fn parse_checker_version(value: &str) -> Option<CheckerVersion> {
    let mut product: Vec<&str> = Vec::new();
    let mut version = None;
    let mut date = None;
    let mut host = None;
    let mut expect_host = false;
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(is_wsp);
        if rest.is_empty() {
            break;
        }
        if rest.starts_with('(') {
            let (after, c) = comment(rest).unwrap_or(("", rest));
            date.get_or_insert_with(|| collapse_whitespace(c));
            rest = after;
            continue;
        }
        let end = rest
            .find(|c: char| is_wsp(c) || c == '(')
            .unwrap_or(rest.len());
        let (word, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
        rest = after;
        if expect_host {
            host.get_or_insert_with(|| word.to_owned());
            expect_host = false;
        } else if word.eq_ignore_ascii_case("on") && !product.is_empty() {
            expect_host = true;
        } else if version.is_none() && date.is_none() && host.is_none() {
            if !product.is_empty() && looks_like_version(word) {
                version = Some(word.to_owned());
            } else {
                product.push(word);
            }
        }
    }
    if product.is_empty() {
        return None;
    }
    Some(CheckerVersion {
        product: product.join(" "),
        version,
        date,
        host,
    })
}

#[cfg(test)]
mod exim_full_report_tests {
    use super::*;

    #[test]
    fn spamassassin_2_hits_summary() {
        let report = parse_spam_report("-42.42 hits, 9 required;\n  * -0.2  -- DKIM verification succeed\n  * 0.18  -- Mixed characters in a message").unwrap();
        assert_eq!((report.score, report.required), (Some(-42.42), Some(9.0)));
        assert!(report.lines.is_empty());
    }

    #[test]
    fn exim_header_with_the_full_report_template() {
        let value = " Spam detection software, running on the system \"mx.example.org\",\n has NOT identified this incoming email as spam.\n \n Content analysis details:   (-1.0 points, 5.0 required)\n \n  pts rule name              description\n ---- ---------------------- --------------------------------------------------\n -1.0 ALL_TRUSTED            Passed through trusted hosts only via SMTP";
        let report = parse_exim_spam_report(value).unwrap();
        assert_eq!((report.score, report.required), (Some(-1.0), Some(5.0)));
        assert_eq!(
            report.tests,
            vec![Test {
                name: "ALL_TRUSTED".into(),
                score: Some(-1.0)
            }]
        );
        assert_eq!(
            report.lines[0].description,
            "Passed through trusted hosts only via SMTP"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::split_header_block;
    use proptest::prelude::*;

    // Verbatim from shared/headers.md (SpamAssassin section 1, Barracuda section 7).
    const TEMPLATE_EXAMPLES: &str = r#"X-Spam-Checker-Version: SpamAssassin 2.60-cvs (1.188-2003-05-24-exp)
X-Spam-Flag: YES
X-Spam-Level: *************
X-Spam-Status: Yes, score=14.0 required=5.0 tests=BAYES_99,CALL_FREE
        DATE_IN_PAST_12_24,DCC_CHECK,DRASTIC_REDUCED,FROM_HAS_MIXED_NUMS
        FROM_HAS_MIXED_NUMS3,HOME_EMPLOYMENT,INVALID_DATE,INVALID_MSGID
        LINES_OF_YELLING,MSGID_HAS_NO_AT,NO_REAL_NAME,ONCE_IN_LIFETIME
        UNDISC_RECIPS autolearn=spam version=2.60-cvs
"#;

    const HAPPYDELIVER: &str = r#"X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-26) on e4a8b8eb87ec
X-Spam-Status: No, score=-0.1 required=5.0 tests=DKIM_SIGNED,DKIM_VALID,
	DKIM_VALID_AU,RCVD_IN_VALIDITY_CERTIFIED_BLOCKED,
	RCVD_IN_VALIDITY_RPBL_BLOCKED,RCVD_IN_VALIDITY_SAFE_BLOCKED,
	SPF_HELO_NONE,SPF_PASS autolearn=disabled version=4.0.1
X-Spam-Level:
X-Spam-Report:
	*  0.0 RCVD_IN_VALIDITY_SAFE_BLOCKED RBL: ADMINISTRATOR NOTICE: The query
	*      to Validity was blocked.  See
	*      https://knowledge.validity.com/hc/en-us/articles/20961730681243 for
	*      more information.
	*      [80.67.179.207 listed in sa-accredit.habeas.com]
	...
	* -0.0 SPF_PASS SPF: sender matches SPF record
	*  0.0 SPF_HELO_NONE SPF: HELO does not publish an SPF Record
	* -0.1 DKIM_VALID Message has at least one valid DKIM or DK signature
	*  0.1 DKIM_SIGNED Message has a DKIM or DK signature, not necessarily
	*      valid
	* -0.1 DKIM_VALID_AU Message has a valid DKIM or DK signature from author's
	*       domain
"#;

    const FULL_TABLE: &str = r#"X-Spam-Report: Spam detection software, running on the system "xxxxx",
 ...
 Content analysis details:   (13.3 points, 4.0 required)
  pts rule name              description
 ---- ---------------------- --------------------------------------------------
  4.5 URIBL_DBL_SPAM         Contains a spam URL listed in the Spamhaus DBL
                             blocklist
                             [URIs: topdelivery.net.pl]
 -1.9 BAYES_00               BODY: Bayes spam probability is 0 to 1%
                             [score: 0.0000]
  0.2 HEADER_FROM_DIFFERENT_DOMAINS From and EnvelopeFrom 2nd level
                             mail domains are different
"#;

    const AMAVIS: &str = r#"X-Virus-Scanned: Debian amavisd-new at bahnhof.se
X-Spam-Flag: NO
X-Spam-Score: -2.201
X-Spam-Level: 
X-Spam-Status: No, score=-2.201 tagged_above=-999 required=6.31
 tests=[BAYES_00=-1.9, DKIM_SIGNED=0.1, DKIM_VALID=-0.1,
 DKIM_VALID_AU=-0.1, DKIM_VALID_EF=-0.1, NICE_REPLY_A=-0.091,
 T_SCC_BODY_TEXT_LINE=-0.01] autolearn=ham autolearn_force=no
Authentication-Results: ste-pvt-msa2.bahnhof.se (amavisd-new);
 dkim=pass (1024-bit key) header.d=shipmail.org
"#;

    const FASTMAIL: &str = r#"X-Spam-known-sender: no
X-Spam-sender-reputation: 500 (none)
X-Spam-score: 1.5
X-Spam-hits: DCC_CHECK 1.1, HTML_MESSAGE 0.001, ME_SENDERREP_NEUTRAL 0.001,
  MIME_HTML_ONLY 0.1, MIME_HTML_ONLY_MULTI 0.001, MPART_ALT_DIFF 0.724,
  RCVD_IN_DNSWL_NONE -0.0001, SPF_HELO_NONE 0.001, SPF_PASS -0.001,
  TVD_PH_SEC 0.1, USER_IN_DEF_SPF_WL -0.5, LANGUAGES en, BAYES_USED none,
  SA_VERSION 3.4.6
X-Spam-source: IP='54.240.13.167', Host='a13-167.smtp-out.amazonses.com', Country='US',
  FromHeader='com', MailFrom='com'
"#;

    const EXIM: &str = r#"Received-SPF: pass client-ip=210.0.225.12; envelope-from=EwanHai-oc@zhaoxin.com;
 helo=mx1.zhaoxin.com
X-Spam_score_int: -7
X-Spam_score: -0.8
X-Spam_bar: /
X-Spam_report: (-0.8 / 5.0 requ) BAYES_00=-1.9, DATE_IN_PAST_12_24=1.049,
 RCVD_IN_VALIDITY_RPBL_BLOCKED=0.001, RCVD_IN_VALIDITY_SAFE_BLOCKED=0.001,
 SPF_HELO_NONE=0.001, SPF_PASS=-0.001 autolearn=no autolearn_force=no
X-Spam_action: no action
"#;

    const MAILSCANNER: &str = r#"X-MyCompany-MailScanner-SpamCheck: spam, SpamAssassin (not cached, score=-42.42,
	required 3, R_DKIM_ALLOW -0.2, R_MIXED_CHARSET 0.18,
	FREEMAIL_FROM 0.00, DKIM_TRACE -0.00, MX_GOOD -0.01,
	BAYES_HAM -5.5)
"#;

    const BARRACUDA: &str = r#"X-Barracuda-Bayes: INNOCENT GLOBAL 0.0000 1.0000 -2.0210
X-Barracuda-Spam-Score: -1.21
X-Barracuda-Spam-Status: No,
 SCORE=-1.21 using global scores of TAG_LEVEL=1000.0
 QUARANTINE_LEVEL=1000.0 KILL_LEVEL=9.0 tests=DATE_IN_PAST_12_24,
 DATE_IN_PAST_12_24_2
X-Barracuda-Spam-Report: Code version 3.2, rules version 3.2.3.152631
 Rule breakdown below
 pts rule name              description
 ---- ---------------------- --------------------------------------------------
 0.01 DATE_IN_PAST_12_24     Date: is 12 to 24 hours before Received: date
 0.80 DATE_IN_PAST_12_24_2   DATE_IN_PAST_12_24_2
"#;

    /// The value of field `name` in `block`, folding kept, as the block splitter hands it on.
    fn field(block: &str, name: &str) -> String {
        split_header_block(block.as_bytes())
            .first(name)
            .map(|f| f.value.clone())
            .unwrap_or_else(|| panic!("no {name} in sample"))
    }

    fn test(name: &str, score: Option<f64>) -> Test {
        Test {
            name: name.to_owned(),
            score,
        }
    }

    fn names(tests: &[Test]) -> Vec<&str> {
        tests.iter().map(|t| t.name.as_str()).collect()
    }

    fn row(points: f64, name: &str, description: &str, details: &[&str]) -> ReportLine {
        ReportLine {
            points,
            name: name.to_owned(),
            description: description.to_owned(),
            details: details.iter().map(|d| (*d).to_owned()).collect(),
        }
    }

    // ---- X-Spam-Status ----------------------------------------------------------------------

    #[test]
    fn status_default_template_wraps_without_commas() {
        let s = parse_spam_status(&field(TEMPLATE_EXAMPLES, "X-Spam-Status")).unwrap();
        assert_eq!(s.is_spam, Some(true));
        assert_eq!(s.score, Some(14.0));
        assert_eq!(s.required, Some(5.0));
        assert_eq!(
            names(&s.tests),
            [
                "BAYES_99",
                "CALL_FREE",
                "DATE_IN_PAST_12_24",
                "DCC_CHECK",
                "DRASTIC_REDUCED",
                "FROM_HAS_MIXED_NUMS",
                "FROM_HAS_MIXED_NUMS3",
                "HOME_EMPLOYMENT",
                "INVALID_DATE",
                "INVALID_MSGID",
                "LINES_OF_YELLING",
                "MSGID_HAS_NO_AT",
                "NO_REAL_NAME",
                "ONCE_IN_LIFETIME",
                "UNDISC_RECIPS"
            ]
        );
        assert!(s.tests.iter().all(|t| t.score.is_none()));
        assert_eq!(s.autolearn.as_deref(), Some("spam"));
        assert_eq!(s.version.as_deref(), Some("2.60-cvs"));
        assert!(s.other.is_empty());
    }

    #[test]
    fn status_spamassassin_4() {
        let s = parse_spam_status(&field(HAPPYDELIVER, "X-Spam-Status")).unwrap();
        assert_eq!(
            s,
            SpamStatus {
                is_spam: Some(false),
                score: Some(-0.1),
                required: Some(5.0),
                tests: [
                    "DKIM_SIGNED",
                    "DKIM_VALID",
                    "DKIM_VALID_AU",
                    "RCVD_IN_VALIDITY_CERTIFIED_BLOCKED",
                    "RCVD_IN_VALIDITY_RPBL_BLOCKED",
                    "RCVD_IN_VALIDITY_SAFE_BLOCKED",
                    "SPF_HELO_NONE",
                    "SPF_PASS"
                ]
                .iter()
                .map(|n| test(n, None))
                .collect(),
                autolearn: Some("disabled".into()),
                version: Some("4.0.1".into()),
                ..SpamStatus::default()
            }
        );
    }

    #[test]
    fn status_amavis_bracketed_scores() {
        let s = parse_spam_status(&field(AMAVIS, "X-Spam-Status")).unwrap();
        assert_eq!(s.is_spam, Some(false));
        assert_eq!(s.score, Some(-2.201));
        assert_eq!(s.tagged_above, Some(-999.0));
        assert_eq!(s.required, Some(6.31));
        assert_eq!(
            s.tests,
            vec![
                test("BAYES_00", Some(-1.9)),
                test("DKIM_SIGNED", Some(0.1)),
                test("DKIM_VALID", Some(-0.1)),
                test("DKIM_VALID_AU", Some(-0.1)),
                test("DKIM_VALID_EF", Some(-0.1)),
                test("NICE_REPLY_A", Some(-0.091)),
                test("T_SCC_BODY_TEXT_LINE", Some(-0.01)),
            ]
        );
        assert_eq!(s.autolearn.as_deref(), Some("ham"));
        assert_eq!(s.autolearn_force.as_deref(), Some("no"));
        assert!(s.other.is_empty());
    }

    #[test]
    fn status_barracuda_levels_go_to_other() {
        let s = parse_spam_status(&field(BARRACUDA, "X-Barracuda-Spam-Status")).unwrap();
        assert_eq!(s.is_spam, Some(false));
        assert_eq!(s.score, Some(-1.21));
        assert_eq!(s.required, None);
        assert_eq!(
            names(&s.tests),
            ["DATE_IN_PAST_12_24", "DATE_IN_PAST_12_24_2"]
        );
        assert_eq!(
            s.other,
            vec![
                ("TAG_LEVEL".to_owned(), "1000.0".to_owned()),
                ("QUARANTINE_LEVEL".to_owned(), "1000.0".to_owned()),
                ("KILL_LEVEL".to_owned(), "9.0".to_owned()),
            ]
        );
    }

    #[test]
    fn status_rspamd_forms() {
        let s = parse_spam_status("Yes, score=15.20").unwrap();
        assert_eq!(
            (s.is_spam, s.score, s.required),
            (Some(true), Some(15.2), None)
        );
        assert!(s.tests.is_empty());
        let s = parse_spam_status("No, score=1.9").unwrap();
        assert_eq!((s.is_spam, s.score), (Some(false), Some(1.9)));
        // `X-Rspam-Status:Yes, score=15.20 required=5.0`: no space after the colon.
        let block = "X-Rspam-Status:Yes, score=15.20 required=5.0\n";
        let s = parse_spam_status(&field(block, "X-Rspam-Status")).unwrap();
        assert_eq!(
            (s.is_spam, s.score, s.required),
            (Some(true), Some(15.2), Some(5.0))
        );
    }

    #[test]
    fn status_bare_verdicts() {
        for (v, want) in [("No", false), (" no", false), ("Yes", true), ("YES,", true)] {
            let s = parse_spam_status(v).unwrap();
            assert_eq!(s.is_spam, Some(want), "{v}");
            assert_eq!(s.score, None);
        }
        // A word that merely starts with No is not a verdict.
        assert!(parse_spam_status("Nobody").is_err());
    }

    #[test]
    fn status_hits_testsscores_shortcircuit_and_testing_rules() {
        let s = parse_spam_status(
            "No, hits=-4.9 required=5.0\n\ttests=AWL=-0.5,BAYES_00=-2.599,\n\t__HAS_MSGID=0.001,T_RP_MATCHES_RCVD=-0.01\n\tshortcircuit=ham autolearn=ham version=3.4.6-cvs",
        )
        .unwrap();
        assert_eq!(s.score, Some(-4.9));
        assert_eq!(
            s.tests,
            vec![
                test("AWL", Some(-0.5)),
                test("BAYES_00", Some(-2.599)),
                test("__HAS_MSGID", Some(0.001)),
                test("T_RP_MATCHES_RCVD", Some(-0.01)),
            ]
        );
        assert_eq!(s.shortcircuit.as_deref(), Some("ham"));
        assert_eq!(s.version.as_deref(), Some("3.4.6-cvs"));
    }

    #[test]
    fn status_tests_none_and_empty() {
        let s =
            parse_spam_status("No, score=0.0 required=5.0 tests=none autolearn=ham version=3.3.1")
                .unwrap();
        assert!(s.tests.is_empty());
        assert_eq!(s.autolearn.as_deref(), Some("ham"));
        let s = parse_spam_status("No, score=0.0 tests= autolearn=ham").unwrap();
        assert!(s.tests.is_empty());
        assert_eq!(s.autolearn.as_deref(), Some("ham"));
        let s = parse_spam_status("No, score=0.0 tests=[] autolearn=no").unwrap();
        assert!(s.tests.is_empty());
    }

    #[test]
    fn status_numbers() {
        let s = parse_spam_status("Yes, score=1e3 required=+5. tagged_above=.5").unwrap();
        assert_eq!(
            (s.score, s.required, s.tagged_above),
            (Some(1000.0), Some(5.0), Some(0.5))
        );
        assert_eq!(
            parse_spam_status("No, score=-0.0").unwrap().score,
            Some(0.0)
        );
        for bad in [
            "NaN", "inf", "-inf", "infinity", "1e999", "abc", "5.0.1", "0x10",
        ] {
            let err = parse_spam_status(&format!("No, score={bad} required=5.0")).unwrap_err();
            assert_eq!(err.message, format!("score= is not a number: `{bad}`"));
        }
        let err = parse_spam_status("No, score=1.0 required=lots").unwrap_err();
        assert_eq!(err.message, "required= is not a number: `lots`");
        let err = parse_spam_status("No, score=").unwrap_err();
        assert_eq!(err.message, "score= has no value");
    }

    #[test]
    fn status_malformed_items_are_skipped_not_fatal() {
        let s = parse_spam_status(
            "Yes, score=9.1 required=5.0 tests=GOOD_ONE,(broken),B@D,ALSO_GOOD autolearn=spam",
        )
        .unwrap();
        assert_eq!(names(&s.tests), ["GOOD_ONE", "ALSO_GOOD"]);
        assert_eq!(s.autolearn.as_deref(), Some("spam"));
        let s = parse_spam_status("No, score=1 tests=[A=1.0, B=oops, C=-2] version=4.0.1").unwrap();
        assert_eq!(s.tests, vec![test("A", Some(1.0)), test("C", Some(-2.0))]);
        assert_eq!(s.version.as_deref(), Some("4.0.1"));
    }

    #[test]
    fn status_unclosed_bracket_and_other_keys() {
        let s = parse_spam_status("No, score=1 tests=[A=1.0, B=2.0").unwrap();
        assert_eq!(names(&s.tests), ["A", "B"]);
        let s = parse_spam_status("No, score=1 hits=2 custom=\"a b\" x=1").unwrap();
        assert_eq!(s.score, Some(1.0));
        assert_eq!(
            s.other,
            vec![
                ("hits".to_owned(), "2".to_owned()),
                ("custom".to_owned(), "a b".to_owned()),
                ("x".to_owned(), "1".to_owned()),
            ]
        );
    }

    #[test]
    fn status_without_structure_is_an_error() {
        assert!(parse_spam_status("").is_err());
        assert!(parse_spam_status("  \n\t").is_err());
        assert!(parse_spam_status("hello world").is_err());
    }

    // ---- X-Spam-Report ----------------------------------------------------------------------

    #[test]
    fn report_star_form() {
        let r = parse_spam_report(&field(HAPPYDELIVER, "X-Spam-Report")).unwrap();
        assert_eq!(
            (r.score, r.required, r.preamble.as_deref()),
            (None, None, None)
        );
        assert_eq!(
            r.lines,
            vec![
                row(
                    0.0,
                    "RCVD_IN_VALIDITY_SAFE_BLOCKED",
                    "RBL: ADMINISTRATOR NOTICE: The query to Validity was blocked. See https://knowledge.validity.com/hc/en-us/articles/20961730681243 for more information.",
                    &["80.67.179.207 listed in sa-accredit.habeas.com"]
                ),
                row(-0.0, "SPF_PASS", "SPF: sender matches SPF record", &[]),
                row(
                    0.0,
                    "SPF_HELO_NONE",
                    "SPF: HELO does not publish an SPF Record",
                    &[]
                ),
                row(
                    -0.1,
                    "DKIM_VALID",
                    "Message has at least one valid DKIM or DK signature",
                    &[]
                ),
                row(
                    0.1,
                    "DKIM_SIGNED",
                    "Message has a DKIM or DK signature, not necessarily valid",
                    &[]
                ),
                row(
                    -0.1,
                    "DKIM_VALID_AU",
                    "Message has a valid DKIM or DK signature from author's domain",
                    &[]
                ),
            ]
        );
        assert!(r.lines[1].points.is_sign_negative());
    }

    fn full_table_rows() -> Vec<ReportLine> {
        vec![
            row(
                4.5,
                "URIBL_DBL_SPAM",
                "Contains a spam URL listed in the Spamhaus DBL blocklist",
                &["URIs: topdelivery.net.pl"],
            ),
            row(
                -1.9,
                "BAYES_00",
                "BODY: Bayes spam probability is 0 to 1%",
                &["score: 0.0000"],
            ),
            row(
                0.2,
                "HEADER_FROM_DIFFERENT_DOMAINS",
                "From and EnvelopeFrom 2nd level mail domains are different",
                &[],
            ),
        ]
    }

    #[test]
    fn report_table_form() {
        let r = parse_spam_report(&field(FULL_TABLE, "X-Spam-Report")).unwrap();
        assert_eq!(r.score, Some(13.3));
        assert_eq!(r.required, Some(4.0));
        assert_eq!(
            r.preamble.as_deref(),
            Some("Spam detection software, running on the system \"xxxxx\",")
        );
        assert_eq!(r.lines, full_table_rows());
    }

    #[test]
    fn report_barracuda_table() {
        let r = parse_spam_report(&field(BARRACUDA, "X-Barracuda-Spam-Report")).unwrap();
        assert_eq!((r.score, r.required), (None, None));
        assert_eq!(
            r.preamble.as_deref(),
            Some("Code version 3.2, rules version 3.2.3.152631 Rule breakdown below")
        );
        assert_eq!(
            r.lines,
            vec![
                row(
                    0.01,
                    "DATE_IN_PAST_12_24",
                    "Date: is 12 to 24 hours before Received: date",
                    &[]
                ),
                row(0.8, "DATE_IN_PAST_12_24_2", "DATE_IN_PAST_12_24_2", &[]),
            ]
        );
    }

    #[test]
    fn report_unfolded_values_give_the_same_rows() {
        for (block, name) in [
            (HAPPYDELIVER, "X-Spam-Report"),
            (FULL_TABLE, "X-Spam-Report"),
            (BARRACUDA, "X-Barracuda-Spam-Report"),
        ] {
            let value = field(block, name);
            let folded = parse_spam_report(&value).unwrap();
            let unfolded = parse_spam_report(&crate::block::unfold(&value)).unwrap();
            assert_eq!(folded, unfolded, "{name} in {block}");
            let collapsed = parse_spam_report(&collapse_whitespace(&value)).unwrap();
            assert_eq!(folded, collapsed, "{name} in {block}");
        }
    }

    #[test]
    fn report_crlf_and_wrapped_details() {
        let value = " *  3.6 URIBL_ABUSE_SURBL Contains an URL listed in the ABUSE SURBL\r\n *      blocklist\r\n *      [URIs: a.example b.example\r\n *      c.example]\r\n *100.0 USER_IN_BLOCKLIST From: user is listed in the block-list\r\n * 10.0 X Y\r\n";
        let r = parse_spam_report(value).unwrap();
        assert_eq!(
            r.lines,
            vec![
                row(
                    3.6,
                    "URIBL_ABUSE_SURBL",
                    "Contains an URL listed in the ABUSE SURBL blocklist",
                    &["URIs: a.example b.example c.example"]
                ),
                row(
                    100.0,
                    "USER_IN_BLOCKLIST",
                    "From: user is listed in the block-list",
                    &[]
                ),
                row(10.0, "X", "Y", &[]),
            ]
        );
    }

    #[test]
    fn report_unclosed_detail_is_kept() {
        let r = parse_spam_report("\n *  1.0 A text\n *      [truncated detail").unwrap();
        assert_eq!(r.lines, vec![row(1.0, "A", "text", &["truncated detail"])]);
    }

    #[test]
    fn report_translated_template_and_deep_fold() {
        let value = "\n        Inhaltsanalyse im Detail:   (6.1 Punkte, 5.0 benötigt)\n\n         Pkte Regelname              Beschreibung\n        ---- ---------------------- --------------------------------------------------\n         6.1 FAKE_RULE              Beschreibung die\n                                    umbricht\n";
        let r = parse_spam_report(value).unwrap();
        assert_eq!((r.score, r.required), (Some(6.1), Some(5.0)));
        assert_eq!(
            r.lines,
            vec![row(6.1, "FAKE_RULE", "Beschreibung die umbricht", &[])]
        );
        assert_eq!(r.preamble.as_deref(), Some("Pkte Regelname Beschreibung"));
    }

    #[test]
    fn report_malformed_analysis_line_is_an_error() {
        let err = parse_spam_report("Content analysis details:   (_SCORE_ points, 5.0 required)")
            .unwrap_err();
        assert!(err.message.contains("Content analysis details:"), "{err}");
    }

    #[test]
    fn report_analysis_label_in_prose_is_text() {
        let value = " Content analysis details: see below\n *  1.0 A text\n";
        let r = parse_spam_report(value).unwrap();
        assert_eq!(r.score, None);
        assert_eq!(
            r.preamble.as_deref(),
            Some("Content analysis details: see below")
        );
        assert_eq!(r.lines, vec![row(1.0, "A", "text", &[])]);
    }

    #[test]
    fn report_rspamd_form_is_not_read_as_rules() {
        let value = " Action: no action\n Symbol: URIBL_GREY(1.50)\n Symbol: R_SPF_ALLOW(-0.20)\n Message-ID: abc@example.com";
        assert!(parse_spam_report(value).is_err());
        assert!(parse_spam_report(&crate::block::unfold(value)).is_err());
        assert!(parse_spam_report("").is_err());
    }

    #[test]
    fn report_numbers_in_preamble_are_not_rows() {
        let value = " Spam detection software found\n 3 PROBLEMS in this message\n Content analysis details:   (1.0 points, 5.0 required)\n  pts rule name              description\n ---- ---------------------- ----\n  1.0 ONLY_RULE              Text\n";
        let r = parse_spam_report(value).unwrap();
        assert_eq!(r.lines, vec![row(1.0, "ONLY_RULE", "Text", &[])]);
        assert_eq!(
            r.preamble.as_deref(),
            Some("Spam detection software found 3 PROBLEMS in this message")
        );
    }

    // ---- Exim, Fastmail, MailScanner ----------------------------------------------------------

    #[test]
    fn exim_report() {
        let r = parse_exim_spam_report(&field(EXIM, "X-Spam_report")).unwrap();
        assert_eq!(
            r,
            EximSpamReport {
                score: Some(-0.8),
                required: Some(5.0),
                tests: vec![
                    test("BAYES_00", Some(-1.9)),
                    test("DATE_IN_PAST_12_24", Some(1.049)),
                    test("RCVD_IN_VALIDITY_RPBL_BLOCKED", Some(0.001)),
                    test("RCVD_IN_VALIDITY_SAFE_BLOCKED", Some(0.001)),
                    test("SPF_HELO_NONE", Some(0.001)),
                    test("SPF_PASS", Some(-0.001)),
                ],
                autolearn: Some("no".into()),
                lines: Vec::new(),
            }
        );
    }

    #[test]
    fn exim_report_edges() {
        let err = parse_exim_spam_report("(abc / 5.0 requ) A=1").unwrap_err();
        assert!(err.message.contains("(SCORE / REQUIRED requ)"), "{err}");
        assert!(parse_exim_spam_report("hello world").is_err());
        assert!(parse_exim_spam_report("").is_err());
        let r = parse_exim_spam_report("(3.2) A=oops, B=1.0, C_NAME").unwrap();
        assert_eq!((r.score, r.required), (Some(3.2), None));
        assert_eq!(r.tests, vec![test("B", Some(1.0)), test("C_NAME", None)]);
    }

    #[test]
    fn exim_scores() {
        assert_eq!(parse_score(&field(EXIM, "X-Spam_score")), Ok(-0.8));
        assert_eq!(parse_score(&field(EXIM, "X-Spam_score_int")), Ok(-7.0));
        assert_eq!(parse_spam_level(&field(EXIM, "X-Spam_bar")), 1);
    }

    #[test]
    fn fastmail_hits() {
        let h = parse_spam_hits(&field(FASTMAIL, "X-Spam-hits")).unwrap();
        assert_eq!(
            h.tests,
            vec![
                test("DCC_CHECK", Some(1.1)),
                test("HTML_MESSAGE", Some(0.001)),
                test("ME_SENDERREP_NEUTRAL", Some(0.001)),
                test("MIME_HTML_ONLY", Some(0.1)),
                test("MIME_HTML_ONLY_MULTI", Some(0.001)),
                test("MPART_ALT_DIFF", Some(0.724)),
                test("RCVD_IN_DNSWL_NONE", Some(-0.0001)),
                test("SPF_HELO_NONE", Some(0.001)),
                test("SPF_PASS", Some(-0.001)),
                test("TVD_PH_SEC", Some(0.1)),
                test("USER_IN_DEF_SPF_WL", Some(-0.5)),
            ]
        );
        assert_eq!(
            h.metadata,
            vec![
                ("LANGUAGES".to_owned(), "en".to_owned()),
                ("BAYES_USED".to_owned(), "none".to_owned()),
                ("SA_VERSION".to_owned(), "3.4.6".to_owned()),
            ]
        );
        assert_eq!(parse_score(&field(FASTMAIL, "X-Spam-score")), Ok(1.5));
    }

    #[test]
    fn sophos_report_list_and_gauge() {
        // Section 12: `X-PMX-Spam: Gauge=IIIIIIII, Probability=8%, Report='HTML_50_70 0.1, MIME_LOWER_CASE 0.05, …'`.
        let h = parse_spam_hits("HTML_50_70 0.1, MIME_LOWER_CASE 0.05, …").unwrap();
        assert_eq!(
            h.tests,
            vec![
                test("HTML_50_70", Some(0.1)),
                test("MIME_LOWER_CASE", Some(0.05))
            ]
        );
        assert!(h.metadata.is_empty());
        assert_eq!(parse_spam_level("IIIIIIII"), 8);
        assert!(parse_spam_hits("").is_err());
        assert!(parse_spam_hits(" , ;").is_err());
    }

    #[test]
    fn mailscanner_sample() {
        let c =
            parse_mailscanner_spamcheck(&field(MAILSCANNER, "X-MyCompany-MailScanner-SpamCheck"))
                .unwrap();
        assert_eq!(
            c,
            MailScannerCheck {
                is_spam: Some(true),
                score: Some(-42.42),
                required: Some(3.0),
                tests: vec![
                    test("R_DKIM_ALLOW", Some(-0.2)),
                    test("R_MIXED_CHARSET", Some(0.18)),
                    test("FREEMAIL_FROM", Some(0.0)),
                    test("DKIM_TRACE", Some(-0.0)),
                    test("MX_GOOD", Some(-0.01)),
                    test("BAYES_HAM", Some(-5.5)),
                ],
                cached: Some(false),
                engine: Some("SpamAssassin".into()),
            }
        );
    }

    #[test]
    fn mailscanner_variants() {
        let c = parse_mailscanner_spamcheck(
            "not spam, SpamAssassin (not cached, score=1.2, required 5, autolearn=not spam, BAYES_00 -1.90, HTML_MESSAGE)",
        )
        .unwrap();
        assert_eq!(c.is_spam, Some(false));
        assert_eq!((c.score, c.required), (Some(1.2), Some(5.0)));
        assert_eq!(
            c.tests,
            vec![test("BAYES_00", Some(-1.9)), test("HTML_MESSAGE", None)]
        );
        for (v, want) in [
            ("spam (whitelisted)", true),
            ("not spam (whitelisted)", false),
        ] {
            let c = parse_mailscanner_spamcheck(v).unwrap();
            assert_eq!(
                (c.is_spam, c.engine, c.score),
                (Some(want), None, None),
                "{v}"
            );
        }
        let c = parse_mailscanner_spamcheck(
            "spam, spam, SpamAssassin (cached, score=12.3, required 5, autolearn=spam, BAYES_99 3.50)",
        )
        .unwrap();
        assert_eq!(
            (c.is_spam, c.cached, c.score),
            (Some(true), Some(true), Some(12.3))
        );
        assert_eq!(c.tests, vec![test("BAYES_99", Some(3.5))]);
        let c =
            parse_mailscanner_spamcheck("spam, spamhaus-ZEN, SpamAssassin (timed out)").unwrap();
        assert_eq!(
            (c.engine.as_deref(), c.tests.len()),
            (Some("SpamAssassin"), 0)
        );
        let err =
            parse_mailscanner_spamcheck("spam, SpamAssassin (score=abc, required 5)").unwrap_err();
        assert_eq!(err.message, "score= is not a number: `abc`");
        let c = parse_mailscanner_spamcheck(
            "spam, SpamAssassin (not cached, SCORE=5.5, REQUIRED 5, SCORE_LIKE_RULE 1.0)",
        )
        .unwrap();
        assert_eq!((c.score, c.required), (Some(5.5), Some(5.0)));
        assert_eq!(c.tests, vec![test("SCORE_LIKE_RULE", Some(1.0))]);
        let err = parse_mailscanner_spamcheck("spam, SpamAssassin (score=ABC)").unwrap_err();
        assert_eq!(err.message, "score= is not a number: `ABC`");
        assert!(parse_mailscanner_spamcheck("whatever").is_err());
        assert!(parse_mailscanner_spamcheck("").is_err());
    }

    // ---- One-value fields ---------------------------------------------------------------------

    #[test]
    fn levels() {
        assert_eq!(
            parse_spam_level(&field(TEMPLATE_EXAMPLES, "X-Spam-Level")),
            13
        );
        assert_eq!(parse_spam_level(&field(HAPPYDELIVER, "X-Spam-Level")), 0);
        assert_eq!(parse_spam_level(&field(AMAVIS, "X-Spam-Level")), 0);
        assert_eq!(parse_spam_level("sssss"), 5);
        assert_eq!(parse_spam_level("***\n ***"), 6);
    }

    #[test]
    fn flags() {
        assert_eq!(
            parse_spam_flag(&field(TEMPLATE_EXAMPLES, "X-Spam-Flag")),
            Some(true)
        );
        assert_eq!(parse_spam_flag(&field(AMAVIS, "X-Spam-Flag")), Some(false));
        for (v, want) in [
            ("Yes", Some(true)),
            ("no", Some(false)),
            ("True", Some(true)),
        ] {
            assert_eq!(parse_spam_flag(v), want);
        }
        assert_eq!(parse_spam_flag(" FALSE "), Some(false));
        assert_eq!(parse_spam_flag("maybe"), None);
        assert_eq!(parse_spam_flag(""), None);
    }

    #[test]
    fn scores() {
        assert_eq!(parse_score(&field(AMAVIS, "X-Spam-Score")), Ok(-2.201));
        assert_eq!(
            parse_score(&field(BARRACUDA, "X-Barracuda-Spam-Score")),
            Ok(-1.21)
        );
        assert_eq!(parse_score("-5.49 / 15.00 / 15.00"), Ok(-5.49));
        assert_eq!(parse_score("+3"), Ok(3.0));
        assert_eq!(
            parse_score("abc").unwrap_err().message,
            "score is not a number: `abc`"
        );
        assert!(parse_score("").is_err());
        assert!(parse_score("5.3abc").is_err());
        assert!(parse_score("NaN").is_err());
        assert!(parse_score("1e400").is_err());
    }

    #[test]
    fn checker_versions() {
        assert_eq!(
            parse_checker_version(&field(HAPPYDELIVER, "X-Spam-Checker-Version")),
            Some(CheckerVersion {
                product: "SpamAssassin".into(),
                version: Some("4.0.1".into()),
                date: Some("2024-03-26".into()),
                host: Some("e4a8b8eb87ec".into()),
            })
        );
        assert_eq!(
            parse_checker_version(&field(TEMPLATE_EXAMPLES, "X-Spam-Checker-Version")),
            Some(CheckerVersion {
                product: "SpamAssassin".into(),
                version: Some("2.60-cvs".into()),
                date: Some("1.188-2003-05-24-exp".into()),
                host: None,
            })
        );
        assert_eq!(
            parse_checker_version("SpamAssassin 3.4.6 (2021-04-09) on\n\tmail.example.org"),
            Some(CheckerVersion {
                product: "SpamAssassin".into(),
                version: Some("3.4.6".into()),
                date: Some("2021-04-09".into()),
                host: Some("mail.example.org".into()),
            })
        );
        assert_eq!(parse_checker_version("  "), None);
        assert_eq!(parse_checker_version("(only a comment)"), None);
    }

    // ---- Properties ---------------------------------------------------------------------------

    /// Text made of the characters these grammars care about, to reach deep paths.
    fn header_like() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[-+*.0-9A-Za-z_=,;:\\[\\]() \\t\\n\\r\"\\\\/%…é]{0,300}")
            .unwrap()
    }

    fn run_all(s: &str) {
        let _ = parse_spam_status(s);
        let _ = parse_spam_report(s);
        let _ = parse_exim_spam_report(s);
        let _ = parse_spam_hits(s);
        let _ = parse_mailscanner_spamcheck(s);
        let _ = parse_spam_level(s);
        let _ = parse_spam_flag(s);
        let _ = parse_score(s);
        let _ = parse_checker_version(s);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn status_never_panics(s in any::<String>()) { let _ = parse_spam_status(&s); }
        #[test]
        fn report_never_panics(s in any::<String>()) { let _ = parse_spam_report(&s); }
        #[test]
        fn exim_never_panics(s in any::<String>()) { let _ = parse_exim_spam_report(&s); }
        #[test]
        fn hits_never_panics(s in any::<String>()) { let _ = parse_spam_hits(&s); }
        #[test]
        fn mailscanner_never_panics(s in any::<String>()) { let _ = parse_mailscanner_spamcheck(&s); }
        #[test]
        fn level_never_panics(s in any::<String>()) { let _ = parse_spam_level(&s); }
        #[test]
        fn flag_never_panics(s in any::<String>()) { let _ = parse_spam_flag(&s); }
        #[test]
        fn score_never_panics(s in any::<String>()) { let _ = parse_score(&s); }
        #[test]
        fn checker_version_never_panics(s in any::<String>()) { let _ = parse_checker_version(&s); }

        #[test]
        fn header_like_text_never_panics(s in header_like()) { run_all(&s); }

        #[test]
        fn mutated_samples_never_panic(
            which in 0usize..8,
            cut in any::<prop::sample::Index>(),
            insert in "[-*\\[\\]()=,\n\t 0-9A-Z]{0,8}",
        ) {
            let samples = [
                TEMPLATE_EXAMPLES, HAPPYDELIVER, FULL_TABLE, AMAVIS, FASTMAIL, EXIM,
                MAILSCANNER, BARRACUDA,
            ];
            let sample = samples.get(which).copied().unwrap_or("");
            let at = cut.index(sample.len() + 1);
            if let (Some(head), Some(tail)) = (sample.get(..at), sample.get(at..)) {
                run_all(&format!("{head}{insert}{tail}"));
                run_all(head);
                run_all(tail);
            }
        }

        /// A status written the way SpamAssassin's template writes it, folded at random
        /// separators, with or without commas, reads back as written.
        #[test]
        fn status_round_trip(
            is_spam in any::<bool>(),
            score in -99_999i32..99_999,
            required in proptest::option::of(-9_999i32..9_999),
            tests in proptest::collection::vec(("(T_|__)?[A-Z][A-Z0-9_]{0,20}", proptest::option::of(-9_999i32..9_999)), 0..12),
            with_scores in any::<bool>(),
            bracketed in any::<bool>(),
            seps in proptest::collection::vec(prop_oneof![Just(","), Just(",\n\t"), Just("\n\t"), Just(", "), Just(",\n ")], 12),
            autolearn in prop_oneof![Just("ham"), Just("spam"), Just("no"), Just("disabled")],
        ) {
            let score = f64::from(score) / 1000.0;
            let required = required.map(|r| f64::from(r) / 100.0);
            let want_tests: Vec<Test> = tests.iter().map(|(name, s)| Test {
                name: name.clone(),
                score: if with_scores || bracketed { Some(f64::from(s.unwrap_or(1)) / 1000.0) } else { None },
            }).collect();
            let mut list = String::new();
            for (k, t) in want_tests.iter().enumerate() {
                if k > 0 {
                    let sep = seps.get(k).copied().unwrap_or(",");
                    list.push_str(if bracketed && !sep.contains(',') { ", " } else { sep });
                }
                list.push_str(&t.name);
                if let Some(s) = t.score {
                    list.push_str(&format!("={s}"));
                }
            }
            let list = if bracketed {
                format!("[{list}]")
            } else if list.is_empty() {
                "none".to_owned()
            } else {
                list
            };
            let mut value = format!(" {}, score={score}", if is_spam { "Yes" } else { "No" });
            if let Some(r) = required {
                value.push_str(&format!(" required={r}"));
            }
            value.push_str(&format!(" tests={list}\n\tautolearn={autolearn} version=4.0.1"));
            let got = parse_spam_status(&value).unwrap();
            prop_assert_eq!(got.is_spam, Some(is_spam));
            prop_assert_eq!(got.score, Some(score));
            prop_assert_eq!(got.required, required);
            prop_assert_eq!(got.tests, want_tests);
            prop_assert_eq!(got.autolearn.as_deref(), Some(autolearn));
            prop_assert_eq!(got.version.as_deref(), Some("4.0.1"));
            prop_assert!(got.other.is_empty());
        }

        /// Starred report rows with wrapped descriptions and details read back as written,
        /// folded or unfolded.
        #[test]
        fn report_round_trip(
            rows in proptest::collection::vec((
                -999i32..999,
                "[A-Z][A-Z0-9_]{0,30}",
                proptest::collection::vec("[a-z][a-z:.']{0,10}", 1..12),
                proptest::option::of(proptest::collection::vec("[a-z0-9.]{1,12}", 1..6)),
            ), 1..8),
            width in 3usize..8,
        ) {
            let mut value = String::new();
            let mut want = Vec::new();
            for (points, name, words, detail) in &rows {
                let points = f64::from(*points) / 10.0;
                value.push_str(&format!("\n\t*{points:5.1} {name}"));
                for (k, chunk) in words.chunks(width).enumerate() {
                    if k > 0 {
                        value.push_str("\n\t*     ");
                    }
                    value.push(' ');
                    value.push_str(&chunk.join(" "));
                }
                if let Some(d) = detail {
                    value.push_str("\n\t*      [URIs:");
                    for (k, chunk) in d.chunks(2).enumerate() {
                        if k > 0 {
                            value.push_str("\n\t*      ");
                        }
                        value.push(' ');
                        value.push_str(&chunk.join(" "));
                    }
                    value.push(']');
                }
                want.push(ReportLine {
                    points,
                    name: name.clone(),
                    description: words.join(" "),
                    details: detail.iter().map(|d| format!("URIs: {}", d.join(" "))).collect(),
                });
            }
            let folded = parse_spam_report(&value).unwrap();
            prop_assert_eq!(&folded.lines, &want);
            let unfolded = parse_spam_report(&crate::block::unfold(&value)).unwrap();
            prop_assert_eq!(&unfolded.lines, &want);
        }
    }
}
