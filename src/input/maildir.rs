//! Maildir (Dovecot, mutt, Courier, offlineimap...): one file per message in `cur/` (seen)
//! and `new/` (not yet seen by a client); `tmp/` holds deliveries in progress and is never
//! read. Maildir++ keeps sub-folders as `.Name/` directories beside them.

use std::path::{Path, PathBuf};

use super::sorted_entries;

/// Whether `dir` is a Maildir.
pub fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// The message files of `cur/` and `new/`, ordered by file name (which starts with the
/// delivery time, so this is about the order of arrival, and deterministic).
pub fn messages(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["cur", "new"]
        .iter()
        .flat_map(|sub| sorted_entries(&dir.join(sub)))
        .filter(|p| p.is_file())
        .collect();
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    files
}

/// Maildir++ sub-folders (`.Sent`, `.Junk`...), in name order.
pub fn subfolders(dir: &Path) -> Vec<PathBuf> {
    sorted_entries(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                && p.is_dir()
                && is_maildir(p)
        })
        .collect()
}
