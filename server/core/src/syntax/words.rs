//! Splitting an instruction's arguments into words, the way the builder does before it looks at
//! flags and paths: blanks separate words, quotes group them, line continuations and the comment
//! lines inside them count as blanks.

use std::ops::Range;

use crate::syntax::logical::{is_blank, LogicalLine};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word's bytes in the source.
    pub range: Range<usize>,
    /// The word with quotes removed and escapes resolved.
    pub text: String,
}

/// The words of the instruction's arguments (not its keyword, not heredoc bodies).
pub fn split(text: &str, line: &LogicalLine) -> Vec<Word> {
    split_range(text, line.body.clone(), &gaps(line))
}

/// Ranges inside the body that read as blanks: continuations and skipped lines.
pub fn gaps(line: &LogicalLine) -> Vec<Range<usize>> {
    let mut gaps: Vec<Range<usize>> = line
        .continuations
        .iter()
        .chain(&line.skipped)
        .cloned()
        .collect();
    gaps.sort_by_key(|r| r.start);
    gaps
}

pub fn split_range(text: &str, range: Range<usize>, gaps: &[Range<usize>]) -> Vec<Word> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut i = range.start;
    let mut gap = gaps.iter().peekable();
    let in_gap = |i: usize,
                  gap: &mut std::iter::Peekable<std::slice::Iter<Range<usize>>>|
     -> Option<usize> {
        while let Some(g) = gap.peek() {
            if g.end <= i {
                gap.next();
            } else {
                return (g.start <= i).then_some(g.end);
            }
        }
        None
    };
    while i < range.end {
        if let Some(end) = in_gap(i, &mut gap) {
            i = end;
            continue;
        }
        if is_blank(bytes[i]) || bytes[i] == b'\n' {
            i += 1;
            continue;
        }
        let start = i;
        let mut value = String::new();
        let mut quote: Option<u8> = None;
        while i < range.end {
            if quote.is_none() {
                if let Some(end) = in_gap(i, &mut gap) {
                    // A continuation ends the word only if blanks surround it; the builder joins
                    // lines without adding a space.
                    i = end;
                    if i < range.end && (is_blank(bytes[i]) || bytes[i] == b'\n') {
                        break;
                    }
                    continue;
                }
            }
            let b = bytes[i];
            match quote {
                None if is_blank(b) || b == b'\n' => break,
                None if b == b'\'' || b == b'"' => {
                    quote = Some(b);
                    i += 1;
                }
                Some(q) if b == q => {
                    quote = None;
                    i += 1;
                }
                Some(b'\'') => {
                    let ch = text[i..].chars().next().expect("in bounds");
                    value.push(ch);
                    i += ch.len_utf8();
                }
                _ if b == b'\\' && i + 1 < range.end && bytes[i + 1] != b'\n' => {
                    let ch = text[i + 1..].chars().next().expect("in bounds");
                    if quote.is_some() && !matches!(ch, '"' | '\\' | '$' | '`') {
                        value.push('\\');
                    }
                    value.push(ch);
                    i += 1 + ch.len_utf8();
                }
                _ => {
                    let ch = text[i..].chars().next().expect("in bounds");
                    value.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        let mut end = i.min(range.end);
        while end > start && (is_blank(bytes[end - 1]) || bytes[end - 1] == b'\n') {
            end -= 1;
        }
        words.push(Word {
            range: start..end,
            text: value,
        });
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::logical::scan;

    fn words(text: &str) -> Vec<String> {
        let (lines, _) = scan(text, 0..text.len(), b'\\');
        split(text, &lines[0]).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn quotes_and_continuations() {
        assert_eq!(
            words("COPY --chown=a:b \"my file\" \\\n  # c\n  /dst/\n"),
            ["--chown=a:b", "my file", "/dst/"]
        );
        assert_eq!(words("FROM 'py'thon:3 AS x"), ["python:3", "AS", "x"]);
        assert_eq!(words("ADD a\\ b c"), ["a b", "c"]);
    }
}
