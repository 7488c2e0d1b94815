//! The `spamwhy` command line: arguments in, reports out. All the work happens in the
//! library; this file only maps flags to options and errors to exit codes.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use spamwhy::batch::{self, BatchOptions, progress::Progress, read::BatchInput};
use spamwhy::render::{self, escape::terminal_safe, text::TextOptions};
use spamwhy::{InputError, Options, Report, analyze};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes, also listed in `--help` and the README.
mod exit {
    /// Every input was analysed.
    pub const OK: u8 = 0;
    /// An input was empty or is not a mail message (sysexits EX_DATAERR).
    pub const NOT_MAIL: u8 = 65;
    /// An input file is missing or unreadable (sysexits EX_NOINPUT).
    pub const NO_INPUT: u8 = 66;
    /// Writing the output failed (sysexits EX_IOERR).
    pub const OUTPUT: u8 = 74;
    /// A mailbox was analysed but some of its messages could not be read.
    pub const SOME_MESSAGES: u8 = 3;
}

const AFTER_HELP: &str = "\
Exit codes:
  0   every input was analysed
  2   the command line was wrong
  3   a mailbox was analysed, but some of its messages could not be read (each is named on
      stderr with its index and byte offset, and listed in the summary)
  65  an input was empty or is not a mail message (the other inputs are still analysed)
  66  an input file is missing or cannot be read (the other inputs are still analysed)
  74  the output could not be written

Examples:
  spamwhy flagged.eml
  spamwhy --format json flagged.eml | jq '.verdicts[].score'
  pbpaste | spamwhy -
  spamwhy export.mbox                     # summary of a whole mailbox, with a progress bar
  spamwhy --format jsonl Maildir/ > reports.jsonl
  zcat takeout.mbox.gz | spamwhy -";

/// Explain why a mail message was flagged as spam: every filter's verdict, the
/// authentication results and the path the message took, read from the copy the
/// recipient received. Works offline.
#[derive(Debug, Parser)]
#[command(name = "spamwhy", version, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Messages to analyse: .eml files, text files of pasted headers, mailboxes (mbox files,
    /// gzip-compressed too, Maildirs, Apple Mail .mbox folders, folders of .eml files), or
    /// `-` for standard input (a message, or an mbox). A mailbox gives a summary of all its
    /// messages instead of one report each.
    #[arg(value_name = "MESSAGE", required = true)]
    inputs: Vec<String>,

    /// Output format: `text` (the diagnosis, then tables with --detail), `explain` (plain
    /// words for someone who has never heard of SPF), `markdown` (the same, to paste into a
    /// ticket), `json` (for programs: one object for one input, an array for several),
    /// `jsonl` (one JSON report per line, with the message's position in its input). For
    /// mailboxes, `text`, `markdown` and `json` give the summary.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Mailboxes: no progress bar and no line per unreadable message on stderr.
    #[arg(long, short)]
    quiet: bool,

    /// Mailboxes: threads that analyse messages (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    /// With text output, also print every rule, the authentication results and the path the
    /// message took.
    #[arg(long)]
    detail: bool,

    /// When to colour text output. `auto` colours only a terminal and honours NO_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a shell completion script to standard output.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output.
    Man,
    /// Explain spam-filter rules: what each means, its cause on the checklist, its default
    /// score, whose fault it is and the fix. Works for SpamAssassin rules and Rspamd symbols.
    Explain {
        /// Rule or symbol names, e.g. RDNS_NONE BAYES_99 R_SPF_FAIL.
        #[arg(required = true, value_name = "RULE")]
        rules: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Explain,
    Markdown,
    Json,
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match &cli.command {
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "spamwhy",
                &mut std::io::stdout(),
            );
            return ExitCode::from(exit::OK);
        }
        Some(Command::Man) => {
            let man = clap_mangen::Man::new(Cli::command());
            return match man.render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::from(exit::OK),
                Err(_) => ExitCode::from(exit::OUTPUT),
            };
        }
        Some(Command::Explain { rules }) => {
            let width = usize::from(terminal_width());
            let text: Vec<String> = rules
                .iter()
                .map(|rule| render::rule::explain(rule, width))
                .collect();
            return match writeln!(std::io::stdout(), "{}", text.join("\n")) {
                Ok(()) => ExitCode::from(exit::OK),
                Err(_) => ExitCode::from(exit::OUTPUT),
            };
        }
        None => {}
    }
    ExitCode::from(run(&cli))
}

fn run(cli: &Cli) -> u8 {
    let mut inputs: Vec<BatchInput> = cli.inputs.iter().map(|i| BatchInput::detect(i)).collect();
    if cli.format == Format::Jsonl || inputs.iter().any(BatchInput::is_container) {
        return run_batch(cli, &mut inputs);
    }
    let stdout = std::io::stdout();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let options = TextOptions {
        color,
        detail: cli.detail,
        width: terminal_width(),
    };
    let mut code = exit::OK;
    let mut reports: Vec<Report> = Vec::new();
    let mut out = stdout.lock();
    for input in inputs {
        let source = &input.name.clone();
        match input
            .read()
            .and_then(|input| analyze(&input.source, &input.bytes))
        {
            Ok(report) => {
                let rendered = match cli.format {
                    Format::Json | Format::Jsonl => {
                        reports.push(report);
                        continue;
                    }
                    Format::Text => render::text::render(&report, options),
                    Format::Explain => render::explain::render(&report, options.width.into()),
                    Format::Markdown => render::markdown::render(&report),
                };
                if write!(out, "{rendered}").is_err() {
                    return exit::OUTPUT;
                }
                if cli.inputs.len() > 1 && writeln!(out).is_err() {
                    return exit::OUTPUT;
                }
            }
            Err(error) => {
                eprintln!("spamwhy: {}: {error}", terminal_safe(source));
                code = code.max(input_error_code(&error));
            }
        }
    }
    if cli.format == Format::Json && !(reports.is_empty() && cli.inputs.len() == 1) {
        let json = match reports.as_slice() {
            [one] if cli.inputs.len() == 1 => render::json::report(one),
            _ => render::json::reports(&reports),
        };
        if writeln!(out, "{json}").is_err() {
            return exit::OUTPUT;
        }
    }
    if out.flush().is_err() {
        return exit::OUTPUT;
    }
    code
}

/// Mailboxes (or `--format jsonl`): every message analysed, a summary or JSON lines out.
fn run_batch(cli: &Cli, inputs: &mut [BatchInput]) -> u8 {
    if cli.format == Format::Explain {
        eprintln!(
            "spamwhy: --format explain is for single messages; for mailboxes use text, markdown, json or jsonl"
        );
        return 2;
    }
    let mut batch = BatchOptions {
        jsonl: cli.format == Format::Jsonl,
        ..BatchOptions::default()
    };
    if let Some(threads) = cli.threads {
        batch.threads = threads.max(1);
    }
    let mut progress = Progress::new(batch::read::total_size(inputs), cli.quiet);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let outcome = batch::run(inputs, &Options::default(), &batch, &mut out, &mut progress);
    progress.finish();
    let Ok(outcome) = outcome else {
        return exit::OUTPUT;
    };
    let rendered = match cli.format {
        Format::Jsonl => None,
        Format::Json => Some(format!("{}\n", render::summary::json(&outcome.summary))),
        Format::Markdown => Some(render::summary::markdown(&outcome.summary)),
        Format::Text | Format::Explain => Some(render::summary::text(&outcome.summary)),
    };
    if let Some(text) = rendered
        && write!(out, "{text}").is_err()
    {
        return exit::OUTPUT;
    }
    if out.flush().is_err() {
        return exit::OUTPUT;
    }
    let mut code = exit::OK;
    if outcome.summary.messages.failed > 0 {
        code = exit::SOME_MESSAGES;
    }
    for error in &outcome.input_errors {
        code = code.max(input_error_code(error));
    }
    code
}

fn input_error_code(error: &InputError) -> u8 {
    match error {
        InputError::NotFound | InputError::Unreadable(_) => exit::NO_INPUT,
        InputError::Empty | InputError::NotMail(_) => exit::NOT_MAIL,
    }
}

/// The terminal's width, or 100 columns when output is not a terminal.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(100)
}
