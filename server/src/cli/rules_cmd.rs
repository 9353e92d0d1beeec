//! `dockerlean rules` and `dockerlean explain`: the rule registry, for people and for scripts.

use std::io::Write;

use dockerlean_core::rules::{self, RuleMeta};
use serde::Serialize;

use super::{CliError, ListFormat};

#[derive(Serialize)]
struct RuleRow {
    code: &'static str,
    name: &'static str,
    hadolint: Option<&'static str>,
    severity: &'static str,
    fixable: bool,
    summary: &'static str,
}

impl RuleRow {
    fn new(meta: &'static RuleMeta) -> RuleRow {
        RuleRow {
            code: meta.code,
            name: meta.name,
            hadolint: meta.hadolint,
            severity: meta.severity.as_str(),
            fixable: meta.fixable,
            summary: meta.summary,
        }
    }
}

pub fn list(format: ListFormat) -> Result<(), CliError> {
    let rows: Vec<RuleRow> = rules::all_metas().map(RuleRow::new).collect();
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rows).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ListFormat::Text => write_table(&rows, &mut out)?,
    }
    Ok(())
}

/// Aligned columns; the summary comes last because it is the only long one.
fn write_table(rows: &[RuleRow], out: &mut dyn Write) -> std::io::Result<()> {
    let cells: Vec<[&str; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.code,
                r.name,
                r.hadolint.unwrap_or("-"),
                r.severity,
                if r.fixable { "yes" } else { "no" },
                r.summary,
            ]
        })
        .collect();
    let header = ["CODE", "NAME", "HADOLINT", "SEVERITY", "FIXABLE", "SUMMARY"];
    let mut widths = header.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&cells) {
        let (last, aligned) = row.split_last().expect("rows have six cells");
        for (cell, width) in aligned.iter().zip(widths) {
            write!(out, "{cell:<width$}  ")?;
        }
        writeln!(out, "{last}")?;
    }
    Ok(())
}

pub fn explain(key: &str) -> Result<(), CliError> {
    let meta = rules::find(key).ok_or_else(|| {
        CliError::new(format!(
            "unknown rule `{key}` (`dockerlean rules` lists them)"
        ))
    })?;
    write!(
        std::io::stdout().lock(),
        "{}",
        dockerlean_core::docs::page(meta)
    )?;
    Ok(())
}
