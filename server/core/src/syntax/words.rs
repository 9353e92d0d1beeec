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

/// How the builder splits an instruction's arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// Quotes group words (`ENV`, `LABEL`, `ARG`, heredoc markers).
    Quoted { escape: u8 },
    /// Only blanks separate words; quotes are removed inside each word (`FROM`, `COPY`, `ADD`,
    /// …: a path with spaces needs the JSON form).
    Blanks { escape: u8 },
}

/// The words of the instruction's arguments (not its keyword, not heredoc bodies).
pub fn split(text: &str, line: &LogicalLine, mode: Split) -> Vec<Word> {
    split_range(text, line.body.clone(), &gaps(line), mode)
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

pub fn split_range(
    text: &str,
    range: Range<usize>,
    gaps: &[Range<usize>],
    mode: Split,
) -> Vec<Word> {
    let bytes = text.as_bytes();
    let (escape, quotes_group) = match mode {
        Split::Quoted { escape } => (escape, true),
        Split::Blanks { escape } => (escape, false),
    };
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
        // Most words are their source bytes: the text is copied once at the end, unless a
        // quote, an escape or a gap makes it differ, from which point it is built as it is read.
        let mut value: Option<String> = None;
        let mut quote: Option<u8> = None;
        while i < range.end {
            if let Some(mut end) = in_gap(i, &mut gap) {
                // The builder removes a continuation with its line break, and the lines it
                // skips, before it reads quotes or words: the word goes on across them unless
                // a blank follows.
                diverged(&mut value, text, start, i);
                loop {
                    i = end;
                    if i < range.end && bytes[i] == b'\n' {
                        i += 1;
                    }
                    match in_gap(i, &mut gap) {
                        Some(next) => end = next,
                        None => break,
                    }
                }
                if i < range.end && (quote.is_none() || !quotes_group) && is_blank(bytes[i]) {
                    break;
                }
                continue;
            }
            let b = bytes[i];
            match quote {
                _ if (quote.is_none() || !quotes_group) && (is_blank(b) || b == b'\n') => break,
                None if b == b'\'' || b == b'"' => {
                    diverged(&mut value, text, start, i);
                    quote = Some(b);
                    i += 1;
                }
                Some(q) if b == q => {
                    diverged(&mut value, text, start, i);
                    quote = None;
                    i += 1;
                }
                Some(b'\'') => i += verbatim(&mut value, &text[i..]),
                _ if b == escape && i + 1 < range.end && !matches!(bytes[i + 1], b'\n' | b'\r') => {
                    let ch = text[i + 1..].chars().next().expect("in bounds");
                    let value = diverged(&mut value, text, start, i);
                    if quote.is_some() && !matches!(ch, '"' | '\\' | '$' | '`') {
                        value.push(escape as char);
                    }
                    value.push(ch);
                    i += 1 + ch.len_utf8();
                }
                None => {
                    // Most of a word is bytes that neither end it nor change how it reads: take
                    // them in one step, up to the next gap at most (it may end the word).
                    let limit = gap.peek().map_or(range.end, |g| g.start.min(range.end));
                    let run = bytes[i..limit]
                        .iter()
                        .position(|&b| {
                            is_blank(b) || matches!(b, b'\n' | b'\'' | b'"') || b == escape
                        })
                        .unwrap_or(limit - i);
                    if run == 0 {
                        i += verbatim(&mut value, &text[i..]);
                    } else {
                        if let Some(value) = &mut value {
                            value.push_str(&text[i..i + run]);
                        }
                        i += run;
                    }
                }
                _ => i += verbatim(&mut value, &text[i..]),
            }
        }
        let mut end = i.min(range.end);
        while end > start && (is_blank(bytes[end - 1]) || bytes[end - 1] == b'\n') {
            end -= 1;
        }
        words.push(Word {
            range: start..end,
            text: value.unwrap_or_else(|| text[start..i].to_owned()),
        });
    }
    words
}

/// The word's text once it differs from `text[start..i]`, the source bytes read so far.
fn diverged<'v>(
    value: &'v mut Option<String>,
    text: &str,
    start: usize,
    i: usize,
) -> &'v mut String {
    value.get_or_insert_with(|| text[start..i].to_owned())
}

/// Takes the first char of `rest` as it is; returns its length.
fn verbatim(value: &mut Option<String>, rest: &str) -> usize {
    let ch = rest.chars().next().expect("in bounds");
    if let Some(value) = value {
        value.push(ch);
    }
    ch.len_utf8()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::logical::scan;

    fn words(text: &str, mode: Split) -> Vec<String> {
        let (lines, _) = scan(text, 0..text.len(), b'\\');
        split(text, &lines[0], mode)
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    const QUOTED: Split = Split::Quoted { escape: b'\\' };

    #[test]
    fn quotes_group_words_in_key_value_instructions() {
        assert_eq!(
            words("ENV --x=a:b A=\"my file\" \\\n  # c\n  B=/dst/\n", QUOTED),
            ["--x=a:b", "A=my file", "B=/dst/"]
        );
        assert_eq!(
            words("ENV 'py'thon:3 AS x", QUOTED),
            ["python:3", "AS", "x"]
        );
        assert_eq!(words("ENV a\\ b c", QUOTED), ["a b", "c"]);
    }

    #[test]
    fn a_continuation_without_blanks_joins_a_word_across_lines() {
        let blanks = Split::Blanks { escape: b'\\' };
        assert_eq!(
            words("COPY ab\\\n  # c\ncd ü/\\\nx /d\n", blanks),
            ["abcd", "ü/x", "/d"]
        );
        assert_eq!(words("COPY a \\\n b\n", blanks), ["a", "b"]);
        // Inside quotes too: the lines are joined before the quotes are read.
        assert_eq!(
            words("ENV A=\"x \\\n  y\" B='p\\\n# c\nq'\n", QUOTED),
            ["A=x   y", "B=pq"]
        );
    }

    #[test]
    fn blanks_split_paths_and_keep_the_other_escape() {
        assert_eq!(
            words("COPY \"my file\" /dst\n", Split::Blanks { escape: b'\\' }),
            ["my", "file", "/dst"]
        );
        assert_eq!(
            words("COPY C:\\src\\ C:\\dst\n", Split::Blanks { escape: b'`' }),
            ["C:\\src\\", "C:\\dst"]
        );
    }
}
