//! The `spamwhy` command line: arguments in, reports out. All the work happens in the
//! library; this file only maps flags to options and errors to exit codes.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use spamwhy::batch::{self, BatchOptions, progress::Progress, read::BatchInput};
use spamwhy::render::verification::Part;
use spamwhy::render::{self, escape::terminal_safe, text::TextOptions};
use spamwhy::{Context, DnsContext, InputError, Report, analyze_with, input};

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
    /// A DNS server did not answer, or a lookup could not be made (sysexits EX_UNAVAILABLE).
    pub const DNS_UNAVAILABLE: u8 = 69;
    /// The recorded-DNS file is missing or malformed (sysexits EX_CONFIG).
    pub const DNS_FILE: u8 = 78;
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
  69  `record`: the DNS server did not answer
  74  the output could not be written
  78  the recorded-DNS file (--dns) is missing or malformed

Examples:
  spamwhy flagged.eml
  spamwhy --format json flagged.eml | jq '.verdicts[].score'
  spamwhy flagged.eml --format html -o report.html
  pbpaste | spamwhy -
  spamwhy export.mbox                     # summary of a whole mailbox, with a progress bar
  spamwhy export.mbox -o summary.html     # the summary as one page: what to fix first
  spamwhy --format jsonl Maildir/ > reports.jsonl
  zcat takeout.mbox.gz | spamwhy -";

/// Explain why a mail message was flagged as spam: every filter's verdict, the
/// authentication results and the path the message took, read from the copy the
/// recipient received. Works offline.
#[derive(Debug, Parser)]
#[command(name = "spamwhy", version, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Messages to analyse: .eml files, Outlook .msg files, text files of pasted headers,
    /// mailboxes (mbox files, gzip-compressed too, Maildirs, Apple Mail .mbox folders,
    /// folders of .eml files), or `-` for standard input (a message, or an mbox). A mailbox
    /// gives a summary of all its messages instead of one report each.
    #[arg(value_name = "MESSAGE", required = true)]
    inputs: Vec<String>,

    /// Output format: `text` (the diagnosis, then tables with --detail), `explain` (plain
    /// words for someone who has never heard of SPF), `markdown` (the same, to paste into a
    /// ticket), `json` (for programs: one object for one input, an array for several),
    /// `html` (one self-contained page to open and forward; several inputs share one file),
    /// `jsonl` (one JSON report per line, with the message's position in its input). For
    /// mailboxes, `text`, `markdown`, `json` and `html` give the summary (`html`: one page
    /// of what got the messages flagged and what to fix first). Default: text; with `-o` and
    /// no `--format`, a name ending in .html, .json or .md picks the format.
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// Write the output to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

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

    /// Re-verify SPF, DKIM, DMARC, ARC and reverse DNS offline against this recorded-DNS
    /// file (DNS master-file syntax; `spamwhy record` writes one). Never uses the network.
    #[arg(long, value_name = "FILE")]
    dns: Option<PathBuf>,

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
    /// Re-verify one authentication method offline against recorded DNS.
    #[command(subcommand)]
    Verify(VerifyCommand),
    /// Look up, live, every DNS record verifying MESSAGE needs and write them to a
    /// recorded-DNS file. The only command that uses the network.
    Record {
        /// The message whose checks need recording.
        #[arg(value_name = "MESSAGE")]
        message: String,
        /// Where to write the recorded DNS.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The DNS server to ask (default: the system's first resolver).
        #[arg(long, value_name = "IP[:PORT]")]
        server: Option<String>,
        /// Seconds allowed for each query; the whole recording is bounded by 30 times this.
        #[arg(long, value_name = "S", default_value_t = 3.0)]
        timeout: f64,
    },
    /// Explain spam-filter rules: what each means, its cause on the checklist, its default
    /// score, whose fault it is and the fix. Works for SpamAssassin rules, Rspamd symbols and
    /// Microsoft 365 header fields (SFV:SPM, CAT:SPOOF, "compauth=fail reason=001"...).
    Explain {
        /// Rule or symbol names, e.g. RDNS_NONE BAYES_99 R_SPF_FAIL CAT:SPOOF.
        #[arg(required = true, value_name = "RULE")]
        rules: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum VerifyCommand {
    /// SPF (RFC 7208 check_host) for an IP, HELO name and MAIL FROM address.
    Spf {
        /// The sending server's IP address.
        #[arg(long)]
        ip: IpAddr,
        /// The name the server gave in HELO/EHLO.
        #[arg(long)]
        helo: Option<String>,
        /// The envelope sender (MAIL FROM); empty or absent for a bounce.
        #[arg(long, value_name = "ADDR")]
        mail_from: Option<String>,
        #[command(flatten)]
        common: VerifyArgs,
    },
    /// Every DKIM signature of a message.
    Dkim {
        #[arg(value_name = "MESSAGE")]
        message: String,
        #[command(flatten)]
        common: VerifyArgs,
    },
    /// DMARC for the message's From domain.
    Dmarc {
        #[arg(value_name = "MESSAGE")]
        message: String,
        #[command(flatten)]
        common: VerifyArgs,
    },
    /// The message's ARC chain.
    Arc {
        #[arg(value_name = "MESSAGE")]
        message: String,
        #[command(flatten)]
        common: VerifyArgs,
    },
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// The recorded-DNS file to verify against.
    #[arg(long, value_name = "FILE", required = true)]
    dns: PathBuf,
    /// `text` or `json`.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Text)]
    format: VerifyFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum VerifyFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Explain,
    Markdown,
    Json,
    Html,
    Jsonl,
}

/// `--format`, or the one `-o FILE`'s extension names, or text.
fn output_format(cli: &Cli) -> Format {
    let by_extension = cli
        .output
        .as_deref()
        .and_then(|path| path.extension())
        .and_then(|ext| ext.to_str())
        .and_then(|ext| match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" => Some(Format::Html),
            "json" => Some(Format::Json),
            "jsonl" => Some(Format::Jsonl),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        });
    cli.format.or(by_extension).unwrap_or(Format::Text)
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
        Some(Command::Verify(verify)) => return ExitCode::from(run_verify(verify)),
        Some(Command::Record {
            message,
            output,
            server,
            timeout,
        }) => return ExitCode::from(run_record(message, output, server.as_deref(), *timeout)),
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

/// Loads `--dns`, or says which line of which file is wrong.
fn load_dns(path: &Path) -> Result<Context, u8> {
    match DnsContext::load(path) {
        Ok(dns) => Ok(Context { dns: Some(dns) }),
        Err(error) => {
            eprintln!("spamwhy: {}", terminal_safe(&error));
            Err(exit::DNS_FILE)
        }
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> u8 {
    match serde_json::to_string_pretty(value) {
        Ok(json) if writeln!(std::io::stdout(), "{json}").is_ok() => exit::OK,
        _ => exit::OUTPUT,
    }
}

fn print_text(text: &str) -> u8 {
    if write!(std::io::stdout(), "{text}").is_ok() {
        exit::OK
    } else {
        exit::OUTPUT
    }
}

fn run_verify(command: &VerifyCommand) -> u8 {
    let (common, message, part) = match command {
        VerifyCommand::Spf {
            ip,
            helo,
            mail_from,
            common,
        } => {
            let context = match load_dns(&common.dns) {
                Ok(context) => context,
                Err(code) => return code,
            };
            let Some(dns) = &context.dns else {
                return exit::DNS_FILE;
            };
            let cache = spamwhy::dns::cache::OfflineCache::new(&dns.dns, &[ip.to_canonical()]);
            let input = spamwhy::verify::SpfInput {
                ip: *ip,
                helo: helo.clone(),
                mail_from: mail_from.clone(),
            };
            let outcome = spamwhy::verify::check_spf(&dns.verifier, &cache, &dns.dns, &input);
            return match common.format {
                VerifyFormat::Json => print_json(&outcome.check),
                VerifyFormat::Text => print_text(&render::verification::spf(&outcome.check)),
            };
        }
        VerifyCommand::Dkim { message, common } => (common, message, Part::Dkim),
        VerifyCommand::Dmarc { message, common } => (common, message, Part::Dmarc),
        VerifyCommand::Arc { message, common } => (common, message, Part::Arc),
    };
    let context = match load_dns(&common.dns) {
        Ok(context) => context,
        Err(code) => return code,
    };
    let report = match input::read(message)
        .and_then(|input| analyze_with(&input.source, &input.bytes, &context))
    {
        Ok(report) => report,
        Err(error) => {
            eprintln!("spamwhy: {}: {error}", terminal_safe(message));
            return input_error_code(&error);
        }
    };
    let Some(verification) = &report.verification else {
        return exit::DNS_FILE;
    };
    match (common.format, part) {
        (VerifyFormat::Json, Part::Dkim) => print_json(&verification.dkim),
        (VerifyFormat::Json, Part::Dmarc) => print_json(&verification.dmarc),
        (VerifyFormat::Json, _) => print_json(&verification.arc),
        (VerifyFormat::Text, part) => print_text(&render::verification::render(verification, part)),
    }
}

fn run_record(message: &str, output: &Path, server: Option<&str>, timeout: f64) -> u8 {
    let input = match input::read(message) {
        Ok(input) => input,
        Err(error) => {
            eprintln!("spamwhy: {}: {error}", terminal_safe(message));
            return input_error_code(&error);
        }
    };
    let options = spamwhy::dns::record::Options {
        server: server.map(str::to_owned),
        timeout: std::time::Duration::from_secs_f64(timeout.clamp(0.1, 60.0)),
    };
    match spamwhy::dns::record::record_message(&input.source, &input.bytes, &options) {
        Ok(recorded) => match std::fs::write(output, recorded.zone_text) {
            Ok(()) => {
                eprintln!(
                    "spamwhy: recorded {} answers for {} names in {}",
                    recorded.answers,
                    recorded.names,
                    output.display()
                );
                exit::OK
            }
            Err(error) => {
                eprintln!("spamwhy: {}: {error}", output.display());
                exit::OUTPUT
            }
        },
        Err(spamwhy::dns::record::RecordError::Input(error)) => {
            eprintln!("spamwhy: {}: {error}", terminal_safe(message));
            input_error_code(&error)
        }
        Err(error) => {
            eprintln!("spamwhy: {error}");
            exit::DNS_UNAVAILABLE
        }
    }
}

fn input_error_code(error: &InputError) -> u8 {
    match error {
        InputError::NotFound | InputError::Unreadable(_) => exit::NO_INPUT,
        InputError::Empty | InputError::NotMail(_) => exit::NOT_MAIL,
    }
}

fn run(cli: &Cli) -> u8 {
    let format = output_format(cli);
    let context = match &cli.dns {
        Some(path) => match load_dns(path) {
            Ok(context) => context,
            Err(code) => return code,
        },
        None => Context::default(),
    };
    let mut inputs: Vec<BatchInput> = cli.inputs.iter().map(|i| BatchInput::detect(i)).collect();
    if format == Format::Jsonl || inputs.iter().any(BatchInput::is_container) {
        return run_batch(cli, format, &context, &mut inputs);
    }
    let stdout = std::io::stdout();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            cli.output.is_none()
                && stdout.is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let options = TextOptions {
        color,
        detail: cli.detail,
        width: terminal_width(),
    };
    let mut out: Box<dyn Write> = match &cli.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(std::io::BufWriter::new(file)),
            Err(error) => {
                eprintln!("spamwhy: {}: {error}", path.display());
                return exit::OUTPUT;
            }
        },
        None => Box::new(stdout.lock()),
    };
    let mut code = exit::OK;
    let mut reports: Vec<Report> = Vec::new();
    let mut raw_headers: Vec<String> = Vec::new();
    for input in inputs {
        let source = &input.name.clone();
        match input.read().and_then(|input| {
            let report = analyze_with(&input.source, &input.bytes, &context)?;
            Ok((report, input.bytes))
        }) {
            Ok((report, bytes)) => {
                let rendered = match format {
                    Format::Json | Format::Jsonl | Format::Html => {
                        if format == Format::Html {
                            raw_headers.push(render::html::raw_header_section(&bytes));
                        }
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
    if format == Format::Json && !(reports.is_empty() && cli.inputs.len() == 1) {
        let json = match reports.as_slice() {
            [one] if cli.inputs.len() == 1 => render::json::report(one),
            _ => render::json::reports(&reports),
        };
        if writeln!(out, "{json}").is_err() {
            return exit::OUTPUT;
        }
    }
    if format == Format::Html && !reports.is_empty() {
        let pages: Vec<render::html::Page<'_>> = reports
            .iter()
            .zip(&raw_headers)
            .map(|(report, raw)| render::html::Page {
                report,
                raw_headers: Some(raw),
            })
            .collect();
        if write!(out, "{}", render::html::render_pages(&pages)).is_err() {
            return exit::OUTPUT;
        }
    }
    if out.flush().is_err() {
        return exit::OUTPUT;
    }
    code
}

/// Mailboxes (or `--format jsonl`): every message analysed, a summary or JSON lines out.
fn run_batch(cli: &Cli, format: Format, context: &Context, inputs: &mut [BatchInput]) -> u8 {
    if format == Format::Explain {
        eprintln!(
            "spamwhy: --format explain is for single messages; for mailboxes use text, markdown, html, json or jsonl"
        );
        return 2;
    }
    let mut batch = BatchOptions {
        jsonl: format == Format::Jsonl,
        ..BatchOptions::default()
    };
    if let Some(threads) = cli.threads {
        batch.threads = threads.max(1);
    }
    let mut progress = Progress::new(batch::read::total_size(inputs), cli.quiet);
    let mut out: Box<dyn Write> = match &cli.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(std::io::BufWriter::with_capacity(1 << 16, file)),
            Err(error) => {
                eprintln!("spamwhy: {}: {error}", path.display());
                return exit::OUTPUT;
            }
        },
        None => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        )),
    };
    let outcome = batch::run(inputs, context, &batch, &mut out, &mut progress);
    progress.finish();
    let Ok(outcome) = outcome else {
        return exit::OUTPUT;
    };
    let rendered = match format {
        Format::Jsonl => None,
        Format::Json => Some(format!("{}\n", render::summary::json(&outcome.summary))),
        Format::Markdown => Some(render::summary::markdown(&outcome.summary)),
        Format::Html => Some(render::html::summary::render(&outcome.summary)),
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

/// The terminal's width, or 100 columns when output is not a terminal.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &u16| w >= 40)
        .unwrap_or(100)
}
