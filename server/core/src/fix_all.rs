//! Applying every safe fix at once, repeated until nothing changes (a fix may make another rule
//! fire, e.g. a new `apt-get install` line). Shared by `dockerlean fix` and the editor's
//! `source.fixAll`.

use crate::config::Config;
use crate::finding::{apply_edits, Edit, Finding};
use crate::{analyze_str, rules};

/// Passes after which we stop even if fixes keep coming: fixes that undo each other must not
/// hang an editor's save.
const MAX_PASSES: usize = 10;

#[derive(Debug, PartialEq, Eq)]
pub enum FixAll {
    /// The fixed text (equal to the input when there was nothing to fix) and how many fixes
    /// went into it.
    Fixed { text: String, applied: usize },
    /// The builder rejects the file: lines (1-based) of its syntax errors. Fixing a file we
    /// cannot read reliably could damage it.
    SyntaxErrors(Vec<usize>),
}

/// Applies the fixes of the findings `config` leaves, pass after pass, until a pass has none.
pub fn fix_all(text: &str, config: &Config) -> FixAll {
    let mut findings = analyze_str(text).findings;
    let errors = syntax_error_lines(text, &findings);
    if !errors.is_empty() {
        return FixAll::SyntaxErrors(errors);
    }
    let mut text = text.to_owned();
    let mut applied = 0;
    for _ in 0..MAX_PASSES {
        let (edits, count) = compatible_edits(&config.apply(findings));
        if count == 0 {
            break;
        }
        let next = apply_edits(&text, &edits);
        if next == text {
            break;
        }
        // Read once: for the check, then for the next pass's fixes.
        findings = analyze_str(&next).findings;
        // A pass whose result the builder would reject is not taken (no fix should do that).
        if !syntax_error_lines(&next, &findings).is_empty() {
            break;
        }
        text = next;
        applied += count;
    }
    FixAll::Fixed { text, applied }
}

/// The edits of as many safe fixes as can go in together: fixes are taken in source order and
/// one that touches an edit already taken waits for the next pass. Fixes that need a person's
/// review (another base image) and fixes that create files are left to the quick fixes.
pub fn compatible_edits(findings: &[Finding]) -> (Vec<Edit>, usize) {
    let mut taken: Vec<Edit> = Vec::new();
    let mut count = 0;
    let fixes = findings.iter().filter_map(|f| f.fix.as_ref());
    for fix in fixes.filter(|f| f.is_safe() && f.files.is_empty()) {
        let clashes = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(&t.range, &e.range)));
        if !clashes {
            taken.extend(fix.edits.iter().cloned());
            count += 1;
        }
    }
    (taken, count)
}

/// Ranges that share a byte, or insertions at the same place (whose order would be arbitrary).
fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end) || a.start == b.start
}

fn syntax_error_lines(text: &str, findings: &[Finding]) -> Vec<usize> {
    findings
        .iter()
        .filter(|f| {
            rules::syntax::METAS
                .iter()
                .any(|m| std::ptr::eq(*m, f.rule))
        })
        .map(|f| text[..f.range.start].matches('\n').count() + 1)
        .collect()
}

/// Line-level edits that turn `old` into `new`, for clients that want edits rather than text.
pub fn line_edits(old: &str, new: &str) -> Vec<Edit> {
    let diff = similar::TextDiff::from_lines(old, new);
    let old_starts = line_starts(old);
    let new_lines: Vec<&str> = diff.new_slices().to_vec();
    diff.ops()
        .iter()
        .filter(|op| !matches!(op.tag(), similar::DiffTag::Equal))
        .map(|op| {
            let (olds, news) = (op.old_range(), op.new_range());
            Edit::replace(
                old_starts[olds.start]..old_starts[olds.end],
                new_lines[news].concat(),
            )
        })
        .collect()
}

/// The byte offset of each line's start, plus the end of the text.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(|&i| i < text.len())
        .collect();
    starts.push(text.len());
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    const APT: &str =
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\nRUN pip install flask\n";

    fn fixed(text: &str, config: &Config) -> String {
        match fix_all(text, config) {
            FixAll::Fixed { text, .. } => text,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_fix_applies_and_nothing_fixable_is_left() {
        let text = fixed(APT, &Config::default());
        let left: Vec<_> = analyze_str(&text)
            .findings
            .into_iter()
            .filter(|f| f.fix.as_ref().is_some_and(|fix| fix.is_safe()))
            .map(|f| f.code())
            .collect();
        assert!(left.is_empty(), "{left:?} left in\n{text}");
        assert_ne!(text, APT);
    }

    #[test]
    fn fixing_twice_changes_nothing_the_second_time() {
        let once = fixed(APT, &Config::default());
        assert_eq!(
            fix_all(&once, &Config::default()),
            FixAll::Fixed {
                text: once.clone(),
                applied: 0
            }
        );
    }

    #[test]
    fn rules_turned_off_are_not_fixed() {
        let config = Config::from_toml("ignore = [\"DKL101\"]\n").unwrap();
        assert!(fixed(APT, &config).contains("RUN pip install flask\n"));
    }

    #[test]
    fn files_with_syntax_errors_are_left_alone() {
        assert_eq!(
            fix_all("FROM a\nFOO bar\nRUN pip install x\n", &Config::default()),
            FixAll::SyntaxErrors(vec![2])
        );
    }

    #[test]
    fn line_edits_rebuild_the_new_text() {
        let old = "a\nb\nc\n";
        let new = "a\nB\nc\nd";
        assert_eq!(apply_edits(old, &line_edits(old, new)), new);
        assert_eq!(
            apply_edits(APT, &line_edits(APT, &fixed(APT, &Config::default()))),
            fixed(APT, &Config::default())
        );
    }
}
