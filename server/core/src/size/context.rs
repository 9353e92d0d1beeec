//! The build context: which files a COPY / ADD sends, with `.dockerignore` read the way Docker
//! reads it (moby/patternmatcher): patterns are cleaned paths relative to the context (a
//! leading `/` is dropped), `*` and `?` stay within a path segment, `**` spans segments, a
//! pattern that matches a directory excludes everything below it, and a later `!pattern`
//! re-includes what an earlier pattern excluded. The core does no I/O: callers list the files.

use crate::model::{Instruction, Kind};

/// The context's regular files, relative paths with `/` separators, and their sizes.
pub trait ContextFiles {
    fn files(&self) -> &[(String, u64)];
    /// The text of `.dockerignore`, if the context has one.
    fn dockerignore(&self) -> Option<&str>;
}

/// A plain listing (what the shells build from the disk, and what tests use).
pub struct Listing {
    pub files: Vec<(String, u64)>,
    pub dockerignore: Option<String>,
}

impl ContextFiles for Listing {
    fn files(&self) -> &[(String, u64)] {
        &self.files
    }
    fn dockerignore(&self) -> Option<&str> {
        self.dockerignore.as_deref()
    }
}

pub struct Ignore {
    patterns: Vec<(bool, Vec<String>)>,
}

impl Ignore {
    pub fn parse(text: &str) -> Ignore {
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let (exception, p) = match l.strip_prefix('!') {
                    Some(p) => (true, p.trim()),
                    None => (false, l),
                };
                (exception, clean(p))
            })
            .filter(|(_, p)| !p.is_empty())
            .collect();
        Ignore { patterns }
    }

    /// Whether `path` (relative, `/`-separated) is left out of the context.
    pub fn excludes(&self, path: &str) -> bool {
        let segments = clean(path);
        let mut excluded = false;
        for (exception, pattern) in &self.patterns {
            if *exception != excluded {
                continue;
            }
            // A pattern also matches every path below a directory it matches.
            let hit = (1..=segments.len()).any(|n| matches(pattern, &segments[..n]));
            if hit {
                excluded = !exception;
            }
        }
        excluded
    }
}

/// `./a//b/../c/` → `["a", "c"]`; a leading `/` means the context root.
pub fn clean(path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s.to_string()),
        }
    }
    out
}

/// Whether the pattern's segments match the path's segments (`**` spans any number).
pub fn matches(pattern: &[String], path: &[String]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| matches(rest, &path[skip..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((seg, path_rest)) => {
                segment_matches(first.as_bytes(), seg.as_bytes()) && matches(rest, path_rest)
            }
            None => false,
        },
    }
}

/// `*`, `?`, `[…]` and `\` escapes within one segment (Go's `filepath.Match`).
fn segment_matches(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| segment_matches(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && segment_matches(rest, &s[1..]),
        Some((b'[', rest)) => {
            let Some(close) = rest.iter().position(|&c| c == b']') else {
                return false;
            };
            let (class, after) = (&rest[..close], &rest[close + 1..]);
            let Some((&c, s_rest)) = s.split_first() else {
                return false;
            };
            let (negated, class) = match class.split_first() {
                Some((b'^' | b'!', rest)) => (true, rest),
                _ => (false, class),
            };
            let mut hit = false;
            let mut i = 0;
            while i < class.len() {
                if i + 2 < class.len() && class[i + 1] == b'-' {
                    hit |= class[i] <= c && c <= class[i + 2];
                    i += 3;
                } else {
                    hit |= class[i] == c;
                    i += 1;
                }
            }
            hit != negated && segment_matches(after, s_rest)
        }
        Some((b'\\', rest)) if !rest.is_empty() => {
            s.first() == Some(&rest[0]) && segment_matches(&rest[1..], &s[1..])
        }
        Some((&c, rest)) => s.first() == Some(&c) && segment_matches(rest, &s[1..]),
    }
}

/// What a COPY / ADD writes, as far as its own line tells.
#[derive(Debug, PartialEq)]
pub enum Sent<'i> {
    /// Files of a stage or an image: the `--from` value.
    From(&'i str),
    /// Heredoc bodies, with their total length.
    Heredocs(u64),
    /// Build-context files matching `sources`, to `dest` as written.
    Context {
        sources: Vec<&'i str>,
        dest: &'i str,
    },
    /// Content no data describes, and why.
    Unknown(&'static str),
}

/// What the COPY / ADD `instr` writes.
pub fn sent(instr: &Instruction) -> Sent<'_> {
    if let Some(from) = instr.flag("from").and_then(|f| f.value.as_deref()) {
        return Sent::From(from);
    }
    if !instr.line.heredocs.is_empty() {
        return Sent::Heredocs(
            instr
                .line
                .heredocs
                .iter()
                .map(|h| h.content.len() as u64)
                .sum(),
        );
    }
    let Some((dest, sources)) = instr.args.split_last() else {
        return Sent::Unknown("no destination");
    };
    let sources: Vec<&str> = sources.iter().map(|w| w.text.as_str()).collect();
    if sources
        .iter()
        .any(|s| s.contains("://") || s.starts_with("git@"))
    {
        return Sent::Unknown("downloads from a URL: size not known before the build");
    }
    if instr.kind == Kind::Add
        && sources.iter().any(|s| {
            [".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2"]
                .iter()
                .any(|e| s.ends_with(e))
        })
    {
        return Sent::Unknown("ADD extracts this archive: its unpacked size is not known");
    }
    if sources.iter().any(|s| s.contains('$')) {
        return Sent::Unknown("the source uses a variable");
    }
    Sent::Context {
        sources,
        dest: &dest.text,
    }
}

/// Bytes and file count that COPY / ADD `sources` would send from the context.
pub fn sources_size(context: &dyn ContextFiles, sources: &[&str]) -> (u64, usize) {
    let ignore = Ignore::parse(context.dockerignore().unwrap_or(""));
    let sources: Vec<Vec<String>> = sources.iter().map(|s| clean(s)).collect();
    let mut total = 0;
    let mut count = 0;
    for (path, size) in context.files() {
        if ignore.excludes(path) {
            continue;
        }
        let segments = clean(path);
        let wanted = sources
            .iter()
            .any(|src| (0..=segments.len()).any(|n| matches(src, &segments[..n])));
        if wanted {
            total += size;
            count += 1;
        }
    }
    (total, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(files: &[(&str, u64)], ignore: &str) -> Listing {
        Listing {
            files: files.iter().map(|(p, s)| (p.to_string(), *s)).collect(),
            dockerignore: Some(ignore.to_string()),
        }
    }

    #[test]
    fn dockerignore_semantics() {
        let i = Ignore::parse("# comment\n/node_modules\n**/*.pyc\n*.md\n!README.md\nbuild/\n");
        assert!(i.excludes("node_modules/x/y.js"));
        assert!(i.excludes("a/b/c.pyc"));
        assert!(i.excludes("c.pyc"));
        assert!(i.excludes("CHANGES.md"));
        assert!(!i.excludes("README.md"));
        assert!(!i.excludes("docs/CHANGES.md"), "* stays within a segment");
        assert!(i.excludes("build/out.o"));
        assert!(!i.excludes("src/main.py"));
        let i = Ignore::parse("*\n!src\nsrc/tmp\n");
        assert!(i.excludes("Dockerfile"));
        assert!(!i.excludes("src/a.py"));
        assert!(i.excludes("src/tmp/x"));
        assert!(Ignore::parse("file[0-9].txt").excludes("file7.txt"));
        assert!(!Ignore::parse("file[!0-9].txt").excludes("file7.txt"));
    }

    #[test]
    fn copy_sources_honour_the_ignore_file() {
        let ctx = listing(
            &[
                ("app.py", 100),
                ("requirements.txt", 10),
                (".git/objects/x", 5000),
                ("src/a.py", 7),
            ],
            ".git\n",
        );
        assert_eq!(sources_size(&ctx, &["."]), (117, 3));
        assert_eq!(sources_size(&ctx, &["requirements.txt"]), (10, 1));
        assert_eq!(sources_size(&ctx, &["./src/"]), (7, 1));
        assert_eq!(sources_size(&ctx, &["*.py"]), (100, 1));
        assert_eq!(sources_size(&ctx, &["missing"]), (0, 0));
    }
}
