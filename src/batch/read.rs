//! The producer side of a batch: every command-line input expanded into its messages, in
//! order, each with its position. Runs on one thread; messages are lent as slices so the
//! one-thread engine never copies them.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;

use super::Position;
use crate::input::InputError;
use crate::input::detect::{self, Kind, Source, Walker};
use crate::input::mbox::{MAX_MESSAGE, MboxError, MboxReader};

/// A command-line input, detected.
#[derive(Debug)]
pub struct BatchInput {
    /// As given on the command line (`-` for standard input).
    pub name: String,
    pub kind: Result<Kind, InputError>,
    /// For standard input: the bytes already read to detect what it is.
    pub stdin_head: Option<Vec<u8>>,
}

impl BatchInput {
    /// Detects what a command-line input is. Standard input is detected from its first
    /// bytes, which are kept.
    pub fn detect(name: &str) -> BatchInput {
        if name == "-" {
            let mut head = Vec::with_capacity(1024);
            let kind = std::io::stdin()
                .lock()
                .take(1024)
                .read_to_end(&mut head)
                .map(|_| {
                    if crate::input::mbox::starts_with_separator(&head) {
                        Kind::Mbox
                    } else {
                        Kind::Message
                    }
                })
                .map_err(|e| InputError::Unreadable(e.to_string()));
            return BatchInput {
                name: name.to_owned(),
                kind,
                stdin_head: Some(head),
            };
        }
        BatchInput {
            name: name.to_owned(),
            kind: detect::detect(Path::new(name)),
            stdin_head: None,
        }
    }
}

impl BatchInput {
    /// True for inputs that hold many messages.
    pub fn is_container(&self) -> bool {
        self.kind.as_ref().is_ok_and(|k| k.is_container())
    }

    /// The whole input as one message (for single-message mode).
    pub fn read(self) -> Result<crate::input::Input, InputError> {
        self.kind?;
        match self.stdin_head {
            Some(mut bytes) => {
                io::stdin()
                    .lock()
                    .read_to_end(&mut bytes)
                    .map_err(|e| InputError::Unreadable(e.to_string()))?;
                Ok(crate::input::Input {
                    source: self.name,
                    bytes,
                })
            }
            None => crate::input::read(&self.name),
        }
    }
}

/// The total size of the inputs when all are files (for the progress bar's ETA).
pub fn total_size(inputs: &[BatchInput]) -> Option<u64> {
    let mut total = 0;
    for input in inputs {
        if input.stdin_head.is_some() {
            return None;
        }
        match input.kind {
            Ok(Kind::Message | Kind::Mbox | Kind::GzipMbox) => {
                total += std::fs::metadata(&input.name).ok()?.len();
            }
            Ok(_) => return None,
            Err(_) => {}
        }
    }
    Some(total)
}

/// What the reader hands on, in input order.
pub enum Item<'a> {
    /// A command-line input starts (for the summary's per-input counts).
    Input {
        name: &'a str,
        kind: Kind,
    },
    Message {
        position: Position,
        bytes: &'a [u8],
    },
    /// A message that could not be read (too large, unreadable file).
    Failure {
        position: Position,
        error: String,
    },
    /// A command-line input that could not be read at all.
    InputFailed {
        name: &'a str,
        error: InputError,
    },
    /// Files of a folder tree that were not mail.
    Skipped(u64),
}

/// Counts the bytes read from disk (or standard input), for the progress bar.
struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Reads every input and hands each item to `each`, which stops the run by returning false.
pub fn read_all(
    inputs: &mut [BatchInput],
    counter: &Arc<AtomicU64>,
    each: &mut dyn FnMut(Item<'_>) -> bool,
) {
    for input in inputs.iter_mut() {
        let kind = match &input.kind {
            Ok(kind) => *kind,
            Err(error) => {
                if !each(Item::InputFailed {
                    name: &input.name,
                    error: error.clone(),
                }) {
                    return;
                }
                continue;
            }
        };
        if !each(Item::Input {
            name: &input.name,
            kind,
        }) {
            return;
        }
        let mut reader = InputReader {
            name: &input.name,
            index: 0,
            counter,
        };
        let go_on = if let Some(head) = input.stdin_head.take() {
            let stdin = io::Cursor::new(head).chain(io::stdin().lock());
            match kind {
                Kind::Mbox => reader.mbox(stdin, "-", each),
                _ => reader.message_from(stdin, "-", false, each),
            }
        } else {
            match kind {
                Kind::Message => reader.message(Path::new(&input.name), false, each),
                Kind::Mbox | Kind::GzipMbox => {
                    reader.mbox_file(Path::new(&input.name), kind == Kind::GzipMbox, each)
                }
                Kind::Maildir | Kind::AppleMbox | Kind::Tree => {
                    let mut walker = Walker::new(Path::new(&input.name), kind);
                    let mut go_on = true;
                    for source in walker.by_ref() {
                        go_on = match source {
                            Source::Message { path, emlx } => reader.message(&path, emlx, each),
                            Source::Mbox { path, gzip } => reader.mbox_file(&path, gzip, each),
                        };
                        if !go_on {
                            break;
                        }
                    }
                    go_on && (walker.skipped == 0 || each(Item::Skipped(walker.skipped)))
                }
            }
        };
        if !go_on {
            return;
        }
    }
}

struct InputReader<'a> {
    name: &'a str,
    index: u64,
    counter: &'a Arc<AtomicU64>,
}

impl InputReader<'_> {
    fn position(&mut self, path: &str, offset: u64) -> Position {
        let position = Position {
            input: self.name.to_owned(),
            path: path.to_owned(),
            index: self.index,
            offset,
        };
        self.index += 1;
        position
    }

    fn open(&self, path: &Path) -> io::Result<Counting<File>> {
        Ok(Counting {
            inner: File::open(path)?,
            counter: Arc::clone(self.counter),
        })
    }

    fn message(&mut self, path: &Path, emlx: bool, each: &mut dyn FnMut(Item<'_>) -> bool) -> bool {
        let shown = path.to_string_lossy().into_owned();
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if size > MAX_MESSAGE as u64 {
            let position = self.position(&shown, 0);
            return each(Item::Failure {
                position,
                error: format!(
                    "the message is {size} bytes, more than the {} MiB limit; skipped",
                    MAX_MESSAGE >> 20
                ),
            });
        }
        match self.open(path) {
            Ok(file) => self.message_from(file, &shown, emlx, each),
            Err(e) => {
                let position = self.position(&shown, 0);
                each(Item::Failure {
                    position,
                    error: format!("cannot be read: {}", e.kind()),
                })
            }
        }
    }

    fn message_from(
        &mut self,
        reader: impl Read,
        shown: &str,
        emlx: bool,
        each: &mut dyn FnMut(Item<'_>) -> bool,
    ) -> bool {
        let mut bytes = Vec::new();
        let read = reader.take(MAX_MESSAGE as u64 + 1).read_to_end(&mut bytes);
        let position = self.position(shown, 0);
        match read {
            Err(e) => each(Item::Failure {
                position,
                error: format!("cannot be read: {e}"),
            }),
            Ok(_) if bytes.len() > MAX_MESSAGE => each(Item::Failure {
                position,
                error: format!(
                    "the message is more than the {} MiB limit; skipped",
                    MAX_MESSAGE >> 20
                ),
            }),
            Ok(_) => {
                let message = if emlx {
                    detect::emlx_message(&bytes)
                } else {
                    &bytes
                };
                each(Item::Message {
                    position,
                    bytes: message,
                })
            }
        }
    }

    fn mbox_file(
        &mut self,
        path: &Path,
        gzip: bool,
        each: &mut dyn FnMut(Item<'_>) -> bool,
    ) -> bool {
        let shown = path.to_string_lossy().into_owned();
        let file = match self.open(path) {
            Ok(file) => file,
            Err(e) => {
                let position = self.position(&shown, 0);
                return each(Item::Failure {
                    position,
                    error: format!("cannot be read: {}", e.kind()),
                });
            }
        };
        if gzip {
            self.mbox(MultiGzDecoder::new(io::BufReader::new(file)), &shown, each)
        } else {
            self.mbox(file, &shown, each)
        }
    }

    fn mbox(
        &mut self,
        reader: impl Read,
        shown: &str,
        each: &mut dyn FnMut(Item<'_>) -> bool,
    ) -> bool {
        let mut mbox = MboxReader::new(reader);
        while let Some(next) = mbox.next() {
            let go_on = match next {
                Ok(message) => {
                    let position = Position {
                        input: self.name.to_owned(),
                        path: shown.to_owned(),
                        index: self.index,
                        offset: message.offset,
                    };
                    self.index += 1;
                    each(Item::Message {
                        position,
                        bytes: &message.bytes,
                    })
                }
                Err(error) => {
                    let (MboxError::TooLarge { offset, .. } | MboxError::Io { offset, .. }) =
                        &error;
                    let position = Position {
                        input: self.name.to_owned(),
                        path: shown.to_owned(),
                        index: self.index,
                        offset: *offset,
                    };
                    self.index += 1;
                    each(Item::Failure {
                        position,
                        error: error.to_string(),
                    })
                }
            };
            if !go_on {
                return false;
            }
        }
        true
    }
}
