//! What the model reads from a tree-sitter tree: the top-level statements, in order (see
//! `queries/dockerfile/statements.scm`). A chunk keeps these instead of its tree, which takes
//! ≈ 16 bytes per byte of text; the statements take a few bytes per line.

use std::ops::Range;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};

use tree_sitter::{Node, QueryCursor, StreamingIterator, Tree};

use crate::queries;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// Offsets in the parsed text.
    pub range: Range<usize>,
    pub kind: StatementKind,
    /// The grammar failed inside it (always so for [`StatementKind::Error`]).
    pub error: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementKind {
    Instruction,
    Comment,
    /// Tokens the parser skipped to recover from an error.
    Error,
}

/// The statements of `tree`: the children of its `source_file` root, or the root itself when
/// the parser gave up on the whole text.
pub fn statements(tree: &Tree) -> Arc<[Statement]> {
    let root = tree.root_node();
    let mut out = Vec::new();
    let mut push = |node: Node| {
        if let Some(kind) = statement_kind(node) {
            out.push(Statement {
                range: node.byte_range(),
                kind,
                error: node.has_error(),
            });
        }
    };
    if root.kind() == "source_file" {
        let mut cursor = root.walk();
        root.children(&mut cursor).for_each(&mut push);
    } else {
        push(root);
    }
    out.into()
}

/// What the statements query captures `node` as. Its patterns are node kinds alone (the query
/// file says so), so the query runs once per kind and the answer is kept: running it over
/// every chunk an edit parses cost a tenth of a keystroke, walking the nodes in between.
fn statement_kind(node: Node) -> Option<StatementKind> {
    const UNKNOWN: u8 = 0;
    const NONE: u8 = 1;
    const KINDS: [StatementKind; 3] = [
        StatementKind::Instruction,
        StatementKind::Comment,
        StatementKind::Error,
    ];
    static BY_KIND: OnceLock<Box<[AtomicU8]>> = OnceLock::new();
    let by_kind = BY_KIND.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_containerfile::LANGUAGE.into();
        // ERROR's kind id is past the language's kinds: it gets the last slot.
        let slots = language.node_kind_count() + 1;
        (0..slots).map(|_| AtomicU8::new(UNKNOWN)).collect()
    });
    let slot = &by_kind[usize::from(node.kind_id()).min(by_kind.len() - 1)];
    let known = match slot.load(Ordering::Relaxed) {
        UNKNOWN => {
            let queried = query_kind(node).map_or(NONE, |k| 2 + k as u8);
            slot.store(queried, Ordering::Relaxed);
            queried
        }
        known => known,
    };
    (known != NONE).then(|| KINDS[usize::from(known - 2)])
}

/// Runs the statements query on `node` alone.
fn query_kind(node: Node) -> Option<StatementKind> {
    let query = queries::dockerfile_statements();
    let mut cursor = QueryCursor::new();
    cursor.set_max_start_depth(Some(0));
    let no_text = |_: Node| std::iter::empty::<&[u8]>();
    let mut matches = cursor.matches(query, node, no_text);
    let capture = matches.next()?.captures()[0];
    Some(match query.capture_names()[capture.index as usize] {
        "instruction" => StatementKind::Instruction,
        "comment" => StatementKind::Comment,
        _ => StatementKind::Error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::containerfile_parser;

    /// What the query captures over the whole tree, as it ran before its answers were kept by
    /// node kind: the oracle for [`statements`].
    fn queried(tree: &Tree, text: &str) -> Vec<Statement> {
        let query = queries::dockerfile_statements();
        let mut cursor = QueryCursor::new();
        let root = tree.root_node();
        cursor.set_max_start_depth(Some(u32::from(root.kind() == "source_file")));
        let mut matches = cursor.matches(query, root, text.as_bytes());
        let mut out = Vec::new();
        while let Some(m) = matches.next() {
            let capture = m.captures()[0];
            let kind = match query.capture_names()[capture.index as usize] {
                "instruction" => StatementKind::Instruction,
                "comment" => StatementKind::Comment,
                _ => StatementKind::Error,
            };
            out.push(Statement {
                range: capture.node.byte_range(),
                kind,
                error: capture.node.has_error(),
            });
        }
        out
    }

    #[test]
    fn statements_are_what_the_query_captures() {
        let mut texts: Vec<&str> = vec![
            "",
            "# only a comment",
            "FROM a ASRUN x \\\nFROM b\n",
            "RUN <<EOF\nunterminated",
            "FOO bar\nFROM a\n\tonbuild run x\n# c\nHEALTHCHECK NONE\n",
            "}{ ]\n\"\\\n",
            "FROM a AS b\nCOPY --from=b [\"a\",\nMAINTAINER me\nSTOPSIGNAL 9\n",
        ];
        for rule in crate::rules::RULES {
            texts.extend(rule.fixtures.fire);
            texts.extend(rule.fixtures.clean);
        }
        let mut parser = containerfile_parser();
        for text in texts {
            let tree = parser.parse(text, None).unwrap();
            assert_eq!(*statements(&tree), queried(&tree, text), "{text:?}");
        }
    }
}
