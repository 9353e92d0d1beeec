//! The text of one Dockerfile as a rope, with its syntax trees kept in step by reparsing what an
//! edit touched. The parser reads the rope's chunks directly, so an edit never copies the whole
//! text.
//!
//! The file is parsed in instruction-sized chunks, each its own tree, so that an edit reparses
//! only the chunks it touched. Chunks start before an instruction line that nothing before reads
//! into (by the builder's line rules), so each reads the same alone as in the whole file; a file
//! whose escape character is not the backslash is one chunk. After edits, a chunk whose last
//! instruction now reads into the next chunk, or whose first line no longer starts with an
//! instruction keyword, is merged with that neighbour, and so is a chunk whose tree the grammar
//! does not end there (an error in its last statement, or a last line break taken by a
//! comment), since a parse of the whole text would read on into the next chunk. A chunk grown
//! well past its size when it was last cut is cut again, so that merges in a long editing
//! session do not add up to one big tree.
//!
//! Chunks were a stage long at first. Cut before every instruction, a keystroke on a 210-line
//! file costs 29 % fewer instructions (the edited chunk is reparsed, its statements listed and
//! its instructions read again, all in proportion to its length), while every chunk after the
//! edit costs a little more to move: 9 % more on 5,000 lines and 14 % more on 20,000.
//!
//! Of the trees only their statements are kept ([`crate::syntax::Trees`]): a tree takes ≈ 16
//! bytes per byte of text. The exception are the trees of the chunks the last edit parsed, so
//! that the next keystroke there reparses incrementally: a chunk of an instruction parses
//! afresh in microseconds, but a file that is one big chunk (an escape character other than the
//! backslash) would be parsed whole on every keystroke. A chunk whose old or new tree has
//! errors is parsed afresh (see [`AFRESH_ON_ERROR_UP_TO`]), as error recovery depends on the
//! tree reused.

use std::ops::Range;
use std::sync::Arc;

use ropey::{Rope, RopeSlice};
use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::model::Kind;
use crate::position::Lines;
use crate::syntax::directives::Directives;
use crate::syntax::logical::{first_word, instruction_starts, reads_past};
use crate::syntax::statements::statements;
use crate::syntax::{containerfile_parser, Chunk, ParseId, Trees};

pub struct SourceFile {
    rope: Rope,
    trees: Arc<Trees>,
    /// One for each chunk of `trees`.
    state: Vec<ChunkState>,
    /// The escape character the chunks were cut for.
    escape: u8,
    parser: Parser,
}

#[derive(Default)]
struct ChunkState {
    /// Its text changed since it was parsed (its statements are stale).
    stale: bool,
    /// Its length when it was last cut.
    cut: usize,
    /// Its last parse, kept when an edit made it (edited along with the text since).
    tree: Option<Tree>,
}

/// How much a chunk may grow past twice its size at its last cut before it is cut again: a
/// chunk grows by merges while its text is edited, and a cut scans it for instructions. A
/// few instructions' worth, as every keystroke in a chunk costs in proportion to it.
const GROWTH_SLACK: usize = 1024;

impl SourceFile {
    pub fn new(text: &str) -> SourceFile {
        let mut file = SourceFile {
            rope: Rope::from_str(text),
            trees: Arc::new(Trees {
                chunks: vec![Chunk {
                    range: 0..0,
                    statements: Vec::new().into(),
                }],
                parse: ParseId::new(),
            }),
            state: vec![],
            escape: b'\\',
            parser: containerfile_parser(),
        };
        file.cut_all();
        file
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn trees(&self) -> &Trees {
        &self.trees
    }

    /// The trees, shared: a snapshot of them costs nothing until the next edit, which then
    /// copies the list of chunks (not their statements) if the snapshot is still held.
    pub fn shared_trees(&self) -> Arc<Trees> {
        self.trees.clone()
    }

    fn trees_mut(&mut self) -> &mut Trees {
        Arc::make_mut(&mut self.trees)
    }

    pub fn text(&self) -> String {
        text_of(&self.rope)
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Replaces `range` (byte offsets, clamped to the text and moved back to character
    /// boundaries) with `new_text` and reparses the chunks it touched.
    pub fn edit(&mut self, range: Range<usize>, new_text: &str) {
        self.apply_without_reparse(range, new_text);
        self.reparse();
    }

    /// Applies a batch of edits in order (each against the text the previous one produced),
    /// then reparses each chunk they touched once.
    pub fn edit_many<'a>(&mut self, edits: impl IntoIterator<Item = (Range<usize>, &'a str)>) {
        for (range, text) in edits {
            self.apply_without_reparse(range, text);
        }
        self.reparse();
    }

    /// Replaces the whole text (a full-document sync) and parses from scratch.
    pub fn replace_all(&mut self, text: &str) {
        self.rope = Rope::from_str(text);
        self.cut_all();
    }

    /// Cuts the whole text into chunks and parses each from scratch.
    fn cut_all(&mut self) {
        self.escape = Directives::parse(&self.text()).escape;
        let rope = self.rope.clone();
        let lines = Lines::of(&rope);
        let whole = 0..rope.len_bytes();
        self.trees_mut().chunks.truncate(1);
        self.trees_mut().chunks[0].range = whole;
        self.state = vec![ChunkState {
            stale: true,
            ..ChunkState::default()
        }];
        self.cut(&lines, 0);
        self.parse_pending(&lines, false);
    }

    /// Cuts chunk `i` before each instruction, into pieces to parse; returns how many chunks it
    /// became.
    fn cut(&mut self, lines: &Lines, i: usize) -> usize {
        let range = self.trees.chunks[i].range.clone();
        let starts: Vec<usize> = if self.escape == b'\\' {
            cut_points(&lines.text(range.clone())).collect()
        } else {
            Vec::new()
        };
        self.state[i].cut = range.len();
        if starts.is_empty() {
            return 1;
        }
        let bounds: Vec<usize> = std::iter::once(range.start)
            .chain(starts.into_iter().map(|s| range.start + s))
            .chain(std::iter::once(range.end))
            .collect();
        let chunks: Vec<Chunk> = bounds
            .windows(2)
            .map(|w| Chunk {
                range: w[0]..w[1],
                statements: Vec::new().into(),
            })
            .collect();
        let states = chunks.iter().map(|c| ChunkState {
            stale: true,
            cut: c.range.len(),
            tree: None,
        });
        self.state.splice(i..=i, states);
        let n = chunks.len();
        self.trees_mut().chunks.splice(i..=i, chunks);
        n
    }

    fn apply_without_reparse(&mut self, range: Range<usize>, new_text: &str) {
        let rope = self.rope.clone();
        let lines = Lines::of(&rope);
        let start = lines.floor_char_boundary(range.start);
        let old_end = lines.floor_char_boundary(range.end).max(start);
        let first = self.chunk_at(start);
        let last = if old_end > start {
            self.chunk_at(old_end - 1)
        } else {
            first
        };
        self.merge(&lines, first, last);
        let base = self.trees.chunks[first].range.start;
        let start_position = point_in(&lines, base, start);
        let old_end_position = if old_end == start {
            start_position
        } else {
            point_in(&lines, base, old_end)
        };
        let (start_char, old_end_char) = (lines.byte_to_char(start), lines.byte_to_char(old_end));
        // Nodes the rope shares with a clone would be copied to be edited.
        drop(rope);
        self.rope.remove(start_char..old_end_char);
        self.rope.insert(start_char, new_text);
        let new_end = start + new_text.len();
        let new_end_position = past(start_position, new_text);
        let chunk = &mut self.trees_mut().chunks[first];
        chunk.range.end = chunk.range.end - old_end + new_end;
        let state = &mut self.state[first];
        state.stale = true;
        if let Some(tree) = &mut state.tree {
            tree.edit(&InputEdit {
                start_byte: start - base,
                old_end_byte: old_end - base,
                new_end_byte: new_end - base,
                start_position,
                old_end_position,
                new_end_position,
            });
        }
        for chunk in &mut self.trees_mut().chunks[first + 1..] {
            chunk.range =
                chunk.range.start - old_end + new_end..chunk.range.end - old_end + new_end;
        }
    }

    /// The chunk holding `byte` (the last one at the end of the text).
    fn chunk_at(&self, byte: usize) -> usize {
        self.trees
            .chunks
            .partition_point(|c| c.range.start <= byte)
            .saturating_sub(1)
    }

    /// Makes chunks `first..=last` one, to parse again (from the first one's tree, if kept,
    /// told that the others' text was appended).
    fn merge(&mut self, lines: &Lines, first: usize, last: usize) {
        if last <= first {
            return;
        }
        let base = self.trees.chunks[first].range.start;
        let (old_end, new_end) = (
            self.trees.chunks[first].range.end,
            self.trees.chunks[last].range.end,
        );
        let at = point_in(lines, base, old_end);
        let new_end_position = point_in(lines, base, new_end);
        // Merged chunks are not cut again until they grow as much as one of them could.
        let cut = self.state[first..=last]
            .iter()
            .map(|s| s.cut)
            .fold(0, Ord::max);
        let state = &mut self.state[first];
        (state.stale, state.cut) = (true, cut);
        if let Some(tree) = &mut state.tree {
            tree.edit(&InputEdit {
                start_byte: old_end - base,
                old_end_byte: old_end - base,
                new_end_byte: new_end - base,
                start_position: at,
                old_end_position: at,
                new_end_position,
            });
        }
        self.trees_mut().chunks[first].range.end = new_end;
        self.trees_mut().chunks.drain(first + 1..=last);
        self.state.drain(first + 1..=last);
    }

    fn reparse(&mut self) {
        let rope = self.rope.clone();
        let lines = Lines::of(&rope);
        if self.escape == b'\\' {
            self.mend_boundaries(&lines);
        }
        // Directives are at the top of the first chunk: nothing before the first instruction is
        // elsewhere.
        if self.state[0].stale {
            let head = lines.text(self.trees.chunks[0].range.clone());
            if Directives::parse(&head).escape != self.escape {
                self.cut_all();
                return;
            }
        }
        let mut i = 0;
        while i < self.trees.chunks.len() {
            let state = &self.state[i];
            if state.stale && self.trees.chunks[i].range.len() > 2 * state.cut + GROWTH_SLACK {
                i += self.cut(&lines, i);
            } else {
                i += 1;
            }
        }
        self.parse_pending(&lines, true);
    }

    /// Parses the stale chunks; `keep_trees` for an edit's, which keeps their trees and lets go
    /// of the others'.
    fn parse_pending(&mut self, lines: &Lines, keep_trees: bool) {
        let mut i = 0;
        while i < self.trees.chunks.len() {
            let state = &mut self.state[i];
            if !state.stale {
                state.tree = None;
                i += 1;
                continue;
            }
            let range = self.trees.chunks[i].range.clone();
            let old = state.tree.take();
            let tree = parse_range(&mut self.parser, lines, range.clone(), old.as_ref());
            self.trees_mut().chunks[i].statements = statements(&tree);
            let ends = grammar_ends(lines, range, &tree);
            let state = &mut self.state[i];
            state.stale = false;
            state.tree = keep_trees.then_some(tree);
            if i + 1 < self.trees.chunks.len() && !ends {
                self.merge(lines, i, i + 1);
            } else {
                i += 1;
            }
        }
        self.trees_mut().parse = ParseId::new();
    }

    /// Merges edited chunks with the neighbours they no longer stand apart from.
    fn mend_boundaries(&mut self, lines: &Lines) {
        let mut i = 0;
        while i < self.trees.chunks.len() {
            if !self.state[i].stale {
                i += 1;
            } else if i > 0 && !self.starts_instruction(lines, i) {
                self.merge(lines, i - 1, i);
                i -= 1;
            } else if i + 1 < self.trees.chunks.len()
                && (self.trees.chunks[i].range.is_empty() || self.reads_into_next(lines, i))
            {
                // An empty chunk (its text deleted) has no line to start; the first one is
                // not merged with a previous one above.
                self.merge(lines, i, i + 1);
            } else {
                i += 1;
            }
        }
    }

    fn starts_instruction(&self, lines: &Lines, i: usize) -> bool {
        let range = self.trees.chunks[i].range.clone();
        let line_end = lines.line_to_byte(lines.line(range.start) + 1);
        is_keyword(first_word(
            &lines.text(range.start..line_end.min(range.end)),
        ))
    }

    fn reads_into_next(&self, lines: &Lines, i: usize) -> bool {
        let range = self.trees.chunks[i].range.clone();
        // With the next chunk's first line, which a continuation or a heredoc would read.
        let through = lines.line_to_byte(lines.line(range.end) + 1);
        reads_past(&lines.text(range.start..through), range.len())
    }

    /// The largest character boundary at or before `byte`, clamped to the text.
    pub fn floor_char_boundary(&self, byte: usize) -> usize {
        crate::position::floor_char_boundary(&self.rope, byte)
    }
}

/// tree-sitter's point of `byte` in a chunk starting at `base`: rows split at `\n` only,
/// columns in bytes.
fn point_in(lines: &Lines, base: usize, byte: usize) -> Point {
    let (row, line_start) = lines.line_of(byte);
    // A chunk starts at a line start, but for a moment after an edit that removed the line
    // break before it, until it is merged.
    Point::new(row - lines.line(base), byte - line_start.max(base))
}

/// Whether the grammar, too, ends the statements of `chunk` (`tree` its parse) where it ends, so
/// that a parse of the whole text would start the next chunk afresh: its last statement and the
/// extras after it are free of errors (which a parse of more text might recover from
/// differently) and the statement is ended by a line break that no comment took. (A comment
/// takes its line break: after `ARG A#x` the next line is no statement of its own to the
/// grammar.) The extras count because tokens the parser skipped to recover are ERROR nodes
/// marked extra: in `FROM a ASRUN x \` the error only ends at the chunk's end, where a parse
/// of the whole text reads on over the next line.
fn grammar_ends(lines: &Lines, chunk: Range<usize>, tree: &Tree) -> bool {
    let root = tree.root_node();
    if root.kind() != "source_file" {
        return false;
    }
    let mut cursor = root.walk();
    let children: Vec<_> = root.children(&mut cursor).collect();
    let Some(last) = children.iter().rposition(|n| !n.is_extra()) else {
        return true;
    };
    if children[last..].iter().any(|n| n.has_error()) {
        return false;
    }
    let mut at = children[last].end_byte();
    let extras = children[last + 1..].iter().map(|n| n.byte_range());
    for extra in extras.chain(std::iter::once(chunk.len()..chunk.len())) {
        let gap = chunk.start + at..chunk.start + extra.start;
        if has_line_break(lines, gap) {
            return true;
        }
        at = extra.end;
    }
    false
}

/// Whether `range` of the text holds a line break.
fn has_line_break(lines: &Lines, range: Range<usize>) -> bool {
    let mut at = range.start;
    while at < range.end {
        let piece = lines.piece(at, range.end);
        if piece.contains(&b'\n') {
            return true;
        }
        at += piece.len();
    }
    false
}

/// Where `text` (read with the backslash escape) may be cut into chunks parsed apart: the line
/// starts, the start of the text excepted, of instructions whose keyword the grammar knows.
/// What precedes such a line reads the same without what follows it, and the other way round.
pub fn cut_points(text: &str) -> impl Iterator<Item = usize> + '_ {
    instruction_starts(text)
        .filter(|&(_, keyword)| is_keyword(keyword))
        .map(|(start, _)| start)
}

fn is_keyword(word: &str) -> bool {
    Kind::from_keyword(word) != Kind::Unknown
}

/// tree-sitter's point after `text` written at `start`.
fn past(start: Point, text: &str) -> Point {
    match text.rfind('\n') {
        Some(last) => Point::new(
            start.row + text.bytes().filter(|&b| b == b'\n').count(),
            text.len() - last - 1,
        ),
        None => Point::new(start.row, start.column + text.len()),
    }
}

/// The longest chunk parsed afresh rather than incrementally when its old or new tree has
/// errors, so that its tree is the one its text alone gives. Chunks of an instruction always
/// are. Only a file that is one chunk (an escape character other than the backslash) can be
/// longer, and parsing all of it on every keystroke while it has an error would cost about
/// 65 ns a byte (`cargo bench -p dockerlean-bench -- full_parse`); the error nodes of such a
/// file may depend on the edits before, which the builder's line rules read the same either
/// way.
pub const AFRESH_ON_ERROR_UP_TO: usize = 32 * 1024;

/// Parses `range` of the rope on its own, incrementally from `old` if given, but afresh when
/// either tree has errors (up to [`AFRESH_ON_ERROR_UP_TO`]). tree-sitter recovers from an error
/// by what it can reuse of the old tree, so the error nodes of an incremental parse depend on
/// the texts parsed before; and the nodes of a tree with errors were shaped by its recovery,
/// so a parse that reuses them can come out without errors and still unlike a fresh parse (as
/// bash scripts did after one whose quote was left open, see `model/bash.rs`).
fn parse_range(
    parser: &mut Parser,
    lines: &Lines,
    range: Range<usize>,
    old: Option<&Tree>,
) -> Tree {
    let afresh_on_error = range.len() <= AFRESH_ON_ERROR_UP_TO;
    let mut read = |byte: usize, _: Point| -> &[u8] {
        let at = range.start + byte;
        if at >= range.end {
            return &[];
        }
        lines.piece(at, range.end)
    };
    let mut parse = |old: Option<&Tree>| {
        parser
            .parse_with_options(&mut read, old, None)
            .expect("a parser with a language and no cancellation always returns a tree")
    };
    if !afresh_on_error {
        return parse(old);
    }
    let old = old.filter(|old| !old.root_node().has_error());
    let tree = parse(old);
    if old.is_some() && tree.root_node().has_error() {
        parse(None)
    } else {
        tree
    }
}

/// A rope's text in a string of exactly its size: `to_string` grows it by doubling, which can
/// leave nearly twice the text allocated while a large file is analysed.
pub fn text_of(rope: &Rope) -> String {
    copy_of(rope.slice(..))
}

fn copy_of(slice: RopeSlice) -> String {
    let mut text = String::with_capacity(slice.len_bytes());
    slice.chunks().for_each(|chunk| text.push_str(chunk));
    text
}

#[cfg(test)]
mod tests {
    use super::SourceFile;

    fn kept(file: &SourceFile) -> Vec<bool> {
        file.state.iter().map(|s| s.tree.is_some()).collect()
    }

    #[test]
    fn the_point_after_an_insertion() {
        use tree_sitter::Point;
        assert_eq!(super::past(Point::new(2, 5), "ab"), Point::new(2, 7));
        assert_eq!(super::past(Point::new(2, 5), "a\nbc"), Point::new(3, 2));
        assert_eq!(super::past(Point::new(2, 5), "a\n\n"), Point::new(4, 0));
        assert_eq!(super::past(Point::new(2, 5), ""), Point::new(2, 5));
    }

    #[test]
    fn a_byte_inside_a_character_floors_to_its_start() {
        let file = SourceFile::new("RUN é\n");
        assert_eq!(file.floor_char_boundary(5), 4);
        assert_eq!(file.floor_char_boundary(6), 6);
        assert_eq!(file.floor_char_boundary(99), 7);
    }

    #[test]
    fn only_the_trees_of_the_chunks_the_last_edit_parsed_are_kept() {
        let text = "ARG V=1\nFROM a\nRUN one\nFROM b\nRUN two\n";
        let mut file = SourceFile::new(text);
        assert_eq!(kept(&file), [false; 5]);
        let at = text.find("two").unwrap();
        file.edit(at..at, "x");
        assert_eq!(kept(&file), [false, false, false, false, true]);
        let at = text.find("one").unwrap();
        file.edit(at..at, "x");
        assert_eq!(kept(&file), [false, false, true, false, false]);
    }
}
