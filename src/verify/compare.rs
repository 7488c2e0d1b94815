//! The recipient's Authentication-Results against the recomputed results: where they
//! differ, the likely reason.

use crate::report::{AuthenticationEntry, Comparison, Report, Verification};

fn comparison(method: &str, recorded: &str, recomputed: &str, explanation: String) -> Comparison {
    Comparison {
        method: method.to_owned(),
        recorded: recorded.to_owned(),
        recomputed: recomputed.to_owned(),
        agree: recorded == recomputed,
        explanation,
    }
}

fn trusted<'a>(
    report: &'a Report,
    method: &'a str,
) -> impl Iterator<Item = &'a AuthenticationEntry> + 'a {
    report.authentication.iter().filter(move |e| {
        e.trusted && e.method == method && e.header != "ARC-Authentication-Results"
    })
}

fn property<'a>(entry: &'a AuthenticationEntry, key: &str) -> Option<&'a str> {
    entry.properties.get(key).and_then(|v| v.as_str())
}

pub fn compare(report: &Report, verification: &Verification) -> Vec<Comparison> {
    let mut out = Vec::new();
    if let (Some(entry), Some(spf)) = (trusted(report, "spf").next(), &verification.spf) {
        let recorded_domain = property(entry, "smtp.mailfrom").map(|m| {
            m.rsplit_once('@')
                .map_or(m, |(_, d)| d)
                .to_ascii_lowercase()
        });
        let explanation = if entry.result == spf.result {
            "the recorded DNS gives the same SPF result".to_owned()
        } else if recorded_domain.as_deref().is_some_and(|d| d != spf.domain) {
            format!(
                "the recipient checked {} while the recorded envelope sender is {}",
                recorded_domain.unwrap_or_default(),
                spf.domain
            )
        } else {
            format!(
                "same domain and IP, different result: {}'s SPF record (or a record it includes) has probably changed since the message was received",
                spf.domain
            )
        };
        out.push(comparison("spf", &entry.result, &spf.result, explanation));
    }
    for entry in trusted(report, "dkim") {
        let domain = property(entry, "header.d")
            .or_else(|| {
                property(entry, "header.i").map(|i| i.rsplit_once('@').map_or(i, |(_, d)| d))
            })
            .map(str::to_ascii_lowercase);
        let Some(check) = verification
            .dkim
            .iter()
            .find(|c| domain.is_none() || c.d.as_deref().map(str::to_ascii_lowercase) == domain)
        else {
            continue;
        };
        let explanation = if entry.result == check.result {
            "the recorded DNS gives the same DKIM result".to_owned()
        } else if check.expired_since_arrival {
            "the signature has expired since the recipient checked it; that does not change what the recipient saw".to_owned()
        } else if check.reason.contains("body hash") {
            "the copy analysed here differs from what the recipient verified: it was altered after delivery (re-encoded when saved or forwarded)".to_owned()
        } else if check.result == "permerror" && entry.result == "pass" {
            "the key the recipient used is no longer published: the selector was removed or rotated since".to_owned()
        } else if entry.result == "pass" {
            "the message or the published key has changed since the recipient verified it"
                .to_owned()
        } else {
            "the published key has changed since the recipient checked, or the recipient's copy was altered in transit before its check".to_owned()
        };
        out.push(comparison(
            "dkim",
            &entry.result,
            &check.result,
            explanation,
        ));
    }
    if let (Some(entry), Some(dmarc)) = (trusted(report, "dmarc").next(), &verification.dmarc) {
        let explanation = if entry.result == dmarc.result {
            "the recorded DNS gives the same DMARC result".to_owned()
        } else {
            "DMARC follows SPF and DKIM: a different SPF or DKIM outcome above, or a changed _dmarc record, explains it".to_owned()
        };
        out.push(comparison(
            "dmarc",
            &entry.result,
            &dmarc.result,
            explanation,
        ));
    }
    if let (Some(entry), Some(iprev)) = (trusted(report, "iprev").next(), &verification.iprev) {
        let explanation = if entry.result == iprev.result {
            "the recorded DNS gives the same reverse DNS result".to_owned()
        } else {
            "the PTR record or its forward record has changed since the message was received"
                .to_owned()
        };
        out.push(comparison(
            "iprev",
            &entry.result,
            &iprev.result,
            explanation,
        ));
    }
    out
}
