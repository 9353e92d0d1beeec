//! The exec form: a JSON array of strings, with each element's place in the source.

use std::ops::Range;

use crate::syntax::words::Word;

/// Parses `s` (the arguments, where every byte keeps its offset `base + i`) as a JSON array of
/// strings. `None` when it is not one: the builder then takes the text as shell form.
pub fn parse_string_array(s: &str, base: usize) -> Option<Vec<Word>> {
    let bytes = s.as_bytes();
    let mut i = skip_ws(bytes, 0);
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    i = skip_ws(bytes, i + 1);
    let mut out = Vec::new();
    if bytes.get(i) == Some(&b']') {
        return (skip_ws(bytes, i + 1) == bytes.len()).then_some(out);
    }
    loop {
        let (text, end) = parse_string(s, i)?;
        out.push(Word {
            range: base + i..base + end,
            text,
        });
        i = skip_ws(bytes, end);
        match bytes.get(i) {
            Some(b',') => i = skip_ws(bytes, i + 1),
            Some(b']') => return (skip_ws(bytes, i + 1) == bytes.len()).then_some(out),
            _ => return None,
        }
    }
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// A JSON string starting at `i`; its value and the offset after its closing quote.
fn parse_string(s: &str, i: usize) -> Option<(String, usize)> {
    let bytes = s.as_bytes();
    if bytes.get(i) != Some(&b'"') {
        return None;
    }
    let mut out = String::new();
    let mut j = i + 1;
    loop {
        let ch = s[j..].chars().next()?;
        match ch {
            '"' => return Some((out, j + 1)),
            '\\' => {
                let esc = *bytes.get(j + 1)?;
                j += 2;
                match esc {
                    b'"' => out.push('"'),
                    b'\\' => out.push('\\'),
                    b'/' => out.push('/'),
                    b'b' => out.push('\u{8}'),
                    b'f' => out.push('\u{c}'),
                    b'n' => out.push('\n'),
                    b'r' => out.push('\r'),
                    b't' => out.push('\t'),
                    b'u' => {
                        let code = u32::from_str_radix(s.get(j..j + 4)?, 16).ok()?;
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                        j += 4;
                    }
                    _ => return None,
                }
            }
            c if (c as u32) < 0x20 => return None,
            c => {
                out.push(c);
                j += c.len_utf8();
            }
        }
    }
}

/// Whether the element's value is its source text between the quotes, byte for byte.
pub fn is_verbatim(word: &Word, source: &str) -> bool {
    let inner: Range<usize> = word.range.start + 1..word.range.end - 1;
    source.get(inner).is_some_and(|raw| raw == word.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays() {
        let w = parse_string_array(r#"["sh", "-c", "a \"b\""]"#, 10).unwrap();
        assert_eq!(
            w.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["sh", "-c", "a \"b\""]
        );
        assert_eq!(w[0].range, 11..15);
        assert!(parse_string_array("[ -z \"$x\" ] || exit", 0).is_none());
        assert!(parse_string_array("[]", 0).unwrap().is_empty());
        assert!(parse_string_array(r#"["a"] x"#, 0).is_none());
    }
}
