//! The builder's own line rules: an instruction is one logical line, made of physical lines
//! joined by the escape character, skipping comment and empty lines inside the continuation, and
//! followed by the bodies of its heredocs. This is what the grammar is checked against, and what
//! recovers instructions where the grammar leaves ERROR nodes.

use std::ops::Range;

/// One instruction as the builder sees it, in byte offsets of the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogicalLine {
    /// From the keyword to the end of the last line (heredoc terminators included), without the
    /// final line break.
    pub range: Range<usize>,
    pub keyword: Range<usize>,
    /// The arguments: after the keyword's trailing blanks to the end of the last continuation
    /// line (without heredoc bodies).
    pub body: Range<usize>,
    /// Comment and empty lines inside the continuation, each with its line break: the builder
    /// drops them.
    pub skipped: Vec<Range<usize>>,
    /// Each escape character that continues a line, with the blanks and `\r` after it (not the
    /// `\n`).
    pub continuations: Vec<Range<usize>>,
    pub heredocs: Vec<Heredoc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    /// The `<<EOF` word.
    pub marker: Range<usize>,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    /// `<<'EOF'` or `<<"EOF"`: no expansion in the body.
    pub quoted: bool,
    /// The body lines, each with its line break.
    pub content: Range<usize>,
    /// The terminator line without its line break; `None` when the file ended first.
    pub terminator: Option<Range<usize>>,
}

/// Scans `range` of `text` (which starts at a line start) into instructions and top-level
/// comment lines.
pub fn scan(text: &str, range: Range<usize>, escape: u8) -> (Vec<LogicalLine>, Vec<Range<usize>>) {
    let mut lines = Vec::new();
    let mut comments = Vec::new();
    for statement in statements(text, range, escape) {
        match statement {
            Statement::Instruction(line) => lines.push(line),
            Statement::Comment(comment) => comments.push(comment),
        }
    }
    (lines, comments)
}

/// What [`statements`] reads.
enum Statement {
    Instruction(LogicalLine),
    /// A top-level comment line, from its `#`, without its line break.
    Comment(Range<usize>),
}

/// The statements of `range` of `text` (which starts at a line start), in order.
fn statements(text: &str, range: Range<usize>, escape: u8) -> impl Iterator<Item = Statement> + '_ {
    let mut pos = range.start;
    std::iter::from_fn(move || {
        while pos < range.end {
            let line = physical_line(text, pos);
            let content_start = skip_blanks(text, pos, line.end);
            if content_start == line.end {
                pos = line.next;
            } else if text.as_bytes()[content_start] == b'#' {
                pos = line.next;
                return Some(Statement::Comment(content_start..line.end));
            } else {
                let logical = scan_instruction(text, content_start, escape);
                pos = physical_line(text, logical.range.end).next;
                return Some(Statement::Instruction(logical));
            }
        }
        None
    })
}

/// The instructions of `range` of `text` (which starts at a line start), in order.
fn instructions(
    text: &str,
    range: Range<usize>,
    escape: u8,
) -> impl Iterator<Item = LogicalLine> + '_ {
    statements(text, range, escape).filter_map(|s| match s {
        Statement::Instruction(line) => Some(line),
        Statement::Comment(_) => None,
    })
}

/// The line starts in `text` (read with the backslash escape) where an instruction starts,
/// the start of the text excepted, with its keyword: nothing before such a line reads into it.
pub fn instruction_starts(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    instructions(text, 0..text.len(), b'\\')
        .map(|l| (physical_line(text, l.keyword.start).start, &text[l.keyword]))
        .filter(|&(start, _)| start > 0)
}

/// The first word of the first line of `text`, given that nothing before it reads into it:
/// the keyword of the instruction starting there, if one does.
pub fn first_word(text: &str) -> &str {
    let line = physical_line(text, 0);
    let keyword = skip_blanks(text, 0, line.end);
    let end = (keyword..line.end)
        .find(|&i| is_blank(text.as_bytes()[i]))
        .unwrap_or(line.end);
    &text[keyword..end]
}

/// Whether the instructions of `text[..end]` (the text of a chunk, followed by the first line
/// of the next) read past `end`: it does not end a line, or its last instruction continues
/// over it or has a heredoc still open there.
pub fn reads_past(text: &str, end: usize) -> bool {
    if end > 0 && text.as_bytes()[end - 1] != b'\n' {
        return true;
    }
    instructions(text, 0..end, b'\\')
        .last()
        .is_some_and(|l| physical_line(text, l.range.end).next > end)
}

/// Reads the instruction whose keyword starts at `start`.
pub fn scan_instruction(text: &str, start: usize, escape: u8) -> LogicalLine {
    let bytes = text.as_bytes();
    let first = physical_line(text, start);
    let keyword_end = (start..first.end)
        .find(|&i| is_blank(bytes[i]))
        .unwrap_or(first.end);
    let mut skipped = Vec::new();
    let mut continuations = Vec::new();
    let mut line = first;
    let mut last_end = line.end;
    while let Some(cont) = continuation(text, start.max(line.start), line.end_with_cr(), escape) {
        continuations.push(cont);
        // Follow the continuation past comment and empty lines.
        let mut next = None;
        let mut at = line.next;
        while at < text.len() {
            let candidate = physical_line(text, at);
            let content = skip_blanks(text, at, candidate.end);
            if content == candidate.end || bytes[content] == b'#' {
                skipped.push(at..candidate.next);
                at = candidate.next;
            } else {
                next = Some(candidate);
                break;
            }
        }
        match next {
            Some(n) => {
                line = n;
                last_end = n.end;
            }
            None => {
                // The file ends inside the continuation: the skipped tail is not part of it.
                while skipped.last().is_some_and(|s| s.start >= line.next) {
                    skipped.pop();
                }
                break;
            }
        }
    }
    let body_start = skip_blanks(text, keyword_end, first.end).min(last_end);
    let mut logical = LogicalLine {
        range: start..last_end,
        keyword: start..keyword_end,
        body: body_start..last_end.max(body_start),
        skipped,
        continuations,
        heredocs: Vec::new(),
    };
    if takes_heredocs(&text[logical.keyword.clone()]) {
        read_heredocs(text, &mut logical);
    }
    logical
}

fn takes_heredocs(keyword: &str) -> bool {
    ["RUN", "COPY", "ADD"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(keyword))
}

/// Finds `<<NAME` words in the instruction's own lines and reads their bodies from the lines
/// that follow, in order.
fn read_heredocs(text: &str, logical: &mut LogicalLine) {
    let markers = heredoc_markers(text, logical);
    if markers.is_empty() {
        return;
    }
    let mut at = physical_line(text, logical.range.end).next;
    for (marker, name, chomp, quoted) in markers {
        let content_start = at.min(text.len());
        let mut terminator = None;
        while at < text.len() {
            let line = physical_line(text, at);
            let mut candidate = &text[line.start..line.end];
            if chomp {
                candidate = candidate.trim_start_matches('\t');
            }
            if candidate == name {
                terminator = Some(line.start..line.end);
                at = line.next;
                break;
            }
            at = line.next;
        }
        let content_end = terminator.as_ref().map_or(at.min(text.len()), |t| t.start);
        logical.range.end = terminator
            .as_ref()
            .map_or(trim_final_newline(text, content_end), |t| t.end);
        logical.heredocs.push(Heredoc {
            name,
            marker,
            chomp,
            quoted,
            content: content_start..content_end,
            terminator,
        });
    }
}

fn trim_final_newline(text: &str, end: usize) -> usize {
    let s = &text[..end];
    s.strip_suffix('\n')
        .map_or(end, |s| s.strip_suffix('\r').unwrap_or(s).len())
}

/// `<<EOF`, `<<-EOF`, `<<'EOF'`, `<<"EOF"` as whole words outside quotes (a here-string `<<<`
/// is not a heredoc).
fn heredoc_markers(text: &str, logical: &LogicalLine) -> Vec<(Range<usize>, String, bool, bool)> {
    let mut out = Vec::new();
    // Every word is a piece of the body: without a `<<` there, no word starts with one (and
    // most instructions are spared the split).
    if !text[logical.body.clone()].contains("<<") {
        return out;
    }
    // The builder finds markers with a quote-aware split that always escapes with `\`.
    for word in crate::syntax::words::split(
        text,
        logical,
        crate::syntax::words::Split::Quoted { escape: b'\\' },
    ) {
        let raw = &text[word.range.clone()];
        let Some(rest) = raw.strip_prefix("<<") else {
            continue;
        };
        let (chomp, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if rest.starts_with('<') {
            continue;
        }
        let quoted = rest.starts_with(['\'', '"']);
        let name = word.text[2 + usize::from(chomp)..].to_string();
        if name.is_empty() || name.contains('<') {
            continue;
        }
        out.push((word.range.clone(), name, chomp, quoted));
    }
    out
}

/// If the line `[from, end)` ends with the escape character followed only by blanks (and a
/// `\r`), the range of that tail.
fn continuation(text: &str, from: usize, end: usize, escape: u8) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut i = end;
    while i > from && matches!(bytes[i - 1], b' ' | b'\t' | b'\r') {
        i -= 1;
    }
    (i > from && bytes[i - 1] == escape).then_some(i - 1..end)
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct PhysicalLine {
    pub start: usize,
    /// End of the content: before `\r\n` or `\n`.
    pub end: usize,
    /// Start of the next line (or the end of the text).
    pub next: usize,
}

impl PhysicalLine {
    /// End of the line before its `\n` (a `\r` before it included).
    fn end_with_cr(self) -> usize {
        if self.next > self.end && self.next - self.end == 2 {
            self.end + 1
        } else {
            self.end
        }
    }
}

pub(crate) fn physical_line(text: &str, pos: usize) -> PhysicalLine {
    let bytes = text.as_bytes();
    // Byte searches: `pos` may fall inside a multi-byte character (one byte before an offset
    // that ends one), and `\n` never occurs inside one.
    let pos = pos.min(text.len());
    let start = bytes[..pos]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let nl = bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| pos + i);
    let (end, next) = match nl {
        Some(nl) => (
            if nl > start && bytes[nl - 1] == b'\r' {
                nl - 1
            } else {
                nl
            },
            nl + 1,
        ),
        None => (text.len(), text.len()),
    };
    PhysicalLine { start, end, next }
}

fn skip_blanks(text: &str, from: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    (from..end).find(|&i| !is_blank(bytes[i])).unwrap_or(end)
}

pub(crate) fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b')
}

/// The run of comment lines that ends on the line just before the line holding `start`
/// (empty when that line is not a comment).
pub fn comment_block_above(text: &str, start: usize) -> Range<usize> {
    let mut block_start = physical_line(text, start).start;
    let end = block_start;
    while block_start > 0 {
        let line = physical_line(text, block_start - 1);
        let content = skip_blanks(text, line.start, line.end);
        if content == line.end || text.as_bytes()[content] != b'#' {
            break;
        }
        block_start = line.start;
    }
    block_start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<LogicalLine> {
        scan(text, 0..text.len(), b'\\').0
    }

    #[test]
    fn joins_continuations_and_skips_comments_inside() {
        let text = "FROM a\nRUN one \\\n  # note\n\n  two \\  \n  three\nCMD x\n";
        let l = lines(text);
        assert_eq!(l.len(), 3);
        assert_eq!(
            &text[l[1].body.clone()],
            "one \\\n  # note\n\n  two \\  \n  three"
        );
        assert_eq!(l[1].skipped.len(), 2);
        assert_eq!(l[1].continuations.len(), 2);
        assert_eq!(&text[l[2].keyword.clone()], "CMD");
    }

    #[test]
    fn continuation_lines_starting_with_bracket() {
        let text = "RUN set -eux; \\\n  [ -z \"$x\" ] || exit 1\nFROM b\n";
        let l = lines(text);
        assert_eq!(l.len(), 2);
    }

    #[test]
    fn heredocs_extend_the_instruction() {
        let text = "RUN <<EOF bash\napt-get update\nEOF\nCOPY <<-A <<B /x/\n\thi\n\tA\nthere\nB\nUSER me\n";
        let l = lines(text);
        assert_eq!(l.len(), 3);
        assert_eq!(&text[l[0].heredocs[0].content.clone()], "apt-get update\n");
        assert_eq!(l[1].heredocs.len(), 2);
        assert!(l[1].heredocs[0].chomp);
        assert_eq!(&text[l[1].heredocs[1].content.clone()], "there\n");
        assert_eq!(&text[l[2].keyword.clone()], "USER");
    }

    #[test]
    fn unterminated_heredoc_runs_to_the_end() {
        let text = "RUN <<EOF\necho hi\n";
        let l = lines(text);
        assert_eq!(l.len(), 1);
        assert!(l[0].heredocs[0].terminator.is_none());
        assert_eq!(l[0].range.end, text.len() - 1);
    }

    #[test]
    fn backtick_escape() {
        let text = "FROM a\nRUN dir c:\\ `\n  && echo\n";
        let l = scan(text, 0..text.len(), b'`').0;
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].continuations.len(), 1);
        // Without the directive the backtick is an ordinary character.
        let l = scan(text, 0..text.len(), b'\\').0;
        assert_eq!(l.len(), 3);
    }

    #[test]
    fn crlf_lines() {
        let text = "FROM a\r\nRUN a \\\r\n  b\r\n";
        let l = lines(text);
        assert_eq!(&text[l[1].body.clone()], "a \\\r\n  b");
    }
}
