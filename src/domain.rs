//! Small facts about host names and addresses that several stages need.

use std::net::IpAddr;

/// Second-level labels under which registrations happen one level deeper (`example.co.uk`).
/// Not the whole Public Suffix List: enough to group a provider's hosts together.
const TWO_LEVEL_SUFFIXES: &[&str] = &[
    "ac", "co", "com", "edu", "gov", "ne", "net", "or", "org", "gob", "gouv", "ltd", "plc", "nom",
];

/// The registrable ("organisational") domain of a host name, lowercased, without a trailing
/// dot: `mx1.mail.example.co.uk` → `example.co.uk`. IP literals come back unchanged.
pub fn org_domain(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if parse_ip(&host).is_some() {
        return host;
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let keep = match labels.as_slice() {
        [.., second, tld] if tld.len() == 2 && TWO_LEVEL_SUFFIXES.contains(second) => 3,
        _ => 2,
    };
    labels[labels.len().saturating_sub(keep)..].join(".")
}

/// An IP address written bare, in brackets, or with the `IPv6:` tag.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_start_matches('[').trim_end_matches(']');
    let text = text
        .strip_prefix("IPv6:")
        .or_else(|| text.strip_prefix("ipv6:"))
        .unwrap_or(text);
    text.parse().ok()
}

/// Addresses that never appear on the public Internet: loopback, private, link-local,
/// shared (CGNAT), unique-local, documentation ranges are NOT included (tests use them as
/// public addresses).
pub fn is_internal_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_internal_ip(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_domains() {
        assert_eq!(org_domain("mx1.mail.Example.co.uk."), "example.co.uk");
        assert_eq!(org_domain("mx.google.com"), "google.com");
        assert_eq!(org_domain("localhost"), "localhost");
        assert_eq!(org_domain("192.0.2.1"), "192.0.2.1");
        assert_eq!(org_domain("a.b.example.com.au"), "example.com.au");
    }

    #[test]
    fn internal_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.9",
            "100.64.0.1",
            "::1",
            "fd00::1",
        ] {
            assert!(is_internal_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "192.0.2.1",
            "8.8.8.8",
            "2001:db8::1",
            "2603:10a6:208:12::34",
        ] {
            assert!(!is_internal_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn ip_literals() {
        assert_eq!(parse_ip("[IPv6:2001:db8::25]"), "2001:db8::25".parse().ok());
        assert_eq!(parse_ip("[192.0.2.7]"), "192.0.2.7".parse().ok());
        assert_eq!(parse_ip("mail.example.com"), None);
    }
}
