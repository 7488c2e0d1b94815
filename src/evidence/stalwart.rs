//! Stalwart Mail Server's spam filter: `X-Spam-Result` (its symbols with scores), with the
//! score-only `X-Spam-Status` and `X-Spam-Score` it writes beside it.

use spamwhy_headers::rspamd::parse_stalwart_result;
use spamwhy_headers::spamassassin::{parse_score, parse_spam_status};

use super::spamassassin::is_spamassassin_status;
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>) -> Option<Verdict> {
    let results = fields.take("X-Spam-Result");
    if results.is_empty() {
        return None;
    }
    let sa_present =
        fields.has_where(|f| f.is("X-Spam-Status") && is_spamassassin_status(&f.value));
    let mut builder = VerdictBuilder::new("stalwart");
    for field in &results {
        match parse_stalwart_result(&field.value) {
            Ok(symbols) => {
                builder.read(field);
                for symbol in symbols {
                    builder.rule(&symbol.name, symbol.score, None, symbol.options);
                }
            }
            Err(e) => builder.error(field, &e),
        }
    }
    let shared = fields.take_where(|f| {
        (f.is("X-Spam-Status") && !is_spamassassin_status(&f.value))
            || (f.is("X-Spam-Score") && !sa_present)
    });
    for field in &shared {
        if field.is("X-Spam-Status") {
            match parse_spam_status(&field.value) {
                Ok(status) => {
                    builder.read(field);
                    builder.verdict.spam = status.is_spam;
                    builder.verdict.score = builder.verdict.score.or(status.score);
                    builder.verdict.threshold = status.required;
                }
                Err(e) => builder.error(field, &e),
            }
        } else {
            match parse_score(&field.value) {
                Ok(score) => {
                    builder.read(field);
                    builder.verdict.score = Some(score);
                }
                Err(e) => builder.error(field, &e),
            }
        }
    }
    Some(builder.finish())
}
