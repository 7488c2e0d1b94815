//! `spamwhy-gen`: writes a realistic mbox and its recorded DNS, deterministically.
//!
//! ```sh
//! spamwhy-gen --out bench.mbox --dns bench.zone --messages 100000 --seed 1
//! spamwhy-gen --out bench.mbox --dns bench.zone --size 1GiB
//! ```

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use spamwhy_gen::{Config, Keys, generate};

const USAGE: &str = "usage: spamwhy-gen --out FILE.mbox [--dns FILE.zone] [--messages N | --size BYTES[KiB|MiB|GiB]] [--seed N] [--threads N]";

fn size(text: &str) -> Option<u64> {
    let (digits, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = digits.parse().ok()?;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1 << 10,
        "m" | "mib" | "mb" => 1 << 20,
        "g" | "gib" | "gb" => 1 << 30,
        _ => return None,
    };
    Some(n * factor)
}

fn main() -> ExitCode {
    let mut config = Config {
        messages: None,
        ..Config::default()
    };
    let mut out = None;
    let mut dns = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let ok = match (arg.as_str(), value) {
            ("--out", Some(v)) => {
                out = Some(v);
                true
            }
            ("--dns", Some(v)) => {
                dns = Some(v);
                true
            }
            ("--messages", Some(v)) => v.parse().map(|n| config.messages = Some(n)).is_ok(),
            ("--size", Some(v)) => size(&v).map(|n| config.bytes = Some(n)).is_some(),
            ("--seed", Some(v)) => v.parse().map(|n| config.seed = n).is_ok(),
            ("--threads", Some(v)) => v.parse().map(|n| config.threads = n).is_ok(),
            _ => false,
        };
        if !ok {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    let Some(out) = out else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if config.messages.is_none() && config.bytes.is_none() {
        config.messages = Some(1000);
    }
    let keys = Keys::generate(config.seed, config.rsa_bits);
    if let Some(dns) = dns
        && let Err(e) = std::fs::write(&dns, keys.zone())
    {
        eprintln!("spamwhy-gen: {dns}: {e}");
        return ExitCode::from(74);
    }
    let file = match std::fs::File::create(&out) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("spamwhy-gen: {out}: {e}");
            return ExitCode::from(74);
        }
    };
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    match generate(&config, &keys, &mut writer).and_then(|stats| writer.flush().map(|()| stats)) {
        Ok(stats) => {
            eprintln!(
                "spamwhy-gen: {out}: {} messages, {} bytes, {} flagged; DKIM signatures: {} rsa-2048, {} rsa-1024, {} ed25519",
                stats.messages,
                stats.bytes,
                stats.flagged,
                stats.signatures[0],
                stats.signatures[1],
                stats.signatures[2]
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("spamwhy-gen: {out}: {e}");
            ExitCode::from(74)
        }
    }
}
