//! Offline re-verification against recorded DNS, with keys and signatures the test makes.

mod support;

use std::time::Duration;

use aws_lc_rs::rsa::KeySize;
use spamwhy::report::Verification;
use spamwhy::{Context, DnsContext, analyze_with};
use support::{DOMAIN, Keys};

const DATE: &str = "Tue, 10 Nov 2026 09:01:02 +0000";
const SPF_PASS: &str = "v=spf1 mx -all";
const DMARC_REJECT: &str = "v=DMARC1; p=reject; rua=mailto:dmarc@signed.example";

fn context(zone: &str) -> Context {
    let dir = std::env::temp_dir().join(format!(
        "spamwhy-verify-{}-{}",
        std::process::id(),
        zone.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!(
        "{:x}.zone",
        zone.bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
    ));
    std::fs::write(&path, zone).unwrap();
    Context {
        dns: Some(DnsContext::load(&path).unwrap()),
    }
}

fn verify(message: &str, zone: &str) -> Verification {
    let report = analyze_with("test.eml", message.as_bytes(), &context(zone)).unwrap();
    report.verification.expect("verification ran")
}

fn signed_message(keys: &Keys) -> String {
    let unsigned = support::unsigned_message(DATE);
    support::received(&(keys.sign(unsigned.as_bytes(), None) + &unsigned), DATE)
}

#[test]
fn everything_passes_for_a_well_configured_sender() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let v = verify(
        &signed_message(&keys),
        &keys.zone(SPF_PASS, Some(DMARC_REJECT)),
    );
    let spf = v.spf.as_ref().unwrap();
    assert_eq!(spf.result, "pass", "{}", spf.reason);
    assert_eq!(spf.domain, DOMAIN);
    assert_eq!(v.dkim.len(), 2);
    for dkim in &v.dkim {
        assert_eq!(dkim.result, "pass", "{:?}", dkim);
    }
    let rsa = v
        .dkim
        .iter()
        .find(|d| d.s.as_deref() == Some("rsa"))
        .unwrap();
    assert_eq!(
        (rsa.key_type.as_deref(), rsa.key_bits),
        (Some("rsa"), Some(2048))
    );
    let ed = v
        .dkim
        .iter()
        .find(|d| d.s.as_deref() == Some("ed"))
        .unwrap();
    assert_eq!(ed.key_type.as_deref(), Some("ed25519"));
    let dmarc = v.dmarc.as_ref().unwrap();
    assert_eq!(
        (dmarc.result.as_str(), dmarc.policy.as_deref()),
        ("pass", Some("reject"))
    );
    assert!(dmarc.spf_aligned && dmarc.dkim_aligned);
    let iprev = v.iprev.as_ref().unwrap();
    assert_eq!(iprev.result, "pass");
    assert!(iprev.forward_confirmed);
    for check in &v.records {
        assert_eq!(check.result, "pass", "{check:?}");
    }
}

#[test]
fn messages_saved_with_lf_endings_verify_as_sent() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let lf = signed_message(&keys).replace("\r\n", "\n");
    let v = verify(&lf, &keys.zone(SPF_PASS, Some(DMARC_REJECT)));
    assert!(v.dkim.iter().all(|d| d.result == "pass"), "{:?}", v.dkim);
}

#[test]
fn an_altered_body_fails_with_the_reason() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let altered = signed_message(&keys).replace("quote below", "invoice below");
    let v = verify(&altered, &keys.zone(SPF_PASS, Some(DMARC_REJECT)));
    for dkim in &v.dkim {
        assert_eq!(dkim.result, "fail");
        assert!(dkim.reason.contains("body hash"), "{}", dkim.reason);
    }
    let dmarc = v.dmarc.unwrap();
    assert_eq!(
        dmarc.result, "pass",
        "SPF alone still aligns: {}",
        dmarc.reason
    );
    assert!(!dmarc.dkim_aligned);
}

#[test]
fn spf_results_follow_the_record() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let message = signed_message(&keys);
    for (spf, expected) in [
        ("v=spf1 ip4:198.51.100.0/24 -all", "fail"),
        ("v=spf1 ip4:198.51.100.0/24 ~all", "softfail"),
        ("v=spf1 ip4:198.51.100.0/24 ?all", "neutral"),
        ("v=spf1 ip4:192.0.2.0/24 -all", "pass"),
        ("v=spf1 include:missing.example -all", "permerror"),
        ("v=spf1 ip4:192.0.2.25 include:", "permerror"),
    ] {
        let v = verify(&message, &keys.zone(spf, None));
        assert_eq!(
            v.spf.as_ref().unwrap().result,
            expected,
            "{spf}: {:?}",
            v.spf
        );
    }
    let v = verify(&message, &keys.zone("google-site-verification=abc", None));
    assert_eq!(v.spf.as_ref().unwrap().result, "none");
    assert!(
        v.records
            .iter()
            .any(|r| r.check == "spf-present" && r.result == "fail")
    );
}

#[test]
fn domain_specs_with_colons_and_slashes_are_looked_up() {
    // ':' and '/' are legal in an SPF domain-spec (RFC 7208 §7.1); mail-auth's own parser
    // refuses them, spamwhy's does not.
    let keys = Keys::generate(KeySize::Rsa2048);
    let zone = keys.zone("v=spf1 a:foo:bar/baz.example/24 -all", None)
        + "foo:bar/baz.example. IN A 192.0.2.1\n";
    let spf = verify(&signed_message(&keys), &zone).spf.unwrap();
    assert_eq!(spf.result, "pass", "{}", spf.reason);
}

#[test]
fn more_than_two_void_lookups_is_a_permanent_error() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let message = signed_message(&keys);
    let gone = "gone1.example. NXDOMAIN\ngone2.example. A NODATA\ngone3.example. MX NODATA\n";
    for (spf, expected) in [
        // Two void lookups are tolerated.
        (
            "v=spf1 a:gone1.example a:gone2.example ip4:192.0.2.0/24 -all",
            "pass",
        ),
        // The third ends the evaluation (RFC 7208 §4.6.4).
        (
            "v=spf1 a:gone1.example exists:gone2.example mx:gone3.example ip4:192.0.2.0/24 -all",
            "permerror",
        ),
        // A match before the third void lookup stands.
        (
            "v=spf1 ip4:192.0.2.0/24 a:gone1.example a:gone2.example mx:gone3.example -all",
            "pass",
        ),
    ] {
        let spf = verify(&message, &(keys.zone(spf, None) + gone))
            .spf
            .unwrap();
        assert_eq!(spf.result, expected, "{spf:?}");
        if expected == "permerror" {
            assert!(
                spf.reason
                    .contains("3 names that do not exist or have no records (gone1.example, gone2.example, gone3.example)"),
                "{}",
                spf.reason
            );
        }
    }
}

#[test]
fn a_key_under_1024_bits_is_a_permanent_error_that_says_so() {
    // A 512-bit RSA public key (RFC 8301 §3.2: signatures with keys under 1024 bits are
    // not valid), published where the signature points.
    const RSA_512: &str = "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAK7cUp9rW9t1iWT9gzVKFqo4bbTyn4A2ksXMW614R2JlA2tjhwm1oEvgAaQtDBUcdpqbyTk0P12lhBHKIiD7V50CAwEAAQ==";
    let keys = Keys::generate(KeySize::Rsa2048);
    let zone: String = keys
        .zone(SPF_PASS, None)
        .lines()
        .filter(|line| !line.starts_with("rsa._domainkey"))
        .map(|line| format!("{line}\n"))
        .collect::<String>()
        + &format!("rsa._domainkey 300 IN TXT \"v=DKIM1; k=rsa; p={RSA_512}\"\n");
    let v = verify(&signed_message(&keys), &zone);
    let rsa = v
        .dkim
        .iter()
        .find(|d| d.s.as_deref() == Some("rsa"))
        .unwrap();
    assert_eq!(rsa.result, "permerror", "{rsa:?}");
    assert_eq!(rsa.key_bits, Some(512));
    assert!(rsa.reason.contains("only 512 bits"), "{}", rsa.reason);
}

#[test]
fn two_spf_records_are_a_permanent_error() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let zone = keys.zone(SPF_PASS, None) + &format!("{DOMAIN}. IN TXT \"v=spf1 -all\"\n");
    let v = verify(&signed_message(&keys), &zone);
    let spf = v.spf.unwrap();
    assert_eq!(spf.result, "permerror");
    assert!(spf.reason.contains("2 SPF records"), "{}", spf.reason);
}

#[test]
fn server_failures_are_temporary_errors() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let zone =
        keys.zone("v=spf1 include:flaky.example -all", None) + "flaky.example. TXT SERVFAIL\n";
    let v = verify(&signed_message(&keys), &zone);
    assert_eq!(v.spf.unwrap().result, "temperror");
}

#[test]
fn more_than_ten_lookups_is_reported() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let includes: Vec<String> = (0..11).map(|n| format!("include:i{n}.example")).collect();
    let mut zone = keys.zone(&format!("v=spf1 {} -all", includes.join(" ")), None);
    for n in 0..11 {
        zone.push_str(&format!(
            "i{n}.example. IN TXT \"v=spf1 ip4:203.0.113.{n} -all\"\n"
        ));
    }
    let v = verify(&signed_message(&keys), &zone);
    assert_eq!(v.spf.as_ref().unwrap().result, "permerror");
    let lookups = v.records.iter().find(|r| r.check == "spf-lookups").unwrap();
    assert_eq!(lookups.result, "fail", "{}", lookups.detail);
}

#[test]
fn dmarc_fails_when_nothing_aligns_and_is_none_without_a_record() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let altered = signed_message(&keys).replace("quote below", "invoice below");
    let v = verify(&altered, &keys.zone("v=spf1 -all", Some(DMARC_REJECT)));
    let dmarc = v.dmarc.unwrap();
    assert_eq!(dmarc.result, "fail");
    assert!(dmarc.reason.contains("p=reject"), "{}", dmarc.reason);
    let v = verify(&signed_message(&keys), &keys.zone(SPF_PASS, None));
    assert_eq!(v.dmarc.unwrap().result, "none");
    assert!(
        v.records
            .iter()
            .any(|r| r.check == "dmarc-present" && r.result == "fail")
    );
}

#[test]
fn a_missing_key_is_a_permanent_error_and_named_as_assumed_absent() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let zone = keys
        .zone(SPF_PASS, None)
        .replace("rsa._domainkey", "old._domainkey");
    let v = verify(&signed_message(&keys), &zone);
    let rsa = v
        .dkim
        .iter()
        .find(|d| d.s.as_deref() == Some("rsa"))
        .unwrap();
    assert_eq!(rsa.result, "permerror", "{}", rsa.reason);
    assert!(
        v.assumed_nonexistent
            .iter()
            .any(|n| n.starts_with("rsa._domainkey.signed.example.")),
        "{:?}",
        v.assumed_nonexistent
    );
    let key_check = v
        .records
        .iter()
        .find(|r| r.check == "dkim-key" && r.name.starts_with("rsa."))
        .unwrap();
    assert_eq!(key_check.result, "fail", "{}", key_check.detail);
}

#[test]
fn a_signature_expired_since_arrival_is_not_a_failure() {
    let keys = Keys::generate(KeySize::Rsa2048);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let date = httpdate(now);
    let unsigned = support::unsigned_message(&date);
    let signed = keys.sign(unsigned.as_bytes(), Some(Duration::from_secs(1))) + &unsigned;
    let message = support::received(&signed, &date);
    std::thread::sleep(Duration::from_millis(2100));
    let rsa = |v: Verification| v.dkim.into_iter().find(|d| d.s.as_deref() == Some("rsa"));
    let received = rsa(verify(&message, &keys.zone(SPF_PASS, None))).unwrap();
    assert!(received.expired_since_arrival, "{received:?}");
    assert_eq!(received.result, "neutral");
    assert!(received.reason.contains("since the message arrived"));
    // Without a Received header the signing time (t=) stands in for the arrival.
    let unreceived = rsa(verify(&signed, &keys.zone(SPF_PASS, None))).unwrap();
    assert!(unreceived.expired_since_arrival, "{unreceived:?}");
    assert!(
        unreceived.reason.contains("since it was signed"),
        "{}",
        unreceived.reason
    );
}

/// An RFC 5322 date for a Unix time (UTC).
fn httpdate(secs: u64) -> String {
    let days = secs / 86_400;
    let (h, m, s) = ((secs % 86_400) / 3600, (secs % 3600) / 60, secs % 60);
    // Civil from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{d} {} {year} {h:02}:{m:02}:{s:02} +0000",
        months[(month - 1) as usize]
    )
}
