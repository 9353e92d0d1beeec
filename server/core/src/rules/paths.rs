//! Paths inside the image: where WORKDIR leaves relative paths, and what a COPY / ADD wrote.

use crate::model::{Base, Instruction, Kind, Model, Script};

/// `path` resolved against `dir` (an absolute directory), without `.` segments or a trailing
/// slash. `None` for paths that hold variables or globs the analysis cannot follow.
pub fn resolve(dir: &str, path: &str) -> Option<String> {
    if path.contains(['$', '`', '~']) {
        return None;
    }
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", dir.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// `path` resolved against `dir` when it is relative, on its own when it is absolute.
pub fn resolve_in(dir: Option<&str>, path: &str) -> Option<String> {
    if path.starts_with('/') {
        resolve("/", path)
    } else {
        resolve(dir?, path)
    }
}

/// Whether `path` is `dir` or lies below it.
pub fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    dir.is_empty()
        || path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A removal operand as a path: `/var/lib/apt/lists/*` is the folder, `/tmp/*.tgz` is not
/// followed (the glob could match anything).
pub fn removal_target(dir: Option<&str>, operand: &str) -> Option<String> {
    let trimmed = operand
        .trim_end_matches('*')
        .trim_end_matches('/')
        .trim_end_matches("/.");
    if trimmed.is_empty() || trimmed.contains(['*', '?', '[', '{']) {
        return None;
    }
    if operand.ends_with('*') && !operand.ends_with("/*") {
        return None;
    }
    resolve_in(dir, trimmed)
}

/// Whether two spellings of a file name may name the same file: equal absolute paths, or the
/// same last segment when either is relative (its folder is not known).
pub fn same_file(a: &str, b: &str) -> bool {
    if a.starts_with('/') && b.starts_with('/') {
        return resolve("/", a) == resolve("/", b);
    }
    let last = |p: &'_ str| p.rsplit('/').next().unwrap_or(p).to_string();
    last(a) == last(b)
}

/// The working directory of the instruction at `at`: the WORKDIRs of its stage, and of the
/// stages it is built from. `None` when it comes from a base image the analysis cannot see
/// (a base image may set its own WORKDIR).
pub fn workdir_at(model: &Model, at: usize) -> Option<String> {
    let mut relative: Vec<&str> = Vec::new();
    let mut stage = model.instructions.get(at)?.stage?;
    let mut end = at;
    loop {
        let s = &model.stages[stage];
        let before = s.workdirs.partition_point(|&i| i < end);
        for &i in s.workdirs[..before].iter().rev() {
            let value = model.instructions[i].args.first()?.text.as_str();
            relative.push(value);
            if value.starts_with('/') {
                return relative
                    .iter()
                    .rev()
                    .try_fold(String::from("/"), |dir, p| resolve(&dir, p));
            }
        }
        match s.base {
            Base::Stage(b) => {
                stage = b;
                end = model.stages[b].body.end;
            }
            Base::Scratch => {
                return relative
                    .iter()
                    .rev()
                    .try_fold(String::from("/"), |dir, p| resolve(&dir, p))
            }
            Base::Image(_) => return None,
        }
    }
}

/// The directory a script's relative paths are relative to: the WORKDIR, unless the script
/// changes directory (then unknown).
pub fn script_dir(model: &Model, at: usize, script: &Script) -> Option<String> {
    if script
        .commands
        .iter()
        .any(|c| matches!(c.program(), "cd" | "pushd"))
    {
        return None;
    }
    workdir_at(model, at)
}

/// Whether a COPY / ADD copies the whole build context (a source `.`).
pub fn copies_context(instr: &Instruction) -> bool {
    matches!(instr.kind, Kind::Copy | Kind::Add)
        && instr.flag("from").is_none()
        && instr.args.split_last().is_some_and(|(_, sources)| {
            sources
                .iter()
                .any(|s| matches!(s.text.as_str(), "." | "./" | "./."))
        })
}

/// For COPY / ADD: the sources and the resolved destination.
pub fn copy_destination<'i>(
    model: &Model,
    at: usize,
    instr: &'i Instruction,
) -> Option<(&'i [crate::syntax::words::Word], String)> {
    if !matches!(instr.kind, Kind::Copy | Kind::Add) {
        return None;
    }
    let (dest, sources) = instr.args.split_last()?;
    let dest = resolve_in(workdir_at(model, at).as_deref(), &dest.text)?;
    Some((sources, dest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_and_compares() {
        assert_eq!(resolve("/app", "./src/").as_deref(), Some("/app/src"));
        assert_eq!(resolve("/app", "/tmp/../opt").as_deref(), Some("/opt"));
        assert_eq!(resolve("/app", "$HOME/x"), None);
        assert!(under("/var/lib/apt/lists", "/var/lib/apt"));
        assert!(!under("/var/lib/aptx", "/var/lib/apt"));
        assert_eq!(
            removal_target(None, "/var/lib/apt/lists/*").as_deref(),
            Some("/var/lib/apt/lists")
        );
        assert_eq!(removal_target(None, "/tmp/*.tgz"), None);
    }

    #[test]
    fn workdir_follows_stages() {
        let text =
            "FROM scratch AS a\nWORKDIR /app\nFROM a\nWORKDIR sub\nRUN x\nFROM debian\nRUN y\n";
        let tree = crate::syntax::parse(text);
        let model = Model::build(text, &tree);
        assert_eq!(workdir_at(&model, 4).as_deref(), Some("/app/sub"));
        assert_eq!(workdir_at(&model, 6), None);
    }
}
