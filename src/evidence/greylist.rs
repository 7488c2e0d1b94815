//! `X-Greylist`: the recipient's greylisting held the message back (or let it pass). Shown
//! as a verdict of its own: a delay, not a spam score.

use spamwhy_headers::greylist::parse_greylist;

use super::{Fields, VerdictBuilder};
use crate::report::Verdict;

pub fn read(fields: &mut Fields<'_>) -> Vec<Verdict> {
    fields
        .take("X-Greylist")
        .into_iter()
        .map(|field| {
            let mut builder = VerdictBuilder::new("greylisting");
            match parse_greylist(&field.value) {
                Ok(greylist) => {
                    builder.read(field);
                    builder.verdict.action = Some(
                        if greylist.delay_seconds.is_some() {
                            "greylist"
                        } else {
                            "no action"
                        }
                        .to_owned(),
                    );
                    if let Some(delay) = greylist.delay_seconds {
                        builder.detail("delay_seconds", delay.to_string());
                    }
                    if let Some(software) = greylist.software {
                        builder.detail("software", software);
                    }
                    if let Some(reason) = greylist.reason_not_delayed {
                        builder.detail("not_delayed_because", reason);
                    }
                    builder.detail("raw", field.unfolded());
                }
                Err(e) => builder.error(field, &e),
            }
            builder.finish()
        })
        .collect()
}
