//! Vade (Vade Retro; OVHcloud's mail service runs it): `X-VR-SPAMSTATE`, `X-VR-SPAMSCORE`,
//! `X-VR-SPAMCAUSE` (also under `X-OVH-` names), `X-Ovh-Spam-Reason`, and Vade's newer
//! `X-Vade-*` fields.
//!
//! The SPAMCAUSE report is decoded: its rules come with points on the same scale as the
//! score, and its `Bailout` is the score at which the filter stops and calls the message
//! spam, used as the threshold. Vade's newer `X-Vade-Spamcause` is encrypted and cannot be
//! read; the verdict says so.

use spamwhy_headers::vade::{
    decode_spamcause, parse_spamcause_text, parse_spamscore, parse_spamstate,
};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-vr-", "x-vade-", "x-ovh-spam"]));
    if taken.is_empty() {
        return None;
    }
    let mut builder = VerdictBuilder::new("vade");
    gateway.place(&mut builder, &taken, None);
    for field in &taken {
        builder.read(field);
        let name = field.name.to_ascii_lowercase();
        let value = field.unfolded();
        match name.as_str() {
            "x-vr-spamstate" | "x-ovh-spamstate" => match parse_spamstate(&field.value) {
                Ok(state) => {
                    builder.verdict.spam = match state.as_str() {
                        "SPAM" => Some(true),
                        "OK" | "HAM" => Some(false),
                        _ => None,
                    };
                    builder.detail("state", state);
                }
                Err(e) => builder.error(field, &e),
            },
            "x-vr-spamscore" | "x-ovh-spamscore" => match parse_spamscore(&field.value) {
                Ok(score) => builder.verdict.score = Some(score),
                Err(e) => builder.error(field, &e),
            },
            "x-vr-spamcause" | "x-ovh-spamcause" => match decode_spamcause(&field.value) {
                Ok(text) => {
                    builder.detail("spamcause_decoded", text.clone());
                    let cause = parse_spamcause_text(&text);
                    if let Some(engine) = cause.engine {
                        builder.detail("engine", engine);
                    }
                    if let Some(profile) = cause.profile {
                        builder.detail("profile", profile);
                    }
                    if let Some(bailout) = cause.bailout {
                        builder.verdict.threshold = Some(bailout);
                    }
                    for (rule, points) in cause.rules {
                        builder.rule(&rule, Some(points), None, Vec::new());
                    }
                    for (key, val) in cause.fields {
                        builder.detail(&key, val);
                    }
                    for other in cause.other {
                        builder.detail("item", other);
                    }
                }
                Err(e) => builder.error(field, &e),
            },
            "x-vade-spamcause" => builder.detail(
                &field.name,
                "Vade's newer report format, encrypted: it cannot be read",
            ),
            _ => builder.detail(&field.name, value),
        }
    }
    presence_only(&mut builder);
    Some(builder.finish())
}
