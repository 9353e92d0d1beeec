//! Instruction boundaries from the tree-sitter tree, with the builder's line rules taking over
//! wherever the grammar gave up (ERROR nodes) or cannot apply (a non-default escape character).

use std::ops::Range;

use crate::syntax::statements::StatementKind;
use crate::syntax::{Chunk, Trees};

use crate::syntax::logical::{physical_line, scan, scan_instruction, LogicalLine};

#[derive(Default)]
pub struct Segments {
    pub lines: Vec<LogicalLine>,
    /// Top-level comment lines (`#` to the end of the line).
    pub comments: Vec<Range<usize>>,
    /// Regions the grammar could not parse, read with the builder's line rules instead.
    pub recovered: Vec<Range<usize>>,
}

pub fn segment(text: &str, trees: &Trees, escape: u8) -> Segments {
    let mut out = Segments::default();
    if escape != b'\\' {
        // The grammar only knows the backslash; the whole file follows the builder's rules.
        let (lines, comments) = scan(text, 0..text.len(), escape);
        out.lines = lines;
        out.comments = comments;
        out.recovered.push(0..text.len());
        return out;
    }
    let mut covered = 0;
    for chunk in trees.chunks() {
        let range = &chunk.range;
        covered = segment_range(
            text,
            chunk,
            covered.max(range.start)..range.end.max(covered),
            &mut out,
        );
    }
    out
}

/// [`segment`] of the statements of `chunk` in `range` of a file whose escape character is the
/// backslash. `range` starts at a line start that nothing before it reads into; the result is
/// the line start after everything read, past `range.end` when its last instruction continues
/// there (a continuation or a heredoc), or when the grammar's error does.
pub fn segment_range(text: &str, chunk: &Chunk, range: Range<usize>, out: &mut Segments) -> usize {
    let escape = b'\\';
    let base = chunk.range.start;
    // Everything before `covered` is accounted for; it is always a line start.
    let mut covered = range.start;
    for statement in chunk.statements.iter() {
        let (start, end) = (base + statement.range.start, base + statement.range.end);
        if end <= range.start {
            // Read with the span before, which read on into this chunk.
            continue;
        }
        if end <= covered {
            // Read with the instruction before it; but where the grammar failed, whether
            // its statement ended before the error or took it in depends on the text after
            // (a parse of the whole file and of one chunk recover differently), and the
            // region counts as recovered either way.
            if statement.error {
                out.recovered.push(physical_line(text, start).start..end);
            }
            continue;
        }
        if statement.kind == StatementKind::Error {
            // Not read yet: the line rules read it with the text around it, below.
            continue;
        }
        if start >= range.end.max(covered) {
            break;
        }
        if start > covered && !text[covered..start].trim().is_empty() {
            covered = recover(text, covered..start, escape, out);
            // The gap's last instruction may have continued over this node.
            if end <= covered {
                continue;
            }
        }
        // The grammar takes some lines for comments that the builder does not (`\#`): only a
        // `#` first on its line starts one.
        let misread = statement.kind == StatementKind::Comment && !starts_comment(text, start);
        if start < covered || statement.error || misread {
            covered = recover(text, start.max(covered)..end, escape, out);
        } else if statement.kind == StatementKind::Comment {
            let line = physical_line(text, start);
            out.comments.push(start..line.end);
            covered = line.next;
        } else {
            let line = scan_instruction(text, start, escape);
            covered = physical_line(text, line.range.end).next;
            out.lines.push(line);
        }
    }
    if covered < range.end && !text[covered..range.end].trim().is_empty() {
        covered = recover(text, covered..range.end, escape, out);
    }
    // Blank lines left at the end are read too.
    covered.max(range.end)
}

/// Whether a `#` at `at` begins a comment line: nothing but blanks before it on its line.
fn starts_comment(text: &str, at: usize) -> bool {
    let line = physical_line(text, at);
    text[at..].starts_with('#') && text[line.start..at].trim().is_empty()
}

/// Reads `region` (widened to whole lines) with the builder's line rules; returns the line start
/// after everything read, which may reach past the region (a continuation or a heredoc).
fn recover(text: &str, region: Range<usize>, escape: u8, out: &mut Segments) -> usize {
    // Callers start regions at or after a line start that is already covered.
    let region = physical_line(text, region.start).start..region.end;
    let (lines, comments) = scan(text, region.clone(), escape);
    let mut covered = physical_line(text, region.end.saturating_sub(1).max(region.start)).next;
    if let Some(last) = lines.last() {
        covered = covered.max(physical_line(text, last.range.end).next);
    }
    out.recovered.push(region);
    out.lines.extend(lines);
    out.comments.extend(comments);
    covered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn a_continuation_before_the_first_statement_reads_over_it() {
        let text = "\\\nFROM alpine\n  RUN <<EOF\napk add curl\nEOF\nRUN echo\n";
        let s = segment(text, &parse(text), b'\\');
        let ranges: Vec<_> = s.lines.iter().map(|l| l.range.clone()).collect();
        let (builder, _) = scan(text, 0..text.len(), b'\\');
        assert_eq!(
            ranges,
            builder.iter().map(|l| l.range.clone()).collect::<Vec<_>>()
        );
        assert_eq!(ranges.len(), 3);
    }

    #[test]
    fn recovers_instructions_inside_error_regions() {
        let text = "FROM a\nRUN set -eux; \\\n  [ -z \"$x\" ] || exit 1; \\\n  echo ok\nENV a.b=c\nUSER me\n";
        let tree = parse(text);
        let s = segment(text, &tree, b'\\');
        let keywords: Vec<&str> = s.lines.iter().map(|l| &text[l.keyword.clone()]).collect();
        assert_eq!(keywords, ["FROM", "RUN", "ENV", "USER"]);
    }
}
