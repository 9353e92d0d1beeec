//! What a copy of the whole build context would bring in, shared by the `.dockerignore` rules.

use crate::environment::Environment;
use crate::model::Model;
use crate::rules::paths::copies_context;

/// Entries that rarely belong in an image: version control, dependency folders the image
/// installs itself, caches, virtual environments, build outputs, logs and secrets.
pub const UNWANTED: &[&str] = &[
    ".git",
    "node_modules",
    "__pycache__",
    ".venv",
    "venv",
    "target",
    "dist",
    ".env",
    "*.log",
];

/// The first instruction, in a stage whose layers ship, that copies the whole context.
pub fn whole_context_copy(model: &Model) -> Option<usize> {
    (0..model.instructions.len()).find(|&i| {
        let instr = &model.instructions[i];
        model.ships(instr) && copies_context(instr)
    })
}

/// The entries of `UNWANTED` (or of `among`) present in the context, not kept out by its
/// `.dockerignore`, and not named in the Dockerfile (which may need them, e.g. `.git` for
/// `git describe`).
pub fn unwanted_present(model: &Model, env: &Environment, among: &[&str]) -> Vec<String> {
    let Some(names) = &env.context else {
        return Vec::new();
    };
    among
        .iter()
        .filter_map(|entry| match entry.strip_prefix('*') {
            Some(suffix) => names
                .iter()
                .any(|n| n.ends_with(suffix) && !env.ignores(n))
                .then(|| entry.to_string()),
            None => (env.has(entry) && !env.ignores(entry)).then(|| entry.to_string()),
        })
        .filter(|entry| {
            !model
                .instructions
                .iter()
                .any(|i| mentions(&model.text[i.range()], entry.trim_start_matches('*')))
        })
        .collect()
}

/// Whether an instruction's `text` names `name` as a path segment (or, for `.git`, runs git).
fn mentions(text: &str, name: &str) -> bool {
    let boundary = |c: Option<char>| {
        c.is_none_or(|c| c.is_whitespace() || matches!(c, '/' | '"' | '\'' | '=' | ',' | '[' | ']'))
    };
    let segment = text.match_indices(name).any(|(i, m)| {
        boundary(text[..i].chars().next_back()) && boundary(text[i + m.len()..].chars().next())
    });
    segment || (name == ".git" && mentions(text, "git"))
}
