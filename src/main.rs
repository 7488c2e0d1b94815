//! The `spamwhy` command line: arguments in, reports out. All the work happens in the
//! library; this file only maps flags to options and errors to exit codes.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use spamwhy::render::{self, escape::terminal_safe, text::TextOptions};
use spamwhy::{InputError, Report, analyze, input};

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
}

const AFTER_HELP: &str = "\
Exit codes:
  0   every input was analysed
  2   the command line was wrong
  65  an input was empty or is not a mail message (the other inputs are still analysed)
  66  an input file is missing or cannot be read (the other inputs are still analysed)
  74  the output could not be written

Examples:
  spamwhy flagged.eml
  spamwhy --format json flagged.eml | jq '.verdicts[].score'
  pbpaste | spamwhy -";

/// Explain why a mail message was flagged as spam: every filter's verdict, the
/// authentication results and the path the message took, read from the copy the
/// recipient received. Works offline.
#[derive(Debug, Parser)]
#[command(name = "spamwhy", version, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Messages to analyse: .eml files, Outlook .msg files, text files of pasted headers, or
    /// `-` for standard input.
    #[arg(value_name = "MESSAGE", required = true)]
    inputs: Vec<String>,

    /// Output format: `text` (the diagnosis, then tables with --detail), `explain` (plain
    /// words for someone who has never heard of SPF), `markdown` (the same, to paste into a
    /// ticket), `json` (for programs: one object for one input, an array for several).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

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
    /// score, whose fault it is and the fix. Works for SpamAssassin rules, Rspamd symbols and
    /// Microsoft 365 header fields (SFV:SPM, CAT:SPOOF, "compauth=fail reason=001"...).
    Explain {
        /// Rule or symbol names, e.g. RDNS_NONE BAYES_99 R_SPF_FAIL CAT:SPOOF.
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
    for source in &cli.inputs {
        match input::read(source).and_then(|input| analyze(&input.source, &input.bytes)) {
            Ok(report) => {
                let rendered = match cli.format {
                    Format::Json => {
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
                code = code.max(match error {
                    InputError::NotFound | InputError::Unreadable(_) => exit::NO_INPUT,
                    InputError::Empty | InputError::NotMail(_) => exit::NOT_MAIL,
                });
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

/// The terminal's width, or 100 columns when output is not a terminal.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(100)
}
