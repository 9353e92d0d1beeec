//! Conversions between byte offsets and (line, column) positions, with columns counted in the
//! unit a client asks for. Lines end at `\n` only (a `\r` before it belongs to the line).

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
    let byte = floor_char_boundary(rope, byte);
    let line = rope.byte_to_line(byte);
    let line_start = rope.line_to_byte(line);
    // Counted along the line: four more lookups in the rope cost more than a line's
    // characters.
    let before = || rope.byte_slice(line_start..byte).chars();
    let col = match enc {
        Encoding::Utf8 => byte - line_start,
        Encoding::Utf16 => before().map(char::len_utf16).sum(),
        Encoding::Utf32 => before().count(),
    };
    LineCol { line, col }
}

/// The largest character boundary at or before `byte`, clamped to the text.
pub fn floor_char_boundary(rope: &Rope, byte: usize) -> usize {
    let byte = byte.min(rope.len_bytes());
    // The rope's chunks start at character boundaries.
    let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
    let mut at = byte - chunk_start;
    while !chunk.is_char_boundary(at) {
        at -= 1;
    }
    chunk_start + at
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
    let lines = rope.len_lines();
    if pos.line >= lines {
        return Err(PositionError::LinePastEnd {
            line: pos.line,
            lines,
        });
    }
    let line_start = rope.line_to_byte(pos.line);
    let line = rope.line(pos.line);
    let content_bytes = line_content_len(&line);
    let within = match enc {
        Encoding::Utf8 => {
            let b = pos.col.min(content_bytes);
            // Back to a character boundary.
            line.char_to_byte(line.byte_to_char(b))
        }
        Encoding::Utf16 => {
            let content_chars = line.byte_to_char(content_bytes);
            let max_cu = line.char_to_utf16_cu(content_chars);
            let cu = pos.col.min(max_cu);
            line.char_to_byte(line.utf16_cu_to_char(cu))
        }
        Encoding::Utf32 => {
            let content_chars = line.byte_to_char(content_bytes);
            line.char_to_byte(pos.col.min(content_chars))
        }
    };
    Ok(line_start + within)
}

/// Like [`line_col_to_offset`], but a line past the end means the end of the text.
pub fn line_col_to_offset_clamped(rope: &Rope, pos: LineCol, enc: Encoding) -> usize {
    line_col_to_offset(rope, pos, enc).unwrap_or(rope.len_bytes())
}

fn line_content_len(line: &ropey::RopeSlice) -> usize {
    let mut len = line.len_bytes();
    if len > 0 && line.byte(len - 1) == b'\n' {
        len -= 1;
        if len > 0 && line.byte(len - 1) == b'\r' {
            len -= 1;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

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
