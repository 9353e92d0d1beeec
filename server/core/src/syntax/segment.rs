//! Instruction boundaries from the tree-sitter tree, with the builder's line rules taking over
//! wherever the grammar gave up (ERROR nodes) or cannot apply (a non-default escape character).

use std::ops::Range;

use tree_sitter::Tree;

use crate::syntax::logical::{physical_line, scan, scan_instruction, LogicalLine};

pub struct Segments {
    pub lines: Vec<LogicalLine>,
    /// Top-level comment lines (`#` to the end of the line).
    pub comments: Vec<Range<usize>>,
    /// Regions the grammar could not parse, read with the builder's line rules instead.
    pub recovered: Vec<Range<usize>>,
}

pub fn segment(text: &str, tree: &Tree, escape: u8) -> Segments {
    let mut out = Segments {
        lines: Vec::new(),
        comments: Vec::new(),
        recovered: Vec::new(),
    };
    if escape != b'\\' {
        // The grammar only knows the backslash; the whole file follows the builder's rules.
        let (lines, comments) = scan(text, 0..text.len(), escape);
        out.lines = lines;
        out.comments = comments;
        out.recovered.push(0..text.len());
        return out;
    }
    let root = tree.root_node();
    let mut cursor = root.walk();
    // Everything before `covered` is accounted for; it is always a line start.
    let mut covered = 0;
    for child in root.children(&mut cursor) {
        let (start, end) = (child.start_byte(), child.end_byte());
        if end <= covered || !child.is_named() {
            continue;
        }
        let kind = child.kind();
        if start >= covered && kind == "comment" {
            out.comments.push(start..physical_line(text, start).end);
            covered = physical_line(text, start).next;
        } else if start >= covered && kind.ends_with("_instruction") && !child.has_error() {
            let line = scan_instruction(text, start, escape);
            covered = physical_line(text, line.range.end).next;
            out.lines.push(line);
        } else {
            let region = physical_line(text, start.max(covered)).start.max(covered)..end;
            let (lines, comments) = scan(text, region.clone(), escape);
            if let Some(last) = lines.last() {
                covered = covered.max(physical_line(text, last.range.end).next);
            }
            covered =
                covered.max(physical_line(text, end.saturating_sub(1).max(region.start)).next);
            out.recovered.push(region);
            out.lines.extend(lines);
            out.comments.extend(comments);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn recovers_instructions_inside_error_regions() {
        let text = "FROM a\nRUN set -eux; \\\n  [ -z \"$x\" ] || exit 1; \\\n  echo ok\nENV a.b=c\nUSER me\n";
        let tree = parse(text);
        let s = segment(text, &tree, b'\\');
        let keywords: Vec<&str> = s.lines.iter().map(|l| &text[l.keyword.clone()]).collect();
        assert_eq!(keywords, ["FROM", "RUN", "ENV", "USER"]);
    }
}
