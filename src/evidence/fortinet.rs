//! Fortinet: FortiGate's `X-Spaminfo` (in its own form; Symantec writes free text under the
//! same name) and FortiMail's `X-FEAS-*` / `X-FE-*` / `X-FortiGuard-*` fields.
//!
//! FortiGate adds `X-Spaminfo` only to messages it tagged as spam, naming the check that
//! caught it; that check is the rule. FortiMail's deep header scan writes its confidence in
//! percent, compared with the documented default of 95. `X-FEAS-AUTH-USER` shows a user who
//! logged in to send: the sender's own FortiMail.

use spamwhy_headers::fortinet::{parse_deepheader, parse_spaminfo};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Side;
use crate::report::Verdict;

/// FortiMail's default deep-header confidence threshold, in percent.
const DEEPHEADER_THRESHOLD: f64 = 95.0;

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| {
        starts_with_any(f, &["x-feas-", "x-fe-", "x-fortiguard"])
            || (f.is("X-Spaminfo") && parse_spaminfo(&f.value).is_ok())
    });
    if taken.is_empty() {
        return None;
    }
    let submitted = taken.iter().any(|f| f.is("X-FEAS-AUTH-USER"));
    let mut builder = VerdictBuilder::new("fortinet");
    gateway.place(&mut builder, &taken, submitted.then_some(Side::Sender));
    for field in &taken {
        builder.read(field);
        let value = field.unfolded();
        match field.name.to_ascii_lowercase().as_str() {
            "x-spaminfo" => match parse_spaminfo(&field.value) {
                Ok(info) => {
                    builder.verdict.spam = Some(true);
                    let options = if info.detail.is_empty() {
                        Vec::new()
                    } else {
                        vec![info.detail]
                    };
                    builder.rule(&info.check, None, None, options);
                }
                Err(e) => builder.error(field, &e),
            },
            "x-feas-deepheader" => match parse_deepheader(&field.value) {
                Ok(confidence) => {
                    builder.verdict.score = Some(confidence);
                    builder.verdict.threshold = Some(DEEPHEADER_THRESHOLD);
                }
                Err(e) => builder.error(field, &e),
            },
            _ => builder.detail(&field.name, value),
        }
    }
    builder.infer_spam_from_score();
    presence_only(&mut builder);
    Some(builder.finish())
}
