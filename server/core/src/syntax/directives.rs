//! Parser directives (`# syntax=`, `# escape=`, `# check=`): `# key=value` comment lines at the
//! very top of a file. The first line that is not a known directive ends them, as in the builder.

use std::ops::Range;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased key.
    pub key: String,
    pub value: String,
    pub range: Range<usize>,
    pub value_range: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Directives {
    pub list: Vec<Directive>,
    /// The line-continuation (escape) character: `\` unless `# escape=` says `` ` ``.
    pub escape: u8,
    /// Directives the builder rejects: a bad escape value or a key given twice.
    pub errors: Vec<(Range<usize>, String)>,
}

const KNOWN: &[&str] = &["syntax", "escape", "check"];

impl Directives {
    pub fn parse(text: &str) -> Directives {
        let mut out = Directives {
            list: Vec::new(),
            escape: b'\\',
            errors: Vec::new(),
        };
        let mut pos = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
        while pos < text.len() {
            let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
            let line = &text[pos..line_end];
            let Some(d) = parse_line(line, pos) else {
                break;
            };
            if out.list.iter().any(|seen| seen.key == d.key) {
                out.errors.push((
                    d.range.clone(),
                    format!("only one {} parser directive can be used", d.key),
                ));
            } else if d.key == "escape" {
                match d.value.as_str() {
                    "\\" => out.escape = b'\\',
                    "`" => out.escape = b'`',
                    other => out.errors.push((
                        d.value_range.clone(),
                        format!("invalid escape token '{other}': it must be \\ or `"),
                    )),
                }
            }
            out.list.push(d);
            pos = line_end + 1;
        }
        out
    }

    pub fn get(&self, key: &str) -> Option<&Directive> {
        self.list.iter().find(|d| d.key == key)
    }
}

/// `#\s*key\s*=\s*value\s*` with a known key.
fn parse_line(line: &str, offset: usize) -> Option<Directive> {
    let trimmed_start = line.len() - line.trim_start().len();
    let rest = line[trimmed_start..].strip_prefix('#')?;
    let body_start = offset + trimmed_start + 1;
    let eq = rest.find('=')?;
    let key = rest[..eq].trim();
    if key.is_empty()
        || !key.starts_with(|c: char| c.is_ascii_alphabetic())
        || !key.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let key = key.to_ascii_lowercase();
    if !KNOWN.contains(&key.as_str()) {
        return None;
    }
    let raw_value = &rest[eq + 1..];
    let value = raw_value.trim();
    if value.is_empty() {
        return None;
    }
    let value_start = body_start + eq + 1 + (raw_value.len() - raw_value.trim_start().len());
    Some(Directive {
        key,
        value: value.to_string(),
        range: offset..offset + line.trim_end().len(),
        value_range: value_start..value_start + value.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_syntax_at_top() {
        let d = Directives::parse("# syntax=docker/dockerfile:1\n# escape=`\nFROM x\n");
        assert_eq!(d.escape, b'`');
        assert_eq!(d.get("syntax").unwrap().value, "docker/dockerfile:1");
        assert!(d.errors.is_empty());
    }

    #[test]
    fn directives_end_at_first_other_line() {
        let d = Directives::parse("# hello\n# escape=`\nFROM x\n");
        assert_eq!(d.escape, b'\\');
        assert!(d.list.is_empty());
    }

    #[test]
    fn bad_escape_and_duplicates_are_errors() {
        let d = Directives::parse("# escape=x\n# escape=`\n");
        assert_eq!(d.errors.len(), 2);
    }
}
