//! DKIM (RFC 6376) for every signature, RSA and Ed25519, with the published key's type and
//! size. Messages saved with bare LF line endings are verified as CRLF, as they travelled.

use std::borrow::Cow;

use base64::Engine;
use mail_auth::dkim::DkimError;
use mail_auth::{AuthenticatedMessage, DkimOutput, DkimResult, Error, Parameters};
use spamwhy_headers::HeaderBlock;
use spamwhy_headers::dkim_signature::{SignatureHeader, parse_tag_list, strict_problems};

use super::{Verifier, block_on};
use crate::dns::cache::OfflineCache;
use crate::dns::zone::RecordType;
use crate::dns::{Answer, RecordedDns};
use crate::report::{DkimCheck, Report};

pub struct DkimOutcome<'x> {
    pub outputs: Vec<DkimOutput<'x>>,
    pub checks: Vec<DkimCheck>,
}

/// The message with every line ending as CRLF (only copied when some are not).
pub fn with_crlf(bytes: &[u8]) -> Cow<'_, [u8]> {
    let needs_fix = bytes.iter().enumerate().any(|(i, &b)| {
        (b == b'\n' && (i == 0 || bytes[i - 1] != b'\r'))
            || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
    });
    if !needs_fix {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(out)
}

/// The key record's type (`k=`, default rsa) and, for RSA, the modulus size in bits.
pub fn key_facts(dns: &RecordedDns, selector: &str, domain: &str) -> Option<(String, Option<u32>)> {
    let Answer::Records(records) =
        dns.lookup(&format!("{selector}._domainkey.{domain}"), &RecordType::Txt)
    else {
        return None;
    };
    let text = records.iter().find_map(|r| r.txt_joined())?;
    let text = String::from_utf8_lossy(&text).into_owned();
    let mut key_type = "rsa".to_owned();
    let mut public = None;
    for tag in text.split(';') {
        let Some((name, value)) = tag.split_once('=') else {
            continue;
        };
        let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        match name.trim() {
            "k" => key_type = value.to_ascii_lowercase(),
            "p" => public = Some(value),
            _ => {}
        }
    }
    let bits = public
        .filter(|_| key_type == "rsa")
        .and_then(|p| base64::engine::general_purpose::STANDARD.decode(p).ok())
        .and_then(|der| rsa_modulus_bits(&der));
    Some((key_type, bits))
}

/// What the key record forbids for an email signature: `s=` without `email` or `*`, or `h=`
/// without sha256 (RFC 6376 §3.6.1).
fn key_problems(dns: &RecordedDns, selector: &str, domain: &str) -> Vec<String> {
    if selector.is_empty() || domain.is_empty() {
        return Vec::new();
    }
    let Answer::Records(records) =
        dns.lookup(&format!("{selector}._domainkey.{domain}"), &RecordType::Txt)
    else {
        return Vec::new();
    };
    let Some(text) = records.iter().find_map(|r| r.txt_joined()) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&text).into_owned();
    let mut problems = Vec::new();
    for tag in text.split(';') {
        let Some((name, value)) = tag.split_once('=') else {
            continue;
        };
        let values: Vec<String> = value
            .split(':')
            .map(|v| v.trim().to_ascii_lowercase())
            .collect();
        match name.trim() {
            "s" if !values.iter().any(|v| v == "email" || v == "*") => {
                problems.push(format!(
                    "the key record is for other services (s={})",
                    value.trim()
                ));
            }
            "h" if !values.iter().any(|v| v == "sha256") => {
                problems.push(format!(
                    "the key record does not allow SHA-256 (h={})",
                    value.trim()
                ));
            }
            _ => {}
        }
    }
    problems
}

/// One DER element: (tag, content, rest).
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let length = rest[..count]
            .iter()
            .fold(0usize, |n, &b| (n << 8) | usize::from(b));
        (length, &rest[count..])
    };
    (rest.len() >= length).then(|| (tag, &rest[..length], &rest[length..]))
}

/// Bits of the RSA modulus in a SubjectPublicKeyInfo or a bare PKCS#1 RSAPublicKey.
pub fn rsa_modulus_bits(key: &[u8]) -> Option<u32> {
    let (tag, body, _) = der(key)?;
    if tag != 0x30 {
        return None;
    }
    let (first_tag, first, rest) = der(body)?;
    let modulus = match first_tag {
        0x02 => first, // PKCS#1: SEQUENCE { INTEGER n, INTEGER e }
        0x30 => {
            // SPKI: SEQUENCE { AlgorithmIdentifier, BIT STRING { RSAPublicKey } }
            let (bit_tag, bits, _) = der(rest)?;
            if bit_tag != 0x03 {
                return None;
            }
            let (seq_tag, inner, _) = der(bits.get(1..)?)?;
            if seq_tag != 0x30 {
                return None;
            }
            let (int_tag, n, _) = der(inner)?;
            if int_tag != 0x02 {
                return None;
            }
            n
        }
        _ => return None,
    };
    let significant: &[u8] = {
        let start = modulus
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(modulus.len());
        &modulus[start..]
    };
    let first = significant.first()?;
    Some((significant.len() as u32 - 1) * 8 + (8 - first.leading_zeros()))
}

fn reason(
    result: &DkimResult,
    domain: &str,
    selector: &str,
    dns: &RecordedDns,
) -> (&'static str, String) {
    let key = format!("{selector}._domainkey.{domain}");
    let bits = key_facts(dns, selector, domain).and_then(|(_, bits)| bits);
    if let Some(bits) = bits.filter(|b| *b < 1024)
        && !matches!(result, DkimResult::Pass | DkimResult::None)
    {
        return (
            "fail",
            format!(
                "the key at {key} is only {bits} bits; receivers refuse RSA keys under 1024 bits (RFC 8301)"
            ),
        );
    }
    match result {
        DkimResult::Pass => ("pass", format!("the signature of {domain} verifies with the key at {key}")),
        DkimResult::Neutral(Error::Dkim(DkimError::BodyHashMismatch)) | DkimResult::Fail(Error::Dkim(DkimError::BodyHashMismatch)) => {
            ("fail", "the body was changed after signing (body hash mismatch): a server or list on the way altered it, or the line endings were changed".to_owned())
        }
        DkimResult::Neutral(error) => ("neutral", format!("the signature could not be evaluated: {error}")),
        DkimResult::Fail(Error::Crypto(_)) => {
            ("fail", format!("the signature does not match the key at {key}: signed headers were changed on the way, or the published key is not the one used for signing"))
        }
        DkimResult::Fail(error) => ("fail", format!("the signature is invalid: {error}")),
        DkimResult::PermError(Error::Dkim(DkimError::PublicKeyRevoked)) => ("permerror", format!("the key at {key} has been revoked (empty p=)")),
        DkimResult::PermError(Error::Dns(_)) => match dns.lookup(&key, &RecordType::Txt) {
            Answer::Records(_) => ("permerror", format!("the record at {key} is not a usable DKIM key")),
            _ => ("permerror", format!("no key is published at {key}")),
        },
        DkimResult::PermError(error) => ("permerror", format!("the key at {key} cannot be used: {error}")),
        DkimResult::TempError(_) => ("temperror", format!("the key at {key} could not be looked up (recorded as a server failure or timeout)")),
        DkimResult::None => ("none", "the message has no DKIM signature".to_owned()),
    }
}

/// When the message reached the recipient: the date of the hop where it entered.
fn arrival(report: &Report) -> Option<i64> {
    let sender = report.sender.as_ref()?;
    let date = report.hops.get(sender.hop_index)?.date.as_deref()?;
    spamwhy_headers::date::parse_date(date).map(|d| d.timestamp)
}

pub fn check<'x>(
    verifier: &Verifier,
    cache: &'x OfflineCache<'x>,
    dns: &RecordedDns,
    message: &'x AuthenticatedMessage<'x>,
    report: &Report,
    headers: &HeaderBlock,
) -> DkimOutcome<'x> {
    // Each signature as written, with its d= and s=, to match mail-auth's outputs.
    let mut written: Vec<(String, String, &str)> = headers
        .all("DKIM-Signature")
        .map(|field| {
            let tags = parse_tag_list(&field.value).unwrap_or_default();
            let tag = |name: &str| {
                tags.iter()
                    .find(|(n, _)| n == name)
                    .map_or(String::new(), |(_, v)| v.to_ascii_lowercase())
            };
            (tag("d"), tag("s"), field.value.as_str())
        })
        .collect();
    let outputs = block_on(
        verifier
            .authenticator()
            .verify_dkim(Parameters::new(message).with_cache(cache)),
    )
    .unwrap_or_default();
    let arrived = arrival(report);
    let checks = outputs
        .iter()
        .map(|output| {
            let signature = output.signature();
            let domain = signature.map_or("", |s| s.d.as_str());
            let selector = signature.map_or("", |s| s.s.as_str());
            let (mut result, mut reason) = reason(output.result(), domain, selector, dns);
            // mail-auth accepts some malformed signatures (RFC 6376 §3.5, RFC 8301): those are
            // permanent errors whatever the cryptography says.
            let at = written.iter().position(|(d, s, _)| d.eq_ignore_ascii_case(domain) && s.eq_ignore_ascii_case(selector));
            let mut problems = at
                .map(|at| strict_problems(written.remove(at).2, SignatureHeader::Dkim))
                .unwrap_or_default();
            problems.extend(key_problems(dns, selector, domain));
            // RFC 8301 §3.2: a signature made with an RSA key under 1024 bits does not count.
            if let Some((key_type, Some(bits))) = key_facts(dns, selector, domain) && key_type == "rsa" && bits < 1024 {
                problems.push(format!("the RSA key is only {bits} bits; RFC 8301 makes signatures with keys under 1024 bits invalid"));
            }
            if !problems.is_empty() && matches!(result, "pass" | "neutral" | "fail") {
                result = "permerror";
                reason = format!("the signature cannot be valid: {}", problems.join("; "));
            }
            let mut expired_since_arrival = false;
            if let (DkimResult::Neutral(Error::Dkim(DkimError::SignatureExpired)), Some(signature)) = (output.result(), signature) {
                let expiry = i64::try_from(signature.x).unwrap_or(i64::MAX);
                // Without a Received date, the signing time stands in for the arrival.
                let since = if arrived.is_some() { "the message arrived" } else { "it was signed (t=, the message shows no arrival time)" };
                let arrived = arrived.or_else(|| (signature.t > 0).then(|| i64::try_from(signature.t).unwrap_or(0)));
                if signature.t > 0 && signature.x < signature.t {
                    result = "permerror";
                    reason = format!("the signature expires (x={}) before it was made (t={}), which RFC 6376 makes invalid", signature.x, signature.t);
                } else if arrived.is_some_and(|at| at <= expiry) {
                    expired_since_arrival = true;
                    result = "neutral";
                    reason = format!("the signature's expiry time (x={}) has passed since {since}; it was within its validity then and can no longer be re-checked", signature.x);
                } else {
                    result = "fail";
                    reason = format!("the signature had already expired (x={}) when the message arrived", signature.x);
                }
            }
            let algorithm = report
                .dkim_signatures
                .iter()
                .find(|s| s.d.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(domain)) && s.s.as_deref() == Some(selector))
                .and_then(|s| s.a.clone());
            let key = (!domain.is_empty()).then(|| key_facts(dns, selector, domain)).flatten();
            DkimCheck {
                d: (!domain.is_empty()).then(|| domain.to_owned()),
                s: (!selector.is_empty()).then(|| selector.to_owned()),
                a: algorithm,
                result: result.to_owned(),
                reason,
                expired_since_arrival,
                key_type: key.as_ref().map(|(t, _)| t.clone()),
                key_bits: key.and_then(|(_, bits)| bits),
            }
        })
        .collect();
    DkimOutcome { outputs, checks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_become_crlf() {
        assert_eq!(&*with_crlf(b"a\nb\r\nc\rd"), b"a\r\nb\r\nc\r\nd");
        assert!(matches!(with_crlf(b"a\r\nb\r\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn modulus_bits_of_spki_and_pkcs1() {
        // SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING { SEQUENCE { INTEGER n, INTEGER e } } }
        let mut n = vec![0x00, 0xC0];
        n.extend(std::iter::repeat_n(0x11, 127)); // 1024-bit modulus with its sign byte
        let mut rsa = vec![0x02, 0x81, n.len() as u8];
        rsa.extend(&n);
        rsa.extend([0x02, 0x03, 0x01, 0x00, 0x01]);
        let mut pkcs1 = vec![0x30, 0x81, rsa.len() as u8];
        pkcs1.extend(&rsa);
        assert_eq!(rsa_modulus_bits(&pkcs1), Some(1024));
        let mut bit_string = vec![0x03, 0x81, (pkcs1.len() + 1) as u8, 0x00];
        bit_string.extend(&pkcs1);
        let algorithm = [
            0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05,
            0x00,
        ];
        let mut body = algorithm.to_vec();
        body.extend(&bit_string);
        let mut spki = vec![0x30, 0x81, body.len() as u8];
        spki.extend(&body);
        assert_eq!(rsa_modulus_bits(&spki), Some(1024));
        assert_eq!(rsa_modulus_bits(b"garbage"), None);
    }
}
