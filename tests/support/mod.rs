//! Signed test messages made at run time: keys generated fresh, messages signed with
//! mail-auth's signer, and the recorded DNS that goes with them.

#![allow(dead_code)]

use std::time::Duration;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _};
use base64::Engine;
use mail_auth::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::dkim::DkimSigner;
use mail_auth::headers::HeaderWriter;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

pub const SENDER_IP: &str = "192.0.2.25";
pub const DOMAIN: &str = "signed.example";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A TXT value split into character-strings of at most 255 bytes.
pub fn txt(value: &str) -> String {
    value
        .as_bytes()
        .chunks(200)
        .map(|chunk| format!("\"{}\"", String::from_utf8_lossy(chunk)))
        .collect::<Vec<_>>()
        .join(" ")
}

pub struct Keys {
    rsa_pkcs8: Vec<u8>,
    pub rsa_public: String,
    ed_pkcs8: Vec<u8>,
    pub ed_public: String,
}

impl Keys {
    pub fn generate(rsa_bits: KeySize) -> Keys {
        let rsa = KeyPair::generate(rsa_bits).expect("RSA key");
        let rsa_pkcs8 = rsa.as_der().expect("PKCS#8").as_ref().to_vec();
        let rsa_public = b64(rsa.public_key().as_der().expect("SPKI").as_ref());
        let ed_pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .expect("Ed25519 key")
            .as_ref()
            .to_vec();
        let ed_public = b64(Ed25519KeyPair::from_pkcs8(&ed_pkcs8)
            .expect("Ed25519")
            .public_key()
            .as_ref());
        Keys {
            rsa_pkcs8,
            rsa_public,
            ed_pkcs8,
            ed_public,
        }
    }

    /// Signs with RSA (selector `rsa`) and Ed25519 (selector `ed`), returning the
    /// DKIM-Signature headers to put on top.
    pub fn sign(&self, message: &[u8], expires_in: Option<Duration>) -> String {
        let rsa = RsaKey::<Sha256>::from_key_der(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            self.rsa_pkcs8.clone(),
        )))
        .expect("RSA signing key");
        let mut rsa_signer = DkimSigner::from_key(rsa)
            .domain(DOMAIN)
            .selector("rsa")
            .headers(["From", "To", "Subject", "Date", "Message-ID"]);
        if let Some(expiry) = expires_in {
            rsa_signer = rsa_signer.expiration(expiry);
        }
        let rsa_signature = rsa_signer.sign(message).expect("RSA signature");
        let ed = Ed25519Key::from_pkcs8_der(&self.ed_pkcs8).expect("Ed25519 signing key");
        let ed_signature = DkimSigner::from_key(ed)
            .domain(DOMAIN)
            .selector("ed")
            .headers(["From", "To", "Subject", "Date", "Message-ID"])
            .sign(message)
            .expect("Ed25519 signature");
        format!("{}{}", rsa_signature.to_header(), ed_signature.to_header())
    }

    /// The recorded DNS for a sender with these keys and the given SPF/DMARC records.
    pub fn zone(&self, spf: &str, dmarc: Option<&str>) -> String {
        let mut zone = format!(
            "$ORIGIN {DOMAIN}.\n@ 300 IN TXT {spf}\n@ 300 IN MX 10 mail.{DOMAIN}.\nmail 300 IN A {SENDER_IP}\nrsa._domainkey 300 IN TXT {rsa}\ned._domainkey 300 IN TXT {ed}\n25.2.0.192.in-addr.arpa. 300 IN PTR mail.{DOMAIN}.\n",
            spf = txt(spf),
            rsa = txt(&format!("v=DKIM1; k=rsa; p={}", self.rsa_public)),
            ed = txt(&format!("v=DKIM1; k=ed25519; p={}", self.ed_public)),
        );
        match dmarc {
            Some(record) => zone.push_str(&format!("_dmarc 300 IN TXT {}\n", txt(record))),
            None => zone.push_str("_dmarc NXDOMAIN\n"),
        }
        zone
    }
}

/// The message as the sender's server wrote it (CRLF).
pub fn unsigned_message(date: &str) -> String {
    format!(
        "From: Sales <sales@{DOMAIN}>\r\nTo: buyer@example.net\r\nSubject: Quote 2026-118\r\nDate: {date}\r\nMessage-ID: <q118@{DOMAIN}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\nplease find the quote below.\r\n\r\nFrom the team\r\n"
    )
}

/// The message as the recipient stored it: its Received hop and Return-Path on top of the
/// signed message.
pub fn received(signed: &str, date: &str) -> String {
    format!(
        "Return-Path: <bounce@{DOMAIN}>\r\nReceived: from mail.{DOMAIN} (mail.{DOMAIN} [{SENDER_IP}])\r\n\tby mx.example.net (Postfix) with ESMTPS id 4QAbc1; {date}\r\n{signed}"
    )
}
