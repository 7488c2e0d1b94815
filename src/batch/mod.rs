//! Many messages: mbox exports, Maildirs, folder trees and single files in one run,
//! analysed in parallel, reported in input order, in bounded memory.
//!
//! ```text
//!  reader thread            worker threads (N)               calling thread
//!  inputs ─▶ messages ─▶ [jobs] ─▶ analyze + JSON line ─▶ [results] ─▶ reorder by sequence
//!  (mbox splitter, Maildir,        + summary contribution              ─▶ write JSONL, add to
//!   folder walk; copies each                                            summary, progress
//!   message, waits for budget)
//! ```
//!
//! The reader takes a budget (bytes and count of messages in flight) before handing a
//! message on; the calling thread gives it back once the message's result is written, so
//! memory does not grow with the input however fast the reader is. Results arrive out of
//! order and are put back in sequence before anything is written or added up, so output and
//! summary are the same for any number of threads. With one thread nothing is copied or
//! sent: read, analyse and write run in one loop.
//!
//! [`analyze_with`](crate::analyze_with) stays the single-message unit; the run's
//! [`Context`] reach every message.

pub mod progress;
pub mod read;
pub mod summary;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use serde::Serialize;

use crate::analyze::{Context, analyze_with};
use read::{BatchInput, Item};
use summary::{Aggregator, Contribution, Failure, InputFailure, Summary};

/// Where a message is in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Position {
    /// The command-line input it came from (`-` for standard input).
    pub input: String,
    /// The file that holds it (the mbox, or the message's own file in a Maildir or folder).
    pub path: String,
    /// 0-based index of the message within its command-line input.
    pub index: u64,
    /// Byte offset of the message in `path` (of its `From ` line in an mbox; in the
    /// decompressed stream of a gzip-compressed mbox; 0 for a file of its own).
    pub offset: u64,
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Analysis threads (at least 1).
    pub threads: usize,
    /// Write one JSON line per analysed message.
    pub jsonl: bool,
    /// Budget of message bytes in flight between the reader and the writer.
    pub max_in_flight_bytes: usize,
    /// Budget of messages in flight per thread.
    pub max_in_flight_per_thread: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            jsonl: false,
            max_in_flight_bytes: 64 << 20,
            max_in_flight_per_thread: 64,
        }
    }
}

/// What a batch reports to its caller while it runs (on the calling thread).
pub trait Observer {
    /// A message could not be read or analysed.
    fn failure(&mut self, _failure: &Failure) {}
    /// A command-line input could not be read at all.
    fn input_failure(&mut self, _input: &str, _error: &crate::InputError) {}
    /// One more message was handled; `bytes_read` counts what was read from the inputs.
    fn progress(&mut self, _messages: u64, _flagged: u64, _bytes_read: u64) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// The end of a batch.
#[derive(Debug)]
pub struct Outcome {
    pub summary: Summary,
    /// Worst input error, for the exit code.
    pub input_errors: Vec<crate::InputError>,
}

/// The result of analysing one message.
struct Analysed {
    /// The JSON line, when JSONL output is wanted.
    line: Option<Vec<u8>>,
    contribution: Contribution,
}

/// One item of the run in sequence, after analysis.
enum Done {
    Input {
        name: String,
        kind: &'static str,
    },
    Message {
        position: Position,
        result: Result<Analysed, String>,
    },
    Failure {
        position: Position,
        error: String,
    },
    InputFailed {
        name: String,
        error: crate::InputError,
    },
    Skipped(u64),
}

/// Analyses one message; a panic is turned into a failure so one bad message cannot end a
/// batch.
fn process(
    position: &Position,
    bytes: &[u8],
    context: &Context,
    jsonl: bool,
) -> Result<Analysed, String> {
    let run = || -> Result<Analysed, String> {
        let report = analyze_with(&position.path, bytes, context).map_err(|e| e.to_string())?;
        let line = jsonl.then(|| jsonl_line(&report, position));
        Ok(Analysed {
            line,
            contribution: Contribution::of(&report),
        })
    };
    catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|_| {
        Err("internal error while analysing this message (a bug: please report it)".to_owned())
    })
}

/// The report as one JSON line, with its position added as the last member.
pub fn jsonl_line(report: &crate::Report, position: &Position) -> Vec<u8> {
    let mut line = Vec::with_capacity(16 << 10);
    serde_json::to_writer(&mut line, report).expect("a report is always serialisable");
    line.pop(); // the closing brace
    line.extend_from_slice(b",\"position\":");
    serde_json::to_writer(&mut line, position).expect("a position is always serialisable");
    line.extend_from_slice(b"}\n");
    line
}

/// The calling thread's side: writes, adds up, reports, in sequence.
struct Writer<'a> {
    out: &'a mut dyn Write,
    observer: &'a mut dyn Observer,
    summary: Aggregator,
    input_errors: Vec<crate::InputError>,
    counter: Arc<AtomicU64>,
    handled: u64,
}

impl Writer<'_> {
    fn accept(&mut self, done: Done) -> io::Result<()> {
        match done {
            Done::Input { name, kind } => self.summary.start_input(&name, kind),
            Done::Message { position, result } => {
                self.handled += 1;
                match result {
                    Ok(analysed) => {
                        if let Some(line) = &analysed.line {
                            self.out.write_all(line)?;
                        }
                        self.summary.add(&analysed.contribution);
                    }
                    Err(error) => self.fail(position, error),
                }
            }
            Done::Failure { position, error } => {
                self.handled += 1;
                self.fail(position, error);
            }
            Done::InputFailed { name, error } => {
                self.observer.input_failure(&name, &error);
                self.summary.fail_input(InputFailure {
                    input: name,
                    error: error.to_string(),
                });
                self.input_errors.push(error);
            }
            Done::Skipped(n) => self.summary.skipped_files(n),
        }
        self.observer.progress(
            self.handled,
            self.summary.flagged(),
            self.counter.load(Ordering::Relaxed),
        );
        Ok(())
    }

    fn fail(&mut self, position: Position, error: String) {
        let failure = Failure { position, error };
        self.observer.failure(&failure);
        self.summary.fail(failure);
    }
}

/// Runs a batch over `inputs`, writing JSON lines (when asked) to `out`.
pub fn run(
    inputs: &mut [BatchInput],
    context: &Context,
    batch: &BatchOptions,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
) -> io::Result<Outcome> {
    let counter = Arc::new(AtomicU64::new(0));
    let mut writer = Writer {
        out,
        observer,
        summary: Aggregator::default(),
        input_errors: Vec::new(),
        counter: Arc::clone(&counter),
        handled: 0,
    };
    if batch.threads <= 1 {
        run_sequential(inputs, context, batch, &counter, &mut writer)?;
    } else {
        run_parallel(inputs, context, batch, &counter, &mut writer)?;
    }
    writer.out.flush()?;
    Ok(Outcome {
        summary: writer.summary.finish(),
        input_errors: writer.input_errors,
    })
}

/// The item, analysed here (for messages).
fn settle(item: Item<'_>, context: &Context, jsonl: bool) -> Done {
    match item {
        Item::Input { name, kind } => Done::Input {
            name: name.to_owned(),
            kind: kind.id(),
        },
        Item::Message { position, bytes } => {
            let result = process(&position, bytes, context, jsonl);
            Done::Message { position, result }
        }
        Item::Failure { position, error } => Done::Failure { position, error },
        Item::InputFailed { name, error } => Done::InputFailed {
            name: name.to_owned(),
            error,
        },
        Item::Skipped(n) => Done::Skipped(n),
    }
}

fn run_sequential(
    inputs: &mut [BatchInput],
    context: &Context,
    batch: &BatchOptions,
    counter: &Arc<AtomicU64>,
    writer: &mut Writer<'_>,
) -> io::Result<()> {
    let mut result = Ok(());
    read::read_all(inputs, counter, &mut |item| {
        result = writer.accept(settle(item, context, batch.jsonl));
        result.is_ok()
    });
    result
}

/// Message bytes and count in flight, waited on by the reader.
struct Budget {
    state: Mutex<(usize, usize)>,
    freed: Condvar,
    max_bytes: usize,
    max_count: usize,
    cancelled: AtomicBool,
}

impl Budget {
    /// Waits until `bytes` more fit (a message larger than the whole budget goes alone);
    /// false when the run was cancelled.
    fn take(&self, bytes: usize) -> bool {
        let mut state = self.state.lock().expect("budget lock");
        while !self.cancelled.load(Ordering::Relaxed)
            && state.1 > 0
            && (state.0 + bytes > self.max_bytes || state.1 >= self.max_count)
        {
            state = self.freed.wait(state).expect("budget lock");
        }
        state.0 += bytes;
        state.1 += 1;
        !self.cancelled.load(Ordering::Relaxed)
    }

    fn give(&self, bytes: usize) {
        let mut state = self.state.lock().expect("budget lock");
        state.0 -= bytes;
        state.1 -= 1;
        self.freed.notify_one();
    }

    fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
        let _guard = self.state.lock().expect("budget lock");
        self.freed.notify_all();
    }
}

struct Job {
    seq: u64,
    position: Position,
    bytes: Vec<u8>,
}

fn run_parallel(
    inputs: &mut [BatchInput],
    context: &Context,
    batch: &BatchOptions,
    counter: &Arc<AtomicU64>,
    writer: &mut Writer<'_>,
) -> io::Result<()> {
    let budget = Budget {
        state: Mutex::new((0, 0)),
        freed: Condvar::new(),
        max_bytes: batch.max_in_flight_bytes,
        max_count: batch.max_in_flight_per_thread.max(1) * batch.threads,
        cancelled: AtomicBool::new(false),
    };
    let (job_tx, job_rx) = crossbeam_channel::unbounded::<Job>();
    let (done_tx, done_rx) = crossbeam_channel::unbounded::<(u64, usize, Done)>();
    let jsonl = batch.jsonl;
    std::thread::scope(|scope| {
        let budget = &budget;
        {
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                let mut seq = 0u64;
                read::read_all(inputs, counter, &mut |item| {
                    let this = seq;
                    seq += 1;
                    match item {
                        Item::Message { position, bytes } => {
                            if !budget.take(bytes.len()) {
                                return false;
                            }
                            let job = Job {
                                seq: this,
                                position,
                                bytes: bytes.to_vec(),
                            };
                            job_tx.send(job).is_ok()
                        }
                        other => {
                            if !budget.take(0) {
                                return false;
                            }
                            let done = settle(other, context, jsonl);
                            done_tx.send((this, 0, done)).is_ok()
                        }
                    }
                });
                drop(job_tx);
            });
        }
        for _ in 0..batch.threads {
            let job_rx = job_rx.clone();
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                for job in job_rx {
                    let result = process(&job.position, &job.bytes, context, jsonl);
                    let size = job.bytes.len();
                    drop(job.bytes);
                    let done = Done::Message {
                        position: job.position,
                        result,
                    };
                    if done_tx.send((job.seq, size, done)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(job_rx);
        drop(done_tx);

        // Put results back in sequence.
        let mut pending: BTreeMap<u64, (usize, Done)> = BTreeMap::new();
        let mut next = 0u64;
        let mut result = Ok(());
        for (seq, size, done) in done_rx {
            if result.is_err() {
                budget.give(size);
                continue; // drain so the other threads can finish
            }
            pending.insert(seq, (size, done));
            while let Some((size, done)) = pending.remove(&next) {
                next += 1;
                budget.give(size);
                if let Err(e) = writer.accept(done) {
                    result = Err(e);
                    budget.cancel();
                    for (_, (size, _)) in std::mem::take(&mut pending) {
                        budget.give(size);
                    }
                    break;
                }
            }
        }
        result
    })
}
