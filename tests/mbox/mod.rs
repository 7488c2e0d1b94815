//! Mailbox fixtures built at test time from the corpus, and the binary run with one on its
//! standard input: shared by the batch, HTML and browser tests.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The first `n` corpus messages, by name (they all analyse cleanly).
pub fn corpus(n: usize) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("corpus")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "eml")
                && !p.to_string_lossy().contains("mbox-from-line")
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .take(n)
        .map(|p| std::fs::read(p).unwrap())
        .collect()
}

/// An mboxrd file of `messages`: `From ` lines quoted, a blank line after each message.
/// Returns the bytes and the offset of each message's `From ` line.
pub fn mboxrd(messages: &[Vec<u8>]) -> (Vec<u8>, Vec<u64>) {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for (i, message) in messages.iter().enumerate() {
        offsets.push(out.len() as u64);
        out.extend_from_slice(
            format!(
                "From sender{i}@example.com Tue Nov 10 09:{:02}:02 2026\n",
                i % 60
            )
            .as_bytes(),
        );
        for line in message.split_inclusive(|&b| b == b'\n') {
            let rest = &line[line.iter().take_while(|&&b| b == b'>').count()..];
            if rest.starts_with(b"From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line);
        }
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    (out, offsets)
}

/// Runs the binary with `input` on its standard input (written from another thread, so a
/// large input cannot block on a full pipe).
pub fn spamwhy_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_spamwhy"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    output
}
