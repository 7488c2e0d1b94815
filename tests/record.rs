//! `spamwhy record` against a real authoritative DNS server on loopback (nsd), then offline
//! verification of the file it wrote: the round trip CI relies on.

mod support;

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_lc_rs::rsa::KeySize;
use support::{DOMAIN, Keys, SENDER_IP};

const NSD: &str = "/usr/sbin/nsd";

/// nsd serving `example.` and the sender's reverse zone; stopped (by its own PID) on drop.
struct Nsd {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Drop for Nsd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn nsd_available() -> bool {
    if Path::new(NSD).exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install nsd (see .ci/run)"
    );
    eprintln!("skipped: nsd is not installed");
    false
}

fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

const SOA: &str =
    "@ 300 IN SOA ns.example. hostmaster.example. 1 3600 600 86400 300\n@ 300 IN NS ns.example.\n";

fn start_nsd(forward_zone: &str, reverse_zone: &str) -> Nsd {
    let dir = std::env::temp_dir().join(format!(
        "spamwhy-nsd-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("example.zone"),
        format!("$ORIGIN example.\n$TTL 300\n{SOA}ns 300 IN A 127.0.0.1\n{forward_zone}"),
    )
    .unwrap();
    std::fs::write(
        dir.join("reverse.zone"),
        format!("$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 300\n{SOA}{reverse_zone}"),
    )
    .unwrap();
    let port = free_port();
    let d = dir.display();
    let config = format!(
        "server:\n  port: {port}\n  ip-address: 127.0.0.1\n  username: \"\"\n  chroot: \"\"\n  database: \"\"\n  zonelistfile: \"{d}/zone.list\"\n  pidfile: \"{d}/nsd.pid\"\n  xfrdfile: \"{d}/xfrd.state\"\n  logfile: \"{d}/nsd.log\"\n  zonesdir: \"{d}\"\n  verbosity: 1\nremote-control:\n  control-enable: no\nzone:\n  name: example\n  zonefile: example.zone\nzone:\n  name: 2.0.192.in-addr.arpa\n  zonefile: reverse.zone\n"
    );
    std::fs::write(dir.join("nsd.conf"), config).unwrap();
    let child = Command::new(NSD)
        .arg("-d")
        .arg("-c")
        .arg(dir.join("nsd.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nsd starts");
    let nsd = Nsd { child, port, dir };
    wait_until_answering(port, &nsd.dir);
    nsd
}

/// Sends a DNS query for `example. SOA` until nsd answers (it starts in about a second).
fn wait_until_answering(port: u16, dir: &Path) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let query = [
        0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, b'e', b'x', b'a', b'm', b'p', b'l',
        b'e', 0, 0, 6, 0, 1,
    ];
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut buf = [0u8; 512];
    while Instant::now() < deadline {
        let _ = socket.send_to(&query, ("127.0.0.1", port));
        if socket.recv_from(&mut buf).is_ok() {
            return;
        }
    }
    let log = std::fs::read_to_string(dir.join("nsd.log")).unwrap_or_default();
    panic!("nsd did not answer on port {port}: {log}");
}

fn spamwhy(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spamwhy"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap()
}

#[test]
fn record_then_verify_offline_round_trips() {
    if !nsd_available() {
        return;
    }
    let keys = Keys::generate(KeySize::Rsa2048);
    // Only the signed.example part of the zone keys() writes, relative to `example.`.
    let forward = keys
        .zone(
            "v=spf1 a:old.signed.example mx -all",
            Some("v=DMARC1; p=reject"),
        )
        .replace(&format!("$ORIGIN {DOMAIN}.\n"), "")
        .lines()
        .filter(|l| !l.contains("in-addr.arpa") && !l.contains("NXDOMAIN"))
        .map(|l| match l.split_once(' ') {
            Some(("@", rest)) => format!("signed {rest}"),
            Some((name, rest)) => format!("{name}.signed {rest}"),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let last = SENDER_IP.rsplit('.').next().unwrap();
    let nsd = start_nsd(&forward, &format!("{last} 300 IN PTR mail.{DOMAIN}.\n"));

    let dir = nsd.dir.clone();
    let date = "Tue, 10 Nov 2026 09:01:02 +0000";
    let unsigned = support::unsigned_message(date);
    let message = support::received(&(keys.sign(unsigned.as_bytes(), None) + &unsigned), date);
    let message_path = dir.join("message.eml");
    std::fs::write(&message_path, &message).unwrap();
    let recorded = dir.join("recorded.zone");
    let server = format!("127.0.0.1:{}", nsd.port);
    let output = spamwhy(&[
        "record",
        message_path.to_str().unwrap(),
        "-o",
        recorded.to_str().unwrap(),
        "--server",
        &server,
        "--timeout",
        "2",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let zone = std::fs::read_to_string(&recorded).unwrap();
    assert!(
        zone.contains("old.signed.example.\tNXDOMAIN"),
        "negative answers are recorded:\n{zone}"
    );
    assert!(zone.contains("rsa._domainkey.signed.example."), "{zone}");
    assert!(
        zone.contains(&format!("{last}.2.0.192.in-addr.arpa.")),
        "{zone}"
    );

    let output = spamwhy(&[
        "--format",
        "json",
        "--dns",
        recorded.to_str().unwrap(),
        message_path.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let v = &report["verification"];
    assert_eq!(v["spf"]["result"], "pass", "{zone}\n{v:#}");
    assert_eq!(v["dkim"][0]["result"], "pass", "{v:#}");
    assert_eq!(v["dkim"][1]["result"], "pass", "{v:#}");
    assert_eq!(v["dmarc"]["result"], "pass", "{v:#}");
    assert_eq!(v["iprev"]["result"], "pass", "{v:#}");
    assert_eq!(
        v["assumed_nonexistent"].as_array().unwrap().len(),
        0,
        "the recording is complete: {v:#}"
    );
}

#[test]
fn a_server_that_does_not_answer_is_a_clear_error_not_a_hang() {
    let dir = std::env::temp_dir().join(format!("spamwhy-record-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out.zone");
    let started = Instant::now();
    let server = format!("127.0.0.1:{}", free_port());
    let output = spamwhy(&[
        "record",
        "corpus/09-rspamd-milter-add-header.eml",
        "-o",
        out.to_str().unwrap(),
        "--server",
        &server,
        "--timeout",
        "1",
    ]);
    assert_eq!(
        output.status.code(),
        Some(69),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("did not answer"));
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(!out.exists());
}
