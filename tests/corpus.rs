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
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "eml" || ext == "txt")
        })
        .collect();
    paths.sort();
    paths
}

fn expected_path(message: &Path) -> PathBuf {
    let stem = message.file_stem().unwrap().to_string_lossy();
    message.with_file_name(format!("{stem}.expected.json"))
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
        let expected_file = expected_path(&path);
        if bless {
            std::fs::write(&expected_file, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if expected != actual {
            let diff = similar::TextDiff::from_lines(&expected, &actual);
            failures.push(format!(
                "{} differs from its snapshot:\n{}",
                source,
                diff.unified_diff().context_radius(2)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(rerun with SPAMWHY_BLESS=1 after checking the change is intended)",
        failures.join("\n")
    );
}
