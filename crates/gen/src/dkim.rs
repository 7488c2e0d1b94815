//! DKIM signing (RFC 6376, RFC 8463) with keys generated from the seed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rand_chacha::ChaCha8Rng;
use rsa::pkcs1v15::SigningKey as RsaSigningKey;
use rsa::pkcs8::EncodePublicKey;
use rsa::signature::{SignatureEncoding, Signer};
use sha2::{Digest, Sha256};

/// Signature algorithms, in the order of [`crate::Stats::signatures`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Rsa2048 = 0,
    Rsa1024 = 1,
    Ed25519 = 2,
}

pub enum Key {
    Rsa(Box<RsaSigningKey<Sha256>>, Vec<u8>),
    Ed25519(ed25519_dalek::SigningKey),
}

impl Key {
    /// A key from `rng` (RSA-2048 keys get `rsa_bits`, so tests can use small ones).
    pub fn generate(algorithm: Algorithm, rsa_bits: usize, rng: &mut ChaCha8Rng) -> Key {
        match algorithm {
            Algorithm::Ed25519 => {
                let mut seed = [0u8; 32];
                rand_core::RngCore::fill_bytes(rng, &mut seed);
                Key::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            Algorithm::Rsa2048 | Algorithm::Rsa1024 => {
                let bits = if algorithm == Algorithm::Rsa1024 {
                    1024.min(rsa_bits)
                } else {
                    rsa_bits
                };
                let private = rsa::RsaPrivateKey::new(rng, bits).expect("RSA key generation");
                let public = private
                    .to_public_key()
                    .to_public_key_der()
                    .expect("DER encoding")
                    .into_vec();
                Key::Rsa(Box::new(RsaSigningKey::<Sha256>::new(private)), public)
            }
        }
    }

    /// The `_domainkey` TXT record.
    pub fn dns_record(&self) -> String {
        match self {
            Key::Rsa(_, public) => format!("v=DKIM1; k=rsa; p={}", B64.encode(public)),
            Key::Ed25519(key) => format!(
                "v=DKIM1; k=ed25519; p={}",
                B64.encode(key.verifying_key().as_bytes())
            ),
        }
    }

    fn algorithm_tag(&self) -> &'static str {
        match self {
            Key::Rsa(..) => "rsa-sha256",
            Key::Ed25519(_) => "ed25519-sha256",
        }
    }

    /// Signs `headers` (all of them, in order) and `body` (as written, LF line endings,
    /// which verifiers turn into CRLF). Returns the DKIM-Signature value (folded) and its
    /// `b=` value.
    pub fn sign(
        &self,
        d: &str,
        s: &str,
        headers: &[(String, String)],
        body: &[u8],
        t: i64,
        simple: bool,
    ) -> (String, String) {
        let bh = B64.encode(Sha256::digest(canonical_body(body, simple)));
        let names: Vec<String> = headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        let c = if simple {
            "simple/simple"
        } else {
            "relaxed/relaxed"
        };
        let unsigned = format!(
            "v=1; a={}; c={c}; d={d}; s={s};\n\tt={t}; h={};\n\tbh={bh};\n\tb=",
            self.algorithm_tag(),
            names.join(":")
        );
        let mut data = Vec::with_capacity(1024);
        for (name, value) in headers {
            data.extend_from_slice(&canonical_header(name, value, simple));
            data.extend_from_slice(b"\r\n");
        }
        data.extend_from_slice(&canonical_header("DKIM-Signature", &unsigned, simple));
        let signature = match self {
            Key::Rsa(key, _) => key.sign(&data).to_vec(),
            Key::Ed25519(key) => {
                use ed25519_dalek::Signer as _;
                key.sign(&Sha256::digest(&data)).to_bytes().to_vec()
            }
        };
        let b = B64.encode(signature);
        let mut value = unsigned;
        for (i, chunk) in b.as_bytes().chunks(70).enumerate() {
            if i > 0 {
                value.push_str("\n\t ");
            }
            value.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        }
        (value, b)
    }
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// A header in canonical form, without the final CRLF.
fn canonical_header(name: &str, value: &str, simple: bool) -> Vec<u8> {
    if simple {
        // As the message writes it: `Name: value`.
        return format!("{name}: {}", value.replace('\n', "\r\n")).into_bytes();
    }
    let mut out = name.to_ascii_lowercase().into_bytes();
    out.push(b':');
    let mut pending_space = false;
    let mut started = false;
    for &b in value.as_bytes() {
        if b == b'\n' || b == b'\r' {
            continue;
        }
        if is_wsp(b) {
            pending_space = started;
            continue;
        }
        if pending_space {
            out.push(b' ');
            pending_space = false;
        }
        out.push(b);
        started = true;
    }
    out
}

/// The body in canonical form (RFC 6376 3.4.3 and 3.4.4), lines ended by CRLF.
fn canonical_body(body: &[u8], simple: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 40);
    let text = body.strip_suffix(b"\n").unwrap_or(body);
    if !body.is_empty() {
        for line in text.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if simple {
                out.extend_from_slice(line);
            } else {
                let mut pending = false;
                for &b in line {
                    if is_wsp(b) {
                        pending = true;
                    } else {
                        if pending {
                            out.push(b' ');
                            pending = false;
                        }
                        out.push(b);
                    }
                }
            }
            out.extend_from_slice(b"\r\n");
        }
    }
    while out.ends_with(b"\r\n\r\n") {
        out.truncate(out.len() - 2);
    }
    if out == b"\r\n" && !simple {
        out.clear();
    }
    if out.is_empty() && simple {
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(
            canonical_header("Subject", " a  \tb \n\tc ", false),
            b"subject:a b c"
        );
        assert_eq!(
            canonical_header("Subject", "a\n\tb", true),
            b"Subject: a\r\n\tb"
        );
        assert_eq!(canonical_body(b"a  b \n\n\n", false), b"a b\r\n");
        assert_eq!(canonical_body(b"a  b \n\n", true), b"a  b \r\n");
        assert_eq!(canonical_body(b"", true), b"\r\n");
        assert_eq!(canonical_body(b"\n\n", false), b"");
    }
}
