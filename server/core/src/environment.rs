//! What the analysis may know about the files around a Dockerfile and the images it names. The
//! core never reads the disk nor the network: the CLI and the language server fill this in, and
//! rules that need it stay silent when it is unknown.

use std::sync::Arc;

use crate::size::registry_sizes::RegistrySizes;

/// The build context as its caller sees it (the Dockerfile's folder), and the base-image sizes
/// a registry gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    /// Names of the entries at the top of the build context; `None` when unknown. Shared: every
    /// Dockerfile of a folder has the same context.
    pub context: Option<Arc<[String]>>,
    /// The `.dockerignore` that applies (`<Dockerfile>.dockerignore` beside the Dockerfile
    /// first, then `.dockerignore`), if there is one.
    pub dockerignore: Option<String>,
    /// Sizes looked up in registries for images the embedded table lacks (shared: the language
    /// server hands the same look-ups to every document).
    pub registry: Arc<RegistrySizes>,
}

impl Environment {
    /// Whether the context is known to hold an entry called `name`.
    pub fn has(&self, name: &str) -> bool {
        self.context
            .as_ref()
            .is_some_and(|names| names.iter().any(|n| n == name))
    }

    /// Whether the `.dockerignore` keeps the top-level entry `name` out of the context. Lines are
    /// read in order and the last match wins, `!` re-includes, as the builder does; only
    /// patterns that can match a top-level name are considered.
    pub fn ignores(&self, name: &str) -> bool {
        let Some(ignore) = &self.dockerignore else {
            return false;
        };
        let mut ignored = false;
        for line in ignore.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (negated, pattern) = match line.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, line),
            };
            let pattern = pattern.trim_start_matches("./").trim_start_matches('/');
            let pattern = pattern.strip_prefix("**/").unwrap_or(pattern);
            let pattern = pattern.trim_end_matches('/');
            let pattern = pattern.strip_suffix("/**").unwrap_or(pattern);
            if !pattern.contains('/') && glob(pattern, name) {
                ignored = !negated;
            }
        }
        ignored
    }
}

/// `*` and `?` within one path segment.
fn glob(pattern: &str, name: &str) -> bool {
    match pattern.chars().next() {
        None => name.is_empty(),
        Some('*') => {
            let rest = &pattern[1..];
            name.char_indices()
                .map(|(i, _)| i)
                .chain([name.len()])
                .any(|i| glob(rest, &name[i..]))
        }
        Some(c) => {
            let mut chars = name.chars();
            match chars.next() {
                Some(n) if c == '?' || c == n => glob(&pattern[c.len_utf8()..], chars.as_str()),
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(ignore: &str) -> Environment {
        Environment {
            context: Some(vec![".git".into(), "node_modules".into()].into()),
            dockerignore: Some(ignore.into()),
            ..Environment::default()
        }
    }

    #[test]
    fn dockerignore_patterns() {
        assert!(env(".git\n").ignores(".git"));
        assert!(env("**/node_modules/\n").ignores("node_modules"));
        assert!(env("node_*\n").ignores("node_modules"));
        assert!(env("*\n!src\n").ignores(".git"));
        assert!(!env("*\n!.git\n").ignores(".git"));
        assert!(!env("# .git\nsrc/.git\n").ignores(".git"));
        assert!(!Environment::default().ignores(".git"));
        assert!(env("").has("node_modules"));
    }
}
