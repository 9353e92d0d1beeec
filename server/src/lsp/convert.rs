//! Conversions between the core's byte offsets and LSP positions, in the position encoding
//! negotiated at `initialize`.

use std::ops::Range;

use dockerlean_core::position::{self, Encoding, LineCol, PositionError};
use dockerlean_core::Severity;
use ropey::Rope;
use tower_lsp_server::ls_types::{
    ClientCapabilities, DiagnosticSeverity, Position, PositionEncodingKind, Range as LspRange,
};

/// UTF-8 when the client offers it (byte columns are what the core counts in, so no
/// conversion cost); otherwise UTF-16, the encoding every client must support.
pub fn negotiate_encoding(capabilities: &ClientCapabilities) -> Encoding {
    let offered = capabilities
        .general
        .as_ref()
        .and_then(|general| general.position_encodings.as_deref())
        .unwrap_or_default();
    if offered.contains(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

pub fn encoding_kind(encoding: Encoding) -> PositionEncodingKind {
    match encoding {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

pub fn position(rope: &Rope, byte: usize, encoding: Encoding) -> Position {
    let at = position::offset_to_line_col(rope, byte, encoding);
    Position::new(saturating_u32(at.line), saturating_u32(at.col))
}

pub fn range(rope: &Rope, bytes: &Range<usize>, encoding: Encoding) -> LspRange {
    LspRange::new(
        position(rope, bytes.start, encoding),
        position(rope, bytes.end, encoding),
    )
}

/// The byte offset of `pos`; columns past the end of a line are clamped, lines past the end
/// of the text are an error.
pub fn offset(rope: &Rope, pos: Position, encoding: Encoding) -> Result<usize, PositionError> {
    let at = LineCol {
        line: pos.line as usize,
        col: pos.character as usize,
    };
    position::line_col_to_offset(rope, at, encoding)
}

/// The byte range of `range`. A reversed range is read as the span between its two ends.
pub fn byte_range(
    rope: &Rope,
    range: LspRange,
    encoding: Encoding,
) -> Result<Range<usize>, PositionError> {
    let start = offset(rope, range.start, encoding)?;
    let end = offset(rope, range.end, encoding)?;
    Ok(start.min(end)..start.max(end))
}

/// Like [`byte_range`], but a line past the end means the end of the text: for requests that
/// only read, where a stale position should still get an answer.
pub fn byte_range_clamped(rope: &Rope, range: LspRange, encoding: Encoding) -> Range<usize> {
    let clamp = |pos: Position| {
        let at = LineCol {
            line: pos.line as usize,
            col: pos.character as usize,
        };
        position::line_col_to_offset_clamped(rope, at, encoding)
    };
    let (start, end) = (clamp(range.start), clamp(range.end));
    start.min(end)..start.max(end)
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Hint => DiagnosticSeverity::HINT,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Error => DiagnosticSeverity::ERROR,
    }
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::GeneralClientCapabilities;

    fn offering(encodings: Vec<PositionEncodingKind>) -> ClientCapabilities {
        ClientCapabilities {
            general: Some(GeneralClientCapabilities {
                position_encodings: Some(encodings),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        assert_eq!(
            negotiate_encoding(&ClientCapabilities::default()),
            Encoding::Utf16
        );
        assert_eq!(
            negotiate_encoding(&offering(vec![PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
        assert_eq!(
            negotiate_encoding(&offering(vec![
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ])),
            Encoding::Utf8
        );
    }

    #[test]
    fn ranges_round_trip_through_utf16_columns() {
        let rope = Rope::from_str("RUN echo 😀 && pip install x\n");
        let install = "RUN echo 😀 && pip install".len();
        let lsp = range(&rope, &(install..install), Encoding::Utf16);
        assert_eq!(lsp.start, Position::new(0, 26));
        assert_eq!(
            byte_range(&rope, lsp, Encoding::Utf16),
            Ok(install..install)
        );
    }

    #[test]
    fn lines_past_the_end_are_errors_unless_clamped() {
        let rope = Rope::from_str("FROM a\n");
        let past = LspRange::new(Position::new(5, 0), Position::new(6, 0));
        assert!(byte_range(&rope, past, Encoding::Utf16).is_err());
        assert_eq!(byte_range_clamped(&rope, past, Encoding::Utf16), 7..7);
    }
}
