//! Snapshot tests: every message in corpus/ is analysed and its JSON report compared with
//! the expected report stored beside it (`NAME.expected.json`).
//!
//! After an intended change, regenerate with `SPAMWHY_BLESS=1 cargo test --test corpus
//! --ignore-rust-version` and review the diff of the expected files before committing.

use std::path::{Path, PathBuf};

fn corpus_messages() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("corpus")
        .expect("corpus/ exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    paths.sort();
    paths
}

fn expected_path(message: &Path) -> PathBuf {
    let stem = message.file_stem().unwrap().to_string_lossy();
    message.with_file_name(format!("{stem}.expected.json"))
}

/// Messages whose `--format explain` wording is pinned (`NAME.explain.txt`): the plain-words
/// report is the product for non-technical readers, so changes to it must be deliberate.
const PINNED_EXPLANATIONS: &[&str] = &[
    "corpus/01-sa-default-dynamic-ptr.eml",
    "corpus/09-rspamd-milter-add-header.eml",
    "corpus/18-gmail-workspace-dmarc-fail.eml",
    "corpus/30-ironport-proofpoint.eml",
    "corpus/31-ovh-vade-spamcause.eml",
    "corpus/21-m365-spoof-no-dmarc-headers-only.eml",
    "corpus/44-clean-blocked-noise.eml",
    "corpus/63-m365-outbound-spam-to-gmail.eml",
];

/// Compares `actual` with the file, or rewrites the file when blessing; returns a failure.
fn check_snapshot(expected_file: &Path, actual: &str, bless: bool) -> Option<String> {
    if bless {
        std::fs::write(expected_file, actual).unwrap();
        return None;
    }
    let expected = std::fs::read_to_string(expected_file).unwrap_or_default();
    (expected != actual).then(|| {
        let diff = similar::TextDiff::from_lines(&expected, actual);
        format!(
            "{} differs:\n{}",
            expected_file.display(),
            diff.unified_diff().context_radius(2)
        )
    })
}

#[test]
fn pinned_explanations_keep_their_wording() {
    let bless = std::env::var_os("SPAMWHY_BLESS").is_some();
    let mut failures = Vec::new();
    for source in PINNED_EXPLANATIONS {
        let path = Path::new(source);
        let report = spamwhy::analyze(source, &std::fs::read(path).unwrap()).unwrap();
        let actual = spamwhy::render::explain::render(&report, 100);
        let stem = path.file_stem().unwrap().to_string_lossy();
        let expected_file = path.with_file_name(format!("{stem}.explain.txt"));
        failures.extend(check_snapshot(&expected_file, &actual, bless));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Messages with recorded DNS in `corpus/dns/NAME.zone` are also analysed with `--dns`; the
/// report, verification included, is pinned in `NAME.verified.json`.
#[test]
fn corpus_messages_with_recorded_dns_verify_as_pinned() {
    let bless = std::env::var_os("SPAMWHY_BLESS").is_some();
    let mut failures = Vec::new();
    let mut zones: Vec<PathBuf> = std::fs::read_dir("corpus/dns")
        .expect("corpus/dns exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "zone"))
        .collect();
    zones.sort();
    assert!(zones.len() >= 3);
    for zone in zones {
        let stem = zone.file_stem().unwrap().to_string_lossy().into_owned();
        let message = Path::new("corpus").join(format!("{stem}.eml"));
        let context = spamwhy::Context {
            dns: Some(spamwhy::DnsContext::load(&zone).unwrap()),
        };
        let source = message.to_string_lossy().into_owned();
        let report =
            spamwhy::analyze_with(&source, &std::fs::read(&message).unwrap(), &context).unwrap();
        let actual = format!("{}\n", spamwhy::render::json::report(&report));
        let expected_file = Path::new("corpus").join(format!("{stem}.verified.json"));
        failures.extend(check_snapshot(&expected_file, &actual, bless));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_is_large_enough() {
    assert!(
        corpus_messages().len() >= 25,
        "the corpus needs at least 25 messages"
    );
}

#[test]
fn every_corpus_report_matches_its_snapshot() {
    let bless = std::env::var_os("SPAMWHY_BLESS").is_some();
    let mut failures = Vec::new();
    for path in corpus_messages() {
        let source = path.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&path).unwrap();
        let report = spamwhy::analyze(&source, &bytes).unwrap_or_else(|e| panic!("{source}: {e}"));
        let actual = format!("{}\n", spamwhy::render::json::report(&report));
        failures.extend(check_snapshot(&expected_path(&path), &actual, bless));
    }
    assert!(
        failures.is_empty(),
        "{}\n(rerun with SPAMWHY_BLESS=1 after checking the change is intended)",
        failures.join("\n")
    );
}
