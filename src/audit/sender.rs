//! The sending server as the recipient's MX saw it: reverse DNS, HELO, TLS, delays.

use super::{Confidence, Observation, evidence};
use crate::domain::{org_domain, parse_ip};
use crate::report::{Hop, Report};

/// Words that mark a reverse DNS name as a consumer or dynamic connection.
const DYNAMIC_NAME_WORDS: &[&str] = &[
    "dyn",
    "dynamic",
    "pool",
    "dhcp",
    "dsl",
    "adsl",
    "xdsl",
    "cable",
    "ppp",
    "dialup",
    "dial-up",
    "client",
    "cpe",
    "broadband",
    "residential",
    "customer",
    "home",
    "user",
    "ip-",
];

/// Receiving software whose Received lines never carry a reverse DNS name, so its absence
/// there says nothing.
const NO_RDNS_IN_RECEIVED: &[&str] = &["microsoft smtp server", "https"];

/// A first-hop delay this long suggests the recipient greylisted the sender.
const GREYLIST_DELAY_SECONDS: i64 = 300;

pub fn check(report: &Report, out: &mut Vec<Observation>) {
    let Some(sender) = &report.sender else {
        return;
    };
    let Some(hop) = report.hops.get(sender.hop_index) else {
        return;
    };
    let header = "Received";
    let line = Some(hop.line);
    let ip = sender.ip.as_deref().unwrap_or("the sending server");

    // A hop that recorded only the client's address (MessageLabs' `from [IP]`) says
    // nothing about its names either.
    let names_recorded = sender.helo.is_some() || sender.rdns.is_some();
    let writes_rdns = names_recorded
        && !hop.with.as_deref().is_some_and(|with| {
            let with = with.to_ascii_lowercase();
            NO_RDNS_IN_RECEIVED.iter().any(|w| with.contains(w))
        });
    match sender.rdns.as_deref() {
        None if writes_rdns && sender.ip.is_some() => out.push(Observation::problem(
            "reverse-dns",
            Confidence::Medium,
            evidence(
                header,
                &hop.raw,
                line,
                format!("the recipient's server recorded no reverse DNS name for {ip}"),
            ),
        )),
        Some(rdns) => {
            if let Some(word) = dynamic_marker(rdns, sender.ip.as_deref()) {
                out.push(Observation::problem(
                    "static-ip",
                    Confidence::Medium,
                    evidence(header, &hop.raw, line, format!(
                        "the reverse DNS name {rdns} looks like a home or dynamic connection ({word})"
                    )),
                ));
            } else {
                out.push(Observation::pass(
                    "reverse-dns",
                    evidence(
                        header,
                        &hop.raw,
                        line,
                        format!("{ip} has the reverse DNS name {rdns}"),
                    ),
                ));
            }
            if let Some(helo) = sender.helo.as_deref()
                && parse_ip(helo).is_none()
                && helo.contains('.')
                && org_domain(helo) != org_domain(rdns)
            {
                out.push(Observation::problem(
                    "ehlo-hostname",
                    Confidence::Low,
                    evidence(header, &hop.raw, line, format!(
                        "the server introduced itself as {helo}, but its address's reverse DNS name is {rdns}"
                    )),
                ));
            }
        }
        None => {}
    }

    if let Some(helo) = sender.helo.as_deref() {
        let problem = if parse_ip(helo).is_some() {
            Some(format!(
                "the server introduced itself with a bare IP address ({helo}) instead of a host name"
            ))
        } else if helo.eq_ignore_ascii_case("localhost")
            || helo.to_ascii_lowercase().starts_with("localhost.")
        {
            Some(format!(
                "the server introduced itself as \"{helo}\", a name that means \"this computer\""
            ))
        } else if !helo.trim_end_matches('.').contains('.') {
            Some(format!(
                "the server introduced itself as \"{helo}\", a name with no domain"
            ))
        } else {
            None
        };
        match problem {
            Some(note) => out.push(Observation::problem(
                "ehlo-hostname",
                Confidence::Medium,
                evidence(header, &hop.raw, line, note),
            )),
            None => out.push(Observation::pass(
                "ehlo-hostname",
                evidence(
                    header,
                    &hop.raw,
                    line,
                    format!("the server introduced itself as {helo}"),
                ),
            )),
        }
    }

    tls(hop, out);
    greylisting(report, hop, out);
}

fn tls(hop: &Hop, out: &mut Vec<Observation>) {
    let line = Some(hop.line);
    match &hop.tls {
        Some(tls) => out.push(Observation::pass(
            "encryption",
            evidence(
                "Received",
                &hop.raw,
                line,
                format!(
                    "the message reached the recipient over TLS ({})",
                    tls.version.as_deref().unwrap_or(&tls.evidence)
                ),
            ),
        )),
        None => out.push(Observation::problem(
            "encryption",
            Confidence::Medium,
            evidence(
                "Received",
                &hop.raw,
                line,
                "the hop into the recipient's server shows no sign of TLS encryption",
            ),
        )),
    }
}

fn greylisting(report: &Report, entry: &Hop, out: &mut Vec<Observation>) {
    for verdict in report.verdicts.iter().filter(|v| v.filter == "greylisting") {
        let delay = verdict
            .details
            .iter()
            .find(|d| d.name == "delay_seconds")
            .map_or_else(
                || "some time".to_owned(),
                |d| format!("{} seconds", d.value),
            );
        out.push(Observation::problem(
            "greylisting",
            Confidence::High,
            evidence(
                verdict.headers.first().map_or("X-Greylist", String::as_str),
                verdict
                    .details
                    .iter()
                    .find(|d| d.name == "raw")
                    .map_or("", |d| d.value.as_str()),
                None,
                format!("the recipient's server delayed the message by {delay} (greylisting)"),
            ),
        ));
    }
    if let Some(delay) = entry.delay_seconds
        && delay >= GREYLIST_DELAY_SECONDS
        && !report.verdicts.iter().any(|v| v.filter == "greylisting")
    {
        out.push(Observation::problem(
            "greylisting",
            Confidence::Low,
            evidence("Received", &entry.raw, Some(entry.line), format!(
                "the message took {} minutes to get from the sender's server to the recipient's, which often means it was refused once and retried (greylisting)",
                delay / 60
            )),
        ));
    }
}

/// The word or pattern that makes a reverse DNS name look dynamic, if any: a keyword
/// between separators, or the address's own digits in the name.
pub(crate) fn dynamic_marker(rdns: &str, ip: Option<&str>) -> Option<String> {
    let name = rdns.to_ascii_lowercase();
    let labels: Vec<&str> = name.split(['.', '-']).collect();
    if let Some(word) = DYNAMIC_NAME_WORDS.iter().find(|word| {
        let word = word.trim_end_matches('-');
        labels.iter().any(|label| {
            *label == word
                || (label.starts_with(word)
                    && label[word.len()..].chars().all(|c| c.is_ascii_digit()))
        })
    }) {
        return Some(format!("\"{}\" in the name", word.trim_end_matches('-')));
    }
    let ip = ip.and_then(parse_ip)?;
    if let std::net::IpAddr::V4(v4) = ip {
        let octets = v4.octets().map(|o| o.to_string());
        let numbers: Vec<&str> = name
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .collect();
        let found = octets
            .iter()
            .filter(|o| numbers.contains(&o.as_str()))
            .count();
        if found >= 3 {
            return Some("the IP address's digits in the name".to_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::dynamic_marker;

    #[test]
    fn dynamic_names() {
        assert!(dynamic_marker("203-0-113-45.dyn.isp.example", Some("203.0.113.45")).is_some());
        assert!(dynamic_marker("cpe-203-0-113-134.dsl.telco.example", None).is_some());
        assert!(dynamic_marker("host203-0-113-9.example.net", Some("203.0.113.9")).is_some());
        assert!(dynamic_marker("mail.example.com", Some("192.0.2.1")).is_none());
        assert!(dynamic_marker("mta.kestrel-print.example", Some("198.51.100.61")).is_none());
        assert!(dynamic_marker("a13-167.smtp-out.amazonses.com", Some("54.240.13.167")).is_none());
    }
}
