//! A deterministic generator of realistic mbox files for spamwhy's benchmark and tests.
//!
//! Every message is what an operator's export holds: sent by one of the operator's servers
//! (some well set up, some with a dynamic or missing reverse DNS name, one that says
//! `localhost`), DKIM-signed for real (RSA-2048, RSA-1024 or Ed25519 keys generated from the
//! seed; the public keys go to a recorded-DNS zone file with SPF and DMARC records and the
//! servers' PTR records), carried through 4-8 Received headers in the formats of Postfix,
//! Exim, Sendmail, Exchange, qmail, Dovecot LMTP, amavis and Gmail, and judged at the
//! recipient by SpamAssassin, Rspamd or a Gmail-like provider (Authentication-Results only).
//! Bodies are MIME (plain, alternative, mixed with base64 attachments) with sizes drawn
//! from a log-normal distribution: median about 10 KB, a long tail cut at 2 MB. The mbox is
//! mboxrd: body lines starting with `From ` (some messages have them) are quoted.
//!
//! Each message is built from its own random stream, seeded by the run's seed and its
//! index, so the output is the same whatever the number of threads.

mod dkim;
mod text;

use std::io::{self, Write};

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

pub use dkim::{Algorithm, Key};

/// Raised whenever the output for a given seed changes (the benchmark keys its cached files
/// by it).
pub const VERSION: u32 = 2;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    /// Stop after this many messages...
    pub messages: Option<u64>,
    /// ...or once the mbox is at least this large.
    pub bytes: Option<u64>,
    /// RSA modulus of the "strong" keys (2048; tests use smaller keys for speed).
    pub rsa_bits: usize,
    /// Threads that build messages (the output does not depend on it).
    pub threads: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            messages: Some(1000),
            bytes: None,
            rsa_bits: 2048,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub messages: u64,
    pub bytes: u64,
    /// DKIM signatures per algorithm: rsa-sha256 (2048), rsa-sha256 (1024), ed25519-sha256.
    pub signatures: [u64; 3],
    /// Body bytes covered by DKIM body hashes (for the SHA-256 bound of the benchmark).
    pub signed_body_bytes: u64,
    /// Messages a filter flagged as spam.
    pub flagged: u64,
}

/// One of the operator's sending servers.
struct Server {
    ip: &'static str,
    helo: &'static str,
    /// Reverse DNS name, if any.
    rdns: Option<&'static str>,
    /// Shapes the rules the filters apply.
    quality: Quality,
    /// The MTA (for the format of its own Received headers).
    mta: Mta,
    weight: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quality {
    Good,
    DynamicRdns,
    NoRdns,
    HeloLocalhost,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mta {
    Postfix,
    Exim,
    Sendmail,
    Exchange,
    Qmail,
}

const SERVERS: &[Server] = &[
    Server {
        ip: "198.51.100.25",
        helo: "mail.northwind-trading.example",
        rdns: Some("mail.northwind-trading.example"),
        quality: Quality::Good,
        mta: Mta::Postfix,
        weight: 40,
    },
    Server {
        ip: "198.51.100.26",
        helo: "mail2.northwind-trading.example",
        rdns: Some("mail2.northwind-trading.example"),
        quality: Quality::Good,
        mta: Mta::Exim,
        weight: 20,
    },
    Server {
        ip: "203.0.113.77",
        helo: "office-gw.northwind-trading.example",
        rdns: Some("203-0-113-77.dyn.broadband.example"),
        quality: Quality::DynamicRdns,
        mta: Mta::Exchange,
        weight: 15,
    },
    Server {
        ip: "192.0.2.140",
        helo: "newsletter.northwind-shop.example",
        rdns: None,
        quality: Quality::NoRdns,
        mta: Mta::Sendmail,
        weight: 15,
    },
    Server {
        ip: "192.0.2.99",
        helo: "localhost",
        rdns: Some("vps99.cloudhost.example"),
        quality: Quality::HeloLocalhost,
        mta: Mta::Qmail,
        weight: 10,
    },
];

/// A signing domain of the operator.
struct Domain {
    name: &'static str,
    selector: &'static str,
    algorithm: Algorithm,
    /// Bulk mail (newsletters) from this domain.
    bulk: bool,
}

const DOMAINS: &[Domain] = &[
    Domain {
        name: "northwind-trading.example",
        selector: "s2026",
        algorithm: Algorithm::Rsa2048,
        bulk: false,
    },
    Domain {
        name: "northwind-shop.example",
        selector: "mk1",
        algorithm: Algorithm::Rsa2048,
        bulk: true,
    },
    Domain {
        name: "northwind-support.example",
        selector: "ed1",
        algorithm: Algorithm::Ed25519,
        bulk: false,
    },
    Domain {
        name: "nw-legacy.example",
        selector: "default",
        algorithm: Algorithm::Rsa1024,
        bulk: false,
    },
];

/// A recipient's mail system.
#[derive(Clone, Copy)]
enum Recipient {
    /// Postfix + amavis + SpamAssassin, Dovecot LMTP.
    SpamAssassin,
    /// Postfix or Exim + Rspamd milter.
    Rspamd,
    /// Gmail-like: Authentication-Results, no score.
    Provider,
}

const RECIPIENT_DOMAINS: &[(&str, &str, Recipient)] = &[
    ("example.net", "mx.example.net", Recipient::SpamAssassin),
    (
        "kundenpost.example",
        "mx1.kundenpost.example",
        Recipient::SpamAssassin,
    ),
    ("fastlane.example", "mx.fastlane.example", Recipient::Rspamd),
    (
        "rspamd-isp.example",
        "in1.rspamd-isp.example",
        Recipient::Rspamd,
    ),
    ("gmail.example", "mx.google.example", Recipient::Provider),
];

/// A small fast generator for the bulk of the random choices (bodies).
pub struct Rng(ChaCha8Rng);

impl Rng {
    fn for_message(seed: u64, index: u64) -> Rng {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&index.to_le_bytes());
        key[16..24].copy_from_slice(b"spamwhy!");
        Rng(ChaCha8Rng::from_seed(key))
    }

    pub fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.u64() % n }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn fill(&mut self, bytes: &mut [u8]) {
        self.0.fill_bytes(bytes);
    }

    fn hex(&mut self, len: usize) -> String {
        const HEX: &[u8] = b"0123456789ABCDEF";
        (0..len)
            .map(|_| HEX[self.below(16) as usize] as char)
            .collect()
    }

    fn alnum(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize] as char)
            .collect()
    }
}

/// The keys of the run, generated from the seed.
pub struct Keys {
    keys: Vec<Key>,
}

impl Keys {
    pub fn generate(seed: u64, rsa_bits: usize) -> Keys {
        let keys = DOMAINS
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let mut key_seed = [0u8; 32];
                key_seed[..8].copy_from_slice(&seed.to_le_bytes());
                key_seed[8] = i as u8;
                key_seed[9..16].copy_from_slice(b"dkimkey");
                let mut rng = ChaCha8Rng::from_seed(key_seed);
                Key::generate(d.algorithm, rsa_bits, &mut rng)
            })
            .collect();
        Keys { keys }
    }

    /// The recorded-DNS zone file: DKIM keys, SPF, DMARC, PTR and A records.
    pub fn zone(&self) -> String {
        let mut out = String::from(
            "; Recorded DNS for the generated mbox (spamwhy-gen): DKIM public keys, SPF, DMARC,\n\
             ; and the sending servers' PTR and A records. DNS master-file syntax.\n",
        );
        for (domain, key) in DOMAINS.iter().zip(&self.keys) {
            out.push_str(&txt_record(
                &format!("{}._domainkey.{}.", domain.selector, domain.name),
                &key.dns_record(),
            ));
            let ips: Vec<String> = SERVERS.iter().map(|s| format!("ip4:{}", s.ip)).collect();
            out.push_str(&txt_record(
                &format!("{}.", domain.name),
                &format!("v=spf1 {} -all", ips.join(" ")),
            ));
            out.push_str(&txt_record(
                &format!("_dmarc.{}.", domain.name),
                &format!("v=DMARC1; p=quarantine; rua=mailto:dmarc@{}", domain.name),
            ));
        }
        for server in SERVERS {
            let octets: Vec<&str> = server.ip.split('.').rev().collect();
            if let Some(rdns) = server.rdns {
                out.push_str(&format!(
                    "{}.in-addr.arpa. 3600 IN PTR {rdns}.\n{rdns}. 3600 IN A {}\n",
                    octets.join("."),
                    server.ip
                ));
            }
        }
        out
    }
}

/// A TXT record, its text split into quoted strings of at most 255 bytes.
fn txt_record(owner: &str, text: &str) -> String {
    let pieces: Vec<String> = text
        .as_bytes()
        .chunks(255)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect();
    format!("{owner} 3600 IN TXT {}\n", pieces.join(" "))
}

/// One generated message, ready for the mbox.
struct Built {
    /// The mbox entry: `From ` line, message (mboxrd-quoted), blank line.
    entry: Vec<u8>,
    algorithm: Algorithm,
    signed_body: u64,
    flagged: bool,
}

/// Writes the mbox (and returns what it holds). Messages are built on `config.threads`
/// threads, in batches, and written in order.
pub fn generate(config: &Config, keys: &Keys, out: &mut dyn Write) -> io::Result<Stats> {
    let mut stats = Stats::default();
    let threads = config.threads.max(1);
    let batch = 64 * threads as u64;
    let mut next = 0u64;
    loop {
        let remaining = config.messages.map_or(u64::MAX, |m| m.saturating_sub(next));
        if remaining == 0 || config.bytes.is_some_and(|b| stats.bytes >= b) {
            break;
        }
        let count = remaining.min(batch);
        let built: Vec<Built> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads as u64)
                .map(|t| {
                    scope.spawn(move || {
                        (0..count)
                            .filter(|i| i % threads as u64 == t)
                            .map(|i| (i, build(config.seed, next + i, keys)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            let mut all: Vec<(u64, Built)> = handles
                .into_iter()
                .flat_map(|h| h.join().expect("a generator thread"))
                .collect();
            all.sort_by_key(|(i, _)| *i);
            all.into_iter().map(|(_, b)| b).collect()
        });
        for message in built {
            if config.bytes.is_some_and(|b| stats.bytes >= b) {
                break;
            }
            out.write_all(&message.entry)?;
            stats.messages += 1;
            stats.bytes += message.entry.len() as u64;
            stats.signatures[message.algorithm as usize] += 1;
            stats.signed_body_bytes += message.signed_body;
            stats.flagged += u64::from(message.flagged);
            next += 1;
        }
    }
    Ok(stats)
}

/// RFC 5322 date for a timestamp (UTC offsets only as given).
fn rfc5322(ts: i64, offset_minutes: i32) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let local = ts + i64::from(offset_minutes) * 60;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let off = offset_minutes.abs();
    format!(
        "{}, {} {} {} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        DAYS[days.rem_euclid(7) as usize],
        d,
        MONTHS[(m - 1) as usize],
        y,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        off / 60,
        off % 60
    )
}

/// mbox `From ` line date (asctime).
fn asctime(ts: i64) -> String {
    let full = rfc5322(ts, 0);
    // "Tue, 10 Nov 2026 09:01:02 +0000" -> "Tue Nov 10 09:01:02 2026"
    let parts: Vec<&str> = full.split([' ', ',']).filter(|s| !s.is_empty()).collect();
    format!(
        "{} {} {:>2} {} {}",
        parts[0], parts[2], parts[1], parts[4], parts[3]
    )
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// One scored rule.
struct Hit {
    name: &'static str,
    score: f64,
    options: String,
}

fn weighted_server(rng: &mut Rng) -> &'static Server {
    let total: u32 = SERVERS.iter().map(|s| s.weight).sum();
    let mut pick = rng.below(u64::from(total)) as u32;
    for server in SERVERS {
        if pick < server.weight {
            return server;
        }
        pick -= server.weight;
    }
    &SERVERS[0]
}

/// Builds message `index`.
fn build(seed: u64, index: u64, keys: &Keys) -> Built {
    let mut rng = Rng::for_message(seed, index);
    let server = weighted_server(&mut rng);
    let domain_index = rng.below(DOMAINS.len() as u64) as usize;
    let domain = &DOMAINS[domain_index];
    let key = &keys.keys[domain_index];
    let (rcpt_domain, mx, recipient) = *rng.pick(RECIPIENT_DOMAINS);
    let user = rng.pick(text::FIRST_NAMES).to_ascii_lowercase();
    let rcpt = format!(
        "{}.{}@{rcpt_domain}",
        user,
        rng.pick(text::LAST_NAMES).to_ascii_lowercase()
    );
    let sender_local = if domain.bulk {
        "news"
    } else {
        rng.pick(&[
            "info",
            "orders",
            "support",
            "billing",
            "j.meyer",
            "a.kowalski",
        ])
    };
    let from = format!("{sender_local}@{}", domain.name);
    let sent = 1_785_000_000 + (index as i64) * 37 + rng.below(30) as i64;
    let offset = *rng.pick(&[60, 0, -300, 120, 330]);

    // The message as the sender's server signed it.
    let body_target = {
        let size = (7_000f64.ln() + 1.4 * rng.normal()).exp();
        size.clamp(600.0, 2_000_000.0) as usize
    };
    let mut body = text::mime_body(&mut rng, body_target, domain.bulk);
    // A few messages are changed after signing (a footer added by a relay), so their DKIM
    // signature really fails.
    let dkim_ok = !rng.chance(0.04);
    let subject = text::subject(&mut rng, domain.bulk);
    let msgid = format!("<{}.{}@{}>", rng.alnum(16), index, domain.name);
    let mut signed_headers: Vec<(String, String)> = vec![
        (
            "From".into(),
            format!("\"Northwind {}\" <{from}>", text::title(sender_local)),
        ),
        ("To".into(), format!("<{rcpt}>")),
        ("Subject".into(), subject),
        ("Date".into(), rfc5322(sent, offset)),
        ("Message-ID".into(), msgid),
        ("MIME-Version".into(), "1.0".into()),
        ("Content-Type".into(), body.content_type.clone()),
    ];
    if domain.bulk {
        signed_headers.push((
            "List-Unsubscribe".into(),
            format!("<https://{}/u/{}>", domain.name, rng.alnum(24)),
        ));
        signed_headers.push(("List-Id".into(), format!("<offers.{}>", domain.name)));
        signed_headers.push((
            "Feedback-ID".into(),
            format!("{}:offers:nw", rng.below(99999)),
        ));
    }
    let simple = rng.chance(0.15);
    let dkim_header = key.sign(
        domain.name,
        domain.selector,
        &signed_headers,
        &body.bytes,
        sent,
        simple,
    );

    // Sender-side trace (older hops, below).
    let mut received: Vec<String> = Vec::new();
    let client_ip = format!(
        "10.{}.{}.{}",
        rng.below(4),
        rng.below(250),
        2 + rng.below(250)
    );
    let queue = rng.hex(10);
    match server.mta {
        Mta::Postfix => {
            received.push(format!(
                "from [{client_ip}] (unknown [{client_ip}])\n\t(Authenticated sender: {from})\n\tby {} (Postfix) with ESMTPSA id 4{}\n\tfor <{rcpt}>; {}",
                server.helo, queue, rfc5322(sent + 1, offset)
            ));
            received.push(format!(
                "from localhost (localhost [127.0.0.1])\n\tby {} (Postfix) with ESMTP id {}\n\tfor <{rcpt}>; {}",
                server.helo, rng.hex(10), rfc5322(sent + 2, offset)
            ));
        }
        Mta::Exim => {
            received.push(format!(
                "from [{client_ip}] (helo=[{client_ip}])\n\tby {} with esmtpsa  (TLS1.3) tls TLS_AES_256_GCM_SHA384\n\t(Exim 4.97)\n\t(envelope-from <{from}>)\n\tid 1t{}-000{}-{}\n\tfor {rcpt}; {}",
                server.helo, rng.alnum(5), rng.alnum(3), rng.alnum(2), rfc5322(sent + 1, offset)
            ));
            received.push(format!(
                "from localhost ([127.0.0.1] helo={})\n\tby {} with esmtp (Exim 4.97)\n\t(envelope-from <{from}>)\n\tid 1t{}-000{}-{}\n\tfor {rcpt}; {}",
                server.helo, server.helo, rng.alnum(5), rng.alnum(3), rng.alnum(2), rfc5322(sent + 2, offset)
            ));
        }
        Mta::Sendmail => {
            received.push(format!(
                "from app3.internal ([{client_ip}])\n\tby {} (8.17.1/8.17.1) with ESMTP id 5A{}\n\tfor <{rcpt}>; {}",
                server.helo, rng.hex(12), rfc5322(sent + 1, offset)
            ));
            received.push(format!(
                "from localhost (localhost [127.0.0.1])\n\tby {} (8.17.1/8.17.1) with ESMTP id 5A{}\n\tfor <{rcpt}>; {}",
                server.helo, rng.hex(12), rfc5322(sent + 2, offset)
            ));
        }
        Mta::Exchange => {
            received.push(format!(
                "from EXCH01.corp.northwind-trading.example ({client_ip}) by EXCH02.corp.northwind-trading.example\n ({}) with Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1258.28; {}",
                client_ip.replace(".2", ".3"), rfc5322(sent + 1, offset)
            ));
            received.push(format!(
                "from EXCH02.corp.northwind-trading.example ({client_ip}) by\n {} ({}) with Microsoft SMTP Server\n (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\n 15.2.1258.28; {}",
                server.helo, server.ip, rfc5322(sent + 2, offset)
            ));
        }
        Mta::Qmail => {
            received.push(format!(
                "(qmail {} invoked by uid 89); {}",
                10000 + rng.below(50000),
                rfc5322(sent + 1, 0)
            ));
            received.push(format!(
                "from unknown (HELO localhost) (127.0.0.1)\n  by localhost with SMTP; {}",
                rfc5322(sent + 2, 0)
            ));
        }
    }
    received.reverse();
    // 2 hops above, 0-3 relays, the recipient's MX and 1-2 internal hops: 4-8 in all.
    let extra_hops = rng.below(4);
    for _ in 0..extra_hops {
        received.insert(
            0,
            format!(
                "from relay{n}.northwind-trading.example (relay{n}.northwind-trading.example [10.9.0.{n}])\n\tby {} (Postfix) with ESMTPS id 4{}\n\tfor <{rcpt}>; {}",
                server.helo,
                rng.hex(10),
                rfc5322(sent + 3, offset),
                n = 1 + rng.below(9)
            ),
        );
    }

    // The recipient's side: the MX receiving from the sender's server, then internal hops.
    let arrive = sent + 4 + rng.below(20) as i64;
    let rdns_shown = server.rdns.unwrap_or("unknown");
    let tls = rng.chance(0.85);
    let mx_hop = match recipient {
        Recipient::SpamAssassin => format!(
            "from {} ({rdns_shown} [{}])\n\t{}by {mx} (Postfix) with {} id 4{}\n\tfor <{rcpt}>; {}",
            server.helo,
            server.ip,
            if tls {
                "(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n\t(No client certificate requested)\n\t"
            } else {
                ""
            },
            if tls { "ESMTPS" } else { "ESMTP" },
            rng.hex(10),
            rfc5322(arrive, 60)
        ),
        Recipient::Rspamd => format!(
            "from {} ([{}] helo={})\n\tby {mx} with {}\n\t(Exim 4.98)\n\t(envelope-from <{from}>)\n\tid 1u{}-00{}-{}\n\tfor {rcpt}; {}",
            rdns_shown,
            server.ip,
            server.helo,
            if tls {
                "esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384"
            } else {
                "esmtp"
            },
            rng.alnum(5),
            rng.alnum(4),
            rng.alnum(2),
            rfc5322(arrive, 0)
        ),
        Recipient::Provider => format!(
            "from {} ({} [{}])\n        by {mx} with {} id a640c23a62f3a-{}.{}.2026.11.10.01.01.02\n        for <{rcpt}>\n        {};\n        {}",
            server.helo,
            server
                .rdns
                .map_or_else(|| "unknown".to_owned(), |r| format!("{r}.")),
            server.ip,
            if tls { "ESMTPS" } else { "SMTP" },
            rng.alnum(12).to_ascii_lowercase(),
            rng.below(99),
            if tls {
                "(version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)"
            } else {
                "(no TLS)"
            },
            rfc5322(arrive, -480)
        ),
    };
    received.insert(0, mx_hop);
    match recipient {
        Recipient::SpamAssassin => {
            received.insert(
                0,
                format!(
                    "from {mx} ([127.0.0.1])\n\tby localhost ({mx} [127.0.0.1]) (amavis, port 10024) with ESMTP\n\tid {}; {}",
                    rng.alnum(12),
                    rfc5322(arrive + 1, 60)
                ),
            );
            received.insert(
                0,
                format!(
                    "from {mx}\n\tby imap.{rcpt_domain} with LMTP\n\tid {}\n\t(envelope-from <{from}>)\n\tfor <{rcpt}>; {}",
                    rng.alnum(22),
                    rfc5322(arrive + 2, 60)
                ),
            );
        }
        Recipient::Rspamd => received.insert(
            0,
            format!(
                "from {mx} ({mx} [10.20.0.5])\n\tby store2.{rcpt_domain} (Postfix) with ESMTPS id 4{}\n\tfor <{rcpt}>; {}",
                rng.hex(10),
                rfc5322(arrive + 1, 0)
            ),
        ),
        Recipient::Provider => received.insert(
            0,
            format!(
                "by 2002:a05:6a10:{:x}:b0:{:x}:{:x}:{:x} with SMTP id {};\n        {}",
                rng.below(0xffff),
                rng.below(0xfff),
                rng.below(0xffff),
                rng.below(0xffff),
                rng.alnum(10).to_ascii_lowercase(),
                rfc5322(arrive + 1, -480)
            ),
        ),
    }

    if !dkim_ok {
        body.bytes
            .extend_from_slice(b"\n-- \nThis message passed through the Northwind relay.\n");
    }

    // What the recipient's filters said.
    let spf_ok = server.quality != Quality::HeloLocalhost || rng.chance(0.5);
    let mut hits: Vec<Hit> = Vec::new();
    let mut trace: Vec<(String, String)> = Vec::new();
    let authserv = mx;
    let spf = if spf_ok { "pass" } else { "softfail" };
    let dkim = if dkim_ok {
        "pass"
    } else {
        "fail (body hash did not verify)"
    };
    let dmarc = if dkim_ok || spf_ok { "pass" } else { "fail" };
    let ar = format!(
        "{authserv};\n\tspf={spf} (sender IP is {}) smtp.mailfrom={from} smtp.helo={};\n\tdkim={dkim} header.d={} header.s={} header.b={};\n\tdmarc={dmarc} (p=quarantine dis=none) header.from={}",
        server.ip,
        server.helo,
        domain.name,
        domain.selector,
        &dkim_header.1[..8],
        domain.name
    );
    let flagged;
    match recipient {
        Recipient::SpamAssassin => {
            sa_hits(&mut rng, server, domain, dkim_ok, spf_ok, tls, &mut hits);
            let score: f64 = hits.iter().map(|h| h.score).sum();
            flagged = score >= 5.0;
            let tests: Vec<String> = hits
                .iter()
                .map(|h| format!("{}={:.3}", h.name, h.score))
                .collect();
            let mut status = format!(
                "{}, score={score:.1} required=5.0 tests=",
                if flagged { "Yes" } else { "No" }
            );
            let mut line_len = status.len();
            for (i, t) in tests.iter().enumerate() {
                if i > 0 {
                    status.push(',');
                    line_len += 1;
                }
                if line_len + t.len() > 70 {
                    status.push_str("\n\t");
                    line_len = 1;
                }
                status.push_str(t);
                line_len += t.len();
            }
            status.push_str("\n\tautolearn=no autolearn_force=no version=4.0.1");
            trace.push((
                "X-Spam-Checker-Version".into(),
                format!("SpamAssassin 4.0.1 (2024-03-26) on {mx}"),
            ));
            if flagged {
                trace.push(("X-Spam-Flag".into(), "YES".into()));
            }
            trace.push(("X-Spam-Level".into(), "*".repeat(score.max(0.0) as usize)));
            trace.push(("X-Spam-Status".into(), status));
            trace.push(("Authentication-Results".into(), ar));
        }
        Recipient::Rspamd => {
            rspamd_hits(&mut rng, server, domain, dkim_ok, spf_ok, &mut hits);
            let score: f64 = hits.iter().map(|h| h.score).sum();
            let action = if score >= 15.0 {
                "reject"
            } else if score >= 6.0 {
                "add header"
            } else {
                "no action"
            };
            flagged = score >= 6.0;
            let mut result = format!(
                "default: {} [{score:.2} / 15.00];",
                if score >= 15.0 { "True" } else { "False" }
            );
            for h in &hits {
                result.push_str(&format!("\n\t{}({:.2})[{}];", h.name, h.score, h.options));
            }
            result.pop();
            trace.push(("X-Rspamd-Server".into(), mx.to_string()));
            trace.push(("X-Rspamd-Queue-Id".into(), rng.hex(12)));
            trace.push(("X-Spamd-Result".into(), result));
            trace.push(("X-Rspamd-Action".into(), action.into()));
            trace.push(("X-Spamd-Bar".into(), "+".repeat(score.max(0.0) as usize)));
            trace.push(("Authentication-Results".into(), ar));
        }
        Recipient::Provider => {
            flagged = !dkim_ok || server.quality == Quality::HeloLocalhost && rng.chance(0.5);
            trace.push(("ARC-Authentication-Results".into(), format!("i=1; {ar}")));
            trace.push(("Authentication-Results".into(), ar));
            trace.push(("Received-SPF".into(), format!(
                "{spf} (google.example: domain of {from} designates {} as permitted sender) client-ip={};",
                server.ip, server.ip
            )));
            if flagged {
                trace.push(("X-Spam-Flag".into(), "YES".into()));
            }
        }
    }

    // Assemble: recipient-side headers on top, then the trace, then the signed message.
    let mut msg = String::with_capacity(body.bytes.len() + 6000);
    msg.push_str(&format!("Return-Path: <{from}>\nDelivered-To: {rcpt}\n"));
    let recipient_hops = match recipient {
        Recipient::SpamAssassin => 3,
        _ => 2,
    };
    for (i, r) in received.iter().enumerate() {
        if i == recipient_hops - 1 {
            // Filter headers sit between the recipient's own hops and the MX hop.
            for (name, value) in &trace {
                msg.push_str(&format!("{name}: {value}\n"));
            }
        }
        msg.push_str(&format!("Received: {r}\n"));
    }
    msg.push_str(&format!("DKIM-Signature: {}\n", dkim_header.0));
    for (name, value) in &signed_headers {
        msg.push_str(&format!("{name}: {value}\n"));
    }
    msg.push_str("X-Mailer: Northwind Mailer 3.2\n\n");

    let mut entry = Vec::with_capacity(msg.len() + body.bytes.len() + 128);
    entry.extend_from_slice(format!("From {from} {}\n", asctime(arrive)).as_bytes());
    entry.extend_from_slice(msg.as_bytes());
    quote_into(&body.bytes, &mut entry);
    if !entry.ends_with(b"\n") {
        entry.push(b'\n');
    }
    entry.push(b'\n');
    Built {
        entry,
        algorithm: domain.algorithm,
        signed_body: body.bytes.len() as u64,
        flagged,
    }
}

/// mboxrd quoting: one more `>` before every line that matches `>*From `.
fn quote_into(body: &[u8], out: &mut Vec<u8>) {
    for line in body.split_inclusive(|&b| b == b'\n') {
        let rest = &line[line.iter().take_while(|&&b| b == b'>').count()..];
        if rest.starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
}

fn sa_hits(
    rng: &mut Rng,
    server: &Server,
    domain: &Domain,
    dkim_ok: bool,
    spf_ok: bool,
    tls: bool,
    hits: &mut Vec<Hit>,
) {
    let mut hit = |name: &'static str, score: f64| {
        hits.push(Hit {
            name,
            score,
            options: String::new(),
        })
    };
    match server.quality {
        Quality::Good => {}
        Quality::DynamicRdns => {
            hit("RDNS_DYNAMIC", 0.982);
            hit("RCVD_IN_PBL", 3.335);
        }
        Quality::NoRdns => hit("RDNS_NONE", 1.274),
        Quality::HeloLocalhost => {
            hit("HELO_LOCALHOST", 3.8);
            hit("KHOP_HELO_FCRDNS", 0.399);
        }
    }
    if dkim_ok {
        hit("DKIM_SIGNED", 0.1);
        hit("DKIM_VALID", -0.1);
        hit("DKIM_VALID_AU", -0.1);
        hit("DKIM_VALID_EF", -0.1);
    } else {
        hit("DKIM_SIGNED", 0.1);
        hit("DKIM_INVALID", 0.1);
    }
    if spf_ok {
        hit("SPF_PASS", -0.001);
    } else {
        hit("SPF_SOFTFAIL", 0.665);
    }
    hit("SPF_HELO_NONE", 0.001);
    let bayes = rng.unit();
    if bayes < 0.35 {
        hit("BAYES_00", -1.9);
    } else if bayes < 0.65 {
        hit("BAYES_50", 0.8);
    } else if bayes < 0.85 {
        hit("BAYES_80", 2.0);
    } else {
        hit("BAYES_99", 3.5);
        hit("BAYES_999", 0.2);
    }
    if domain.bulk {
        hit("HTML_MESSAGE", 0.001);
        if rng.chance(0.3) {
            hit("HTML_IMAGE_RATIO_02", 0.805);
        }
        if rng.chance(0.1) {
            hit("URIBL_ABUSE_SURBL", 1.948);
        }
    }
    if rng.chance(0.2) {
        hit("URIBL_BLOCKED", 0.001);
        hit("RCVD_IN_ZEN_BLOCKED_OPENDNS", 0.001);
    }
    if !tls && rng.chance(0.5) {
        hit("T_SCC_BODY_TEXT_LINE", -0.01);
    }
    if rng.chance(0.05) {
        hit("RCVD_IN_SBL", 2.596);
    }
}

fn rspamd_hits(
    rng: &mut Rng,
    server: &Server,
    domain: &Domain,
    dkim_ok: bool,
    spf_ok: bool,
    hits: &mut Vec<Hit>,
) {
    let mut hit = |name: &'static str, score: f64, options: String| {
        hits.push(Hit {
            name,
            score,
            options,
        })
    };
    match server.quality {
        Quality::Good => {}
        Quality::DynamicRdns => {
            hit("RBL_SPAMHAUS_PBL", 2.0, format!("{}:from", server.ip));
            hit("HFILTER_HOSTNAME_4", 2.5, String::new());
        }
        Quality::NoRdns => {
            hit("RDNS_NONE", 2.0, String::new());
            hit("HFILTER_HOSTNAME_UNKNOWN", 2.5, String::new());
        }
        Quality::HeloLocalhost => {
            hit("HFILTER_HELO_NOT_FQDN", 2.0, "localhost".into());
            hit("HFILTER_HELO_5", 3.0, "localhost".into());
        }
    }
    if spf_ok {
        hit("R_SPF_ALLOW", -0.2, "+ip4:".to_owned() + server.ip);
    } else {
        hit("R_SPF_SOFTFAIL", 0.0, "~all".into());
    }
    if dkim_ok {
        hit(
            "R_DKIM_ALLOW",
            -0.2,
            format!("{}:s={}", domain.name, domain.selector),
        );
        hit(
            "DMARC_POLICY_ALLOW",
            -0.5,
            format!("{},quarantine", domain.name),
        );
    } else {
        hit(
            "R_DKIM_REJECT",
            1.0,
            format!("{}:s={}", domain.name, domain.selector),
        );
    }
    hit("MIME_GOOD", -0.1, "multipart/alternative,text/plain".into());
    hit("ARC_NA", 0.0, String::new());
    hit("FROM_HAS_DN", 0.0, String::new());
    hit("RCPT_COUNT_ONE", 0.0, "1".into());
    hit(
        "ASN",
        0.0,
        format!("asn:64500, ipnet:{}/24, country:DE", server.ip),
    );
    let bayes = rng.unit();
    if bayes < 0.45 {
        hit("BAYES_HAM", -3.0, "99.99%".into());
    } else if bayes > 0.75 {
        hit("BAYES_SPAM", 5.1, "97.53%".into());
    }
    if domain.bulk && rng.chance(0.3) {
        hit("MANY_INVISIBLE_PARTS", 0.3, "2".into());
    }
    if rng.chance(0.15) {
        hit("DNSWL_BLOCKED", 0.0, format!("{}:from", server.ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_separator_lines() {
        assert_eq!(rfc5322(1_785_000_000, 0), "Sat, 25 Jul 2026 17:20:00 +0000");
        assert_eq!(
            rfc5322(1_785_000_000, 60),
            "Sat, 25 Jul 2026 18:20:00 +0100"
        );
        assert_eq!(asctime(1_785_000_000), "Sat Jul 25 17:20:00 2026");
    }

    #[test]
    fn output_is_deterministic_and_independent_of_threads() {
        let keys = Keys::generate(7, 512);
        let mut a = Vec::new();
        let mut b = Vec::new();
        let one = Config {
            seed: 7,
            messages: Some(40),
            bytes: None,
            rsa_bits: 512,
            threads: 1,
        };
        let three = Config {
            threads: 3,
            ..one.clone()
        };
        let stats = generate(&one, &keys, &mut a).unwrap();
        generate(&three, &keys, &mut b).unwrap();
        assert_eq!(a, b);
        assert_eq!(stats.messages, 40);
        let separators = a
            .split(|&c| c == b'\n')
            .filter(|l| l.starts_with(b"From "))
            .count();
        assert_eq!(separators, 40, "body lines starting with From are quoted");
    }

    #[test]
    fn every_message_has_four_to_eight_received_headers() {
        let keys = Keys::generate(3, 512);
        let mut out = Vec::new();
        let config = Config {
            seed: 3,
            messages: Some(200),
            bytes: None,
            rsa_bits: 512,
            threads: 2,
        };
        generate(&config, &keys, &mut out).unwrap();
        let text = String::from_utf8_lossy(&out);
        let mut counts = Vec::new();
        for entry in text.split("\nFrom ").skip(1) {
            let headers = entry.split("\n\n").next().unwrap();
            counts.push(
                headers
                    .lines()
                    .filter(|l| l.starts_with("Received: "))
                    .count(),
            );
        }
        assert_eq!(counts.len(), 199);
        assert!(counts.iter().all(|&n| (4..=8).contains(&n)), "{counts:?}");
        assert!(counts.contains(&4) && counts.contains(&8), "{counts:?}");
    }

    #[test]
    fn zone_splits_long_txt_strings() {
        let keys = Keys::generate(7, 2048);
        let zone = keys.zone();
        assert!(zone.contains(
            "s2026._domainkey.northwind-trading.example. 3600 IN TXT \"v=DKIM1; k=rsa; p="
        ));
        for line in zone.lines().filter(|l| l.contains(" TXT ")) {
            for piece in line.split('"').skip(1).step_by(2) {
                assert!(piece.len() <= 255, "{line}");
            }
        }
    }
}
