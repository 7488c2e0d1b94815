//! Mailbox providers that leave a verdict header of their own: GMX / WEB.DE, Cloudflare Email
//! Routing, Yahoo, Zoho, Yandex and Mail.ru. Each is a verdict with the provider's id.
//!
//! What their values mean is mostly not published; the meanings used here are inferred from
//! how the values appear on real mail and are marked so in the knowledge table:
//! `X-GMX-Antispam: 0` is "not recognised as spam" and any other code a reason it was;
//! `X-YahooFilteredBulk` appears only on mail Yahoo put in the bulk folder; `X-Yandex-Spam: 1`
//! is clean and `4` spam; `X-Mras: Ok` is Mail.ru's pass. Yahoo's `X-YMail-OSG` and
//! `X-Yahoo-Newman-*` are written by Yahoo's *outgoing* servers: the sender's side.

use spamwhy_headers::HeaderField;
use spamwhy_headers::others::{
    parse_codes, parse_gmx_antispam, parse_level, parse_number, parse_ui_filterresults, parse_word,
};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Side;
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    verdicts.extend(gmx(fields, gateway));
    verdicts.extend(cloudflare(fields, gateway));
    verdicts.extend(yahoo(fields, gateway));
    verdicts.extend(zoho(fields, gateway));
    verdicts.extend(yandex(fields, gateway));
    verdicts.extend(mailru(fields, gateway));
    verdicts
}

/// Starts a verdict from the taken fields, or `None` when there are none.
fn start(
    filter: &str,
    taken: &[&HeaderField],
    gateway: &Gateway<'_>,
    hint: Option<Side>,
) -> Option<VerdictBuilder> {
    if taken.is_empty() {
        return None;
    }
    let mut builder = VerdictBuilder::new(filter);
    gateway.place(&mut builder, taken, hint);
    Some(builder)
}

fn finish(mut builder: VerdictBuilder) -> Verdict {
    presence_only(&mut builder);
    builder.finish()
}

fn gmx(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-gmx-", "x-ui-"]));
    let outgoing = taken
        .iter()
        .any(|f| f.name.to_ascii_lowercase().contains("-out-"));
    let mut builder = start("gmx", &taken, gateway, outgoing.then_some(Side::Sender))?;
    for field in &taken {
        builder.read(field);
        let name = field.name.to_ascii_lowercase();
        if name == "x-gmx-antispam" {
            match parse_gmx_antispam(&field.value) {
                Ok(result) => {
                    builder.verdict.spam = Some(result.code != 0);
                    builder.detail("code", result.code.to_string());
                    if result.code != 0 {
                        let reason = result
                            .reason
                            .clone()
                            .unwrap_or_else(|| format!("code {}", result.code));
                        builder.rule(&reason, None, None, vec![result.code.to_string()]);
                    } else if let Some(reason) = result.reason {
                        builder.detail("reason", reason);
                    }
                    builder.details(result.fields);
                }
                Err(e) => builder.error(field, &e),
            }
        } else if name.ends_with("filterresults") {
            match parse_ui_filterresults(&field.value) {
                Ok(items) => {
                    builder.details(items);
                }
                Err(e) => builder.error(field, &e),
            }
        } else {
            builder.detail(&field.name, field.unfolded());
        }
    }
    Some(finish(builder))
}

fn cloudflare(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-cf-spam"]));
    let mut builder = start("cloudflare", &taken, gateway, None)?;
    for field in &taken {
        builder.read(field);
        match parse_number(&field.value) {
            Ok(score) => builder.verdict.score = Some(score),
            Err(e) => builder.error(field, &e),
        }
    }
    Some(finish(builder))
}

fn yahoo(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Vec<Verdict> {
    let mut verdicts = Vec::new();
    let inbound = fields.take_where(|f| starts_with_any(f, &["x-yahoofilteredbulk", "x-ymailisg"]));
    if let Some(mut builder) = start("yahoo", &inbound, gateway, None) {
        for field in &inbound {
            builder.read(field);
            if field.is("X-YahooFilteredBulk") {
                let server = field.unfolded();
                builder.verdict.spam = Some(true);
                builder.verdict.action = Some("bulk folder".to_owned());
                builder.rule("FILTERED_BULK", None, None, vec![server]);
            } else {
                builder.detail(&field.name, "opaque (Yahoo's internal data)");
            }
        }
        verdicts.push(finish(builder));
    }
    let outbound = fields.take_where(|f| starts_with_any(f, &["x-ymail-osg", "x-yahoo-"]));
    if let Some(mut builder) = start("yahoo", &outbound, gateway, Some(Side::Sender)) {
        for field in &outbound {
            builder.read(field);
            builder.detail(&field.name, field.unfolded());
        }
        verdicts.push(finish(builder));
    }
    verdicts
}

fn zoho(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-zohomail", "x-zoho-"]));
    let mut builder = start("zoho", &taken, gateway, None)?;
    for field in &taken {
        builder.read(field);
        if field.is("X-ZohoMail") {
            match parse_codes(&field.value) {
                Ok(codes) => builder.detail("codes", codes.join(" ")),
                Err(e) => builder.error(field, &e),
            }
        } else {
            builder.detail(&field.name, field.unfolded());
        }
    }
    Some(finish(builder))
}

fn yandex(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take("X-Yandex-Spam");
    let mut builder = start("yandex", &taken, gateway, None)?;
    for field in &taken {
        builder.read(field);
        match parse_level(&field.value) {
            Ok(level) => {
                builder.verdict.score = Some(f64::from(level));
                builder.verdict.spam = match level {
                    1 => Some(false),
                    4 => Some(true),
                    _ => None,
                };
            }
            Err(e) => builder.error(field, &e),
        }
    }
    Some(finish(builder))
}

fn mailru(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let mut taken = fields.take_where(|f| starts_with_any(f, &["x-mras", "x-mailru-"]));
    if taken.is_empty() {
        return None;
    }
    // Mail.ru writes `X-Spam: Not detected` beside them; no other reader claimed it.
    taken.extend(fields.take("X-Spam"));
    taken.sort_by_key(|f| f.offset);
    let mut builder = start("mailru", &taken, gateway, None)?;
    for field in &taken {
        builder.read(field);
        if field.is("X-Mras") {
            match parse_word(&field.value) {
                Ok(word) => {
                    if word.eq_ignore_ascii_case("ok") {
                        builder.verdict.spam = Some(false);
                    }
                    builder.detail("mras", word);
                }
                Err(e) => builder.error(field, &e),
            }
        } else {
            builder.detail(&field.name, field.unfolded());
        }
    }
    Some(finish(builder))
}
