//! From text to instructions: the tree-sitter parser, the builder's own line rules (parser
//! directives, continuation lines, heredocs), and the splitting of an instruction into words.

pub mod directives;
pub mod json;
pub mod logical;
pub mod segment;
pub mod words;

use std::ops::Range;

use tree_sitter::{Parser, Tree};

/// A parser for Dockerfiles / Containerfiles.
pub fn containerfile_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_containerfile::LANGUAGE.into())
        .expect("the bundled grammar matches the tree-sitter ABI");
    parser
}

/// A file's syntax trees: the file cut into consecutive chunks, each parsed on its own, so that
/// an edit reparses one chunk rather than the whole file (see [`crate::SourceFile`]).
#[derive(Clone)]
pub struct Trees {
    pub(crate) chunks: Vec<Chunk>,
}

#[derive(Clone)]
pub struct Chunk {
    /// Where the chunk's text is in the file.
    pub range: Range<usize>,
    /// The parse of that text alone: its offsets and rows count from the chunk's start.
    pub tree: Tree,
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
            tree,
        }],
    }
}
