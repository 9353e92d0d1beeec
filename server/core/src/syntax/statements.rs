//! What the model reads from a tree-sitter tree: the top-level statements, in order (see
//! `queries/dockerfile/statements.scm`). A chunk keeps these instead of its tree, which takes
//! ≈ 16 bytes per byte of text; the statements take a few bytes per line.

use std::ops::Range;
use std::sync::Arc;

use tree_sitter::{QueryCursor, StreamingIterator, TextProvider, Tree};

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

/// The statements of `tree`; `text` gives the parsed text of a node, which the query only
/// reads for a text predicate.
pub fn statements<I: AsRef<[u8]>>(tree: &Tree, text: impl TextProvider<I>) -> Arc<[Statement]> {
    let query = queries::dockerfile_statements();
    let names = query.capture_names();
    let mut cursor = QueryCursor::new();
    // Statements are the children of a `source_file` root; any other root (the parser gave up
    // on the whole text) is an error of its own.
    let root = tree.root_node();
    cursor.set_max_start_depth(Some(u32::from(root.kind() == "source_file")));
    let mut captures = cursor.captures(query, root, text);
    let mut out = Vec::new();
    while let Some((m, i)) = captures.next() {
        let capture = m.captures()[*i];
        let kind = match names[capture.index as usize] {
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
    out.into()
}
