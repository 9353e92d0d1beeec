//! The report formats of `check`. All of them write to stdout only what a program would parse.

mod github;
mod json;
mod sarif;
mod text;

use std::io::Write;

use super::report::Report;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: severity CODE message`, coloured on a terminal.
    Text,
    /// An array of findings.
    Json,
    /// SARIF 2.1.0, for code scanning services.
    Sarif,
    /// GitHub Actions workflow commands, which become annotations on the pull request.
    Github,
}

pub fn write(format: Format, report: &Report) -> std::io::Result<()> {
    match format {
        // The summary goes to stderr, so the lines on stdout stay one per finding.
        Format::Text => {
            text::write(report, &mut anstream::stdout().lock())?;
            writeln!(anstream::stderr().lock(), "{}", report.summary())
        }
        Format::Json => write_plain(report, json::write),
        Format::Sarif => write_plain(report, sarif::write),
        Format::Github => write_plain(report, github::write),
    }
}

fn write_plain(
    report: &Report,
    format: fn(&Report, &mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    format(report, &mut out)?;
    out.flush()
}
