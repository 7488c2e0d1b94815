//! Outlook .msg input, with the real files in the shared fixtures (`../shared/fixtures/msg/`,
//! never copied into the repository). Every test skips with a message when the folder is
//! absent; `SPAMWHY_MSG_FIXTURES` names another folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use spamwhy::input::msg;

fn fixtures() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("SPAMWHY_MSG_FIXTURES").map(PathBuf::from),
        Some(root.join("../shared/fixtures/msg")),
        Some(root.join("../../shared/fixtures/msg")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|dir| dir.join("unicode.msg").is_file());
    if found.is_none() {
        eprintln!("skipped: the Outlook .msg fixtures (../shared/fixtures/msg/) are not here");
    }
    found
}

fn spamwhy(args: &[&Path]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_spamwhy"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the binary runs")
}

/// A file in the temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("spamwhy-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn a_received_msg_is_analysed_like_an_eml_of_its_headers() {
    let Some(dir) = fixtures() else { return };
    let bytes = std::fs::read(dir.join("unicode.msg")).unwrap();
    let outlook = msg::read(&bytes).unwrap();
    let headers = outlook
        .transport_headers
        .clone()
        .expect("transport headers");
    assert!(headers.contains("Received:"), "{headers}");
    assert!(outlook.body.is_some());
    assert!(!outlook.attachments.is_empty());

    let from_msg = spamwhy::analyze("unicode.msg", &bytes).unwrap();
    assert_eq!(json(&from_msg.input_kind), "msg");
    // The .eml a user would make from Outlook's "Internet headers".
    let eml = TempFile::new("unicode-headers.eml", headers.as_bytes());
    let from_eml = spamwhy::analyze("headers.eml", &std::fs::read(&eml.0).unwrap()).unwrap();
    assert!(!from_msg.hops.is_empty());
    assert_eq!(json(&from_msg.hops), json(&from_eml.hops));
    assert_eq!(json(&from_msg.sender), json(&from_eml.sender));
    assert_eq!(json(&from_msg.message), json(&from_eml.message));
    assert_eq!(json(&from_msg.verdicts), json(&from_eml.verdicts));
    assert_eq!(
        json(&from_msg.authentication),
        json(&from_eml.authentication)
    );
}

#[test]
fn the_cli_gives_a_msg_the_same_report_as_the_equivalent_eml() {
    let Some(dir) = fixtures() else { return };
    let path = dir.join("unicode.msg");
    let rebuilt = msg::read(&std::fs::read(&path).unwrap())
        .unwrap()
        .to_mime()
        .unwrap();
    let eml = TempFile::new("unicode.eml", &rebuilt);
    let report = |file: &Path| -> serde_json::Value {
        let output = Command::new(env!("CARGO_BIN_EXE_spamwhy"))
            .args([Path::new("--format"), Path::new("json"), file])
            .env_remove("RUST_BACKTRACE")
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        let mut value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let object = value.as_object_mut().unwrap();
        object.remove("source");
        object.remove("input_kind");
        value
    };
    let from_msg = report(&path);
    assert_eq!(from_msg, report(&eml.0));
    assert!(from_msg["hops"].as_array().unwrap().len() >= 2);

    let text = spamwhy(&[&path]);
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("Subject: Test for TIF files"));
}

#[test]
fn a_msg_without_transport_headers_says_what_to_export() {
    let Some(dir) = fixtures() else { return };
    let path = dir.join("strangeDate.msg");
    let output = spamwhy(&[&path]);
    assert_eq!(output.status.code(), Some(65));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("no Internet headers"), "{err}");
    assert!(
        err.contains("forward the message to you as an attachment"),
        "{err}"
    );
    assert!(err.contains("Internet headers into a text file"), "{err}");
    assert!(output.stdout.is_empty());
    assert!(spamwhy::analyze("x", &std::fs::read(&path).unwrap()).is_err());
}
