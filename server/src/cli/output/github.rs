//! GitHub Actions workflow commands (`::warning file=…::message`), which the runner turns into
//! annotations on the pull request.

use std::io::Write;

use dockerlean_core::Severity;

use crate::cli::report::Report;

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for (file, finding) in report.findings() {
        let span = file.span(&finding.range);
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(finding.severity),
            escape_property(&file.name),
            span.start.line,
            span.start.column,
            span.end.line,
            span.end.column,
            escape_property(finding.code()),
            escape_data(&finding.message)
        )?;
    }
    Ok(())
}

/// GitHub has three annotation levels; info and hint both become notices.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// The message: `%` first, so the escapes added after it are not escaped again.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value, where `:` and `,` would end the value early.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50% of\r\nit: a, b"), "50%25 of%0D%0Ait: a, b");
        assert_eq!(escape_property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
    }
}
