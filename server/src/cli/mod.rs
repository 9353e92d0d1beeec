//! The command line: `check`, `fix`, `size`, `lsp`, `rules`, `explain`.

mod check;
mod config;
mod discover;
mod fix;
mod input;
mod output;
mod report;
mod rules_cmd;
mod size;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dockerlean_core::Severity;

#[derive(Parser)]
#[command(
    name = "dockerlean",
    version,
    about = "Dockerfile linter and language server focused on image size",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    /// Run the language server on stdin/stdout (what editors pass by habit; same as `lsp`).
    #[arg(long)]
    stdio: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Lint Dockerfiles and report what makes images bigger than they need to be.
    Check(CheckArgs),
    /// Apply every safe fix, repeating until nothing changes; files with syntax errors are left alone.
    Fix(FixArgs),
    /// Run the language server on stdin/stdout.
    Lsp {
        /// Accepted for clients that always pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print the documentation of a rule, given its code, name or hadolint code.
    Explain { rule: String },
    /// Estimate what each instruction adds and what the image weighs; exit 1 over the budget.
    Size(SizeArgs),
}

#[derive(Args)]
struct SizeArgs {
    /// A Dockerfile, or a directory holding one; its directory is the build context.
    #[arg(default_value = ".")]
    path: PathBuf,

    /// The most the final image may weigh (300MB, 1.2GB, 512MiB).
    #[arg(long, value_parser = size::parse_budget)]
    budget: Option<u64>,

    #[arg(long, value_enum, default_value_t = size::SizeFormat::Text)]
    format: size::SizeFormat,

    /// Look up base images the size table lacks in their registries (download sizes from the
    /// manifests, cached on disk); also on with `[registry] lookups = true` in .dockerlean.toml.
    #[arg(long)]
    registry: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// Files to lint (any name), directories to search for Dockerfiles, or `-` for stdin.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = output::Format::Text)]
    format: output::Format,

    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailLevel::Warning)]
    fail_level: FailLevel,

    /// The name to show for the text read from stdin.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
}

#[derive(Args)]
struct FixArgs {
    /// Files to fix (any name), directories to search for Dockerfiles, or `-` (fixed text to stdout).
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,

    /// Print a unified diff of what would change instead of writing the files.
    #[arg(long)]
    diff: bool,

    /// Also split a single-stage file that builds something into a builder and a runtime stage.
    #[arg(long)]
    split_stages: bool,

    /// The lowest severity that, left after fixing, makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailLevel::Warning)]
    fail_level: FailLevel,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailLevel {
    Error,
    Warning,
    Info,
    Hint,
    None,
}

impl FailLevel {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailLevel::Error => Some(Severity::Error),
            FailLevel::Warning => Some(Severity::Warning),
            FailLevel::Info => Some(Severity::Info),
            FailLevel::Hint => Some(Severity::Hint),
            FailLevel::None => None,
        }
    }
}

/// Why a command could not do its job: one line for stderr, and exit code 2.
#[derive(Debug)]
struct CliError(String);

impl CliError {
    fn new(message: impl Into<String>) -> CliError {
        CliError(message.into())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError(e.to_string())
    }
}

/// Lint findings at or above the fail level.
const EXIT_FINDINGS: u8 = 1;
/// Usage and I/O errors (clap uses the same code for its usage errors).
const EXIT_ERROR: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Some(Command::Lsp { .. }) | None) {
        crate::malloc::tree_sitter_on_mimalloc();
    }
    let outcome = match cli.command {
        Some(Command::Lsp { .. }) => run_lsp(),
        None if cli.stdio => run_lsp(),
        None => {
            // Nothing to do: show what there is to do, as a usage error.
            let mut help = <Cli as clap::CommandFactory>::command();
            let _ = help.write_help(&mut std::io::stderr());
            Err(CliError::new("no command given"))
        }
        Some(Command::Check(args)) => {
            check::run(&args).map(|failed| if failed { EXIT_FINDINGS } else { 0 })
        }
        Some(Command::Fix(args)) => fix::run(&args),
        Some(Command::Rules { format }) => rules_cmd::list(format).map(|()| 0),
        Some(Command::Explain { rule }) => rules_cmd::explain(&rule).map(|()| 0),
        Some(Command::Size(args)) => {
            size::run(&args).map(|over| if over { EXIT_FINDINGS } else { 0 })
        }
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(CliError(message)) => {
            let _ = writeln!(std::io::stderr(), "dockerlean: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run_lsp() -> Result<u8, CliError> {
    crate::malloc::one_arena();
    Ok(crate::lsp::run_stdio()?)
}
