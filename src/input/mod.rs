//! Where messages come from, and whether what arrived is a mail message at all.
//!
//! Reading never judges the content beyond "is this mail?": that question is answered here
//! so every later stage can assume a header section. Outlook `.msg` files are turned into
//! MIME here too ([`msg`]), so the rest of the pipeline sees mail.

mod classify;
pub mod detect;
pub mod maildir;
pub mod mbox;
pub mod msg;

pub use classify::{Classified, classify};

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One input as the user named it, with its bytes.
#[derive(Debug)]
pub struct Input {
    /// The path as given on the command line, or `-` for standard input.
    pub source: String,
    pub bytes: Vec<u8>,
}

/// Why an input could not be analysed. Each kind has its own exit code (see `ExitCode` in
/// the binary) so scripts can tell a typo from a wrong file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// The path does not exist.
    NotFound,
    /// The path exists but could not be read (permissions, a directory, an I/O error).
    Unreadable(String),
    /// Zero bytes, or whitespace only.
    Empty,
    /// Something else: a picture, a document, text without mail headers.
    NotMail(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::NotFound => f.write_str("no such file"),
            InputError::Unreadable(why) => write!(f, "cannot be read: {why}"),
            InputError::Empty => f.write_str("is empty"),
            InputError::NotMail(why) => write!(f, "is not a mail message: {why}"),
        }
    }
}

impl std::error::Error for InputError {}

/// Reads a path, or standard input for `-`.
pub fn read(source: &str) -> Result<Input, InputError> {
    let bytes = if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| InputError::Unreadable(e.to_string()))?;
        bytes
    } else {
        read_file(Path::new(source))?
    };
    Ok(Input {
        source: source.to_owned(),
        bytes,
    })
}

/// The entries of a directory, sorted by path so walks are deterministic; an unreadable
/// directory lists nothing.
fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths
}

fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(InputError::NotFound),
        Err(e) => return Err(InputError::Unreadable(e.kind().to_string())),
        Ok(meta) if meta.is_dir() => {
            return Err(InputError::Unreadable("it is a directory".to_owned()));
        }
        Ok(_) => {}
    }
    std::fs::read(path).map_err(|e| InputError::Unreadable(e.kind().to_string()))
}
