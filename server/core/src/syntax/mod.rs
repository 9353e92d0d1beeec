//! From text to instructions: the tree-sitter parser, the builder's own line rules (parser
//! directives, continuation lines, heredocs), and the splitting of an instruction into words.

pub mod directives;
pub mod json;
pub mod logical;
pub mod segment;
pub mod statements;
pub mod words;

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tree_sitter::Parser;

use statements::{statements, Statement};

/// A parser for Dockerfiles / Containerfiles.
pub fn containerfile_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_containerfile::LANGUAGE.into())
        .expect("the bundled grammar matches the tree-sitter ABI");
    parser
}

/// A file's syntax trees: the file cut into consecutive chunks, each parsed on its own, so that
/// an edit reparses one chunk rather than the whole file (see [`crate::SourceFile`]). Of each
/// tree only the statements the model reads are kept.
#[derive(Clone)]
pub struct Trees {
    pub(crate) chunks: Vec<Chunk>,
    /// Which parse this is. Every parse and every reparse after an edit takes a new one and
    /// clones share it, so two trees with the same `parse` are of the very same text: the
    /// model of a version the editor asks about again is then not looked at chunk by chunk.
    pub(crate) parse: ParseId,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ParseId(u64);

impl ParseId {
    /// One never given before in this process.
    pub(crate) fn new() -> ParseId {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        ParseId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

#[derive(Clone)]
pub struct Chunk {
    /// Where the chunk's text is in the file.
    pub range: Range<usize>,
    /// The statements of the parse of that text alone: offsets count from the chunk's start.
    pub statements: Arc<[Statement]>,
}

impl Trees {
    pub fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }
}

/// Parses `text` from scratch as one chunk.
pub fn parse(text: &str) -> Trees {
    let tree = containerfile_parser()
        .parse(text, None)
        .expect("a parser with a language and no cancellation always returns a tree");
    Trees {
        chunks: vec![Chunk {
            range: 0..text.len(),
            statements: statements(&tree),
        }],
        parse: ParseId::new(),
    }
}
