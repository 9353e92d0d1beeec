//! From text to instructions: the tree-sitter parser, the builder's own line rules (parser
//! directives, continuation lines, heredocs), and the splitting of an instruction into words.

pub mod directives;
pub mod json;
pub mod logical;
pub mod segment;
pub mod words;

use tree_sitter::{Parser, Tree};

/// A parser for Dockerfiles / Containerfiles.
pub fn containerfile_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_containerfile::LANGUAGE.into())
        .expect("the bundled grammar matches the tree-sitter ABI");
    parser
}

/// Parses `text` from scratch.
pub fn parse(text: &str) -> Tree {
    containerfile_parser()
        .parse(text, None)
        .expect("a parser with a language and no cancellation always returns a tree")
}
