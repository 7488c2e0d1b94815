//! Cloudmark (its Authority engine runs inside many ISPs' filters and inside Proofpoint):
//! `X-CNFS-Analysis`, `X-Authority-Analysis`, `X-CMAE-*`, `X_CMAE_Category`, `X-CM-Score`.
//!
//! The analysis fields are fingerprints, not a verdict: on their own they only show that the
//! engine scanned the message. The score, when present, is Cloudmark's number as written.

use spamwhy_headers::cloudmark::{parse_analysis, parse_score};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| {
        starts_with_any(
            f,
            &[
                "x-cnfs-analysis",
                "x-authority-analysis",
                "x-cmae-",
                "x_cmae_",
                "x-cm-score",
            ],
        )
    });
    if taken.is_empty() {
        return None;
    }
    let mut builder = VerdictBuilder::new("cloudmark");
    gateway.place(&mut builder, &taken, None);
    for field in &taken {
        builder.read(field);
        let name = field.name.to_ascii_lowercase();
        if name.ends_with("-analysis") {
            match parse_analysis(&field.value) {
                Ok(analysis) => {
                    if let Some(version) = analysis.version {
                        builder.detail("version", version);
                    }
                    for (tag, value) in analysis.tags {
                        if tag == "cx" && value.eq_ignore_ascii_case("c_pps") {
                            builder.verdict.via = Some("proofpoint".to_owned());
                        }
                        builder.detail(&tag, value);
                    }
                    builder.detail("fingerprints", analysis.fingerprints.to_string());
                }
                Err(e) => builder.error(field, &e),
            }
        } else if name.ends_with("score") {
            match parse_score(&field.value) {
                Ok(score) => builder.verdict.score = builder.verdict.score.or(Some(score)),
                Err(e) => builder.error(field, &e),
            }
        } else {
            builder.detail(&field.name, field.unfolded());
        }
    }
    presence_only(&mut builder);
    Some(builder.finish())
}
