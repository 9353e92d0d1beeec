//! The text of one Dockerfile as a rope, with its tree-sitter tree kept in step by incremental
//! reparsing. The parser reads the rope's chunks directly, so an edit never copies the whole text.

use std::ops::Range;

use ropey::Rope;
use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::syntax::containerfile_parser;

pub struct SourceFile {
    rope: Rope,
    tree: Tree,
    parser: Parser,
}

impl SourceFile {
    pub fn new(text: &str) -> SourceFile {
        let rope = Rope::from_str(text);
        let mut parser = containerfile_parser();
        let tree = parse_rope(&mut parser, &rope, None);
        SourceFile { rope, tree, parser }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Replaces `range` (byte offsets, clamped to the text and moved back to character
    /// boundaries) with `new_text` and reparses incrementally from the old tree.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) {
        self.apply_without_reparse(range, new_text);
        self.reparse();
    }

    /// Applies a batch of edits in order (each against the text the previous one produced),
    /// then reparses once.
    pub fn edit_many<'a>(&mut self, edits: impl IntoIterator<Item = (Range<usize>, &'a str)>) {
        for (range, text) in edits {
            self.apply_without_reparse(range, text);
        }
        self.reparse();
    }

    /// Replaces the whole text (a full-document sync) and parses from scratch.
    pub fn replace_all(&mut self, text: &str) {
        self.rope = Rope::from_str(text);
        self.tree = parse_rope(&mut self.parser, &self.rope, None);
    }

    fn apply_without_reparse(&mut self, range: Range<usize>, new_text: &str) {
        let start = self.floor_char_boundary(range.start);
        let old_end = self.floor_char_boundary(range.end).max(start);
        let start_position = self.point_at(start);
        let old_end_position = self.point_at(old_end);
        let start_char = self.rope.byte_to_char(start);
        let old_end_char = self.rope.byte_to_char(old_end);
        self.rope.remove(start_char..old_end_char);
        self.rope.insert(start_char, new_text);
        let new_end = start + new_text.len();
        let new_end_position = self.point_at(new_end);
        self.tree.edit(&InputEdit {
            start_byte: start,
            old_end_byte: old_end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position,
        });
    }

    fn reparse(&mut self) {
        self.tree = parse_rope(&mut self.parser, &self.rope, Some(&self.tree));
    }

    /// The largest character boundary at or before `byte`, clamped to the text.
    pub fn floor_char_boundary(&self, byte: usize) -> usize {
        let byte = byte.min(self.rope.len_bytes());
        self.rope.char_to_byte(self.rope.byte_to_char(byte))
    }

    /// tree-sitter's point: rows split at `\n` only, columns in bytes.
    fn point_at(&self, byte: usize) -> Point {
        let row = self.rope.byte_to_line(byte);
        Point::new(row, byte - self.rope.line_to_byte(row))
    }
}

fn parse_rope(parser: &mut Parser, rope: &Rope, old: Option<&Tree>) -> Tree {
    let len = rope.len_bytes();
    let mut read = |byte: usize, _: Point| -> &[u8] {
        if byte >= len {
            return &[];
        }
        let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
        &chunk.as_bytes()[byte - chunk_start..]
    };
    parser
        .parse_with_options(&mut read, old, None)
        .expect("a parser with a language and no cancellation always returns a tree")
}
