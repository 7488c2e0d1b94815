//! Trend Micro (ScanMail, InterScan Messaging Security, Email Security): `X-TM-AS-*`,
//! `X-TMASE-*`, `X-TM-*` and `X-IMSS-*`.
//!
//! `X-TM-AS-Result` gives the verdict, the score and the threshold on the engine's own scale
//! (the threshold is usually 8); `X-TMASE-Result` repeats score and threshold. The matched
//! rule ids (`X-TMASE-MatchedRID`) are encrypted, so there are no rule names; the personal
//! allow and block lists are rules of their own.

use spamwhy_headers::trendmicro::{parse_result, parse_yes_no};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-tm-", "x-tmase-", "x-imss-"]));
    if taken.is_empty() {
        return None;
    }
    let mut builder = VerdictBuilder::new("trendmicro");
    gateway.place(&mut builder, &taken, None);
    for field in &taken {
        builder.read(field);
        let value = field.unfolded();
        match field.name.to_ascii_lowercase().as_str() {
            name @ ("x-tm-as-result" | "x-tmase-result") => match parse_result(&field.value) {
                Ok(result) => {
                    let primary = name == "x-tm-as-result";
                    if primary || builder.verdict.score.is_none() {
                        builder.verdict.spam = result.is_spam.or(builder.verdict.spam);
                        builder.verdict.score = result.score.or(builder.verdict.score);
                        builder.verdict.threshold = result.threshold.or(builder.verdict.threshold);
                    }
                    if !result.codes.is_empty() {
                        builder.detail("codes", result.codes.join(","));
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            name @ ("x-tm-as-user-approved-sender" | "x-tm-as-user-blocked-sender") => {
                match parse_yes_no(&field.value) {
                    Ok(true) => {
                        let rule = if name.ends_with("approved-sender") {
                            "USER_APPROVED_SENDER"
                        } else {
                            "USER_BLOCKED_SENDER"
                        };
                        builder.rule(rule, None, None, vec![value]);
                    }
                    Ok(false) => {}
                    Err(e) => builder.error(field, &e),
                }
            }
            "x-tmase-matchedrid" => builder.detail(
                &field.name,
                "encrypted rule ids; Trend Micro does not publish how to read them",
            ),
            _ => builder.detail(&field.name, value),
        }
    }
    builder.infer_spam_from_score();
    presence_only(&mut builder);
    Some(builder.finish())
}
