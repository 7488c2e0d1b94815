//! The binary's contract: exit codes, error lines that name the file, batches that go on
//! after a bad input, standard input, JSON shape, and terminal safety.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn spamwhy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_spamwhy"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

fn spamwhy_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spamwhy"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("output is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const SA_MESSAGE: &str = "corpus/01-sa-default-dynamic-ptr.eml";
const RSPAMD_MESSAGE: &str = "corpus/09-rspamd-milter-add-header.eml";

#[test]
fn analyses_a_message_and_prints_the_verdict() {
    let output = spamwhy(&[SA_MESSAGE]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("SpamAssassin: SPAM, score 10.9 of 5 needed"),
        "{text}"
    );
    assert!(text.contains("HELO_LOCALHOST"), "{text}");
}

#[test]
fn json_for_one_input_is_an_object_with_the_schema_version() {
    let output = spamwhy(&["--format", "json", RSPAMD_MESSAGE]);
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["verdicts"][0]["filter"], "rspamd");
    assert_eq!(report["verdicts"][0]["action"], "add header");
}

#[test]
fn json_for_several_inputs_is_an_array() {
    let output = spamwhy(&["--format", "json", SA_MESSAGE, RSPAMD_MESSAGE]);
    let reports: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(reports.as_array().unwrap().len(), 2);
}

#[test]
fn missing_file_is_named_and_the_batch_goes_on() {
    let output = spamwhy(&["no/such/file.eml", SA_MESSAGE]);
    assert_eq!(output.status.code(), Some(66));
    assert_eq!(
        stderr(&output).trim(),
        "spamwhy: no/such/file.eml: no such file"
    );
    assert!(stdout(&output).contains("SpamAssassin: SPAM"));
}

#[test]
fn inputs_that_are_not_mail_get_their_own_exit_code() {
    for (file, words) in [
        ("corpus/not-mail/empty.eml", "is empty"),
        ("corpus/not-mail/screenshot.png", "PNG"),
        ("corpus/not-mail/notes.txt", "not a mail message"),
        ("corpus/not-mail/report.json", "not a mail message"),
    ] {
        let output = spamwhy(&[file]);
        assert_eq!(output.status.code(), Some(65), "{file}");
        let err = stderr(&output);
        assert!(err.starts_with(&format!("spamwhy: {file}: ")), "{err}");
        assert!(err.contains(words), "{file}: {err}");
        assert!(stdout(&output).is_empty(), "{file}");
    }
}

#[test]
fn a_directory_is_read_as_a_folder_of_messages() {
    // corpus/not-mail holds one empty .eml (a message that cannot be read) and files that
    // are not mail (skipped): a batch with one failure.
    let output = spamwhy(&["corpus/not-mail"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("empty.eml: message 0 at byte 0: is empty"));
    assert!(stdout(&output).contains("Files skipped (not mail): 3"));
}

#[test]
fn reads_standard_input() {
    let message = std::fs::read(SA_MESSAGE).unwrap();
    let output = spamwhy_stdin(&["--format", "json", "-"], &message);
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["source"], "-");
    assert_eq!(report["verdicts"][0]["score"], 10.9);
}

#[test]
fn empty_standard_input_is_an_error() {
    let output = spamwhy_stdin(&["-"], b"");
    assert_eq!(output.status.code(), Some(65));
    assert_eq!(stderr(&output).trim(), "spamwhy: -: is empty");
}

#[test]
fn control_characters_from_the_message_never_reach_the_terminal() {
    let message = b"Received: from a.example (a.example [192.0.2.1]) by mx.example.net; Tue, 10 Nov 2026 09:01:02 +0000\nSubject: \x1b[31mred\x07 \xe2\x80\xae\nX-Spam-Status: Yes, score=9.0 required=5.0 tests=BAD\x1b]0;title\x07\n\n";
    for args in [&["-"][..], &["--color", "always", "-"][..]] {
        let output = spamwhy_stdin(args, message);
        assert!(output.status.success());
        let text = stdout(&output);
        assert!(text.contains("\\x1b[31mred\\x07"), "{text}");
        assert!(text.contains("\\u{202e}"), "{text}");
        let without_our_colours = text
            .replace("\x1b[1m", "")
            .replace("\x1b[0m", "")
            .replace("\x1b[39m", "")
            .replace("\x1b[31m", "")
            .replace("\x1b[32m", "");
        assert!(
            !without_our_colours.contains('\x1b') && !text.contains('\x07'),
            "{text:?}"
        );
    }
}

#[test]
fn no_colour_unless_asked_when_not_a_terminal() {
    let output = spamwhy(&[SA_MESSAGE]);
    assert!(!stdout(&output).contains('\x1b'));
    let output = spamwhy(&["--color", "always", SA_MESSAGE]);
    assert!(stdout(&output).contains('\x1b'));
}

#[test]
fn completions_and_man_page_are_generated() {
    let output = spamwhy(&["completions", "bash"]);
    assert!(output.status.success());
    assert!(stdout(&output).contains("_spamwhy"));
    let output = spamwhy(&["man"]);
    assert!(output.status.success());
    assert!(stdout(&output).contains(".TH spamwhy"));
}

#[test]
fn usage_errors_exit_with_two() {
    assert_eq!(spamwhy(&[]).status.code(), Some(2));
    assert_eq!(
        spamwhy(&["--format", "yaml", SA_MESSAGE]).status.code(),
        Some(2)
    );
}

#[test]
fn verify_spf_prints_the_result_and_why() {
    let dns = "corpus/dns/09-rspamd-milter-add-header.zone";
    let output = spamwhy(&[
        "verify",
        "spf",
        "--ip",
        "192.0.2.61",
        "--helo",
        "vps4711",
        "--mail-from",
        "vorstand@nordlicht-verein.example",
        "--dns",
        dns,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("pass"), "{}", stdout(&output));
    let output = spamwhy(&[
        "verify",
        "spf",
        "--ip",
        "203.0.113.9",
        "--mail-from",
        "vorstand@nordlicht-verein.example",
        "--dns",
        dns,
        "--format",
        "json",
    ]);
    let check: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(check["result"], "fail");
    assert!(
        check["reason"]
            .as_str()
            .unwrap()
            .contains("does not list 203.0.113.9")
    );
}

#[test]
fn verify_dmarc_and_dkim_of_a_message() {
    let dns = "corpus/dns/18-gmail-workspace-dmarc-fail.zone";
    let message = "corpus/18-gmail-workspace-dmarc-fail.eml";
    let output = spamwhy(&["verify", "dmarc", message, "--dns", dns, "--format", "json"]);
    let check: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(check["result"], "fail");
    assert_eq!(check["policy"], "quarantine");
    let output = spamwhy(&["verify", "dkim", message, "--dns", dns]);
    assert!(stdout(&output).contains("DKIM"), "{}", stdout(&output));
}

#[test]
fn a_malformed_dns_file_names_the_file_and_line() {
    let dir = std::env::temp_dir().join(format!("spamwhy-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.zone");
    std::fs::write(
        &bad,
        "example.com. IN A 192.0.2.1\nexample.com. IN A not-an-ip\n",
    )
    .unwrap();
    let bad = bad.to_string_lossy().into_owned();
    let output = spamwhy(&["--dns", &bad, SA_MESSAGE]);
    assert_eq!(output.status.code(), Some(78));
    let err = stderr(&output);
    assert!(
        err.contains(&bad) && err.contains("line 2") && err.contains("not-an-ip"),
        "{err}"
    );
}

#[test]
fn analysis_with_recorded_dns_never_touches_the_network() {
    // An empty network namespace has no interfaces at all, not even loopback: any attempt
    // to resolve or connect would fail and change the result.
    let probe = Command::new("unshare").args(["-n", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must be able to create a network namespace (unshare -n)"
        );
        eprintln!("skipped: cannot create a network namespace here");
        return;
    }
    let args = [
        "--format",
        "json",
        "--dns",
        "corpus/dns/09-rspamd-milter-add-header.zone",
        RSPAMD_MESSAGE,
    ];
    let online = spamwhy(&args);
    let offline = Command::new("unshare")
        .arg("-n")
        .arg(env!("CARGO_BIN_EXE_spamwhy"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    assert!(offline.status.success(), "{}", stderr(&offline));
    assert_eq!(stdout(&online), stdout(&offline));
}

#[test]
fn explains_gateway_signals_from_the_vendor_table() {
    let output = spamwhy(&["explain", "^IpRev", "SENDERGROUP_SUSPECT"]);
    assert!(output.status.success());
    // Wrapped for the terminal: compare with the line breaks taken out.
    let text = stdout(&output)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("Vade signal:"), "{text}");
    assert!(text.contains("(inferred by this tool)"), "{text}");
    assert!(text.contains("(ip-reputation)"), "{text}");
    assert!(text.contains("(as the vendor documents it)"), "{text}");
}

#[test]
fn gateway_verdicts_show_their_side_and_scale() {
    let output = spamwhy(&["corpus/30-ironport-proofpoint.eml"]);
    let text = stdout(&output);
    assert!(
        text.contains("Proofpoint [the sender's own outbound gateway]: not spam"),
        "{text}"
    );
    assert!(text.contains("a sender reputation of -1.9"), "{text}");
}

#[test]
fn microsoft_verdicts_show_every_translated_field() {
    let output = spamwhy(&["--detail", "corpus/21-m365-spoof-no-dmarc-headers-only.eml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Microsoft 365: SPAM (SCL 5 of 5), delivered to Junk"),
        "{text}"
    );
    assert!(text.contains("Microsoft 365 fields"), "{text}");
    assert!(
        text.contains("possibly forged"),
        "CAT:SPOOF as spoofing: {text}"
    );
    assert!(text.contains("Junk Email folder"), "dest:J as Junk: {text}");
    assert!(text.contains("undocumented"), "{text}");
    assert!(text.contains("inferred"), "{text}");

    let output = spamwhy(&[
        "--format",
        "json",
        "corpus/63-m365-outbound-spam-to-gmail.eml",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let verdict = &report["verdicts"][0];
    assert_eq!(verdict["filter"], "microsoft");
    assert_eq!(verdict["side"], "sender");
    assert_eq!(verdict["score"], 5.0);
    assert_eq!(verdict["threshold"], 5.0);
    assert_eq!(report["findings"][0]["cause"], "outgoing-spam");
}

#[test]
fn explain_knows_microsoft_fields() {
    let output = spamwhy(&["explain", "CAT:SPOOF", "dest:J"]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(
        text.contains("(documented)") && text.contains("(inferred)"),
        "{text}"
    );
    assert!(text.contains("dmarc"), "{text}");
}
