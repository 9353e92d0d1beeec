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
    let byte = byte.min(rope.len_bytes());
    let line = rope.byte_to_line(byte);
    let line_start = rope.line_to_byte(line);
    let col = match enc {
        Encoding::Utf8 => byte - line_start,
        Encoding::Utf16 | Encoding::Utf32 => {
            let start_char = rope.byte_to_char(line_start);
            let char_idx = rope.byte_to_char(byte);
            match enc {
                Encoding::Utf16 => {
                    rope.char_to_utf16_cu(char_idx) - rope.char_to_utf16_cu(start_char)
                }
                _ => char_idx - start_char,
            }
        }
    };
    LineCol { line, col }
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
