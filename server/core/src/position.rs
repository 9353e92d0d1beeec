//! Conversions between byte offsets and (line, column) positions, with columns counted in the
//! unit a client asks for. Lines end at `\n` only (a `\r` before it belongs to the line).

use std::borrow::Cow;
use std::ops::Range;

use ropey::Rope;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Columns in UTF-8 bytes.
    Utf8,
    /// Columns in UTF-16 code units (the LSP default).
    Utf16,
    /// Columns in Unicode scalar values (what a person counts; the CLI's columns).
    Utf32,
}

/// A zero-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

/// Why a position does not name a place in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionError {
    LinePastEnd { line: usize, lines: usize },
}

impl std::fmt::Display for PositionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PositionError::LinePastEnd { line, lines } => {
                write!(
                    f,
                    "line {line} is past the end of the document ({lines} lines)"
                )
            }
        }
    }
}

pub fn offset_to_line_col(rope: &Rope, byte: usize, enc: Encoding) -> LineCol {
    Lines::of(rope).line_col(byte, enc)
}

/// The largest character boundary at or before `byte`, clamped to the text.
pub fn floor_char_boundary(rope: &Rope, byte: usize) -> usize {
    Lines::of(rope).floor_char_boundary(byte)
}

/// The byte offset of `pos`. A column past the end of its line is clamped to the line's end
/// (before its line break), as the LSP specification asks; a column inside a character is moved
/// back to the character's start. A line past the end of the text is an error, except the line
/// just after a final line break, which is the end of the text.
pub fn line_col_to_offset(
    rope: &Rope,
    pos: LineCol,
    enc: Encoding,
) -> Result<usize, PositionError> {
    Lines::of(rope).offset(pos, enc)
}

/// Like [`line_col_to_offset`], but a line past the end means the end of the text.
pub fn line_col_to_offset_clamped(rope: &Rope, pos: LineCol, enc: Encoding) -> usize {
    line_col_to_offset(rope, pos, enc).unwrap_or(rope.len_bytes())
}

/// What a conversion, or a reparse, reads: the rope, or its text when the rope holds all of it
/// in one chunk (a document under about 1 KB). Ropey keeps the line and character counts of
/// inner nodes only, so on a rope that is a single leaf every query counts the whole text
/// again: a conversion made about eight of them, 9,000 instructions for a 24-line file, and a
/// keystroke's edit and reparse about twenty-five.
pub(crate) enum Lines<'a> {
    Text(&'a str),
    Rope(&'a Rope),
}

impl<'a> Lines<'a> {
    pub(crate) fn of(rope: &'a Rope) -> Lines<'a> {
        let mut chunks = rope.chunks();
        let first = chunks.next().unwrap_or_default();
        match chunks.next() {
            None => Lines::Text(first),
            Some(_) => Lines::Rope(rope),
        }
    }

    fn len_bytes(&self) -> usize {
        match self {
            Lines::Text(text) => text.len(),
            Lines::Rope(rope) => rope.len_bytes(),
        }
    }

    fn len_lines(&self) -> usize {
        match self {
            Lines::Text(text) => text.bytes().filter(|&b| b == b'\n').count() + 1,
            Lines::Rope(rope) => rope.len_lines(),
        }
    }

    /// The line `byte` (at most the text's length) is on.
    pub(crate) fn line(&self, byte: usize) -> usize {
        match self {
            Lines::Text(text) => text.as_bytes()[..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
            Lines::Rope(rope) => rope.byte_to_line(byte),
        }
    }

    /// The line `byte` (at most the text's length) is on, and where that line starts.
    pub(crate) fn line_of(&self, byte: usize) -> (usize, usize) {
        let line = self.line(byte);
        let start = match self {
            Lines::Text(text) => text.as_bytes()[..byte]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1),
            Lines::Rope(rope) => rope.line_to_byte(line),
        };
        (line, start)
    }

    /// Where `line` (less than the number of lines, or equal to it: the end) starts.
    pub(crate) fn line_to_byte(&self, line: usize) -> usize {
        match self {
            Lines::Text(text) => match line.checked_sub(1) {
                None => 0,
                Some(breaks) => text
                    .match_indices('\n')
                    .nth(breaks)
                    .map_or(text.len(), |(i, _)| i + 1),
            },
            Lines::Rope(rope) => rope.line_to_byte(line),
        }
    }

    /// How many characters come before `byte` (a character boundary).
    pub(crate) fn byte_to_char(&self, byte: usize) -> usize {
        match self {
            Lines::Text(text) => text[..byte].chars().count(),
            Lines::Rope(rope) => rope.byte_to_char(byte),
        }
    }

    /// The text of `range` (character boundaries), borrowed unless it spans chunks of the rope.
    pub(crate) fn text(&self, range: Range<usize>) -> Cow<'a, str> {
        match self {
            Lines::Text(text) => Cow::Borrowed(&text[range]),
            Lines::Rope(rope) => {
                let slice = rope.byte_slice(range);
                slice
                    .as_str()
                    .map_or_else(|| Cow::Owned(slice.chunks().collect()), Cow::Borrowed)
            }
        }
    }

    /// The bytes from `at` on, up to `end` or the end of the chunk holding `at`.
    pub(crate) fn piece(&self, at: usize, end: usize) -> &'a [u8] {
        match self {
            Lines::Text(text) => &text.as_bytes()[at..end],
            Lines::Rope(rope) => {
                let (chunk, start, _, _) = rope.chunk_at_byte(at);
                &chunk.as_bytes()[at - start..(end - start).min(chunk.len())]
            }
        }
    }

    fn byte(&self, at: usize) -> u8 {
        match self {
            Lines::Text(text) => text.as_bytes()[at],
            Lines::Rope(rope) => rope.byte(at),
        }
    }

    /// The characters of `range` (character boundaries).
    fn chars(&self, range: Range<usize>) -> Chars<'a> {
        match self {
            Lines::Text(text) => Chars::Text(text[range].chars()),
            Lines::Rope(rope) => Chars::Rope(rope.byte_slice(range).chars()),
        }
    }

    pub(crate) fn floor_char_boundary(&self, byte: usize) -> usize {
        let byte = byte.min(self.len_bytes());
        // The rope's chunks start at character boundaries.
        let (chunk, chunk_start) = match self {
            Lines::Text(text) => (*text, 0),
            Lines::Rope(rope) => {
                let (chunk, start, _, _) = rope.chunk_at_byte(byte);
                (chunk, start)
            }
        };
        let mut at = byte - chunk_start;
        while !chunk.is_char_boundary(at) {
            at -= 1;
        }
        chunk_start + at
    }

    fn line_col(&self, byte: usize, enc: Encoding) -> LineCol {
        let byte = self.floor_char_boundary(byte);
        let (line, line_start) = self.line_of(byte);
        // Counted along the line: four more lookups in the rope cost more than a line's
        // characters.
        let before = || self.chars(line_start..byte);
        let col = match enc {
            Encoding::Utf8 => byte - line_start,
            Encoding::Utf16 => before().map(char::len_utf16).sum(),
            Encoding::Utf32 => before().count(),
        };
        LineCol { line, col }
    }

    fn offset(&self, pos: LineCol, enc: Encoding) -> Result<usize, PositionError> {
        let lines = self.len_lines();
        if pos.line >= lines {
            return Err(PositionError::LinePastEnd {
                line: pos.line,
                lines,
            });
        }
        let line_start = self.line_to_byte(pos.line);
        let content_end = self.content_end(line_start, pos.line + 1, lines);
        let within = |units: fn(char) -> usize| {
            let mut counted = 0;
            let mut at = line_start;
            for c in self.chars(line_start..content_end) {
                counted += units(c);
                // Inside a character (a surrogate pair): its start.
                if counted > pos.col {
                    break;
                }
                at += c.len_utf8();
            }
            at
        };
        Ok(match enc {
            Encoding::Utf8 => self.floor_char_boundary((line_start + pos.col).min(content_end)),
            Encoding::Utf16 => within(char::len_utf16),
            Encoding::Utf32 => within(|_| 1),
        })
    }

    /// Where the content of the line starting at `line_start` ends, `next` the line after it:
    /// before its `\n` or `\r\n`.
    fn content_end(&self, line_start: usize, next: usize, lines: usize) -> usize {
        let mut end = if next < lines {
            self.line_to_byte(next)
        } else {
            self.len_bytes()
        };
        let ends_with = |end: usize, byte: u8| end > line_start && self.byte(end - 1) == byte;
        if ends_with(end, b'\n') {
            end -= 1;
            if ends_with(end, b'\r') {
                end -= 1;
            }
        }
        end
    }
}

enum Chars<'a> {
    Text(std::str::Chars<'a>),
    Rope(ropey::iter::Chars<'a>),
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        match self {
            Chars::Text(chars) => chars.next(),
            Chars::Rope(chars) => chars.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;

    /// Every offset and every position (and some past the end of each line and of the text),
    /// in every encoding, converted by reading the text and by querying the rope; and what a
    /// reparse reads of them: lines, characters before, text and pieces of every range.
    fn text_and_rope_agree(text: &str) {
        let rope = Rope::from_str(text);
        let (read, queried) = (Lines::Text(text), Lines::Rope(&rope));
        let lines = queried.len_lines();
        assert_eq!(read.len_lines(), lines);
        let boundaries: Vec<usize> = (0..=text.len())
            .filter(|&b| text.is_char_boundary(b))
            .collect();
        for &byte in &boundaries {
            assert_eq!(read.line_of(byte), queried.line_of(byte), "{byte}");
            assert_eq!(read.line(byte), queried.line(byte), "{byte}");
            assert_eq!(
                read.byte_to_char(byte),
                queried.byte_to_char(byte),
                "{byte}"
            );
            let end = boundaries[boundaries.len() * 2 / 3].max(byte);
            assert_eq!(read.text(byte..end), &text[byte..end]);
            assert_eq!(queried.text(byte..end), &text[byte..end]);
            let piece = queried.piece(byte, end);
            assert!(!piece.is_empty() || byte == end);
            assert_eq!(piece, &text.as_bytes()[byte..byte + piece.len()]);
            assert_eq!(read.piece(byte, end), &text.as_bytes()[byte..end]);
        }
        for line in 0..=lines {
            assert_eq!(
                read.line_to_byte(line),
                queried.line_to_byte(line),
                "{line}"
            );
        }
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            for byte in 0..=text.len() + 1 {
                assert_eq!(
                    read.line_col(byte, enc),
                    queried.line_col(byte, enc),
                    "{byte}"
                );
            }
            for line in 0..=lines {
                let longest = text.lines().nth(line).map_or(0, str::len) + 2;
                for col in 0..=longest {
                    let pos = LineCol { line, col };
                    assert_eq!(read.offset(pos, enc), queried.offset(pos, enc), "{pos:?}");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn reading_the_text_converts_as_the_rope_does(
            pieces in prop::collection::vec(
                select(vec!["a", "bc", " ", "é", "😀", "\n", "\r\n", "\r"]),
                0..400,
            )
        ) {
            text_and_rope_agree(&pieces.concat());
        }
    }

    #[test]
    fn a_rope_in_one_chunk_is_read_as_text_and_a_longer_one_queried() {
        let short = Rope::from_str("FROM a\nRUN b\n");
        assert!(matches!(Lines::of(&short), Lines::Text("FROM a\nRUN b\n")));
        assert!(matches!(Lines::of(&Rope::new()), Lines::Text("")));
        let long = Rope::from_str(&"RUN echo 😀\r\n".repeat(400));
        assert!(matches!(Lines::of(&long), Lines::Rope(_)));
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let rope = Rope::from_str("a😀b\nxy");
        let b = "a😀".len();
        assert_eq!(
            offset_to_line_col(&rope, b, Encoding::Utf16),
            LineCol { line: 0, col: 3 }
        );
        assert_eq!(
            offset_to_line_col(&rope, b, Encoding::Utf32),
            LineCol { line: 0, col: 2 }
        );
        assert_eq!(
            offset_to_line_col(&rope, b, Encoding::Utf8),
            LineCol { line: 0, col: 5 }
        );
        assert_eq!(
            line_col_to_offset(&rope, LineCol { line: 0, col: 3 }, Encoding::Utf16),
            Ok(b)
        );
        // Inside the surrogate pair: back to the character's start.
        assert_eq!(
            line_col_to_offset(&rope, LineCol { line: 0, col: 2 }, Encoding::Utf16),
            Ok(1)
        );
        // A byte inside a character: that character's start, on any line.
        assert_eq!(
            offset_to_line_col(&rope, 3, Encoding::Utf16),
            LineCol { line: 0, col: 1 }
        );
        let second = Rope::from_str("x\néé");
        assert_eq!(
            offset_to_line_col(&second, 5, Encoding::Utf16),
            LineCol { line: 1, col: 1 }
        );
        assert_eq!(
            offset_to_line_col(&second, 99, Encoding::Utf32),
            LineCol { line: 1, col: 2 }
        );
    }

    #[test]
    fn columns_past_the_line_clamp_before_crlf() {
        let rope = Rope::from_str("ab\r\ncd");
        assert_eq!(
            line_col_to_offset(&rope, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            Ok(2)
        );
        assert_eq!(
            line_col_to_offset(&rope, LineCol { line: 1, col: 99 }, Encoding::Utf8),
            Ok(6)
        );
        assert!(line_col_to_offset(&rope, LineCol { line: 2, col: 0 }, Encoding::Utf8).is_err());
        assert_eq!(
            line_col_to_offset_clamped(&rope, LineCol { line: 9, col: 0 }, Encoding::Utf8),
            6
        );
    }

    #[test]
    fn the_line_after_a_final_newline_exists() {
        let rope = Rope::from_str("ab\n");
        assert_eq!(
            line_col_to_offset(&rope, LineCol { line: 1, col: 0 }, Encoding::Utf16),
            Ok(3)
        );
    }
}
