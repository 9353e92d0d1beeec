//! `path:line:col: severity CODE message`, the shape compilers use, so editors and terminals
//! turn it into links. Styled always: the stream strips the styles when it is not a terminal
//! or `NO_COLOR` is set.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use dockerlean_core::Severity;

use crate::cli::report::Report;

const PATH: Style = Style::new().bold();
const CODE: Style = Style::new().dimmed();

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for (file, finding) in report.findings() {
        let start = file.span(&finding.range).start;
        let severity = severity_style(finding.severity);
        writeln!(
            out,
            "{PATH}{}:{}:{}:{PATH:#} {severity}{}{severity:#} {CODE}{}{CODE:#} {}",
            file.name,
            start.line,
            start.column,
            finding.severity.as_str(),
            finding.code(),
            finding.message
        )?;
    }
    Ok(())
}

fn severity_style(severity: Severity) -> Style {
    let colour = match severity {
        Severity::Error => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Blue,
        Severity::Hint => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(colour.into())).bold()
}
