//! What the command line shows on standard error while a batch runs: a progress bar with
//! rate and ETA when standard error is a terminal (indicatif), and one line per message
//! that could not be read (the first [`MAX_SHOWN`]; all are in the summary).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Observer;
use super::summary::Failure;
use crate::render::escape::terminal_safe;

/// Failure lines printed on standard error before the rest are only counted.
pub const MAX_SHOWN: usize = 20;

pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    shown: usize,
}

impl Progress {
    /// `total_bytes`: the size of the inputs when known (files), for the bar and the ETA.
    /// Nothing is drawn with `quiet` or when standard error is not a terminal.
    pub fn new(total_bytes: Option<u64>, quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = match total_bytes {
                Some(total) if total > 0 => {
                    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
                    bar.set_style(
                        ProgressStyle::with_template(
                            "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
                        )
                        .expect("a valid template"),
                    );
                    bar
                }
                _ => {
                    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {binary_bytes} {binary_bytes_per_sec} {msg}")
                            .expect("a valid template"),
                    );
                    bar
                }
            };
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            quiet,
            shown: 0,
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }
}

impl Observer for Progress {
    fn failure(&mut self, failure: &Failure) {
        if self.quiet {
            return;
        }
        self.shown += 1;
        if self.shown <= MAX_SHOWN {
            let p = &failure.position;
            self.line(&format!(
                "spamwhy: {}: message {} at byte {}: {}",
                terminal_safe(&p.path),
                p.index,
                p.offset,
                terminal_safe(&failure.error)
            ));
        } else if self.shown == MAX_SHOWN + 1 {
            self.line("spamwhy: more messages could not be read; the summary lists them");
        }
    }

    fn input_failure(&mut self, input: &str, error: &crate::InputError) {
        self.line(&format!("spamwhy: {}: {error}", terminal_safe(input)));
    }

    fn progress(&mut self, messages: u64, flagged: u64, bytes_read: u64) {
        if let Some(bar) = &self.bar
            && messages.is_multiple_of(64)
        {
            bar.set_position(bytes_read);
            bar.set_message(format!("{messages} messages, {flagged} flagged"));
        }
    }
}
