//! Sophos PureMessage / PerlMx and the Sophos Email Appliance: `X-PMX-*`, `X-PerlMx-*`,
//! `X-SEA-*`.
//!
//! The score is the spam probability in percent; the report's rules carry the weights the
//! engine gave them (rules named `__...` are the engine's internal helpers, weight 0). A
//! message often has both a long `X-PerlMx-Spam` with the report and a short `X-PMX-Spam`
//! without: they are one verdict.

use spamwhy_headers::sophos::{parse_pmx_spam, parse_pmx_version};

use super::gateway::{Gateway, presence_only, starts_with_any};
use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>, gateway: &Gateway<'_>) -> Option<Verdict> {
    let taken = fields.take_where(|f| starts_with_any(f, &["x-pmx", "x-perlmx", "x-sea-"]));
    if taken.is_empty() {
        return None;
    }
    let mut builder = VerdictBuilder::new("sophos");
    gateway.place(&mut builder, &taken, None);
    for field in &taken {
        builder.read(field);
        let name = field.name.to_ascii_lowercase();
        if name.ends_with("-spam") {
            match parse_pmx_spam(&field.value) {
                Ok(spam) => {
                    builder.verdict.score = builder.verdict.score.or(spam.probability);
                    if let Some(gauge) = spam.gauge
                        && !builder.verdict.details.iter().any(|d| d.name == "gauge")
                    {
                        builder.detail("gauge", gauge);
                    }
                    for test in spam.report {
                        builder.rule(&test.name, test.score, None, Vec::new());
                    }
                    builder.details(spam.other);
                }
                Err(e) => builder.error(field, &e),
            }
        } else if name.ends_with("-version") {
            match parse_pmx_version(&field.value) {
                Ok(items) => {
                    builder.details(items);
                }
                Err(e) => builder.error(field, &e),
            }
        } else {
            builder.detail(&field.name, field.unfolded());
        }
    }
    presence_only(&mut builder);
    Some(builder.finish())
}
