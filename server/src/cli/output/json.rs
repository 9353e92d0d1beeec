//! An array of findings, one flat object each, fields in a fixed order.

use std::io::Write;

use serde::Serialize;

use crate::cli::report::Report;

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    code: &'static str,
    name: &'static str,
    hadolint: Option<&'static str>,
    message: &'a str,
    fixable: bool,
}

pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let findings: Vec<JsonFinding> = report
        .findings()
        .map(|(file, f)| {
            let span = file.span(&f.range);
            JsonFinding {
                file: &file.name,
                line: span.start.line,
                column: span.start.column,
                end_line: span.end.line,
                end_column: span.end.column,
                severity: f.severity.as_str(),
                code: f.rule.code,
                name: f.rule.name,
                hadolint: f.rule.hadolint,
                message: &f.message,
                fixable: f.fix.is_some(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}
