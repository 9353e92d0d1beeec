//! Which build-context files a stage holds at a path: what a `COPY --from=<stage> <path>`
//! takes from it, as far as the stage's own COPY / ADDs from the context (and those of the
//! stages it is built FROM) tell.
//!
//! A path that such a COPY wrote as a file counts as exactly that file, although a later RUN
//! could rewrite it: a RUN that rewrites a copied source file in place is rare, and without
//! this rule no file of a stage that runs anything could be sized. A directory is different:
//! build steps write their output next to the sources (`COPY . /src` then `RUN make` in
//! /src), so a directory is exact only when nothing else can have written into it: the stages
//! start from scratch, run nothing, and no other COPY / ADD writes into or over it. Otherwise
//! the context files are a lower bound.

use std::collections::BTreeMap;

use crate::model::{Base, Kind, Model};
use crate::rules::paths::{copy_destination, under, workdir_at};
use crate::size::context::{clean, matches, sent, ContextFiles, Ignore, Sent};

/// A file a context COPY / ADD wrote.
struct Written {
    bytes: u64,
    /// The instruction's index.
    at: usize,
    /// Whether the destination, written without a trailing `/`, may have been a directory
    /// made by something unseen (then the file is inside it, not it).
    maybe_dir: bool,
}

/// What is at a path.
#[derive(Debug, PartialEq)]
pub enum Found {
    /// Context files: their bytes and number, and whether nothing else can be there.
    Context {
        bytes: u64,
        files: usize,
        complete: bool,
    },
    /// No context file: whatever is there came from elsewhere.
    Nothing,
}

pub struct StageFiles {
    /// By path in the image.
    files: BTreeMap<String, Written>,
    /// COPY / ADDs of content no data describes: the instruction's index and where it wrote
    /// (`None`: not known where).
    others: Vec<(usize, Option<String>)>,
    /// Whether something unseen may have written anywhere: the base image's files or a RUN.
    unseen: bool,
}

impl StageFiles {
    /// What the stage `stage` of `model`, and the stages it is built FROM, copied from
    /// `context`.
    pub fn of(model: &Model, stage: usize, context: &dyn ContextFiles) -> StageFiles {
        let ignore = Ignore::parse(context.dockerignore().unwrap_or(""));
        let sent_files: Vec<(Vec<String>, u64)> = context
            .files()
            .iter()
            .filter(|(path, _)| !ignore.excludes(path))
            .map(|(path, size)| (clean(path), *size))
            .filter(|(segments, _)| !segments.is_empty())
            .collect();
        let (mut chain, mut root) = (vec![stage], stage);
        while let Base::Stage(b) = model.stages[root].base {
            chain.push(b);
            root = b;
        }
        let mut out = StageFiles {
            files: BTreeMap::new(),
            others: Vec::new(),
            unseen: matches!(model.stages[root].base, Base::Image(_)),
        };
        for &s in chain.iter().rev() {
            for at in model.stages[s].body.clone() {
                match model.instructions[at].kind {
                    Kind::Run => out.unseen = true,
                    Kind::Copy | Kind::Add => out.copy(model, at, &sent_files),
                    _ => {}
                }
            }
        }
        out
    }

    /// Records what the COPY / ADD at `at` wrote.
    fn copy(&mut self, model: &Model, at: usize, sent_files: &[(Vec<String>, u64)]) {
        let instr = &model.instructions[at];
        let dest = copy_destination(model, at, instr).map(|(_, dest)| dest);
        // `--parents` keeps the source's folders and `--exclude` leaves files out: neither
        // places files the way the plain copy below does.
        let reshaped = instr.flag("parents").is_some() || instr.flag("exclude").is_some();
        let (sources, as_written, dest) = match (sent(instr), dest) {
            (Sent::Context { sources, dest: w }, Some(dest)) if !reshaped => (sources, w, dest),
            (_, dest) => {
                self.others.push((at, dest));
                return;
            }
        };
        // Each source on its own: a matching file keeps its name, a matching directory
        // gives its contents (`COPY src/ /app/` puts src's files under /app).
        let mut targets: Vec<(String, u64, bool)> = Vec::new();
        for pattern in sources.iter().map(|s| clean(s)) {
            for (segments, bytes) in sent_files {
                let Some(n) = (0..=segments.len()).find(|&n| matches(&pattern, &segments[..n]))
                else {
                    continue;
                };
                let (relative, file) = match &segments[n..] {
                    [] => (segments[n - 1].clone(), true),
                    below => (below.join("/"), false),
                };
                targets.push((relative, *bytes, file));
            }
        }
        let into_dir = as_written.ends_with('/')
            || matches!(as_written, "." | "..")
            || as_written.ends_with("/.")
            || as_written.ends_with("/..")
            || sources.len() > 1
            || !matches!(targets.as_slice(), [(_, _, true)])
            || workdir_at(model, at).is_some_and(|w| under(&w, &dest))
            || self.has_below(&dest);
        let maybe_dir =
            !into_dir && (self.unseen || self.others.iter().any(|(_, d)| reaches(d, &dest)));
        for (relative, bytes, _) in targets {
            let path = if into_dir {
                format!("{}/{relative}", dest.trim_end_matches('/'))
            } else {
                dest.clone()
            };
            let written = Written {
                bytes,
                at,
                maybe_dir,
            };
            self.files.insert(path, written);
        }
    }

    /// The files below `dir` (not `dir` itself).
    fn below<'s>(&'s self, dir: &str) -> impl Iterator<Item = &'s Written> + 's {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        self.files
            .range(prefix.clone()..)
            .take_while(move |(path, _)| path.starts_with(&prefix))
            .map(|(_, w)| w)
    }

    fn has_below(&self, dir: &str) -> bool {
        self.below(dir).next().is_some()
    }

    /// What is at `path` (absolute, cleaned) at the end of the stage.
    pub fn at(&self, path: &str) -> Found {
        if let Some(w) = self.files.get(path) {
            let overwritten = self
                .others
                .iter()
                .any(|(at, dest)| *at > w.at && reaches(dest, path));
            return Found::Context {
                bytes: w.bytes,
                files: 1,
                complete: !w.maybe_dir && !overwritten,
            };
        }
        let (bytes, files) = self
            .below(path)
            .fold((0, 0), |(bytes, n), w| (bytes + w.bytes, n + 1));
        if files == 0 {
            return Found::Nothing;
        }
        let touched = self.unseen || self.others.iter().any(|(_, dest)| reaches(dest, path));
        Found::Context {
            bytes,
            files,
            complete: !touched,
        }
    }
}

/// Whether a write to `dest` (`None`: not known where) may have put something at `path`, or
/// into or over a directory there.
fn reaches(dest: &Option<String>, path: &str) -> bool {
    dest.as_deref()
        .is_none_or(|d| under(d, path) || under(path, d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::size::context::Listing;

    fn context() -> Listing {
        Listing {
            files: [
                ("app.py", 100),
                ("src/main.go", 2_000),
                ("src/lib/util.go", 300),
                ("src/notes.md", 40),
                ("README.md", 7),
            ]
            .iter()
            .map(|(p, s)| (p.to_string(), *s))
            .collect(),
            dockerignore: Some("**/*.md\n".into()),
        }
    }

    /// What the last stage of `text` holds at each of `paths`.
    fn found(text: &str, paths: &[&str]) -> Vec<Found> {
        let tree = crate::syntax::parse(text);
        let model = Model::build(text, &tree);
        let files = StageFiles::of(&model, model.stages.len() - 1, &context());
        paths.iter().map(|p| files.at(p)).collect()
    }

    fn exact(bytes: u64, files: usize) -> Found {
        Found::Context {
            bytes,
            files,
            complete: true,
        }
    }

    fn at_least(bytes: u64, files: usize) -> Found {
        Found::Context {
            bytes,
            files,
            complete: false,
        }
    }

    #[test]
    fn destinations_follow_copy_semantics() {
        let got = found(
            "FROM scratch\nWORKDIR /w\nCOPY app.py /one/\nCOPY app.py /two\nCOPY src/ /app/\nCOPY src rel\nCOPY . /all\nCOPY app.py .\n",
            &[
                "/one/app.py",
                "/two",
                "/app/main.go",
                "/app/lib",
                "/w/rel/lib/util.go",
                "/all",
                "/w/app.py",
                "/app/notes.md",
            ],
        );
        assert_eq!(
            got,
            [
                exact(100, 1),
                exact(100, 1),
                exact(2_000, 1),
                exact(300, 1),
                exact(300, 1),
                exact(2_400, 3),
                exact(100, 1),
                Found::Nothing,
            ]
        );
    }

    #[test]
    fn unseen_writers_make_directories_lower_bounds() {
        let got = found(
            "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /src/app .\nFROM build AS b2\n",
            &["/src/src/main.go", "/src/src", "/src/app"],
        );
        assert_eq!(got, [exact(2_000, 1), at_least(2_300, 2), Found::Nothing]);
    }

    #[test]
    fn other_copies_into_or_over_a_path() {
        let got = found(
            "FROM scratch\nCOPY src/ /app/\nCOPY --from=tools /bin/ /app/lib/\nCOPY app.py /etc/x\nCOPY --from=tools /x /etc/\nCOPY app.py /opt/y\n",
            &["/app/main.go", "/app", "/etc/x", "/opt/y"],
        );
        assert_eq!(
            got,
            [
                exact(2_000, 1),
                at_least(2_300, 2),
                at_least(100, 1),
                exact(100, 1)
            ]
        );
    }

    #[test]
    fn a_file_name_may_be_a_directory_someone_else_made() {
        let got = found(
            "FROM alpine\nCOPY app.py /usr/local/bin\nFROM scratch\nWORKDIR /srv\nCOPY app.py /srv\n",
            &["/usr/local/bin", "/srv/app.py"],
        );
        assert_eq!(got, [Found::Nothing, exact(100, 1)]);
        let got = found(
            "FROM alpine\nCOPY app.py /usr/local/bin\n",
            &["/usr/local/bin"],
        );
        assert_eq!(got, [at_least(100, 1)]);
    }
}
