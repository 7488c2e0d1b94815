//! What a path holds, decided from its content and layout (not only its name), and the
//! sources of messages it expands to, in a deterministic order.
//!
//! - a file starting with an mbox `From ` line: an mbox (mboxo, mboxrd or mboxcl2), except
//!   a `.eml` file, which is one message whatever its first line;
//! - a gzip-compressed file: a gzip-compressed mbox;
//! - any other file: one message (`.emlx`: Apple Mail's, with its byte count on top);
//! - a directory with `cur/` or `new/`: a Maildir (messages of both, ordered by file name,
//!   which starts with the delivery time), then its Maildir++ sub-folders (`.Name/`);
//! - a directory named `*.mbox` with a file `mbox` in it: an Apple Mail export, read like a
//!   folder tree (its `mbox`, then nested `*.mbox` folders);
//! - any other directory: a folder tree, walked in name order: `.eml`/`.emlx` files and
//!   files that look like a message, mbox files (by content), gzip mboxes (`*.gz`),
//!   Maildirs. Other files (indexes, `Info.plist`, `.DS_Store`...) are skipped and counted.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::maildir::{self, is_maildir};
use super::mbox::starts_with_separator;
use super::{InputError, sorted_entries};

/// What a command-line input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Message,
    Mbox,
    GzipMbox,
    AppleMbox,
    Maildir,
    Tree,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Message => "message",
            Kind::Mbox => "mbox",
            Kind::GzipMbox => "gzip-mbox",
            Kind::AppleMbox => "apple-mail-mbox",
            Kind::Maildir => "maildir",
            Kind::Tree => "folder",
        }
    }

    /// True for inputs that hold many messages (batch mode).
    pub fn is_container(self) -> bool {
        self != Kind::Message
    }
}

/// One place messages are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file holding one message.
    Message { path: PathBuf, emlx: bool },
    /// An mbox file.
    Mbox { path: PathBuf, gzip: bool },
}

const GZIP_MAGIC: &[u8] = b"\x1F\x8B";

/// The first bytes of a file.
fn sniff(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    fs::File::open(path)?.take(1024).read_to_end(&mut head)?;
    Ok(head)
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn file_kind(path: &Path, head: &[u8]) -> Kind {
    let ext = extension(path);
    if head.starts_with(GZIP_MAGIC) {
        Kind::GzipMbox
    } else if ext != "eml" && starts_with_separator(head) {
        Kind::Mbox
    } else {
        Kind::Message
    }
}

fn is_apple_mbox(dir: &Path) -> bool {
    extension(dir) == "mbox" && dir.join("mbox").is_file()
}

/// What `path` is. A missing or unreadable path is an [`InputError`].
pub fn detect(path: &Path) -> Result<Kind, InputError> {
    let meta = match fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(InputError::NotFound),
        Err(e) => return Err(InputError::Unreadable(e.kind().to_string())),
        Ok(meta) => meta,
    };
    if meta.is_dir() {
        return Ok(if is_maildir(path) {
            Kind::Maildir
        } else if is_apple_mbox(path) {
            Kind::AppleMbox
        } else {
            Kind::Tree
        });
    }
    let head = sniff(path).map_err(|e| InputError::Unreadable(e.kind().to_string()))?;
    Ok(file_kind(path, &head))
}

/// Header names a message file may start with (for files in a folder tree that have no
/// `.eml` extension, such as MH folders or exports that drop extensions).
const FIRST_FIELDS: &[&str] = &[
    "return-path",
    "received",
    "delivered-to",
    "x-original-to",
    "from",
    "to",
    "date",
    "subject",
    "message-id",
    "mime-version",
    "dkim-signature",
    "authentication-results",
    "arc-seal",
    "arc-authentication-results",
    "x-spam-status",
    "x-spamd-result",
    "x-received",
    "received-spf",
];

fn looks_like_message(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(colon) = head.iter().take(80).position(|&b| b == b':') else {
        return false;
    };
    let name = String::from_utf8_lossy(&head[..colon]).to_ascii_lowercase();
    FIRST_FIELDS.contains(&name.trim_end())
}

/// Walks an input lazily, yielding its sources in order. Each directory's listing is read
/// (and sorted) when the walk reaches it.
pub struct Walker {
    /// Pending entries, the next one last.
    stack: Vec<Entry>,
    /// Files in a folder tree that are not mail and were skipped.
    pub skipped: u64,
}

#[derive(Debug)]
enum Entry {
    /// A path of a folder tree, still to be looked at.
    Tree(PathBuf),
    /// A file of a Maildir: a message, whatever its name.
    MaildirFile(PathBuf),
    /// A Maildir whose messages are still to be listed.
    Maildir(PathBuf),
}

impl Walker {
    /// The sources of one command-line input of the given kind.
    pub fn new(path: &Path, kind: Kind) -> Walker {
        let entry = match kind {
            Kind::Maildir => Entry::Maildir(path.to_owned()),
            _ => Entry::Tree(path.to_owned()),
        };
        Walker {
            stack: vec![entry],
            skipped: 0,
        }
    }

    fn push_sorted(&mut self, mut entries: Vec<Entry>) {
        entries.reverse();
        self.stack.extend(entries);
    }

    fn expand_maildir(&mut self, dir: &Path) {
        let mut entries: Vec<Entry> = maildir::messages(dir)
            .into_iter()
            .map(Entry::MaildirFile)
            .collect();
        entries.extend(maildir::subfolders(dir).into_iter().map(Entry::Maildir));
        self.push_sorted(entries);
    }

    fn tree_source(&mut self, path: PathBuf) -> Option<Source> {
        if path.is_dir() {
            if is_maildir(&path) {
                self.expand_maildir(&path);
            } else {
                let entries = sorted_entries(&path).into_iter().map(Entry::Tree).collect();
                self.push_sorted(entries);
            }
            return None;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = extension(&path);
        let Ok(head) = sniff(&path) else {
            // Unreadable: let the reader report it.
            return Some(Source::Message { path, emlx: false });
        };
        if name.starts_with('.') {
            self.skipped += 1;
            return None;
        }
        match file_kind(&path, &head) {
            Kind::GzipMbox if ext == "gz" => Some(Source::Mbox { path, gzip: true }),
            Kind::Mbox => Some(Source::Mbox { path, gzip: false }),
            Kind::Message if ext == "eml" => Some(Source::Message { path, emlx: false }),
            Kind::Message if ext == "emlx" => Some(Source::Message { path, emlx: true }),
            Kind::Message if looks_like_message(&head) => {
                Some(Source::Message { path, emlx: false })
            }
            _ => {
                self.skipped += 1;
                None
            }
        }
    }
}

impl Iterator for Walker {
    type Item = Source;

    fn next(&mut self) -> Option<Source> {
        while let Some(entry) = self.stack.pop() {
            match entry {
                Entry::MaildirFile(path) => return Some(Source::Message { path, emlx: false }),
                Entry::Maildir(dir) => self.expand_maildir(&dir),
                Entry::Tree(path) => {
                    if let Some(source) = self.tree_source(path) {
                        return Some(source);
                    }
                }
            }
        }
        None
    }
}

/// The message inside an Apple Mail `.emlx` file: a byte count on the first line, the
/// message, then a property list.
pub fn emlx_message(bytes: &[u8]) -> &[u8] {
    let Some(newline) = bytes.iter().position(|&b| b == b'\n') else {
        return bytes;
    };
    let count = std::str::from_utf8(&bytes[..newline])
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok());
    match count {
        Some(count) => {
            let rest = &bytes[newline + 1..];
            &rest[..count.min(rest.len())]
        }
        None => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emlx_is_cut_at_its_count() {
        assert_eq!(emlx_message(b"12\nSubject: hi\n<?xml"), b"Subject: hi\n");
        assert_eq!(emlx_message(b"Subject: hi\n"), b"Subject: hi\n");
    }

    #[test]
    fn message_shapes() {
        assert!(looks_like_message(b"Return-Path: <a@b>\n"));
        assert!(looks_like_message(b"Received : from x\n"));
        assert!(!looks_like_message(b"<?xml version=\"1.0\"?>"));
        assert!(!looks_like_message(b"// <!-- <mdb:mork:z v=\"1.4\"/> -->"));
    }
}
