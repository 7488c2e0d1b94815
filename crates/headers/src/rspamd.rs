//! Rspamd's header fields in every form seen in the wild, and Stalwart's `X-Spam-Result`.
//!
//! Rspamd reports its verdict as a list of symbols, `NAME(score)[option,option]`, but the
//! field that carries them depends on how it is plugged into the MTA: the milter's
//! `X-Spamd-Result` (and the older rmilter one-line form), Exim's `$spam_report`, third-party
//! `X-Rspamd-Report` / `X-Rspamd-Score` / `X-Rspamd-Bar` fields. Stalwart borrowed the symbol
//! names with its own punctuation. All of them share one symbol grammar here, and every parser
//! keeps what it could read from a truncated or damaged value instead of failing: a diagnosis
//! built on the symbols that were there beats none at all.
//!
//! Nothing here interprets a verdict: `default: True` is returned as `is_reject: Some(true)`
//! (Rspamd writes `True` only for the *reject* action, not for "spam"); the caller decides
//! what it means.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag_no_case, take_while, take_while1},
    character::complete::{char, digit1, one_of},
    combinator::{eof, map_opt, opt, recognize, value, verify},
    multi::many0,
    sequence::{preceded, terminated},
};

use crate::error::ParseError;
use crate::lex::{collapse_whitespace, is_wsp, skip_cfws, wsp0};

/// One rule that fired, as Rspamd (or Stalwart) names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    /// The symbol name as written (`R_SPF_ALLOW`; site-local rules may use lowercase and `-`).
    pub name: String,
    /// The weighted score the symbol added, when the header shows one.
    pub score: Option<f64>,
    /// The `[...]` part split on top-level commas, each trimmed with its whitespace collapsed
    /// (folding may fall inside a long option list). Empty options are dropped.
    pub options: Vec<String>,
}

/// `X-Spamd-Result`, e.g. `default: False [-1.46 / 15.00]; ARC_ALLOW(-1.00)[...]; ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpamdResult {
    /// The metric name before the colon (`default` in every current Rspamd).
    pub metric: Option<String>,
    /// `True`/`False` as written. Rspamd writes `True` only when the action is *reject*, so
    /// `False` does not mean "not spam".
    pub is_reject: Option<bool>,
    /// The message's total score (first number inside `[score / required]`).
    pub score: Option<f64>,
    /// The "required" score after the `/`.
    pub threshold: Option<f64>,
    /// The symbols in the order written (Rspamd sorts them by absolute score by default).
    pub symbols: Vec<Symbol>,
}

/// `X-Rspamd-Score`: the score, then any thresholds written after it (`-5.49 / 15.00 / 15.00`).
#[derive(Debug, Clone, PartialEq)]
pub struct RspamdScore {
    pub score: f64,
    pub thresholds: Vec<f64>,
}

/// The report Exim builds from Rspamd's legacy protocol reply (`$spam_report`), usually
/// written as `X-Spam-Report` or `X-Rspamd-Report`.
#[derive(Debug, Clone, PartialEq)]
pub struct EximRspamdReport {
    /// The `Action:` line, normalised like [`parse_action`].
    pub action: Option<String>,
    /// `Symbol:` lines, with options from Rspamd 4's `X-Symbol:` lines merged in.
    pub symbols: Vec<Symbol>,
    /// `Message:` lines (module messages such as `Matched map: ...`), joined with `; `.
    /// `Message-ID:`, `Subject:` and `Metric:` lines are read past and not kept.
    pub message: Option<String>,
}

/// `X-Rspamd-Pre-Result`: a module decided the action before the full scan.
#[derive(Debug, Clone, PartialEq)]
pub struct PreResult {
    /// `action=`, normalised like [`parse_action`].
    pub action: Option<String>,
    /// `module=` (`multimap`, `greylist`, `replies`, `ratelimit`...).
    pub module: Option<String>,
    /// The free text after the key-value pairs (`Matched map: BLACKLIST_IP`), collapsed.
    pub message: Option<String>,
}

/// Parses `X-Spamd-Result` in the milter form (`;` and folding between symbols) and the
/// legacy rmilter one-line form (spaces between symbols).
///
/// The value may still start with the field name's leftovers (`X-Spamd-Result : default:`
/// split at the first colon leaves ` default:`; a whole `X-Spamd-Result: default:` is read past
/// too). A value without `[score / threshold]` is accepted when it lists symbols: it fails only
/// when neither is there.
pub fn parse_spamd_result(value: &str) -> Result<SpamdResult, ParseError> {
    let (rest, pre) = preamble(value);
    let symbols = symbol_list(rest);
    if pre.score.is_none() && symbols.is_empty() {
        return Err(ParseError::new(
            "expected `[score / threshold]` or at least one `SYMBOL(score)`",
        ));
    }
    Ok(SpamdResult {
        metric: pre.metric,
        is_reject: pre.is_reject,
        score: pre.score,
        threshold: pre.threshold,
        symbols,
    })
}

/// Parses `X-Rspamd-Score`: `12.314971` or `-5.49 / 15.00 / 15.00`. A trailing comment such as
/// a bar in parentheses (`6.3 (++++++)`) is allowed; any other trailing text is an error.
pub fn parse_rspamd_score(value: &str) -> Result<RspamdScore, ParseError> {
    let parsed = (
        preceded(wsp0, number),
        many0(preceded((wsp0, char('/'), wsp0), number)),
    )
        .parse(value);
    match parsed {
        Ok((rest, (score, thresholds))) if skip_cfws(rest).is_empty() => {
            Ok(RspamdScore { score, thresholds })
        }
        Ok(_) => Err(ParseError::new(
            "unexpected text after the score; expected `score` or `score / threshold`",
        )),
        Err(_) => Err(ParseError::new("expected a number")),
    }
}

/// Parses `X-Rspamd-Report` as written by Uberspace and similar integrations: symbols separated
/// by spaces, `URI_COUNT_ODD(1) FUZZY_DENIED(10.348733) ...`.
///
/// Other integrations put other shapes in the same field name, so this also accepts Exim's
/// `Action: ... Symbol: ...` report (returning its symbols, possibly none) and the
/// `X-Spamd-Result` form (its `default: False [...]` part is read past).
pub fn parse_rspamd_report(value: &str) -> Result<Vec<Symbol>, ParseError> {
    if exim_report_shape(value) {
        return parse_exim_rspamd_report(value).map(|report| report.symbols);
    }
    let (rest, _) = preamble(value);
    let symbols = symbol_list(rest);
    if symbols.is_empty() {
        return Err(ParseError::new("expected at least one `SYMBOL(score)`"));
    }
    Ok(symbols)
}

/// Parses the report Exim makes of Rspamd's reply: `Action: no action` then one
/// `Symbol: NAME(score)` per line (older protocols append `; options` or
/// `; description; options`; Rspamd 4 adds `X-Symbol: NAME(score); description [options]`).
///
/// Folded (one item per line) and unfolded (items separated by spaces) values are both read.
/// Fails unless the value starts with one of these keys and has an `Action:` or a `Symbol:`,
/// so a SpamAssassin `X-Spam-Report` is never mistaken for one.
pub fn parse_exim_rspamd_report(value: &str) -> Result<EximRspamdReport, ParseError> {
    let Some(items) = exim_items(value) else {
        return Err(ParseError::new(
            "expected an Exim rspamd report starting with `Action:` or `Symbol:`",
        ));
    };
    let mut action = None;
    let mut symbols: Vec<Symbol> = Vec::new();
    let mut messages: Vec<String> = Vec::new();
    let mut has_shape = false;
    for (key, text) in items {
        match key {
            EximKey::Action => {
                has_shape = true;
                if action.is_none() {
                    action = normalise_action(text);
                }
            }
            EximKey::Symbol => {
                has_shape = true;
                if let Some(sym) = exim_symbol(text) {
                    symbols.push(sym);
                }
            }
            EximKey::XSymbol => {
                has_shape = true;
                if let Some(sym) = exim_x_symbol(text) {
                    merge_symbol(&mut symbols, sym);
                }
            }
            EximKey::Message => {
                let text = collapse_whitespace(text);
                if !text.is_empty() {
                    messages.push(text);
                }
            }
            EximKey::MessageId | EximKey::Subject | EximKey::Metric => {}
        }
    }
    if !has_shape {
        return Err(ParseError::new(
            "expected an `Action:` or `Symbol:` line in the Exim rspamd report",
        ));
    }
    Ok(EximRspamdReport {
        action,
        symbols,
        message: (!messages.is_empty()).then(|| messages.join("; ")),
    })
}

/// Parses `X-Rspamd-Pre-Result`: `action=reject; module=multimap; Matched map: BLACKLIST_IP`.
///
/// `action=` and `module=` are read in any order; everything from the first other part on is
/// the message. Fails when neither key is there.
pub fn parse_pre_result(value: &str) -> Result<PreResult, ParseError> {
    let mut action = None;
    let mut module = None;
    let mut i = value;
    loop {
        i = i.trim_start_matches(|c: char| is_wsp(c) || c == ';');
        let Ok((rest, key)) = terminated(symbol_name, (hws, char('='))).parse(i) else {
            break;
        };
        let slot = if key.eq_ignore_ascii_case("action") {
            &mut action
        } else if key.eq_ignore_ascii_case("module") {
            &mut module
        } else {
            break;
        };
        if slot.is_some() {
            // A repeated key is not the grammar any more: keep it as message text.
            break;
        }
        let (text, after) = rest.split_once(';').unwrap_or((rest, ""));
        let text = collapse_whitespace(text);
        *slot = if key.eq_ignore_ascii_case("action") {
            normalise_action(&text)
        } else {
            (!text.is_empty()).then_some(text)
        };
        i = after;
    }
    if action.is_none() && module.is_none() {
        return Err(ParseError::new("expected `action=` or `module=`"));
    }
    let message = collapse_whitespace(i.trim_end_matches(|c: char| is_wsp(c) || c == ';'));
    Ok(PreResult {
        action,
        module,
        message: (!message.is_empty()).then_some(message),
    })
}

/// Normalises `X-Rspamd-Action`, `X-Spam-Action` or Exim's `X-Spam_action` to one of
/// `no action`, `greylist`, `add header`, `rewrite subject`, `soft reject`, `reject`, or any
/// other action lowercased with whitespace collapsed (`discard`, custom actions).
///
/// Integrations write the same action as `no_action`, `Add-Header` or `NO ACTION`; the
/// caller should not have to know every spelling.
pub fn parse_action(value: &str) -> Result<String, ParseError> {
    normalise_action(value).ok_or_else(|| ParseError::new("expected an action, found nothing"))
}

/// Reads `X-Spamd-Bar` / `X-Rspamd-Bar` / `X-Spam-Bar`: one `+` per point of score, one `-`
/// per point below zero, `/` for a score between -1 and 1. The result is the approximate
/// score (`+++` is 3.0, `--` is -2.0, `/` is 0.0).
pub fn parse_bar(value: &str) -> Result<f64, ParseError> {
    let bar = value.trim_matches(is_wsp);
    if bar == "/" {
        return Ok(0.0);
    }
    if bar.is_empty() {
        return Err(ParseError::new(
            "expected a bar of `+`, `-` or `/`, found nothing",
        ));
    }
    // Both characters are one byte, so the length is the count.
    if bar.bytes().all(|b| b == b'+') {
        return Ok(bar.len() as f64);
    }
    if bar.bytes().all(|b| b == b'-') {
        return Ok(-(bar.len() as f64));
    }
    Err(ParseError::new(
        "expected a bar made only of `+`, only of `-`, or a single `/`",
    ))
}

/// Parses Stalwart's `X-Spam-Result`: `TRUSTED_DOMAIN (-7.00),\n\tBAYES_HAM (-3.00), ...`
/// (a space before the parenthesis, commas between symbols; some versions write `(0)` or
/// `(-0.2)`, and names without any score are accepted).
pub fn parse_stalwart_result(value: &str) -> Result<Vec<Symbol>, ParseError> {
    let symbols = symbol_list(value);
    if symbols.is_empty() {
        return Err(ParseError::new("expected at least one `SYMBOL (score)`"));
    }
    Ok(symbols)
}

// ---------------------------------------------------------------------------------------
// Shared pieces

/// Characters of a symbol name: Rspamd's own symbols use `A-Z0-9_`; site-local rules
/// (multimap, custom Lua) also use lowercase and `-`.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// A symbol name; it may not start with `-` (that is a number or a bar, not a name).
fn symbol_name(i: &str) -> IResult<&str, &str> {
    verify(take_while1(is_name_char), |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
    .parse(i)
}

/// Spaces and tabs, not line breaks.
fn hws(i: &str) -> IResult<&str, &str> {
    take_while(|c: char| c == ' ' || c == '\t').parse(i)
}

/// Zero or more ASCII digits. Not `character::complete::digit0`: in nom 8.0.0 it returns a
/// remainder pointing at the start of its input when it consumes everything, so `recognize`
/// around it cuts a number at the end of a value short (`12.314971` read as `12.`).
fn digits0(i: &str) -> IResult<&str, &str> {
    take_while(|c: char| c.is_ascii_digit()).parse(i)
}

/// A decimal number as Rspamd and its integrations print it (`-0.00`, `10.348733`, `0`, `.5`,
/// `1e3`). `inf`, `nan` and overflowing values are refused: they are not scores.
fn number(i: &str) -> IResult<&str, f64> {
    map_opt(
        recognize((
            opt(one_of("+-")),
            alt((
                recognize((digit1, opt((char('.'), digits0)))),
                recognize((char('.'), digit1)),
            )),
            opt((one_of("eE"), opt(one_of("+-")), digit1)),
        )),
        |s: &str| s.parse::<f64>().ok().filter(|f| f.is_finite()),
    )
    .parse(i)
}

/// `(score)`. A value cut off after the number (`(0.8` at the end) still yields the number.
fn score_part(i: &str) -> IResult<&str, f64> {
    let (i, _) = (char('('), wsp0).parse(i)?;
    let (i, score) = number(i)?;
    let (i, _) = wsp0(i)?;
    let (i, _) = alt((recognize(char(')')), eof)).parse(i)?;
    Ok((i, score))
}

/// `[options]`, see [`bracket_body`] for where it ends.
fn options_part(i: &str) -> IResult<&str, Vec<String>> {
    let (body, _) = char('[').parse(i)?;
    let (inner, rest) = bracket_body(body);
    Ok((rest, split_options(inner)))
}

/// Splits the text after an opening `[` into the option text and what follows the closing
/// `]`.
///
/// Options may hold brackets, braces and parentheses of their own
/// (`[cannot verify 1 of 1 signatures: {[1] = sig:...}]`), so the list normally ends at the
/// `]` that balances the opening one. Options are not escaped, though: when an option holds
/// an unmatched `[`, the list instead ends at the first `]` followed by `;` or the end of the
/// value, so one bad option cannot swallow the symbols after it (and every scan stops at the
/// next symbol boundary, which keeps long values linear). With no closing `]` at all the
/// value was truncated: everything left is the option text.
fn bracket_body(body: &str) -> (&str, &str) {
    let mut depth = 1usize;
    for (pos, c) in body.char_indices() {
        match c {
            '[' | '{' | '(' => depth += 1,
            ']' => {
                let after = body.get(pos + 1..).unwrap_or("");
                if depth <= 1 || ends_symbol(after) {
                    return (body.get(..pos).unwrap_or(body), after);
                }
                depth -= 1;
            }
            // An unmatched `)` or `}` inside an option cannot close the list.
            '}' | ')' => depth = depth.saturating_sub(1).max(1),
            _ => {}
        }
    }
    (body, "")
}

/// True when the text after a `]` is the end of a symbol in the milter form.
fn ends_symbol(after: &str) -> bool {
    let t = after.trim_start_matches(is_wsp);
    t.is_empty() || t.starts_with(';')
}

/// Splits option text on commas outside any brackets, braces or parentheses
/// (`asn:63949, ipnet:172.234.224.0/19, country:SG` is three options,
/// `suse.com : SPF not aligned (relaxed), No valid DKIM` two).
fn split_options(inner: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |piece: Option<&str>| {
        let option = collapse_whitespace(piece.unwrap_or(""));
        if !option.is_empty() {
            out.push(option);
        }
    };
    let mut depth = 0usize;
    let mut start = 0usize;
    for (pos, c) in inner.char_indices() {
        match c {
            '[' | '{' | '(' => depth += 1,
            ']' | '}' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                push(inner.get(start..pos));
                start = pos + 1;
            }
            _ => {}
        }
    }
    push(inner.get(start..));
    out
}

/// One symbol: `NAME`, then an optional `(score)`, then optional `[options]`, whitespace
/// allowed before each (Stalwart writes `NAME (score)`).
fn symbol(i: &str) -> IResult<&str, Symbol> {
    let (i, name) = symbol_name(i)?;
    let (i, score) = opt(preceded(wsp0, score_part)).parse(i)?;
    let (i, options) = opt(preceded(wsp0, options_part)).parse(i)?;
    Ok((
        i,
        Symbol {
            name: name.to_owned(),
            score,
            options: options.unwrap_or_default(),
        },
    ))
}

/// What may separate symbols: `;` (milter form), `,` (Stalwart), spaces (legacy and
/// Uberspace forms) and folding. Only ever looked at outside `[...]`.
fn is_list_sep(c: char) -> bool {
    is_wsp(c) || c == ';' || c == ','
}

/// A list of symbols in any of the forms. Never fails: a `...` (or `…`) where a list was
/// shortened is skipped, and text that is not a symbol is skipped up to the next separator.
fn symbol_list(mut i: &str) -> Vec<Symbol> {
    let mut out = Vec::new();
    loop {
        i = i.trim_start_matches(|c: char| is_list_sep(c) || c == '.' || c == '…');
        if i.is_empty() {
            return out;
        }
        match symbol(i) {
            Ok((rest, sym)) => {
                let clean = rest.is_empty() || rest.starts_with(is_list_sep);
                // A bare word glued to other text (`foo=bar`) is not a symbol; one with a
                // score or options is, even if junk follows it.
                if clean || sym.score.is_some() || !sym.options.is_empty() {
                    out.push(sym);
                }
                i = if clean { rest } else { skip_garbage(rest) };
            }
            Err(_) => i = skip_garbage(i),
        }
    }
}

/// Skips at least one character, then up to the next separator.
fn skip_garbage(i: &str) -> &str {
    let mut chars = i.chars();
    chars.next();
    chars.as_str().trim_start_matches(|c: char| !is_list_sep(c))
}

/// What comes before the symbols of `X-Spamd-Result`.
#[derive(Default)]
struct Preamble {
    metric: Option<String>,
    is_reject: Option<bool>,
    score: Option<f64>,
    threshold: Option<f64>,
}

/// Reads `[metric:] [True|False] [[score / threshold]]`, every part optional, and returns the
/// text after it. Never fails.
fn preamble(value: &str) -> (&str, Preamble) {
    let mut pre = Preamble::default();
    let mut i = value.trim_start_matches(is_wsp);
    // `X-Spamd-Result : default:` split at the first colon leaves `: default:` or ` default:`.
    i = i.strip_prefix(':').unwrap_or(i).trim_start_matches(is_wsp);
    // The last `name:` wins, so a value still carrying its field name is read too.
    while let Ok((rest, name)) = metric_label(i) {
        pre.metric = Some(name.to_owned());
        i = rest;
    }
    if let Ok((rest, flag)) = bool_word(i) {
        pre.is_reject = Some(flag);
        i = rest.trim_start_matches(is_wsp);
    }
    if let Ok((rest, (score, threshold))) = score_bracket(i) {
        pre.score = Some(score);
        pre.threshold = threshold;
        i = rest;
    }
    (i, pre)
}

/// `default:` (a symbol is never followed by a colon, so this cannot eat one).
fn metric_label(i: &str) -> IResult<&str, &str> {
    terminated(symbol_name, (hws, char(':'), wsp0)).parse(i)
}

/// `True` or `False`, only when followed by whitespace, `[`, `;` or the end (a symbol named
/// `TRUE(1.00)` stays a symbol).
fn bool_word(i: &str) -> IResult<&str, bool> {
    let (rest, flag) = alt((
        value(true, tag_no_case("true")),
        value(false, tag_no_case("false")),
    ))
    .parse(i)?;
    match rest.chars().next() {
        None => Ok((rest, flag)),
        Some(c) if is_wsp(c) || c == '[' || c == ';' => Ok((rest, flag)),
        Some(_) => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

/// `[score / threshold]`; extra `/ number` parts are read past, and a bracket cut off by
/// truncation (`[6.37 / 15`) still yields what it holds.
fn score_bracket(i: &str) -> IResult<&str, (f64, Option<f64>)> {
    let (i, _) = (char('['), wsp0).parse(i)?;
    let (i, score) = number(i)?;
    let (i, threshold) = opt(preceded((wsp0, char('/'), wsp0), number)).parse(i)?;
    let (i, _) = many0(preceded((wsp0, char('/'), wsp0), number)).parse(i)?;
    let (i, _) = wsp0(i)?;
    let (i, _) = opt(char(']')).parse(i)?;
    Ok((i, (score, threshold)))
}

/// The action spellings integrations use, mapped to Rspamd's own names.
fn normalise_action(value: &str) -> Option<String> {
    let text = collapse_whitespace(value).to_lowercase();
    if text.is_empty() {
        return None;
    }
    let words = collapse_whitespace(&text.replace(['_', '-'], " "));
    let known = match words.as_str() {
        "no action" | "noaction" => "no action",
        "greylist" | "grey list" => "greylist",
        "add header" | "addheader" => "add header",
        "rewrite subject" => "rewrite subject",
        "soft reject" | "softreject" => "soft reject",
        "reject" => "reject",
        _ => return Some(text),
    };
    Some(known.to_owned())
}

// ---------------------------------------------------------------------------------------
// Exim's report

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EximKey {
    Metric,
    Action,
    Symbol,
    XSymbol,
    Subject,
    Message,
    MessageId,
}

/// Line keys of Rspamd's legacy reply, longest first where one is a prefix of another.
const EXIM_KEYS: [(&str, EximKey); 7] = [
    ("X-Symbol:", EximKey::XSymbol),
    ("Symbol:", EximKey::Symbol),
    ("Action:", EximKey::Action),
    ("Message-ID:", EximKey::MessageId),
    ("Message:", EximKey::Message),
    ("Subject:", EximKey::Subject),
    ("Metric:", EximKey::Metric),
];

/// The key starting `s`, if any, and its length.
fn exim_key_at(s: &str) -> Option<(EximKey, usize)> {
    EXIM_KEYS.iter().find_map(|(k, key)| {
        s.get(..k.len())
            .filter(|p| p.eq_ignore_ascii_case(k))
            .map(|_| (*key, k.len()))
    })
}

/// True when the value starts with a key of the Exim report.
fn exim_report_shape(value: &str) -> bool {
    exim_key_at(value.trim_start_matches(is_wsp)).is_some()
}

/// Splits the report into its keyed items. Folded reports have one item per line (a line
/// without a key continues the previous item); unfolded ones have items separated by spaces.
/// `None` when the value does not start with a key.
fn exim_items(value: &str) -> Option<Vec<(EximKey, &str)>> {
    // Keys start after whitespace, one per line or several on a line (Exim writes
    // `Action: no action Symbol: A(0.00)` and wraps wherever it likes).
    let mut marks: Vec<(usize, EximKey, usize)> = Vec::new();
    let mut prev_wsp = true;
    for (pos, c) in value.char_indices() {
        if prev_wsp
            && !is_wsp(c)
            && let Some((key, len)) = value.get(pos..).and_then(exim_key_at)
        {
            marks.push((pos, key, len));
        }
        prev_wsp = is_wsp(c);
    }
    let first = marks.first()?.0;
    if !value.get(..first)?.trim_matches(is_wsp).is_empty() {
        return None;
    }
    let mut items = Vec::with_capacity(marks.len());
    for (n, &(pos, key, len)) in marks.iter().enumerate() {
        let end = marks.get(n + 1).map_or(value.len(), |m| m.0);
        items.push((key, value.get(pos + len..end).unwrap_or("")));
    }
    Some(items)
}

/// `NAME(score)`, `NAME(score)[options]`, `NAME(score); options` (protocol 1.2) or
/// `NAME(score); description; options` (protocol 1.3).
fn exim_symbol(text: &str) -> Option<Symbol> {
    let (rest, mut sym) = symbol(text.trim_matches(is_wsp)).ok()?;
    if let Some(tail) = rest.trim_start_matches(is_wsp).strip_prefix(';')
        && sym.options.is_empty()
    {
        let options = tail.rsplit(';').next().unwrap_or("");
        sym.options = split_options(options);
    }
    Some(sym)
}

/// Rspamd 4's `X-Symbol: NAME(score); description [options]`: the options are the last
/// bracketed group.
fn exim_x_symbol(text: &str) -> Option<Symbol> {
    let text = text.trim_matches(is_wsp);
    let (rest, mut sym) = symbol(text).ok()?;
    if let Some(tail) = rest.trim_start_matches(is_wsp).strip_prefix(';')
        && sym.options.is_empty()
        && let Some(inner) = trailing_bracket(tail)
    {
        sym.options = split_options(inner);
    }
    Some(sym)
}

/// The content of the `[...]` group that ends `s`, brackets balanced.
fn trailing_bracket(s: &str) -> Option<&str> {
    let body = s.trim_end_matches(is_wsp).strip_suffix(']')?;
    let mut depth = 1usize;
    for (pos, c) in body.char_indices().rev() {
        match c {
            ']' => depth += 1,
            '[' => {
                depth -= 1;
                if depth == 0 {
                    return body.get(pos + 1..);
                }
            }
            _ => {}
        }
    }
    None
}

/// Adds what an `X-Symbol:` line knows to the `Symbol:` line of the same name, or adds it.
fn merge_symbol(symbols: &mut Vec<Symbol>, sym: Symbol) {
    match symbols.iter_mut().find(|s| s.name == sym.name) {
        Some(existing) => {
            if existing.options.is_empty() {
                existing.options = sym.options;
            }
            if existing.score.is_none() {
                existing.score = sym.score;
            }
        }
        None => symbols.push(sym),
    }
}

#[cfg(test)]
mod inline_symbol_tests {
    use super::*;

    #[test]
    fn several_symbols_on_one_line() {
        let report = parse_exim_rspamd_report(
            " Action: no action Symbol: IP_SCORE(0.00)\n\tSymbol: RCPT_COUNT_FIVE(0.00) Symbol: R_SPF_ALLOW(-0.20)",
        )
        .unwrap();
        assert_eq!(report.action.as_deref(), Some("no action"));
        let names: Vec<&str> = report.symbols.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["IP_SCORE", "RCPT_COUNT_FIVE", "R_SPF_ALLOW"]);
        assert_eq!(report.symbols[2].score, Some(-0.2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sym(name: &str, score: f64, options: &[&str]) -> Symbol {
        Symbol {
            name: name.to_owned(),
            score: Some(score),
            options: options.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn names(symbols: &[Symbol]) -> Vec<&str> {
        symbols.iter().map(|s| s.name.as_str()).collect()
    }

    // headers.md section 2: lfdr.de relay (folding normalised to `\n` by the block splitter).
    const LFDR: &str = " default: False [-1.46 / 15.00];\n\tARC_ALLOW(-1.00)[subspace.kernel.org:s=arc-20240116:i=1];\n\tR_SPF_ALLOW(-0.20)[+ip4:172.234.253.10:c];\n\tMAILLIST(-0.15)[generic];\n\tMIME_GOOD(-0.10)[text/plain];\n\tHAS_LIST_UNSUB(-0.01)[];\n\tNEURAL_HAM(-0.00)[-0.987];\n\t...\n\tASN(0.00)[asn:63949, ipnet:172.234.224.0/19, country:SG];\n\t...\n\tDBL_BLOCKED_OPENRESOLVER(0.00)[sea.lore.kernel.org:rdns,sea.lore.kernel.org:helo,zhaoxin.com:mid,zhaoxin.com:email];\n\tRCVD_TLS_LAST(0.00)[];\n\tDMARC_NA(0.00)[zhaoxin.com];\n\tRCVD_COUNT_SEVEN(0.00)[7]";

    #[test]
    fn lfdr_milter_form() {
        let r = parse_spamd_result(LFDR).unwrap();
        assert_eq!(r.metric.as_deref(), Some("default"));
        assert_eq!(r.is_reject, Some(false));
        assert_eq!(r.score, Some(-1.46));
        assert_eq!(r.threshold, Some(15.0));
        assert_eq!(
            names(&r.symbols),
            [
                "ARC_ALLOW",
                "R_SPF_ALLOW",
                "MAILLIST",
                "MIME_GOOD",
                "HAS_LIST_UNSUB",
                "NEURAL_HAM",
                "ASN",
                "DBL_BLOCKED_OPENRESOLVER",
                "RCVD_TLS_LAST",
                "DMARC_NA",
                "RCVD_COUNT_SEVEN"
            ]
        );
        assert_eq!(
            r.symbols[0],
            sym(
                "ARC_ALLOW",
                -1.0,
                &["subspace.kernel.org:s=arc-20240116:i=1"]
            )
        );
        assert_eq!(
            r.symbols[1],
            sym("R_SPF_ALLOW", -0.2, &["+ip4:172.234.253.10:c"])
        );
        assert_eq!(r.symbols[4], sym("HAS_LIST_UNSUB", -0.01, &[]));
        let neural = &r.symbols[5];
        assert_eq!(neural.score, Some(0.0));
        assert!(
            neural.score.unwrap().is_sign_negative(),
            "-0.00 keeps its sign"
        );
        assert_eq!(neural.options, ["-0.987"]);
        assert_eq!(
            r.symbols[6],
            sym(
                "ASN",
                0.0,
                &["asn:63949", "ipnet:172.234.224.0/19", "country:SG"]
            )
        );
        assert_eq!(r.symbols[7].options.len(), 4);
        assert_eq!(r.symbols[10], sym("RCVD_COUNT_SEVEN", 0.0, &["7"]));
    }

    #[test]
    fn nested_brackets_are_one_option() {
        let value = "default: False [0.90 / 0.00];\n\tARC_REJECT(1.00)[cannot verify 1 of 1 signatures: {[1] = sig:mail-tester.local:signature has incorrect length: 12}];\n\tMIME_GOOD(-0.10)[multipart/alternative,text/plain];\n\tMIME_TRACE(0.00)[0:+,1:+,2:~]";
        let r = parse_spamd_result(value).unwrap();
        assert_eq!((r.score, r.threshold), (Some(0.9), Some(0.0)));
        assert_eq!(
            r.symbols,
            [
                sym(
                    "ARC_REJECT",
                    1.0,
                    &[
                        "cannot verify 1 of 1 signatures: {[1] = sig:mail-tester.local:signature has incorrect length: 12}"
                    ]
                ),
                sym("MIME_GOOD", -0.1, &["multipart/alternative", "text/plain"]),
                sym("MIME_TRACE", 0.0, &["0:+", "1:+", "2:~"]),
            ]
        );
    }

    #[test]
    fn legacy_one_line_form() {
        let expected = [
            sym("BAYES_SPAM", 0.87, &[]),
            sym("HFILTER_MID_NORES_A_OR_MX", 0.5, &[]),
            sym("HFILTER_HOSTNAME_UNKNOWN", 4.0, &[]),
        ];
        for value in [
            " default: False [6.37 / 15.00] BAYES_SPAM(0.87) HFILTER_MID_NORES_A_OR_MX(0.50) HFILTER_HOSTNAME_UNKNOWN(4.00) …",
            " default: False [6.37 / 15.00] BAYES_SPAM(0.87) HFILTER_MID_NORES_A_OR_MX(0.50) HFILTER_HOSTNAME_UNKNOWN(4.00)",
            // Split at the first colon of `X-Spamd-Result : default: ...`, or not split at all.
            ": default: False [6.37 / 15.00] BAYES_SPAM(0.87) HFILTER_MID_NORES_A_OR_MX(0.50) HFILTER_HOSTNAME_UNKNOWN(4.00) …",
            "X-Spamd-Result : default: False [6.37 / 15.00] BAYES_SPAM(0.87) HFILTER_MID_NORES_A_OR_MX(0.50) HFILTER_HOSTNAME_UNKNOWN(4.00) …",
        ] {
            let r = parse_spamd_result(value).unwrap();
            assert_eq!(r.metric.as_deref(), Some("default"), "{value}");
            assert_eq!(r.is_reject, Some(false));
            assert_eq!((r.score, r.threshold), (Some(6.37), Some(15.0)));
            assert_eq!(r.symbols, expected, "{value}");
        }
    }

    #[test]
    fn suse_one_line_with_folding_and_ipv6_option() {
        let r = parse_spamd_result(
            " default: False [-4.00 / 50.00]; REPLY(-4.00)[];\n TAGGED_RCPT(0.00)[]",
        )
        .unwrap();
        assert_eq!(names(&r.symbols), ["REPLY", "TAGGED_RCPT"]);
        let r = parse_spamd_result(
            "default: False [-4.00 / 50.00];\n\tREPLY(-4.00)[];\n\tASN(0.00)[asn:25478, ipnet:::/0, country:RU]",
        )
        .unwrap();
        assert_eq!(
            r.symbols[1].options,
            ["asn:25478", "ipnet:::/0", "country:RU"]
        );
    }

    #[test]
    fn options_with_parentheses_and_spaces() {
        let r = parse_spamd_result(
            "default: False [1.54 / 15.00];\n\tDMARC_POLICY_QUARANTINE(1.50)[suse.com : SPF not aligned (relaxed), No valid DKIM,quarantine];\n\tMID_CONTAINS_FROM(1.00)[]",
        )
        .unwrap();
        assert_eq!(
            r.symbols[0].options,
            [
                "suse.com : SPF not aligned (relaxed)",
                "No valid DKIM",
                "quarantine"
            ]
        );
        assert_eq!(r.symbols[1], sym("MID_CONTAINS_FROM", 1.0, &[]));
    }

    #[test]
    fn true_means_reject_and_other_metrics() {
        let r = parse_spamd_result("spam: True [16.20 / 15.00]; BAYES_SPAM(5.10)[99.99%]").unwrap();
        assert_eq!(r.metric.as_deref(), Some("spam"));
        assert_eq!(r.is_reject, Some(true));
        assert_eq!(r.symbols, [sym("BAYES_SPAM", 5.1, &["99.99%"])]);
    }

    #[test]
    fn symbols_without_score_or_options() {
        let r =
            parse_spamd_result("default: False [1.00 / 15.00]; NO_SCORE[a,b]; BARE; LAST(1.00)")
                .unwrap();
        assert_eq!(
            r.symbols[0],
            Symbol {
                name: "NO_SCORE".into(),
                score: None,
                options: vec!["a".into(), "b".into()]
            }
        );
        assert_eq!(
            r.symbols[1],
            Symbol {
                name: "BARE".into(),
                score: None,
                options: vec![]
            }
        );
        assert_eq!(r.symbols[2], sym("LAST", 1.0, &[]));
    }

    #[test]
    fn custom_site_symbols() {
        let r = parse_spamd_result("default: False [3.00 / 15.00]; local_bl-ip(3.00)[1.2.3.4]")
            .unwrap();
        assert_eq!(r.symbols, [sym("local_bl-ip", 3.0, &["1.2.3.4"])]);
    }

    #[test]
    fn truncated_values_keep_what_was_read() {
        let r =
            parse_spamd_result("default: False [1.00 / 15.00]; A(1.00)[x,y]; DMARC_NA(0.00)[zhao")
                .unwrap();
        assert_eq!(r.symbols[1], sym("DMARC_NA", 0.0, &["zhao"]));
        let r = parse_spamd_result(
            "default: True [20.00 / 15.00];\n\tARC_REJECT(1.00)[cannot verify 1 of 1 signatures: {[1] = sig:mail",
        )
        .unwrap();
        assert_eq!(
            r.symbols[0].options,
            ["cannot verify 1 of 1 signatures: {[1] = sig:mail"]
        );
        let r = parse_spamd_result("default: False [6.37 / 15").unwrap();
        assert_eq!((r.score, r.threshold), (Some(6.37), Some(15.0)));
        assert!(r.symbols.is_empty());
        let r = parse_spamd_result("default: False [6.37 / 15.00]; A(1.00)[]; B(0.5").unwrap();
        assert_eq!(r.symbols[1], sym("B", 0.5, &[]));
    }

    #[test]
    fn unmatched_bracket_in_option_does_not_swallow_the_rest() {
        let r = parse_spamd_result(
            "default: False [3.00 / 15.00];\n\tSUBJ(1.00)[[SPAM hello];\n\tNEXT(2.00)[x];\n\tLAST(0.00)[]",
        )
        .unwrap();
        assert_eq!(
            r.symbols,
            [
                sym("SUBJ", 1.0, &["[SPAM hello"]),
                sym("NEXT", 2.0, &["x"]),
                sym("LAST", 0.0, &[])
            ]
        );
        let r = parse_spamd_result("default: False [3.00 / 15.00]; S(1.00)[hello [SPAM]]; T(1.00)")
            .unwrap();
        assert_eq!(r.symbols[0].options, ["hello [SPAM]"]);
        assert_eq!(r.symbols[1].name, "T");
    }

    #[test]
    fn folded_inside_options() {
        let r = parse_spamd_result(
            "default: False [0.00 / 15.00];\n\tFORGED_RECIPIENTS(0.00)[m:a@example.com,\n\tm:b@example.com,s:c d\n\te];\n\tX(0.00)[]",
        )
        .unwrap();
        assert_eq!(
            r.symbols[0].options,
            ["m:a@example.com", "m:b@example.com", "s:c d e"]
        );
    }

    #[test]
    fn missing_score_bracket() {
        let r = parse_spamd_result("default: False; A(1.00)[x]").unwrap();
        assert_eq!((r.score, r.threshold), (None, None));
        assert_eq!(r.symbols, [sym("A", 1.0, &["x"])]);
        let r = parse_spamd_result("ARC_ALLOW(-1.00)[x]; MIME_GOOD(-0.10)[text/plain]").unwrap();
        assert_eq!(r.metric, None);
        assert_eq!(r.symbols.len(), 2);
        assert!(parse_spamd_result("default: False").is_err());
        assert!(parse_spamd_result("").is_err());
        assert!(parse_spamd_result("   \n\t").is_err());
        assert!(parse_spamd_result("[[[;;;").is_err());
        let r = parse_spamd_result("default: False [-1.46 / 15.00]").unwrap();
        assert!(r.symbols.is_empty());
    }

    #[test]
    fn very_long_values_are_linear() {
        let mut value = String::from("default: False [1.00 / 15.00]");
        for n in 0..20_000 {
            value.push_str(&format!(";\n\tSYM_{n}(0.{n:02})[opt{n},x:{n}]"));
        }
        let r = parse_spamd_result(&value).unwrap();
        assert_eq!(r.symbols.len(), 20_000);
        // Unbalanced brackets everywhere: each scan must stop at the next `];`.
        let bad = "A(1.00)[[b];".repeat(30_000);
        let r = parse_spamd_result(&bad).unwrap();
        assert_eq!(r.symbols.len(), 30_000);
        let open = "A(1.00)[[b] ".repeat(30_000);
        assert_eq!(parse_spamd_result(&open).unwrap().symbols.len(), 1);
        let long_option = format!(
            "default: False [1.00 / 15.00]; A(1.00)[{}]",
            "x".repeat(200_000)
        );
        assert_eq!(
            parse_spamd_result(&long_option).unwrap().symbols[0].options[0].len(),
            200_000
        );
    }

    #[test]
    fn rspamd_score_forms() {
        assert_eq!(
            parse_rspamd_score("12.314971").unwrap(),
            RspamdScore {
                score: 12.314971,
                thresholds: vec![]
            }
        );
        assert_eq!(
            parse_rspamd_score("-5.49 / 15.00 / 15.00").unwrap(),
            RspamdScore {
                score: -5.49,
                thresholds: vec![15.0, 15.0]
            }
        );
        assert_eq!(parse_rspamd_score(" 6.3 (++++++)").unwrap().score, 6.3);
        assert!(parse_rspamd_score("").is_err());
        assert!(parse_rspamd_score("high").is_err());
        assert!(parse_rspamd_score("1.0 points").is_err());
        assert!(parse_rspamd_score("inf").is_err());
        assert!(parse_rspamd_score(&"9".repeat(400)).is_err());
    }

    #[test]
    fn uberspace_report() {
        let r =
            parse_rspamd_report("URI_COUNT_ODD(1) FUZZY_DENIED(10.348733) … BAD_REP_POLICIES(0.1)")
                .unwrap();
        assert_eq!(
            r,
            [
                sym("URI_COUNT_ODD", 1.0, &[]),
                sym("FUZZY_DENIED", 10.348733, &[]),
                sym("BAD_REP_POLICIES", 0.1, &[])
            ]
        );
        assert!(parse_rspamd_report("").is_err());
        // A symbol named like the flag stays a symbol.
        assert_eq!(
            parse_rspamd_report("TRUE(1.00) FALSE(2)").unwrap(),
            [sym("TRUE", 1.0, &[]), sym("FALSE", 2.0, &[])]
        );
        // The X-Spamd-Result shape under this name.
        assert_eq!(
            parse_rspamd_report("default: False [1.00 / 15.00]; A(1.00)[x]").unwrap(),
            [sym("A", 1.0, &["x"])]
        );
    }

    // Spam-Scores issue #12 shape and rspamd-spamness issue #3.
    #[test]
    fn exim_report() {
        let r = parse_exim_rspamd_report(
            "Action: no action\n Symbol: URIBL_GREY(1.50)\n Symbol: MIME_GOOD(-0.10)",
        )
        .unwrap();
        assert_eq!(r.action.as_deref(), Some("no action"));
        assert_eq!(
            r.symbols,
            [sym("URIBL_GREY", 1.5, &[]), sym("MIME_GOOD", -0.1, &[])]
        );
        assert_eq!(r.message, None);

        let r = parse_exim_rspamd_report(
            " Action: add header\n Symbol: X_PHP_EVAL(4.00)\n Symbol: ONCE_RECEIVED(0.10)\n Symbol: MIME_GOOD(-0.10)\n Symbol: HFILTER_HELO_NORES_A_OR_MX(0.30)\n Symbol: AUTH_NA(1.00)\n Symbol: HFILTER_HELO_IP_A(1.00)\n Message-ID: someid@somespamdomain.com",
        )
        .unwrap();
        assert_eq!(r.action.as_deref(), Some("add header"));
        assert_eq!(r.symbols.len(), 6);
        assert_eq!(r.message, None);
    }

    #[test]
    fn exim_report_unfolded_and_with_messages() {
        let r = parse_exim_rspamd_report(
            "Action: reject Symbol: BLACKLIST_IP(15.00); 192.0.2.1 Message: Matched map: BLACKLIST_IP Message-ID: x@y",
        )
        .unwrap();
        assert_eq!(r.action.as_deref(), Some("reject"));
        assert_eq!(r.symbols, [sym("BLACKLIST_IP", 15.0, &["192.0.2.1"])]);
        assert_eq!(r.message.as_deref(), Some("Matched map: BLACKLIST_IP"));
    }

    #[test]
    fn exim_report_protocol_variants() {
        let r = parse_exim_rspamd_report(
            "Action: no action\n Symbol: A(1.00); described here; a,b\n Symbol: B(0.00);; c\n Symbol: C(2.00); d, e\n Symbol: D(0.00); only description;",
        )
        .unwrap();
        assert_eq!(
            r.symbols,
            [
                sym("A", 1.0, &["a", "b"]),
                sym("B", 0.0, &["c"]),
                sym("C", 2.0, &["d", "e"]),
                sym("D", 0.0, &[])
            ]
        );
    }

    // rspamd-spamness issue #48 (Rspamd 4 adds X-Symbol lines).
    #[test]
    fn exim_report_rspamd4_x_symbol() {
        let value = "Action: no action\n Symbol: R_SPF_NA(0.00)\n Symbol: FROM_HAS_DN(0.00)\n Symbol: RCVD_COUNT_TWO(0.00)\n X-Symbol: R_SPF_NA(0.00); Missing SPF record [no SPF record]\n X-Symbol: FROM_HAS_DN(0.00); From header has a display name\n X-Symbol: RCVD_COUNT_TWO(0.00); Message has two Received headers [2]\n X-Symbol: EXTRA(1.00); Not listed above [a, b]";
        let r = parse_exim_rspamd_report(value).unwrap();
        assert_eq!(
            r.symbols,
            [
                sym("R_SPF_NA", 0.0, &["no SPF record"]),
                sym("FROM_HAS_DN", 0.0, &[]),
                sym("RCVD_COUNT_TWO", 0.0, &["2"]),
                sym("EXTRA", 1.0, &["a", "b"])
            ]
        );
        // The same report under the X-Rspamd-Report name.
        assert_eq!(parse_rspamd_report(value).unwrap().len(), 4);
    }

    #[test]
    fn exim_report_refuses_other_shapes() {
        assert!(parse_exim_rspamd_report("").is_err());
        assert!(
            parse_exim_rspamd_report(
                "\n\t*  0.0 RCVD_IN_VALIDITY_SAFE_BLOCKED RBL: ADMINISTRATOR NOTICE: The query"
            )
            .is_err()
        );
        assert!(parse_exim_rspamd_report("Spam detection software Action: x").is_err());
        assert!(parse_exim_rspamd_report("Message-ID: x@y").is_err());
        // Only an action: a valid report of a message where nothing fired.
        let r = parse_exim_rspamd_report("Action: no action").unwrap();
        assert!(r.symbols.is_empty());
    }

    #[test]
    fn pre_result_forms() {
        assert_eq!(
            parse_pre_result("action=reject; module=multimap; Matched map: BLACKLIST_IP").unwrap(),
            PreResult {
                action: Some("reject".into()),
                module: Some("multimap".into()),
                message: Some("Matched map: BLACKLIST_IP".into())
            }
        );
        assert_eq!(
            parse_pre_result("action=soft reject; module=greylist;").unwrap(),
            PreResult {
                action: Some("soft reject".into()),
                module: Some("greylist".into()),
                message: None
            }
        );
        assert_eq!(
            parse_pre_result(
                "action=no action;\n\tmodule=replies;\n\tMessage is reply to one we originated"
            )
            .unwrap()
            .message
            .as_deref(),
            Some("Message is reply to one we originated")
        );
        assert!(parse_pre_result("").is_err());
        assert!(parse_pre_result("Matched map: X").is_err());
    }

    #[test]
    fn actions() {
        for (raw, want) in [
            ("no action", "no action"),
            (" No  Action\n", "no action"),
            ("no_action", "no action"),
            ("greylist", "greylist"),
            ("add header", "add header"),
            ("Add-Header", "add header"),
            ("rewrite subject", "rewrite subject"),
            ("soft reject", "soft reject"),
            ("soft_reject", "soft reject"),
            ("REJECT", "reject"),
            ("Discard", "discard"),
            ("My  Custom_Action", "my custom_action"),
        ] {
            assert_eq!(parse_action(raw).unwrap(), want, "{raw}");
        }
        assert!(parse_action(" \t").is_err());
    }

    #[test]
    fn bars() {
        assert_eq!(parse_bar("+++").unwrap(), 3.0);
        assert_eq!(parse_bar("--").unwrap(), -2.0);
        assert_eq!(parse_bar("/").unwrap(), 0.0);
        assert_eq!(parse_bar(" ++++++++++++").unwrap(), 12.0);
        assert_eq!(parse_bar("+").unwrap(), 1.0);
        assert!(parse_bar("").is_err());
        assert!(parse_bar("+-").is_err());
        assert!(parse_bar("//").is_err());
        assert!(parse_bar("***").is_err());
    }

    // Spam-Scores PR #70 (GitHub notification as received by Stalwart).
    #[test]
    fn stalwart_result() {
        let value = " TRUSTED_DOMAIN (-7.00),\n\tBAYES_HAM (-3.00),\n\tRBL_SENDERSCORE_REPUT_9 (-1.00),\n\tDMARC_POLICY_ALLOW (-0.50),\n\tRCVD_DKIM_ARC_DNSWL_MED (-0.50),\n\tDKIM_ALLOW (-0.20),\n\tMAILLIST (-0.20),\n\tRCVD_IN_DNSWL_MED (-0.20),\n\tRWL_MAILSPIKE_VERYGOOD (-0.20),\n\tSPF_ALLOW (-0.20),\n\tHAS_LIST_UNSUB (-0.01),\n\tARC_NA (0.00),\n\tDKIM_SIGNED (0.00),\n\tFROMTLD_EQ_ENV_FROMTLD (0.00),\n\tFROM_HAS_DN (0.00),\n\tHAS_EXTERNAL_IMG (0.00),\n\tHAS_REPLYTO (0.00),\n\tHTML_SHORT_1 (0.00),\n\tMID_RHS_MATCH_ENV_FROM (0.00),\n\tPREVIOUSLY_DELIVERED (0.00),\n\tRCPT_COUNT_THREE (0.00),\n\tRCPT_DOMAIN_IN_BODY (0.00),\n\tRCVD_COUNT_ONE (0.00),\n\tRCVD_TLS_LAST (0.00),\n\tREPLYTO_DOM_EQ_FROM_DOM (0.00),\n\tTO_DN_ALL (0.00),\n\tTO_MATCH_ENVRCPT_SOME (0.00),\n\tMV_CASE (0.50),\n\tURI_COUNT_ODD (0.50),\n\tFORGED_RCVD_TRAIL (1.00),\n\tMID_RHS_MATCH_FROM (1.00),\n\tPARTS_DIFFER (1.00),\n\tRCPT_LOCAL_IN_SUBJECT (2.00)";
        let r = parse_stalwart_result(value).unwrap();
        assert_eq!(r.len(), 33);
        assert_eq!(r[0], sym("TRUSTED_DOMAIN", -7.0, &[]));
        assert_eq!(r[32], sym("RCPT_LOCAL_IN_SUBJECT", 2.0, &[]));
        // headers.md's elided form.
        let r =
            parse_stalwart_result("TRUSTED_DOMAIN (-7.00),\n\t…\n\tRCPT_LOCAL_IN_SUBJECT (2.00)")
                .unwrap();
        assert_eq!(
            r,
            [
                sym("TRUSTED_DOMAIN", -7.0, &[]),
                sym("RCPT_LOCAL_IN_SUBJECT", 2.0, &[])
            ]
        );
        // Older Stalwart: shortest float formatting.
        let r = parse_stalwart_result(
            "SPF_ALLOW (-0.2),\n\tPREVIOUSLY_DELIVERED (0),\n\tSPAM_FLAG (5)",
        )
        .unwrap();
        assert_eq!(
            r,
            [
                sym("SPF_ALLOW", -0.2, &[]),
                sym("PREVIOUSLY_DELIVERED", 0.0, &[]),
                sym("SPAM_FLAG", 5.0, &[])
            ]
        );
        // Without scores.
        let r = parse_stalwart_result("ARC_NA, DKIM_SIGNED").unwrap();
        assert_eq!(names(&r), ["ARC_NA", "DKIM_SIGNED"]);
        assert_eq!(r[0].score, None);
        assert!(parse_stalwart_result(" ,\n\t").is_err());
    }

    // -----------------------------------------------------------------------------------
    // Property tests

    fn option_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9.:/=+@~%-]{1,10}( [a-z0-9.:/=+@~%-]{1,10}){0,2}",
            ("[a-z]{1,6}", 0u8..9, "[a-z.:]{1,10}")
                .prop_map(|(a, n, b)| format!("{a} {n}: {{[{n}] = sig:{b}}}")),
            ("[a-z]{1,6}", "[a-z]{1,6}").prop_map(|(a, b)| format!("{a} ({b})")),
        ]
    }

    fn symbol_strategy() -> impl Strategy<Value = Symbol> {
        (
            "[A-Z][A-Z0-9_]{0,24}",
            -100_000i32..100_000,
            prop::collection::vec(option_strategy(), 0..4),
        )
            .prop_map(|(name, score, options)| Symbol {
                name,
                score: Some(f64::from(score) / 100.0),
                options,
            })
    }

    fn symbols_strategy() -> impl Strategy<Value = Vec<Symbol>> {
        prop::collection::vec(symbol_strategy(), 1..12)
    }

    /// `SYMBOL(score)[opt1,opt2]`, the way Rspamd prints it.
    fn render(s: &Symbol) -> String {
        format!(
            "{}({:.2})[{}]",
            s.name,
            s.score.unwrap_or(0.0),
            s.options.join(",")
        )
    }

    /// Input that looks like these headers, to reach deeper than random text does.
    fn headerish() -> impl Strategy<Value = String> {
        "[A-Za-z0-9_ :;,./()\\[\\]{}=+*\t\n…-]{0,300}"
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>()) {
            let _ = parse_spamd_result(&s);
            let _ = parse_rspamd_score(&s);
            let _ = parse_rspamd_report(&s);
            let _ = parse_exim_rspamd_report(&s);
            let _ = parse_pre_result(&s);
            let _ = parse_action(&s);
            let _ = parse_bar(&s);
            let _ = parse_stalwart_result(&s);
        }

        #[test]
        fn never_panics_on_headerish_text(s in headerish()) {
            let _ = parse_spamd_result(&s);
            let _ = parse_rspamd_score(&s);
            let _ = parse_rspamd_report(&s);
            let _ = parse_exim_rspamd_report(&s);
            let _ = parse_pre_result(&s);
            let _ = parse_action(&s);
            let _ = parse_bar(&s);
            let _ = parse_stalwart_result(&s);
        }

        #[test]
        fn never_panics_with_prefixes(
            prefix in prop_oneof![
                Just("default: False [1.00 / 15.00];\n\t"),
                Just("Action: no action\n Symbol: "),
                Just("action=reject; module="),
                Just("A(1.00)["),
            ],
            s in headerish(),
        ) {
            let s = format!("{prefix}{s}");
            let _ = parse_spamd_result(&s);
            let _ = parse_rspamd_report(&s);
            let _ = parse_exim_rspamd_report(&s);
            let _ = parse_pre_result(&s);
            let _ = parse_stalwart_result(&s);
        }

        #[test]
        fn spamd_result_round_trips(
            symbols in symbols_strategy(),
            reject in any::<bool>(),
            total in -100_000i32..100_000,
            threshold in 0i32..10_000,
            folded in any::<bool>(),
        ) {
            let total = f64::from(total) / 100.0;
            let threshold = f64::from(threshold) / 100.0;
            let sep = if folded { ";\n\t" } else { "; " };
            let list: Vec<String> = symbols.iter().map(render).collect();
            let value = format!(
                "default: {} [{total:.2} / {threshold:.2}]{sep}{}",
                if reject { "True" } else { "False" },
                list.join(sep)
            );
            let r = parse_spamd_result(&value).unwrap();
            prop_assert_eq!(r.metric.as_deref(), Some("default"));
            prop_assert_eq!(r.is_reject, Some(reject));
            prop_assert_eq!(r.score, Some(total));
            prop_assert_eq!(r.threshold, Some(threshold));
            prop_assert_eq!(r.symbols, symbols);
        }

        #[test]
        fn legacy_one_line_round_trips(symbols in symbols_strategy()) {
            let list: Vec<String> = symbols.iter().map(render).collect();
            let value = format!(" default: False [6.37 / 15.00] {}", list.join(" "));
            prop_assert_eq!(parse_spamd_result(&value).unwrap().symbols, symbols);
        }

        #[test]
        fn rspamd_report_round_trips(symbols in symbols_strategy()) {
            let list: Vec<String> = symbols.iter().map(render).collect();
            prop_assert_eq!(parse_rspamd_report(&list.join(" ")).unwrap(), symbols);
        }

        #[test]
        fn stalwart_round_trips(symbols in symbols_strategy()) {
            let list: Vec<String> = symbols
                .iter()
                .map(|s| render(s).replacen('(', " (", 1))
                .collect();
            prop_assert_eq!(parse_stalwart_result(&list.join(",\n\t")).unwrap(), symbols);
        }

        #[test]
        fn exim_report_round_trips(symbols in symbols_strategy(), brackets in any::<bool>()) {
            let mut value = String::from("Action: rewrite subject");
            for s in &symbols {
                if brackets {
                    value.push_str(&format!("\n Symbol: {}", render(s)));
                } else {
                    value.push_str(&format!(
                        "\n Symbol: {}({:.2})",
                        s.name,
                        s.score.unwrap_or(0.0)
                    ));
                    if !s.options.is_empty() {
                        value.push_str(&format!("; {}", s.options.join(",")));
                    }
                }
            }
            value.push_str("\n Message-ID: <id@example.com>");
            let r = parse_exim_rspamd_report(&value).unwrap();
            prop_assert_eq!(r.action.as_deref(), Some("rewrite subject"));
            prop_assert_eq!(r.symbols, symbols);
            prop_assert_eq!(r.message, None);
        }

        #[test]
        fn rspamd_score_round_trips(
            score in -100_000i32..100_000,
            thresholds in prop::collection::vec(0i32..10_000, 0..3),
        ) {
            let score = f64::from(score) / 100.0;
            let thresholds: Vec<f64> = thresholds.into_iter().map(|t| f64::from(t) / 100.0).collect();
            let mut value = format!("{score:.2}");
            for t in &thresholds {
                value.push_str(&format!(" / {t:.2}"));
            }
            prop_assert_eq!(parse_rspamd_score(&value).unwrap(), RspamdScore { score, thresholds });
        }

        #[test]
        fn pre_result_round_trips(
            action in prop::sample::select(vec!["no action", "greylist", "add header", "rewrite subject", "soft reject", "reject"]),
            module in "[a-z_]{1,12}",
            message in proptest::option::of("[A-Za-z][A-Za-z0-9:. ]{0,30}[A-Za-z0-9]"),
        ) {
            let mut value = format!("action={action};\n\tmodule={module};");
            if let Some(m) = &message {
                value.push_str(&format!("\n\t{m}"));
            }
            let r = parse_pre_result(&value).unwrap();
            prop_assert_eq!(r.action.as_deref(), Some(action));
            prop_assert_eq!(r.module.as_deref(), Some(module.as_str()));
            prop_assert_eq!(r.message, message.map(|m| collapse_whitespace(&m)));
        }

        #[test]
        fn action_round_trips(
            action in prop::sample::select(vec!["no action", "greylist", "add header", "rewrite subject", "soft reject", "reject"]),
            upper in any::<bool>(),
            underscore in any::<bool>(),
        ) {
            let mut raw = action.to_owned();
            if upper { raw = raw.to_uppercase(); }
            if underscore { raw = raw.replace(' ', "_"); }
            prop_assert_eq!(parse_action(&raw).unwrap(), action);
        }

        #[test]
        fn bar_round_trips(points in -60i32..60) {
            let bar = match points {
                0 => "/".to_owned(),
                p if p > 0 => "+".repeat(p.unsigned_abs() as usize),
                p => "-".repeat(p.unsigned_abs() as usize),
            };
            prop_assert_eq!(parse_bar(&bar).unwrap(), f64::from(points));
        }
    }
}
