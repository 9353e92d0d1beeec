//! The results of a `check` run, and the one place byte ranges become the 1-based lines and
//! columns that every output format shows.

use std::ops::Range;

use dockerlean_core::config::Config;
use dockerlean_core::position::{offset_to_line_col, Encoding};
use dockerlean_core::wording::count;
use dockerlean_core::Finding;
use ropey::Rope;

use super::input::Source;

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Where a range starts and where it ends (exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Position,
    pub end: Position,
}

pub struct CheckedFile {
    pub name: String,
    pub findings: Vec<Finding>,
    rope: Rope,
}

impl CheckedFile {
    pub fn analyze(source: Source, config: &Config) -> CheckedFile {
        let findings = config
            .apply(dockerlean_core::analyze_str_with(&source.text, &source.environment).findings);
        // Only the findings' ranges are ever turned into lines and columns.
        let rope = if findings.is_empty() {
            Rope::new()
        } else {
            Rope::from_str(&source.text)
        };
        CheckedFile {
            name: source.name,
            findings,
            rope,
        }
    }

    pub fn span(&self, range: &Range<usize>) -> Span {
        Span {
            start: self.position(range.start),
            end: self.position(range.end),
        }
    }

    fn position(&self, byte: usize) -> Position {
        let lc = offset_to_line_col(&self.rope, byte, Encoding::Utf32);
        Position {
            line: lc.line + 1,
            column: lc.col + 1,
        }
    }
}

pub struct Report {
    pub files: Vec<CheckedFile>,
}

impl Report {
    pub fn findings(&self) -> impl Iterator<Item = (&CheckedFile, &Finding)> {
        self.files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |f| (file, f)))
    }

    /// E.g. `3 findings (2 fixable) in 1 file`.
    pub fn summary(&self) -> String {
        let total = self.findings().count();
        let fixable = self.findings().filter(|(_, f)| f.fix.is_some()).count();
        let files = self.files.len();
        let mut line = count(total, "finding");
        if fixable > 0 {
            line.push_str(&format!(" ({fixable} fixable)"));
        }
        line.push_str(&format!(" in {}", count(files, "file")));
        line
    }
}
